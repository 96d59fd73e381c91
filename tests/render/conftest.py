"""Graphs to draw: the bundled demo's citation network, and a small one with hostile text."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.network import project

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & </script> \u2028'


@pytest.fixture(scope="session")
def demo_citations(demo_store: Path) -> nx.DiGraph:
    return project("citation", demo_store)


def small_graph() -> nx.DiGraph:
    """Five works citing each other, one titled with markup and script."""
    G = nx.DiGraph(kind="citation")
    for i, (year, journal) in enumerate([(2001, "J A"), (2003, "J A"), (2005, "J B"), (2007, "J B"), (2009, "J C")], 1):
        G.add_node(
            str(1000 + i),
            pmid=str(1000 + i),
            title=f"Work number {i}",
            year=year,
            journal=journal,
            first_author=f"Author{i} Family{i}",
            authors=f"Author{i} Family{i}, Other Person",
            citations=5 - i,
        )
    G.nodes["1005"]["title"] = HOSTILE
    G.nodes["1005"]["doi"] = "10.1000/a<b>"
    G.add_edges_from(
        [("1002", "1001"), ("1003", "1001"), ("1003", "1002"), ("1004", "1003"), ("1005", "1004"), ("1005", "1001")]
    )
    return G
