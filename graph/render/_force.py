"""Force-directed positions whose discs do not overlap, in near-linear time.

Each connected component is laid out on its own and the components are packed as disks,
largest first. A component of up to ``DIRECT`` nodes gets Fruchterman-Reingold (exact
forces, numpy); a larger one is split into parts of at most ``DIRECT`` nodes (its
communities, split again with Louvain when too big), each part laid out alone, and the
parts placed by laying out the graph of parts the same way, with each part a disk: a
two-level scheme in the spirit of multilevel force layouts (Walshaw 2000; Hu 2005), which
keeps the exact O(n^2) step to small pieces. Every level ends with ``separate``, which
pushes overlapping discs apart, so the drawn discs (radius = vis-network's ``size``) do
not overlap.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

__all__ = ["DIRECT", "separate", "spread"]

Node = Hashable
DIRECT = 200
_PAD = 2.0
_DENSITY = 0.45
_ITERATIONS = 40
_GROW = 1.02
_TOLERANCE = 0.1  # pixels of overlap left: invisible, and chasing them costs rounds


def spread(
    G: nx.Graph, groups: Mapping[Node, int], radius: Mapping[Node, float], *, seed: int = 0
) -> dict[Node, tuple[float, float]]:
    """Positions in pixels for the nodes of ``G`` (direction ignored), discs ``radius`` apart.

    >>> positions = spread(nx.path_graph(4), {}, dict.fromkeys(range(4), 10.0))
    >>> min(math.dist(positions[a], positions[b]) for a in range(4) for b in range(a)) >= 20
    True
    """
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    links = _Links.of(len(nodes), ((index[a], index[b], w) for a, b, w in G.edges(data="weight", default=1)))
    radii = np.array([float(radius[n]) for n in nodes])
    labels = np.array([groups.get(n, -1) for n in nodes]) if groups else None
    xy = _spread(links, radii, labels, np.random.default_rng(seed))
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, xy, strict=True)}


class _Links:
    """Undirected weighted edges between nodes 0..n-1, without self-loops, as arrays."""

    def __init__(self, n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> None:
        self.n, self.src, self.dst, self.weight = n, src, dst, weight

    @classmethod
    def of(cls, n: int, edges: Iterable[tuple[int, int, float]]) -> _Links:
        found = [(a, b, float(w)) for a, b, w in edges if a != b]
        src = np.array([e[0] for e in found], dtype=np.int64)
        dst = np.array([e[1] for e in found], dtype=np.int64)
        return cls(n, src, dst, np.array([e[2] for e in found], dtype=float))

    def matrix(self) -> sparse.csr_matrix:
        both = np.concatenate([self.weight, self.weight])
        ends = (np.concatenate([self.src, self.dst]), np.concatenate([self.dst, self.src]))
        return sparse.csr_matrix((both, ends), shape=(self.n, self.n))

    def within(self, members: np.ndarray) -> _Links:
        """The links among ``members`` (indices), renumbered 0..len(members)-1."""
        local = np.full(self.n, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        keep = (local[self.src] >= 0) & (local[self.dst] >= 0)
        return _Links(len(members), local[self.src[keep]], local[self.dst[keep]], self.weight[keep])


def _spread(links: _Links, radii: np.ndarray, labels: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    count, component = csgraph.connected_components(links.matrix(), directed=False)
    members = [np.flatnonzero(component == c) for c in range(count)]
    members.sort(key=lambda m: (-len(m), int(m[0])))
    lone = np.array([int(m[0]) for m in members if len(m) == 1], dtype=np.int64)
    blocks = [
        _component(links.within(m), m, radii[m], labels[m] if labels is not None else None, rng)
        for m in members
        if len(m) > 1
    ]
    if len(lone):
        lone = lone[np.argsort(-radii[lone], kind="stable")]
        blocks.append((lone, *_finished(_sunflower(radii[lone]), radii[lone])))
    blocks.sort(key=lambda block: -block[2])
    xy = np.zeros((links.n, 2))
    for (where, part, _reach), centre in zip(blocks, _pack([b[2] + _PAD * 4 for b in blocks]), strict=True):
        xy[where] = part + np.array(centre)
    return xy


Block = tuple[np.ndarray, np.ndarray, float]


def _component(
    links: _Links, where: np.ndarray, radii: np.ndarray, labels: np.ndarray | None, rng: np.random.Generator
) -> Block:
    """One connected piece around (0, 0): its node indices (``where``), positions and reach."""
    if links.n <= DIRECT:
        return (where, *_finished(_fit(_fruchterman_reingold(links, rng), radii), radii))
    parts = _parts(links, labels)
    laid = [_component(links.within(p), p, radii[p], None, rng) for p in parts]
    home = np.empty(links.n, dtype=np.int64)
    for i, p in enumerate(parts):
        home[p] = i
    between = home[links.src] != home[links.dst]
    coarse = _Links(len(parts), home[links.src[between]], home[links.dst[between]], links.weight[between])
    reaches = np.array([reach for _w, _xy, reach in laid])
    centres = _spread(_merged(coarse), reaches, None, rng)
    order = np.concatenate(parts)
    xy = np.vstack([part_xy + centres[i] for i, (_w, part_xy, _r) in enumerate(laid)])
    # Parts hold no overlap and their disks overlap no other: nothing left to separate.
    return (where[order], *_finished(xy, radii[order], separated=True))


def _merged(links: _Links) -> _Links:
    """Parallel links summed into one."""
    a, b = np.minimum(links.src, links.dst), np.maximum(links.src, links.dst)
    summed = sparse.coo_matrix((links.weight, (a, b)), shape=(links.n, links.n)).tocsr().tocoo()
    return _Links(links.n, summed.row.astype(np.int64), summed.col.astype(np.int64), summed.data)


def _finished(xy: np.ndarray, radii: np.ndarray, *, separated: bool = False) -> tuple[np.ndarray, float]:
    xy = xy - xy.mean(axis=0)
    if not separated:
        xy = separate(xy, radii)
        xy -= xy.mean(axis=0)
    return xy, float(np.max(np.hypot(xy[:, 0], xy[:, 1]) + radii))


def _parts(links: _Links, labels: np.ndarray | None) -> list[np.ndarray]:
    """Node indices split into pieces of at most ``DIRECT``: communities, split again if too big."""
    pieces = [np.flatnonzero(labels == value) for value in np.unique(labels)] if labels is not None else []
    if len(pieces) < 2:
        pieces = _label_propagation(links)
    parts: list[np.ndarray] = []
    for piece in pieces:
        if len(piece) <= DIRECT:
            parts.append(piece)
        elif len(pieces) == 1:
            order = piece[csgraph.breadth_first_order(links.within(piece).matrix(), 0, directed=False)[0]]
            parts.extend(order[i : i + DIRECT] for i in range(0, len(order), DIRECT))
        else:
            parts.extend(piece[p] for p in _parts(links.within(piece), None))
    return _binned(links, parts)


def _binned(links: _Links, parts: list[np.ndarray]) -> list[np.ndarray]:
    """Small ``parts`` joined into pieces of up to ``DIRECT`` nodes, neighbours together.

    Parts are taken in breadth-first order of the graph of parts, so a piece holds parts
    linked to each other, and each piece costs one layout instead of one per part.
    """
    home = np.empty(links.n, dtype=np.int64)
    for i, p in enumerate(parts):
        home[p] = i
    between = home[links.src] != home[links.dst]
    coarse = _Links(len(parts), home[links.src[between]], home[links.dst[between]], links.weight[between])
    start = int(np.argmax([len(p) for p in parts]))
    seen = np.zeros(len(parts), dtype=bool)
    order: list[int] = []
    for root in [start, *range(len(parts))]:
        if not seen[root]:
            found = csgraph.breadth_first_order(coarse.matrix(), root, directed=False)[0]
            order.extend(int(i) for i in found if not seen[i])
            seen[found] = True
    bins: list[list[np.ndarray]] = [[]]
    for i in order:
        if bins[-1] and sum(len(p) for p in bins[-1]) + len(parts[i]) > DIRECT:
            bins.append([])
        bins[-1].append(parts[i])
    return [np.concatenate(b) for b in bins]


def _label_propagation(links: _Links) -> list[np.ndarray]:
    """Groups of densely linked nodes: igraph's label propagation (C) when installed, else networkx's."""
    try:
        import igraph
    except ImportError:
        return _nx_label_propagation(links)
    graph = igraph.Graph(n=links.n, edges=np.column_stack([links.src, links.dst]).tolist())
    previous = igraph.set_random_number_generator(random.Random(links.n))  # same input, same layout
    try:
        found = graph.community_label_propagation(weights=links.weight.tolist())
    finally:
        igraph.set_random_number_generator(previous)
    return [np.array(sorted(members), dtype=np.int64) for members in found if members]


def _nx_label_propagation(links: _Links) -> list[np.ndarray]:
    G = nx.Graph()
    G.add_nodes_from(range(links.n))
    G.add_weighted_edges_from(zip(links.src.tolist(), links.dst.tolist(), links.weight.tolist(), strict=True))
    found = nx.community.fast_label_propagation_communities(G, weight="weight", seed=links.n)
    return [np.array(sorted(c), dtype=np.int64) for c in found]


def _fruchterman_reingold(links: _Links, rng: np.random.Generator) -> np.ndarray:
    """Fruchterman & Reingold (1991) with exact repulsion, in a unit square; weights as log(1 + w)."""
    n, src, dst = links.n, links.src, links.dst
    weight = np.log1p(links.weight).astype(np.float32)
    pos = rng.random((n, 2)).astype(np.float32)  # float32 halves the O(n^2) step's memory traffic
    k = math.sqrt(1.0 / n)
    for step in range(_ITERATIONS):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        force = dx * dx
        force += dy * dy
        np.maximum(force, 1e-9, out=force)
        np.divide(k * k, force, out=force)
        move = np.column_stack([np.einsum("ij,ij->i", dx, force), np.einsum("ij,ij->i", dy, force)])
        pull = pos[src] - pos[dst]
        pull *= (np.hypot(pull[:, 0], pull[:, 1]) * weight / k)[:, None]
        for axis in (0, 1):  # bincount sums the pulls per node far faster than ufunc.at
            move[:, axis] += np.bincount(dst, pull[:, axis], n) - np.bincount(src, pull[:, axis], n)
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 1e-9)
        cap = 0.1 * (1 - step / _ITERATIONS)
        pos += (move * (np.minimum(length, cap) / length)[:, None]).astype(np.float32)
    return pos.astype(float)


def _fit(xy: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Scale unit-square positions so the discs would fill about ``_DENSITY`` of the area."""
    xy = xy - xy.mean(axis=0)
    spread_now = float(np.percentile(np.hypot(xy[:, 0], xy[:, 1]), 90)) or 1.0
    wanted = math.sqrt(float(np.sum((radii + _PAD) ** 2)) / _DENSITY)
    return xy * (wanted / spread_now)


