"""The public surface is deliberate: ``graph.__all__`` pinned, and no exported name is
also a submodule's name (``graph.export`` must be the function whatever was imported)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import graph

API = [
    "BuildSummary",
    "ConvertSummary",
    "Credentials",
    "Endpoint",
    "ExportSummary",
    "GraphError",
    "HarvestSummary",
    "InputError",
    "Iris",
    "KnowledgeStore",
    "PROJECTIONS",
    "PageSummary",
    "PushSummary",
    "QueryError",
    "QueryResult",
    "Seen",
    "StoreError",
    "StoreLockedError",
    "UnknownFormatError",
    "__version__",
    "article_nquads",
    "article_quads",
    "build",
    "build_query",
    "convert",
    "credentials_from_env",
    "export",
    "export_network",
    "fetch",
    "find_bursts",
    "node_metrics",
    "parse_where",
    "project",
    "push",
    "rank_nodes",
    "read_records",
    "render_map",
    "render_network",
    "render_page",
    "run_query",
    "run_remote_query",
    "sample_files",
    "serve",
    "snowball",
    "trace_main_path",
    "write_metrics",
    "write_network",
]


def test_the_public_api_is_pinned() -> None:
    assert sorted(graph.__all__) == API
    assert len(set(graph.__all__)) == len(graph.__all__)


PACKAGES = ["graph", *(f"graph.{m.name}" for m in pkgutil.iter_modules(graph.__path__) if m.ispkg)]


@pytest.mark.parametrize("name", PACKAGES)
def test_no_exported_name_is_also_a_submodule(name: str) -> None:
    package = importlib.import_module(name)
    submodules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    assert set(getattr(package, "__all__", ())) & submodules == set()


def test_graph_export_is_the_function_after_any_import() -> None:
    # A fresh interpreter, the import order that once left graph.export a module.
    code = (
        "import graph.pipeline.rdf_export, graph.network.export, graph\n"
        "print(callable(graph.export), graph.export.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "graph.pipeline.rdf_export"]
