"""``pubgraph demo``: the bundled sample in a store of its own, never mixed into a user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article_xml, run_cli, write_xml

import graph
from graph.store.oxigraph import KnowledgeStore


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pmids(store: Path) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        rows = kg.query("SELECT ?p WHERE { ?a fabio:hasPubMedId ?p ; foaf:isPrimaryTopicOf ?page }")
        return {row["p"].value for row in rows}


def test_demo_builds_its_own_store_and_leaves_the_users_alone(workdir: Path) -> None:
    mine = write_xml(workdir, "mine.xml", article_xml(777, "My own corpus."))
    graph.build([mine], workdir / "output" / "store", jobs=1)
    code, out, err = run_cli(["demo"], env={"PUBGRAPH_STORE": str(workdir / "output" / "store")})
    assert code == 0, err
    assert out.startswith("built output/demo: 2 file(s), ")
    assert "  pubgraph stats --store output/demo\n" in out
    assert pmids(workdir / "output" / "store") == {"777"}
    assert "28993889" in pmids(workdir / "output" / "demo")
    assert "777" not in pmids(workdir / "output" / "demo")


def test_demo_runs_again_in_its_own_store(workdir: Path) -> None:
    assert run_cli(["demo"])[0] == 0
    first = pmids(workdir / "output" / "demo")
    code, _, err = run_cli(["demo"])
    assert (code, err) == (0, "")
    assert pmids(workdir / "output" / "demo") == first


def test_demo_refuses_a_store_holding_other_data(workdir: Path) -> None:
    mine = write_xml(workdir, "mine.xml", article_xml(777, "My own corpus."))
    store = workdir / "kg"
    graph.build([mine], store, jobs=1)
    code, out, err = run_cli(["demo", "--store", store])
    assert (code, out) == (1, "")
    assert err == (
        f"error: {store} holds data the demo did not load (load mine.xml); the demo builds the bundled sample "
        "into a store of its own: run pubgraph demo without --store (output/demo), or give a new directory\n"
    )
    assert pmids(store) == {"777"}
