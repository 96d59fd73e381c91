"""Maps in notebooks: one call, an offline iframe that draws, and the same map handed to pyvis."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import graph
from graph.render import Map, render_map

from .conftest import HOSTILE, small_graph
from .test_browser import Visit


@pytest.fixture(scope="module")
def demo_map(demo_store: Path) -> Map:
    return graph.render_map("citation", demo_store, top=30)


def test_one_call_gives_a_map_that_displays_as_an_offline_iframe(demo_map: Map) -> None:
    shown = demo_map._repr_html_()
    frame = re.fullmatch(
        r'<iframe srcdoc="([^"]*)" title="Citation network" style="[^"]*" sandbox="([^"]*)"></iframe>', shown
    )
    assert frame is not None
    assert html.unescape(frame.group(1)) == demo_map.html
    assert frame.group(2).split() == ["allow-scripts", "allow-popups", "allow-popups-to-escape-sandbox"]
    assert demo_map.nodes == 30 and "Showing the 30 most connected" in demo_map.notice
    # With the store, communities are named by their records' topics, not "around" a node.
    assert not any(text.startswith("around ") for text, _colour in demo_map.built.data["legend"])


def test_the_iframe_draws_in_chromium(browser: Any, demo_map: Map, tmp_path: Path) -> None:
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body><h1>Out [1]:</h1>{demo_map._repr_html_()}</body></html>", "utf-8")
    visit = Visit.__new__(Visit)
    visit.context = browser.new_context(viewport={"width": 1200, "height": 800})
    visit.blocked, visit.errors = [], []
    visit.context.route("**/*", visit._route)
    visit.page = visit.context.new_page()
    visit.page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    try:
        visit.page.goto(notebook.as_uri())
        frame = visit.page.frames[1]
        frame.wait_for_function("window.pubgraph && window.pubgraph.ready", timeout=20_000)
        assert frame.evaluate("pubgraph.nodes.length") == 30
        assert frame.evaluate("pubgraph.labels.length") > 0
        assert visit.blocked == [] and visit.errors == []
    finally:
        visit.close()


def test_to_pyvis_holds_the_same_map(demo_map: Map) -> None:
    pytest.importorskip("pyvis")
    net = demo_map.to_pyvis()
    N = demo_map.built.data["nodes"]
    palette = demo_map.built.data["palette"]
    assert net.get_nodes() == N["key"]
    by_id = {node["id"]: node for node in net.nodes}
    for i, key in enumerate(N["key"]):
        node = by_id[key]
        assert (node["x"], node["y"], node["size"], node["label"]) == (
            N["x"][i],
            N["y"][i],
            N["size"][i],
            N["label"][i],
        )
        assert node["color"] == palette[N["color"][i]] and node["physics"] is False
        assert node["title"].startswith(html.escape(N["title"][i], quote=False))
    assert len(net.get_edges()) == demo_map.edges
    assert net.options.physics.enabled is False
    assert all(f'"id": "{key}"' in net.generate_html() for key in N["key"][:3])


def test_to_pyvis_tooltips_are_text(tmp_path: Path) -> None:
    pytest.importorskip("pyvis")
    net = Map.of(small_graph()).to_pyvis()
    title = next(node["title"] for node in net.nodes if node["id"] == "1005")
    assert "<script>" not in title and title.startswith(html.escape(HOSTILE, quote=False))


def test_a_graph_you_have_is_drawn_too(tmp_path: Path) -> None:
    m = render_map(nx.DiGraph([("2", "1")], kind="citation"), title="Mine")
    assert (m.nodes, m.edges) == (2, 1) and "<title>Mine</title>" in m.html
    assert m.save(tmp_path / "mine.html").read_text("utf-8") == m.html
