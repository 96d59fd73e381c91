"""Main-path analysis of a citation network (Hummon & Doreian 1989; Verspagen 2007; Liu & Lu 2012).

The search path count (SPC) of a citation link is the number of paths, from a work that
no one in the network cites to a work that cites no one, that run through the link:
``N-(u) * N+(v)`` for the link u -> v, with N- the paths reaching u from such a start and
N+ the paths from v to such an end.

The main path is one path, never a fan, and the same on every run:

- ``global`` (the default): the source-to-sink path whose links' SPC add up to the most
  (Liu & Lu 2012). Ties go to the path with more links, then to the one whose works come
  first in the network's node order (works are added in PMID order).
- ``local``: the local forward search of Hummon & Doreian, from old cited works to the works
  citing them: start at the highest-SPC link into a work that cites nothing, and from each
  work go on along its highest-SPC citing link until a work nobody cites. Ties go to the
  link whose works come first in node order. On sparse data most SPCs are 1 and this walk
  is arbitrary among equals; the global path at least maximises what it carries.

SPC needs an acyclic network; :func:`acyclic` drops the links that close citation cycles
(records citing each other, usually published together).
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from ..errors import NetworkError

__all__ = ["SEARCHES", "acyclic", "main_path", "search_path_count"]

SEARCHES = ("global", "local")

Node = Hashable
Edge = tuple[Node, Node]


def acyclic(G: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``G`` without the links that close cycles.

    In each cycle found, the link to the most recent cited work (by ``year``, then node
    order) is dropped: citing a later paper is what a cycle's odd link does.

    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")])
    >>> G.nodes["a"]["year"], G.nodes["b"]["year"] = 2001, 2000
    >>> H = acyclic(G)
    >>> sorted(H.edges()), H.graph["dropped_links"]
    ([('a', 'b'), ('b', 'c')], 1)
    """
    _citation_graph(G)
    H = G.copy()
    order = {node: i for i, node in enumerate(G)}
    dropped = 0
    while True:
        try:
            cycle = nx.find_cycle(H)
        except nx.NetworkXNoCycle:
            break
        edge = max(cycle, key=lambda e: (H.nodes[e[1]].get("year", 0), order[e[1]]))
        H.remove_edge(edge[0], edge[1])
        dropped += 1
    H.graph["dropped_links"] = dropped
    return H


def search_path_count(G: nx.DiGraph) -> dict[Edge, int]:
    """SPC of every citation link (citing, cited) of an acyclic network.

    >>> spc = search_path_count(nx.DiGraph([("c", "a"), ("c", "b"), ("d", "c")]))
    >>> spc[("d", "c")], spc[("c", "a")]
    (2, 1)
    """
    _citation_graph(G)
    try:
        order = list(nx.topological_sort(G))
    except nx.NetworkXUnfeasible as err:
        raise NetworkError(
            "the citation network has cycles, so search path counts are undefined; "
            "drop the cycles' links first with graph.network.mainpath.acyclic(G)"
        ) from err
    reaching: dict[Node, int] = {}
    for node in order:
        reaching[node] = sum(reaching[p] for p in G.predecessors(node)) or 1
    leaving: dict[Node, int] = {}
    for node in reversed(order):
        leaving[node] = sum(leaving[s] for s in G.successors(node)) or 1
    return {(u, v): reaching[u] * leaving[v] for u, v in G.edges()}


def main_path(G: nx.DiGraph, spc: dict[Edge, int] | None = None, *, search: str = "global") -> list[Edge]:
    """The links of the main path, as (citing, cited), oldest knowledge first.

    ``search`` is ``global`` or ``local`` (see the module docstring); either gives one path.

    >>> G = nx.DiGraph([("c", "a"), ("c", "b"), ("d", "c"), ("e", "c"), ("e", "b")])
    >>> main_path(G)
    [('c', 'a'), ('d', 'c')]
    >>> main_path(nx.DiGraph([("b", "a"), ("c", "a"), ("d", "c"), ("e", "c")]), search="local")
    [('c', 'a'), ('d', 'c')]
    """
    if search not in SEARCHES:
        raise NetworkError(f"unknown main-path search {search!r}; use one of {', '.join(SEARCHES)}")
    spc = search_path_count(G) if spc is None else spc
    order = {node: i for i, node in enumerate(G)}
    path = _global(G, spc, order) if search == "global" else _local(G, spc, order)
    return path


def _global(G: nx.DiGraph, spc: dict[Edge, int], order: dict[Node, int]) -> list[Edge]:
    """The source-to-sink path of largest total SPC, by dynamic programming from the sinks."""
    best: dict[Node, tuple[int, int, Node | None]] = {}  # total, links, next work (cited)
    for node in reversed(list(nx.topological_sort(G))):
        found: tuple[int, int, Node | None] = (0, 0, None)
        for cited in sorted(G.successors(node), key=order.__getitem__):
            total, links, _next = best[cited]
            if (spc[node, cited] + total, links + 1) > found[:2]:
                found = (spc[node, cited] + total, links + 1, cited)
        best[node] = found
    starts = [n for n in G if G.in_degree(n) == 0 and G.out_degree(n)]
    if not starts:
        return []
    at: Node | None = max(starts, key=lambda n: (best[n][0], best[n][1], -order[n]))
    path: list[Edge] = []
    while at is not None and best[at][2] is not None:
        path.append((at, best[at][2]))
        at = best[at][2]
    return path[::-1]


def _local(G: nx.DiGraph, spc: dict[Edge, int], order: dict[Node, int]) -> list[Edge]:
    """Hummon & Doreian's forward search, one link at a time, ties to the first works."""

    def first(edges: list[Edge]) -> Edge | None:
        return min(edges, key=lambda e: (-spc[e], order[e[1]], order[e[0]]), default=None)

    chosen = first([edge for edge in spc if G.out_degree(edge[1]) == 0])
    path: list[Edge] = []
    while chosen is not None:
        path.append(chosen)
        chosen = first([(citing, chosen[0]) for citing in G.predecessors(chosen[0])])
    return path


def _citation_graph(G: nx.Graph) -> None:
    if not G.is_directed() or G.is_multigraph():
        raise NetworkError("main-path analysis needs a citation network (a directed graph, citing -> cited)")
