"""The E-utilities client against the local replay server: NCBI's rules, faults, cache.

Timing checks count request times at the server and ask only that no run of
``rate + 1`` requests fits in one second, so they hold on a loaded machine.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from eutils_server import EutilsServer, Fault, server_process, synthetic_records, windows

from graph.errors import EutilsError
from graph.sources.eutils import NCBI_RETRY, EutilsClient, RateLimiter, shared_limiter

FAST = replace(NCBI_RETRY, retries=3, backoff=0.01, connect=2.0, read=5.0)


@pytest.fixture
def server() -> Iterator[EutilsServer]:
    with EutilsServer() as running:
        yield running


def client(server: EutilsServer, tmp_path: Path, **options: object) -> EutilsClient:
    settings: dict[str, object] = {"api_key": "test-key", "cache_dir": tmp_path / "cache", "retry": FAST}
    settings.update(options)
    return EutilsClient(base_url=server.url, **settings)  # type: ignore[arg-type]


# ---------------------------------------------------------------- NCBI's rate limits


def _hammer(clients: list[EutilsClient], requests_each: int) -> None:
    def work(c: EutilsClient, n: int) -> None:
        for i in range(requests_each):
            c.search(f"spine {n}-{i}", retmax=0)  # distinct searches: no cache hits

    threads = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _times(url: str) -> list[float]:
    return [entry[0] for entry in requests.get(url + "log", timeout=5).json() if entry[1] == "esearch"]


def test_without_a_key_no_second_sees_more_than_3_requests() -> None:
    with server_process() as url:
        shared = EutilsClient(base_url=url, cache_dir=None, retry=FAST)
        _hammer([shared, shared, shared], 3)
        times = _times(url)
    assert len(times) == 9
    assert min(windows(times, 3)) >= 1.0


def test_with_a_key_every_thread_and_client_shares_10_per_second() -> None:
    with server_process() as url:
        first, second = (EutilsClient(base_url=url, api_key="k", cache_dir=None, retry=FAST) for _ in range(2))
        assert first.limiter is second.limiter
        _hammer([first, first, second, second], 6)
        times = _times(url)
    assert len(times) == 24
    assert min(windows(times, 10)) >= 1.0
    assert times[-1] - times[0] < 6.0  # and it does not crawl: 24 requests at ~9/s


def test_limiter_spacing_and_process_wide_sharing() -> None:
    assert RateLimiter(3).interval == pytest.approx(1.1 / 3)
    assert shared_limiter("http://a.org/", "k").rate == 10.0
    assert shared_limiter("http://a.org/", None).rate == 3.0
    assert shared_limiter("http://a.org/", "k") is not shared_limiter("http://b.org/", "k")


def test_requests_carry_tool_email_and_key(server: EutilsServer, tmp_path: Path) -> None:
    client(server, tmp_path, email="me@lab.org").search("spine", retmax=0)
    params = dict(server.seen()[0].params)
    assert (params["tool"], params["email"], params["api_key"]) == ("pubgraph", "me@lab.org", "test-key")
    assert params["usehistory"] == "y"


# ---------------------------------------------------------------- faults and retries


@pytest.mark.parametrize("kind", ["500", "502", "503", "429", "cut", "reset", "malformed"])
def test_transient_faults_are_retried(server: EutilsServer, tmp_path: Path, kind: str) -> None:
    server.inject(Fault(kind, "efetch"))
    page = client(server, tmp_path).fetch(["100", "101"])
    assert page.pmids == ("100", "101")
    assert len(server.seen("efetch")) == 2


def test_slow_response_times_out_and_is_retried(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("slow", "efetch", seconds=1.5))
    patient = replace(FAST, retries=2, read=0.5)
    assert client(server, tmp_path, retry=patient).fetch(["100"]).pmids == ("100",)
    assert len(server.seen("efetch")) == 2


def test_429_waits_as_long_as_retry_after_says(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("429", "esearch", retry_after="1"))
    assert client(server, tmp_path).search("spine").count == 4
    first, second = server.seen("esearch")
    assert second.time - first.time >= 0.95


def test_rate_limit_json_error_is_retried(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("json-error", "elink", message="API rate limit exceeded"))
    assert client(server, tmp_path).links(["100"], "pubmed_pubmed_refs")["100"] == ("101", "102", "103")
    assert len(server.seen("elink")) == 2


def test_retries_stop_after_a_bound_with_a_clear_error(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("503", "efetch", times=10))
    retry = replace(FAST, retries=2)
    with pytest.raises(EutilsError) as caught:
        client(server, tmp_path, retry=retry).fetch(["100", "101", "102", "103"])
    assert str(caught.value) == (
        "efetch of 4 PMID(s) (100 … 103): gave up after 3 attempts (last: HTTP 503 Service Unavailable); "
        "NCBI may be busy or down: run the same command again later, it resumes from the cache"
    )
    assert len(server.seen("efetch")) == 3


def test_error_body_is_reported_at_once_and_not_cached(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("error", "esearch", message="Invalid query syntax near ')'"))
    eutils = client(server, tmp_path)
    with pytest.raises(EutilsError, match=r"^esearch for 'spine\)': NCBI said: Invalid query syntax near '\)'$"):
        eutils.search("spine)")
    assert len(server.seen("esearch")) == 1
    assert eutils.search("spine)").count == 0  # asked again, not served the error from the cache
    assert len(server.seen("esearch")) == 2


def test_http_error_that_will_not_pass_is_not_retried(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("404", "efetch"))
    with pytest.raises(EutilsError, match=r"efetch of 1 PMID\(s\) \(100\): HTTP 404 Not Found from http://127"):
        client(server, tmp_path).fetch(["100"])
    assert len(server.seen("efetch")) == 1


# ---------------------------------------------------------------- the cache


def test_cache_answers_repeats_and_refresh_asks_again(server: EutilsServer, tmp_path: Path) -> None:
    first = client(server, tmp_path)
    first.fetch(["100"])
    again = client(server, tmp_path, api_key="another-key", email="x@y.org")  # identity is not part of the key
    assert again.fetch(["100"]).pmids == ("100",)
    assert (dict(again.requests), dict(again.cached)) == ({}, {"efetch": 1})
    assert len(server.seen("efetch")) == 1
    client(server, tmp_path, refresh=True).fetch(["100"])
    assert len(server.seen("efetch")) == 2


def test_cache_keeps_no_api_key_and_no_broken_reply(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("malformed", "efetch"))
    eutils = client(server, tmp_path)
    eutils.fetch(["100"])
    stored = [r.request.url for r in eutils.session.cache.responses.values()]  # type: ignore[attr-defined]
    assert len(stored) == 1
    assert "api_key=REDACTED" in stored[0] and "test-key" not in stored[0]
    assert client(server, tmp_path).fetch(["100"]).body.startswith(b"<PubmedArticle>")
    assert len(server.seen("efetch")) == 2  # the malformed one and its retry; then the cache


# ---------------------------------------------------------------- the four utilities


def test_efetch_gets_up_to_200_ids_and_posts_beyond(tmp_path: Path) -> None:
    with EutilsServer(synthetic_records(201)) as server:
        eutils = client(server, tmp_path)
        ids = [str(1_000_000 + n) for n in range(201)]
        assert len(eutils.fetch(ids[:200]).pmids) == 200
        assert len(eutils.fetch(ids).pmids) == 201
        assert [s.method for s in server.seen("efetch")] == ["GET", "POST"]


def test_elink_gives_one_link_set_per_pmid(server: EutilsServer, tmp_path: Path) -> None:
    eutils = client(server, tmp_path)
    assert eutils.links(["100", "200", "105"], "pubmed_pubmed_refs") == {
        "100": ("101", "102", "103"),
        "200": ("100", "101"),
        "105": (),
    }
    assert eutils.links(["100"], "pubmed_pubmed_citedin") == {"100": ("200", "201")}
    assert [p for p in server.seen("elink")[0].params if p[0] == "id"] == [("id", "100"), ("id", "200"), ("id", "105")]


def test_epost_and_history_pages_survive_a_forgotten_webenv(server: EutilsServer, tmp_path: Path) -> None:
    eutils = client(server, tmp_path)
    posted = eutils.post(["105", "104", "103"])
    assert (posted.count, posted.utility) == (3, "epost")
    assert eutils.fetch_history(posted, 0, 2).pmids == ("105", "104")
    server.inject(Fault("forget", "efetch"))
    assert eutils.fetch_history(posted, 2, 2).pmids == ("103",)
    assert [s.method for s in server.seen("epost")] == ["POST", "POST"]  # posted again when forgotten
    pages = [s for s in server.seen("efetch")]
    assert len(pages) == 3


def test_search_lists_ids_and_history(server: EutilsServer, tmp_path: Path) -> None:
    result = client(server, tmp_path).search("hemangiopericytoma")
    assert (result.count, result.ids) == (3, ("200", "102", "100"))
    assert result.history is not None and result.history.webenv.startswith("MCID_")


# ---------------------------------------------------------------- real NCBI replies


class _Files(requests.adapters.BaseAdapter):
    """A transport that answers every request with one stored NCBI reply."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.body = path.read_bytes()

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        response = requests.Response()
        response.status_code, response._content, response.url = 200, self.body, request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def _replaying(path: Path) -> EutilsClient:
    session = requests.Session()
    session.mount("http://", _Files(path))
    eutils = EutilsClient(base_url="http://ncbi.invalid/eutils/", session=session, retry=FAST, rate=1000)
    session.mount("http://ncbi.invalid/eutils/", _Files(path))  # under the limiter's mount
    return eutils


