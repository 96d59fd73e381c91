"""Node positions computed before the page is written, so the browser runs no physics.

- ``force``: a spring layout (Fruchterman-Reingold, networkx) up to ``SPRING_LIMIT`` nodes;
  past that, communities as disks packed along a spiral (largest first) with each
  community's nodes on a sunflower spiral by rank, most important at the centre. That costs
  O(nodes) where force simulation costs O(nodes^2) per step.
- ``timeline``: x is the publication year (``year``, else ``first_year``), one column per
  year; within a column nodes are stacked by community, then rank. Nodes without a year
  stand in a column left of the first year.

Positions are in screen pixels around (0, 0).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping

import networkx as nx

from ._options import LAYOUTS

__all__ = ["LAYOUTS", "SPRING_LIMIT", "force_layout", "node_year", "timeline_layout"]

Node = Hashable
Position = tuple[float, float]
SPRING_LIMIT = 800
_SPACING = 22.0
_GOLDEN = math.pi * (3 - math.sqrt(5))
_YEAR_WIDTH = 180.0


def node_year(data: Mapping[str, object]) -> int | None:
    """A node's year: ``year`` for works, ``first_year`` for people.

    >>> node_year({"first_year": 2004}), node_year({})
    (2004, None)
    """
    year = data.get("year", data.get("first_year"))
    return year if isinstance(year, int) else None


def force_layout(
    G: nx.Graph, groups: Mapping[Node, int], ranks: Mapping[Node, float], *, seed: int = 0
) -> dict[Node, Position]:
    """Positions for the force view (see the module docstring).

    >>> sorted(force_layout(nx.path_graph(3), {0: 0, 1: 0, 2: 0}, {0: 1, 1: 2, 2: 1}))
    [0, 1, 2]
    """
    if G.number_of_nodes() <= SPRING_LIMIT:
        return _spring(G, seed)
    return _packed_communities(G, groups, ranks)


def _spring(G: nx.Graph, seed: int) -> dict[Node, Position]:
    undirected = G.to_undirected(as_view=True) if G.is_directed() else G
    scale = _SPACING * 3.5 * math.sqrt(max(G.number_of_nodes(), 1))
    found = nx.spring_layout(undirected, seed=seed, iterations=80, weight=None, scale=scale)
    return {node: (float(x), float(y)) for node, (x, y) in found.items()}


def _sunflower(count: int) -> list[Position]:
    """``count`` evenly spread points on a disk, the first at the centre."""
    return [
        (_SPACING * math.sqrt(i) * math.cos(i * _GOLDEN), _SPACING * math.sqrt(i) * math.sin(i * _GOLDEN))
        for i in range(count)
    ]


def _packed_communities(G: nx.Graph, groups: Mapping[Node, int], ranks: Mapping[Node, float]) -> dict[Node, Position]:
    members: dict[int, list[Node]] = defaultdict(list)
    for node in G:
        # Isolated nodes share one block instead of each being a community of one.
        members[groups.get(node, -1) if G.degree(node) else -2].append(node)
    blocks = sorted((sorted(m, key=lambda n: -ranks.get(n, 0.0)) for m in members.values()), key=len, reverse=True)
    centres = _pack([_SPACING * math.sqrt(len(b)) + _SPACING for b in blocks])
    positions: dict[Node, Position] = {}
    for block, (cx, cy) in zip(blocks, centres, strict=True):
        for node, (dx, dy) in zip(block, _sunflower(len(block)), strict=True):
            positions[node] = (cx + dx, cy + dy)
    return positions


def _pack(radii: list[float]) -> list[Position]:
    """Centres for disks of decreasing ``radii``: the first in the middle, the rest in rings.

    Each ring is as thick as its first (largest) disk; neighbours in a ring touch at most,
    as the angle between them spans a chord of the sum of their radii.

    >>> _pack([2.0, 1.0, 1.0])
    [(0.0, 0.0), (3.0, 0.0), (2.3333333333333335, 1.8856180831641267)]
    """
    if not radii:
        return []
    centres = [(0.0, 0.0)]
    inner, ring, angle, thickness, previous, first = radii[0], 0.0, 0.0, 0.0, 0.0, 0.0
    for radius in radii[1:]:
        step = 2 * math.asin(min(1.0, (previous + radius) / (2 * ring))) if ring else 0.0
        closing = 2 * math.asin(min(1.0, (first + radius) / (2 * ring))) if ring else 0.0
        if not ring or angle + step > 2 * math.pi - closing:
            if ring:
                inner = ring + thickness
            ring, angle, thickness, first = inner + radius, 0.0, radius, radius
        else:
            angle += step
        centres.append((ring * math.cos(angle), ring * math.sin(angle)))
        previous = radius
    return centres


def timeline_layout(
    G: nx.Graph, groups: Mapping[Node, int], ranks: Mapping[Node, float], *, seed: int = 0
) -> tuple[dict[Node, Position], list[tuple[float, str]]]:
    """Positions with x = year and y from the force layout, and the year axis as (x, label).

    Related works stay at similar heights, as in CitNetExplorer's timeline; within a year
    nodes are pushed apart to stop overlaps, in sub-columns when a year is crowded.

    >>> G = nx.DiGraph([("b", "a")]); G.nodes["a"]["year"] = 2000; G.nodes["b"]["year"] = 2002
    >>> positions, axis = timeline_layout(G, {}, {})
    >>> positions["b"][0] - positions["a"][0] == 2 * 180.0, axis[0]
    (True, (0.0, '2000'))
    """
    columns: dict[int | None, list[Node]] = defaultdict(list)
    for node, data in G.nodes(data=True):
        columns[node_year(data)].append(node)
    years = sorted(year for year in columns if year is not None)
    first = years[0] if years else 0
    # About as tall as half the width, so that links between years are not all flat.
    tallest = max(_SPACING * 8, _SPACING * 2 * math.sqrt(G.number_of_nodes()), 0.5 * _YEAR_WIDTH * len(years))
    heights = _stretched({node: y for node, (_x, y) in force_layout(G, groups, ranks, seed=seed).items()}, tallest)
    positions: dict[Node, Position] = {}
    for year, nodes in columns.items():
        x0 = (year - first) * _YEAR_WIDTH if year is not None else -2 * _YEAR_WIDTH
        positions.update(_column(sorted(nodes, key=lambda n: heights[n]), x0, heights, tallest))
    axis = [((year - first) * _YEAR_WIDTH, str(year)) for year in years]
    if None in columns:
        axis.insert(0, (-2 * _YEAR_WIDTH, "no year"))
    return positions, axis


def _stretched(heights: dict[Node, float], tallest: float) -> dict[Node, float]:
    low, high = min(heights.values(), default=0.0), max(heights.values(), default=0.0)
    factor = tallest / (high - low) if high > low else 1.0
    return {node: (y - low) * factor - tallest / 2 for node, y in heights.items()}


def _column(nodes: list[Node], x0: float, heights: Mapping[Node, float], tallest: float) -> dict[Node, Position]:
    """Place a year's ``nodes`` (sorted by height) in sub-columns, keeping them apart."""
    gap = _SPACING * 0.9
    across = max(1, min(8, math.ceil(len(nodes) * gap / tallest)))
    width = _YEAR_WIDTH * 0.8 / across
    placed: dict[Node, Position] = {}
    lowest = [-math.inf] * across
    for i, node in enumerate(nodes):
        lane = i % across
        y = max(heights[node], lowest[lane] + gap)
        lowest[lane] = y
        placed[node] = (x0 + (lane - (across - 1) / 2) * width, y)
    return placed
