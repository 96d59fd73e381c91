"""The library reads its settings from its parameters only; the command line maps the
environment (click's ``envvar``) to them. The other such checks sit with their modules:
PUBGRAPH_BASE (model), PUBGRAPH_MESH (sources), NCBI_* (eutils), PUBGRAPH_CHROMIUM (render)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from graph.store.oxigraph import store_path


def test_store_path_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBGRAPH_STORE", "/elsewhere/kg")
    assert store_path() == Path("output/store")
    assert store_path("kg") == Path("kg")


def test_the_command_line_maps_pubgraph_store(tmp_path: Path) -> None:
    missing = tmp_path / "no-store"
    code, _out, err = run_cli(["stats"], env={"PUBGRAPH_STORE": str(missing)})
    assert code == 1
    assert str(missing) in err