def test_real_esearch_elink_epost_replies_parse(shared_samples: Path) -> None:
    folder = shared_samples / "eutils"
    search = _replaying(folder / "biopython_esearch2.xml").search("cancer")
    assert search.count == 42249 and len(search.ids) == 100
    assert search.history is not None and search.history.webenv == "MCID_6927d6e7fee3e90f880ec190"
    links = _replaying(folder / "biopython_elink4.xml").links(["12242737"], "pubmed_pubmed")
    assert len(links["12242737"]) > 50
    assert _replaying(folder / "biopython_epost1.xml").post(["1"]).webenv == "MCID_692851c130aec64bed0a8c2a"
    assert _replaying(folder / "biopython_esearch8.xml").search("abcXYZ").count == 0
    with pytest.raises(EutilsError, match=r"NCBI said: Invalid db name specified: fleegle$"):
        _replaying(folder / "eutilsjson_esearch.baderror.xml").search("x")


def test_elink_ids_that_are_not_pmids_are_dropped(tmp_path: Path) -> None:
    reply = tmp_path / "elink.xml"
    reply.write_text(
        "<eLinkResult><LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>0100</Id></IdList>"
        "<LinkSetDb><DbTo>pubmed</DbTo><LinkName>pubmed_pubmed_refs</LinkName>"
        "<Link><Id>7</Id></Link><Link><Id>8&gt; x</Id></Link><Link><Id>abc</Id></Link><Link><Id>100</Id></Link>"
        "</LinkSetDb></LinkSet></eLinkResult>",
        encoding="utf-8",
    )
    assert _replaying(reply).links(["100"], "pubmed_pubmed_refs") == {"100": ("7",)}


