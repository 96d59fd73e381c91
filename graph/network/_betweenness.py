"""Betweenness per connected component, Brandes' algorithm run on many sources at once.

A node's betweenness sums, over pairs of nodes, the share of shortest paths between them
that pass through it; a path never leaves its (weakly) connected component, so each
component is measured on its own and an isolated node or a pair gets 0 without any
search. A component is searched from every node (exact) or, past ``exact_limit`` nodes,
from ``samples`` of them (Brandes & Pich 2007). The searches are level-synchronous
breadth-first searches on a sparse matrix, one column per search (Brandes' forward and
backward passes as matrix products), so Python touches each level, not each node; small
components share columns, because searches in different components never meet.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

__all__ = ["component_betweenness"]

#: Cells (nodes x searches) of the matrices one batch of searches fills: 16 MB each.
_CELLS = 1 << 21


@dataclass(frozen=True, slots=True)
class _Component:
    members: np.ndarray  # node indices, in the graph's order
    sources: np.ndarray  # the nodes searched from: all members, or a sample
    scale: np.ndarray  # per member: the estimate's factor (1 when exact)


def component_betweenness(
    n: int, src: np.ndarray, dst: np.ndarray, *, directed: bool, exact_limit: int, samples: int, seed: int
) -> np.ndarray:
    """Normalised betweenness of nodes ``0..n-1`` of the graph with edges ``src -> dst``.

    Equal to networkx's ``betweenness_centrality(G)`` where a component is searched from
    every node; on a sampled component of ``c`` nodes, ``k`` sources drawn (in node order,
    by ``random.Random(seed)``, components in order of their first node) give networkx's
    estimator on that component: the sum over sources times ``(c-1)/k``, or
    ``(c-1)/(k-1)`` for a node that is itself a source.
    """
    A = _adjacency(n, src, dst, directed)
    raw = np.zeros(n)
    if n < 3:
        return raw
    components = list(_components(A, exact_limit, samples, random.Random(seed)))
    order = np.concatenate([c.members for c in components]) if components else np.zeros(0, np.int64)
    P = A[order][:, order].tocsr()
    start = 0
    for group in _groups(components):
        size = sum(len(c.members) for c in group)
        block = P[start : start + size, start : start + size]
        raw[np.concatenate([c.members for c in group])] = _dependencies(block, group, directed)
        start += size
    return raw / ((n - 1) * (n - 2))


def _adjacency(n: int, src: np.ndarray, dst: np.ndarray, directed: bool) -> sparse.csr_array:
    """0/1 matrix of hops; a self-loop lies on no shortest path, so it is left out."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
    A = sparse.csr_array((np.ones(len(src)), (src, dst)), shape=(n, n))
    A.sum_duplicates()
    A.data[:] = 1.0
    return A


def _components(A: sparse.csr_array, exact_limit: int, samples: int, rng: random.Random) -> Iterator[_Component]:
    """The components of three nodes or more, each with its sources and scale."""
    count, labels = csgraph.connected_components(A, directed=True, connection="weak")
    by_label = np.argsort(labels, kind="stable")
    bounds = np.cumsum(np.bincount(labels, minlength=count))[:-1]
    for members in np.split(by_label, bounds):
        c = len(members)
        if c < 3:
            continue
        if c <= exact_limit or samples >= c:
            yield _Component(members, members, np.ones(c))
            continue
        sources = np.array(rng.sample(members.tolist(), samples), dtype=np.int64)
        scale = np.where(np.isin(members, sources), (c - 1) / (samples - 1), (c - 1) / samples)
        yield _Component(members, sources, scale)


def _groups(components: list[_Component]) -> Iterator[list[_Component]]:
    """Components searched together: consecutive ones while nodes x searches stay small."""
    group: list[_Component] = []
    nodes = width = 0
    for component in components:
        grown = (nodes + len(component.members)) * max(width, len(component.sources))
        if group and grown > _CELLS:
            yield group
            group, nodes, width = [], 0, 0
        group.append(component)
        nodes += len(component.members)
        width = max(width, len(component.sources))
    if group:
        yield group


def _dependencies(block: sparse.csr_array, group: list[_Component], directed: bool) -> np.ndarray:
    """Each node's betweenness in ``block`` (the group's nodes), scaled per component."""
    offsets = np.cumsum([0] + [len(c.members) for c in group])
    local = [np.searchsorted(c.members, c.sources) for c in group]  # members are in ascending order
    width = max(len(c.sources) for c in group)
    size = int(offsets[-1])
    step = max(1, _CELLS // size)
    forward = block.T.tocsr() if directed else block
    total = np.zeros(size)
    for first in range(0, width, step):
        rows, cols = [], []
        for offset, sources in zip(offsets, local, strict=False):
            taken = sources[first : first + step]
            rows.append(taken + offset)
            cols.append(np.arange(len(taken)))
        total += _brandes(block, forward, np.concatenate(rows), np.concatenate(cols), min(step, width - first))
    scale = np.concatenate([c.scale for c in group])
    scaled: np.ndarray = total * scale
    return scaled


def _brandes(
    block: sparse.csr_array, forward: sparse.csr_array, rows: np.ndarray, cols: np.ndarray, width: int
) -> np.ndarray:
    """Sum over the searches (column ``j`` starts from every ``rows[i]`` with
    ``cols[i] == j``) of each node's dependency, Brandes' delta, without the sources'."""
    size = block.shape[0]
    sigma = np.zeros((size, width))
    sigma[rows, cols] = 1.0
    unseen = sigma == 0
    levels = [~unseen]  # levels[d]: the (node, search) cells d hops from the search's source
    frontier = sigma.copy()
    while True:  # forward: shortest-path counts, level by level
        reached = forward @ frontier
        new = reached > 0
        new &= unseen
        if not new.any():
            break
        unseen &= ~new
        reached *= new
        sigma += reached
        frontier = reached
        levels.append(new)
    inverse = np.divide(1.0, sigma, out=np.zeros_like(sigma), where=~unseen)
    delta = np.zeros((size, width))
    for d in range(len(levels) - 1, 0, -1):  # backward: dependencies, deepest level first
        coefficient = delta + 1.0
        coefficient *= inverse
        coefficient *= levels[d]
        back = block @ coefficient
        back *= sigma
        back *= levels[d - 1]
        delta += back
    delta[rows, cols] = 0.0  # a source's own dependency is no betweenness
    dependencies: np.ndarray = delta.sum(axis=1)
    return dependencies
