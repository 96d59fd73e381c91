"""One input file to one N-Quads shard (``.nq.gz``): the task a Dask worker runs.

The shard is written under a temporary name beside its final one and renamed only when
complete and synced, so a shard that exists is whole, whatever killed a worker.
"""

from __future__ import annotations

import itertools
import os
import uuid
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from ..errors import ConversionError, InputError
from ..model import Iris, Seen
from ..pipeline.conversion import convert_records
from ..records import Deletion, Record
from ..sources import read_records

__all__ = ["PART_MARK", "ShardResult", "write_shard"]

PART_MARK = ".part-"  # in the names of shards being written; never a finished shard's
_RECORDS_PER_BATCH = 500
_GZIP_LEVEL = 6


@dataclass(frozen=True, slots=True)
class ShardResult:
    """What one shard holds: ``record_quads`` are in the records' own graphs (each record
    graph lives in exactly one shard); the rest describe shared nodes, which shards repeat."""

    shard: str
    records: int
    quads: int
    record_quads: int
    bytes: int
    warnings: tuple[str, ...] = ()


def write_shard(
    path: Path,
    folder: Path,
    name: str,
    keep: np.ndarray | None,
    pmids: np.ndarray,
    base: str,
    *,
    mesh: tuple[str, ...] = (),
) -> ShardResult:
    """Convert the events of ``path`` at the indices ``keep`` (all when None) into
    ``folder/name``; ``pmids`` are the PMIDs of the records expected, in order. ``mesh``
    names NLM MeSH files for MeSH terms records name without a UI.

    >>> import tempfile
    >>> from graph.pipeline import sample_files
    >>> from graph.distributed.plan import scan_file
    >>> scanned = scan_file(sample_files()[0])
    >>> records = scanned.pmids[scanned.versions != 0]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = write_shard(sample_files()[0], Path(folder), "a.nq.gz", None, records, Iris().base)
    >>> result.records == len(records), result.quads > result.record_quads > 0
    (True, True)
    """
    part = folder / f".{name}{PART_MARK}{uuid.uuid4().hex[:12]}"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with open(part, "wb") as out:
                result = _convert(path, out, keep, pmids, Iris(base), mesh)
                out.flush()
                os.fsync(out.fileno())
        os.replace(part, folder / name)
    finally:
        part.unlink(missing_ok=True)
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    return ShardResult(name, result[0], result[1], result[2], (folder / name).stat().st_size, notes)


def _convert(
    path: Path, out: IO[bytes], keep: np.ndarray | None, pmids: np.ndarray, iris: Iris, mesh: tuple[str, ...] = ()
) -> tuple[int, int, int]:
    sink = _Sink(out, iris)
    records = _kept(read_records(path, mesh=mesh), keep)
    seen = Seen()  # a shard describes every shared node its records use: shards stand alone
    converted: list[str] = []
    try:
        while batch := list(itertools.islice(records, _RECORDS_PER_BATCH)):
            events, quads = convert_records(batch, iris.base, False, seen, sink.write)
            sink.quads += quads
            converted.extend(pmid for pmid, version in events if version)
    except InputError as err:
        if str(err).startswith(f"{path}: "):
            raise
        raise InputError(f"{path}: {err}") from err
    sink.close()
    if len(converted) != len(pmids) or any(int(a) != int(b) for a, b in zip(converted, pmids, strict=True)):
        raise ConversionError(
            f"{path}: the scan found {len(pmids):,} current records but conversion read {len(converted):,}; "
            "this is a pubgraph bug, please report it with the file"
        )
    return len(converted), sink.quads, sink.quads - sink.shared


def _kept(records: Iterator[Record], keep: np.ndarray | None) -> Iterator[Record]:
    if keep is None:
        yield from (record for record in records if not isinstance(record, Deletion))
        return
    wanted = set(keep.tolist())
    yield from (record for index, record in enumerate(records) if index in wanted)


class _Sink:
    """Compresses N-Quads into one gzip stream and counts the lines of the shared graphs
    (a line ends with its graph, and only a line's end is a raw newline); the converter
    counts them all (counting twice cost 1% of a conversion)."""

    def __init__(self, out: IO[bytes], iris: Iris) -> None:
        self._out = out
        self._zip = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip header and trailer
        self._shared = (f" <{iris.entities_graph}> .\n".encode(), f" <{iris.mesh_graph}> .\n".encode())
        self.quads = self.shared = 0

    def write(self, data: bytes) -> None:
        self.shared += data.count(self._shared[0]) + data.count(self._shared[1])
        self._out.write(self._zip.compress(data))

    def close(self) -> None:
        self._out.write(self._zip.flush())
