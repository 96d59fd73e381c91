"""Benchmark: networks from the store, their metrics, and interactive pages, against baselines.

Each figure is printed with a ratio to a baseline measured in the same run:

  (a) every projection of the 30,000-record corpus (benchmarks/corpus.py), the citation
      network loaded articles only and with cited works as stubs, each against its floor:
      one SPARQL scan of the quads it needs (target: within 3x; citation with cited works
      under 10 s)
  (b) ``pubgraph metrics`` as run by default (loaded-only citation network, PageRank,
      sampled betweenness, Louvain) against its projection alone; target: under 20 s
  (b) PageRank (scipy, as graph.network.metrics uses) against networkx's pure-Python
      power iteration, on the network with cited works
  (c) communities: Louvain (networkx) and, if installed, Leiden (leidenalg), on the same
  (d) page generation for 1,000 / 5,000 / 20,000 nodes (seconds, HTML size) against plain
      pyvis Network.add_node/add_edge + write_html; target: at least 5x faster at 20,000;
      and the force layout alone (target: under 10 s at 20,000 nodes)
  (e) time until the 5,000-node page is interactive in headless Chromium, network blocked
      (target under 3 s), against the same page with no nodes
  peak memory (RSS) of the process after each step

Run: ``python benchmarks/networks.py [--records 30000] [--store DIR] [--workdir DIR] [--skip-pyvis]
[--plain] [--projections-only] [--kinds NAME …]`` (``--store`` reuses a store already built from the corpus;
building one takes minutes; ``--plain`` times each projection again without the per-record
index, ``--projections-only`` stops after (a)).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

import graph
from graph.network import project
from graph.network._index import plain_reading
from graph.network._store import opened, rows
from graph.network.metrics import communities, default_community_method, node_metrics, pagerank
from graph.render import render_page
from graph.render.layout import force_layout
from graph.render.png import CHROMIUM_ARGS, chromium_path
from graph.render.style import sizes

CHROMIUM, ARGS = chromium_path(), list(CHROMIUM_ARGS)  # the flags pubgraph's own PNG writer uses


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(label: str, seconds: float, baseline: float, note: str = "") -> None:
    ratio = seconds / baseline if baseline else float("nan")
    print(f"{label:<52} {seconds:>8.2f} s  {ratio:>7.2f}x baseline  peak RSS {peak_mb():>6,.0f} MB  {note}")


def store_for(args: argparse.Namespace, workdir: Path) -> Path:
    if args.store:
        return Path(args.store)
    corpus = write_corpus(workdir / f"corpus-{args.records}.xml.gz", args.records)
    store = workdir / "store"
    summary, seconds = timed(lambda: graph.build([corpus], store))
    print(f"built {store}: {summary.records:,} records, {summary.store_quads:,} quads in {seconds:.0f} s")
    return store


#: What each projection must read at the least: the predicates whose quads it needs.
FLOORS: dict[str, tuple[str, ...]] = {
    "citation": ("foaf:isPrimaryTopicOf", "cito:cites"),
    "citation+cited": ("foaf:isPrimaryTopicOf", "cito:cites", "biro:references", "c4o:hasContent"),
    "cocitation": ("foaf:isPrimaryTopicOf", "cito:cites"),
    "coupling": ("foaf:isPrimaryTopicOf", "cito:cites"),
    "journal": ("foaf:isPrimaryTopicOf", "cito:cites", "frbr:partOf"),
    "coauthor": ("foaf:isPrimaryTopicOf", "pro:isDocumentContextFor", "pro:isHeldBy", "foaf:name"),
    "mesh": ("foaf:isPrimaryTopicOf", "fabio:hasPrimarySubjectTerm"),
    "keyword": ("foaf:isPrimaryTopicOf", "prism:keyword"),
}


def scan_seconds(store: Path, predicates: tuple[str, ...]) -> tuple[int, float]:
    """One SPARQL scan of each predicate's quads into Python (subject, object) values."""

    def scan() -> int:
        with opened(store) as kg:
            return sum(
                1 for name in predicates for _row in rows(kg, f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s {name} ?o }} }}")
            )

    return timed(scan)


def projections(store: Path, plain: bool, kinds: list[str] | None = None) -> nx.DiGraph:
    """(a) every projection beside its floor: one scan of the quads it needs; with ``plain``,
    also the plain reading that ignores the per-record index, in the same minute."""
    cited = nx.DiGraph()
    for name, predicates in FLOORS.items():
        if kinds and name not in kinds:
            continue
        quads, floor_s = scan_seconds(store, predicates)
        kind, options = ("citation", {"include_cited": True}) if name == "citation+cited" else (name, {})
        G, seconds = timed(lambda kind=kind, options=options: project(kind, store, **options))
        print(f"(a) floor: one scan of {quads:,} quads ({', '.join(predicates)}) {floor_s:8.2f} s")
        report(f"(a) {name} ({G.number_of_nodes():,} n / {G.number_of_edges():,} e)", seconds, floor_s)
        if plain:
            with plain_reading():
                _G, plain_s = timed(lambda kind=kind, options=options: project(kind, store, **options))
            report(f"(a) {name}, plain reading (no index)", plain_s, floor_s, f"index: {plain_s / seconds:.1f}x faster")
        if name == "citation+cited":
            cited = G
        del G
    return cited


def metrics_command(store: Path) -> None:
    """What ``pubgraph metrics`` does by default: the loaded-only citation network, then
    PageRank, sampled betweenness and Louvain communities (target: under 20 s)."""
    G, projecting = timed(lambda: project("citation", store))
    _, measuring = timed(lambda: node_metrics(G))
    report(
        f"(b) pubgraph metrics: projection {projecting:.1f} s + measures {measuring:.1f} s (target < 20 s)",
        projecting + measuring,
        projecting,
    )


