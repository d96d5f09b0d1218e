"""No module of the app is over 400 lines: a module that grows past that knows more than one
thing and is split by what it knows (issue 14). Tests, migrations and benchmarks are not
counted."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOMS = (
    "accounts", "api", "charts", "config", "content", "csvio", "digests", "kits",
    "planner", "scoring", "suggestions", "workspace",
)  # fmt: skip
MAX_LINES = 400


def _modules():
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_rooms_are_found():
    assert sum(1 for _ in _modules()) > 100


def test_no_module_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
