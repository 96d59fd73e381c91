"""Push, offline: both protocols against an in-memory graph store behind a mock transport.

The fake store applies what it receives with pyoxigraph (GSP PUT replaces, POST adds,
update bodies run as SPARQL Update, queries answer as SPARQL JSON), so these tests check
the meaning of every request, not only its shape. Real servers: ``test_push_servers.py``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from http.client import RemoteDisconnected
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
import requests
from conftest import run_cli
from urllib3.exceptions import ProtocolError

from graph.errors import PayloadTooLargeError, RemoteAuthError, RemoteError, RemoteUnavailableError
from graph.store import KnowledgeStore
from graph.store.remote import (
    PROTOCOLS,
    STORE_URL_FORMS,
    Credentials,
    RetryPolicy,
    credentials_from_env,
    push,
    query_endpoint_for,
)
from graph.store.remote.transport import mock_session

from .remote_servers import free_port

URLS = {"gsp": "http://store.test/store", "update": "http://store.test/update"}
G = "https://w3id.org/pubgraph/graph/"
FAST = RetryPolicy(retries=3, backoff=0)
Answer = tuple[int, Mapping[str, str], bytes]


class FakeStore:
    """A graph store answering GSP, SPARQL Update and SPARQL Query from one pyoxigraph Store."""

    def __init__(
        self,
        *,
        max_body: int | None = None,
        refuse: Callable[[requests.PreparedRequest], Answer | None] = lambda request: None,
    ) -> None:
        self.store = ox.Store()
        self.max_body, self.refuse = max_body, refuse
        self.accepted: list[requests.PreparedRequest] = []

    def __call__(self, request: requests.PreparedRequest) -> Answer:
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        refused = self.refuse(request)
        if refused is not None:
            return refused
        if self.max_body is not None and len(body) > self.max_body:
            return 413, {}, b"request entity too large"
        url = urlsplit(request.url or "")
        self.accepted.append(request)
        if url.path == "/store":
            graph = parse_qs(url.query).get("graph")
            if graph is None:  # a query sent to the graph store, as a misconfigured push does
                return 415, {"Content-Type": "text/plain"}, b"unsupported media type"
            return self._gsp(request.method or "", graph[0], body)
        if request.headers.get("Content-Type", "").startswith("application/sparql-update"):
            self.store.update(body.decode())
            return 204, {}, b""
        return self._query(parse_qs(body.decode())["query"][0])

    def _gsp(self, method: str, graph: str, body: bytes) -> Answer:
        name = ox.NamedNode(graph)
        if method == "PUT":
            self.store.remove_graph(name)
        self.store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        return 201, {}, b""

    def _query(self, sparql: str) -> Answer:
        result = self.store.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        return (
            200,
            {"Content-Type": "application/sparql-results+json"},
            result.serialize(format=ox.QueryResultsFormat.JSON),
        )

    def quads(self) -> set[str]:
        return {str(quad) for quad in self.store}


def local_quads(store: Path) -> set[str]:
    """What push sends by default: every quad but those of the derived graphs."""
    with KnowledgeStore.open(store, read_only=True) as kg:
        derived = {ox.NamedNode(iri) for iri in kg.iris.derived_graphs}
        return {str(quad) for quad in kg.oxigraph if quad.graph_name not in derived}


def canonical(quads: ox.Store) -> ox.Dataset:
    """The quads with blank nodes relabelled canonically (RDFC-1.0), for comparison."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def fake_push(store: Path, fake: FakeStore, method: str, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("retry", FAST)
    return push(
        URLS[method], store, method=method, session=mock_session(fake), query_url="http://store.test/query", **options
    )  # type: ignore[arg-type]


# ------------------------------------------------------------------ both protocols, end to end


