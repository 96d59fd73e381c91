"""The conversion engine: input files to N-Quads (or N-Triples) text, piece by piece.

A file is cut into pieces of whole records (see ``split`` in the PubMed XML source);
with more than one job, worker processes parse and map the pieces and write their
output to spill files, optionally as gzip members, so the main process only
concatenates bytes. Pieces come back in input order, whatever order workers finish in.
"""

from __future__ import annotations

import gzip
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO

from .model import Iris, Quad, article_quads
from .records import Deletion, Record
from .sources import read_chunks, read_piece, read_records

__all__ = ["Converter", "Piece"]

#: (PMID, is a deletion), in document order.
Event = tuple[str, bool]

_PARALLEL_MIN_BYTES = 8 << 20  # below this, starting workers costs more than it saves
_RECORDS_PER_PIECE = 500
_WORKER_SEEN: set[Quad] = set()  # shared triples a worker process has already written
_counter = itertools.count()


@dataclass(frozen=True, slots=True)
class Piece:
    """Some consecutive records of one file, converted.

    The output is either held as ``text`` or was written by a worker to ``spill``
    (gzip-compressed when the converter compresses).
    """

    events: tuple[Event, ...]
    quads: int
    position: int = 0  # bytes of the input file read when this piece was cut
    text: str | None = None
    spill: str | None = None
    compressed: bool = False

    def write_to(self, out: IO[bytes]) -> None:
        """Append the output to ``out``; a spill file is copied by the kernel (sendfile)."""
        if self.spill is None:
            out.write(self.payload())
            return
        out.flush()
        with open(self.spill, "rb") as source:
            size = os.fstat(source.fileno()).st_size
            sent = 0
            while sent < size:
                sent += os.sendfile(out.fileno(), source.fileno(), sent, size - sent)
        os.unlink(self.spill)

    def payload(self) -> bytes:
        """The bytes to append to the output file (a gzip member when compressed)."""
        if self.spill is not None:
            data = Path(self.spill).read_bytes()
            os.unlink(self.spill)
            return data
        data = (self.text or "").encode("utf-8")
        return gzip.compress(data, _GZIP_LEVEL, mtime=0) if self.compressed else data

    def read_text(self) -> str:
        """The output as text (decompressed if need be)."""
        data = self.payload()
        return (gzip.decompress(data) if self.compressed else data).decode("utf-8")


_GZIP_LEVEL = 6  # gzip's own default; level 9 costs 3x the time for ~2% smaller files


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
        spill_dir: Path | None = None,
        compress: bool = False,
    ) -> None:
        self.base, self.triples, self.compress = base, triples, compress
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        parallel = workers > 1 and spill_dir is not None
        self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_reset_worker) if parallel else None
        self._workers = workers
        self._spill_dir = spill_dir
        self._seen: set[Quad] = set()

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

    def pieces(self, path: Path) -> Iterator[Piece]:
        """The converted pieces of one file, in order."""
        chunks = None
        if self._pool is not None and path.stat().st_size >= _PARALLEL_MIN_BYTES:
            chunks = read_chunks(path)
        if chunks is None:
            yield from self._sequential(path)
        else:
            yield from self._parallel(path, chunks)

    def _sequential(self, path: Path) -> Iterator[Piece]:
        position = 0

        def track(at: int) -> None:
            nonlocal position
            position = at

        records = read_records(path, on_progress=track)
        while batch := list(itertools.islice(records, _RECORDS_PER_PIECE)):
            parts: list[str] = []
            events, quads = convert_records(batch, self.base, self.triples, self._seen, parts.append)
            yield Piece(events, quads, position, text="".join(parts), compressed=self.compress)

    def _parallel(self, path: Path, chunks: Iterator[tuple[bytes, int, int]]) -> Iterator[Piece]:
        assert self._pool is not None and self._spill_dir is not None
        pending: deque[tuple[Future[Piece], int]] = deque()
        for chunk, line_offset, position in chunks:
            task = (
                chunk,
                path,
                line_offset,
                self.base,
                self.triples,
                str(self._spill_dir),
                self.compress,
            )
            pending.append((self._pool.submit(_convert_chunk, *task), position))
            while len(pending) >= 2 * self._workers:  # bounds memory: pieces in flight
                future, at = pending.popleft()
                yield replace(future.result(), position=at)
        while pending:
            future, at = pending.popleft()
            yield replace(future.result(), position=at)


def convert_records(
    records: Iterable[Record],
    base: str,
    triples: bool,
    seen: set[Quad],
    write: Callable[[str], object],
) -> tuple[tuple[Event, ...], int]:
    """Map records to N-Quads (or N-Triples) text handed to ``write`` record by record;
    return the events and the quad count."""
    iris = Iris(base)
    events: list[Event] = []
    quads = 0
    for record in records:
        if isinstance(record, Deletion):
            events.append((record.pmid, True))
            continue
        batch = article_quads(record, iris, seen)
        if triples:
            write("".join([f"{s} {p} {o} .\n" for s, p, o, _ in batch]))
        else:
            write("".join([f"{s} {p} {o} {g} .\n" for s, p, o, g in batch]))
        events.append((record.pmid, False))
        quads += len(batch)
    return tuple(events), quads


def _reset_worker() -> None:
    _WORKER_SEEN.clear()


def _convert_chunk(
    chunk: bytes,
    path: Path,
    line_offset: int,
    base: str,
    triples: bool,
    spill_dir: str,
    compress: bool,
) -> Piece:
    # Runs in a worker: parse one standalone chunk, map it, stream the text to a spill file.
    spill = os.path.join(spill_dir, f"{os.getpid()}-{next(_counter)}.part")
    if compress:
        out: IO[str] = gzip.open(spill, "wt", encoding="utf-8", compresslevel=_GZIP_LEVEL)  # noqa: SIM115
    else:
        out = open(spill, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - the with below closes it
    with out:
        records = read_piece(chunk, path, line_offset)
        events, quads = convert_records(records, base, triples, _WORKER_SEEN, out.write)
    return Piece(events, quads, spill=spill, compressed=compress)
