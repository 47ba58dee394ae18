"""The package's layers hold: a pure core, imports that only go down, no cycle.

- ``sphinx_newsletter.core`` imports nothing from Sphinx, docutils or MyST:
  every core module is imported in a fresh interpreter where those are blocked.
- ``sphinx_newsletter.cli`` loads without them too (it reads ``conf.py``
  through Sphinx only when a command runs).
- Core modules import only core modules, and no module of the package is
  part of an import cycle, counting every import: at the top, inside
  functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "ext" / "sphinx_newsletter"
NAME = "sphinx_newsletter"
BLOCKED = ("sphinx", "docutils", "myst_parser", "sphinx_design", "furo")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of the package that *name* imports, anywhere in its text."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found |= {c for c in candidates if c in modules and c != NAME}
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_module_is_part_of_an_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_can_fail() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_core_modules_import_only_core_modules() -> None:
    graph = _graph()
    core = {name for name in graph if name.startswith(f"{NAME}.core")}
    assert len(core) > 10
    assert {name: sorted(graph[name] - core) for name in core if graph[name] - core} == {}


BLOCKER = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
for name in sys.argv[1:]:
    importlib.import_module(name)
print("imported", len(sys.argv) - 1)
"""


def _import_blocked(names: list[str]) -> subprocess.CompletedProcess[str]:
    code = BLOCKER.format(blocked=BLOCKED)
    return subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("layer", ["core", "cli"])
def test_a_layer_loads_without_sphinx_docutils_or_myst(layer: str) -> None:
    names = sorted(name for name in _modules() if name.startswith(f"{NAME}.{layer}"))
    result = _import_blocked(names)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(names)}"


def test_the_blocker_blocks() -> None:
    result = _import_blocked([f"{NAME}.parser"])
    assert result.returncode != 0 and "blocked: " in result.stderr
