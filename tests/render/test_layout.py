"""Layouts: force-directed without overlapping discs at any size, years on x for timelines."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np
import pytest

from graph.render._force import DIRECT, _pack, separate
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


def test_timeline_puts_years_on_x() -> None:
    G = nx.DiGraph()
    for node, year in [("a", 2000), ("b", 2000), ("c", 2003), ("d", None)]:
        G.add_node(node, **({"year": year} if year else {}))
    G.add_node("p", first_year=2001)  # people carry first_year
    positions, axis = timeline_layout(G, {}, {})
    x = {node: positions[node][0] for node in G}
    assert abs(x["a"] - x["b"]) < 180 and x["p"] - x["a"] == pytest.approx(180, abs=90)
    assert x["c"] - x["a"] == pytest.approx(3 * 180, abs=90)
    assert x["d"] < x["a"]
    assert [label for _x, label in axis] == ["no year", "2000", "2001", "2003"]
    assert positions["a"] != positions["b"]
