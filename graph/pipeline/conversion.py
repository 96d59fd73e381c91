"""The conversion engine: input files to N-Quads (or N-Triples), piece by piece.

A file is cut into pieces of whole records (see ``split`` in the PubMed XML source);
with more than one job, worker processes parse and map the pieces. Output is written
once, where it belongs: a worker that has converted a piece waits for its turn (every
earlier piece has taken its place in the output), takes the next stretch of the output
file, and writes the piece there itself. Writing N-Quads is a large part of conversion
(~80 kB a record), so the output is never staged elsewhere and copied. Pieces come back
in input order, whatever order workers finish in.

A worker gathers a piece in one page-aligned buffer that it keeps from piece to piece,
and writes the whole pages of it with direct I/O (``O_DIRECT``), bypassing the page
cache: a conversion writes gigabytes that nobody reads back soon, and filling fresh
page-cache pages cost more CPU than the copy itself (2 s a GB on our virtual machines,
~40% of a conversion). The partial pages at a piece's two ends, shared with its
neighbours, go through the page cache as usual.
"""

from __future__ import annotations

import errno
import gzip
import itertools
import mmap
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

from ..errors import ConversionError, InputError
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
_ALIGN = 4096  # direct I/O alignment of offsets, lengths and memory: a page fits the usual devices
_BUFFER_SIZE = 64 << 20  # a piece buffer to start with (address space: pages are touched as used)
_O_DIRECT = getattr(os, "O_DIRECT", 0)  # Linux and some other systems; elsewhere: the page cache
_TURN_POLL = 0.5  # seconds between checks that the conversion was not abandoned


