"""One self-contained, offline HTML page of a network: ``render_page``.

The page inlines vis-network, its data and its script, and makes no request (its
Content-Security-Policy forbids any). Positions are computed here (see ``layout``) and
physics is off, so thousands of nodes stay responsive. Networks larger than ``top`` are cut
to their ``top`` nodes by PageRank, and the page says so. The data travels as one JSON
block with ``<``, ``>`` and ``&`` escaped, and the script shows it as text only, so a title
holding ``<script>`` is displayed, not run.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import NetworkError
from ..network.behind import Behind, terms_only
from ..network.metrics import EdgeArrays, communities, default_community_method, edge_arrays, pagerank
from ..outputs import atomic_output
from ._assets import vis_assets
from ._template import PAGE
from .drill import drill_data
from .layout import LAYOUTS, force_layout, node_year, timeline_layout
from .png import page_png, require_png
from .select import link_count, select_view
from .style import COLOR_BY, SIZE_BY, Colouring, colouring, short_label, sizes
from .topics import community_names

__all__ = ["COLOR_BY", "LAYOUTS", "SIZE_BY", "BuiltPage", "PageSummary", "build_page", "render_page", "write_page"]

Node = Hashable
_KIND_TITLES = {
    "citation": "Citation network",
    "cocitation": "Co-citation network",
    "coupling": "Bibliographic coupling network",
    "coauthor": "Co-authorship network",
    "mesh": "MeSH co-occurrence network",
    "keyword": "Keyword co-occurrence network",
    "journal": "Journal citation network",
}
_FACTS = ("citations", "local_citations", "references", "articles", "self_citations", "orcid", "pagerank", "community")
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What was drawn: nodes and edges on the page, of how many, file size and time."""

    path: Path
    nodes: int
    edges: int
    total_nodes: int
    total_edges: int
    bytes: int
    seconds: float
    hidden: int = 0
    notice: str = ""

    @property
    def cut(self) -> bool:
        """Whether nodes with links were left out (by ``top``, or the cited works' threshold)."""
        return self.nodes + self.hidden < self.total_nodes


def render_page(
    G: nx.Graph,
    path: Path | str,
    *,
    color: str = "community",
    size: str = "citations",
    layout: str = "force",
    top: int = 5000,
    title: str | None = None,
    seed: int = 0,
    isolated: bool = False,
    behind: Behind | None = None,
    chromium: str | None = None,
) -> PageSummary:
    """Write ``G`` as one offline HTML page at ``path`` (a ``.png`` path: an image of it
    drawn by ``chromium``, see ``png``).

    ``color``: community | year | journal; ``size``: citations | pagerank | degree;
    ``layout``: force | timeline. Which nodes are drawn (nodes without links are hidden
    unless ``isolated``; a cut to ``top`` keeps the most connected part) is
    ``select.select_view``'s rule; the page header says what it left out. ``behind``
    (``graph.network.behind.records_behind``) names communities by their records' MeSH
    major topics and keywords; without it only term maps (mesh, keyword) are named.

    >>> import tempfile
    >>> G = nx.DiGraph([("2", "1")], kind="citation")
    >>> summary = render_page(G, Path(tempfile.mkdtemp()) / "map.html")
    >>> summary.nodes, summary.edges, summary.cut
    (2, 1, False)
    """
    started = time.perf_counter()
    if Path(path).suffix.lower() == ".png":
        _check(G, color, size, layout, top)
        require_png(Path(path), chromium)  # before the layout's work, not after
    built = build_page(
        G, color=color, size=size, layout=layout, top=top, title=title, seed=seed, isolated=isolated, behind=behind
    )
    written = write_page(Path(path), built.page, chromium)
    return PageSummary(
        Path(path),
        built.nodes,
        built.edges,
        G.number_of_nodes(),
        link_count(G),
        written,
        time.perf_counter() - started,
        built.hidden,
        built.notice,
    )


@dataclass(frozen=True, slots=True)
class BuiltPage:
    """A page before it is written: its HTML, the data it draws, and what it left out."""

    page: str
    data: dict[str, Any]
    title: str
    nodes: int
    edges: int
    hidden: int
    notice: str


