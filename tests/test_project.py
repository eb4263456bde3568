"""The project's own promises: the layer rule holds, no module imports itself in a loop, the code is lint-clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_layer_contracts_hold() -> None:
    result = subprocess.run([_tool("lint-imports")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "src", "tests", "benchmarks", "migrations"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every import loop between modules, as one chain per loop (Tarjan's strongly connected components).

    Imports inside functions count: a loop hidden in a function body is still a loop in the design.
    """
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        loops.append(_loop_through(graph, sorted(component)))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(edges[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return loops


def _loop_through(graph: grimp.ImportGraph, component: list[str]) -> list[str]:
    """One concrete loop in a strongly connected component, e.g. [a, b, a], to name in the failure."""
    first = component[0]
    nxt = next(m for m in sorted(graph.find_modules_directly_imported_by(first)) if m in component)
    back = graph.find_shortest_chain(importer=nxt, imported=first) or ()
    return [first, *back]


def test_no_import_loops_anywhere() -> None:
    graph = grimp.build_graph("casedesk", cache_dir=None)
    loops = import_cycles(graph)
    assert not loops, "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)


def test_the_loop_finder_finds_a_loop() -> None:
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.d")
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_test_modules_never_import_each_other() -> None:
    """Shared test data and builders live in tests/factories.py (and helpers such as tests/sync/harness.py), so a
    test module is never imported for its constants and a conftest is never imported at all."""
    found = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests."):
                last = node.module.rsplit(".", 1)[-1]
                if last.startswith("test_") or last == "conftest":
                    found.append(f"{path.relative_to(REPO)} imports {node.module}")
    assert not found, "import from tests.factories instead: " + "; ".join(found)


def test_the_ui_never_builds_changes_nor_reaches_the_database() -> None:
    """Views run every call through `runner.op` / `runner.query` on the collection's features: what a write
    changed comes back from the service (the UI never works it out), and the UI holds no database handle."""
    found = []
    for path in sorted((REPO / "src" / "casedesk" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Attribute) and node.attr == "db":
                found.append(f"{where} reaches .db")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Changes":
                found.append(f"{where} builds Changes")
    assert found == []