def separate(xy: np.ndarray, radii: np.ndarray, *, rounds: int = 80) -> np.ndarray:
    """``xy`` with overlapping discs pushed apart, each pair half each way, until none overlap.

    Every eighth round the whole is spread by 2 %, so tight crowds settle in a few dozen
    rounds rather than oscillating; overlaps under ``_TOLERANCE`` pixels are left.

    >>> separate(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([5.0, 5.0])).round(1).tolist()
    [[-5.5, 0.0], [6.5, 0.0]]
    """
    xy = np.array(xy, dtype=float)
    if len(xy) < 2:
        return xy
    reach = 2 * float(radii.max()) + _PAD
    for step in range(rounds):
        if step % 8 == 7:
            # Crowds where each push makes another overlap converge slowly: give them room.
            centre = xy.mean(axis=0)
            xy = (xy - centre) * _GROW + centre
        pairs = cKDTree(xy).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            break
        a, b = pairs[:, 0], pairs[:, 1]
        delta = xy[b] - xy[a]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        overlap = radii[a] + radii[b] + _PAD - dist
        hit = overlap > _TOLERANCE
        if not hit.any():
            break
        a, b, delta, dist, overlap = a[hit], b[hit], delta[hit], dist[hit], overlap[hit]
        still = dist < 1e-9
        delta[still] = np.column_stack([np.cos(a[still] * 2.4), np.sin(a[still] * 2.4)])
        dist[still] = 1.0
        push = delta * (overlap / dist / 2)[:, None]
        np.subtract.at(xy, a, push)
        np.add.at(xy, b, push)
    return xy


def _sunflower(radii: np.ndarray) -> np.ndarray:
    """Points on a sunflower spiral, spaced by the discs, the first in the middle."""
    golden = math.pi * (3 - math.sqrt(5))
    i = np.arange(len(radii))
    step = 2 * float(np.mean(radii)) + _PAD
    return np.column_stack([step * np.sqrt(i) * np.cos(i * golden), step * np.sqrt(i) * np.sin(i * golden)])


def _pack(radii: list[float]) -> list[tuple[float, float]]:
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
