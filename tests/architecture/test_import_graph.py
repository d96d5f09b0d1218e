"""The rooms of the house and the direction of imports (README, "What is here").

Read with `ast` from the source, without importing anything: imports run one way,
`api, digests -> workspace -> kits -> suggestions -> scoring -> planner -> content ->
accounts`; `charts` and `csvio` are leaves that import no app; no module imports itself
back through others; no import hides inside a function. Migrations are history and are
left out (an old migration may name a model by the module it lives in now).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Higher imports lower, never the other way. Equal ranks do not import each other.
RANK = {
    "accounts": 1,
    "content": 2,
    "planner": 3,
    "scoring": 4,
    "suggestions": 5,
    "kits": 6,
    "workspace": 7,
    "digests": 8,
    "api": 9,
}
LEAVES = {"charts", "csvio"}  # anyone may import them; they import no app
TOP = "config"  # settings, URLs, the Celery app: may import every app, no app imports it
PACKAGES = sorted({*RANK, *LEAVES, TOP})
# Plain Python: no Django, and no app but the pure core itself.
PURE = (
    "scoring.core",
    "suggestions.engine",
    "suggestions.candidates",
    "suggestions.ranking",
    "suggestions.explanations",
    "suggestions.measures",
)
PURE_MAY_IMPORT = PURE


def _source_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            files += [p for p in folder.rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in _source_files()}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """The modules an import statement loads, resolved against our own files."""
    modules = _modules()
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from . import x
        package = module.split(".")[: -node.level]
        base = ".".join([*package, base] if base else package)
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        found.append(candidate if candidate in modules else base)
    return found


@cache
def _imports() -> dict[str, tuple[tuple[str, int, bool], ...]]:
    """module -> (imported module, line, inside a function) for every import statement
    that runs (those under `if TYPE_CHECKING:` are left out)."""
    result = {}
    for module, path in _modules().items():
        tree = ast.parse(path.read_text(), filename=str(path))
        found: list[tuple[str, int, bool]] = []

        def visit(node: ast.AST, in_function: bool, found=found, module=module) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    for sub in child.orelse:
                        visit(sub, in_function)
                    continue
                if isinstance(child, ast.Import | ast.ImportFrom):
                    found.extend((t, child.lineno, in_function) for t in _targets(child, module))
                inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                visit(child, inside)

        visit(tree, False)
        result[module] = tuple(found)
    return result


def _room(module: str) -> str:
    return module.split(".")[0]


def _ours(module: str) -> bool:
    return _room(module) in PACKAGES


def _ready_of_an_app_config(module: str, line: int) -> bool:
    """`AppConfig.ready` may import: modules that import models load only once the app
    registry is ready (Django's documented place for connecting signals)."""
    if not module.endswith(".apps"):
        return False
    tree = ast.parse(_modules()[module].read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.FunctionDef)
            and node.name == "ready"
            and node.lineno <= line <= (node.end_lineno or node.lineno)
        ):
            return True
    return False


def test_the_rooms_are_where_the_readme_says():
    for room in ("planner", "scoring", "scoring/core", "suggestions", "kits", "workspace"):
        assert (ROOT / room / "__init__.py").is_file(), room
    assert (ROOT / "charts" / "__init__.py").is_file()
    assert len(_modules()) > 50  # the walk found the code


def test_imports_run_one_way():
    upward = []
    for module, imports in _imports().items():
        source = _room(module)
        for target, line, _inside in imports:
            if not _ours(target):
                continue
            goal = _room(target)
            if goal == source:
                continue
            if goal == TOP:
                wrong = True  # nothing imports config
            elif source == TOP:
                wrong = False
            elif source in LEAVES:
                wrong = True  # a leaf imports no app (not even the other leaf)
            elif goal in LEAVES:
                wrong = False
            else:
                wrong = RANK[goal] >= RANK[source]
            if wrong:
                upward.append(f"{module}:{line} imports {target}")
    assert upward == []


def test_the_pure_cores_import_no_django_and_no_app():
    impure = []
    for module, imports in _imports().items():
        if not module.startswith(PURE):
            continue
        for target, line, _inside in imports:
            if target.split(".")[0] == "django" or (
                _ours(target) and not target.startswith(PURE_MAY_IMPORT)
            ):
                impure.append(f"{module}:{line} imports {target}")
    assert impure == []


def test_no_import_hides_inside_a_function():
    hidden = [
        f"{module}:{line} imports {target}"
        for module, imports in _imports().items()
        for target, line, inside in imports
        if inside and not _ready_of_an_app_config(module, line)
    ]
    assert hidden == []


def test_no_module_imports_itself_back_through_others():
    graph = {
        module: sorted({t for t, _line, _inside in imports if t in _modules() and t != module})
        for module, imports in _imports().items()
    }
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in graph[module]:
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                walk(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
    assert circles == []


def test_the_checker_sees_an_upward_import_and_one_inside_a_function(tmp_path):
    """The rules above can fail: the same walk over a made-up module finds both faults."""
    source = "import os\n\nfrom workspace import views\n\n\ndef f():\n    from kits import models\n"
    tree = ast.parse(source)
    imports = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                imports.extend((t, in_function) for t in _targets(child, "planner.fake"))
            visit(child, in_function or isinstance(child, ast.FunctionDef))

    visit(tree, False)
    assert ("workspace.views", False) in imports
    assert RANK[_room("workspace.views")] > RANK["planner"]
    assert ("kits.models", True) in imports
