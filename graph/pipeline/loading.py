"""The library functions behind the loading commands: convert and build.

Each returns data (a summary dataclass) and never prints. Long work reports through an
optional :class:`Progress` object, which the CLI renders as progress bars.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Protocol

from ..errors import GraphError, StoreError
from ..model import Iris
from ..model.provenance import load_activity_nquads
from ..outputs import atomic_output, prepared_parent, scratch_file
from ..records import LoadActivity
from ..sources import expand_inputs, file_sha256
from ..store.checkpoint import Checkpoint
from ..store.files import rdf_format_for, write_text
from ..store.oxigraph import KnowledgeStore, store_path
from ..store.summaries import refresh_summaries, summaries_current
from .conversion import Converter, Event, Piece, counted_events

__all__ = [
    "DEMO_STORE",
    "BuildSummary",
    "ConvertSummary",
    "FileSummary",
    "Progress",
    "build",
    "build_demo",
    "convert",
    "refresh_stale_summaries",
    "sample_files",
]


_log = logging.getLogger("graph.pipeline")  # the name users configure for builds and conversions


class Progress(Protocol):
    """Receives progress events; the CLI draws bars from them."""

    def file_started(self, path: Path, size: int) -> None: ...

    def advanced(self, position: int, records: int) -> None: ...

    def loading(self, path: Path, quads: int) -> None: ...

    def file_done(self, summary: FileSummary) -> None: ...


@dataclass(frozen=True, slots=True)
class FileSummary:
    path: Path
    records: int
    deletions: int
    quads: int
    sha256: str = ""

    def activity(self, started: float, ended: float) -> LoadActivity:
        """What the provenance graph records of this file's load."""
        return LoadActivity(self.path.name, self.sha256, self.records, self.deletions, self.quads, started, ended)


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


DEMO_STORE = Path("output") / "demo"


def sample_files() -> list[Path]:
    """The bundled illustrative corpus: the baseline-like file, then its update.

    >>> [p.name for p in sample_files()]
    ['pubmed-sample.xml', 'pubmed-update.xml']
    """
    folder = Path(str(resources.files("graph") / "data" / "sample"))
    return sorted(folder.glob("pubmed-*.xml"))


def build_demo(store: Path | str | None = None) -> BuildSummary:
    """Build the bundled sample into its own store, ``output/demo`` unless ``store`` says.

    The demo's invented records must never mix with a user's corpus: a store that holds
    anything the sample files did not load is refused.
    """
    target = Path(store) if store is not None else DEMO_STORE
    if (target / "CURRENT").exists():
        with KnowledgeStore.open(target, read_only=True) as kg:
            other = kg.inputs_other_than({file_sha256(path) for path in sample_files()})
        if other:
            raise StoreError(
                f"{target} holds data the demo did not load ({other}); the demo builds the bundled sample "
                f"into a store of its own: run pubgraph demo without --store ({DEMO_STORE}), or give a new directory"
            )
    return build(sample_files(), target, jobs=1)


@dataclass(slots=True)
class _Tally:
    """One input file converted: the records and deletions it lists, the quads written."""

    records: int = 0
    deletions: int = 0
    quads: int = 0
    events: list[Event] = field(default_factory=list)

    @classmethod
    def of(cls, path: Path, converter: Converter, out: IO[bytes], progress: Progress | None) -> _Tally:
        """Convert ``path`` into ``out`` from its current position, one version per PMID
        (see :func:`~graph.pipeline.conversion.counted_events`). A file that lists a PMID more than
        once (rare) is written again with only the records that count, whatever ``jobs``."""
        tally = cls()
        start = out.tell()
        if progress:
            progress.file_started(path, path.stat().st_size)
        for piece in converter.pieces(path, out):
            tally.add(piece)
            if progress:
                progress.advanced(piece.position, tally.records)
        counted = counted_events(tally.events)
        if counted is not None:
            out.seek(start)
            out.truncate()
            tally.quads = sum(piece.quads for piece in converter.pieces(path, out, counted))
        return tally

    def add(self, piece: Piece) -> None:
        self.quads += piece.quads
        self.events.extend(piece.events)
        for _pmid, version in piece.events:
            if version:
                self.records += 1
            else:
                self.deletions += 1

    def pmids(self) -> tuple[str, ...]:
        """Every PMID the file lists, once, in order."""
        return tuple(dict.fromkeys(pmid for pmid, _version in self.events))


# convert ---------------------------------------------------------------------------


def convert(
    inputs: Sequence[Path | str],
    output: Path | str,
    *,
    base: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    mesh: Sequence[Path | str] = (),
) -> ConvertSummary:
    """Stream PubMed input files to one RDF file, its format chosen by its extension.

    Large files are cut into pieces converted by ``jobs`` worker processes (default: one
    per core); any ``jobs`` gives the same quads. Each file gives one version of each
    PMID it lists, as :func:`build` keeps: the highest ``<PMID Version>``, the last listed
    on a tie, and none when a ``<DeleteCitation>`` in the file deletes the PMID after its
    last record. Files are converted one by one: a PMID listed in several files gets
    each file's version (:func:`build` applies them in order), and deletions of records
    of other files cannot be expressed in a static RDF file; they are counted in the
    summary (apply them with :func:`build`). ``mesh`` names NLM MeSH files that give
    UIs to MeSH terms that records name without one (PubMed text, XML before 2014).
    """
    started = time.perf_counter()
    files = expand_inputs(Path(p) for p in inputs)
    out = Path(output)
    fmt = rdf_format_for(out)
    compress = fmt.line_based and out.name.lower().endswith(".gz")
    base_iri = Iris.for_base(base).base
    summaries: list[FileSummary] = []

    def write(converter: Converter, stream: IO[bytes]) -> None:
        for path in files:
            tally = _Tally.of(path, converter, stream, progress)
            summaries.append(FileSummary(path, tally.records, tally.deletions, tally.quads))
            if progress:
                progress.file_done(summaries[-1])

    with (
        prepared_parent(out),
        Converter(
            base_iri, triples=fmt.line_based and not fmt.quads, jobs=jobs, compress=compress, mesh=mesh
        ) as converter,
    ):
        if fmt.line_based:
            with atomic_output(out, compress=False) as stream:
                write(converter, stream)
        else:  # N-Quads in a scratch file beside the output first, then re-serialized
            with scratch_file(out) as scratch:
                write(converter, scratch)
                scratch.seek(0)
                write_text((b"".join(lines).decode() for lines in iter(lambda: scratch.readlines(1 << 22), [])), out)
    return ConvertSummary(out, tuple(summaries), sum(f.quads for f in summaries), time.perf_counter() - started)


