"""Maps in notebooks: ``render_map`` returns a ``Map`` that Jupyter, VS Code and Colab show inline.

The map displays as an ``<iframe srcdoc=…>`` holding the whole offline page (vis-network
inlined, no request), so it works without a server or network and survives saving the
notebook. The frame is sandboxed: scripts run, but the page gets no access to the notebook.
``Map.to_pyvis()`` hands the same nodes, positions, colours and tooltips to pyvis, for
users who want pyvis's own API; the direct page stays the default writer (see DESIGN.md on
why pyvis's ``add_node`` is not used to build large pages).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from ..network.behind import records_behind
from ..network.projections import project
from ..network.where import Where, parse_where
from .page import BuiltPage, build_page, write_page

__all__ = ["Map", "render_map"]

_FRAME_HEIGHT = 640


@dataclass(frozen=True, slots=True)
class Map:
    """A drawn network: the page's HTML and data. Shows inline in notebooks; ``save`` writes it.

    >>> m = Map.of(nx.DiGraph([("2", "1")], kind="citation"))
    >>> m.nodes, m._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    (2, True)
    """

    built: BuiltPage

    @classmethod
    def of(cls, G: nx.Graph, **options: Any) -> Map:
        """The map of ``G`` with ``render_page``'s options."""
        return cls(build_page(G, **options))

    @property
    def html(self) -> str:
        return self.built.page

    @property
    def nodes(self) -> int:
        return self.built.nodes

    @property
    def edges(self) -> int:
        return self.built.edges

    @property
    def notice(self) -> str:
        return self.built.notice

    def _repr_html_(self) -> str:
        # srcdoc keeps the page offline and self-contained; the sandbox keeps it from the notebook.
        return (
            f'<iframe srcdoc="{html.escape(self.built.page, quote=True)}" title="{html.escape(self.built.title)}" '
            f'style="width:100%;height:{_FRAME_HEIGHT}px;border:1px solid #ddd;border-radius:4px" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>'
        )

    def save(self, path: Path | str, *, chromium: str | None = None) -> Path:
        """Write the page at ``path`` (``.png``: an image of it drawn by ``chromium``, needs
        ``pubgraph[png]``)."""
        write_page(Path(path), self.built.page, chromium)
        return Path(path)

    def to_pyvis(self) -> Any:
        """A ``pyvis.network.Network`` of the same nodes, positions, colours, sizes and tooltips, physics off."""
        from pyvis.network import Network

        data = self.built.data
        N, E = data["nodes"], data["edges"]
        net = Network(height=f"{_FRAME_HEIGHT}px", width="100%", directed=data["directed"], heading=self.built.title)
        net.toggle_physics(False)
        for i, key in enumerate(N["key"]):
            # pyvis writes list fields straight into its page; filling them skips add_node's O(n) membership test.
            node = {
                "id": key,
                "label": N["label"][i],
                "x": N["x"][i],
                "y": N["y"][i],
                "size": N["size"][i],
                "color": data["palette"][N["color"][i]],
                "title": _tooltip(N, i),
                "shape": "dot",
                "physics": False,
            }
            net.nodes.append(node)
            net.node_ids.append(key)
            net.node_map[key] = node
        for j, (a, b) in enumerate(zip(E["from"], E["to"], strict=True)):
            edge: dict[str, Any] = {"from": N["key"][a], "to": N["key"][b]}
            if "weight" in E:
                edge["value"] = E["weight"][j]
            if data["directed"]:
                edge["arrows"] = "to"
            net.edges.append(edge)
        return net


def _tooltip(N: dict[str, list[Any]], i: int) -> str:
    """The hover text: title, authors, journal and year, as escaped text (pyvis may show it as HTML)."""
    where = " \u00b7 ".join(str(v) for v in (N["journal"][i], N["year"][i]) if v not in (None, ""))
    lines = [N["title"][i], N["authors"][i], where]
    return html.escape("\n".join(line for line in lines if line), quote=False)


def render_map(
    network: str | nx.Graph,
    store: Any = None,
    *,
    where: Where | list[str] | tuple[str, ...] | None = None,
    min_weight: int = 1,
    include_cited: bool = False,
    **options: Any,
) -> Map:
    """A map in one call: project ``network`` (a kind) from ``store``, or draw a graph you have.

    ``options`` are ``render_page``'s (``color``, ``size``, ``layout``, ``top``, ``title``,
    ``isolated``, ``seed``). With a store, communities are named by their records' terms and
    clicking a link lists its records, as ``pubgraph render`` does.

    >>> render_map(nx.Graph([("a", "b")], kind="coauthor")).edges
    1
    """
    if isinstance(where, (list, tuple)):
        where = parse_where(where)
    if isinstance(network, str):
        extra: dict[str, Any] = {"include_cited": True} if include_cited else {}
        G = project(network, store, where, min_weight=min_weight, **extra)
    else:
        G = network
    behind = records_behind(G, store, where) if isinstance(network, str) or store is not None else None
    return Map(build_page(G, behind=behind, **options))
