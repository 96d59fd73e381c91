"""``pubgraph push --json``: the push's facts as one JSON object, into a real Oxigraph server;
counts that differ still end in one ``error:`` line and exit 1; retries shown once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from conftest import run_cli
from test_cli_json import counts_in, json_counts

from graph.store.remote.transport import mock_session

from .remote_servers import OxigraphServer
from .test_push import URLS, Answer, FakeStore

G = "https://w3id.org/pubgraph/graph/"


def test_push_json_into_oxigraph(demo_store: Path, demo_counts: dict[str, int], oxigraph: OxigraphServer) -> None:
    code, line, err = run_cli(["push", oxigraph.url + "/store", "--store", demo_store])
    assert code == 0, err
    code, out, err = run_cli(["push", oxigraph.url + "/store", "--store", demo_store, "--json"])
    assert code == 0, err
    assert out.count("\n") == 1
    facts = json.loads(out)
    assert set(counts_in(line.splitlines()[0])) <= json_counts(facts)
    total = sum(demo_counts.values())
    assert (facts["graphs"], facts["triples"], facts["remote_triples"]) == (len(demo_counts), total, total)
    assert facts["verified"] is True and facts["mismatches"] == [] and "checks" not in facts
    assert facts["query_url"] == f"{oxigraph.url}/query" and facts["method"] == "gsp"


def _patch(monkeypatch: pytest.MonkeyPatch, fake: FakeStore) -> None:
    session = mock_session(fake)
    monkeypatch.setattr("graph.store.remote._push.patient_session", lambda policy: session)


def test_push_json_with_mismatches_prints_them_then_fails(
    demo_store: Path, demo_counts: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def lossy(request: requests.PreparedRequest) -> Answer | None:
        return (201, {}, b"") if "%2Fmesh" in (request.url or "") else None

    _patch(monkeypatch, FakeStore(refuse=lossy))
    code, out, err = run_cli(["push", URLS["gsp"], "--store", demo_store, "--retries", "0", "--json"])
    assert code == 1
    facts = json.loads(out)  # the object alone: no table of graphs after it
    assert facts["mismatches"] == [{"graph": G + "mesh", "local": demo_counts[G + "mesh"], "remote": 0, "ok": False}]
    assert err.splitlines()[-1].startswith(f"error: 1 of {len(demo_counts)} graphs differ on the target (")


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        pytest.param([], "retrying ", id="default"),
        pytest.param(["-v"], "info: graph.http: retrying ", id="verbose"),
        pytest.param(["-q"], None, id="quiet"),
    ],
)
def test_a_push_retry_is_shown_once(
    demo_store: Path, monkeypatch: pytest.MonkeyPatch, options: list[str], shown: str | None
) -> None:
    failures = iter([True])

    def flaky(request: requests.PreparedRequest) -> Answer | None:
        return (503, {"Retry-After": "0"}, b"busy") if next(failures, False) else None

    _patch(monkeypatch, FakeStore(refuse=flaky))
    code, out, err = run_cli([*options, "push", URLS["update"], "--method", "update", "--store", demo_store, "--json"])
    assert code == 0, err
    assert json.loads(out)["retries"] == 1
    retries = [line for line in err.splitlines() if "retrying" in line]
    if shown is None:
        assert retries == []
    else:
        assert len(retries) == 1 and retries[0].startswith(shown), retries
        assert retries[0].endswith(": HTTP 503 Service Unavailable (attempt 2/4)"), retries
