"""Network faults say what they are, at once or while retrying: no name resolution, a
refused connection, a server that never answers or stalls mid-body, and one that is busy
(503) before it answers. Both HTTP clients: E-utilities (fetch) and remote stores (push).

Nothing here leaves 127.0.0.1: host names ending in ``.invalid`` (RFC 6761) fail in a
patched ``socket.getaddrinfo`` before any resolver is asked.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from eutils_server import EutilsServer, Fault
from fault_servers import EchoServer, Stalling, silent_port

from graph.errors import EutilsError, RemoteUnavailableError
from graph.http import RetryNotice, RetryPolicy
from graph.sources.eutils import NCBI_RETRY, EutilsClient
from graph.store import KnowledgeStore
from graph.store.remote import push
from graph.store.selection import graph_counts

NOWHERE = "pubgraph-test.invalid"


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every lookup of a ``.invalid`` name, each failing as a resolver without network does."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).endswith(".invalid"):
            asked.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked


def fetch_cli(url: str, tmp_path: Path) -> tuple[int, str, str]:
    return run_cli(
        ["fetch", "-q", "spine", "-o", tmp_path / "x.xml", "--cache-dir", tmp_path / "c", "--eutils-url", url]
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- E-utilities


def test_fetch_without_name_resolution_says_so_at_once(tmp_path: Path, lookups: list[str]) -> None:
    code, out, err = fetch_cli(f"http://{NOWHERE}/entrez/eutils/", tmp_path)
    assert (code, out) == (1, "")
    assert err == (
        f"error: esearch for 'spine': cannot resolve {NOWHERE}: no network or DNS failure; "
        "check your connection or --eutils-url\n"
    )
    assert lookups == [NOWHERE]  # not retried
    assert not (tmp_path / "x.xml").exists()


def test_fetch_from_a_closed_port_says_refused_at_once(tmp_path: Path) -> None:
    port = closed_port()
    code, _, err = fetch_cli(f"http://127.0.0.1:{port}/entrez/eutils/", tmp_path)
    assert code == 1
    assert err == (
        f"error: esearch for 'spine': connection refused by 127.0.0.1:{port}; "
        "check --eutils-url (or PUBGRAPH_EUTILS_URL)\n"
    )


def test_fetch_from_a_silent_server_gives_up_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graph.sources.eutils.NCBI_RETRY", replace(NCBI_RETRY, retries=1, backoff=0.01, read=0.3))
    with silent_port() as port:
        code, _, err = fetch_cli(f"http://127.0.0.1:{port}/entrez/eutils/", tmp_path)
    assert code == 1
    assert err == (
        "retrying esearch in 0.01 s: no answer from 127.0.0.1 in 0.3 s (attempt 2/2)\n"
        "error: esearch for 'spine': gave up after 2 attempts (last: no answer from 127.0.0.1 in 0.3 s); "
        "NCBI may be busy or down: run the same command again later, it resumes from the cache\n"
    )


def test_fetch_shows_each_retry_as_it_happens(tmp_path: Path) -> None:
    with EutilsServer() as server:
        server.inject(Fault("503", "esearch", times=2, retry_after="0"))
        code, out, err = fetch_cli(server.url, tmp_path)
    assert code == 0, err
    assert err == (
        "retrying esearch in 0 s: HTTP 503 Service Unavailable (attempt 2/6)\n"
        "retrying esearch in 0 s: HTTP 503 Service Unavailable (attempt 3/6)\n"
    )
    assert out.startswith(f"fetched {tmp_path / 'x.xml'}: 4 records (search 'spine')")


@pytest.mark.parametrize(
    ("server", "policy", "said"),
    [
        (Stalling(first=10), {"read": 0.3}, "no answer from 127.0.0.1 in 0.3 s"),
        (
            Stalling(length=100_000, first=10, every=0.02),
            {"read": 2.0, "total": 0.3},
            "no complete answer from 127.0.0.1 in 0.3 s",
        ),
    ],
    ids=["stops-mid-body", "trickles"],
)
def test_a_body_that_does_not_arrive_in_time_is_given_up(
    tmp_path: Path, server: Stalling, policy: dict[str, float], said: str
) -> None:
    notices: list[RetryNotice] = []
    retry = replace(NCBI_RETRY, retries=1, backoff=0.0, **policy)
    with (
        server,
        EutilsClient(base_url=server.url, cache_dir=tmp_path, retry=retry, on_retry=notices.append) as eutils,
        pytest.raises(EutilsError) as caught,
    ):
        eutils.fetch(["100"])
    assert str(caught.value).startswith(f"efetch of 1 PMID(s) (100): gave up after 2 attempts (last: {said}); ")
    assert [str(n) for n in notices] == [f"retrying efetch in 0 s: {said} (attempt 2/2)"]


# ---------------------------------------------------------------- remote stores


def one_quad_store() -> KnowledgeStore:
    kg = KnowledgeStore.in_memory()
    kg.add_quads("<http://e.org/s> <http://e.org/p> <http://e.org/o> <https://w3id.org/pubgraph/graph/mesh> .\n")
    return kg


def test_push_without_name_resolution_says_so_at_once(demo_store: Path, lookups: list[str]) -> None:
    code, _, err = run_cli(["push", f"http://{NOWHERE}/store", "--store", demo_store, "--no-verify"])
    assert code == 1
    assert err == (
        f"error: PUT http://{NOWHERE}/store: cannot resolve {NOWHERE}: no network or DNS failure; "
        "check your connection and the URL\n"
    )
    assert lookups == [NOWHERE]


def test_push_to_a_silent_server_gives_up_and_says_so() -> None:
    notices: list[RetryNotice] = []
    with silent_port() as port, pytest.raises(RemoteUnavailableError) as caught:
        url = f"http://127.0.0.1:{port}/store"
        push(url, one_quad_store(), retry=RetryPolicy(retries=1, backoff=0), timeout=0.3, on_retry=notices.append)
    assert str(caught.value) == (
        f"cannot reach {url} (no answer from 127.0.0.1 in 0.3 s) after 2 attempts; "
        "is the server running and the URL right?"
    )
    assert [str(n) for n in notices] == [f"retrying PUT {url} in 0 s: no answer from 127.0.0.1 in 0.3 s (attempt 2/2)"]


def test_push_shows_each_retry_as_it_happens(demo_store: Path) -> None:
    with EchoServer(201, busy=2) as server:
        url = f"{server.url}/store"
        code, out, err = run_cli(["push", url, "--store", demo_store, "--graph", "mesh", "--no-verify"])
    assert code == 0, err
    assert err == (
        f"retrying PUT {url} in 0 s: HTTP 503 Service Unavailable (attempt 2/4)\n"
        f"retrying PUT {url} in 0 s: HTTP 503 Service Unavailable (attempt 3/4)\n"
    )
    with KnowledgeStore.open(demo_store, read_only=True) as kg:
        mesh = graph_counts(kg)["https://w3id.org/pubgraph/graph/mesh"]
    assert out.startswith(f"pushed {mesh:,} triples in 1 named graph to {url} by Graph Store Protocol in ")
    assert "2 retries)" in out


# ---------------------------------------------------------------- remote SPARQL endpoints


class BusyEndpoint(EchoServer):
    """A SPARQL endpoint that is busy (503) ``busy`` times, then answers one row."""

    ANSWER = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}'

    def handle(self, request: Any) -> None:
        request.rfile.read(int(request.headers.get("Content-Length", 0)))
        if self.busy > 0:
            self.busy -= 1
            self._send(request, 503, b"busy, try again", {"Retry-After": "0"})
            return
        request.send_response(200)
        request.send_header("Content-Type", "application/sparql-results+json")
        request.send_header("Content-Length", str(len(self.ANSWER)))
        request.end_headers()
        request.wfile.write(self.ANSWER)


def test_query_endpoint_shows_each_retry_as_it_happens() -> None:
    with BusyEndpoint(busy=2) as server:
        url = f"{server.url}/sparql"
        code, out, err = run_cli(["query", "--endpoint", url, "SELECT ?n WHERE { ?s ?p ?n }", "--format", "csv"])
    assert (code, out) == (0, "n\r\n7\r\n".replace("\r\n", "\n"))
    assert err.count("retrying ") == 2 and "HTTP 503 Service Unavailable (attempt 2/" in err
