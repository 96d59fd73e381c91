"""Communities are named by their most characteristic terms, not the commonest or a node's label."""

from __future__ import annotations

import networkx as nx

from graph.network.behind import Behind
from graph.render.topics import NAME_LIMIT, community_names


def _authors(groups: dict[str, list[str]]) -> tuple[nx.Graph, dict[str, int]]:
    G = nx.Graph(kind="coauthor")
    membership = {}
    for group, (name, pmids) in enumerate(groups.items()):
        for pmid in pmids:
            G.add_node(f"{name}{pmid}", pmids=pmid, label=f"{name} {pmid}")
            membership[f"{name}{pmid}"] = group
    return G, membership


def _behind(G: nx.Graph, terms: dict[str, tuple[str, ...]]) -> Behind:
    return Behind("coauthor", {}, terms, {n: (p,) for n, p in G.nodes(data="pmids")})


def test_a_term_everywhere_loses_to_one_particular_to_the_community() -> None:
    G, groups = _authors({"a": ["1", "2", "3", "4"], "b": ["5", "6", "7"]})
    # Humans is the commonest term of community a, but as common in b.
    terms = {p: ("Humans", "Spine") for p in "123"} | {"4": ("Humans",)} | {p: ("Heart", "Humans") for p in "567"}
    names = community_names(G, groups, _behind(G, terms), {})
    assert names == {0: "Spine; Humans", 1: "Heart; Humans"}


def test_terms_seen_once_give_way_to_terms_seen_twice() -> None:
    G, groups = _authors({"a": ["1", "2"]})
    terms = {"1": ("Aorta", "Zebrafish"), "2": ("Zebrafish", "Yeast")}
    assert community_names(G, groups, _behind(G, terms), {}) == {0: "Zebrafish"}


def test_without_terms_a_community_is_named_around_its_largest_node() -> None:
    G, groups = _authors({"Onoki": ["1", "2"]})
    G.nodes["Onoki2"]["first_author"], G.nodes["Onoki2"]["year"] = "Takahiro Onoki", 2018
    names = community_names(G, groups, _behind(G, {}), {"Onoki2": 0.9, "Onoki1": 0.1})
    assert names == {0: "around Onoki 2018"}


def test_names_are_short() -> None:
    G, groups = _authors({"a": ["1", "2"]})
    long_terms = ("Antineoplastic Combined Chemotherapy Protocols", "Carcinoma, Non-Small-Cell Lung", "Humans")
    name = community_names(G, groups, _behind(G, dict.fromkeys("12", long_terms)), {})[0]
    assert name == "Antineoplastic Combined Chemotherapy Protocols" and len(name) <= NAME_LIMIT
