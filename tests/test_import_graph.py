"""The import graph of the installed ``stylist`` package: no cycles, tools never import the agent,
and in-function imports of project modules only go down.

Every module is parsed (not imported) with ``ast``. An edge ``a -> b`` means module ``a`` imports
project module ``b``, at the top or inside a function; imports under ``if TYPE_CHECKING:`` are left
out (they never run). ``from p import name`` counts as an import of ``p.name`` when that is a module,
else of ``p``. Run this file as a script to print the graph's cycles and in-function imports.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The installed packages and the folders they come from (setup.py maps tools/ to stylist.tools …).
PACKAGES = ("stylist", "stylist.tools", "stylist.index", "stylist.tui")

#: In-function imports of project modules may not grow; lower this when you remove some.
MAX_FUNCTION_IMPORTS = 103

#: Cycles still waiting on work elsewhere: a cycle is allowed when all its modules lie in one entry
#: (each entry names the issue that removes it). Only ever shrinks.
ALLOWED_CYCLES: dict[frozenset[str], str] = {}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    in_function: bool
    type_checking: bool


def package_modules() -> dict[str, Path]:
    """Every module of the installed package, by dotted name."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
        root = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: set[str]) -> None:
        self.module, self.is_package, self.known = module, is_package, known
        self.imports: list[Import] = []
        self._function_depth = 0
        self._type_checking = 0

    def _project(self, name: str) -> str | None:
        """The longest project module that ``name`` is or lies inside."""
        while name:
            if name in self.known:
                return name
            name = name.rpartition(".")[0]
        return None

    def _add(self, node: ast.stmt, target: str | None) -> None:
        if target is not None:
            self.imports.append(
                Import(self.module, target, node.lineno, self._function_depth > 0, self._type_checking > 0)
            )

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self._type_checking += 1
            for child in node.body:
                self.visit(child)
            self._type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _visit_function(self, node: ast.AST) -> None:
        self._function_depth += 1
        self.generic_visit(node)
        self._function_depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    def visit_Import(self, node: ast.Import) -> None:
        for target in sorted({self._project(alias.name) or "" for alias in node.names}):
            self._add(node, target or None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            if not self.is_package:
                base.pop()
            base = base[: len(base) - (node.level - 1)]
            package = ".".join(base + ([node.module] if node.module else []))
        else:
            package = node.module or ""
        targets = {f"{package}.{a.name}" for a in node.names}
        for target in sorted({t if t in self.known else self._project(package) or "" for t in targets}):
            self._add(node, target or None)


def collect_imports() -> list[Import]:
    modules = package_modules()
    known = set(modules)
    found: list[Import] = []
    for name, path in modules.items():
        collector = _Collector(name, path.name == "__init__.py", known)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(i for i in collector.imports if i.target != name)
    return found


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module, each sorted, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
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
                    components.append(sorted(component))
    return sorted(components)


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle through the component's first module (breadth first: a shortest one)."""
    members, start = set(component), component[0]
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if child not in parent:
                    parent[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


def runtime_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in package_modules()}
    for i in imports:
        if not i.type_checking:
            graph[i.source].add(i.target)
            graph[i.source].update(p for p in _outer_packages(i.source, i.target) if p in graph)
    return graph


def _outer_packages(source: str, target: str) -> list[str]:
    """The packages Python initialises before ``target`` that ``source`` does not lie in."""
    parts = target.split(".")
    packages = (".".join(parts[:n]) for n in range(1, len(parts)))
    return [p for p in packages if p != source and not source.startswith(p + ".")]


def describe(graph: dict[str, set[str]], component: list[str]) -> str:
    return f"{len(component)} modules, e.g. " + " -> ".join(a_cycle(graph, component))


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return collect_imports()


def test_the_graph_sees_every_kind_of_import(imports):
    """The parser is not blind: known imports of each kind show up (guards against a silent zero)."""
    modules = package_modules()
    assert {"stylist.facade", "stylist.tools.registry", "stylist.index.schema", "stylist.tui.app"} <= set(
        modules
    )
    edges = {(i.source, i.target) for i in imports}
    assert ("stylist.index.store.catalogue_index", "stylist.index.store.scoring") in edges
    assert any(i.type_checking for i in imports) and any(not i.type_checking for i in imports)


def test_no_import_cycles(imports):
    graph = runtime_graph(imports)
    found = strongly_connected(graph)
    new = [describe(graph, c) for c in found if not any(set(c) <= allowed for allowed in ALLOWED_CYCLES)]
    assert not new, "import cycles among stylist modules:\n" + "\n".join(new)
    gone = [
        f"{sorted(a)} ({why})" for a, why in ALLOWED_CYCLES.items() if not any(set(c) <= a for c in found)
    ]
    assert not gone, "these allowed cycles are gone: remove them from ALLOWED_CYCLES:\n" + "\n".join(gone)


def test_tools_never_import_the_agent(imports):
    bad = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in imports
        if i.source.startswith("stylist.tools") and (i.target + ".").startswith("stylist.agent.")
    ]
    assert not bad, "tools must not import stylist.agent:\n" + "\n".join(bad)


def test_in_function_imports_of_project_modules_only_go_down(imports):
    lazy = [i for i in imports if i.in_function and not i.type_checking]
    assert len(lazy) <= MAX_FUNCTION_IMPORTS, (
        f"{len(lazy)} in-function imports of project modules (at most {MAX_FUNCTION_IMPORTS}): "
        "import project modules at the top of the module"
    )


def test_cycle_finder_names_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


if __name__ == "__main__":
    found_imports = collect_imports()
    g = runtime_graph(found_imports)
    for comp in strongly_connected(g):
        print("cycle:", describe(g, comp))
        if "-v" in sys.argv:
            print("   ", " ".join(comp))
    lazy_imports = [i for i in found_imports if i.in_function and not i.type_checking]
    print(f"{len(strongly_connected(g))} cycles; {len(lazy_imports)} in-function imports of project modules")
    for (source, _), n in Counter((i.source, 0) for i in lazy_imports).most_common():
        print(f"{n:4d} {source}")
