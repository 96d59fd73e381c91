"""The conversion engine: input files to N-Quads (or N-Triples), piece by piece.

A file is cut into pieces of whole records (see ``split`` in the PubMed XML source);
with more than one job, worker processes parse and map the pieces and hand back their
output, which this process writes in input order, whatever order workers finish in.
"""

from __future__ import annotations

import gzip
import itertools
import multiprocessing
import os
import signal
import zlib
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..errors import ConversionError, GraphError, InputError
from ..model import Iris, Seen, article_nquads
from ..model.record_index import index_nquad
from ..processes import die_with_parent
from ..records import Deletion, Record
from ..sources import read_chunks, read_piece, read_records
from ..sources._mesh_names import MeshLinks, mesh_names

__all__ = ["Converter", "Piece", "convert_records", "counted_events"]

#: (PMID, the record's ``Version``; 0 for a deletion), in document order.
Event = tuple[str, int]

_PARALLEL_MIN_BYTES = 8 << 20  # below this, starting workers costs more than it saves
_RECORDS_PER_PIECE = 500
_GZIP_LEVEL = 6  # gzip's own default; level 9 costs 3x the time for ~2% smaller files


@dataclass(frozen=True, slots=True)
class Piece:
    """Some consecutive records of one file, converted.

    ``data`` holds the output when the caller gave no output file; otherwise it is
    written there and ``data`` is None.
    """

    events: tuple[Event, ...]
    quads: int
    position: int = 0  # bytes of the input file read when this piece was cut
    data: bytes | None = None
    compressed: bool = False
    unlinked: int = 0  # MeSH names without a UI (pieces of one file add up to one warning)

    def text(self) -> str:
        """The output as text (decompressed if need be)."""
        data = self.data or b""
        return (gzip.decompress(data) if self.compressed else data).decode("utf-8")


class Converter:
    """Converts files with ``jobs`` processes (default: one per core).

    >>> from graph.pipeline import sample_files
    >>> with Converter(Iris().base, jobs=1) as converter:
    ...     pieces = list(converter.pieces(sample_files()[0]))
    >>> sum(p.quads for p in pieces) > 1000
    True
    """

    def __init__(
        self,
        base: str,
        *,
        triples: bool = False,
        jobs: int | None = None,
        compress: bool = False,
        self_contained: bool = False,
        mesh: Sequence[str | Path] = (),
    ) -> None:
        """``self_contained``: each file's output describes every shared node it uses,
        even one an earlier file described (the store applies files one at a time).
        ``mesh``: NLM MeSH files that give UIs to MeSH terms records name without one."""
        self.base, self.triples, self.compress = base, triples, compress
        self.mesh = tuple(str(file) for file in mesh)
        self.self_contained = self_contained
        self._generation = 0  # changes whenever every process must forget what it described
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context(), initializer=_start_worker
            )
        self._seen = Seen()

    def __enter__(self) -> Converter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def pieces(self, path: Path, out: IO[bytes] | None = None, keep: Container[int] | None = None) -> Iterator[Piece]:
        """The converted pieces of one file, in order.

        With ``out`` (a binary file opened by path, positioned at its end) the output is
        appended there as the pieces come; without it, each piece carries its ``data``.
        With ``keep`` (see :func:`counted_events`), only the records of the file whose
        index is in it are converted, in this process, describing afresh every shared
        node they use.
        """
        if self.self_contained or keep is not None:
            self._forget()
        chunks = None
        if keep is None and self._pool is not None and path.stat().st_size >= _PARALLEL_MIN_BYTES:
            chunks = read_chunks(path)
        try:
            if chunks is None:
                yield from self._sequential(path, out, keep)
            else:
                yield from self._parallel(path, chunks, out, self._generation)
        except InputError as err:
            if str(err).startswith(f"{path}: "):
                raise
            # The model's refusals name the record ("PMID 1: the abstract is 17 MiB"); add the file.
            raise InputError(f"{path}: {err}") from err

    def _forget(self) -> None:
        # Output written before may be dropped (a file written again) or be elsewhere (a
        # self-contained file): describe shared nodes again, in this process and the workers.
        self._seen = Seen()
        self._generation += 1

    def _sequential(self, path: Path, out: IO[bytes] | None, keep: Container[int] | None) -> Iterator[Piece]:
        position = 0

        def track(at: int) -> None:
            nonlocal position
            position = at

        records: Iterator[Record] = read_records(path, on_progress=track, mesh=self.mesh)
        if keep is not None:
            records = (record for index, record in enumerate(records) if index in keep)
        while batch := list(itertools.islice(records, _RECORDS_PER_PIECE)):
            parts: list[bytes] = []
            events, quads = convert_records(
                batch, self.base, self.triples, self._seen, parts.append, index=self.self_contained
            )
            data = _joined(parts, self.compress)
            if out is None:
                yield Piece(events, quads, position, data, self.compress)
                continue
            out.write(data)
            yield Piece(events, quads, position)

    def _parallel(
        self, path: Path, chunks: Iterator[tuple[bytes, int, int]], out: IO[bytes] | None, generation: int
    ) -> Iterator[Piece]:
        assert self._pool is not None
        pending: deque[tuple[Future[Piece], int]] = deque()
        settings = (path, self.base, self.triples, self.compress, generation, self.self_contained, self.mesh)
        links = MeshLinks({})  # the pieces' counts of MeSH names without a UI, for one warning

        def done(future: Future[Piece], at: int) -> Piece:
            piece = future.result()
            links.unlinked += piece.unlinked
            if out is None:
                return replace(piece, position=at)
            out.write(piece.data or b"")
            return replace(piece, position=at, data=None)

        try:
            for chunk, line_offset, position in chunks:
                pending.append((self._pool.submit(_convert_chunk, chunk, line_offset, *settings), position))
                while len(pending) >= 2 * self._workers:  # bounds memory: pieces in flight
                    yield done(*pending.popleft())
            while pending:
                yield done(*pending.popleft())
        except BaseException as err:
            for future, _ in pending:
                future.cancel()
            if isinstance(err, BrokenProcessPool):
                raise ConversionError(
                    f"{path}: a worker process converting it died (killed, or out of memory?); "
                    "nothing was written. Run again, with --jobs 1 if memory is short"
                ) from err
            raise
        links.warn(path)


