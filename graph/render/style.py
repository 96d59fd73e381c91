"""Node colours (with their legend) and node sizes for a page.

Colours come from a 12-colour qualitative palette (Tableau 10 plus two) for communities
and journals, the largest first, the rest grey; years use a sequential scale (viridis) in
up to eight equal bins. Sizes grow with the square root of the value, so areas compare.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import networkx as nx

from ._options import COLOR_BY, SIZE_BY
from .layout import node_year

__all__ = ["COLOR_BY", "LABEL_LIMIT", "SIZE_BY", "Colouring", "colouring", "short_label", "sizes"]

Node = Hashable
_QUALITATIVE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#17becf",
    "#bcbd22",
    "#8c564b",
)
_VIRIDIS = ("#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725")
_GREY = "#b8b8b8"
_MIN_SIZE, _MAX_SIZE = 6.0, 34.0
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "2nd", "3rd"}
LABEL_LIMIT = 30


@dataclass(frozen=True, slots=True)
class Colouring:
    """Palette, each node's index into it, and legend entries (text, palette index)."""

    title: str
    palette: list[str]
    index: dict[Node, int]
    legend: list[tuple[str, int]]


def colouring(
    G: nx.Graph,
    by: str,
    groups: Mapping[Node, int],
    ranks: Mapping[Node, float],
    names: Mapping[int, str] | None = None,
) -> Colouring:
    """Colour nodes by ``community`` (``groups``, named by ``names``), ``year`` or ``journal``.

    >>> G = nx.Graph([("a", "b")]); G.nodes["a"]["year"] = 2000; G.nodes["b"]["year"] = 2010
    >>> scheme = colouring(G, "year", {}, {})
    >>> len(scheme.legend), scheme.legend[-1]
    (6, ('2010', 5))
    """
    if by == "year":
        return _by_year(G)
    if by == "journal":
        keys = {node: data.get("journal") for node, data in G.nodes(data=True)}
        return _qualitative("Journal", keys, lambda key, n: str(key), "other journals", "no journal")
    named = names or {}
    return _qualitative(
        "Community",
        dict(groups),
        lambda key, n: f"{named[key]} ({n:,} nodes)" if named.get(key) else f"{n:,} nodes",
        "other communities",
        "no community",
        G,
    )


def short_label(node: Node, data: Mapping[str, object]) -> str:
    """At most ``LABEL_LIMIT`` characters naming a node on the map.

    Works: first author's family name and year; works known only from a reference list
    without an author in it: journal and year, else "PMID n". Others: their label, cut.

    >>> short_label("28993889", {"first_author": "Takahiro Onoki", "year": 2018})
    'Onoki 2018'
    >>> short_label("1", {"loaded": False, "pmid": "1", "journal": "J Exp Med", "year": 2000})
    'J Exp Med 2000'
    >>> short_label("7", {"loaded": False, "pmid": "7", "title": "PMID 7"})
    'PMID 7'
    """
    year = f" {data['year']}" if isinstance(data.get("year"), int) else ""
    if data.get("first_author"):
        words = [w for w in str(data["first_author"]).split() if w.rstrip(".,").lower() not in _SUFFIXES]
        return _cut(words[-1] if words else str(data["first_author"]), year)
    if data.get("loaded") is False and (data.get("journal") or data.get("pmid")):
        return _cut(str(data["journal"]), year) if data.get("journal") else f"PMID {data['pmid']}"
    return _cut(str(data.get("label") or data.get("title") or node), "")


def _cut(text: str, tail: str) -> str:
    room = LABEL_LIMIT - len(tail)
    return (text if len(text) <= room else text[: room - 1].rstrip() + "\u2026") + tail


