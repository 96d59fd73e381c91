"""Clicking a link shows the records behind it: exact from the page's data, and in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import graph
from graph.network import project
from graph.network.behind import records_behind
from graph.render import render_page
from tests.network.conftest import write_corpus

from .test_browser import Visit
from .test_real_maps import page_data

_POINT_ON_LINK = """(j) => {
  const api = window.pubgraph, net = api.network, N = api.data.nodes, E = api.data.edges;
  const frame = document.getElementById("pg-network").getBoundingClientRect();
  const a = net.canvasToDOM(net.getPositions([E.from[j]])[E.from[j]]);
  const b = net.canvasToDOM(net.getPositions([E.to[j]])[E.to[j]]);
  let best = null;
  for (let t = 0.2; t <= 0.8; t += 0.05) {
    const p = {x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)};
    let near = Infinity;
    for (let i = 0; i < N.id.length; i++) {
      const q = net.canvasToDOM(net.getPositions([i])[i]);
      near = Math.min(near, Math.hypot(q.x - p.x, q.y - p.y) - N.size[i] * net.getScale());
    }
    if (!best || near > best.near) best = {x: p.x + frame.left, y: p.y + frame.top, near: near};
  }
  return best;
}"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drill")
    store = folder / "store"
    graph.build([write_corpus(folder / "corpus.xml")], store, jobs=1)
    return store


@pytest.mark.parametrize("kind", ["cocitation", "coupling", "coauthor", "mesh", "keyword", "journal"])
def test_every_link_finds_exactly_its_records(corpus: Path, tmp_path: Path, kind: str) -> None:
    G = project(kind, corpus)
    behind = records_behind(G, corpus)
    render_page(G, tmp_path / "map.html", behind=behind)
    data = page_data(tmp_path / "map.html")
    keys, edges, drill = data["nodes"]["key"], data["edges"], data["drill"]
    assert edges["from"]
    for j, (a, b) in enumerate(zip(edges["from"], edges["to"], strict=True)):
        if drill["mode"] == "listed":
            found = drill["links"][j]
        else:
            found = sorted(set(drill["members"][a]) & set(drill["members"][b]))
        shown = [drill["records"]["pmid"][r] or drill["records"]["label"][r] for r in found]
        expected = behind.link(keys[a], keys[b]) or behind.link(keys[b], keys[a])
        assert sorted(shown) == sorted(expected), (kind, keys[a], keys[b])
        if kind != "journal":
            assert len(found) == edges["weight"][j]


@pytest.fixture(scope="module")
def cocitation_visit(browser: Any, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Visit]:
    G = project("cocitation", corpus)
    path = tmp_path_factory.mktemp("drill-pages") / "cocitation.html"
    render_page(G, path, behind=records_behind(G, corpus))
    visit = Visit(browser, path)
    yield visit
    visit.close()


def _click_link(visit: Visit, a: str, b: str) -> int:
    keys, edges = visit("pubgraph.data.nodes.key"), visit("pubgraph.data.edges")
    j = next(
        j for j, ends in enumerate(zip(edges["from"], edges["to"], strict=True)) if {keys[e] for e in ends} == {a, b}
    )
    point = visit(_POINT_ON_LINK, j)
    visit.page.mouse.click(point["x"], point["y"])
    visit.page.wait_for_timeout(100)
    assert visit("pubgraph.network.getSelectedEdges()") == [j]
    return j


def test_clicking_a_cocitation_link_lists_the_records_citing_both(cocitation_visit: Visit) -> None:
    _click_link(cocitation_visit, "1001", "1002")
    details = cocitation_visit.page.locator("#pg-details")
    assert details.is_visible()
    assert details.locator("h2").inner_text() == "Cited together by 2 records"
    links = details.locator(".pg-records a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "https://pubmed.ncbi.nlm.nih.gov/1003/",
        "https://pubmed.ncbi.nlm.nih.gov/1004/",
    ]
    assert cocitation_visit.errors == [] and cocitation_visit.blocked == []


def test_a_hostile_title_behind_a_link_is_shown_as_text(browser: Any, corpus: Path, tmp_path: Path) -> None:
    G = project("coauthor", corpus)
    render_page(G, tmp_path / "coauthor.html", behind=records_behind(G, corpus))
    visit = Visit(browser, tmp_path / "coauthor.html")
    try:
        white = next(n for n, label in G.nodes(data="label") if "White" in str(label))
        smith = next(iter(G[white]))  # Jim Smith: their one joint article, 1006, has markup for a title
        _click_link(visit, white, smith)
        text = visit.page.locator("#pg-details").inner_text()
        assert text.startswith("1 joint article\n")
        assert "<script>window.__pwned = 1</script>" in text
        assert visit("window.__pwned") is None and visit.errors == []
    finally:
        visit.close()


def test_clicking_a_citation_link_shows_the_citing_and_the_cited_work(
    browser: Any,
    corpus: Path,
    tmp_path: Path,
) -> None:
    G = project("citation", corpus)
    render_page(G, tmp_path / "citation.html", behind=records_behind(G, corpus))
    visit = Visit(browser, tmp_path / "citation.html")
    try:
        j = _click_link(visit, "1004", "1001")
        text = visit.page.locator("#pg-details").inner_text()
        assert re.match(r"Citing\n", text) and "\ncites\n" in text
        citing, cited = visit(f"[pubgraph.data.edges.from[{j}], pubgraph.data.edges.to[{j}]]")
        assert visit(f"pubgraph.showLink({j})") == [visit("pubgraph.data.nodes.key")[i] for i in (citing, cited)]
    finally:
        visit.close()
