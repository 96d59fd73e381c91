"""Main-path analysis of a citation network (Hummon & Doreian 1989; Verspagen 2007).

The search path count (SPC) of a citation link is the number of paths, from a work that
no one in the network cites to a work that cites no one, that run through the link:
``N-(u) * N+(v)`` for the link u -> v, with N- the paths reaching u from such a start and
N+ the paths from v to such an end. The main path follows knowledge as it flows, from old
cited works to the works citing them: it starts at the highest-SPC link leaving a work that
cites nothing, and from each work goes on along its highest-SPC outgoing link (local
forward search), keeping ties, until it reaches a work that nobody cites.

SPC needs an acyclic network; :func:`acyclic` drops the links that close citation cycles
(records citing each other, usually published together).
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from ..errors import NetworkError

__all__ = ["acyclic", "main_path", "search_path_count"]

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


def main_path(G: nx.DiGraph, spc: dict[Edge, int] | None = None) -> list[Edge]:
    """The links of the local forward main path, as (citing, cited), oldest knowledge first.

    >>> G = nx.DiGraph([("c", "a"), ("c", "b"), ("d", "c"), ("e", "c"), ("e", "b")])
    >>> main_path(G)
    [('c', 'a'), ('c', 'b'), ('d', 'c'), ('e', 'c')]
    """
    spc = search_path_count(G) if spc is None else spc
    starts = [edge for edge in spc if G.out_degree(edge[1]) == 0]
    chosen = _best(starts, spc)
    path: list[Edge] = []
    frontier: list[Node] = []
    while chosen:
        for edge in chosen:
            if edge not in path:
                path.append(edge)
                if edge[0] not in frontier:
                    frontier.append(edge[0])
        chosen = []
        while frontier and not chosen:
            node = frontier.pop(0)
            chosen = _best([(citing, node) for citing in G.predecessors(node)], spc)
    return path


def _best(edges: list[Edge], spc: dict[Edge, int]) -> list[Edge]:
    if not edges:
        return []
    top = max(spc[edge] for edge in edges)
    return [edge for edge in edges if spc[edge] == top]


def _citation_graph(G: nx.Graph) -> None:
    if not G.is_directed() or G.is_multigraph():
        raise NetworkError("main-path analysis needs a citation network (a directed graph, citing -> cited)")
