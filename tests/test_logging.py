"""The library logs through ``logging`` (graph.http, graph.sources.eutils, graph.pipeline,
graph.query): requests, retries, cache hits, loads and their timings; keys never appear."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from graph import build, sample_files
from graph.errors import RemoteError
from graph.http import RetryPolicy
from graph.pipeline.query import run_query
from graph.sources.eutils import EutilsClient
from tests.eutils_server import EutilsServer, Fault, synthetic_records
from tests.fault_servers import EchoServer

KEY = "s3cr3t-api-key-0123456789"


def _messages(caplog: pytest.LogCaptureFixture, name: str, level: int | None = None) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name and (level is None or r.levelno == level)]


def test_eutils_requests_retries_and_cache_hits_are_logged(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG, logger="graph")
    retry = RetryPolicy(retries=2, backoff=0.01, statuses=frozenset({503}))
    with EutilsServer(synthetic_records(3)) as server:
        server.faults.append(Fault("503", "esearch"))
        with EutilsClient(base_url=server.url, api_key=KEY, cache_dir=tmp_path, retry=retry, rate=100) as client:
            client.search("synthetic")
        with EutilsClient(base_url=server.url, api_key=KEY, cache_dir=tmp_path, retry=retry, rate=100) as client:
            client.search("synthetic")
    sent = _messages(caplog, "graph.http", logging.DEBUG)
    search = re.escape(f"GET {server.url.rstrip('/')}/esearch.fcgi")
    assert [
        bool(re.fullmatch(rf"{search} -> {status} in \d+\.\d{{3}} s", m))
        for m, status in zip(sent, (503, 200), strict=True)
    ] == [True, True]
    assert _messages(caplog, "graph.http", logging.INFO) == [
        "retrying esearch in 0.01 s: HTTP 503 Service Unavailable (attempt 2/3)"
    ]
    assert _messages(caplog, "graph.sources.eutils") == [
        f"esearch answered from the cache {tmp_path / 'eutils.sqlite'}"
    ]
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_remote_store_retries_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    from graph.pipeline import run_remote_query

    caplog.set_level(logging.DEBUG, logger="graph.http")
    heard = []
    with EchoServer(busy=1) as server, pytest.raises(RemoteError):  # then an error page, not an answer
        run_remote_query("ASK {}", server.url + "/sparql", retries=1, on_retry=heard.append)
    retries = _messages(caplog, "graph.http", logging.INFO)
    assert retries == [str(notice) for notice in heard] and len(retries) == 1
    sent = _messages(caplog, "graph.http", logging.DEBUG)
    assert [m.split(" in ")[0] for m in sent] == [
        f"POST {server.url}/sparql -> 503",
        f"POST {server.url}/sparql -> 500",
    ]


def test_builds_log_each_file_and_the_whole(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.INFO, logger="graph.pipeline")
    files = sample_files()
    summary = build(files, tmp_path / "kg", jobs=1)
    messages = _messages(caplog, "graph.pipeline")
    for path, file in zip(files, summary.files, strict=True):
        assert any(
            re.fullmatch(
                rf"{re.escape(str(path))}: {file.records} records and {file.quads} quads converted in \d+\.\d\d s", m
            )
            for m in messages
        ), messages
        assert any(
            re.fullmatch(rf"{re.escape(str(path))}: loaded into {re.escape(str(tmp_path / 'kg'))} in \d+\.\d\d s", m)
            for m in messages
        )
    assert re.fullmatch(
        rf"built {re.escape(str(tmp_path / 'kg'))} from 2 file\(s\) in \d+\.\d\d s: {summary.store_quads} quads",
        messages[-1],
    )


def test_queries_log_their_time(caplog: pytest.LogCaptureFixture, demo_store: Path) -> None:
    caplog.set_level(logging.INFO, logger="graph.query")
    run_query("ASK { ?s ?p ?o }", demo_store)
    assert [bool(re.fullmatch(r"ask query answered in \d+\.\d{3} s", m)) for m in _messages(caplog, "graph.query")] == [
        True
    ]


def test_nothing_is_logged_at_warning_by_a_quiet_run(caplog: pytest.LogCaptureFixture, demo_store: Path) -> None:
    caplog.set_level(logging.WARNING, logger="graph")
    run_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", demo_store)
    assert caplog.records == []