# ---------------------------------------------------------------- the API key is a credential


def test_an_error_quoting_the_api_key_never_shows_it(server: EutilsServer, tmp_path: Path) -> None:
    server.inject(Fault("error", "esearch", message="API key invalid: api_key=s3cret-key-42 (s3cret-key-42)"))
    with pytest.raises(EutilsError) as caught:
        client(server, tmp_path, api_key="s3cret-key-42").search("spine")
    assert str(caught.value) == "esearch for 'spine': NCBI said: API key invalid: api_key=*** (***)"


def test_a_connection_failure_keeps_the_api_key_out_of_the_whole_chain(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the probe is
    eutils = EutilsClient(base_url=f"http://127.0.0.1:{port}/", api_key="s3cret-key-42", cache_dir=None, retry=FAST)
    with pytest.raises(EutilsError) as caught:
        eutils.fetch(["100"])
    chain, error = [], caught.value
    pending: list[object] = [error]
    while pending:
        item = pending.pop()
        if isinstance(item, BaseException) and item not in chain:
            chain.append(item)
            pending += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    assert len(chain) > 2  # the requests and urllib3 errors are still there for a traceback
    assert not [str(e) for e in chain if "s3cret-key-42" in str(e)]
    assert any("api_key=***" in str(e) for e in chain)


def test_the_client_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # NCBI_API_KEY, NCBI_EMAIL and PUBGRAPH_EUTILS_URL are the command line's to read.
    monkeypatch.setenv("NCBI_API_KEY", "from-env")
    monkeypatch.setenv("NCBI_EMAIL", "env@example.org")
    monkeypatch.setenv("PUBGRAPH_EUTILS_URL", "http://127.0.0.1:9/env/")
    client = EutilsClient(cache_dir=None)
    try:
        assert (client.api_key, client.email) == (None, None)
        assert client.base_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    finally:
        client.close()
