"""The SPARQL endpoint (``pubgraph serve``), tested with SPARQLWrapper, a real client, and
``pubgraph query --endpoint`` against it.

Answers over HTTP must equal the local ones: the server takes the union of the named
graphs as its default graph, as every query through pubgraph does.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import pyoxigraph as ox
import pytest
import requests
from conftest import run_cli
from SPARQLWrapper import CSV, GET, JSON, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

import graph
from graph.errors import EndpointError, StoreError, StoreLockedError
from graph.pipeline import run_remote_query
from graph.pipeline.endpoint import Endpoint, serve
from graph.pipeline.query import run_query
from graph.queries import list_saved

# SPARQLWrapper parses RDF/XML answers with rdflib's deprecated ConjunctiveGraph.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:SPARQLWrapper"),
]

JOURNALS = "SELECT ?j ?title WHERE { ?j a fabio:Journal ; dcterms:title ?title } ORDER BY ?j"
PREFIXED_JOURNALS = (
    "PREFIX fabio: <http://purl.org/spar/fabio/> PREFIX dcterms: <http://purl.org/dc/terms/> " + JOURNALS
)
DERIVED = set(graph.Iris().derived_graphs)
CONSTRUCT = "PREFIX fabio: <http://purl.org/spar/fabio/> CONSTRUCT { ?j ?p ?o } WHERE { ?j a fabio:Journal ; ?p ?o }"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def store(demo_store: Path) -> Path:
    return demo_store


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[Endpoint]:
    with serve(store, port=free_port()) as running:
        yield running


def client(endpoint: Endpoint, query: str, fmt: str, method: str = GET) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint.query_url)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    return wrapper


def local_rows(store: Path, query: str) -> list[dict[str, str | None]]:
    return run_query(query, store).values()


# ------------------------------------------------------------------ protocol and content negotiation


@pytest.mark.parametrize("method", [GET, POST])
def test_select_as_json_and_xml(endpoint: Endpoint, store: Path, method: str) -> None:
    expected = local_rows(store, JOURNALS)
    assert len(expected) == 22
    answer = client(endpoint, PREFIXED_JOURNALS, JSON, method).query().convert()
    assert [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]] == expected
    document = client(endpoint, PREFIXED_JOURNALS, XML, method).query().convert()
    titles = [
        b.getElementsByTagName("literal")[0].firstChild.data
        for b in document.getElementsByTagName("binding")
        if b.getAttribute("name") == "title"
    ]
    assert titles == [row["title"] for row in expected]


def test_select_as_csv_and_tsv(endpoint: Endpoint, store: Path) -> None:
    expected = local_rows(store, JOURNALS)
    text = client(endpoint, PREFIXED_JOURNALS, CSV).query().convert().decode("utf-8")
    assert list(csv.DictReader(io.StringIO(text))) == expected
    tsv = client(endpoint, PREFIXED_JOURNALS, TSV).query().convert().decode("utf-8").splitlines()
    assert tsv[0] == "?j\t?title" and len(tsv) == 23
    assert tsv[1].split("\t")[0] == f"<{expected[0]['j']}>"


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, N3])
def test_construct_in_rdf_syntaxes(endpoint: Endpoint, store: Path, fmt: str) -> None:
    expected = set(run_query(CONSTRUCT, store).triples)
    assert len(expected) > 100
    answer = client(endpoint, CONSTRUCT, fmt, POST).query()
    media = answer.response.headers["Content-Type"].split(";")[0]
    converted = answer.convert()
    data = converted.serialize(format="nt").encode() if not isinstance(converted, bytes) else converted
    syntax = ox.RdfFormat.N_TRIPLES if not isinstance(converted, bytes) else ox.RdfFormat.from_media_type(media)
    assert {q.triple for q in ox.parse(data, format=syntax)} == expected


def test_ask_and_describe(endpoint: Endpoint) -> None:
    assert client(endpoint, "ASK { ?a <http://purl.org/spar/cito/cites> ?b }", JSON).query().convert()["boolean"]
    described = requests.get(
        endpoint.query_url,
        headers={"Accept": "application/n-triples"},
        params={"query": "DESCRIBE <https://w3id.org/pubgraph/article/28993889>"},
        timeout=30,
    )
    assert described.status_code == 200 and "28993889" in described.text


SAMPLE_VALUES = {"pmid": "28993889", "name": "Kawahara", "text": "hemangiopericytoma", "min": "1"}


def test_every_saved_query_answers_as_locally(endpoint: Endpoint, store: Path) -> None:
    for saved in list_saved():
        text = saved.render({param.name: SAMPLE_VALUES[param.name] for param in saved.params})
        local = run_query(text, store)
        assert run_remote_query(text, endpoint.query_url) == local, saved.name
        # SPARQLWrapper guesses the query form from keywords, comments included ("loaded"
        # reads as LOAD): give it the query without its comment lines.
        bare = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        answer = client(endpoint, bare, JSON, POST).query().convert()
        assert [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]] == [
            {k: v for k, v in row.items() if v is not None} for row in local.values()
        ], saved.name


# ------------------------------------------------------------------ safety


def test_read_only_by_default(endpoint: Endpoint) -> None:
    updater = SPARQLWrapper(endpoint.query_url, updateEndpoint=endpoint.update_url)
    updater.setMethod(POST)
    updater.setQuery("INSERT DATA { <http://e.org/s> <http://e.org/p> <http://e.org/o> }")
    with pytest.raises(HTTPError, match="403"):
        updater.query()
    put = requests.put(
        endpoint.store_url,
        params={"graph": "http://e.org/g"},
        data=b"<http://e.org/s> <http://e.org/p> 1 .",
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert put.status_code == 403
    assert endpoint.url.startswith("http://127.0.0.1:")


def test_writable_only_when_asked(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    with serve(copy, port=free_port(), writable=True) as running:
        updater = SPARQLWrapper(running.query_url, updateEndpoint=running.update_url)
        updater.setMethod(POST)
        updater.setQuery("INSERT DATA { GRAPH <http://e.org/g> { <http://e.org/s> <http://e.org/p> 'new' } }")
        updater.query()
        assert "writable: SPARQL Update and Graph Store requests change the store" in running.warnings
    assert run_query("ASK { <http://e.org/s> <http://e.org/p> 'new' }", copy).boolean is True


def test_a_write_drops_what_was_derived_from_the_store(store: Path, tmp_path: Path) -> None:
    """A write through the endpoint changes data behind the record index and the query
    summaries: both go, and saved queries and projections answer by the plain readings."""
    from graph.store import KnowledgeStore
    from graph.store.summaries import summaries_current

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    index = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph.Iris().index_graph}> {{ ?r ?p ?e }} }}"
    with KnowledgeStore.open(copy, read_only=True) as kg:
        assert summaries_current(kg)
    assert int(run_query(index, copy).rows[0][0].value) > 5
    top = next(q for q in list_saved() if q.name == "top-cited")
    before = run_query(top.text, copy).values()
    with serve(copy, port=free_port(), writable=True) as running:
        updater = SPARQLWrapper(running.query_url, updateEndpoint=running.update_url)
        updater.setMethod(POST)
        updater.setQuery(
            "PREFIX cito: <http://purl.org/spar/cito/> INSERT DATA { GRAPH <http://e.org/g> "
            "{ <https://w3id.org/pubgraph/article/1> cito:cites <https://w3id.org/pubgraph/article/28993889> } }"
        )
        updater.query()
    with KnowledgeStore.open(copy, read_only=True) as kg:
        assert not summaries_current(kg)
    assert int(run_query(index, copy).rows[0][0].value) == 0
    after = {row["work"]: row["citations"] for row in run_query(top.text, copy).values()}
    counted = {row["work"]: row["citations"] for row in before}
    work = "https://w3id.org/pubgraph/article/28993889"
    assert int(after[work]) == int(counted[work]) + 1  # the plain form sees the new link


def test_push_to_a_writable_endpoint(store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "target"
    ox.Store(str(empty)).flush()  # an empty store, as pubgraph serve needs one to exist
    with serve(empty, port=free_port(), writable=True) as running:
        summary = graph.push(running.store_url, store)  # Graph Store PUTs, then a count of each graph
        assert summary.verified and not summary.mismatches
        graphs = {row[0].value for row in run_query("SELECT DISTINCT ?g { GRAPH ?g { } }", store).rows}
        assert summary.graphs == len(graphs - DERIVED) > 50  # the derived graphs stay home
        again = graph.push(running.store_url, store)  # PUT replaces: pushing twice changes nothing
        assert again.remote_triples == summary.remote_triples
        served = requests.get(running.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
    every = run_query("SELECT ?s ?p ?o ?g { GRAPH ?g { ?s ?p ?o } }", store).rows
    local = [row for row in every if row[3].value not in DERIVED]
    quads = ox.parse(served.content, ox.RdfFormat.N_QUADS)
    assert {(q.subject, q.predicate, q.object, q.graph_name) for q in quads} == {tuple(row) for row in local}


def test_serving_a_store_another_process_writes(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import pyoxigraph, sys, time; s = pyoxigraph.Store({str(copy)!r}); "
            "print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
        with serve(copy, port=free_port()) as running:
            assert running.warnings == (
                f"{copy} is being written by process {writer.pid} (a build?): the endpoint answers from the store as "
                "it was when it started; restart it after the build to see the new data",
            )
            assert run_remote_query(JOURNALS, running.query_url).values() == local_rows(store, JOURNALS)
        with pytest.raises(StoreLockedError) as caught:
            serve(copy, port=free_port(), writable=True)
        assert str(caught.value) == (
            f"{copy} is in use by process {writer.pid} (a running build, or another writable server); a writable "
            "endpoint needs the store to itself: wait for it to finish, or serve read-only (without --writable)"
        )
    finally:
        writer.communicate("")


def test_start_failures_are_clear(store: Path, tmp_path: Path, endpoint: Endpoint) -> None:
    port = int(endpoint.url.rsplit(":", 1)[1])
    with pytest.raises(
        EndpointError,
        match=rf"^cannot listen on 127.0.0.1:{port} \(Address already in use\); "
        "choose another --port or --host$",
    ):
        serve(store, port=port)
    with pytest.raises(StoreError, match=r"^no store at .*: build one first"):
        serve(tmp_path / "nothing", port=free_port())
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "CURRENT").write_text("MANIFEST-000404\n")
    with pytest.raises(StoreError, match=rf"^cannot open the store at {broken}: "):
        serve(broken, port=free_port())


# ------------------------------------------------------------------ the command line


def test_query_endpoint_prints_what_the_store_prints(endpoint: Endpoint, store: Path) -> None:
    for args in (
        ["--saved", "top-cited", "--format", "csv"],
        ["--saved", "references", "-p", "pmid=28993889", "--format", "json"],
        [JOURNALS, "--format", "tsv"],
        ["--saved", "coauthors", "-p", "name=Kawahara"],
    ):
        here = run_cli(["query", *args, "--store", store])
        there = run_cli(["query", *args, "--endpoint", endpoint.query_url])
        assert there == here and here[0] == 0, args
    assert json.loads(
        run_cli(["query", "ASK { ?s ?p ?o }", "--format", "json", "--endpoint", endpoint.query_url])[1]
    ) == {"head": {}, "boolean": True}


def test_query_endpoint_errors(endpoint: Endpoint) -> None:
    code, _, err = run_cli(["query", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint.query_url])
    assert code == 1 and err.startswith(
        f"error: the endpoint {endpoint.query_url} rejected the query: the query is not valid SPARQL: error at 1:"
    )
    code, _, err = run_cli(["query", "ASK {}", "--user", "u"])
    assert code == 2 and "--user, --password-env, --token-env and --digest go with --endpoint" in err
    dead = f"http://127.0.0.1:{free_port()}/query"
    code, _, err = run_cli(["query", "ASK {}", "--endpoint", dead])
    # The wording of unreachable servers belongs to the HTTP layer (tests/store): here, one line.
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1 and "connection refused" in err


def test_serve_command_runs_until_interrupted(store: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, process.kill)  # a hung server fails the test instead of the run
    watchdog.start()
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        assert lines[0].startswith(
            f"serving {store} (read-only; default graph: union of the named graphs; queries stop after 60 s)"
        )
        assert lines[2].split() == ["SPARQL", "query", f"http://127.0.0.1:{port}/query"]
        assert lines[-1].strip() == "press Ctrl-C to stop"
        assert run_remote_query("ASK { ?s ?p ?o }", f"http://127.0.0.1:{port}/query").boolean is True
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        watchdog.cancel()
    assert (process.returncode, err.strip()) == (0, "stopped")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=5)


def test_serve_help_names_the_safety_options() -> None:
    code, out, _ = run_cli(["serve", "--help"])
    assert code == 0
    flat = " ".join(out.split())
    assert "--allow-federation Let SERVICE (and LOAD, with --writable) send requests to other servers; refused" in flat
    assert "--allow-host NAME Also answer requests whose Host header is NAME" in flat
    assert "answers only requests addressed to it by its own name" in flat


def test_bad_queries_reach_sparqlwrapper_as_errors(endpoint: Endpoint) -> None:
    with pytest.raises(QueryBadFormed):
        client(endpoint, "SELECT * WHERE { ?s ?p }", JSON).query()
