"""Communities of a directed network are the same in every run with the same seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

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
