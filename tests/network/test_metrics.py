"""Node metrics on tiny graphs whose answers are known, and their refusals."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.errors import NetworkError
from graph.network import project
from graph.network.metrics import (
    betweenness,
    citation_counts,
    communities,
    default_community_method,
    degree,
    h_index,
    node_metrics,
    pagerank,
    reference_counts,
)

from .conftest import O1, O3, O4

CITATIONS = nx.DiGraph([("b", "a"), ("c", "a"), ("c", "b"), ("d", "c")])


def test_citation_and_reference_counts() -> None:
    assert citation_counts(CITATIONS) == {"a": 2, "b": 1, "c": 1, "d": 0}
    assert reference_counts(CITATIONS) == {"a": 0, "b": 1, "c": 2, "d": 1}


def test_weighted_counts_sum_weights() -> None:
    journals = nx.DiGraph()
    journals.add_edge("J2", "J1", weight=4)
    journals.add_edge("J1", "J2", weight=2)
    assert citation_counts(journals) == {"J2": 2, "J1": 4}


@pytest.mark.parametrize("function", [citation_counts, reference_counts])
def test_directed_counts_refuse_undirected_graphs(function) -> None:
    with pytest.raises(
        NetworkError, match=r"^.* needs a directed network .citation, journal.; the coauthor network is undirected$"
    ):
        function(nx.Graph([(1, 2)], kind="coauthor"))


def test_pagerank_matches_closed_form() -> None:
    # a <- b, a <- c: b and c get (1-d)/3, a gets (1-d)/3 + d*(b + c) plus its dangling share
    ranks = pagerank(nx.DiGraph([("b", "a"), ("c", "a")]))
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert ranks["b"] == pytest.approx(ranks["c"])
    d = 0.85
    # stationary: x_b = (1-d)/3 + d*x_a/3 (a dangles, its rank spreads evenly); x_a = 1 - 2 x_b
    x_b = ((1 - d) / 3 + d / 3) / (1 + 2 * d / 3)
    assert ranks["b"] == pytest.approx(x_b, rel=1e-5)
    assert pagerank(nx.DiGraph()) == {}


def test_betweenness_exact_and_sampled() -> None:
    star = nx.star_graph(5)
    assert betweenness(star)[0] == pytest.approx(1.0)
    big = nx.path_graph(60)
    exact = betweenness(big)
    sampled = betweenness(big, exact_limit=10, samples=30, seed=1)
    assert max(exact, key=exact.get) in (29, 30)
    assert sampled == betweenness(big, exact_limit=10, samples=30, seed=1)  # same seed, same answer
    assert abs(sampled[30] - exact[30]) < 0.2


def test_communities_find_two_cliques_largest_first() -> None:
    G = nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(5))
    G.add_edge(0, 4)
    found = communities(G)
    assert {found[n] for n in range(4, 9)} == {0} and {found[n] for n in range(4)} == {1}
    directed = communities(nx.DiGraph(G.edges()))
    assert directed == found


def test_leiden_and_label_propagation_agree_on_clear_structure() -> None:
    G = nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(5))
    G.add_edge(0, 4)
    assert communities(G, method="label-propagation") == communities(G)
    pytest.importorskip("igraph", reason="Leiden needs the optional python-igraph")
    assert communities(G, method="leiden") == communities(G)
    assert communities(G, method="leiden", seed=3) == communities(G, method="leiden", seed=3)


def test_leiden_without_igraph_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "igraph", None)
    with pytest.raises(
        NetworkError, match=r"^community method 'leiden' needs python-igraph: pip install 'pubgraph\[leiden\]'"
    ):
        communities(nx.Graph([(1, 2)]), method="leiden")
    assert default_community_method(100) == "louvain" and default_community_method(50_000) == "label-propagation"


def test_unknown_community_method() -> None:
    with pytest.raises(
        NetworkError, match=r"^unknown community method 'infomap'; use one of louvain, leiden, label-propagation$"
    ):
        communities(nx.Graph([(1, 2)]), method="infomap")


def test_h_index_by_hand() -> None:
    A = nx.Graph()
    A.add_node("x", pmids="1 2 3 4 5")
    A.add_node("y", pmids="5")
    A.add_node("z", pmids="")
    cited = {"1": 6, "2": 3, "3": 3, "4": 1, "5": 0}
    C = nx.DiGraph()
    for paper, count in cited.items():
        C.add_node(paper)
        C.add_edges_from((f"c{paper}-{i}", paper) for i in range(count))
    # x: 6, 3, 3, 1, 0 -> three papers with at least three citations
    assert h_index(A, C) == {"x": 3, "y": 0, "z": 0}


def test_h_index_refuses_swapped_arguments() -> None:
    with pytest.raises(NetworkError, match=r"^h_index needs the co-authorship network first"):
        h_index(nx.DiGraph(), nx.Graph())


def test_h_index_on_the_corpus(corpus_store: Path) -> None:
    # local citations: 1001: 3, 1002: 3, 1003: 1, 1004: 1, 1005: 0, 1006: 0
    people = project("coauthor", corpus_store)
    found = h_index(people, project("citation", corpus_store))
    assert found[f"orcid:{O4}"] == 2  # 1001..1004: 3, 3, 1, 1
    assert found[f"orcid:{O1}"] == 2  # 1001, 1002, 1004, 1005: 3, 3, 1, 0
    assert found["name:brown b"] == 1 and found[f"orcid:{O3}"] == 0


def test_node_metrics_tables() -> None:
    directed = node_metrics(CITATIONS)
    assert list(directed) == ["citations", "references", "pagerank", "betweenness", "community"]
    undirected = node_metrics(nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1})]), with_betweenness=False)
    assert list(undirected) == ["degree", "strength", "pagerank", "community"]
    assert undirected["strength"] == {"a": 3, "b": 4, "c": 1}
    assert degree(nx.Graph([("a", "b")])) == {"a": 1, "b": 1}
