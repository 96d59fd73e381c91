"""Files as the unit of work on a Dask cluster: scan, settle, then one shard per file.

A run has two passes over the cluster. The first scans every input for its events
(see :mod:`.plan`); :func:`~.plan.settle` then decides, in the client, which records
of each file are current; the second converts each file to its shard keeping only
those (see :mod:`.shard`). A file whose input and current records are those the
manifest recorded, and whose shard is there, is not converted again, and a file
scanned before (same SHA-256) is not scanned again: an interrupted run resumes, and a
new update file costs its own scan and conversion plus the rewrite of the earlier
shards whose records it replaces or deletes.

Workers read the inputs and write the shards by path: on a cluster of several
machines, both live on a file system that every worker sees at the same path.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from .._version import __version__
from ..errors import DistributedError, GraphError
from ..model import Iris
from ..sources import expand_inputs
from .manifest import Entry, Manifest, clashing_names, keep_digest
from .plan import FileEvents, scan_cached, settle
from .shard import PART_MARK, ShardResult, write_shard

__all__ = ["EVENTS", "ShardProgress", "ShardRun", "convert_shards", "shard_name"]

EVENTS = ".pubgraph-events"  # in the shard folder: each input's scan, by its SHA-256

_T = TypeVar("_T")
ShardTask = Callable[[Path, Path, str, "np.ndarray | None", np.ndarray, str], ShardResult]


class ShardProgress(Protocol):
    """Receives a run's events; the CLI prints them on stderr."""

    def scanned(self, path: Path, done: int, total: int) -> None: ...

    def converted(self, entry: Entry, skipped: bool, done: int, total: int) -> None: ...

    def failed(self, path: Path, message: str) -> None: ...


@dataclass(frozen=True, slots=True)
class ShardRun:
    """A run's outcome: the manifest's entries for this run's inputs (in order), how many
    shards were kept from an earlier run, the inputs that failed, with why."""

    folder: Path
    entries: tuple[Entry, ...]
    skipped: int
    failures: tuple[tuple[Path, str], ...]
    seconds: float
    warnings: tuple[str, ...] = ()

    @property
    def records(self) -> int:
        return sum(e.records for e in self.entries)

    @property
    def quads(self) -> int:
        return sum(e.quads for e in self.entries)


def shard_name(path: Path) -> str:
    """The shard of an input: its name without the format's extensions, plus ``.nq.gz``.

    >>> shard_name(Path("baseline/pubmed26n0001.xml.gz")), shard_name(Path("saved.nbib"))
    ('pubmed26n0001.nq.gz', 'saved.nq.gz')
    """
    name = path.name
    for ending in (".gz", ".xml", ".nbib", ".txt"):
        name = name.removesuffix(ending) if name.lower().endswith(ending) else name
    return f"{name}.nq.gz"


def convert_shards(
    inputs: Sequence[Path | str],
    folder: Path | str,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    base: str | None = None,
    progress: ShardProgress | None = None,
    task: ShardTask = write_shard,
    mesh: Sequence[Path | str] = (),
) -> ShardRun:
    """Convert PubMed files to one N-Quads shard each in ``folder``, on a Dask cluster.

    ``scheduler`` is a scheduler address (``tcp://host:8786``); without it, a local
    cluster of ``workers`` processes (default: one per core) is started and stopped.
    Files apply in the order given (directories sorted): baseline, then updates. A file
    that fails is named in ``failures`` and leaves no shard; the others go on. ``task``
    converts one file (tests put a failing one in its place); ``mesh`` names NLM MeSH
    files for MeSH terms records name without a UI.
    """
    started = time.perf_counter()
    files = [path.resolve() for path in expand_inputs(Path(p) for p in inputs)]
    names = [shard_name(path) for path in files]
    clash = clashing_names(names)
    if clash:
        same = [str(f) for f, n in zip(files, names, strict=True) if n == clash]
        raise DistributedError(f"{same[0]} and {same[1]} would both become shard {clash}; rename one of them")
    out = _prepared(Path(folder))
    iris = Iris.for_base(base)
    earlier = _earlier(out, iris.base)
    with _client(scheduler, workers) as client:
        run = _Run(client, out, iris.base, earlier, progress)
        scans = run.scan(files)
        kept = settle(scans)
        if mesh and task is write_shard:
            task = functools.partial(write_shard, mesh=tuple(str(file) for file in mesh))
        run.convert(files, names, scans, kept, task)
    return ShardRun(
        out,
        tuple(run.manifest.entries),
        run.skipped,
        tuple(run.failures),
        time.perf_counter() - started,
        tuple(dict.fromkeys(run.warnings)),
    )


