"""Node positions computed before the page is written, so the browser runs no physics.

- ``force``: Fruchterman-Reingold per connected component, two-level past ``_force.DIRECT``
  nodes (communities laid out alone, then placed as disks), components packed as disks,
  and overlapping discs pushed apart (see ``_force``).
- ``timeline``: x is the publication year (``year``, else ``first_year``), heights from
  the force layout, discs stacked without overlap, undated works in a band below the axis
  (see ``timeline``).

Positions are in screen pixels around (0, 0).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx

from ..network.metrics import EdgeArrays
from ._force import spread
from ._options import LAYOUTS
from .timeline import Timeline, timeline

__all__ = ["LAYOUTS", "Timeline", "force_layout", "node_year", "timeline_layout"]

Node = Hashable
Position = tuple[float, float]
_SPACING = 22.0


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
    edges: EdgeArrays | None = None,
) -> dict[Node, Position]:
    """Positions for the force view: discs of ``radius`` (default ``_SPACING / 3``) apart.

    ``ranks`` is not used by the force view; it is accepted so every layout takes the same
    arguments. ``edges``: ``graph.network.metrics.edge_arrays(G)``, if the caller has it.
    See ``_force`` for the method.

    >>> sorted(force_layout(nx.path_graph(3), {0: 0, 1: 0, 2: 0}, {0: 1, 1: 2, 2: 1}))
    [0, 1, 2]
    """
    return spread(G, groups, radius if radius is not None else dict.fromkeys(G, _SPACING / 3), seed=seed, edges=edges)


def timeline_layout(
    G: nx.Graph,
    groups: Mapping[Node, int],
    ranks: Mapping[Node, float],
    *,
    radius: Mapping[Node, float] | None = None,
    seed: int = 0,
    edges: EdgeArrays | None = None,
) -> Timeline:
    """Positions with x = year and heights from the force layout, the year axis, and the undated band.

    See ``timeline`` for the method. ``radius`` defaults to ``_SPACING / 3``.

    >>> G = nx.DiGraph([("b", "a")]); G.nodes["a"]["year"] = 2000; G.nodes["b"]["year"] = 2002
    >>> positions, axis, band = timeline_layout(G, {}, {})
    >>> positions["a"][0] < positions["b"][0], axis[0], band
    (True, (0.0, '2000'), None)
    """
    radius = radius if radius is not None else dict.fromkeys(G, _SPACING / 3)
    heights = {
        node: y for node, (_x, y) in force_layout(G, groups, ranks, radius=radius, seed=seed, edges=edges).items()
    }
    years = {node: node_year(data) for node, data in G.nodes(data=True)}
    return timeline(years, heights, radius, groups, ranks)
