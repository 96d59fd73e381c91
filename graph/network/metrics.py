"""Node metrics as plain functions of a graph: each returns a dict keyed by node.

Counts follow the graph's direction: in a citation network (citing -> cited) the in-degree
is the citations a work received within the network, the out-degree its references there.
On weighted graphs ``weight`` counts (joint articles, shared references …), so degrees are
summed weights and PageRank follows weight; betweenness counts hops and ignores weight,
because a heavier tie is a closer one, not a longer one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Mapping
from itertools import chain
from operator import methodcaller
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from ..errors import NetworkError
from ._betweenness import component_betweenness
from ._kinds import COMMUNITY_METHODS

__all__ = [
    "COMMUNITY_METHODS",
    "LOUVAIN_LIMIT",
    "EdgeArrays",
    "betweenness",
    "citation_counts",
    "communities",
    "default_community_method",
    "degree",
    "edge_arrays",
    "h_index",
    "node_metrics",
    "pagerank",
    "reference_counts",
]

Node = Hashable
#: ``edge_arrays``'s answer: nodes, and each edge's source index, target index and weight.
EdgeArrays = tuple[list[Node], np.ndarray, np.ndarray, np.ndarray]
LOUVAIN_LIMIT = 5000
# Five refinement rounds reach Louvain's modularity or better in a tenth of a second on
# 20,000 nodes; iterating to a fixed point (-1) costs ten times more for the last 1 %.
_LEIDEN_ROUNDS = 5


def _directed(G: nx.Graph, what: str) -> None:
    if not G.is_directed():
        kind = G.graph.get("kind", "undirected")
        raise NetworkError(f"{what} needs a directed network (citation, journal); the {kind} network is undirected")


def citation_counts(G: nx.DiGraph) -> dict[Node, int]:
    """Citations received within the network: the (weighted) in-degree.

    >>> citation_counts(nx.DiGraph([("b", "a"), ("c", "a"), ("c", "b")]))
    {'b': 1, 'a': 2, 'c': 0}
    """
    _directed(G, "citation counts")
    return {node: int(count) for node, count in G.in_degree(weight="weight")}


def reference_counts(G: nx.DiGraph) -> dict[Node, int]:
    """References made within the network: the (weighted) out-degree.

    >>> reference_counts(nx.DiGraph([("b", "a"), ("c", "a"), ("c", "b")]))
    {'b': 1, 'a': 0, 'c': 2}
    """
    _directed(G, "reference counts")
    return {node: int(count) for node, count in G.out_degree(weight="weight")}


def degree(G: nx.Graph) -> dict[Node, int]:
    """Neighbours of each node (co-authors, co-cited works …), ignoring weight.

    >>> degree(nx.Graph([("a", "b"), ("a", "c")]))
    {'a': 2, 'b': 1, 'c': 1}
    """
    return {node: int(count) for node, count in G.degree()}


def edge_arrays(G: nx.Graph, weight: str | None = "weight") -> EdgeArrays:
    """``G``'s nodes, and its edges as arrays of source index, target index and weight.

    Edges come in ``G.edges()`` order (an undirected edge once); a missing ``weight`` (or
    ``weight=None``) counts 1. Read through the adjacency in comprehensions, this is several
    times faster than iterating ``G.edges(data=...)``.

    >>> nodes, src, dst, w = edge_arrays(nx.Graph([("a", "b"), ("b", "c")]))
    >>> nodes, src.tolist(), dst.tolist(), w.tolist()
    (['a', 'b', 'c'], [0, 1], [1, 2], [1.0, 1.0])
    """
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = [nbrs for _node, nbrs in G.adjacency()]
    counts = np.fromiter(map(len, adjacency), dtype=np.int64, count=len(nodes))
    src = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
    dst = np.fromiter(map(index.__getitem__, chain.from_iterable(adjacency)), dtype=np.int64, count=len(src))
    attributes = chain.from_iterable(map(methodcaller("values"), adjacency))
    if weight is None:
        w = np.ones(len(src))
    elif G.is_multigraph():  # parallel edges as one, their weights summed (as networkx's matrices)
        w = np.fromiter((sum(k.get(weight, 1) for k in d.values()) for d in attributes), float, len(src))
    else:
        w = np.fromiter(map(methodcaller("get", weight, 1), attributes), dtype=float, count=len(src))
    if not G.is_directed():  # each edge is listed from both ends: keep it where G.edges() yields it
        first = dst >= src
        src, dst, w = src[first], dst[first], w[first]
    return nodes, src, dst, w


def pagerank(
    G: nx.Graph, *, alpha: float = 0.85, weight: str | None = "weight", edges: EdgeArrays | None = None
) -> dict[Node, float]:
    """PageRank; on citation networks rank flows to cited works.

    networkx's scipy power iteration (same matrix, start, tolerance and 100 rounds at
    most), with the matrix built from ``edge_arrays``: the same ranks, up to the last bits
    of rounding, in a fraction of the time. ``edges``: ``edge_arrays(G, weight)``, if the
    caller has it already.

    >>> ranks = pagerank(nx.DiGraph([("b", "a"), ("c", "a")]))
    >>> max(ranks, key=ranks.get)
    'a'
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}
    nodes, src, dst, w = edges or edge_arrays(G, weight)
    if not G.is_directed():  # both directions; a self-loop once
        loop = src == dst
        src, dst, w = (
            np.concatenate([src, dst[~loop]]),
            np.concatenate([dst, src[~loop]]),
            np.concatenate([w, w[~loop]]),
        )
    A = sparse.coo_array((w, (src, dst)), shape=(n, n)).tocsr()
    out = np.asarray(A.sum(axis=1)).ravel()
    scale = np.zeros(n)
    scale[out != 0] = 1.0 / out[out != 0]
    A = sparse.dia_array((scale[None, :], 0), shape=(n, n)).tocsr() @ A
    dangling = np.flatnonzero(out == 0)
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    for _ in range(100):
        last = x
        x = alpha * (x @ A + x[dangling].sum() * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < n * 1.0e-6:
            return dict(zip(nodes, x.tolist(), strict=True))
    raise NetworkError("PageRank did not converge in 100 rounds; try another alpha")


def betweenness(
    G: nx.Graph, *, exact_limit: int = 2000, samples: int = 256, seed: int = 0, edges: EdgeArrays | None = None
) -> dict[Node, float]:
    """Normalised betweenness centrality, as networkx's, measured per connected component.

    Paths stay inside a (weakly) connected component, so each is measured on its own: an
    isolated node or a pair is 0 at no cost; a component of up to ``exact_limit`` nodes is
    exact (equal to ``nx.betweenness_centrality(G)``, normalised by the whole graph's
    ``(n-1)(n-2)``); a bigger one is estimated from ``samples`` of its nodes (Brandes & Pich
    2007), drawn with ``seed``, so the same seed gives the same answer. The estimator is
    networkx's on that component: the sources' dependencies summed, times ``(c-1)/k`` for a
    component of ``c`` nodes and ``k`` samples (``(c-1)/(k-1)`` for a node that was a
    source), so a connected graph gives ``nx.betweenness_centrality(G, k, seed=seed)``.
    ``edges``: ``edge_arrays(G)``, if the caller has it already (weights are ignored).

    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    if samples < 2:
        raise NetworkError(f"betweenness needs at least 2 samples per component, not {samples}")
    nodes, src, dst, _w = edges or edge_arrays(G, None)
    values = component_betweenness(
        len(nodes), src, dst, directed=G.is_directed(), exact_limit=exact_limit, samples=samples, seed=seed
    )
    return dict(zip(nodes, values.tolist(), strict=True))


def communities(
    G: nx.Graph,
    *,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int = 0,
    weight: str | None = "weight",
    edges: EdgeArrays | None = None,
) -> dict[Node, int]:
    """Community of each node: 0 is the largest, ties by first node; direction is ignored.

    ``louvain`` is networkx's; ``leiden`` (modularity, Traag et al. 2019) needs the optional
    python-igraph (``pip install 'pubgraph[leiden]'``) and is some 50 times faster on large
    graphs; ``label-propagation`` (networkx's fast label propagation) is quicker still and
    coarser, for drawing very large networks without igraph. ``edges``: Leiden reads
    ``edge_arrays(G, weight or "weight")`` if the caller has it already.

    >>> two_triangles = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> communities(two_triangles)
    {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1}
    """
    if method not in COMMUNITY_METHODS:
        raise NetworkError(f"unknown community method {method!r}; use one of {', '.join(COMMUNITY_METHODS)}")
    if G.number_of_nodes() == 0:
        return {}
    if method == "leiden":
        groups = _leiden(G, resolution, seed, weight, edges)
    else:
        finder = _louvain if method == "louvain" else _fast_label_propagation
        groups = finder(_undirected(G, weight, edges) if G.is_directed() else G, resolution, seed, weight)
        found = set().union(*groups)
        groups += [{node} for node in G if node not in found]  # _undirected leaves out nodes without ties
    position = {node: i for i, node in enumerate(G)}
    ordered = sorted(groups, key=lambda group: (-len(group), min(position[n] for n in group)))
    return {node: index for index, group in enumerate(ordered) for node in group}


def _ties(edges: EdgeArrays) -> EdgeArrays:
    """Each pair of linked nodes once, in the order first seen, lower index first."""
    nodes, src, dst, w = edges
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    # A citation both ways is one tie, with the weight of the link seen first.
    _keys, first = np.unique(low * len(nodes) + high, return_index=True)
    first.sort()
    return nodes, low[first], high[first], w[first]


def _undirected(G: nx.DiGraph, weight: str | None, edges: EdgeArrays | None) -> nx.Graph:
    """``G`` without direction, as a graph of its own, nodes and ties in ``G``'s order.

    networkx's undirected view lists a node's neighbours from a set, in an order that
    changes with ``PYTHONHASHSEED``, and Louvain breaks ties by that order: through the
    view, the same seed gave other communities in each run (and ran slower). Nodes
    without ties are left out: no community method moves them, and in a citation
    network of loaded records most nodes have none (Louvain's passes cost per node).
    """
    nodes, low, high, w = _ties(edges or edge_arrays(G, weight or "weight"))
    H = nx.Graph()
    H.add_nodes_from(nodes[i] for i in np.unique(np.concatenate([low, high])).tolist())
    H.add_weighted_edges_from(
        zip(map(nodes.__getitem__, low.tolist()), map(nodes.__getitem__, high.tolist()), w.tolist(), strict=True),
        weight=weight or "weight",
    )
    return H


def _louvain(G: nx.Graph, resolution: float, seed: int, weight: str | None) -> list[set[Node]]:
    found = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    return [set(group) for group in found]


def _leiden(G: nx.Graph, resolution: float, seed: int, weight: str | None, edges: EdgeArrays | None) -> list[set[Node]]:
    try:
        import igraph
    except ImportError as err:
        raise NetworkError(
            "community method 'leiden' needs python-igraph: pip install 'pubgraph[leiden]' (or use --method louvain)"
        ) from err
    nodes, low, high, w = _ties(edges or edge_arrays(G, weight or "weight"))
    graph = igraph.Graph(n=len(nodes), edges=np.column_stack([low, high]).tolist())
    weights = w.tolist()
    previous = igraph.set_random_number_generator(random.Random(seed))
    try:
        found = graph.community_leiden(
            objective_function="modularity",
            weights=weights if weight else None,
            resolution=resolution,
            n_iterations=_LEIDEN_ROUNDS,
        )
    finally:
        igraph.set_random_number_generator(previous)
    return [{nodes[i] for i in members} for members in found]


def _fast_label_propagation(G: nx.Graph, resolution: float, seed: int, weight: str | None) -> list[set[Node]]:
    return [set(group) for group in nx.community.fast_label_propagation_communities(G, weight=weight, seed=seed)]


def default_community_method(nodes: int) -> str:
    """What pages colour by: Leiden when python-igraph is installed; else Louvain up to
    ``LOUVAIN_LIMIT`` nodes and fast label propagation beyond (seconds instead of minutes).

    >>> default_community_method(10) in ("leiden", "louvain")
    True
    """
    try:
        import igraph  # noqa: F401
    except ImportError:
        return "louvain" if nodes <= LOUVAIN_LIMIT else "label-propagation"
    return "leiden"


def h_index(A: nx.Graph, C: nx.DiGraph) -> dict[Node, int]:
    """Each author's h-index within the corpus: h papers with at least h citations in ``C``.

    ``A`` is a co-authorship network (nodes carry ``pmids``, space-separated); ``C`` a
    citation network whose nodes are PMIDs. Citations are those ``C`` holds, so the index
    measures standing inside the loaded literature, not in the world.

    >>> A = nx.Graph(); A.add_node("x", pmids="1 2 3")
    >>> C = nx.DiGraph([("4", "1"), ("5", "1"), ("4", "2"), ("5", "2"), ("4", "3")])
    >>> h_index(A, C)
    {'x': 2}
    """
    if A.is_directed():
        raise NetworkError("h_index needs the co-authorship network first, then the citation network")
    _directed(C, "h_index's citation network")
    cited = citation_counts(C)
    return {
        author: _h([cited.get(p, 0) for p in str(data.get("pmids", "")).split()]) for author, data in A.nodes(data=True)
    }


def _h(counts: list[int]) -> int:
    ordered = sorted(counts, reverse=True)
    return sum(1 for rank, count in enumerate(ordered, start=1) if count >= rank)


def node_metrics(
    G: nx.Graph,
    *,
    with_betweenness: bool = True,
    method: str = "louvain",
    seed: int = 0,
    extra: Mapping[str, Callable[[nx.Graph], Mapping[Node, Any]]] | None = None,
) -> dict[str, dict[Node, Any]]:
    """The standard table: metric name -> node -> value, for the CLI and for write-back.

    Directed networks get ``citations`` and ``references`` (within the network),
    undirected ones ``degree`` and ``strength``; all get ``pagerank``, ``betweenness``
    (unless ``with_betweenness=False``) and ``community``.

    >>> table = node_metrics(nx.DiGraph([("b", "a"), ("c", "a")]))
    >>> sorted(table), table["citations"]["a"]
    (['betweenness', 'citations', 'community', 'pagerank', 'references'], 2)
    """
    table: dict[str, dict[Node, Any]] = {}
    if G.is_directed():
        table["citations"] = citation_counts(G)
        table["references"] = reference_counts(G)
    else:
        table["degree"] = degree(G)
        table["strength"] = {node: int(s) for node, s in G.degree(weight="weight")}
    edges = edge_arrays(G)  # read once for PageRank, betweenness and Leiden
    table["pagerank"] = pagerank(G, edges=edges)
    if with_betweenness:
        table["betweenness"] = betweenness(G, seed=seed, edges=edges)
    table["community"] = communities(G, method=method, seed=seed, edges=edges)
    for name, function in (extra or {}).items():
        table[name] = dict(function(G))
    return table
