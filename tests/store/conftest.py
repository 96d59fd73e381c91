"""Fixtures for the store's remote side: the demo store, and real servers to push into."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import KnowledgeStore
from graph.store.selection import graph_counts

from .remote_servers import OxigraphServer, Virtuoso


@pytest.fixture(scope="session")
def demo_counts(demo_store: Path) -> dict[str, int]:
    """Triples per named graph of :func:`demo_store` that export and push send by default
    (all but the derived index graph); tests derive expected numbers from it."""
    with KnowledgeStore.open(demo_store, read_only=True) as kg:
        return {g: n for g, n in graph_counts(kg).items() if g not in kg.iris.derived_graphs}


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """An empty Oxigraph server (read-write, union default graph) of this test's own."""
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A private Virtuoso for the whole session; skipped when it is not installed."""
    if Virtuoso.binary() is None:
        pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()
