"""Edges read as arrays, and PageRank and communities built on them, agree with networkx."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.network.metrics import communities, edge_arrays, pagerank


def _citations(nodes: int, seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(f"w{i}" for i in range(nodes))
    for i in range(1, nodes):
        for _ in range(rng.randrange(4)):
            G.add_edge(f"w{i}", f"w{rng.randrange(i)}", **({"weight": rng.randrange(1, 5)} if i % 3 else {}))
    G.add_edge("w2", "w2")  # a self-citation
    G.add_edge("w1", "w5")  # and a pair citing both ways
    G.add_edge("w5", "w1")
    return G


@pytest.mark.parametrize("directed", [True, False])
def test_edge_arrays_follow_networkx_edges_in_order(directed: bool) -> None:
    G = _citations(300, 1) if directed else _citations(300, 1).to_undirected()
    nodes, src, dst, weight = edge_arrays(G)
    assert nodes == list(G)
    read = [(nodes[a], nodes[b], w) for a, b, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True)]
    assert read == [(a, b, float(w)) for a, b, w in G.edges(data="weight", default=1)]


@pytest.mark.parametrize("directed", [True, False])
def test_pagerank_is_networkx_pagerank(directed: bool) -> None:
    G = _citations(500, 2) if directed else _citations(500, 2).to_undirected()
    ours, theirs = pagerank(G), nx.pagerank(G)
    assert list(ours) == list(theirs)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_communities_are_the_same_with_arrays_given() -> None:
    pytest.importorskip("igraph")
    G = _citations(800, 3)
    assert communities(G, method="leiden", edges=edge_arrays(G)) == communities(G, method="leiden")
