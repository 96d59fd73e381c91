"""Credentials never leak: a 127.0.0.1 server whose error pages quote the request (headers,
body, the Authorization value percent-encoded, bare and wrapped over lines) gets a push
with basic, bearer and digest credentials through the CLI; nothing printed holds the
secret in any of its encodings, and the error still says what failed."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import run_cli
from fault_servers import EchoServer

from graph.redact import redact

USER, PASSWORD = "alice", "wh>at?ever~"  # base64 of alice:PASSWORD has +, / and padding
TOKEN = "tok_9f8e7d6c5b4a3210"
PAIR = f"{USER}:{PASSWORD}".encode()
ENCODINGS = {
    "password": PASSWORD,
    "password, percent-encoded": quote(PASSWORD, safe=""),
    "base64": base64.b64encode(PAIR).decode(),
    "base64 without padding": base64.b64encode(PAIR).decode().rstrip("="),
    "URL-safe base64": base64.urlsafe_b64encode(PAIR).decode(),
    "base64, percent-encoded": quote(base64.b64encode(PAIR).decode(), safe=""),
    "base64, its second half": base64.b64encode(PAIR).decode()[8:],
}


def test_the_encodings_checked_are_all_different() -> None:
    assert len(set(ENCODINGS.values())) == len(ENCODINGS)


def _push(server: EchoServer, store: Path, *options: str, env: dict[str, str], method: str = "gsp") -> tuple[int, str]:
    path = "/store" if method == "gsp" else "/update"
    args = ["push", server.url + path, "--store", store, "--method", method, "--no-verify", "--retries", "0"]
    code, out, err = run_cli([*args, *options], env=env)
    return code, out + err


@pytest.mark.parametrize("status", [500, 400])
def test_basic_credentials_echoed_by_an_error_page_never_show(demo_store: Path, status: int) -> None:
    with EchoServer(status) as server:
        code, output = _push(
            server, demo_store, "--user", USER, "--password-env", "PW", env={"PW": PASSWORD}, method="update"
        )
    assert server.seen == ["Basic " + ENCODINGS["base64"]]
    assert code == 1
    for name, form in ENCODINGS.items():
        assert form not in output, name
    reason = {500: "Internal Server Error", 400: "Bad Request"}[status]
    assert output.startswith(
        f"error: POST {server.url}/update: HTTP {status} {reason}: Internal error credentials: *** wrapped: *** "
        'auth=*** {"Host": "127.0.0.1:'
    )


def test_a_bearer_token_echoed_by_an_error_page_never_shows(demo_store: Path) -> None:
    with EchoServer(500) as server:
        code, output = _push(server, demo_store, "--token-env", "TOKEN", env={"TOKEN": TOKEN})
    assert server.seen == [f"Bearer {TOKEN}"]
    assert code == 1 and output.startswith(f"error: PUT {server.url}/store: HTTP 500 Internal Server Error: ")
    for form in (TOKEN, quote(TOKEN, safe=""), base64.b64encode(TOKEN.encode()).decode(), TOKEN[:6], TOKEN[-6:]):
        assert form not in output


def test_a_digest_response_echoed_by_an_error_page_never_shows(demo_store: Path) -> None:
    with EchoServer(500, digest=True) as server:
        code, output = _push(
            server, demo_store, "--user", USER, "--password-env", "PW", "--digest", env={"PW": PASSWORD}
        )
    challenged, answered = server.seen
    assert challenged == "" and answered.startswith(f'Digest username="{USER}"')
    hashes = re.findall(r'\b(?:response|cnonce)="([0-9a-f]+)"', answered)
    assert len(hashes) == 2
    assert code == 1 and output.startswith(f"error: PUT {server.url}/store: HTTP 500 Internal Server Error: ")
    for form in (*hashes, *(h[:6] for h in hashes), PASSWORD, ENCODINGS["base64"]):
        assert form not in output


def test_redaction_masks_each_form_of_a_known_secret() -> None:
    for name, form in ENCODINGS.items():
        assert redact(f"seen <{form}> here", [PASSWORD, f"{USER}:{PASSWORD}"]) == "seen <***> here", name
    wrapped = "\n".join(ENCODINGS["base64"][i : i + 5] for i in range(0, 24, 5))
    assert redact(f"seen <{wrapped}> here", [f"{USER}:{PASSWORD}"]) == "seen <***> here"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Basic YWJjOmRlZg==\r\nHost: x", "Authorization: ***\r\nHost: x"),
        ('{"Authorization": "Bearer abc.def", "Host": "x"}', '{"Authorization": "***", "Host": "x"}'),
        ("proxy-authorization=Basic%20YWJj&x=1", "proxy-authorization=***"),
        ("sent Bearer abc.def-123 to", "sent Bearer *** to"),
        ('Digest username="u", response="6629fae49393a05397450978507c4ef1"', 'Digest username="u", response="***"'),
        ("GET /efetch.fcgi?id=1&api_key=ab12cd34&tool=pubgraph", "GET /efetch.fcgi?id=1&api_key=***&tool=pubgraph"),
        ("see https://alice:pw@store.example.org/x", "see https://***@store.example.org/x"),
        ("HTTP 500: disk full", "HTTP 500: disk full"),
    ],
)
def test_redaction_masks_what_looks_like_a_credential(text: str, expected: str) -> None:
    assert redact(text) == expected