@dataclass(frozen=True, slots=True)
class Piece:
    """Some consecutive records of one file, converted.

    ``data`` holds the output when the caller gave no output file; otherwise it is
    already written there and ``data`` is None.
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
        self._turns: _Turns | None = None
        if workers > 1:
            context = multiprocessing.get_context()
            self._turns = _Turns(context)
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(self._turns,)
            )
        self._seen = Seen()
        self._buffer: _PieceBuffer | None = None  # for the pieces converted in this process
        self._pieces = itertools.count()  # every piece's place in the turn order, across files

    def __enter__(self) -> Converter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            assert self._turns is not None
            self._turns.abandon()  # releases workers waiting for a turn that will not come
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
        if self._buffer is None:
            self._buffer = _PieceBuffer()
        buffer = self._buffer
        while batch := list(itertools.islice(records, _RECORDS_PER_PIECE)):
            buffer.clear()
            events, quads = convert_records(
                batch, self.base, self.triples, self._seen, buffer.append, index=self.self_contained
            )
            if out is None:
                yield Piece(events, quads, position, buffer.contents(self.compress), self.compress)
                continue
            target = _path_of(out)
            if self.compress or target is None:
                out.write(buffer.contents(self.compress))
            else:  # written where it belongs, like the workers' pieces
                out.flush()
                offset = out.tell()
                buffer.place(target, offset)
                out.seek(offset + buffer.size)
            yield Piece(events, quads, position)

    def _parallel(
        self, path: Path, chunks: Iterator[tuple[bytes, int, int]], out: IO[bytes] | None, generation: int
    ) -> Iterator[Piece]:
        assert self._pool is not None and self._turns is not None
        target = None
        if out is not None:
            out.flush()
            target = _path_of(out)
            if target is None:
                raise ValueError("parallel conversion writes to an output file opened by its path")
            first = next(self._pieces)
            self._turns.begin(first, out.tell())
            indices: Iterator[int] = itertools.chain([first], self._pieces)
        else:
            indices = itertools.repeat(-1)
        pending: deque[tuple[Future[Piece], int]] = deque()
        settings = (path, self.base, self.triples, self.compress, target, generation, self.self_contained, self.mesh)
        links = MeshLinks({})  # the pieces' counts of MeSH names without a UI, for one warning
        try:
            for (chunk, line_offset, position), index in zip(chunks, indices, strict=False):
                pending.append((self._pool.submit(_convert_chunk, index, chunk, line_offset, *settings), position))
                while len(pending) >= 2 * self._workers:  # bounds memory: pieces in flight
                    future, at = pending.popleft()
                    piece = future.result()
                    links.unlinked += piece.unlinked
                    yield replace(piece, position=at)
            while pending:
                future, at = pending.popleft()
                piece = future.result()
                links.unlinked += piece.unlinked
                yield replace(piece, position=at)
        except BaseException as err:
            self._turns.abandon()
            for future, _ in pending:
                future.cancel()
            if isinstance(err, BrokenProcessPool):
                raise ConversionError(
                    f"{path}: a worker process converting it died (killed, or out of memory?); "
                    "nothing was written. Run again, with --jobs 1 if memory is short"
                ) from err
            raise
        if out is not None:
            out.seek(0, os.SEEK_END)  # past what the workers wrote
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


def _path_of(out: IO[bytes]) -> str | None:
    """The path a file was opened by; None for other streams (a pipe, an in-memory one)."""
    name = getattr(out, "name", None)
    return name if isinstance(name, str) else None


def _gzip_member(data: bytes | memoryview) -> bytes:
    """``data`` as one gzip member (concatenated members are one gzip stream)."""
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip header and trailer
    return compressor.compress(data) + compressor.flush()


class _Turns:
    """Gives pieces their place in the output, in input order, across processes.

    ``begin`` (in the main process, between files) says which piece goes next and at
    which offset; a worker's ``take`` waits until it is its piece's turn, then takes
    ``size`` bytes from there. A piece that fails takes nothing, so later ones go on.
    """

    def __init__(self, context: Any) -> None:
        self._changed = context.Condition()
        self._next = context.RawValue("q", 0)
        self._offset = context.RawValue("q", 0)
        self._abandoned = context.RawValue("b", 0)

    def begin(self, index: int, offset: int) -> None:
        with self._changed:
            self._next.value, self._offset.value, self._abandoned.value = index, offset, 0
            self._changed.notify_all()

    def take(self, index: int, size: int) -> int:
        with self._changed:
            while self._next.value != index:
                if self._abandoned.value:
                    raise _Abandoned
                self._changed.wait(_TURN_POLL)
            offset = self._offset.value
            self._offset.value = offset + size
            self._next.value = index + 1
            self._changed.notify_all()
            return offset

    def abandon(self) -> None:
        with self._changed:
            self._abandoned.value = 1
            self._changed.notify_all()


class _Abandoned(Exception):
    """The conversion stopped (an earlier piece failed); this piece's output is not wanted."""


_WORKER: dict[str, Any] = {}


def _start_worker(turns: _Turns) -> None:
    # The main process decides how a stop unwinds (it rolls back, then shuts the pool
    # down); a worker just ends, and ends with it even when it is killed outright.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(signal.SIGKILL)
    # A fresh Seen: nothing inherited by fork.
    _WORKER.update(turns=turns, seen=Seen(), generation=0, buffer=_PieceBuffer())


def _convert_chunk(
    index: int,
    chunk: bytes,
    line_offset: int,
    path: Path,
    base: str,
    triples: bool,
    compress: bool,
    target: str | None,
    generation: int,
    with_index: bool,
    mesh: tuple[str, ...],
) -> Piece:
    # Runs in a worker: parse one standalone chunk, map it, then write it at its place
    # in ``target``, or hand it back when there is no target.
    turns: _Turns = _WORKER["turns"]
    if _WORKER["generation"] != generation:  # see Converter._forget
        _WORKER.update(seen=Seen(), generation=generation)
    buffer: _PieceBuffer = _WORKER["buffer"]
    buffer.clear()
    links = MeshLinks(mesh_names(mesh))
    try:
        events, quads = convert_records(
            read_piece(chunk, path, line_offset, links), base, triples, _WORKER["seen"], buffer.append, index=with_index
        )
    except BaseException:
        if target is not None:
            turns.take(index, 0)  # give up the turn, so that later pieces are not held up
        raise
    del chunk
    if target is None:
        return Piece(events, quads, data=buffer.contents(compress), compressed=compress, unlinked=links.unlinked)
    if compress:
        data = buffer.contents(compress)
        _write_at(target, data, turns.take(index, len(data)))
    else:
        buffer.place(target, turns.take(index, buffer.size))
    return Piece(events, quads, compressed=compress, unlinked=links.unlinked)


