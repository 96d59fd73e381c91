"""What the endpoint (``pubgraph serve``) must never do, whatever a request asks: run past
its time limit, call other servers, answer through a rebound DNS name, pass a cut answer
off as complete, or leave processes behind.

Every test starts real servers on 127.0.0.1 (a free port each) and talks HTTP to them.
"""

from __future__ import annotations

import csv
import io
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from endpoint_helpers import children, free_port, gone, raw_post, wait_for

from graph.pipeline.endpoint import Endpoint, serve
from graph.pipeline.endpoint.protocol import allowed_host_names, federated_keyword, host_refusal
from graph.pipeline.query import run_query

LIMIT = 1.0
OVERRUN = (
    "the query ran longer than this endpoint's time limit (1 s) and was stopped; narrow it "
    "(a LIMIT, fewer unbound patterns) or start the endpoint with a longer --timeout\n"
)
REFUSED = (
    "SERVICE is refused: this endpoint sends no requests to other servers; "
    "start it with --allow-federation to allow federated queries\n"
)
# Queries that run for minutes on the sample store. Oxigraph's own server stopped the
# first at its time limit but ran the sort and the filtered join on after their clients left.
HEAVY = {
    "cartesian-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "cartesian-sort": "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a LIMIT 1",
    "filtered-join": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?a) = STR(?i)) }",
}
# Rows trickle out of this one for tens of seconds (a join on a computed value).
TRICKLE = "SELECT ?s ?x WHERE { ?s ?p ?o . ?x ?y ?z FILTER(STR(?z) = STR(?o)) }"


@pytest.fixture(scope="module")
def limited(demo_store: Path) -> Iterator[Endpoint]:
    with serve(demo_store, port=0, timeout=LIMIT, workers=2) as running:
        yield running


class Listener:
    """A TCP port on 127.0.0.1 that records each connection to it and closes it at once."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.connections = 0
        self.open = True
        self.thread = threading.Thread(target=self._accept)
        self.thread.start()

    def _accept(self) -> None:
        while self.open:
            try:
                client, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            client.close()

    def close(self) -> None:
        self.open = False
        self.thread.join()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


# ------------------------------------------------------------------ the time limit


@pytest.mark.parametrize("query", HEAVY.values(), ids=HEAVY.keys())
def test_every_query_stops_at_the_time_limit_and_frees_its_process(limited: Endpoint, query: str) -> None:
    before = limited.worker_pids()
    answer = requests.post(limited.query_url, data={"query": query}, timeout=60)
    assert (answer.status_code, answer.text) == (500, OVERRUN)
    killed = before - limited.worker_pids()
    assert len(killed) == 1 and all(gone(pid) for pid in killed)
    assert wait_for(lambda: len(limited.worker_pids()) == 2)  # replaced
    assert requests.post(limited.query_url, data={"query": "ASK { ?s ?p ?o }"}, timeout=30).json()["boolean"]


def test_a_query_whose_client_left_is_stopped(demo_store: Path) -> None:
    with serve(demo_store, port=0, timeout=600, workers=1) as running:
        (before,) = running.worker_pids()
        with pytest.raises(requests.ReadTimeout):
            requests.post(running.query_url, data={"query": HEAVY["cartesian-sort"]}, timeout=(5, 0.5))
        assert wait_for(lambda: gone(before), within=20)  # long before the 600 s limit


def test_an_answer_cut_by_the_time_limit_is_an_error(limited: Endpoint) -> None:
    # Buffered (the answer would fit): the true status, not a short 200.
    answer = requests.post(limited.query_url, data={"query": TRICKLE}, timeout=60)
    assert (answer.status_code, answer.text) == (500, OVERRUN)


def test_a_stream_cut_by_the_time_limit_ends_broken(demo_store: Path) -> None:
    with serve(demo_store, port=0, timeout=LIMIT, workers=1, buffer_limit=0) as running:
        (before,) = running.worker_pids()
        answer = requests.post(running.query_url, data={"query": TRICKLE}, stream=True, timeout=60)
        assert answer.status_code == 200 and answer.headers["Transfer-Encoding"] == "chunked"
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            answer.content  # noqa: B018
        assert gone(before)


def test_a_complete_stream_ends_properly(demo_store: Path) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with serve(demo_store, port=0, timeout=60, workers=1, buffer_limit=0) as running:
        answer = requests.post(running.query_url, data={"query": query}, headers={"Accept": "text/csv"}, timeout=60)
    assert answer.headers["Transfer-Encoding"] == "chunked"
    assert list(csv.DictReader(io.StringIO(answer.text))) == run_query(query, demo_store).values()


def test_an_update_stopped_by_the_time_limit_changes_nothing(demo_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(demo_store, copy)
    update = (
        "INSERT { GRAPH <http://e.org/g> { ?a <http://e.org/p> ?d } } "
        "WHERE { GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } }"
    )
    with serve(copy, port=0, timeout=LIMIT, writable=True) as running:
        answer = requests.post(running.update_url, data={"update": update}, timeout=60)
        assert (answer.status_code, answer.text) == (500, OVERRUN)
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://e.org/g> { ?s ?p ?o } }"
        rows = requests.post(running.query_url, data={"query": count}, timeout=30).json()["results"]["bindings"]
        assert rows[0]["n"]["value"] == "0"  # a fresh writer answers, and nothing was written


# ------------------------------------------------------------------ no outbound requests


@pytest.mark.parametrize(
    "pattern",
    [
        "SERVICE <{url}> {{ ?s ?p ?o }}",
        "service silent <{url}> {{ ?s ?p ?o }}",
        "SERVICESILENT <{url}> {{ ?s ?p ?o }}",
        "?a ?b 1.SERVICE<{url}>{{ ?s ?p ?o }}",
        "\\u0053ERVICE <{url}> {{ ?s ?p ?o }}",
    ],
)
def test_service_is_refused_and_never_connects(limited: Endpoint, listener: Listener, pattern: str) -> None:
    query = f"SELECT * WHERE {{ {pattern.format(url=listener.url)} }}"
    answer = requests.post(limited.query_url, data={"query": query}, timeout=30)
    assert (answer.status_code, answer.text) == (400, REFUSED)
    assert listener.connections == 0


def test_federation_only_when_asked(demo_store: Path, listener: Listener) -> None:
    query = f"SELECT * {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    with serve(demo_store, port=0, allow_federation=True, workers=1) as running:
        assert "federation allowed: SERVICE and LOAD make this endpoint send requests to other servers" in (
            running.warnings
        )
        answer = requests.post(running.query_url, data={"query": query}, timeout=30)
    assert answer.status_code == 200 and listener.connections == 1


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?service <http://e.org/service> 'SERVICE <http://x/>' } # SERVICE <http://x/>",
        'PREFIX ex: <http://e.org/> SELECT * WHERE { ex:a ex:load """LOAD\n<http://x/>""" }',
        "SELECT * WHERE { <http://e.org/SERVICE> ?p ?o }",
    ],
)
def test_the_words_service_and_load_elsewhere_pass(query: str) -> None:
    assert federated_keyword(query) is None