def convert_records(
    records: Iterable[Record],
    base: str,
    triples: bool,
    seen: Seen,
    write: Callable[[bytes], object],
    *,
    index: bool = False,
) -> tuple[tuple[Event, ...], int]:
    """Map records to N-Quads (or N-Triples) bytes handed to ``write`` record by record;
    return the events and the quad count.

    ``index`` adds each record's index entry (:mod:`graph.model.record_index`): derived
    data for the store, which ``build`` asks for and ``convert`` output never holds; it
    is not counted.
    """
    iris = Iris(base)
    events: list[Event] = []
    quads = 0
    for record in records:
        if isinstance(record, Deletion):
            events.append((record.pmid, 0))
            continue
        data = article_nquads(record, iris, seen, triples=triples)
        write(data)
        if index and not triples:
            write(index_nquad(record, iris))
        events.append((record.pmid, record.version))
        # One line a quad (literals escape their newlines). bytes.count() tests byte by
        # byte; replace() finds them with memchr, 5x faster on a record's ~80 kB.
        quads += len(data) - len(data.replace(b"\n", b""))
    return tuple(events), quads


def counted_events(events: Sequence[Event]) -> set[int] | None:
    """The indices of the events of one file that count, or None when they all do.

    One version of each PMID counts: its last deletion in the file drops every record
    of it listed before; of the records listed after that (all of them, when none
    deletes it), the one with the highest ``Version`` counts, the last listed on a tie.
    A PMID whose last event is a deletion is deleted.

    >>> counted_events([("1", 1), ("2", 1)]) is None
    True
    >>> sorted(counted_events([("1", 2), ("1", 1), ("2", 1), ("2", 0), ("3", 0), ("3", 1)]))
    [0, 3, 5]
    """
    counted: dict[str, tuple[int, int]] = {}  # PMID -> (version, index) of the event that counts
    for index, (pmid, version) in enumerate(events):
        held = counted.get(pmid)
        if held is None or version == 0 or version >= held[0]:
            counted[pmid] = (version, index)
    if len(counted) == len(events):
        return None
    return {index for _version, index in counted.values()}


def _joined(parts: list[bytes], compress: bool) -> bytes:
    """A piece's output as one bytes value, or as one gzip member."""
    data = b"".join(parts)
    return _gzip_member(data) if compress else data


def _gzip_member(data: bytes | memoryview) -> bytes:
    """``data`` as one gzip member (concatenated members are one gzip stream)."""
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip header and trailer
    return compressor.compress(data) + compressor.flush()


_WORKER: dict[str, Any] = {}


def _start_worker() -> None:
    # The main process decides how a stop unwinds (it rolls back, then shuts the pool
    # down); a worker just ends, and ends with it even when it is killed outright.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(signal.SIGKILL)
    # A fresh Seen: nothing inherited by fork.
    _WORKER.update(seen=Seen(), generation=0)


def _convert_chunk(
    chunk: bytes,
    line_offset: int,
    path: Path,
    base: str,
    triples: bool,
    compress: bool,
    generation: int,
    with_index: bool,
    mesh: tuple[str, ...],
) -> Piece:
    # Runs in a worker: parse one standalone chunk, map it, hand the output back.
    if _WORKER["generation"] != generation:  # see Converter._forget
        _WORKER.update(seen=Seen(), generation=generation)
    links = MeshLinks(mesh_names(mesh))
    parts: list[bytes] = []
    try:
        events, quads = convert_records(
            read_piece(chunk, path, line_offset, links),
            base,
            triples,
            _WORKER["seen"],
            parts.append,
            index=with_index,
        )
    except GraphError as err:
        # Sent back by pickle, which may be taught to carry causes (tblib, once Dask has run
        # in this process) and cannot carry lxml's: the message is all the caller needs.
        failure = type(err)(str(err))
    else:
        return Piece(events, quads, data=_joined(parts, compress), compressed=compress, unlinked=links.unlinked)
    raise failure
