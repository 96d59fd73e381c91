"""``convert --dask`` links MeSH names through the MeSH files it is given, as ``convert`` does."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import DATA
from dask_helpers import scheduler

from graph.distributed import convert_shards

__all__ = ["scheduler"]  # the fixture, imported for this module

pytest.importorskip("distributed", reason="Dask is not installed: pip install 'pubgraph[dask]'")

NBIB = DATA / "unknown_types.nbib"  # PubMed text: MeSH terms by name only
HEMANGIOPERICYTOMA = "<http://id.nlm.nih.gov/mesh/D006393>"


@pytest.mark.parametrize("mesh", [(), (DATA / "mesh_names.tsv",)], ids=["without", "with-mesh-files"])
def test_shards_link_mesh_names_through_the_files_given(tmp_path: Path, scheduler: str, mesh: tuple[Path, ...]) -> None:
    run = convert_shards([NBIB], tmp_path / "shards", scheduler=scheduler, mesh=mesh)
    assert not run.failures
    text = gzip.decompress((tmp_path / "shards" / run.entries[0].shard).read_bytes()).decode("utf-8")
    assert (HEMANGIOPERICYTOMA in text) == bool(mesh)
