"""The shape of the package: imports run one way, and the architecture document matches the tree.

Counts every import statement, at module level or inside a function, so an import tucked into a
function cannot hide a cycle. ``if TYPE_CHECKING:`` imports count too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kennisnet"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MAX_TOP_LEVEL_ENTRIES = 10


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path) -> set[str]:
    """The kennisnet modules a file names in its import statements."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kennisnet"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("kennisnet"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return {m for m in found if m in MODULES}


def import_graph() -> dict[str, set[str]]:
    return {name: imported_modules(path) - {name} for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_cycle_counting_imports_inside_functions() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_queue_is_a_leaf() -> None:
    """The queue module imports no domain module: tasks import their work, never the reverse."""
    allowed = {"kennisnet.core.extensions", "kennisnet.core.faults", "kennisnet.core.config"}
    assert import_graph()["kennisnet.core.queue"] <= allowed


def test_nothing_outside_search_imports_whoosh() -> None:
    offenders = [
        name
        for name, path in MODULES.items()
        if not name.startswith("kennisnet.search")
        and re.search(r"^\s*(from|import) whoosh", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def function_imports_without_reason(path: Path) -> list[int]:
    """Lines of imports inside functions with no comment saying why.

    The comment stands on the import's own line, or on the line above a block of imports.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    bad = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = [n for n in ast.walk(func) if isinstance(n, ast.Import | ast.ImportFrom)]
        block_start: dict[int, int] = {}
        for node in sorted(imports, key=lambda n: n.lineno):
            previous = next((b for b in imports if b.end_lineno == node.lineno - 1), None)
            block_start[node.lineno] = block_start[previous.lineno] if previous else node.lineno
        for node in imports:
            own = lines[node.lineno - 1 : node.end_lineno]
            start = block_start[node.lineno]
            above = lines[start - 2].strip() if start > 1 else ""
            if not any("#" in line for line in own) and not above.startswith("#"):
                bad.append(node.lineno)
    return sorted(bad)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_inside_functions_say_why(name: str) -> None:
    assert function_imports_without_reason(MODULES[name]) == []


def test_reason_check_catches_a_bare_function_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    import json\n\n"
        "def g():\n    # heavy: only the child needs it\n    import csv\n"
        "    import gzip\n"
        "def h():\n    import zlib  # optional\n"
    )
    assert function_imports_without_reason(sample) == [2]


def test_package_top_level_stays_small() -> None:
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_TOP_LEVEL_ENTRIES, sorted(entries)


def documented_modules() -> set[str]:
    """Module and package paths named in the architecture document's table."""
    table = [
        line
        for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]
    return {m.rstrip("/") for line in table for m in re.findall(r"`(kennisnet/[\w/.]+)`", line)}


SUBPACKAGES = sorted(
    str(p.parent.relative_to(ROOT))
    for p in PACKAGE.rglob("*/__init__.py")
    if "__pycache__" not in p.parts
)


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_every_package_is_in_the_architecture_table(package: str) -> None:
    assert package in documented_modules(), f"{package} missing from docs/architecture.md"
