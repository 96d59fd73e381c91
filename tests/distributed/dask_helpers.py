"""Helpers for the Dask tests: one small local cluster a module, quads of shards and of a store.

(Not a conftest: this folder cannot be a package, whose name would hide Dask's ``distributed``.)
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.model import Iris
from graph.store import KnowledgeStore


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local cluster of two single-thread worker processes; a task that kills its
    worker fails at once (no retries on other workers)."""
    dask = pytest.importorskip("dask", reason="Dask is not installed: pip install 'pubgraph[dask]'")
    distributed = pytest.importorskip("distributed")
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as cluster,
    ):
        yield cluster.scheduler_address


def shard_quads(folder: Path) -> set[str]:
    """Every line of every finished shard in ``folder``."""
    lines: set[str] = set()
    for shard in sorted(folder.glob("*.nq.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as stream:
            lines.update(stream)
    return lines


def store_record_quads(store: Path) -> set[str]:
    """The store's quads in the record graphs and the shared graphs that loading files
    writes; pubgraph's own provenance and derived graphs (index, summaries) left out."""
    iris = Iris()
    kept = (f"<{iris.record_graph('')}", f"<{iris.entities_graph}>", f"<{iris.mesh_graph}>")
    with KnowledgeStore.open(store, read_only=True) as kg:
        return {line for line in kg.dump_nquads() if line[line.rfind("<") :].startswith(kept)}
