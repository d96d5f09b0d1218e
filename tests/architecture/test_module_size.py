"""No module is over 400 lines: a module that grows past that knows more than one thing
and is split by what it knows (issue 14). That holds for the app's rooms and just as much
for tests/ and bench/ (the issue listed a benchmark among the offenders); only migrations,
written by makemigrations, are not counted."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = (
    "accounts", "api", "charts", "config", "content", "csvio", "digests", "kits",
    "planner", "scoring", "suggestions", "workspace", "tests", "bench",
)  # fmt: skip
MAX_LINES = 400


def _modules(folder):
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_every_folder_is_found():
    empty = [folder for folder in FOLDERS if not any(_modules(folder))]
    assert empty == []
    assert sum(1 for folder in FOLDERS for _ in _modules(folder)) > 300


def test_no_module_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for folder in FOLDERS
        for path in _modules(folder)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
