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
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from ..network.metrics import EdgeArrays, edge_arrays

__all__ = ["DIRECT", "separate", "spread"]

Node = Hashable
DIRECT = 200
_PAD = 2.0
_DENSITY = 0.45
_ITERATIONS = 40
_GROW = 1.02
_TOLERANCE = 0.1  # pixels of overlap left: invisible, and chasing them costs rounds
_BATCH = 400_000  # pairs in one batched layout step: a few megabytes, so it stays in cache


def spread(
    G: nx.Graph,
    groups: Mapping[Node, int],
    radius: Mapping[Node, float],
    *,
    seed: int = 0,
    edges: EdgeArrays | None = None,
) -> dict[Node, tuple[float, float]]:
    """Positions in pixels for the nodes of ``G`` (direction ignored), discs ``radius`` apart.

    ``edges``: ``edge_arrays(G)``, if the caller has it already.

    >>> positions = spread(nx.path_graph(4), {}, dict.fromkeys(range(4), 10.0))
    >>> min(math.dist(positions[a], positions[b]) for a in range(4) for b in range(a)) >= 20
    True
    """
    nodes, src, dst, weight = edges or edge_arrays(G)
    loop = src == dst
    links = _Links(len(nodes), src[~loop], dst[~loop], weight[~loop])
    radii = np.array([float(radius[n]) for n in nodes])
    labels = np.array([groups.get(n, -1) for n in nodes]) if groups else None
    xy = _spread(links, radii, labels, np.random.default_rng(seed))
    return dict(zip(nodes, zip(xy[:, 0].tolist(), xy[:, 1].tolist(), strict=True), strict=True))