# ------------------------------------------------------------------ Host header (DNS rebinding)


def test_requests_through_other_names_are_refused(limited: Endpoint) -> None:
    port = int(limited.url.rsplit(":", 1)[1])
    for host in ("evil.example", "127.0.0.1:1", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}"):
        assert raw_post(limited.query_url, "ASK {}", host=host) == (
            421,
            f"the Host header names {host}, not this endpoint's address; this endpoint answers only requests "
            f"addressed to it by name ({limited.url}/), a guard against DNS rebinding; to reach it through "
            "another name, start it with --allow-host NAME\n",
        )
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST.:{port}", f"[::1]:{port}"):
        assert raw_post(limited.query_url, "ASK {}", host=host)[0] == 200, host
    assert raw_post(limited.url + "/", "", host="evil.example")[0] == 421  # the page too


def test_a_name_can_be_allowed(demo_store: Path) -> None:
    with serve(demo_store, port=0, allowed_hosts=["kg.example"], workers=1) as running:
        port = running.url.rsplit(":", 1)[1]
        assert raw_post(running.query_url, "ASK {}", host=f"kg.example:{port}")[0] == 200
        assert raw_post(running.query_url, "ASK {}", host=f"other.example:{port}")[0] == 421


def test_a_wildcard_bind_takes_addresses_but_not_names() -> None:
    names = allowed_host_names("0.0.0.0")
    assert host_refusal("192.0.2.7:7878", names, 7878, any_address=True) is None
    assert host_refusal("[2001:db8::1]:7878", names, 7878, any_address=True) is None
    assert host_refusal("rebound.example:7878", names, 7878, any_address=True) == (
        "the Host header names rebound.example:7878, not this endpoint's address"
    )
    assert host_refusal(None, names, 7878, any_address=True) == "the request has no Host header"


def test_parameters_that_are_not_utf8_are_refused(limited: Endpoint) -> None:
    answer = requests.get(limited.query_url + "?query=ASK%20%7B%7D%ff", timeout=30)
    assert (answer.status_code, answer.text) == (
        400,
        "the request's parameters are not UTF-8 (invalid start byte); percent-encode UTF-8\n",
    )


# ------------------------------------------------------------------ processes


def _start_cli(store: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--store", str(store), "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(3)]
    return process, lines[2].split()[-1]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_end_with_the_server(demo_store: Path, how: signal.Signals) -> None:
    process, query_url = _start_cli(demo_store)
    watchdog = threading.Timer(60, process.kill)  # a hung server fails the test instead of the run
    watchdog.start()
    try:
        running = requests.post(query_url, data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert running.json()["boolean"] is True
        spawned = children(process.pid)
        assert len(spawned) >= 2
        process.send_signal(how)
        _, err = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
    if how == signal.SIGTERM:
        assert (process.returncode, err.strip()) == (0, "stopped")
    assert wait_for(lambda: all(gone(pid) for pid in spawned), within=20)
