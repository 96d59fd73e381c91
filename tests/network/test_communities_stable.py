"""Communities of a directed network are the same in every run with the same seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
import pytest

from graph.network.metrics import communities

_RUN = """
import json, networkx as nx
from graph.network.metrics import communities
U = nx.connected_watts_strogatz_graph(400, 6, 0.3, seed=3)
G = nx.DiGraph((f"w{a}", f"w{b}") for a, b in U.edges())
print(json.dumps(communities(G, method=METHOD)))
"""


@pytest.mark.parametrize("method", ["louvain", "label-propagation"])
def test_same_seed_same_communities_whatever_the_hash_seed(method: str) -> None:
    # Python salts str hashes per process; networkx's undirected view iterates a set.
    found = []
    for hash_seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", _RUN.replace("METHOD", repr(method))],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        found.append(json.loads(done.stdout))
    assert found[0] == found[1]


def test_nodes_without_links_are_communities_of_their_own_and_change_nothing_else() -> None:
    U = nx.connected_watts_strogatz_graph(300, 6, 0.3, seed=3)
    linked = nx.DiGraph((f"w{a}", f"w{b}") for a, b in U.edges())
    G = nx.DiGraph()
    G.add_nodes_from(f"i{n}" for n in range(500))  # records citing nothing loaded, cited by none
    G.add_nodes_from(linked)
    G.add_edges_from(linked.edges())
    found, alone = communities(G), communities(linked)
    assert len(set(found.values())) == len(set(alone.values())) + 500
    groups = {frozenset(n for n in linked if found[n] == c) for c in set(found.values())} - {frozenset()}
    assert groups == {frozenset(n for n in linked if alone[n] == c) for c in set(alone.values())}
