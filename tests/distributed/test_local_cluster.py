"""The local cluster convert --dask starts keeps its own upkeep low while a run lasts."""

from __future__ import annotations

import pytest

from graph.distributed.runner import _client

pytest.importorskip("distributed", reason="Dask is not installed: pip install 'pubgraph[dask]'")


def _settings() -> tuple[object, ...]:
    import dask

    get = dask.config.get
    return (
        get("distributed.worker.profile.enabled"),
        get("distributed.admin.tick.interval"),
        get("distributed.worker.memory.monitor-interval"),
    )


def test_the_workers_run_without_the_sampling_profiler_and_with_slow_ticks() -> None:
    # Dask's defaults: a stack sample every 10 ms, a tick every 20 ms, a memory check every 100 ms.
    with _client(None, 1) as client:
        (on_worker,) = client.run(_settings).values()
        info = client.scheduler_info()
    assert on_worker == (False, "1s", "1s")
    assert len(info["workers"]) == 1
    assert all(worker["nthreads"] == 1 for worker in info["workers"].values())