@contextmanager
def _staging_dir(store: Path) -> Iterator[Path]:
    """The store's one staging folder. Only the holder of the store's write lock uses it,
    so whatever a killed build left there (or in the per-build folders of earlier
    versions) is cleared first."""
    for leftover in store.glob(".pubgraph-staging*"):
        shutil.rmtree(leftover, ignore_errors=True)
    folder = store / ".pubgraph-staging"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# build -----------------------------------------------------------------------------


def build(
    inputs: Sequence[Path | str],
    store: Path | str | None = None,
    *,
    base: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    mesh: Sequence[Path | str] = (),
) -> BuildSummary:
    """Load PubMed input files into the persistent store, in the order given.

    Each file replaces the named graphs of the records it contains and drops those it
    deletes, so loading the same input twice changes nothing, and baseline then update
    files in order give PubMed's current state. Bad input fails before the store is
    touched; the store keeps what earlier files added. ``mesh``: as for :func:`convert`.
    """
    started = time.perf_counter()
    files = expand_inputs(Path(p) for p in inputs)
    iris = Iris.for_base(base)
    target = store_path(store)
    fresh = not target.exists()
    try:
        summary = _build(files, target, iris, jobs, progress, started, mesh)
    except BaseException:
        if fresh:  # a failed first build leaves nothing behind
            shutil.rmtree(target, ignore_errors=True)
            Checkpoint(target).discard()
        raise
    _log.info("built %s from %d file(s) in %.2f s: %d quads", target, len(files), summary.seconds, summary.store_quads)
    return summary


def _build(
    files: list[Path],
    target: Path,
    iris: Iris,
    jobs: int | None,
    progress: Progress | None,
    started: float,
    mesh: Sequence[Path | str] = (),
) -> BuildSummary:
    with KnowledgeStore.open(target, iris=iris) as kg, _staging_dir(target) as staging:
        with Converter(iris.base, jobs=jobs, self_contained=True, mesh=mesh) as converter:
            try:
                summaries = [_build_file(kg, path, staging, converter, progress) for path in files]
            except GraphError:
                # the files before the failing one have landed: the summaries follow them
                refresh_stale_summaries(kg, staging)
                raise
        warnings = refresh_stale_summaries(kg, staging)
        if summaries:
            kg.compact()
        warnings += tuple(
            f"an earlier load of {name} was interrupted and rolled back; load that file again"
            for name in kg.interrupted_loads()
        )
        return BuildSummary(kg.path, tuple(summaries), time.perf_counter() - started, kg.count_quads(), warnings)


def refresh_stale_summaries(kg: KnowledgeStore, staging: Path) -> tuple[str, ...]:
    """Bring the saved queries' summaries up to date after loading (once, after the last
    file: per file it would cost each file a pass over the whole store); the warning, if
    computing them failed, which leaves the loaded data as it is, with the plain forms of
    the saved queries."""
    if summaries_current(kg):
        return ()
    try:
        refresh_summaries(kg, staging)
    except StoreError as err:
        return (str(err),)
    return ()


def _build_file(
    kg: KnowledgeStore, path: Path, staging: Path, converter: Converter, progress: Progress | None
) -> FileSummary:
    began = time.time()
    try:
        staged, summary, replaced = _stage(path, staging, converter, progress)
    except OSError as err:
        raise StoreError(
            f"{staging}: staging {path} failed ({err.strerror or err}); the store is unchanged: "
            "fix the cause (free space?) and re-run the same command"
        ) from err
    _log.info(
        "%s: %d records and %d quads converted in %.2f s", path, summary.records, summary.quads, time.time() - began
    )
    if progress:
        progress.loading(path, summary.quads)
    loading = time.perf_counter()
    with kg.guarded(str(path)):
        kg.apply(staged, replaced)
        kg.add_quads(load_activity_nquads(kg.iris, summary.activity(began, time.time())))
    _log.info("%s: loaded into %s in %.2f s", path, kg.path or "memory", time.perf_counter() - loading)
    staged.unlink()
    if progress:
        progress.file_done(summary)
    return summary


def _stage(
    path: Path, staging: Path, converter: Converter, progress: Progress | None
) -> tuple[Path, FileSummary, tuple[str, ...]]:
    """Convert a whole file to a staged N-Quads file before the store is touched."""
    target = staging / f"{hashlib.sha1(os.fsencode(path)).hexdigest()}.nq"
    with open(target, "wb") as out:
        tally = _Tally.of(path, converter, out, progress)
    summary = FileSummary(path, tally.records, tally.deletions, tally.quads, file_sha256(path))
    return target, summary, tally.pmids()
