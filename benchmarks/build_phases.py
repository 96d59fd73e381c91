"""Benchmark: where ``pubgraph build`` spends its time, phase by phase.

Runs :func:`graph.build` on one input file into a store (new, or an existing one for a
reload) with timers around each phase, and prints the phases against the whole:

  conversion (XML -> staged N-Quads, in worker processes), the input's SHA-256, the
  rollback checkpoint, per-record digests, the unchanged-record check, the shared nodes
  read before removals, removals, Oxigraph's bulk load, the orphan search, provenance,
  the final flush, the checkpoint's removal, compaction and the closing count.

Run: ``python benchmarks/build_phases.py CORPUS STORE [--jobs N]``; STORE may be a copy
of a store already built from CORPUS (``cp -a``) to measure a reload.
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import graph
from graph import pipeline
from graph.store import checkpoint, oxigraph
from graph.store.unchanged import drop_graph_lines

SPENT: dict[str, float] = defaultdict(float)
#: --skip-unchanged: the graphs of the records the last ``_unchanged`` found kept.
KEPT: list[str] = []
#: --keep-staged: where to hard-link the staged N-Quads before the bulk load reads them.
KEEP_STAGED: list[Path] = []


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - started

    return wrapper


class _TimedStore:
    """An ``ox.Store`` whose bulk loads, removals and flushes are timed."""

    def __init__(self, store: ox.Store) -> None:
        self._inner = store

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name == "bulk_load" and KEPT:
            return timed("ox.bulk_load", _skipping(attribute))
        if name == "bulk_load" and KEEP_STAGED:
            return timed("ox.bulk_load", _keeping(attribute))
        if name in ("bulk_load", "remove_graph", "flush", "optimize", "backup", "__len__"):
            return timed(f"ox.{name}", attribute)
        return attribute

    def __len__(self) -> int:
        return timed("ox.__len__", self._inner.__len__)()

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self._inner


def _keeping(bulk_load: Callable[..., Any]) -> Callable[..., Any]:
    def load(*, path: str, **kwargs: Any) -> Any:
        os.link(path, KEEP_STAGED.pop())
        return bulk_load(path=path, **kwargs)

    return load


def _skipping(bulk_load: Callable[..., Any]) -> Callable[..., Any]:
    def load(*, path: str, **kwargs: Any) -> Any:
        removed = timed("  drop unchanged lines", drop_graph_lines)(Path(path), KEPT)
        print(f"  left out {removed:,} staged lines of {len(KEPT):,} unchanged records")
        KEPT.clear()
        return bulk_load(path=path, **kwargs)

    return load


def skip_unchanged() -> None:
    """Leave the unchanged records' lines out of the bulk load (graph.store.unchanged)."""
    unchanged = oxigraph.KnowledgeStore._unchanged

    def capture(self: Any, pmids: list[str], digests: dict[str, str]) -> set[str]:
        kept = unchanged(self, pmids, digests)
        KEPT[:] = [self.iris.record_graph(pmid) for pmid in kept]
        return kept

    oxigraph.KnowledgeStore._unchanged = capture  # type: ignore[method-assign]


def instrument() -> None:
    pipeline._stage = timed("stage (conversion + sha256)", pipeline._stage)  # type: ignore[attr-defined]
    pipeline._sha256 = timed("  input sha256", pipeline._sha256)  # type: ignore[attr-defined]
    checkpoint.Checkpoint.take = timed("checkpoint take", checkpoint.Checkpoint.take)  # type: ignore[method-assign]
    checkpoint.Checkpoint.discard = timed("checkpoint discard", checkpoint.Checkpoint.discard)  # type: ignore[method-assign]
    oxigraph._record_digests = timed("  record digests", oxigraph._record_digests)  # type: ignore[attr-defined]
    store = oxigraph.KnowledgeStore
    for name in ("apply", "_unchanged", "_replace_digests", "_shared_nodes_used_by", "_drop_orphans"):
        label = "apply (total)" if name == "apply" else f"  {name}"
        setattr(store, name, timed(label, getattr(store, name)))
    for name in ("compact", "count_quads", "add_quads", "close"):
        setattr(store, name, timed(name, getattr(store, name)))
    opened = store.__init__

    def init(self: Any, inner: ox.Store, *args: Any, **kwargs: Any) -> None:
        opened(self, _TimedStore(inner), *args, **kwargs)

    store.__init__ = init  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-unchanged", action="store_true", help="leave unchanged records out of the bulk load")
    parser.add_argument("--keep-staged", type=Path, help="hard-link the staged N-Quads here (for a bulk-load baseline)")
    args = parser.parse_args()
    if args.keep_staged:
        KEEP_STAGED.append(args.keep_staged)
    reload = (args.store / "CURRENT").exists()
    if args.skip_unchanged:
        skip_unchanged()
    instrument()
    started = time.perf_counter()
    summary = graph.build([args.corpus], args.store, jobs=args.jobs)
    whole = time.perf_counter() - started
    print(
        f"{'reload' if reload else 'first load'} of {args.corpus}: {summary.records:,} records, "
        f"{summary.quads:,} quads in {whole:.1f} s ({summary.records / whole:,.0f} records/s); "
        f"store holds {summary.store_quads:,} quads"
    )
    for name, seconds in SPENT.items():
        print(f"  {name:<34} {seconds:8.2f} s  {seconds / whole:6.1%}")


if __name__ == "__main__":
    main()