def metrics(G: nx.DiGraph) -> None:
    python_pagerank = nx.algorithms.link_analysis.pagerank_alg._pagerank_python
    _, base = timed(lambda: python_pagerank(G))
    print(f"(b) baseline: networkx pure-Python PageRank {base:>24.2f} s")
    _, seconds = timed(lambda: pagerank(G))
    report("(b) PageRank (scipy)", seconds, base)
    found, louvain = timed(lambda: communities(G))
    print(f"(c) baseline: Louvain communities {louvain:>34.2f} s  ({len(set(found.values())):,} communities)")
    try:
        found, leiden = timed(lambda: communities(G, method="leiden"))
        report(f"(c) Leiden communities ({len(set(found.values())):,})", leiden, louvain)
    except graph.GraphError as err:
        print(f"(c) Leiden skipped: {err}")


def synthetic(nodes: int, seed: int = 1) -> nx.DiGraph:
    """A citation-like network: each work cites ~2.5 earlier ones, preferring the cited."""
    rng = random.Random(seed)
    G = nx.DiGraph(kind="citation")
    targets: list[int] = []
    for i in range(nodes):
        G.add_node(
            str(i),
            pmid=str(30_000_000 + i),
            title=f"Synthetic work {i} on spinal tumours and outcomes",
            year=1990 + i * 34 // nodes,
            journal=f"J Test {rng.randrange(40)}",
            first_author=f"Author{i} Family{i % 97}",
            authors=f"Author{i} Family{i % 97}, Other Person",
            citations=0,
        )
        for _ in range(min(i, rng.choice((1, 2, 3, 4)))):
            j = rng.choice(targets) if targets and rng.random() < 0.6 else rng.randrange(i)
            G.add_edge(str(i), str(j))
            targets.append(j)
    for node, count in G.in_degree():
        G.nodes[node]["citations"] = count
    return G


def pyvis_page(G: nx.DiGraph, path: Path) -> float:
    from pyvis.network import Network

    def build() -> None:
        net = Network(directed=True, cdn_resources="in_line")
        for node, data in G.nodes(data=True):
            net.add_node(node, label=data["title"][:30], title=data["title"], size=5 + data["citations"])
        for a, b in G.edges():
            net.add_edge(a, b)
        cwd = os.getcwd()
        os.chdir(path.parent)
        try:
            net.write_html(path.name)
        finally:
            os.chdir(cwd)

    return timed(build)[1]


def pages(workdir: Path, skip_pyvis: bool) -> Path:
    five_thousand = workdir / "page-5000.html"
    for nodes in (1_000, 5_000, 20_000):
        G = synthetic(nodes)
        path = workdir / f"page-{nodes}.html"
        summary, ours = timed(lambda G=G, path=path, nodes=nodes: render_page(G, path, top=nodes))
        note = f"{G.number_of_edges():,} links, {summary.bytes / 1e6:.1f} MB"
        groups = communities(G, method=default_community_method(nodes))
        radius = sizes(G, "citations", {})[0]
        _, layout = timed(lambda G=G, groups=groups, radius=radius: force_layout(G, groups, {}, radius=radius))
        print(f"(d) force layout alone (target < 10 s at 20,000), {nodes:>6,} nodes {layout:>10.2f} s")
        if skip_pyvis:
            print(f"(d) pubgraph page, {nodes:>6,} nodes {ours:>30.2f} s  {note}")
            continue
        theirs = pyvis_page(G, workdir / f"pyvis-{nodes}.html")
        size = (workdir / f"pyvis-{nodes}.html").stat().st_size / 1e6
        print(f"(d) baseline: pyvis add_node/add_edge + write_html, {nodes:>6,} nodes {theirs:>8.2f} s  {size:.1f} MB")
        report(f"(d) pubgraph page, {nodes:,} nodes ({theirs / ours:.1f}x faster)", ours, theirs, note)
    return five_thousand


def interactive(workdir: Path, page: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(e) skipped: pip install playwright")
        return
    if not Path(CHROMIUM).exists():
        print(f"(e) skipped: no {CHROMIUM}")
        return
    empty = workdir / "page-empty.html"
    render_page(nx.DiGraph([("1", "0")], kind="citation"), empty)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        times = {name: _ready_ms(browser, path) for name, path in (("empty", empty), ("5000", page))}
        browser.close()
    print(f"(e) baseline: 2-node page interactive after {times['empty'] / 1000:>21.2f} s")
    report("(e) 5,000-node page interactive (target < 3 s)", times["5000"] / 1000, times["empty"] / 1000)


def _ready_ms(browser: Any, path: Path) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("window.pubgraph && window.pubgraph.ready", timeout=60_000)
    ready = float(page.evaluate("window.pubgraph.readyAt"))
    context.close()
    return ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--store", default=None, help="reuse a store built from the corpus")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--skip-pyvis", action="store_true", help="skip the (slow) pyvis baseline")
    parser.add_argument("--plain", action="store_true", help="(a) also without the per-record index")
    parser.add_argument("--projections-only", action="store_true", help="stop after (a)")
    parser.add_argument("--kinds", nargs="*", choices=list(FLOORS), help="(a) only these projections")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pubgraph-networks-"))
    workdir.mkdir(parents=True, exist_ok=True)
    store = store_for(args, workdir)
    cited = projections(store, args.plain, args.kinds)
    if args.projections_only:
        return
    metrics_command(store)
    metrics(cited)
    del cited
    page = pages(workdir, args.skip_pyvis)
    interactive(workdir, page)


if __name__ == "__main__":
    main()
