"""The registry of projections: a network kind's name -> the function that builds it.

A new projection is a function plus one entry here (STYLE rule 1); the CLI lists the
names from this table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import NetworkError
from ._store import StoreLike
from .citation import Progress, _quiet, citation_network, cocitation_network, coupling_network, journal_network
from .coauthor import coauthor_network
from .cooccurrence import keyword_network, mesh_network
from .where import Where

__all__ = ["PROJECTIONS", "Projection", "project"]


@dataclass(frozen=True, slots=True)
class Projection:
    """A network kind: what its nodes and edges are, and the function building it."""

    build: Callable[..., nx.Graph]
    nodes: str
    edges: str
    weighted: bool = True


PROJECTIONS: dict[str, Projection] = {
    "citation": Projection(citation_network, "articles", "citing -> cited", weighted=False),
    "cocitation": Projection(cocitation_network, "cited works", "weight = records citing both"),
    "coupling": Projection(coupling_network, "articles", "weight = shared references"),
    "coauthor": Projection(coauthor_network, "people", "weight = joint articles"),
    "mesh": Projection(mesh_network, "MeSH descriptors", "weight = articles with both"),
    "keyword": Projection(keyword_network, "keywords", "weight = articles with both"),
    "journal": Projection(journal_network, "journals", "citing -> cited journal, weight = citation links"),
}


def project(
    kind: str,
    store: StoreLike = None,
    where: Where | None = None,
    *,
    min_weight: int = 1,
    progress: Progress = _quiet,
    **options: Any,
) -> nx.Graph:
    """Build the ``kind`` network (a key of :data:`PROJECTIONS`) from the store.

    ``min_weight`` applies to weighted kinds; other keyword ``options`` go to the
    projection (``include_cited`` for citation, ``major_only`` for mesh).

    >>> from graph.store import KnowledgeStore
    >>> project("coupling", KnowledgeStore.in_memory()).graph["kind"]
    'coupling'
    >>> project("authors", KnowledgeStore.in_memory())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.NetworkError: unknown network kind 'authors'; choose one of citation, cocitation, ...
    """
    if kind not in PROJECTIONS:
        raise NetworkError(f"unknown network kind {kind!r}; choose one of {', '.join(PROJECTIONS)}")
    if min_weight < 1:
        raise NetworkError(f"--min-weight must be 1 or more, not {min_weight}")
    projection = PROJECTIONS[kind]
    if projection.weighted:
        options["min_weight"] = min_weight
    elif min_weight != 1:
        raise NetworkError(f"the {kind} network is not weighted; --min-weight applies to the weighted kinds")
    unknown = set(options) - set(inspect.signature(projection.build).parameters)
    if unknown:
        raise NetworkError(f"the {kind} network does not take {', '.join(sorted(unknown))}")
    return projection.build(store, where, progress=progress, **options)
