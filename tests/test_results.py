"""SPARQL results written by pyoxigraph's serializers and read back by its parser
(graph.results), through ``pubgraph query --format`` and from remote endpoints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import QueryError, RemoteError
from graph.pipeline import run_remote_query
from graph.pipeline.query import QueryResult, write_result
from graph.results import parse_results, result_bytes
from graph.store.remote.transport import mock_session
from tests.conftest import run_cli

XSD = "http://www.w3.org/2001/XMLSchema#"
SPARQL_NS = "{http://www.w3.org/2005/sparql-results#}"
# Every kind of term a row can hold, and an unbound value.
MIXED = QueryResult(
    ("s", "label", "n", "blank"),
    (
        (
            ox.NamedNode("http://example.org/a"),
            ox.Literal('say "hi", then\nleave', language="en"),
            ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
            ox.BlankNode("b0"),
        ),
        (ox.NamedNode("http://example.org/b"), ox.Literal("plain"), None, None),
    ),
)
QUERY = "SELECT ?pmid ?title WHERE { ?a fabio:hasPubMedId ?pmid ; dcterms:title ?title } ORDER BY ?pmid LIMIT 5"


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_every_term_survives_the_engines_writer_and_parser(fmt: str) -> None:
    assert parse_results(result_bytes(MIXED, fmt), fmt) == MIXED


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_answers_round_trip(fmt: str) -> None:
    for value in (True, False):
        assert parse_results(result_bytes(QueryResult(boolean=value), fmt), fmt) == QueryResult(boolean=value)


def test_csv_is_rfc_4180_with_plain_values() -> None:
    data = result_bytes(MIXED, "csv")
    assert (
        data
        == b's,label,n,blank\r\nhttp://example.org/a,"say ""hi"", then\nleave",42,_:b0\r\nhttp://example.org/b,plain,,\r\n'
    )


def test_xml_results_are_the_w3c_format() -> None:
    root = ET.fromstring(result_bytes(MIXED, "xml"))
    assert [v.get("name") for v in root.iter(f"{SPARQL_NS}variable")] == ["s", "label", "n", "blank"]
    first = root.find(f"{SPARQL_NS}results/{SPARQL_NS}result")
    assert first is not None
    literal = first.find(f"{SPARQL_NS}binding[@name='n']/{SPARQL_NS}literal")
    assert literal is not None and (literal.text, literal.get("datatype")) == ("42", XSD + "integer")


def test_graph_answers_are_not_sparql_results() -> None:
    triples = QueryResult(
        triples=(ox.Triple(ox.NamedNode("http://x.org/a"), ox.NamedNode("http://x.org/p"), ox.Literal("1")),)
    )
    with pytest.raises(
        QueryError, match=r"^CONSTRUCT and DESCRIBE answers are graphs, not SPARQL results: write them as RDF$"
    ):
        result_bytes(triples, "json")


def test_cli_query_format_xml_matches_json(demo_store: Path) -> None:
    code, out, err = run_cli(["query", QUERY, "--store", demo_store, "--format", "xml"])
    assert code == 0, err
    root = ET.fromstring(out)
    rows = [
        {b.get("name"): "".join(b.itertext()) for b in result.iter(f"{SPARQL_NS}binding")}
        for result in root.iter(f"{SPARQL_NS}result")
    ]
    answer = json.loads(run_cli(["query", QUERY, "--store", demo_store, "--format", "json"])[1])
    expected = [{name: term["value"] for name, term in b.items()} for b in answer["results"]["bindings"]]
    assert rows == expected and len(rows) == 5


def test_cli_json_output_is_the_engines(demo_store: Path) -> None:
    result = CliRunner().invoke(cli, ["query", QUERY, "--store", str(demo_store), "--format", "json"])
    assert result.exit_code == 0
    from graph.pipeline.query import run_query

    assert result.stdout_bytes == result_bytes(run_query(QUERY, demo_store), "json")


def _remote(content_type: str, body: bytes) -> QueryResult:
    session = mock_session(lambda request: (200, {"Content-Type": content_type}, body))
    return run_remote_query("SELECT * WHERE { ?s ?p ?o }", "http://example.org/sparql", session=session, retries=0)


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        ("application/sparql-results+xml", "xml"),
        ("text/tab-separated-values", "tsv"),
        ("application/sparql-results+json", "json"),
    ],
)
def test_remote_answers_are_read_by_the_engines_parser(media: str, fmt: str) -> None:
    assert _remote(f"{media}; charset=utf-8", result_bytes(MIXED, fmt)) == MIXED


def test_remote_virtuoso_json_still_read() -> None:
    body = json.dumps(
        {
            "head": {"vars": ["n", "b"]},
            "results": {
                "bindings": [
                    {
                        "n": {"type": "typed-literal", "datatype": XSD + "integer", "value": "3"},
                        "b": {"type": "bnode", "value": "nodeID://b10006"},
                    }
                ]
            },
        }
    ).encode()
    result = _remote("application/sparql-results+json", body)
    assert result.values()[0]["n"] == "3"
    assert result.rows[0][0] == ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))


def test_remote_invalid_xml_results_name_the_endpoint() -> None:
    with pytest.raises(RemoteError) as err:
        _remote("application/sparql-results+xml", b"<sparql><head>")
    assert str(err.value).startswith("http://example.org/sparql answered with invalid SPARQL XML results: ")


def test_write_result_refuses_unknown_formats() -> None:
    with pytest.raises(QueryError, match=r"^unknown result format 'yaml'; use one of table, csv, tsv, json, xml$"):
        write_result(MIXED, "yaml", None)  # type: ignore[arg-type]
