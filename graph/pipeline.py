"""The library functions behind the CLI commands: convert, build, stats, demo.

Each returns data (a summary dataclass) and never prints. Long work reports through an
optional :class:`Progress` object, which the CLI renders as progress bars.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

from .model import Iris, Quad, article_quads
from .records import Deletion
from .sources import expand_inputs, read_records
from .store.files import write_quads
from .store.oxigraph import KnowledgeStore
from .store.provenance import load_activity_nquads

__all__ = [
    "BuildSummary",
    "ConvertSummary",
    "FileSummary",
    "Progress",
    "build",
    "convert",
    "sample_files",
]


class Progress(Protocol):
    """Receives progress events; the CLI draws bars from them."""

    def file_started(self, path: Path, size: int) -> None: ...

    def advanced(self, position: int, records: int) -> None: ...

    def file_done(self, summary: FileSummary) -> None: ...


@dataclass(frozen=True, slots=True)
class FileSummary:
    path: Path
    records: int
    deletions: int
    quads: int
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class ConvertSummary:
    output: Path
    files: tuple[FileSummary, ...]
    quads: int
    seconds: float

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)


@dataclass(frozen=True, slots=True)
class BuildSummary:
    store: Path | None
    files: tuple[FileSummary, ...]
    seconds: float
    store_quads: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)

    @property
    def quads(self) -> int:
        return sum(f.quads for f in self.files)


def sample_files() -> list[Path]:
    """The bundled illustrative corpus: the baseline-like file, then its update.

    >>> [p.name for p in sample_files()]
    ['pubmed-sample.xml', 'pubmed-update.xml']
    """
    folder = Path(str(resources.files("graph") / "data" / "sample"))
    return sorted(folder.glob("pubmed-*.xml"))


# convert ---------------------------------------------------------------------------


def convert(
    inputs: Sequence[Path | str], output: Path | str, *, base: str | None = None, progress: Progress | None = None
) -> ConvertSummary:
    """Stream PubMed input files to one RDF file, its format chosen by its extension.

    Deletions cannot be expressed in a static RDF file; they are counted in the summary
    (apply them with :func:`build`).
    """
    started = time.perf_counter()
    files = expand_inputs(Path(p) for p in inputs)
    iris = Iris.from_env(base)
    summaries: list[FileSummary] = []
    seen: set[str] = set()

    def batches() -> Iterator[list[Quad]]:
        for path in files:
            counts = _Counts()
            yield from _file_quads(path, iris, seen, counts, progress)
            summary = FileSummary(path, counts.records, counts.deletions, counts.quads)
            summaries.append(summary)
            if progress:
                progress.file_done(summary)

    out = Path(output)
    quads = write_quads(batches(), out)
    return ConvertSummary(out, tuple(summaries), quads, time.perf_counter() - started)


@dataclass(slots=True)
class _Counts:
    records: int = 0
    deletions: int = 0
    quads: int = 0


def _file_quads(
    path: Path, iris: Iris, seen: set[str], counts: _Counts, progress: Progress | None
) -> Iterator[list[Quad]]:
    if progress:
        progress.file_started(path, path.stat().st_size)
        records = read_records(path, on_progress=lambda pos: progress.advanced(pos, counts.records))
    else:
        records = read_records(path)
    for record in records:
        if isinstance(record, Deletion):
            counts.deletions += 1
            continue
        quads = article_quads(record, iris, seen)
        counts.records += 1
        counts.quads += len(quads)
        yield quads


# build -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Staged:
    """One input file converted to N-Quads, ready to apply to the store."""

    summary: FileSummary
    nquads: Path
    replaced: tuple[str, ...]  # PMIDs whose named graphs the file replaces or deletes


def build(
    inputs: Sequence[Path | str],
    store: Path | str | None = None,
    *,
    base: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """Load PubMed input files into the persistent store, in the order given.

    Each file replaces the named graphs of the records it contains and drops those it
    deletes, so loading the same input twice changes nothing, and baseline then update
    files in order give PubMed's current state. Bad input fails before the store is
    touched; the store keeps what earlier files added.
    """
    started = time.perf_counter()
    files = expand_inputs(Path(p) for p in inputs)
    iris = Iris.from_env(base)
    with KnowledgeStore.open(store, iris=iris) as kg:
        warnings = []
        interrupted = kg.interrupted_load()
        if interrupted:
            warnings.append(f"a previous load of {interrupted} was interrupted; reload that file to repair it")
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=kg.path))
        try:
            summaries = tuple(_apply_all(kg, files, staging, iris, jobs, progress))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return BuildSummary(kg.path, summaries, time.perf_counter() - started, kg.count_quads(), tuple(warnings))


def _apply_all(
    kg: KnowledgeStore, files: list[Path], staging: Path, iris: Iris, jobs: int | None, progress: Progress | None
) -> Iterator[FileSummary]:
    for staged in _staged_files(files, staging, iris, jobs, progress):
        began = time.time()
        kg.apply(staged.nquads, staged.replaced, marker=str(staged.summary.path))
        kg.add_quads(load_activity_nquads(iris, staged.summary, began, time.time()))
        staged.nquads.unlink()
        if progress:
            progress.file_done(staged.summary)
        yield staged.summary


def _staged_files(
    files: list[Path], staging: Path, iris: Iris, jobs: int | None, progress: Progress | None
) -> Iterator[_Staged]:
    workers = min(jobs or os.cpu_count() or 1, len(files))
    if workers <= 1:
        for path in files:
            yield stage_file(path, staging, iris.base, progress)
        return
    # One process per core over files; results are applied in input order.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(stage_file, path, staging, iris.base) for path in files]
        try:
            for future in futures:
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def stage_file(path: Path, staging: Path, base: str, progress: Progress | None = None) -> _Staged:
    """Convert one input file to a staged N-Quads file (runs in worker processes)."""
    iris = Iris(base)
    target = staging / f"{hashlib.sha1(str(path).encode()).hexdigest()}.nq"
    counts = _Counts()
    spans: list[tuple[int, int, int]] = []  # (event, start, end) byte spans of each record
    final_event: dict[str, int] = {}  # PMID -> index of the last event naming it
    on_progress = (lambda pos: progress.advanced(pos, counts.records)) if progress else None
    if progress:
        progress.file_started(path, path.stat().st_size)
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        seen: set[str] = set()
        for event, record in enumerate(read_records(path, on_progress=on_progress)):
            final_event[record.pmid] = event
            if isinstance(record, Deletion):
                counts.deletions += 1
                continue
            start = out.tell()
            quads = article_quads(record, iris, seen)
            out.write("".join([f"{s} {p} {o} {g} .\n" for s, p, o, g in quads]))
            spans.append((event, start, out.tell()))
            counts.records += 1
            counts.quads += len(quads)
    last_events = set(final_event.values())
    if len(last_events) < len(spans) + counts.deletions:
        _keep_spans(target, [(a, b) for event, a, b in spans if event in last_events])
    summary = FileSummary(path, counts.records, counts.deletions, counts.quads, _sha256(path))
    return _Staged(summary, target, tuple(final_event))


def _keep_spans(target: Path, keep: list[tuple[int, int]]) -> None:
    """Rewrite the staged file with only the given spans: when a file lists a record
    twice, or deletes it after listing it, only its last event counts."""
    source = target.with_suffix(".all")
    target.rename(source)
    with open(source, "rb") as src, open(target, "wb") as dst:
        for start, end in keep:
            src.seek(start)
            dst.write(src.read(end - start))
    source.unlink()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
