"""Maps of the real PubMed samples: every kind says something, judged from the page's data.

From the JSON block the page draws (``pubgraph.data``): links are drawn whenever the
network has links, at most 10% of drawn nodes have no drawn link, at least 95% of nodes
carry a short label, and at most 5% of discs overlap another (from positions and radii).
Skipped when ``../shared/pubmed-samples`` is absent.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from scipy.spatial import cKDTree

import graph
from graph.network import project
from graph.network.behind import records_behind
from graph.render import render_page
from graph.render.style import short_label

SHARED_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "pubmed-samples"

KINDS = [
    ("citation", {}),
    ("citation", {"include_cited": True}),
    ("cocitation", {}),
    ("coupling", {}),
    ("coauthor", {}),
    ("mesh", {}),
    ("keyword", {}),
    ("journal", {}),
]
TOP = 2000  # keeps the run short; the rules are the same at the default 5,000


@pytest.fixture(scope="session")
def samples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (SHARED_SAMPLES / "xml").is_dir():
        pytest.skip(f"{SHARED_SAMPLES} is absent (real samples exist only in this setup)")
    store = tmp_path_factory.mktemp("samples") / "store"
    graph.build(sorted((SHARED_SAMPLES / "xml").iterdir()), store, jobs=1)
    return store


@functools.cache
def projected(store: Path, kind: str, include_cited: bool = False) -> nx.Graph:
    """Each network once per test process: the tests only read them."""
    return project(kind, store, include_cited=True) if include_cited else project(kind, store)


def page_data(path: Path) -> dict[str, Any]:
    block = re.search(r'<script id="pg-data" type="application/json">(.*?)</script>', path.read_text("utf-8"), re.S)
    assert block is not None
    return json.loads(block.group(1))


def overlapping_share(nodes: dict[str, list[Any]]) -> float:
    """The share of discs overlapping another disc by more than half a pixel."""
    xy = np.column_stack([nodes["x"], nodes["y"]]).astype(float)
    radii = np.array(nodes["size"], dtype=float)
    if len(xy) < 2:
        return 0.0
    pairs = cKDTree(xy).query_pairs(2 * radii.max(), output_type="ndarray")
    if not len(pairs):
        return 0.0
    gaps = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T) - radii[pairs[:, 0]] - radii[pairs[:, 1]]
    return len(set(pairs[gaps < -0.5].ravel().tolist())) / len(xy)


@pytest.mark.parametrize(("kind", "options"), KINDS, ids=[k + ("-cited" if o else "") for k, o in KINDS])
def test_real_map_says_something(samples_store: Path, tmp_path: Path, kind: str, options: dict[str, Any]) -> None:
    G = projected(samples_store, kind, **options)
    summary = render_page(G, tmp_path / "map.html", top=TOP)
    data = page_data(tmp_path / "map.html")
    nodes, edges = data["nodes"], data["edges"]
    drawn = len(nodes["id"])
    assert drawn == summary.nodes and len(edges["from"]) == summary.edges
    if G.number_of_edges():
        assert edges["from"], f"{kind}: the network has {G.number_of_edges()} links and the map draws none"
        linked = set(edges["from"]) | set(edges["to"])
        assert drawn - len(linked) <= 0.1 * drawn, f"{kind}: {drawn - len(linked)} of {drawn} drawn nodes unlinked"
    labels = [label for label in nodes["label"] if label and len(label) <= 30]
    assert len(labels) >= 0.95 * drawn, f"{kind}: {drawn - len(labels)} of {drawn} nodes without a short label"
    assert overlapping_share(nodes) <= 0.05, f"{kind}: {overlapping_share(nodes):.1%} of discs overlap"


def test_cited_works_are_labelled_from_their_reference_text(samples_store: Path) -> None:
    G = project("citation", samples_store, include_cited=True)
    stubs = [data for _n, data in G.nodes(data=True) if data.get("loaded") is False]
    labels = [short_label("", data) for data in stubs]
    by_text = sum(1 for label in labels if not label.startswith("PMID ") and re.search(r" (1[6-9]|20)\d\d$", label))
    assert by_text >= 0.9 * len(stubs)


def test_sparse_citation_map_says_why_and_what_to_do(samples_store: Path, tmp_path: Path) -> None:
    G = project("citation", samples_store)
    summary = render_page(G, tmp_path / "map.html")
    loaded, links = G.number_of_nodes(), G.number_of_edges()
    cited = G.graph["cited_elsewhere"]
    assert summary.notice == (
        f"{summary.nodes} nodes, {links} links. {loaded - summary.nodes:,} nodes without links on this map are hidden "
        f"(--isolated shows them). The {loaded:,} loaded records cite each other {links} times: they are not a "
        f"field that cites itself. Render with --include-cited to add the {cited:,} works they cite."
    )
    shown = render_page(G, tmp_path / "all.html", isolated=True)
    assert shown.nodes == loaded and shown.hidden == 0


def test_cited_works_threshold_fits_top(samples_store: Path, tmp_path: Path) -> None:
    G = project("citation", samples_store, include_cited=True)
    summary = render_page(G, tmp_path / "map.html", top=3000)
    data = page_data(tmp_path / "map.html")
    threshold = int(re.search(r"that at least (\d+) of them cite", summary.notice).group(1))
    citers = dict(G.in_degree())
    drawn_stubs = [key for key in data["nodes"]["key"] if G.nodes[key].get("loaded") is False]
    assert drawn_stubs and min(citers[key] for key in drawn_stubs) == threshold
    assert summary.nodes <= 3000
    one_less = sum(1 for n, loaded in G.nodes(data="loaded") if loaded is False and citers[n] >= threshold - 1)
    assert threshold == 1 or one_less > 3000 - summary.nodes  # a lower threshold would not fit


@pytest.mark.parametrize(
    ("kind", "options"), [("cocitation", {}), ("coauthor", {}), ("citation", {"include_cited": True})]
)
def test_communities_are_named_by_their_records_terms(
    samples_store: Path, tmp_path: Path, kind: str, options: dict[str, Any]
) -> None:
    G = projected(samples_store, kind, **options)
    behind = records_behind(G, samples_store)
    render_page(G, tmp_path / "map.html", top=TOP, behind=behind)
    data = page_data(tmp_path / "map.html")
    nodes = data["nodes"]
    named = [(text, colour) for text, colour in data["legend"] if not text.startswith("other communities")]
    assert len(named) >= 2
    for text, colour in named:
        name, size = re.fullmatch(r"(.+) \(([\d,]+) nodes\)", text).groups()
        members = [key for key, c in zip(nodes["key"], nodes["color"], strict=True) if c == colour]
        assert int(size.replace(",", "")) == len(members)
        terms = {term for key in members for term in behind.node_terms(key)}
        if name.startswith("around "):  # records without MeSH major topics or keywords
            assert not terms
        else:
            assert set(name.split("; ")) <= terms, f"{kind}: {name!r} is not made of its records' terms"


@pytest.mark.parametrize(("kind", "options"), [("citation", {"include_cited": True}), ("coauthor", {})])
def test_real_timelines_put_years_in_order_and_undated_works_apart(
    samples_store: Path, tmp_path: Path, kind: str, options: dict[str, Any]
) -> None:
    G = projected(samples_store, kind, **options)
    render_page(G, tmp_path / "map.html", top=TOP, layout="timeline", isolated=True)
    data = page_data(tmp_path / "map.html")
    nodes = data["nodes"]
    columns: dict[int, list[float]] = {}
    for x, year in zip(nodes["x"], nodes["year"], strict=True):
        if year is not None:
            columns.setdefault(year, []).append(x)
    years = sorted(columns)
    assert all(max(columns[a]) < min(columns[b]) for a, b in itertools.pairwise(years))
    ticks = {label: x for x, label in data["axis"]}
    step = data["axis"][1][0] - data["axis"][0][0]
    assert all(abs(x - ticks[str(year)]) < step / 2 for year, xs in columns.items() for x in xs)
    undated = [i for i, year in enumerate(nodes["year"]) if year is None]
    dated_bottom = max(nodes["y"][i] + nodes["size"][i] for i, year in enumerate(nodes["year"]) if year is not None)
    if undated:
        assert dated_bottom < data["band"] <= min(nodes["y"][i] - nodes["size"][i] for i in undated)
    labels = [label for label in nodes["label"] if label and len(label) <= 30]
    assert len(labels) >= 0.95 * len(nodes["id"])
    assert overlapping_share(nodes) <= 0.05
