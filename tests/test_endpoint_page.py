"""The endpoint's query page works offline: nothing in it comes from another server, and in
headless Chromium (network outside the endpoint blocked and recorded) a typed query runs
and shows its results. Saves a screenshot as output/endpoint-page.png.

The browser part is skipped, with the reason, when Playwright or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from graph.model.namespaces import PREFIXES
from graph.pipeline.endpoint import Endpoint, serve
from graph.pipeline.query import run_query

SCREENSHOT = Path(__file__).resolve().parents[1] / "output" / "endpoint-page.png"
QUERY = "SELECT ?journal ?title WHERE { ?journal a fabio:Journal ; dcterms:title ?title } ORDER BY ?title"
# Whatever loads a resource: attributes, CSS, script calls.
_REFERENCES = re.compile(
    r"""(?:\b(?:src|href|action|srcset|poster|data|formaction)\s*=\s*["']?([^"'\s>]+))"""
    r"""|(?:url\(\s*["']?([^"')]+))|(?:@import\s+["']([^"']+))"""
    r"""|(?:\b(?:fetch|open|importScripts|EventSource|WebSocket)\(\s*["'`]([^"'`]+))""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def endpoint(demo_store: Path) -> Iterator[Endpoint]:
    with serve(demo_store, port=0, workers=1) as running:
        yield running


def test_the_page_refers_to_nothing_outside_the_endpoint(endpoint: Endpoint) -> None:
    page = requests.get(endpoint.url + "/", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    references = {next(group for group in match if group) for match in _REFERENCES.findall(page.text)}
    assert references == {"query"}  # the one request it makes: POST to the endpoint, relative
    # Absolute URLs appear only as names, never as resources: the prefixes' namespaces, and
    # IRIs inside the saved queries (inert JSON data that the page never loads from).
    text = re.sub(r'<script type="application/json" id="page-data">.*?</script>', "", page.text, flags=re.S)
    for namespace in PREFIXES.values():
        text = text.replace(namespace, "")
    assert not re.search(r"https?:|//[a-z]", text, re.IGNORECASE)


def test_a_typed_query_runs_in_the_browser_offline(browser: Any, endpoint: Endpoint, demo_store: Path) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    blocked: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(endpoint.url + "/"):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(endpoint.url + "/")
        page.wait_for_function("window.pubgraphEndpoint && window.pubgraphEndpoint.ready", timeout=20_000)
        page.fill("#query", QUERY)
        page.click("#run")
        page.wait_for_selector("#results table", timeout=20_000)
        expected = run_query(QUERY, demo_store).values()
        headers = page.eval_on_selector_all("#results th", "cells => cells.map(c => c.textContent)")
        titles = page.eval_on_selector_all("#results td:nth-child(2)", "cells => cells.map(c => c.textContent)")
        assert headers == ["?journal", "?title"]
        assert titles == [row["title"] for row in expected] and len(titles) == 22
        assert page.text_content("#status").startswith("22 results in ")
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        page.fill("#query", "SELECT * WHERE { ?s ?p }")
        page.click("#run")
        page.wait_for_selector("#error", state="visible", timeout=20_000)
        assert page.text_content("#error").startswith("HTTP 400: the query is not valid SPARQL: error at 1:")
    finally:
        context.close()
    assert blocked == []
    assert [e for e in errors if "400 (Bad Request)" not in e] == []
