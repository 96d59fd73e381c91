"""Exports read back by networkx (GraphML, GEXF, node-link JSON) and the csv module."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from graph.errors import NetworkError, OutputError
from graph.network import project
from graph.network.export import write_network
from graph.network.metrics import node_metrics


@pytest.fixture(scope="module")
def citations(corpus_store: Path) -> nx.DiGraph:
    G = project("citation", corpus_store, include_cited=True)
    for name, values in node_metrics(G).items():
        nx.set_node_attributes(G, values, name)
    return G


@pytest.mark.parametrize(("suffix", "reader"), [(".graphml", nx.read_graphml), (".gexf", nx.read_gexf)])
def test_graphml_and_gexf_round_trip(citations: nx.DiGraph, tmp_path: Path, suffix: str, reader) -> None:
    [path] = write_network(citations, tmp_path / f"net{suffix}")
    back = reader(path)
    assert back.is_directed()
    assert set(back.edges()) == set(citations.edges())
    for node in ("1002", "900001", "doi:10.1000/stub-doi"):
        original = citations.nodes[node]
        found = back.nodes[node]
        for key in ("title", "citations", "year", "pmid", "doi", "community"):
            if key in original:
                assert found[key] == original[key], (node, key)
        assert found["pagerank"] == pytest.approx(original["pagerank"])


def test_json_is_node_link(citations: nx.DiGraph, tmp_path: Path) -> None:
    [path] = write_network(citations, tmp_path / "net.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["directed"] is True and data["graph"]["kind"] == "citation"
    back = nx.node_link_graph(data, edges="edges")
    assert set(back.edges()) == set(citations.edges())
    assert back.nodes["1002"]["title"] == "Article 1002."


def test_csv_writes_edges_and_nodes(corpus_store: Path, tmp_path: Path) -> None:
    G = project("coupling", corpus_store)
    edges, nodes = write_network(G, tmp_path / "coupling.csv")
    assert nodes.name == "coupling-nodes.csv"
    with edges.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {(r["source"], r["target"], r["weight"]) for r in rows} == {
        ("1003", "1004", "3"),
        ("1003", "1005", "2"),
        ("1004", "1005", "2"),
        ("1002", "1003", "1"),
        ("1002", "1004", "1"),
    }
    with nodes.open(encoding="utf-8", newline="") as stream:
        table = {row["id"]: row for row in csv.DictReader(stream)}
    assert table["1003"]["journal"] == "Beta Rep" and table["1003"]["references"] == "4"


def test_hostile_text_survives_export(corpus_store: Path, tmp_path: Path) -> None:
    G = project("citation", corpus_store)
    [path] = write_network(G, tmp_path / "net.graphml")
    assert nx.read_graphml(path).nodes["1006"]["title"].startswith("<script>window.__pwned = 1</script>")


def test_unknown_extension_and_unwritable_path(tmp_path: Path) -> None:
    G = nx.Graph([(1, 2)])
    with pytest.raises(
        NetworkError, match=r"^cannot tell the network format of .*net\.txt: use \.graphml, \.gexf, \.json or \.csv$"
    ):
        write_network(G, tmp_path / "net.txt")
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match=r"^cannot write .*/net\.json: .*/file is a file, not a folder$"):
        write_network(G, tmp_path / "file" / "net.json")
    assert not (tmp_path / "net.txt").exists()
