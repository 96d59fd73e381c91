"""The page's content without a browser: offline, escaped, cut when large, as asked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from graph.errors import NetworkError
from graph.render import render_page

from .conftest import HOSTILE, small_graph


def _data(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    block = re.search(r'<script id="pg-data" type="application/json">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


def test_page_makes_no_request(tmp_path: Path) -> None:
    page_path = tmp_path / "map.html"
    render_page(small_graph(), page_path)
    page = page_path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "default-src 'none'" in page
    assert "vis-network" in page and "new vis.Network" in page


def test_hostile_text_cannot_break_out(tmp_path: Path) -> None:
    page_path = tmp_path / "map.html"
    render_page(small_graph(), page_path, title="Map <b>of</b> & co")
    page = page_path.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "\\u003cscript\\u003ewindow.__pwned = 1\\u003c/script\\u003e\\u003cimg src=x" in page
    assert page.count("</script>") == 3  # data, vis-network, ours: no text closes a script early
    assert "<title>Map &lt;b&gt;of&lt;/b&gt; &amp; co</title>" in page
    data = _data(page_path)
    assert data["nodes"]["title"][data["nodes"]["key"].index("1005")] == HOSTILE


def test_columns_and_counts(tmp_path: Path) -> None:
    G = small_graph()
    summary = render_page(G, tmp_path / "map.html", color="journal", size="citations")
    assert (summary.nodes, summary.edges, summary.cut) == (5, 6, False)
    data = _data(tmp_path / "map.html")
    assert data["directed"] is True
    assert len(data["nodes"]["x"]) == 5 and len(data["edges"]["from"]) == 6
    assert data["legend"] == [["J A", 0], ["J B", 1], ["J C", 2]]
    assert data["sizeTitle"] == "Size: citations in the store"
    assert data["years"] == [2001, 2009] and data["notice"] == "5 nodes, 6 links."
    sizes = dict(zip(data["nodes"]["key"], data["nodes"]["size"], strict=True))
    assert sizes["1001"] > sizes["1004"]  # 4 citations against 1
    assert data["facts"]["names"] == ["citations", "PageRank", "community"]


def test_large_graphs_keep_their_most_connected_part_and_say_so(tmp_path: Path) -> None:
    G = small_graph()
    G.add_edges_from([("1006", "1007"), ("1008", "1001")])  # a pair apart, and a work citing one
    summary = render_page(G, tmp_path / "map.html", top=3)
    assert (summary.nodes, summary.total_nodes, summary.cut) == (3, 8, True)
    data = _data(tmp_path / "map.html")
    assert set(data["nodes"]["key"]) == {"1001", "1002", "1003"}  # core number 2, then PageRank
    assert data["notice"] == (
        "3 nodes, 3 links. Showing the 3 most connected of 8 nodes (3 of 8 links); raise --top to see more."
    )


def test_timeline_and_year_colours(tmp_path: Path) -> None:
    render_page(small_graph(), tmp_path / "map.html", layout="timeline", color="year")
    data = _data(tmp_path / "map.html")
    xs = dict(zip(data["nodes"]["key"], data["nodes"]["x"], strict=True))
    assert xs["1001"] < xs["1002"] < xs["1003"] < xs["1004"] < xs["1005"]
    assert [label for _x, label in data["axis"]] == [str(year) for year in range(2001, 2010)]
    assert data["legend"][0][0] == "2001\u20132002"
    assert data["band"] is None  # every work has a year


def test_timeline_of_nodes_without_years_is_refused(tmp_path: Path) -> None:
    G = nx.Graph([("D1", "D2")], kind="mesh")
    with pytest.raises(NetworkError) as caught:
        render_page(G, tmp_path / "map.html", layout="timeline")
    assert str(caught.value) == (
        "--layout timeline: the nodes of the mesh network carry no year (only works and people do); use --layout force"
    )
    assert not (tmp_path / "map.html").exists()


def test_weighted_graphs_get_edge_widths(tmp_path: Path) -> None:
    G = nx.Graph(kind="coauthor")
    G.add_edge("a", "b", weight=1)
    G.add_edge("b", "c", weight=4)
    render_page(G, tmp_path / "map.html", size="degree")
    data = _data(tmp_path / "map.html")
    assert data["edges"]["width"] == [1.62, 5.0] and data["directed"] is False


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"color": "mood"}, "unknown --color 'mood'; use one of community, year, journal"),
        ({"size": "mass"}, "unknown --size 'mass'; use one of citations, pagerank, degree"),
        ({"layout": "circle"}, "unknown --layout 'circle'; use one of force, timeline"),
        ({"top": 0}, "--top must be 1 or more, not 0"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(NetworkError, match=r"^" + re.escape(message) + "$"):
        render_page(small_graph(), tmp_path / "map.html", **options)


def test_empty_networks_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match=r"^the network is empty, so there is nothing to draw"):
        render_page(nx.DiGraph(), tmp_path / "map.html")
    assert not (tmp_path / "map.html").exists()


@pytest.mark.parametrize("color", ["year", "journal"])
def test_colours_the_nodes_cannot_carry_are_refused(tmp_path: Path, color: str) -> None:
    G = nx.Graph(kind="mesh")
    G.add_node("D000001", label="Calcimycin", articles=2)
    G.add_node("D000002", label="Temefos", articles=1)
    G.add_edge("D000001", "D000002", weight=1)
    only = {"year": "works and people", "journal": "works"}[color]
    message = f"--color {color}: the nodes of the mesh network carry no {color} (only {only} do); use --color community"
    with pytest.raises(NetworkError, match=r"^" + re.escape(message) + "$"):
        render_page(G, tmp_path / "map.html", color=color)
    assert not (tmp_path / "map.html").exists()


def test_loaded_records_are_never_smaller_than_the_works_they_cite(tmp_path: Path) -> None:
    G = nx.DiGraph(kind="citation")
    G.add_node("1", pmid="1", loaded=True, citations=0, first_author="A Loaded", year=2020)
    G.add_node("2", pmid="2", loaded=True, citations=1, first_author="B Loaded", year=2021)
    for i in range(3, 8):
        G.add_node(str(i), pmid=str(i), loaded=False, citations=9 - i, title=f"J Test. 200{i};1:1")
        G.add_edge("1", str(i))
    G.add_edge("2", "1")
    render_page(G, tmp_path / "map.html", size="citations")
    data = _data(tmp_path / "map.html")
    size = dict(zip(data["nodes"]["key"], data["nodes"]["size"], strict=True))
    assert size["1"] >= max(size[str(i)] for i in range(3, 8))
    assert data["sizeTitle"].endswith("; records loaded at least as large as the works they cite")
