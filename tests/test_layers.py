"""The data flow of DESIGN.md is what the imports say: no module imports a layer above it.

sources ─records─> model ─quads─> store ─> network ─> render; the pipeline strings them
together; the CLI calls only the pipeline (and the errors). Neutral modules (errors,
records, identifiers, outputs, http …) import no layer.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import graph

PACKAGE = Path(graph.__file__).parent

# The layer of each part of the package (a top-level module or subpackage). A module imports
# only its own layer or the layers of a lower rank: sources and model never import each other.
LAYERS = {
    **dict.fromkeys(
        ("_lazy", "_version", "errors", "records", "identifiers", "redact", "http", "processes", "outputs"), "neutral"
    ),
    "sources": "sources",
    "model": "model",
    "store": "store",
    "queries": "store",  # saved SPARQL text, run against the store
    "results": "store",  # SPARQL answers and their formats
    "frames": "store",  # answers and metrics as DataFrames
    "rdflib_views": "store",  # the store seen through rdflib
    "network": "network",
    "render": "render",
    "pipeline": "pipeline",
    "distributed": "pipeline",  # conversion on a Dask cluster
    "cli": "cli",
    "__main__": "main",
}
RANKS = {
    "neutral": 0,
    "sources": 1,
    "model": 1,
    "store": 2,
    "network": 3,
    "render": 4,
    "pipeline": 5,
    "cli": 6,
    "main": 7,
}


def _part(module: str) -> str:
    """``graph.store.remote.gsp`` -> ``store``; ``graph`` itself -> ``""`` (the public API)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(text: str, name: str, is_package: bool) -> set[str]:
    """Every ``graph`` module the source ``text`` of module ``name`` imports, wherever the
    import sits (inside functions and ``TYPE_CHECKING`` blocks too)."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "graph"}
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            if target.split(".")[0] == "graph":
                found.add(target)
    return found


def _upward(own: str, targets: set[str]) -> list[str]:
    def allowed(target: str) -> bool:
        part = _part(target)
        if part == "":
            return False  # the public API imports every layer
        layer, own_layer = LAYERS[part], LAYERS[own]
        return layer == own_layer or RANKS[layer] < RANKS[own_layer]

    return sorted(target for target in targets if not allowed(target))


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _module_name(p) != "graph")


def _imports_of(path: Path) -> set[str]:
    return _imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def test_every_part_has_a_layer() -> None:
    assert {_part(_module_name(p)) for p in MODULES} - set(LAYERS) == set()


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_no_module_imports_a_layer_above_it(path: Path) -> None:
    assert _upward(_part(_module_name(path)), _imports_of(path)) == []


def test_the_command_line_imports_only_the_pipeline_and_the_errors() -> None:
    cli = [p for p in MODULES if _part(_module_name(p)) == "cli"]
    imported = {_part(target) for path in cli for target in _imports_of(path)} - {"cli"}
    assert imported == {"errors", "pipeline"}


@pytest.mark.parametrize(
    ("text", "name", "upward"),
    [
        ("from ..pipeline import build\nfrom .oxigraph import KnowledgeStore\n", "graph.store.x", ["graph.pipeline"]),
        ("def f():\n    from .. import __version__\n", "graph.model.x", ["graph"]),
        ("from ..model.iris import Iris\n", "graph.sources.x", ["graph.model.iris"]),
        ("from ..sources import read_records\n", "graph.model.x", ["graph.sources"]),
        ("from .errors import GraphError\n", "graph.outputs", []),
        ("import graph.render.page\n", "graph.network.x", ["graph.render.page"]),
    ],
)
def test_the_check_sees_imports_of_a_layer_above(text: str, name: str, upward: list[str]) -> None:
    assert _upward(_part(name), _imports(text, name, is_package=False)) == upward


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_every_import_of_the_package_resolves(path: Path) -> None:
    # mypy's ignore_missing_imports would pass over a module that a move left behind.
    missing = [target for target in sorted(_imports_of(path)) if importlib.util.find_spec(target) is None]
    assert missing == []