class _Run:
    """One run's state: the manifest being written, failures, the client."""

    def __init__(self, client: Any, folder: Path, base: str, earlier: dict[str, Entry], progress: ShardProgress | None):
        self.client, self.folder, self.base, self.earlier = client, folder, base, earlier
        self.progress = progress
        self.manifest = Manifest(base, __version__)
        self.failures: list[tuple[Path, str]] = []
        self.warnings: list[str] = []
        self.skipped = 0

    def scan(self, files: list[Path]) -> list[FileEvents | None]:
        from distributed import as_completed

        futures = {
            self.client.submit(_on_worker, "scanning", scan_cached, path, self.folder / EVENTS, pure=False): n
            for n, path in enumerate(files)
        }
        scans: list[FileEvents | None] = [None] * len(files)
        for done, future in enumerate(as_completed(futures), start=1):
            n = futures[future]
            try:
                scans[n] = future.result()
            except Exception as err:
                self._fail(files[n], "scanning", err)
            if self.progress:
                self.progress.scanned(files[n], done, len(files))
        return scans

    def convert(
        self,
        files: list[Path],
        names: list[str],
        scans: list[FileEvents | None],
        kept: list[np.ndarray],
        task: ShardTask,
    ) -> None:
        from distributed import as_completed

        entries: list[Entry | None] = [None] * len(files)
        futures: dict[Any, tuple[int, Entry]] = {}
        for n, (path, name, scanned) in enumerate(zip(files, names, scans, strict=True)):
            if scanned is None:
                continue
            entry = _entry(path, name, scanned, kept[n])
            before = self.earlier.get(str(path))
            if before is not None and _same(before, entry) and (self.folder / name).is_file():
                entries[n] = before
                self.skipped += 1
                continue
            (self.folder / name).unlink(missing_ok=True)  # stale: whatever happens next, it must go
            records = scanned.pmids[np.isin(scanned.indices, kept[n])]
            args = (path, self.folder, name, kept[n], records, self.base)
            futures[self.client.submit(_on_worker, "converting", task, *args, pure=False)] = (n, entry)
        self._record(files, entries)
        total = len(futures) + self.skipped
        if self.progress:
            for done, entry in enumerate((e for e in entries if e is not None), start=1):
                self.progress.converted(entry, True, done, total)
        for done, future in enumerate(as_completed(futures), start=self.skipped + 1):
            n, entry = futures[future]
            try:
                result: ShardResult = future.result()
            except Exception as err:
                self._fail(files[n], "converting", err)
                for part in self.folder.glob(f".{entry.shard}{PART_MARK}*"):  # what a killed worker left
                    part.unlink(missing_ok=True)
                continue
            entries[n] = replace(
                entry, records=result.records, quads=result.quads, record_quads=result.record_quads, bytes=result.bytes
            )
            self.warnings.extend(result.warnings)
            self._record(files, entries)
            if self.progress:
                self.progress.converted(entries[n], False, done, total)  # type: ignore[arg-type]
        self._record(files, entries)

    def _record(self, files: list[Path], entries: list[Entry | None]) -> None:
        failed = dict(self.failures)
        self.manifest.entries = [
            entry if entry is not None else Entry(str(path), "", failed=failed.get(path, "not converted yet"))
            for path, entry in zip(files, entries, strict=True)
        ]
        self.manifest.write(self.folder)

    def _fail(self, path: Path, doing: str, err: BaseException) -> None:
        message = _described(path, doing, err)
        self.failures.append((path, message))
        if self.progress:
            self.progress.failed(path, message)


def _entry(path: Path, name: str, scanned: FileEvents, kept: np.ndarray) -> Entry:
    return Entry(
        input=str(path),
        sha256=scanned.sha256,
        shard=name,
        kept=keep_digest(kept),
        listed=scanned.records,
        deletions=scanned.deletions,
        records=len(kept),
    )


def _same(before: Entry, now: Entry) -> bool:
    return (before.sha256, before.kept, before.shard, before.records) == (now.sha256, now.kept, now.shard, now.records)


def _earlier(folder: Path, base: str) -> dict[str, Entry]:
    """The shards an earlier run finished, by input; none when made with another base
    IRI or another pubgraph version (the quads would differ)."""
    manifest = Manifest.read(folder)
    if manifest is None or manifest.base != base or manifest.version != __version__:
        return {}
    return {entry.input: entry for entry in manifest.shards()}


def _prepared(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(f".*{PART_MARK}*"):  # a killed worker's unfinished shard
            leftover.unlink(missing_ok=True)
    except OSError as err:
        raise DistributedError(f"{folder}: cannot write shards there ({err.strerror or err})") from err
    return folder.resolve()


class _TaskFailed(Exception):
    """A task's failure, as the one line that names its file (it travels back from the
    worker pickled; the original exception and its causes may not pickle)."""


def _on_worker(doing: str, func: Callable[..., _T], path: Path, *args: Any) -> _T:
    try:
        return func(path, *args)
    except Exception as err:
        message = _described(path, doing, err)
    raise _TaskFailed(message)  # outside the handler: no context to pickle


def _described(path: Path, doing: str, err: BaseException) -> str:
    """One line for a file that failed: our own errors say it; a dead worker is named."""
    kind = type(err).__name__
    if isinstance(err, _TaskFailed):
        return str(err)
    if kind == "KilledWorker":
        return f"{path}: the worker {doing} it died (killed, or out of memory?); no shard was written"
    if isinstance(err, GraphError):
        text = str(err)
        return text if text.startswith(str(path)) else f"{path}: {text}"
    if isinstance(err, OSError):
        return f"{path}: {doing} it failed: {err.strerror or err}{f' ({err.filename})' if err.filename else ''}"
    return f"{path}: {doing} it failed: {kind}: {err}"


@contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster started here."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise DistributedError("Dask is not installed: pip install 'pubgraph[dask]'") from err
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as err:
            raise DistributedError(
                f"no Dask scheduler answers at {scheduler} ({err}); start one (dask scheduler) or check the address"
            ) from err
        with client:
            yield client
        return
    import dask

    count = workers or os.cpu_count() or 1
    with (
        dask.config.set(_QUIET),
        LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # its HTTP server starts anyway (idle without a browser): a free port
            silence_logs=logging.CRITICAL,  # a failed file is reported by the run, in one line
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


# A local cluster's own upkeep, which runs for as long as a run lasts: each task is a
# whole file of ~40 CPU-s, so sampling profilers, 20 ms event-loop ticks and 100 ms
# memory checks in every process buy nothing (Dask's defaults in distributed.yaml).
_QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.deploy.cluster-repr-interval": "10s",
    "distributed.client.scheduler-info-interval": "10s",
}
