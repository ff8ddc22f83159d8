"""The package's import graph has no cycles, and the layout's levels hold (nothing imports upward)."""

from __future__ import annotations

import ast
import threading
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "drafter"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _parse(text: str) -> ast.Module:
    """ast.parse, retried once on a fresh thread (CPython 3.11.7 can raise a spurious recursion-depth SystemError)."""
    try:
        return ast.parse(text)
    except SystemError:
        found: list[ast.Module] = []
        worker = threading.Thread(target=lambda: found.append(ast.parse(text)))
        worker.start()
        worker.join()
        return found[0]


@cache  # parsed once: CPython 3.11.7's ast.parse can raise a spurious SystemError when called deep in a run
def import_graph() -> dict[str, set[str]]:
    """Module → the drafter modules it imports (at any depth in the file, TYPE_CHECKING blocks excluded)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = _parse(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                base = node.module
                if not base.startswith("drafter"):
                    continue
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    deps.add(candidate if candidate in modules else base)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("drafter"))
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        graph[name] = {d for d in deps if d in modules and d != name and d not in parents}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_drafter_has_no_import_cycle() -> None:
    assert find_cycle(import_graph()) is None


LEVELS = ["text", "facts", "draft", "llm", "critic"]  # each may import only the levels before it


def test_lower_levels_never_import_higher_ones() -> None:
    graph = import_graph()
    bad = []
    for module, deps in graph.items():
        part = module.split(".")[1] if module.count(".") else ""
        if part not in LEVELS:
            continue
        allowed = set(LEVELS[: LEVELS.index(part) + 1]) | {"errors", "settings", "messages", "secrets", "i18n", "files"}
        for dep in deps:
            dep_part = dep.split(".")[1] if dep.count(".") else ""
            if dep_part not in allowed:
                bad.append(f"{module} → {dep}")
    assert bad == []