def build_page(
    G: nx.Graph,
    *,
    color: str = "community",
    size: str = "citations",
    layout: str = "force",
    top: int = 5000,
    title: str | None = None,
    seed: int = 0,
    isolated: bool = False,
    behind: Behind | None = None,
) -> BuiltPage:
    """The page ``render_page`` writes, in memory (the options are ``render_page``'s).

    >>> built = build_page(nx.DiGraph([("2", "1")], kind="citation"))
    >>> built.title, built.data["nodes"]["key"], built.page.startswith("<!DOCTYPE html>")
    ('Citation network', ['2', '1'], True)
    """
    _check(G, color, size, layout, top)
    edges = edge_arrays(G)  # read once, for PageRank, communities, layout and links alike
    ranks = pagerank(G, edges=edges)
    view = select_view(G, ranks, top, isolated=isolated)
    shown = view.graph
    if shown is not G:
        edges = edge_arrays(shown)
    groups = communities(shown, method=default_community_method(shown.number_of_nodes()), seed=seed, edges=edges)
    names = community_names(shown, groups, behind or terms_only(G), ranks)
    payload = _payload(shown, edges, ranks, groups, names, color, size, layout, seed)
    payload["drill"] = drill_data(shown, list(shown), behind)
    links = len(payload["edges"]["from"])
    payload["notice"] = _notice(shown.number_of_nodes(), links, view.notice, _filters(G))
    heading = title or _KIND_TITLES.get(str(G.graph.get("kind")), "Network")
    return BuiltPage(
        _page(payload, heading),
        payload,
        heading,
        shown.number_of_nodes(),
        links,
        view.hidden,
        payload["notice"],
    )


def _check(G: nx.Graph, color: str, size: str, layout: str, top: int) -> None:
    for name, value, allowed in (("color", color, COLOR_BY), ("size", size, SIZE_BY), ("layout", layout, LAYOUTS)):
        if value not in allowed:
            raise NetworkError(f"unknown --{name} {value!r}; use one of {', '.join(allowed)}")
    if top < 1:
        raise NetworkError(f"--top must be 1 or more, not {top}")
    if G.number_of_nodes() == 0:
        raise NetworkError("the network is empty, so there is nothing to draw; widen --where or lower --min-weight")
    kind = G.graph.get("kind", "this")
    if color == "year" and not any(node_year(data) is not None for _n, data in G.nodes(data=True)):
        raise NetworkError(
            f"--color year: the nodes of the {kind} network carry no year (only works and people do); "
            "use --color community"
        )
    if layout == "timeline" and not any(node_year(data) is not None for _n, data in G.nodes(data=True)):
        raise NetworkError(
            f"--layout timeline: the nodes of the {kind} network carry no year (only works and people do); "
            "use --layout force"
        )
    if color == "journal" and not any(data.get("journal") for _n, data in G.nodes(data=True)):
        raise NetworkError(
            f"--color journal: the nodes of the {kind} network carry no journal (only works do); use --color community"
        )


def _payload(
    shown: nx.Graph,
    edges: EdgeArrays,
    ranks: Mapping[Node, float],
    groups: Mapping[Node, int],
    names: Mapping[int, str],
    color: str,
    size: str,
    layout: str,
    seed: int,
) -> dict[str, Any]:
    nodes = list(shown)
    table = dict(shown.nodes(data=True))
    data = [table[n] for n in nodes]
    scheme = colouring(shown, color, groups, ranks, names)
    radius, size_title = sizes(shown, size, ranks)
    axis: list[tuple[float, str]] | None = None
    band: float | None = None
    if layout == "timeline":
        positions, axis, band = timeline_layout(shown, groups, ranks, radius=radius, seed=seed, edges=edges)
    else:
        positions = force_layout(shown, groups, ranks, radius=radius, seed=seed, edges=edges)
    ys = [positions[n][1] for n in nodes]
    node_years = [node_year(d) for d in data]
    years = [y for y in node_years if y is not None]
    return {
        "directed": shown.is_directed(),
        "nodes": _node_columns(nodes, data, node_years, positions, radius, scheme),
        "edges": _edge_columns(shown, edges),
        "palette": scheme.palette,
        "legend": scheme.legend,
        "colorTitle": scheme.title,
        "sizeTitle": size_title,
        "facts": _facts(nodes, data, ranks, groups, names),
        "years": [min(years), max(years)] if years else None,
        "axis": [[x, label] for x, label in axis] if axis is not None else None,
        "band": band,
        "bounds": [min(ys, default=0.0), max(ys, default=0.0)],
    }


