"""Each projection of the hand-made corpus (tests/network/conftest.py) against weights worked out by hand.

Citation links (citing -> cited), DOI of P2 resolved and its double citation by P5 counted once:
  1002->1001; 1003->1001, 1002, S1, D1; 1004->1001, 1002, S1; 1005->1002, 1003, 1004, S1
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import NetworkError
from graph.network import PROJECTIONS, parse_where, project
from graph.network.coauthor import normalised_name

from .conftest import O1, O3, O4

LINKS = {
    ("1002", "1001"),
    ("1003", "1001"),
    ("1003", "1002"),
    ("1004", "1001"),
    ("1004", "1002"),
    ("1005", "1002"),
    ("1005", "1003"),
    ("1005", "1004"),
}


def _weights(G) -> dict[frozenset[str], int]:
    return {frozenset((a, b)): w for a, b, w in G.edges(data="weight")}


def test_citation_network_links_loaded_articles(corpus_store: Path) -> None:
    G = project("citation", corpus_store)
    assert G.is_directed() and G.graph["kind"] == "citation"
    assert set(G.edges()) == LINKS
    assert sorted(G) == ["1001", "1002", "1003", "1004", "1005", "1006"]


def test_citation_counts_and_attributes(corpus_store: Path) -> None:
    G = project("citation", corpus_store)
    p2 = G.nodes["1002"]
    assert p2 == p2 | {
        "pmid": "1002",
        "year": 2002,
        "title": "Article 1002.",
        "doi": "10.5555/p2",
        "journal": "J Alpha",
        "journal_id": "1111111",
        "first_author": "J Smith",
        "authors": "J Smith, Ann Lee",
        "loaded": True,
        "citations": 3,
        "local_citations": 3,
        "references": 1,
        "iri": "https://w3id.org/pubgraph/article/1002",
    }
    # 1002 cited by PMID and by its DOI counts once: 1002, 1003, 1004 and S1
    assert G.nodes["1005"]["references"] == 4


def test_include_cited_adds_stubs_with_reference_text(corpus_store: Path) -> None:
    G = project("citation", corpus_store, include_cited=True)
    assert set(G.edges()) - LINKS == {
        ("1003", "900001"),
        ("1003", "doi:10.1000/stub-doi"),
        ("1004", "900001"),
        ("1005", "900001"),
    }
    assert G.nodes["900001"] == {
        "iri": "https://w3id.org/pubgraph/article/900001",
        "loaded": False,
        "pmid": "900001",
        "title": "Cited work 900001.",
        "citations": 3,
        "local_citations": 3,
    }
    assert G.nodes["doi:10.1000/stub-doi"]["doi"] == "10.1000/stub-doi"


def test_cocitation_weights(corpus_store: Path) -> None:
    # cited together by: P3 {1001, 1002, S1, D1}, P4 {1001, 1002, S1}, P5 {1002, 1003, 1004, S1}
    G = project("cocitation", corpus_store, min_weight=2)
    assert _weights(G) == {
        frozenset({"1002", "900001"}): 3,  # P3, P4, P5
        frozenset({"1001", "1002"}): 2,  # P3, P4
        frozenset({"1001", "900001"}): 2,  # P3, P4
    }
    assert G.nodes["900001"]["local_citations"] == 3
    everything = project("cocitation", corpus_store)
    assert everything.number_of_edges() == 11
    assert _weights(everything)[frozenset({"900001", "doi:10.1000/stub-doi"})] == 1


def test_bibliographic_coupling_weights(corpus_store: Path) -> None:
    G = project("coupling", corpus_store)
    assert _weights(G) == {
        frozenset({"1003", "1004"}): 3,  # 1001, 1002, S1
        frozenset({"1003", "1005"}): 2,  # 1002, S1
        frozenset({"1004", "1005"}): 2,  # 1002, S1
        frozenset({"1002", "1003"}): 1,  # 1001
        frozenset({"1002", "1004"}): 1,  # 1001
    }
    assert set(project("coupling", corpus_store, min_weight=3).edges()) == {("1003", "1004")}


def test_journal_citation_network(corpus_store: Path) -> None:
    # J1 = {P1, P2, P5}, J2 = {P3, P4, P6}
    G = project("journal", corpus_store)
    assert dict(((a, b), w) for a, b, w in G.edges(data="weight")) == {
        ("2222222", "1111111"): 4,
        ("1111111", "2222222"): 2,
    }
    assert G.nodes["1111111"] == G.nodes["1111111"] | {"title": "J Alpha", "articles": 3, "self_citations": 2}
    assert G.nodes["2222222"]["self_citations"] == 0
    assert set(project("journal", corpus_store, min_weight=3).edges()) == {("2222222", "1111111")}


def test_coauthor_merging_rule(corpus_store: Path) -> None:
    G = project("coauthor", corpus_store)
    people = {node: data["pmids"] for node, data in G.nodes(data=True)}
    assert people == {
        # P1 "John Smith" and P2 "J Smith" share co-author O1; P3 shares P1's affiliation; P4's ORCID
        # holder shares O1 too, so the name cluster takes her iD.
        f"orcid:{O4}": "1001 1002 1003 1004",
        f"orcid:{O1}": "1001 1002 1004 1005",
        # shares O1 with the cluster above, but two ORCID iDs are never merged
        f"orcid:{O3}": "1005",
        "name:brown b": "1003",
        "name:mullerlyer a": "1005",
        # same normalised name, but no shared co-author or affiliation
        "name:smith j": "1006",
        "name:white w": "1006",
    }
    assert _weights(G)[frozenset({f"orcid:{O4}", f"orcid:{O1}"})] == 3
    assert G.nodes["name:mullerlyer a"]["label"] == "Anna Müller-Lyer"
    assert G.nodes[f"orcid:{O1}"]["first_year"] == 2001 and G.nodes[f"orcid:{O1}"]["last_year"] == 2005
    assert set(project("coauthor", corpus_store, min_weight=2).edges()) == {(f"orcid:{O4}", f"orcid:{O1}")}


@pytest.mark.parametrize(
    ("family", "given", "name", "key"),
    [
        ("Müller-Lyer", "Anna", None, "mullerlyer a"),
        (None, None, "Takahiro Onoki", "onoki t"),
        ("O'Brien", "Siobhán", None, "obrien s"),
        ("Plato", None, None, "plato"),
        (None, None, "", "unnamed"),
    ],
)
def test_normalised_name(family: str | None, given: str | None, name: str | None, key: str) -> None:
    assert normalised_name(family, given, name) == key


def test_mesh_major_topics_and_all_headings(corpus_store: Path) -> None:
    # major: P1 {D1} P2 {D1, D3} P3 {D1, D2} P4 {D3} P5 {D1 (via its qualifier), D2}
    G = project("mesh", corpus_store)
    assert _weights(G) == {frozenset({"D000001", "D000002"}): 2, frozenset({"D000001", "D000003"}): 1}
    assert G.nodes["D000001"] == {"label": "Alpha", "articles": 4, "iri": "http://id.nlm.nih.gov/mesh/D000001"}
    every = project("mesh", corpus_store, major_only=False)
    assert _weights(every) == {
        frozenset({"D000001", "D000002"}): 3,
        frozenset({"D000001", "D000003"}): 2,
        frozenset({"D000002", "D000003"}): 1,
    }


def test_keywords_fold_case_and_space(corpus_store: Path) -> None:
    G = project("keyword", corpus_store)
    assert _weights(G) == {frozenset({"spine", "tumour"}): 2}
    assert G.nodes["spine"]["articles"] == 3


@pytest.mark.parametrize(
    ("conditions", "nodes"),
    [
        (["year=2003-2005"], ["1003", "1004", "1005"]),
        (["year=-2002"], ["1001", "1002"]),
        (["year=2002", "year=2006"], ["1002", "1006"]),
        (["mesh=D000002"], ["1001", "1003", "1005"]),
        (["mesh=beta"], ["1001", "1003", "1005"]),
        (["journal=2222222"], ["1003", "1004", "1006"]),
        (["journal=1111-1111", "year=2002-"], ["1002", "1005"]),
        (["journal=beta rep", "mesh=D000003"], ["1004"]),
    ],
)
def test_where_narrows_every_projection(corpus_store: Path, conditions: list[str], nodes: list[str]) -> None:
    where = parse_where(conditions)
    G = project("citation", corpus_store, where)
    assert sorted(G) == nodes
    assert set(G.edges()) == {(a, b) for a, b in LINKS if a in nodes and b in nodes}
    assert G.graph["where"] == str(where)
    people = project("coauthor", corpus_store, where)
    assert {p for _n, d in people.nodes(data=True) for p in d["pmids"].split()} <= set(nodes)


def test_where_keeps_store_wide_citation_counts(corpus_store: Path) -> None:
    G = project("citation", corpus_store, parse_where(["year=2002-2003"]))
    assert G.nodes["1002"]["local_citations"] == 1  # only P3 is in range
    assert G.nodes["1002"]["citations"] == 3


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("mesh=Nonexistent topic", "--where mesh: no MeSH descriptor labelled nonexistent topic in the store"),
        (
            "journal=Nature",
            "--where journal=Nature: no journal in the store has that NLM ID, ISSN, title or abbreviation",
        ),
    ],
)
def test_where_naming_nothing_is_an_error(corpus_store: Path, condition: str, message: str) -> None:
    with pytest.raises(NetworkError, match=r"^" + message.replace("(", r"\(")):
        project("citation", corpus_store, parse_where([condition]))


def test_projection_errors(corpus_store: Path) -> None:
    with pytest.raises(NetworkError, match=r"^unknown network kind 'authors'; choose one of citation, cocitation"):
        project("authors", corpus_store)
    with pytest.raises(NetworkError, match=r"^the citation network is not weighted"):
        project("citation", corpus_store, min_weight=2)
    with pytest.raises(NetworkError, match=r"^--min-weight must be 1 or more, not 0"):
        project("coupling", corpus_store, min_weight=0)
    with pytest.raises(NetworkError, match=r"^the mesh network does not take include_cited"):
        project("mesh", corpus_store, include_cited=True)


def test_every_projection_runs_on_an_empty_store(tmp_path: Path) -> None:
    from graph.store import KnowledgeStore

    kg = KnowledgeStore.in_memory()
    for kind in PROJECTIONS:
        G = project(kind, kg)
        assert (G.graph["kind"], G.number_of_nodes()) == (kind, 0)


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    from graph.errors import StoreError

    with pytest.raises(StoreError, match=r"no store at"):
        project("citation", tmp_path / "nothing")


def test_stub_titles_read_by_lookup_and_by_scan_agree(corpus_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.network.articles as articles

    looked_up = dict(project("cocitation", corpus_store).nodes(data="title"))
    monkeypatch.setattr(articles, "_LOOKUP_LIMIT", 0)
    scanned = dict(project("cocitation", corpus_store).nodes(data="title"))
    assert scanned == looked_up
    assert scanned["doi:10.1000/stub-doi"] == "Cited work 10.1000/stub-doi."


def test_the_command_line_offers_every_registered_kind() -> None:
    from graph.network._kinds import KINDS

    assert tuple(PROJECTIONS) == KINDS
