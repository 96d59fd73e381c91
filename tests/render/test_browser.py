"""Pages in headless Chromium (Debian's, driven by Playwright) with the network blocked.

Skipped, with the reason, when Playwright or /usr/bin/chromium is missing. Saves a
screenshot of the demo's citation map as output/citation-map.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.render import render_page

from .conftest import HOSTILE, small_graph

SCREENSHOT = Path(__file__).resolve().parents[2] / "output" / "citation-map.png"


class Visit:
    """A page opened from disk with every non-file request aborted and recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.pubgraph && window.pubgraph.ready", timeout=20_000)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def __call__(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def demo_visit(browser: Any, demo_citations: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    path = tmp_path_factory.mktemp("pages") / "citations.html"
    render_page(demo_citations, path, color="community", size="citations")
    visit = Visit(browser, path)
    yield visit
    visit.close()


def test_demo_map_draws_every_node_and_link_offline(demo_visit: Visit, demo_citations: nx.DiGraph) -> None:
    assert demo_visit("[pubgraph.nodes.length, pubgraph.edges.length]") == [
        demo_citations.number_of_nodes(),
        demo_citations.number_of_edges(),
    ]
    assert demo_visit("pubgraph.network.body.nodeIndices.length") == demo_citations.number_of_nodes()
    assert demo_visit.blocked == [] and demo_visit.errors == []
    SCREENSHOT.parent.mkdir(exist_ok=True)
    demo_visit.page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


def test_legend_is_present(demo_visit: Visit) -> None:
    items = demo_visit.page.locator("#pg-legend-items li")
    assert items.count() >= 2
    assert demo_visit.page.locator("#pg-legend-title").inner_text() == "Community"
    assert re.fullmatch(r".+ \(\d+ nodes\)", items.first.inner_text())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("28993889", "28993889"),
        ("recurrent osseous hemangiopericytoma thoracic", "28993889"),
        ("Ren Sakamoto", "22907316"),
        ("Onoki", "28993889"),
    ],
)
def test_search_focuses_the_node(demo_visit: Visit, query: str, expected: str) -> None:
    page = demo_visit.page
    page.fill("#pg-search", query)
    page.press("#pg-search", "Enter")
    selected = demo_visit("pubgraph.network.getSelectedNodes().map(i => pubgraph.data.nodes.key[i])")
    assert selected == [expected]
    assert page.locator("#pg-details").is_visible()
    assert f"PubMed {expected}" in page.locator("#pg-details").inner_text()
    page.fill("#pg-search", "")


def test_search_reports_no_match(demo_visit: Visit) -> None:
    assert demo_visit("pubgraph.search('no such words anywhere')") is None
    assert demo_visit.page.locator("#pg-search-status").inner_text() == "no match"


def test_year_filter_hides_nodes(demo_visit: Visit, demo_citations: nx.DiGraph) -> None:
    inside = sum(1 for _n, y in demo_citations.nodes(data="year") if y is not None and 2010 <= y <= 2015)
    page = demo_visit.page
    page.fill("#pg-year-from", "2010")
    page.fill("#pg-year-to", "2015")
    page.dispatch_event("#pg-year-to", "change")
    assert demo_visit("pubgraph.nodes.get({filter: n => !n.hidden}).length") == inside
    assert page.locator("#pg-year-status").inner_text() == f"{inside} of {demo_citations.number_of_nodes()} shown"
    demo_visit("pubgraph.filterYears(0, 9999)")
    assert demo_visit("pubgraph.nodes.get({filter: n => n.hidden}).length") == 0


def test_hostile_title_stays_inert(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    render_page(small_graph(), path, title="<img src=x onerror=alert(1)>")
    visit = Visit(browser, path)
    try:
        page = visit.page
        page.fill("#pg-search", "1005")
        page.press("#pg-search", "Enter")
        assert page.locator("#pg-details h3").text_content() == HOSTILE
        assert visit("document.querySelectorAll('#pg-details img, #pg-details script').length") == 0
        assert visit("window.__pwned") is None
        assert page.title() == "<img src=x onerror=alert(1)>"
        doi = page.locator("#pg-details a", has_text="doi:")
        assert doi.get_attribute("href") == "https://doi.org/10.1000/a%3Cb%3E"
        position = visit("pubgraph.network.getPosition(4)")
        box = page.locator("#pg-network").bounding_box()
        dom = visit("(p) => pubgraph.network.canvasToDOM(p)", position)
        page.mouse.move(box["x"] + dom["x"], box["y"] + dom["y"])
        page.wait_for_selector("#pg-tooltip:not([hidden])", timeout=5000)
        assert "<script>" in page.locator("#pg-tooltip").inner_text()
        assert visit("window.__pwned") is None
        assert visit.blocked == [] and visit.errors == []
    finally:
        visit.close()


def test_timeline_page_loads(browser: Any, demo_citations: nx.DiGraph, tmp_path: Path) -> None:
    path = tmp_path / "timeline.html"
    render_page(demo_citations, path, layout="timeline", top=20, color="year")
    visit = Visit(browser, path)
    try:
        assert visit("pubgraph.nodes.length") == 20
        assert "Showing the 20 most connected of" in visit.page.locator("#pg-notice").inner_text()
        assert visit.errors == [] and visit.blocked == []
        legend = visit.page.locator("#pg-legend").bounding_box()
        frame = visit.page.locator("#pg-network").bounding_box()
        boxes = visit("pubgraph.axisBoxes")
        assert len(boxes) >= 3  # the years are labelled ...
        for x0, y0, x1, _y1 in boxes:  # ... and never under the legend
            left, top = frame["x"] + x0, frame["y"] + y0
            right = frame["x"] + x1
            assert (
                right <= legend["x"] or left >= legend["x"] + legend["width"] or top >= legend["y"] + legend["height"]
            )
        visit.page.mouse.move(700, 400)
        visit.page.mouse.wheel(0, -600)  # zoom in: the labels move with the years, still clear of the legend
        visit.page.wait_for_timeout(200)
        for x0, _y0, _x1, _y1 in visit("pubgraph.axisBoxes"):
            assert (
                frame["x"] + x0 >= legend["x"] + legend["width"] or _y0 + frame["y"] >= legend["y"] + legend["height"]
            )
    finally:
        visit.close()