@pytest.mark.parametrize("method", list(PROTOCOLS))
def test_push_copies_every_named_graph_exactly(
    demo_store: Path,
    demo_counts: dict[str, int],
    method: str,
) -> None:
    fake = FakeStore()
    summary = fake_push(demo_store, fake, method)
    assert fake.quads() == local_quads(demo_store)
    total = sum(demo_counts.values())
    assert summary.graphs == len(demo_counts) > 40 and summary.triples == len(fake.quads()) == total
    assert summary.verified and not summary.mismatches and summary.remote_triples == total


@pytest.mark.parametrize("method", list(PROTOCOLS))
def test_pushing_again_replaces_stale_graphs_and_never_duplicates(demo_store: Path, method: str) -> None:
    fake = FakeStore()
    graph = ox.NamedNode("https://w3id.org/pubgraph/graph/pubmed/28993889")
    stale = ox.Quad(ox.NamedNode("http://e.org/stale"), ox.NamedNode("http://e.org/p"), ox.Literal("old"), graph)
    fake.store.add(stale)
    fake_push(demo_store, fake, method)
    fake_push(demo_store, fake, method)
    assert stale not in set(fake.store)
    assert fake.quads() == local_quads(demo_store)


def test_gsp_puts_each_graph_then_posts_the_rest_of_a_large_one(
    demo_store: Path,
    demo_counts: dict[str, int],
) -> None:
    fake = FakeStore()
    fake_push(demo_store, fake, "gsp", batch=100)
    entities = G + "entities"
    calls = [
        (r.method, parse_qs(urlsplit(r.url or "").query)["graph"][0])
        for r in fake.accepted
        if r.method != "POST" or "graph=" in (r.url or "")
    ]
    methods = [m for m, g in calls if g == entities]
    assert methods[0] == "PUT" and set(methods[1:]) == {"POST"} and len(methods) == -(-demo_counts[entities] // 100)
    assert all(r.headers["Content-Type"] == "application/n-triples" for r in fake.accepted if "graph=" in (r.url or ""))
    assert fake.quads() == local_quads(demo_store)


def test_update_packs_small_graphs_and_bounds_every_request(
    demo_store: Path,
    demo_counts: dict[str, int],
) -> None:
    fake = FakeStore()
    summary = fake_push(demo_store, fake, "update", batch=500)
    updates = [r.body.decode() for r in fake.accepted if r.headers["Content-Type"].startswith("application/sparql")]
    assert all(body.count(" .\n") <= 500 for body in updates)
    assert sum(body.count("DROP SILENT GRAPH") for body in updates) == summary.graphs
    # Several graphs per request, and a graph that fits in one request is never split.
    assert -(-sum(demo_counts.values()) // 500) <= len(updates) < summary.graphs / 2
    for graph, count in demo_counts.items():
        holding = [body for body in updates if f"INSERT DATA {{ GRAPH <{graph}>" in body]
        assert len(holding) == (1 if count <= 500 else -(-count // 500)), graph
    assert fake.quads() == local_quads(demo_store)


@pytest.mark.parametrize("method", list(PROTOCOLS))
def test_payload_too_large_halves_the_batches_until_they_fit(demo_store: Path, method: str) -> None:
    fake = FakeStore(max_body=30_000)
    summary = fake_push(demo_store, fake, method)
    assert summary.shrinks >= 2 and summary.requests > summary.graphs + 2
    assert all(len(r.body) <= 30_000 for r in fake.accepted)  # type: ignore[arg-type]
    assert fake.quads() == local_quads(demo_store) and not summary.mismatches


def test_a_server_refusing_even_one_triple_is_a_clear_error(
    demo_store: Path,
    demo_counts: dict[str, int],
) -> None:
    with pytest.raises(PayloadTooLargeError) as caught:
        fake_push(demo_store, FakeStore(max_body=10), "gsp", graphs=["mesh"])
    assert str(caught.value) == (
        "PUT http://store.test/store: HTTP 413 Payload Too Large: graph <https://w3id.org/pubgraph/graph/mesh> "
        f"({demo_counts[G + 'mesh']} triples) is refused even one triple per request; raise the server's request "
        "size limit, or push with "
        "--method update"
    )
    with pytest.raises(PayloadTooLargeError) as caught:
        fake_push(demo_store, FakeStore(max_body=10), "update", graphs=["mesh"])
    assert str(caught.value) == (
        "POST http://store.test/update: HTTP 413 Payload Too Large: even a request of 1 triple(s) is refused "
        "(<https://w3id.org/pubgraph/graph/mesh>); raise the server's request size limit, or push with --method gsp"
    )


BLANK_GRAPH = "".join(
    f'_:b{i} <http://e.org/p> "{j}" <http://e.org/g> .\n<http://e.org/s> <http://e.org/q> _:b{i} <http://e.org/g> .\n'
    for i in range(3)
    for j in range(2)
)


@pytest.mark.parametrize("method", list(PROTOCOLS))
def test_graphs_with_blank_nodes_travel_whole(method: str) -> None:
    # A blank node label means a new node in each request (SPARQL 1.1 Update §3.1.1, and
    # every GSP request is parsed on its own), so such a graph is never split.
    kg = KnowledgeStore.in_memory()
    kg.add_quads(BLANK_GRAPH)
    fake = FakeStore()
    summary = push(
        URLS[method], kg, method=method, batch=2, session=mock_session(fake), query_url="http://store.test/query"
    )
    assert len(fake.accepted) == 1 + 1  # one write, one count query
    assert summary.triples == 9 and not summary.mismatches
    assert canonical(fake.store) == canonical(kg.oxigraph)


def test_a_graph_with_blank_nodes_too_large_for_the_server(method: str = "gsp") -> None:
    kg = KnowledgeStore.in_memory()
    kg.add_quads(BLANK_GRAPH)
    with pytest.raises(PayloadTooLargeError, match="holds blank nodes, so it cannot be split"):
        push(URLS[method], kg, session=mock_session(FakeStore(max_body=100)), retry=FAST)


def test_select_graphs_by_name_and_prefix(demo_store: Path, demo_counts: dict[str, int]) -> None:
    fake = FakeStore()
    summary = fake_push(demo_store, fake, "gsp", graphs=["entities", "pubmed/*"])
    graphs = {quad.graph_name.value for quad in fake.store}  # type: ignore[union-attr]
    assert summary.graphs == len(graphs) == 1 + sum(g.startswith(G + "pubmed/") for g in demo_counts)
    assert not any(g.endswith(("/mesh", "/provenance")) for g in graphs)


# ------------------------------------------------------------------ verification


def test_verification_names_each_graph_that_differs(
    demo_store: Path,
    demo_counts: dict[str, int],
) -> None:
    target = G + "pubmed/28993889"

    def lossy(request: requests.PreparedRequest) -> Answer | None:  # a store that drops this graph's writes
        return (201, {}, b"") if target in requests.utils.unquote(request.url or "") else None

    summary = fake_push(demo_store, FakeStore(refuse=lossy), "gsp")
    assert [(c.graph, c.local, c.remote) for c in summary.mismatches] == [(target, demo_counts[target], 0)]


def test_a_failed_count_check_says_what_to_do(demo_store: Path) -> None:
    fake = FakeStore()
    with pytest.raises(RemoteError) as caught:  # the fake answers no queries at /store
        push(URLS["gsp"], demo_store, session=mock_session(fake), query_url="http://store.test/store", retry=FAST)
    assert str(caught.value).startswith("the push completed, but counting triples at http://store.test/store failed: ")
    assert str(caught.value).endswith(
        "\nGive the store's SPARQL query URL with --query-endpoint, or skip the check with --no-verify."
    )
    assert fake.quads() == local_quads(demo_store)


def test_cli_reports_mismatches_and_exits_1(
    demo_store: Path,
    demo_counts: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lossy(request: requests.PreparedRequest) -> Answer | None:
        return (201, {}, b"") if "%2Fmesh" in (request.url or "") else None

    fake = FakeStore(refuse=lossy)
    session = mock_session(fake)
    monkeypatch.setattr("graph.store.remote._push.patient_session", lambda policy: session)
    code, out, err = run_cli(["push", URLS["gsp"], "--store", demo_store, "--retries", "0"])
    mesh, total = demo_counts[G + "mesh"], sum(demo_counts.values())
    assert code == 1
    assert f"https://w3id.org/pubgraph/graph/mesh  {mesh:>10,}           0" in out.splitlines()
    assert err.strip().endswith(
        f"error: 1 of {len(demo_counts)} graphs differ on the target ({total - mesh:,} triples there, {total:,} here); "
        "push again, and check the server's log"
    )


# ------------------------------------------------------------------ HTTP failures and secrets


def test_transient_failures_are_retried(demo_store: Path) -> None:
    failures = iter([True, True])

    def flaky(request: requests.PreparedRequest) -> Answer | None:
        if next(failures, False):
            return 503, {"Retry-After": "0"}, b"busy"
        return None

    summary = fake_push(demo_store, FakeStore(refuse=flaky), "update")
    assert summary.retries == 2 and not summary.mismatches


def test_retries_give_up_with_a_clear_message(demo_store: Path) -> None:
    def down(request: requests.PreparedRequest) -> Answer:
        dropped = RemoteDisconnected("Remote end closed connection without response")
        raise requests.ConnectionError(ProtocolError("Connection aborted.", dropped))

    with pytest.raises(RemoteUnavailableError) as caught:
        push(URLS["gsp"], demo_store, session=mock_session(down), retry=RetryPolicy(retries=2, backoff=0))
    assert str(caught.value) == (
        "cannot reach http://store.test/store (store.test closed the connection: Remote end closed connection "
        "without response) after 3 attempts; is the server running and the URL right?"
    )


def test_a_refused_connection_is_said_at_once(demo_store: Path) -> None:
    port = free_port()  # nothing listens there
    notices: list[str] = []
    with pytest.raises(RemoteUnavailableError) as caught:
        push(f"http://127.0.0.1:{port}/store", demo_store, retry=FAST, on_retry=lambda n: notices.append(str(n)))
    assert str(caught.value) == (
        f"PUT http://127.0.0.1:{port}/store: connection refused by 127.0.0.1:{port}; "
        "is the server running and the URL right?"
    )
    assert notices == []


def test_basic_and_bearer_credentials_are_sent(demo_store: Path) -> None:
    for credentials, header in (
        (Credentials("alice", "s3cret"), "Basic " + base64.b64encode(b"alice:s3cret").decode()),
        (Credentials(None, "tok-123", "bearer"), "Bearer tok-123"),
    ):
        fake = FakeStore()
        fake_push(demo_store, fake, "gsp", credentials=credentials, graphs=["mesh"])
        assert {r.headers["Authorization"] for r in fake.accepted} == {header}


def test_refused_credentials_never_leak_into_the_message(demo_store: Path) -> None:
    def echo_401(request: requests.PreparedRequest) -> Answer:  # a server that echoes what it got
        return 401, {"WWW-Authenticate": 'Basic realm="x"'}, f"bad: {request.headers['Authorization']}".encode()

    with pytest.raises(RemoteAuthError) as caught:
        push(
            "http://alice:s3cret@store.test/store",
            demo_store,
            session=mock_session(echo_401),
            credentials=Credentials("alice", "s3cret"),
        )
    assert str(caught.value) == (
        "PUT http://store.test/store: HTTP 401 Unauthorized: the user name or password (or token) was refused; "
        "check them"
    )


def test_a_digest_challenge_suggests_digest(demo_store: Path) -> None:
    def digest(request: requests.PreparedRequest) -> Answer:
        return 401, {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="n", qop="auth"'}, b""

    with pytest.raises(RemoteAuthError, match="asks for HTTP Digest authentication: add --digest"):
        push(URLS["gsp"], demo_store, session=mock_session(digest), credentials=Credentials("dba", "pw"))


def test_server_errors_quote_the_server(demo_store: Path) -> None:
    def broken(request: requests.PreparedRequest) -> Answer:
        return 500, {"Content-Type": "text/html"}, b"<html><body><h1>Boom</h1> disk full</body></html>"

    with pytest.raises(RemoteError, match=r"^POST http://store.test/update: HTTP 500: Boom disk full$"):
        push(URLS["update"], demo_store, method="update", session=mock_session(broken))


def test_cli_push_reads_the_password_from_the_environment(
    demo_store: Path,
    demo_counts: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeStore()
    session = mock_session(fake)
    monkeypatch.setattr("graph.store.remote._push.patient_session", lambda policy: session)
    code, out, err = run_cli(
        [
            "push",
            URLS["gsp"],
            "--store",
            demo_store,
            "--user",
            "alice",
            "--password-env",
            "STORE_PW",
            "--query-endpoint",
            "http://store.test/query",
        ],
        env={"STORE_PW": "pw-42"},
    )
    assert code == 0, err
    assert "pw-42" not in out + err
    assert {r.headers["Authorization"] for r in fake.accepted} == {"Basic " + base64.b64encode(b"alice:pw-42").decode()}
    graphs, total = len(demo_counts), sum(demo_counts.values())
    assert out.startswith(
        f"pushed {total:,} triples in {graphs} named graphs to http://store.test/store by Graph Store Protocol in "
    )
    assert out.splitlines()[1] == (
        f"verified at http://store.test/query: all {graphs} graphs hold the same number of triples as the store "
        f"({total:,})"
    )


# ------------------------------------------------------------------ credentials and URLs


def test_credentials_come_from_named_environment_variables() -> None:
    assert credentials_from_env("u", "PW", environ={"PW": "x"}) == Credentials("u", "x", "basic")
    assert credentials_from_env("u", "PW", environ={"PW": "x"}, digest=True).scheme == "digest"  # type: ignore[union-attr]
    with pytest.raises(RemoteAuthError) as caught:
        credentials_from_env("u", "STORE_PW", environ={})
    assert str(caught.value) == (
        "environment variable STORE_PW (--password-env) is not set or empty; set it first, e.g. "
        "read -rs STORE_PW && export STORE_PW, so the secret stays out of the shell history"
    )
    with pytest.raises(RemoteAuthError, match="either --token-env or --user"):
        credentials_from_env("u", token_env="T", environ={"T": "t"})
    assert "x" not in repr(credentials_from_env("u", "PW", environ={"PW": "x"}))


@pytest.mark.parametrize("store", list(STORE_URL_FORMS))
def test_query_endpoint_is_derived_for_every_documented_store(store: str) -> None:
    gsp, update, query = (url.replace("HOST", "db.example.org") for url in STORE_URL_FORMS[store])
    assert query_endpoint_for(gsp) == query
    assert query_endpoint_for(update) == query


def test_cli_never_takes_a_password_on_the_command_line(demo_store: Path) -> None:
    code, _, err = run_cli(["push", URLS["gsp"], "--store", demo_store, "--user", "alice"])
    assert code == 2 and "--user alice needs --password-env VAR (no terminal to prompt on)" in err
    code, _, err = run_cli(["push", URLS["gsp"], "--store", demo_store, "--digest"])
    assert (code, err) == (1, "error: --digest needs --user NAME and --password-env VAR\n")
    code, _, err = run_cli(["push", URLS["gsp"], "--store", demo_store, "--password", "x"])
    assert code == 2 and "No such option '--password'" in err


def test_a_batch_is_cut_between_lines_never_inside_a_literal() -> None:
    from graph.store.remote.update import _Op, _split

    lines = [f'<http://a.org/s> <http://a.org/p> "line\u2028{n}\u0085" .\n' for n in range(4)]
    first, rest = _split([_Op("http://a.org/g", "".join(lines), 4)], 3)
    assert [op.text for op in first] == ["".join(lines[:3])]
    assert [op.text for op in rest] == [lines[3]]
