"""The command line is one package with an obvious top: its modules import one another in one direction
only (no circle, not even through an import inside a function), and the rest of the library reaches it
through ``freedompay_cards._cli`` alone."""

from __future__ import annotations

import ast
from pathlib import Path

import freedompay_cards

FACADE = Path(freedompay_cards.__file__).resolve().parent
CLI = FACADE / "_cli"


def _imports(path: Path, package: str) -> set[str]:
    """The modules of ``freedompay_cards`` that ``path`` imports, anywhere in it, as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("freedompay_cards")}


def _cli_graph() -> dict[str, set[str]]:
    modules = {f"freedompay_cards._cli.{p.stem}": p for p in CLI.glob("*.py") if p.stem != "__init__"}
    modules["freedompay_cards._cli"] = CLI / "__init__.py"
    return {
        name: {m for m in _imports(path, "freedompay_cards._cli") if m in modules and m != name}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                return [*path[path.index(child) :], child]
            if child not in state:
                found = visit(child)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_cli_modules_import_one_another_in_one_direction_only() -> None:
    graph = _cli_graph()

    assert len(graph) >= 6  # the walk sees the package's modules
    assert graph["freedompay_cards._cli"]  # and their imports: the top imports what is below it
    assert _cycle(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def _package(path: Path) -> str:
    return ".".join(path.relative_to(FACADE.parent).parent.parts)


def test_nothing_below_the_top_is_imported_from_outside_the_package() -> None:
    below = set(_cli_graph()) - {"freedompay_cards._cli"}
    outside = [p for p in FACADE.rglob("*.py") if CLI not in p.parents]
    reaching_in = {str(path.relative_to(FACADE)): sorted(_imports(path, _package(path)) & below) for path in outside}

    assert len(outside) > 20 and _imports(FACADE / "sandbox" / "__main__.py", "freedompay_cards.sandbox") >= {
        "freedompay_cards._cli"
    }  # the walk resolves relative imports
    assert {k: v for k, v in reaching_in.items() if v} == {}
    assert not (FACADE / "_cli_commands.py").exists() and not (FACADE / "_conformance.py").exists()
