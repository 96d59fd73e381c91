"""The records behind nodes and links, worked out by hand on the corpus of ``conftest``."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.network import parse_where, project
from graph.network.behind import records_behind


def test_record_terms_are_major_topics_then_keywords(corpus_store: Path) -> None:
    behind = records_behind(project("citation", corpus_store), corpus_store)
    # 1001: Alpha is major, Beta minor; its keywords, once each whatever their case.
    assert behind.terms["1001"] == ("Alpha", "Spine", "tumour")
    assert behind.terms["1004"] == ("Gamma",)
    assert behind.link("1003", "1001") == ["1003", "1001"]


def test_cited_works_are_about_what_their_citers_are_about(corpus_store: Path) -> None:
    G = project("citation", corpus_store, include_cited=True)
    behind = records_behind(G, corpus_store)
    assert sorted(behind.about["900001"]) == ["1003", "1004", "1005"]
    assert behind.node_terms("1004") == ["Gamma"]


@pytest.mark.parametrize(
    ("kind", "a", "b", "expected"),
    [
        ("cocitation", "1001", "1002", ["1003", "1004"]),  # 1005 cites 1002 only
        ("coupling", "1003", "1004", ["1001", "1002", "900001"]),
        ("mesh", "D000001", "D000002", ["1003", "1005"]),  # 1001's Beta is minor; 1005's Alpha has a major qualifier
        ("keyword", "spine", "tumour", ["1001", "1003"]),
        ("journal", "2222222", "1111111", ["1003", "1004"]),
    ],
)
def test_links_are_made_of_these_records(corpus_store: Path, kind: str, a: str, b: str, expected: list[str]) -> None:
    G = project(kind, corpus_store)
    assert G.has_edge(a, b)
    behind = records_behind(G, corpus_store)
    assert behind.link(a, b) == expected
    if kind != "journal":  # a journal link weighs its citation links: 1003 and 1004 cite 1001 and 1002
        assert G.edges[a, b]["weight"] == len(expected)
    assert all(key in behind.records for key in expected)


def test_where_narrows_the_records_behind(corpus_store: Path) -> None:
    where = parse_where(["year=2004-"])
    G = project("cocitation", corpus_store, where)
    assert records_behind(G, corpus_store, where).link("1001", "1002") == ["1004"]


def test_a_reference_known_only_by_its_text_is_a_record(corpus_store: Path) -> None:
    behind = records_behind(project("coupling", corpus_store), corpus_store)
    assert behind.records["900001"]["loaded"] is False
    assert behind.records["900001"]["pmid"] == "900001"