def _qualitative(
    title: str, keys: Mapping[Node, object], describe: object, rest: str, missing: str, G: nx.Graph | None = None
) -> Colouring:
    counts = Counter(key for key in keys.values() if key is not None)
    ranked = [key for key, _n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    chosen = {key: i for i, key in enumerate(ranked[: len(_QUALITATIVE)])}
    palette = [*_QUALITATIVE[: len(chosen)], _GREY]
    grey = len(palette) - 1
    index = {node: chosen.get(key, grey) if key is not None else grey for node, key in keys.items()}
    if G is not None:
        index.update({node: grey for node in G if node not in index})
    legend = [(describe(key, counts[key]), i) for key, i in chosen.items()]  # type: ignore[operator]
    others = sum(counts[key] for key in ranked[len(chosen) :])
    if others:
        legend.append((f"{rest} ({others:,} nodes)", grey))
    unknown = sum(1 for key in keys.values() if key is None)
    if unknown:
        legend.append((f"{missing} ({unknown:,})", grey))
    return Colouring(title, palette, index, legend)


def _by_year(G: nx.Graph) -> Colouring:
    years = {node: node_year(data) for node, data in G.nodes(data=True)}
    known = sorted({y for y in years.values() if y is not None})
    if not known:
        return Colouring("Year", [_GREY], dict.fromkeys(G, 0), [("no year", 0)])
    low, high = known[0], known[-1]
    width = math.ceil((high - low + 1) / len(_VIRIDIS))
    bins = math.ceil((high - low + 1) / width)
    palette = [_VIRIDIS[round(i * (len(_VIRIDIS) - 1) / max(bins - 1, 1))] for i in range(bins)] + [_GREY]
    index = {node: (bins if y is None else (y - low) // width) for node, y in years.items()}
    legend = []
    for i in range(bins):
        start, end = low + i * width, min(high, low + (i + 1) * width - 1)
        legend.append((str(start) if start == end else f"{start}\u2013{end}", i))
    if any(y is None for y in years.values()):
        legend.append(("no year", bins))
    return Colouring("Year", palette, index, legend)


def sizes(G: nx.Graph, by: str, ranks: Mapping[Node, float]) -> tuple[dict[Node, float], str]:
    """Node radius in pixels, and the legend line saying what it shows.

    ``citations`` reads the nodes' ``citations`` (works), else ``articles`` (people,
    terms, journals), else the weighted in-degree or degree. In a citation network with
    works known only from reference lists, a loaded record is drawn at least as large as
    the largest of those it cites, whatever the rule.

    >>> radius, title = sizes(nx.Graph([("a", "b"), ("a", "c")]), "degree", {})
    >>> radius["a"] > radius["b"], title
    (True, 'Size: degree')
    """
    values, title = _values(G, by, ranks)
    largest = max(values.values(), default=0.0) or 1.0
    radius = {n: _MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(max(v, 0.0) / largest) for n, v in values.items()}
    if G.is_directed() and any(loaded is False for _n, loaded in G.nodes(data="loaded")):
        # The records loaded are what the map is about: never smaller than the works they cite.
        for node, loaded in G.nodes(data="loaded"):
            if loaded is not False:
                cited = [radius[m] for m in G.successors(node) if G.nodes[m].get("loaded") is False]
                radius[node] = max([radius[node], *cited])
        title += "; records loaded at least as large as the works they cite"
    return radius, title


def _values(G: nx.Graph, by: str, ranks: Mapping[Node, float]) -> tuple[dict[Node, float], str]:
    if by == "pagerank":
        return {n: ranks.get(n, 0.0) for n in G}, "Size: PageRank"
    if by == "citations":
        for attribute, label in (("citations", "citations in the store"), ("articles", "articles")):
            if any(attribute in data for _n, data in G.nodes(data=True)):
                return {n: float(d.get(attribute, 0)) for n, d in G.nodes(data=True)}, f"Size: {label}"
        if G.is_directed():
            return {n: float(v) for n, v in G.in_degree(weight="weight")}, "Size: citations in this network"
    return {n: float(v) for n, v in G.degree()}, "Size: degree"
