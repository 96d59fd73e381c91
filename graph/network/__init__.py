"""Networks projected from the store with SPARQL, their metrics and their export formats.

Names are imported on first use, so that ``import graph.network.where`` (as the command
line does at start) does not pay for networkx and scipy.

>>> from graph.store import KnowledgeStore
>>> G = project("citation", KnowledgeStore.in_memory(), parse_where(["year=2010-2020"]))
>>> G.graph
{'kind': 'citation', 'where': 'year=2010-2020'}
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .export import write_network
    from .kleinberg import Burst, bursts, term_years
    from .mainpath import acyclic, main_path, search_path_count
    from .metrics import (
        betweenness,
        citation_counts,
        communities,
        degree,
        h_index,
        node_metrics,
        pagerank,
        reference_counts,
    )
    from .projections import PROJECTIONS, Projection, project
    from .where import Where, parse_where
    from .writeback import write_metrics

_HOMES = {
    "kleinberg": ("Burst", "bursts", "term_years"),
    "export": ("write_network",),
    "mainpath": ("acyclic", "main_path", "search_path_count"),
    "metrics": (
        "betweenness",
        "citation_counts",
        "communities",
        "degree",
        "h_index",
        "node_metrics",
        "pagerank",
        "reference_counts",
    ),
    "projections": ("PROJECTIONS", "Projection", "project"),
    "where": ("Where", "parse_where"),
    "writeback": ("write_metrics",),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "PROJECTIONS",
    "Burst",
    "Projection",
    "Where",
    "acyclic",
    "betweenness",
    "bursts",
    "citation_counts",
    "communities",
    "degree",
    "h_index",
    "main_path",
    "node_metrics",
    "pagerank",
    "parse_where",
    "project",
    "reference_counts",
    "search_path_count",
    "term_years",
    "write_metrics",
    "write_network",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
