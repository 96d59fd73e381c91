"""Betweenness per connected component: equal to networkx's where exact, networkx's
estimator where sampled, and no search at all for isolated nodes and pairs."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.errors import NetworkError
from graph.network import _betweenness
from graph.network.metrics import betweenness, edge_arrays


def _several_components(directed: bool, seed: int) -> nx.Graph:
    """Random pieces of different sizes, a triangle, a pair, isolated nodes and a self-loop."""
    kind = nx.DiGraph if directed else nx.Graph
    G = nx.gnm_random_graph(40, 55, seed=seed, directed=directed)
    G = nx.disjoint_union(G, nx.gnm_random_graph(25, 30, seed=seed + 1, directed=directed))
    G = nx.disjoint_union(G, kind(nx.cycle_graph(3)))
    G = nx.disjoint_union(G, kind([(0, 1)]))
    G.add_nodes_from(range(200, 210))
    G.add_edge(5, 5)
    return nx.relabel_nodes(G, {n: f"n{n}" for n in G})  # string nodes, as projections have


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_equals_networkx_with_isolated_nodes_and_several_components(directed: bool, seed: int) -> None:
    G = _several_components(directed, seed)
    expected = nx.betweenness_centrality(G)
    found = betweenness(G)
    assert list(found) == list(G)
    assert found == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert any(value > 0 for value in found.values())


def test_components_share_searches_when_batches_are_small(monkeypatch: pytest.MonkeyPatch) -> None:
    G = _several_components(False, 3)
    monkeypatch.setattr(_betweenness, "_CELLS", 50)  # many batches, columns split within a component
    assert betweenness(G) == pytest.approx(nx.betweenness_centrality(G), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
def test_sampled_connected_graph_is_networkx_estimate(directed: bool) -> None:
    G = nx.connected_watts_strogatz_graph(120, 4, 0.2, seed=5)
    if directed:
        G = nx.DiGraph([(a, b) if (a + b) % 3 else (b, a) for a, b in G.edges()])
    found = betweenness(G, exact_limit=50, samples=30, seed=7)
    expected = nx.betweenness_centrality(G, k=30, seed=7)
    assert found == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert found != pytest.approx(nx.betweenness_centrality(G), rel=1e-3)  # it did sample


def test_sampled_component_is_scaled_to_the_whole_graph() -> None:
    big = nx.connected_watts_strogatz_graph(100, 4, 0.2, seed=2)
    G = nx.disjoint_union(big, nx.path_graph(5))
    G.add_nodes_from(range(500, 520))
    n, c = G.number_of_nodes(), big.number_of_nodes()
    found = betweenness(G, exact_limit=10, samples=20, seed=3)
    on_big = nx.betweenness_centrality(big, k=20, seed=3)
    rescale = (c - 1) * (c - 2) / ((n - 1) * (n - 2))
    assert [found[v] for v in big] == pytest.approx([on_big[v] * rescale for v in big], rel=1e-12)
    exact_path = nx.betweenness_centrality(G)
    assert [found[v] for v in range(100, 105)] == pytest.approx([exact_path[v] for v in range(100, 105)])
    assert all(found[v] == 0.0 for v in range(500, 520))


def test_same_seed_same_answer_other_seed_other_sample() -> None:
    G = nx.connected_watts_strogatz_graph(200, 4, 0.2, seed=1)
    first = betweenness(G, exact_limit=20, samples=10, seed=4)
    assert first == betweenness(G, exact_limit=20, samples=10, seed=4)
    assert first != betweenness(G, exact_limit=20, samples=10, seed=5)


def test_tiny_graphs_and_given_edges() -> None:
    assert betweenness(nx.Graph()) == {}
    assert betweenness(nx.Graph([("a", "b")])) == {"a": 0.0, "b": 0.0}
    G = nx.star_graph(4)
    assert betweenness(G, edges=edge_arrays(G)) == nx.betweenness_centrality(G)


def test_fewer_than_two_samples_is_refused() -> None:
    with pytest.raises(NetworkError) as caught:
        betweenness(nx.path_graph(5), exact_limit=3, samples=1)
    assert str(caught.value) == "betweenness needs at least 2 samples per component, not 1"


def test_isolated_nodes_and_pairs_are_never_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[int] = []
    brandes = _betweenness._brandes

    def counting(block, forward, rows, cols, width):  # type: ignore[no-untyped-def]
        searched.append(block.shape[0])
        return brandes(block, forward, rows, cols, width)

    monkeypatch.setattr(_betweenness, "_brandes", counting)
    G = nx.path_graph(4)
    G.add_edges_from([(10, 11), (20, 21)])
    G.add_nodes_from(range(100, 300))
    assert betweenness(G, exact_limit=2) == pytest.approx(nx.betweenness_centrality(G))
    assert searched == [4]