class _Links:
    """Undirected weighted edges between nodes 0..n-1, without self-loops, as arrays."""

    def __init__(self, n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> None:
        self.n, self.src, self.dst, self.weight = n, src, dst, weight

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

    def between(self, home: np.ndarray, count: int) -> _Links:
        """The links between groups (``home`` gives each node's, 0..count-1), as links of the groups."""
        apart = home[self.src] != home[self.dst]
        return _Links(count, home[self.src[apart]], home[self.dst[apart]], self.weight[apart])


Block = tuple[np.ndarray, np.ndarray, float]


def _spread(links: _Links, radii: np.ndarray, labels: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """Every connected component laid out around (0, 0), then the components packed as disks.

    The pieces laid out directly (components of up to ``DIRECT`` nodes, and the parts of
    larger ones) all go through ``_direct`` at once, which batches them.
    """
    _count, component = csgraph.connected_components(links.matrix(), directed=False)
    order = np.argsort(component, kind="stable")
    members = np.split(order, np.flatnonzero(np.diff(component[order])) + 1) if links.n else []
    members.sort(key=lambda m: (-len(m), int(m[0])))
    lone = np.array([int(m[0]) for m in members if len(m) == 1], dtype=np.int64)
    small = [m for m in members if 1 < len(m) <= DIRECT]
    large = [(m, links.within(m)) for m in members if len(m) > DIRECT]
    split = [_parts(inner, labels[m] if labels is not None else None) for m, inner in large]
    jobs = [(m, links.within(m)) for m in small] + [
        (m[p], inner.within(p)) for (m, inner), ps in zip(large, split, strict=True) for p in ps
    ]
    laid = _direct([inner for _m, inner in jobs], [radii[m] for m, _inner in jobs], rng)
    blocks: list[Block] = [(m, xy, reach) for (m, _inner), (xy, reach) in zip(jobs[: len(small)], laid, strict=False)]
    done = len(small)
    for (m, inner), parts in zip(large, split, strict=True):
        blocks.append(_assembled(m, inner, parts, laid[done : done + len(parts)], radii, rng))
        done += len(parts)
    if len(lone):
        lone = lone[np.argsort(-radii[lone], kind="stable")]
        xy = separate(_sunflower(radii[lone]), radii[lone])
        blocks.append((lone, *_centred(xy, radii[lone])))
    blocks.sort(key=lambda block: -block[2])
    xy = np.zeros((links.n, 2))
    for (where, part, _reach), centre in zip(blocks, _pack([b[2] + _PAD * 4 for b in blocks]), strict=True):
        xy[where] = part + np.array(centre)
    return xy


def _assembled(
    where: np.ndarray,
    links: _Links,
    parts: list[np.ndarray],
    laid: list[tuple[np.ndarray, float]],
    radii: np.ndarray,
    rng: np.random.Generator,
) -> Block:
    """A large component from its laid-out ``parts``: the parts placed as disks by laying out the graph of parts."""
    home = np.empty(links.n, dtype=np.int64)
    for i, p in enumerate(parts):
        home[p] = i
    coarse = _merged(links.between(home, len(parts)))
    centres = _spread(coarse, np.array([reach for _xy, reach in laid]), None, rng)
    order = np.concatenate(parts)
    xy = np.vstack([part_xy + centres[i] for i, (part_xy, _reach) in enumerate(laid)])
    # Parts hold no overlap and their disks overlap no other: nothing left to separate.
    return (where[order], *_centred(xy, radii[where[order]]))


def _merged(links: _Links) -> _Links:
    """Parallel links summed into one."""
    a, b = np.minimum(links.src, links.dst), np.maximum(links.src, links.dst)
    summed = sparse.coo_matrix((links.weight, (a, b)), shape=(links.n, links.n)).tocsr().tocoo()
    return _Links(links.n, summed.row.astype(np.int64), summed.col.astype(np.int64), summed.data)


def _centred(xy: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, float]:
    """``xy`` moved so its mean is (0, 0), and how far its discs reach from there."""
    xy = xy - xy.mean(axis=0)
    return xy, float(np.max(np.hypot(xy[:, 0], xy[:, 1]) + radii))


def _direct(pieces: list[_Links], radii: list[np.ndarray], rng: np.random.Generator) -> list[tuple[np.ndarray, float]]:
    """Each piece laid out by Fruchterman-Reingold, scaled to its discs, separated, centred; with its reach."""
    starts = [rng.random((piece.n, 2)) for piece in pieces]  # drawn in order: same seed, same layout
    laid = _fruchterman_reingold(pieces, starts)
    fitted = [_fit(xy, r) for xy, r in zip(laid, radii, strict=True)]
    if not fitted:
        return []
    which = np.repeat(np.arange(len(fitted)), [len(xy) for xy in fitted])
    apart = separate(np.vstack(fitted), np.concatenate(radii), parts=which)
    bounds = np.cumsum([0, *(len(xy) for xy in fitted)])
    return [_centred(apart[a:b], r) for a, b, r in zip(bounds[:-1], bounds[1:], radii, strict=True)]


def _parts(links: _Links, labels: np.ndarray | None) -> list[np.ndarray]:
    """Node indices split into pieces of at most ``DIRECT``: communities, split again if too big.

    A community past ``DIRECT`` (or the whole component, without communities) is cut into
    ``_clusters``, which are joined again into pieces of up to ``DIRECT`` by ``_binned``,
    within the community first, so a community's pieces hold its own nodes only.
    """
    pieces = [np.flatnonzero(labels == value) for value in np.unique(labels)] if labels is not None else []
    if len(pieces) < 2:
        pieces = [np.arange(links.n)]
    large = [p for p in pieces if len(p) > DIRECT]
    parts = [p for p in pieces if len(p) <= DIRECT]
    for p, clusters in zip(large, _clusters(links, large), strict=True):
        parts.extend(_binned(links.within(p), [np.searchsorted(p, c) for c in clusters], base=p))
    return _binned(links, parts) if len(parts) > 1 else parts


def _clusters(links: _Links, pieces: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Each of ``pieces`` cut into small clusters of at most ``DIRECT`` nodes, by its links inside.

    The clusters' centres are the local hubs: nodes with more links inside their piece than
    any neighbour there (ties to the lower index), so no two are neighbours. Each node
    joins its nearest centre in hops (one multi-source shortest-path search for all pieces,
    a graph Voronoi partition, as multilevel layouts coarsen a graph). A cluster still past
    ``DIRECT`` (a hub with hundreds of neighbours) is cut along its breadth-first order.
    """
    if not pieces:
        return []
    home = np.full(links.n, -1, dtype=np.int64)
    for i, p in enumerate(pieces):
        home[p] = i
    inside = (home[links.src] == home[links.dst]) & (home[links.src] >= 0)
    matrix = _Links(links.n, links.src[inside], links.dst[inside], np.ones(int(inside.sum()))).matrix()
    degree = np.diff(matrix.indptr)
    key = degree * links.n + (links.n - 1 - np.arange(links.n))  # distinct, larger for more links
    best = np.full(links.n, -1, dtype=np.int64)
    linked = degree > 0
    best[linked] = np.maximum.reduceat(key[matrix.indices], matrix.indptr[:-1][linked])
    centres = np.flatnonzero((key > best) & (home >= 0))
    nearest = csgraph.dijkstra(
        matrix, directed=False, indices=centres, unweighted=True, min_only=True, return_predecessors=True
    )[2]
    chosen = np.flatnonzero(home >= 0)
    order = chosen[np.lexsort((chosen, nearest[chosen]))]
    found = np.split(order, np.flatnonzero(np.diff(nearest[order])) + 1)
    clusters: list[list[np.ndarray]] = [[] for _ in pieces]
    for cluster in found:
        if len(cluster) <= DIRECT:
            clusters[home[cluster[0]]].append(cluster)
            continue
        centre = int(nearest[cluster[0]])
        inner = matrix[cluster][:, cluster]
        walk = cluster[csgraph.breadth_first_order(inner, int(np.searchsorted(cluster, centre)), directed=False)[0]]
        step = math.ceil(len(walk) / math.ceil(len(walk) / DIRECT))  # even cuts: no scrap left over
        clusters[home[cluster[0]]].extend(walk[i : i + step] for i in range(0, len(walk), step))
    return clusters


def _binned(links: _Links, parts: list[np.ndarray], base: np.ndarray | None = None) -> list[np.ndarray]:
    """Small ``parts`` joined into pieces of up to ``DIRECT`` nodes, neighbours together.

    Parts are taken in breadth-first order of the graph of parts, so a piece holds parts
    linked to each other, and each piece costs one layout instead of one per part. Pieces
    are filled to about the same size (a community of 203 nodes gives two of about 100,
    not 200 and 3: a scrap with few links would be pushed to the map's edge). With
    ``base``, parts index into it and the pieces are given as ``base``'s values.
    """
    home = np.empty(links.n, dtype=np.int64)
    for i, p in enumerate(parts):
        home[p] = i
    coarse = links.between(home, len(parts)).matrix()
    start = int(np.argmax([len(p) for p in parts]))
    seen = np.zeros(len(parts), dtype=bool)
    order: list[int] = []
    for root in [start, *range(len(parts))]:
        if not seen[root]:
            found = csgraph.breadth_first_order(coarse, root, directed=False)[0]
            order.extend(int(i) for i in found if not seen[i])
            seen[found] = True
    total = sum(len(p) for p in parts)
    even = math.ceil(total / math.ceil(total / DIRECT))  # pieces of about equal size: no scrap left over
    bins: list[list[np.ndarray]] = [[]]
    size = 0
    for i in order:
        if bins[-1] and (size >= even or size + len(parts[i]) > DIRECT):
            bins.append([])
            size = 0
        bins[-1].append(parts[i])
        size += len(parts[i])
    joined = [np.concatenate(b) for b in bins]
    return [base[j] for j in joined] if base is not None else joined


def _batches(sizes: list[int]) -> list[list[int]]:
    """Pieces (indices into ``sizes``) grouped for one batched layout each: similar sizes, bounded memory."""
    batches: list[list[int]] = []
    pad = 0
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        if not batches or (len(batches[-1]) + 1) * pad * pad > _BATCH or sizes[i] * 4 < pad * 3:
            batches.append([])
            pad = sizes[i]
        batches[-1].append(i)
    return batches


def _fruchterman_reingold(pieces: list[_Links], starts: list[np.ndarray]) -> list[np.ndarray]:
    """Fruchterman & Reingold (1991) with exact repulsion, each piece in a unit square; weights as log(1 + w).

    Pieces of similar size are laid out together, as one stack of matrices padded to the
    largest. The repulsion k^2 / d^2 along (p_i - p_j) is summed as p_i * sum_j F_ij - F p
    with F = k^2 / (d^2 + (k/20)^2) and d^2 from one matrix product, so each round costs two
    matrix products and one division over the pairs (float32, to halve the memory traffic).
    Softening by k/20 keeps the sums exact enough where two nodes nearly meet, and padding
    nodes sit at an infinite distance.
    """
    laid: list[np.ndarray] = [np.zeros((0, 2))] * len(pieces)
    for batch in _batches([piece.n for piece in pieces]):
        out = _fr_batch([pieces[i] for i in batch], [starts[i] for i in batch])
        for i, xy in zip(batch, out, strict=True):
            laid[i] = xy
    return laid


def _fr_batch(pieces: list[_Links], starts: list[np.ndarray]) -> list[np.ndarray]:
    count, m = len(pieces), max(piece.n for piece in pieces)
    sizes = np.array([piece.n for piece in pieces])
    real = (np.arange(m)[None, :] < sizes[:, None]).reshape(-1)
    k2 = (1.0 / sizes).astype(np.float32)[:, None, None]
    pos = np.zeros((count, m, 2), dtype=np.float32)
    for b, start in enumerate(starts):
        pos[b, : len(start)] = start - 0.5
    offset = np.repeat(np.arange(count) * m, [len(piece.src) for piece in pieces])
    src = np.concatenate([piece.src for piece in pieces]) + offset
    dst = np.concatenate([piece.dst for piece in pieces]) + offset
    k_edge = np.repeat(np.sqrt(1.0 / sizes), [len(piece.src) for piece in pieces])
    pull_scale = (np.log1p(np.concatenate([piece.weight for piece in pieces])) / k_edge).astype(np.float32)
    left = np.ones((count, m, 4), dtype=np.float32)  # rows (|p_i|^2 + soft, 1, -2x_i, -2y_i)
    right = np.ones((count, 4, m), dtype=np.float32)  # columns (1, |p_j|^2, x_j, y_j)
    ends = np.ones((count, m, 3), dtype=np.float32)  # rows (x_j, y_j, 1)
    soft = k2[:, :, 0] / 400
    far = np.where(real.reshape(count, m), 0.0, 1e30).astype(np.float32)
    flat = pos.reshape(-1, 2)
    for step in range(_ITERATIONS):
        square = np.einsum("bij,bij->bi", pos, pos)
        left[:, :, 0] = square + soft
        left[:, :, 2:] = -2 * pos
        right[:, 1, :] = square + far
        right[:, 2:, :] = pos.transpose(0, 2, 1)
        force = np.matmul(left, right)
        np.divide(k2, force, out=force)
        ends[:, :, :2] = pos
        sums = np.matmul(force, ends)
        move = (pos * sums[:, :, 2:] - sums[:, :, :2]).reshape(-1, 2)
        pull = flat[src] - flat[dst]
        pull *= (np.hypot(pull[:, 0], pull[:, 1]) * pull_scale)[:, None]
        for axis in (0, 1):  # bincount sums the pulls per node far faster than ufunc.at
            move[:, axis] += np.bincount(dst, pull[:, axis], len(flat)) - np.bincount(src, pull[:, axis], len(flat))
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 1e-9)
        cap = 0.1 * (1 - step / _ITERATIONS)
        flat += move * (np.minimum(length, cap) / length * real)[:, None]
        pos -= (pos.sum(axis=1) / sizes[:, None]).astype(np.float32)[:, None, :] * real.reshape(count, m, 1)
    return [pos[b, : piece.n].astype(float) for b, piece in enumerate(pieces)]


def _fit(xy: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Scale unit-square positions so the discs would fill about ``_DENSITY`` of the area."""
    xy = xy - xy.mean(axis=0)
    spread_now = float(np.percentile(np.hypot(xy[:, 0], xy[:, 1]), 90)) or 1.0
    wanted = math.sqrt(float(np.sum((radii + _PAD) ** 2)) / _DENSITY)
    return xy * (wanted / spread_now)


def separate(xy: np.ndarray, radii: np.ndarray, *, rounds: int = 80, parts: np.ndarray | None = None) -> np.ndarray:
    """``xy`` with overlapping discs pushed apart, each pair half each way, until none overlap.

    Every eighth round the whole is spread by 2 %, so tight crowds settle in a few dozen
    rounds rather than oscillating; overlaps under ``_TOLERANCE`` pixels are left. With
    ``parts`` (each disc's part, 0..k-1), each part is separated on its own, as if by its own
    call: discs of different parts never push each other, each part spreads about its own
    centre, and a part stops moving once it holds no overlap.

    >>> separate(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([5.0, 5.0])).round(1).tolist()
    [[-5.5, 0.0], [6.5, 0.0]]
    """
    xy = np.array(xy, dtype=float)
    if len(xy) < 2:
        return xy
    part = np.zeros(len(xy), dtype=np.int64) if parts is None else np.asarray(parts, dtype=np.int64)
    count = int(part.max()) + 1
    # Pairs are looked for within each part's reach: parts of similar reach go together.
    largest = np.zeros(count)
    np.maximum.at(largest, part, radii)
    band = np.floor(np.log2(2 * largest + _PAD) * 2).astype(np.int64)[part]
    for value in np.unique(band):
        chosen = np.flatnonzero(band == value)
        xy[chosen] = _separate(xy[chosen], radii[chosen], np.unique(part[chosen], return_inverse=True)[1], rounds)
    return xy


def _separate(xy: np.ndarray, radii: np.ndarray, part: np.ndarray, rounds: int) -> np.ndarray:
    count = int(part.max()) + 1
    reach = 2 * float(radii.max()) + _PAD
    # Parts side by side along x, far enough apart that no pair across two is within reach.
    far = 4 * (float(np.abs(xy).max()) + reach) * _GROW ** (rounds // 8 + 1) + reach
    active = np.ones(count, dtype=bool)
    moving = np.arange(len(xy))
    for step in range(rounds):
        if step % 8 == 7:
            # Crowds where each push makes another overlap converge slowly: give them room.
            weights = np.bincount(part[moving], minlength=count)
            sums = np.column_stack([np.bincount(part[moving], xy[moving, axis], count) for axis in (0, 1)])
            centre = sums / np.maximum(weights, 1)[:, None]
            xy[moving] = (xy[moving] - centre[part[moving]]) * _GROW + centre[part[moving]]
        at = xy[moving]
        pairs = cKDTree(np.column_stack([at[:, 0] + part[moving] * far, at[:, 1]])).query_pairs(
            reach, output_type="ndarray"
        )
        if not len(pairs):
            break
        a, b = moving[pairs[:, 0]], moving[pairs[:, 1]]
        if count > 1:
            same = part[a] == part[b]  # always, unless a part outgrew ``far``
            a, b = a[same], b[same]
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
        for axis in (0, 1):
            xy[:, axis] += np.bincount(b, push[:, axis], len(xy)) - np.bincount(a, push[:, axis], len(xy))
        if count > 1:  # parts without an overlap this round are done
            active[:] = False
            active[part[a]] = True
            moving = moving[active[part[moving]]]
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
