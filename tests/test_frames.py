"""Query answers and network metrics as typed pandas DataFrames (graph.frames)."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.frames import column_kind, metrics_frame, result_frame
from graph.network import project
from graph.network.metrics import node_metrics
from graph.pipeline.query import QueryResult, run_query

pd = pytest.importorskip("pandas")

XSD = "http://www.w3.org/2001/XMLSchema#"


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_columns_take_the_type_their_values_share() -> None:
    result = QueryResult(
        ("work", "cited", "year", "date", "when", "score", "open", "title"),
        (
            (
                ox.NamedNode("http://x.org/1"),
                _typed("12", "integer"),
                _typed("2001", "gYear"),
                _typed("2001-05-03", "date"),
                _typed("2001-05-03T10:00:00+02:00", "dateTime"),
                _typed("0.5", "double"),
                _typed("true", "boolean"),
                ox.Literal("A title", language="en"),
            ),
            (ox.NamedNode("http://x.org/2"), _typed("3", "int"), None, None, None, _typed("2", "integer"), None, None),
        ),
    )
    frame = result_frame(result)
    dtypes = frame.dtypes.astype(str).to_dict()
    # pandas 3 keeps microseconds, pandas 2 nanoseconds: the unit is pandas' choice.
    assert re.fullmatch(r"datetime64\[[mun]s\]", dtypes.pop("date"))
    assert re.fullmatch(r"datetime64\[[mun]s, UTC\]", dtypes.pop("when"))
    assert dtypes == {
        "work": "string",
        "cited": "Int64",
        "year": "Int64",
        "score": "Float64",
        "open": "boolean",
        "title": "string",
    }
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first["cited"], first["year"], first["score"], first["open"]) == (12, 2001, 0.5, True)
    assert first["date"] == pd.Timestamp("2001-05-03")
    assert first["when"] == pd.Timestamp("2001-05-03T08:00:00Z")
    assert second["year"] is pd.NA and second["date"] is pd.NaT and second["title"] is pd.NA


def test_mixed_columns_stay_text() -> None:
    assert column_kind([_typed("2001", "gYear"), _typed("2001-05", "gYearMonth")]) == "text"
    assert column_kind([ox.NamedNode("http://x.org/"), _typed("1", "integer")]) == "text"
    assert column_kind([None, None]) == "text"
    assert column_kind([ox.Literal("7", language="en")]) == "text"


def test_a_saved_query_on_the_sample_gives_typed_columns(demo_store: Path) -> None:
    sparql = (
        "SELECT ?pmid ?year (COUNT(?cited) AS ?refs) WHERE { ?a fabio:hasPubMedId ?pmid ; "
        "fabio:hasPublicationYear ?year OPTIONAL { ?a cito:cites ?cited } } GROUP BY ?pmid ?year ORDER BY ?pmid"
    )
    result = run_query(sparql, demo_store)
    frame = result.to_dataframe()
    assert frame.dtypes.astype(str).to_dict() == {"pmid": "string", "year": "Int64", "refs": "Int64"}
    assert len(frame) == len(result.rows) > 0
    assert frame["year"].tolist() == [int(row["year"]) for row in result.values()]
    assert frame["refs"].sum() == sum(int(row["refs"]) for row in result.values())


def test_only_select_answers_make_frames() -> None:
    with pytest.raises(QueryError, match=r"^a ASK answer has no rows: use a SELECT query for a DataFrame$"):
        QueryResult(boolean=True).to_dataframe()


def test_metrics_frame_types_counts_and_scores() -> None:
    G = nx.DiGraph([("b", "a"), ("c", "a"), ("c", "b")], kind="citation")
    G.nodes["a"].update(year=2001, label="First")
    table = node_metrics(G)
    frame = metrics_frame(G, table)
    dtypes = frame.dtypes.astype(str).to_dict()
    assert dtypes == {
        "label": "string",
        "year": "Int64",
        "citations": "Int64",
        "references": "Int64",
        "pagerank": "Float64",
        "betweenness": "Float64",
        "community": "Int64",
    }
    assert frame.index.name == "node" and list(frame.index) == list(G)
    assert frame["citations"].to_dict() == table["citations"]
    assert frame.loc["b", "year"] is pd.NA


def test_metrics_frame_of_a_projected_network(demo_store: Path) -> None:
    G = project("coauthor", demo_store)
    table = node_metrics(G, with_betweenness=False)
    frame = metrics_frame(G, table)
    assert len(frame) == G.number_of_nodes() > 0
    assert str(frame["degree"].dtype) == "Int64" and str(frame["pagerank"].dtype) == "Float64"
    assert frame["degree"].to_dict() == table["degree"]
