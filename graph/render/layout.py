"""Node positions computed before the page is written, so the browser runs no physics.

- ``force``: Fruchterman-Reingold per connected component, two-level past ``_force.DIRECT``
  nodes (communities laid out alone, then placed as disks), components packed as disks,
  and overlapping discs pushed apart (see ``_force``).
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

from ._force import spread
from ._options import LAYOUTS

__all__ = ["LAYOUTS", "force_layout", "node_year", "timeline_layout"]

Node = Hashable
Position = tuple[float, float]
_SPACING = 22.0
_YEAR_WIDTH = 180.0


def node_year(data: Mapping[str, object]) -> int | None:
    """A node's year: ``year`` for works, ``first_year`` for people.

    >>> node_year({"first_year": 2004}), node_year({})
    (2004, None)
    """
    year = data.get("year", data.get("first_year"))
    return year if isinstance(year, int) else None


def force_layout(
    G: nx.Graph,
    groups: Mapping[Node, int],
    ranks: Mapping[Node, float],
    *,
    radius: Mapping[Node, float] | None = None,
    seed: int = 0,
) -> dict[Node, Position]:
    """Positions for the force view: discs of ``radius`` (default ``_SPACING / 3``) apart.

    ``ranks`` is not used by the force view; it is accepted so every layout takes the same
    arguments. See ``_force`` for the method.

    >>> sorted(force_layout(nx.path_graph(3), {0: 0, 1: 0, 2: 0}, {0: 1, 1: 2, 2: 1}))
    [0, 1, 2]
    """
    return spread(G, groups, radius if radius is not None else dict.fromkeys(G, _SPACING / 3), seed=seed)


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
