"""Search path counts and the main path, against path enumeration by hand and by brute force."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from graph.errors import NetworkError
from graph.network.mainpath import acyclic, main_path, search_path_count


def _spc_by_enumeration(G: nx.DiGraph) -> dict[tuple[str, str], int]:
    """Count, for every link, the source-to-sink paths through it by listing them all."""
    sources = [n for n in G if G.in_degree(n) == 0]
    sinks = [n for n in G if G.out_degree(n) == 0]
    counts = dict.fromkeys(G.edges(), 0)
    for source, sink in itertools.product(sources, sinks):
        for path in nx.all_simple_paths(G, source, sink):
            for link in itertools.pairwise(path):
                counts[link] += 1
    return counts


def test_spc_by_hand() -> None:
    # citing -> cited. Paths from works no one cites (D, E) to works citing nothing (A, B):
    # D-C-A, D-C-B, E-C-A, E-C-B, E-B
    G = nx.DiGraph([("C", "A"), ("C", "B"), ("D", "C"), ("E", "C"), ("E", "B")])
    assert search_path_count(G) == {("C", "A"): 2, ("C", "B"): 2, ("D", "C"): 2, ("E", "C"): 2, ("E", "B"): 1}


@pytest.mark.parametrize("seed", range(5))
def test_spc_equals_path_enumeration_on_random_dags(seed: int) -> None:
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(12))
    G.add_edges_from((a, b) for a in range(12) for b in range(a) if rng.random() < 0.25)
    assert search_path_count(G) == _spc_by_enumeration(G)


def test_main_path_follows_the_heaviest_links_from_the_oldest_work() -> None:
    # Knowledge flows 1 -> 2 -> 3 -> 5 strongly; 4 is a side branch citing only 1.
    G = nx.DiGraph([("2", "1"), ("3", "2"), ("5", "3"), ("4", "1"), ("6", "3"), ("5", "2")])
    spc = search_path_count(G)
    assert spc == {("2", "1"): 3, ("3", "2"): 2, ("5", "3"): 1, ("4", "1"): 1, ("6", "3"): 1, ("5", "2"): 1}
    # 5 and 6 tie (1 + 2 + 3 over three links): 5 comes first in the network.
    assert main_path(G, spc) == [("2", "1"), ("3", "2"), ("5", "3")]
    assert main_path(G, spc, search="local") == [("2", "1"), ("3", "2"), ("5", "3")]


def _is_one_path(path: list[tuple[str, str]]) -> bool:
    return all(later[1] == earlier[0] for earlier, later in itertools.pairwise(path))


@pytest.mark.parametrize("seed", range(5))
def test_global_main_path_carries_the_most_spc_of_any_path(seed: int) -> None:
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(12))
    G.add_edges_from((a, b) for a in range(12) for b in range(a) if rng.random() < 0.25)
    spc = search_path_count(G)
    best = max(
        sum(spc[link] for link in itertools.pairwise(path))
        for source in G
        if G.in_degree(source) == 0
        for sink in G
        if G.out_degree(sink) == 0
        for path in nx.all_simple_paths(G, source, sink)
    )
    for search in ("global", "local"):
        path = main_path(G, spc, search=search)
        assert _is_one_path(path) and G.in_degree(path[-1][0]) == 0 and G.out_degree(path[0][1]) == 0
    assert sum(spc[link] for link in main_path(G, spc)) == best


def test_sparse_networks_where_every_count_ties_give_one_path() -> None:
    # A record citing many works, none citing each other: all SPCs are 1, a fan before.
    G = nx.DiGraph([("9", str(i)) for i in range(1, 8)] + [("8", "1"), ("7", "1")])
    path = main_path(G)
    assert path == [("7", "1"), ("9", "7")]
    assert main_path(G, search="local") == [("9", "1")]  # the first of equals, and no further


def test_unknown_search_is_refused() -> None:
    with pytest.raises(NetworkError, match=r"^unknown main-path search 'wide'; use one of global, local$"):
        main_path(nx.DiGraph([("b", "a")]), search="wide")


def test_main_path_of_nothing() -> None:
    assert main_path(nx.DiGraph()) == []


def test_cycles_are_refused_then_broken() -> None:
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    for node, year in zip("abcd", (2003, 2002, 2001, 2000), strict=True):
        G.nodes[node]["year"] = year
    with pytest.raises(NetworkError, match=r"^the citation network has cycles"):
        search_path_count(G)
    H = acyclic(G)
    assert nx.is_directed_acyclic_graph(H) and H.graph["dropped_links"] == 1
    assert not H.has_edge("c", "a")  # 2001 citing 2003: the odd link
    assert G.has_edge("c", "a")  # the input is left alone


def test_undirected_graphs_are_refused() -> None:
    with pytest.raises(NetworkError, match=r"^main-path analysis needs a citation network"):
        search_path_count(nx.Graph([(1, 2)]))
