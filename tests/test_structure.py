"""The shape of docsite/: no import circles, small modules, short functions, a short factory."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "docsite"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MAX_FACTORY_LINES = 60  # create_app reads in one screen


def _modules() -> dict[str, Path]:
    modules = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        rel = file.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = file
    return modules


def _imports(name: str, file: Path, known: set[str]) -> set[str]:
    """The package's own modules a module imports (at any depth, TYPE_CHECKING included)."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text("utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target != "docsite":
                found.add(target)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_in_docsite():
    modules = _modules()
    graph = {name: _imports(name, file, set(modules)) for name, file in modules.items()}
    assert _cycles(graph) == []


def test_no_module_of_docsite_is_over_500_lines():
    sizes = {
        str(file.relative_to(ROOT)): len(file.read_text("utf-8").splitlines())
        for file in _modules().values()
    }
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def _functions(file: Path) -> dict[str, int]:
    sizes = {}
    for node in ast.walk(ast.parse(file.read_text("utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            sizes[f"{file.relative_to(ROOT)}:{node.lineno} {node.name}"] = (
                (node.end_lineno or node.lineno) - node.lineno + 1
            )
    return sizes


def test_no_function_of_docsite_is_over_60_lines():
    long = {
        name: n
        for file in _modules().values()
        for name, n in _functions(file).items()
        if n > MAX_FUNCTION_LINES
    }
    assert long == {}


def test_the_app_factory_reads_in_one_screen():
    sizes = _functions(PACKAGE / "app.py")
    factory = next(n for name, n in sizes.items() if name.endswith(" create_app"))
    assert factory <= MAX_FACTORY_LINES
