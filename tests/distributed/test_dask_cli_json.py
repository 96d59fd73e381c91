"""convert --dask --json and load-virtuoso --json: the run's facts as one JSON object;
with -q, no progress lines on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from dask_helpers import scheduler
from test_cli_json import counts_in, json_counts

import graph
from graph.distributed import MANIFEST, Manifest

__all__ = ["scheduler"]  # the fixture, imported for this module

pytest.importorskip("distributed", reason="Dask is not installed: pip install 'pubgraph[dask]'")


def test_convert_dask_json_and_quiet(tmp_path: Path, scheduler: str) -> None:
    files = graph.sample_files()
    code, line, err = run_cli(["convert", *files, "-o", tmp_path / "a", "--dask", scheduler])
    assert code == 0, err
    assert err.startswith("scanned 2 file(s)")  # progress, a line a file
    code, out, err = run_cli(["-q", "convert", *files, "-o", tmp_path / "b", "--dask", scheduler, "--json"])
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    facts = json.loads(out)
    assert set(counts_in(line.splitlines()[0])) <= json_counts(facts)
    manifest = Manifest.read(tmp_path / "b")
    assert manifest is not None
    assert facts["folder"] == str(tmp_path / "b") and (tmp_path / "b" / MANIFEST).exists()
    assert [e["shard"] for e in facts["entries"]] == [e.shard for e in manifest.entries]
    assert (facts["records"], facts["quads"]) == (
        sum(e.records for e in manifest.entries),
        sum(e.quads for e in manifest.entries),
    )
    assert facts["failures"] == [] and facts["skipped"] == 0