def _node_columns(
    nodes: list[Node],
    data: list[Mapping[str, Any]],
    years: list[int | None],
    positions: Mapping[Node, tuple[float, float]],
    radius: Mapping[Node, float],
    scheme: Colouring,
) -> dict[str, list[Any]]:
    """One list per field, in ``nodes`` order (``data`` holds each node's attributes)."""
    xy = [positions[n] for n in nodes]
    return {
        "id": list(range(len(nodes))),
        "key": [str(n) for n in nodes],
        "x": [round(x, 1) for x, _y in xy],
        "y": [round(y, 1) for _x, y in xy],
        "size": [round(radius[n], 2) for n in nodes],
        "color": [scheme.index[n] for n in nodes],
        "label": [short_label(n, d) for n, d in zip(nodes, data, strict=True)],
        "title": [str(d.get("title") or d.get("label") or n) for n, d in zip(nodes, data, strict=True)],
        "authors": [str(d.get("authors", "")) for d in data],
        "journal": [str(d.get("journal", "")) for d in data],
        "year": years,
        "pmid": [str(d.get("pmid", "")) for d in data],
        "doi": [str(d.get("doi", "")) for d in data],
    }


def _edge_columns(G: nx.Graph, edges: EdgeArrays) -> dict[str, list[Any]]:
    """Each link's two ends (indices in ``G``'s node order), width and weight, in ``G.edges()`` order."""
    _nodes, sources, targets, weights = edges
    weighted = any("weight" in data for _node, nbrs in G.adjacency() for data in nbrs.values())
    columns: dict[str, list[Any]] = {"from": sources.tolist(), "to": targets.tolist()}
    heaviest = float(weights.max()) if len(weights) else 1.0
    if heaviest > 1:
        columns["width"] = [round(0.5 + 4.5 * w / heaviest, 2) for w in weights.tolist()]
    if weighted:
        columns["weight"] = [int(w) if w.is_integer() else w for w in weights.tolist()]
    return columns


def _facts(
    nodes: list[Node],
    data: list[Mapping[str, Any]],
    ranks: Mapping[Node, float],
    groups: Mapping[Node, int],
    names: Mapping[int, str],
) -> dict[str, Any]:
    present = [name for name in _FACTS[:-2] if any(name in d for d in data)]
    values = [[d.get(name) for d in data] for name in present]
    values.append([f"{ranks.get(n, 0.0):.2e}" for n in nodes])
    labels = {group: _community(group, names) for group in set(groups.values()) | {0}}
    values.append([labels[groups.get(n, 0)] for n in nodes])
    return {"names": [name.replace("_", " ") for name in present] + ["PageRank", "community"], "values": values}


def _community(group: int, names: Mapping[int, str]) -> str:
    return f"{group + 1}: {names[group]}" if names.get(group) else str(group + 1)


def _notice(nodes: int, links: int, view: str, filters: str) -> str:
    counts = f"{nodes:,} node{'s' * (nodes != 1)}, {links:,} link{'s' * (links != 1)}."
    return " ".join(part for part in (counts, view, filters) if part)


def _filters(G: nx.Graph) -> str:
    parts = []
    if G.graph.get("where"):
        parts.append(f"Filter: {G.graph['where']}.")
    if G.graph.get("min_weight", 1) > 1:
        parts.append(f"Links of weight {G.graph['min_weight']} or more.")
    return " ".join(parts)


def _page(payload: dict[str, Any], title: str) -> str:
    script, style = vis_assets()
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    values = {
        "TITLE": html.escape(title),
        "VIS_CSS": style,
        "VIS_JS": script,
        "DATA": re.sub("[<>&\u2028\u2029]", lambda m: _ESCAPES[m.group()], data),
    }
    # One pass, so nothing inserted is searched again for markers.
    return re.sub(r"@@(TITLE|VIS_CSS|VIS_JS|DATA)@@", lambda m: values[m.group(1)], PAGE)


def write_page(path: Path, page: str, chromium: str | None = None) -> int:
    """Write ``page`` at ``path`` (a ``.png`` path: an image of it) in one piece; the bytes written."""
    encoded = page_png(page, path, chromium) if path.suffix.lower() == ".png" else page.encode("utf-8")
    try:
        with atomic_output(path, compress=False) as out:
            out.write(encoded)
    except OSError as err:
        raise NetworkError(f"cannot write {path}: {err.strerror or err}") from err
    return len(encoded)
