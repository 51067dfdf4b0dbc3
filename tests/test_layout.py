"""The package shows its pipeline: one unit per stage, and no stage imports a later one.

The import graph is read from the source (every ``import``, at module level or inside a function),
so a lazy import that climbs the pipeline is caught as well as a top-level one.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mgiassist"
# Pipeline order: a unit may import units of its own rank or lower, never higher. Same-rank units
# may import each other only where that makes no cycle (asserted separately).
RANKS = {
    "errors": 0, "schema": 0, "files": 0,
    "text": 1,
    "ingest": 2,
    "chunk": 3, "embed": 3,
    "index": 4,
    "search": 5, "editions": 5,
    "answer": 6,
    "assistant": 7,
    "live": 8, "suggest": 8, "export": 8,
    "evaluate": 9,
    "cli": 10, "page": 10,
}
LOOSE_ALLOWED = {"__init__", "__main__", "errors", "schema"}


def _unit(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_units(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    units = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (the project imports by full name)")
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        units.update(n.split(".")[1] for n in names if n.startswith("mgiassist."))
    return units


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        unit = _unit(path)
        if unit in ("__init__", "__main__"):
            continue
        graph.setdefault(unit, set()).update(u for u in _imported_units(path) if u != unit)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one unit (iterative Tarjan, no recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_every_unit_has_a_rank_and_no_unit_imports_a_later_stage():
    graph = import_graph()
    assert set(graph) <= set(RANKS), f"units without a place in the pipeline: {set(graph) - set(RANKS)}"
    upward = sorted((u, v) for u, targets in graph.items() for v in targets if RANKS[v] > RANKS[u])
    assert upward == []


def test_there_is_no_import_cycle_between_units():
    assert cycles(import_graph()) == []


def test_at_most_eight_loose_modules_beside_the_stage_packages():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in LOOSE_ALLOWED)
    assert len(loose) <= 8, loose


def test_every_stage_package_says_its_place_in_a_docstring():
    for init in PACKAGE.glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring.split()) >= 8, f"{init.parent.name}/__init__.py has no docstring"


def test_a_search_imports_neither_the_readers_nor_the_index_builder():
    code = ("import json, sys, mgiassist.search.searcher; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mgiassist.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(PACKAGE.parent), "PATH": ""})
    loaded = json.loads(done.stdout)
    assert "mgiassist.search.searcher" in loaded
    assert not [m for m in loaded if m.startswith(("mgiassist.ingest", "mgiassist.index.build",
                                                   "mgiassist.answer", "mgiassist.page"))]
