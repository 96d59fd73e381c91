"""The notebook-style examples run on the bundled sample and print what the store holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.pipeline.query import run_query

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(name: str, store: Path, cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), str(store)], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


def _count(sparql: str, store: Path) -> int:
    return int(run_query(sparql, store).values()[0]["n"] or 0)


def test_rdflib_notebook(tmp_path: Path) -> None:
    pytest.importorskip("pyshacl")
    store = tmp_path / "kg"
    lines = _run("rdflib_notebook.py", store, tmp_path)
    triples = _count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", store)
    graphs = _count("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", store)
    links = _count("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b { ?a cito:cites ?b } }", store)
    assert f"{triples} triples in {graphs} named graphs" in lines
    assert "shapes: conforms" in lines
    assert f"citation graph: {links} links" in lines
    assert sum(line.startswith("journal: ") for line in lines) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]  # nothing written beside the store


def test_pandas_notebook(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    store = tmp_path / "kg"
    lines = _run("pandas_notebook.py", store, tmp_path)
    articles = _count(
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a fabio:JournalArticle ; fabio:hasPublicationYear ?y }", store
    )
    references = _count(
        "SELECT (COUNT(?c) AS ?n) WHERE { { SELECT DISTINCT ?a WHERE { ?a a fabio:JournalArticle ; "
        "fabio:hasPublicationYear ?y } } ?a cito:cites ?c }",
        store,
    )
    assert f"{articles} articles, {references} references" in lines
    assert [line.split() for line in lines if line.split()[:1] in (["year"], ["references"], ["pagerank"])][:3] == [
        ["year", "Int64"],
        ["references", "Int64"],
        ["year"],
    ]
    assert ["pagerank", "Float64"] in [line.split() for line in lines]