class _PieceBuffer:
    """One piece's output, gathered in page-aligned memory that is kept for the next piece.

    Touching fresh memory costs a page fault a page, so the memory that held one piece
    holds the next. :meth:`place` writes the piece at its offset in a file: the whole
    pages with direct I/O, from memory aligned like the file; the partial pages at both
    ends (a neighbouring piece writes the rest of them) through the page cache.
    """

    def __init__(self, size: int = _BUFFER_SIZE) -> None:
        self._memory = mmap.mmap(-1, size)  # anonymous: page-aligned
        self._end = _ALIGN  # the data starts a page in: room to shift it into alignment
        self.direct = bool(_O_DIRECT)  # False once a file system has refused direct I/O

    @property
    def size(self) -> int:
        return self._end - _ALIGN

    def clear(self) -> None:
        self._end = _ALIGN

    def append(self, data: bytes) -> None:
        end = self._end + len(data)
        if end > len(self._memory):
            self._grow(end)
        self._memory[self._end : end] = data
        self._end = end

    def _grow(self, needed: int) -> None:
        size = len(self._memory)
        while size < needed:
            size *= 2
        memory = mmap.mmap(-1, size)
        memory[: self._end] = self._memory[: self._end]
        self._memory.close()
        self._memory = memory

    def contents(self, compress: bool) -> bytes:
        """The data as bytes, or as one gzip member."""
        with memoryview(self._memory) as memory:
            data = memory[_ALIGN : self._end]
            return _gzip_member(data) if compress else bytes(data)

    def place(self, target: str, offset: int) -> None:
        """Write the data into the file ``target`` at ``offset``."""
        shift = offset % _ALIGN
        # Move the data so that memory offset m holds file offset ``offset - shift + m``:
        # then the file's page boundaries are the memory's, as direct I/O requires.
        self._memory.move(shift, _ALIGN, self.size)
        origin, end = offset - shift, shift + self.size
        pages = (-(-shift // _ALIGN) * _ALIGN, end // _ALIGN * _ALIGN)  # the whole pages, memory offsets
        with memoryview(self._memory) as memory:
            done = shift
            if pages[0] < pages[1] and self.direct:
                written = self._write_direct(target, memory[pages[0] : pages[1]], origin + pages[0])
                if written:
                    if shift < pages[0]:
                        _write_at(target, memory[shift : pages[0]], offset)
                    done = pages[0] + written
            if done < end:  # the last partial page, and all that direct I/O did not write
                _write_at(target, memory[done:end], origin + done)

    def _write_direct(self, target: str, data: memoryview, offset: int) -> int:
        """Write page-aligned ``data`` with direct I/O; return how much was written.

        That is all of it, or less when a write came up short off a page boundary, or 0
        when the file system does not do direct I/O (some network and FUSE ones, tmpfs
        before Linux 6.6): then nor will it later.
        """
        written = 0
        try:
            fd = os.open(target, os.O_WRONLY | _O_DIRECT)
            try:
                while written < len(data):
                    done = os.pwrite(fd, data[written:], offset + written)
                    written += done
                    if done <= 0 or done % _ALIGN:
                        break  # a short write: the rest goes the usual way
            finally:
                os.close(fd)
        except OSError as err:
            if err.errno != errno.EINVAL or written:
                raise
            self.direct = False
        return written


def _write_at(target: str, data: bytes | memoryview, offset: int) -> None:
    """Write ``data`` into the file ``target`` at ``offset``, through the page cache."""
    fd = os.open(target, os.O_WRONLY)
    try:
        with memoryview(data) as rest:
            while rest:
                done = os.pwrite(fd, rest, offset)
                offset, rest = offset + done, rest[done:]
    finally:
        os.close(fd)
