"""Metrics written into the store: one named graph per kind, replaced on each write, queryable."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.errors import NetworkError
from graph.network import parse_where, project
from graph.network.metrics import h_index, node_metrics
from graph.network.writeback import write_metrics
from graph.pipeline.query import run_query

from .conftest import O1

_RANKED = """SELECT ?pmid ?rank ?community WHERE {
  GRAPH <https://w3id.org/pubgraph/graph/metrics/citation> { ?a pg:pageRank ?rank ; pg:community ?community }
  ?a fabio:hasPubMedId ?pmid .
} ORDER BY DESC(?rank) ?pmid"""


def test_citation_metrics_are_stored_and_sortable(writable_store: Path) -> None:
    G = project("citation", writable_store)
    table = node_metrics(G)
    written = write_metrics(writable_store, G, table)
    assert written == 4 + 6 * len(table)
    rows = run_query(_RANKED, writable_store).values()
    assert [r["pmid"] for r in rows[:2]] == sorted(["1001", "1002"], key=lambda p: -table["pagerank"][p])
    assert len(rows) == 6
    header = run_query(
        "SELECT ?kind ?filter WHERE { ?g a pg:NetworkMetrics ; pg:networkKind ?kind ; pg:networkFilter ?filter }",
        writable_store,
    ).values()
    assert header == [{"kind": "citation", "filter": ""}]


def test_writing_again_replaces_the_graph(writable_store: Path) -> None:
    G = project("citation", writable_store)
    write_metrics(writable_store, G, node_metrics(G))
    narrowed = project("citation", writable_store, parse_where(["year=2004-"]))
    write_metrics(writable_store, narrowed, {"citations": {n: 1 for n in narrowed}})
    counts = run_query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/pubgraph/graph/metrics/citation> { ?a ?p ?o } }",
        writable_store,
    ).values()
    assert counts == [{"n": str(4 + narrowed.number_of_nodes())}]


def test_coauthor_metrics_reach_every_merged_person(writable_store: Path) -> None:
    A = project("coauthor", writable_store)
    write_metrics(writable_store, A, {"h_index": h_index(A, project("citation", writable_store))})
    rows = run_query("SELECT ?person ?h WHERE { ?person pg:hIndex ?h } ORDER BY ?person", writable_store).values()
    lee = [r for r in rows if r["person"] == f"https://orcid.org/{O1}"]
    assert lee == [{"person": f"https://orcid.org/{O1}", "h": "2"}]
    smiths = [r for r in rows if r["person"].startswith("https://w3id.org/pubgraph/person/100")]
    assert {r["person"][-6:] for r in smiths} >= {"1001-1", "1002-1", "1003-1"}


def test_nodes_without_iris_cannot_be_stored(writable_store: Path) -> None:
    G = project("keyword", writable_store)
    with pytest.raises(NetworkError, match=r"^the keyword network's nodes have no IRIs"):
        write_metrics(writable_store, G, {"degree": dict(G.degree())})


def test_unknown_metric_names_are_refused(writable_store: Path) -> None:
    with pytest.raises(NetworkError, match=r"^no store property for metric.s. colour; known: pagerank"):
        write_metrics(writable_store, nx.Graph(), {"colour": {}})
