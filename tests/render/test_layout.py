"""Layouts: force-directed without overlapping discs at any size, years on x for timelines."""

from __future__ import annotations

import itertools
import math
import random
import sys

import networkx as nx
import numpy as np
import pytest

from graph.render._force import DIRECT, _Links, _pack, _parts, separate
from graph.render.layout import force_layout, timeline_layout


def overlapping(positions: dict, radius: dict) -> set:
    """The nodes whose disc overlaps another's (by more than half a pixel)."""
    nodes = list(positions)
    return {
        n
        for a, b in itertools.combinations(nodes, 2)
        if math.dist(positions[a], positions[b]) < radius[a] + radius[b] - 0.5
        for n in (a, b)
    }


@pytest.mark.parametrize("seed", range(4))
def test_packed_disks_never_overlap(seed: int) -> None:
    rng = random.Random(seed)
    radii = sorted((rng.uniform(5, 300) for _ in range(rng.randrange(2, 120))), reverse=True)
    centres = _pack(radii)
    for i, j in itertools.combinations(range(len(radii)), 2):
        assert math.dist(centres[i], centres[j]) >= radii[i] + radii[j] - 1e-6


def test_large_graphs_get_community_blocks_deterministically_without_overlaps() -> None:
    G = nx.connected_caveman_graph(30, 25)  # 750 nodes in 30 tight groups, past one direct layout
    G.add_nodes_from(range(5000, 5100))  # isolated works share one block
    groups = {node: node // 25 for node in G}
    radius = {node: 6.0 + (node % 7) * 4 for node in G}
    assert G.number_of_nodes() > DIRECT
    positions = force_layout(G, groups, {}, radius=radius)
    assert positions == force_layout(G, groups, {}, radius=radius)
    assert overlapping(positions, radius) == set()
    spread = {g: [positions[n] for n in G if groups[n] == g] for g in (0, 1)}
    centre = {g: (sum(x for x, _ in p) / len(p), sum(y for _, y in p) / len(p)) for g, p in spread.items()}
    inner = max(math.dist(p, centre[0]) for p in spread[0])
    assert math.dist(centre[0], centre[1]) > inner  # communities do not mix


@pytest.mark.parametrize("seed", range(3))
def test_separate_leaves_no_disc_overlapping(seed: int) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.random((400, 2)) * 50  # 400 discs crammed into a 50 px square
    radii = rng.uniform(3, 30, 400)
    found = separate(xy, radii)
    positions = {i: tuple(p) for i, p in enumerate(found)}
    assert overlapping(positions, dict(enumerate(radii))) == set()


def test_small_graphs_keep_neighbours_close() -> None:
    G = nx.path_graph(10)
    positions = force_layout(G, {}, {})
    assert math.dist(positions[0], positions[1]) < math.dist(positions[0], positions[9])


def test_timeline_puts_years_on_x_and_undated_works_in_a_band_below() -> None:
    G = nx.DiGraph()
    for node, year in [("a", 2000), ("b", 2000), ("c", 2003), ("d", None), ("e", None)]:
        G.add_node(node, **({"year": year} if year else {}))
    G.add_node("p", first_year=2001)  # people carry first_year
    G.add_edges_from([("c", "a"), ("c", "b"), ("p", "a"), ("d", "a")])
    radius = {"a": 30.0, "b": 30.0, "c": 6.0, "d": 6.0, "e": 20.0, "p": 6.0}
    positions, axis, band = timeline_layout(G, {}, {}, radius=radius)
    x = {node: positions[node][0] for node in G}
    step = axis[1][0] - axis[0][0]
    assert [label for _x, label in axis] == ["2000", "2001", "2002", "2003"]  # every year, evenly spaced
    assert abs(x["a"] - x["b"]) < step / 2 and x["p"] - x["a"] == pytest.approx(step, abs=step / 2)
    assert x["c"] - x["a"] == pytest.approx(3 * step, abs=step / 2)
    dated_bottom = max(positions[n][1] + radius[n] for n in "abcp")
    assert band is not None and dated_bottom < band
    assert all(positions[n][1] - radius[n] >= band for n in "de")
    assert not overlapping(positions, radius)


@pytest.mark.parametrize("seed", range(3))
def test_crowded_years_keep_discs_apart(seed: int) -> None:
    rng = random.Random(seed)
    G = nx.gnm_random_graph(600, 1500, seed=seed)
    for node in G:
        G.nodes[node]["year"] = rng.choice([1990, 2010, 2011, 2011, 2012, 2012, 2012, None])
    radius = {node: rng.uniform(6, 34) for node in G}
    positions, _axis, _band = timeline_layout(G, {}, {}, radius=radius, seed=seed)
    assert not overlapping(positions, radius)
    by_year: dict[int, list[float]] = {}
    for node, year in G.nodes(data="year"):
        if year is not None:
            by_year.setdefault(year, []).append(positions[node][0])
    years = sorted(by_year)
    assert all(max(by_year[a]) < min(by_year[b]) for a, b in itertools.pairwise(years))


def test_without_communities_large_graphs_are_split_the_same_way_each_time() -> None:
    G = nx.gnm_random_graph(800, 2400, seed=3)  # one component past DIRECT: split by label propagation
    assert force_layout(G, {}, {}) == force_layout(G, {}, {})


def test_separating_parts_together_is_separating_each_alone() -> None:
    rng = np.random.default_rng(5)
    sizes = [120, 3, 60]
    blocks = [rng.random((n, 2)) * 40 for n in sizes]
    radii = [rng.uniform(3, 20 * (i + 1), n) for i, n in enumerate(sizes)]
    which = np.repeat(np.arange(len(sizes)), sizes)
    together = separate(np.vstack(blocks), np.concatenate(radii), parts=which)
    alone = np.vstack([separate(xy, r) for xy, r in zip(blocks, radii, strict=True)])
    assert np.allclose(together, alone, atol=1e-6)


def test_a_community_just_past_the_limit_is_cut_in_even_pieces() -> None:
    path = nx.path_graph(DIRECT + 3)  # one community a little too large to lay out in one piece
    links = _Links(len(path), *(np.array(ends) for ends in zip(*path.edges(), strict=True)), np.ones(len(path) - 1))
    pieces = _parts(links, np.zeros(len(path), dtype=np.int64))
    assert sorted(np.concatenate(pieces).tolist()) == list(range(len(path)))
    assert all(len(p) <= DIRECT for p in pieces)
    assert min(len(p) for p in pieces) >= DIRECT // 4  # no scrap of 3 nodes pushed to the edge of the map


def test_layout_is_the_same_with_or_without_igraph(monkeypatch: pytest.MonkeyPatch) -> None:
    G = nx.gnm_random_graph(900, 2000, seed=4)  # past DIRECT: split into pieces
    groups = {node: node % 3 for node in G}
    with_igraph = force_layout(G, groups, {})
    monkeypatch.setitem(sys.modules, "igraph", None)  # import igraph now fails, as on CI
    assert force_layout(G, groups, {}) == with_igraph
