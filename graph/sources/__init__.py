"""Sources stream records from inputs; one module per format plus one registry entry.

A source module provides ``EXTENSIONS`` (file name endings it claims), ``sniff(head)``
(does this look like my format?) and ``read(stream, path)`` yielding records. Modules
are imported on first use, so a format's dependencies load only when it is read.
"""

from __future__ import annotations

import hashlib
import importlib
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import InputError, UnknownFormatError
from ..records import Record
from ._io import open_input, peek, raw_position, read_errors

if TYPE_CHECKING:
    from ._mesh_names import MeshLinks

__all__ = ["SOURCES", "expand_inputs", "file_sha256", "guess_format", "read_chunks", "read_piece", "read_records"]

#: Format name -> module under ``graph.sources``.
SOURCES: dict[str, str] = {
    "pubmed-xml": "pubmed_xml",
    "pubmed-text": "medline_text",
}


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"{__name__}.{SOURCES[name]}")
    except KeyError as err:
        known = ", ".join(sorted(SOURCES))
        raise UnknownFormatError(f"unknown input format {name!r} (known: {known})") from err


def file_sha256(path: Path) -> str:
    """The SHA-256 of an input file's bytes, as provenance and shard manifests name it.

    >>> import tempfile
    >>> empty = Path(tempfile.mkdtemp()) / "empty.xml"
    >>> _ = empty.write_bytes(b"")
    >>> file_sha256(empty)[:16]
    'e3b0c44298fc1c14'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def guess_format(path: Path) -> str:
    """Name the source for ``path``: by extension (``.gz`` ignored), else by content."""
    name = path.name.lower().removesuffix(".gz")
    for fmt in SOURCES:
        if name.endswith(_module(fmt).EXTENSIONS):
            return fmt
    head = peek(path)
    if not head.strip():
        raise InputError(f"{path}: empty file")
    for fmt in SOURCES:
        if _module(fmt).sniff(head):
            return fmt
    raise UnknownFormatError(
        f"{path}: unknown input format (extension {path.suffix or 'none'}); expected PubMed XML (.xml, .xml.gz)"
    )


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every recognised file inside named directories, sorted.

    Sorting matters: baseline and update files are numbered, and applying them in
    order gives the current state of PubMed.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            endings = tuple(e for fmt in SOURCES for e in _module(fmt).EXTENSIONS)
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.lower().removesuffix(".gz").endswith(endings)
            )
            if not found:
                raise InputError(f"{path}: directory holds no PubMed input files")
            files.extend(found)
        elif not path.exists():
            raise InputError(f"{path}: no such file")
        else:
            files.append(path)
    return files


def read_chunks(path: Path, fmt: str | None = None) -> Iterator[tuple[bytes, int, int]] | None:
    """Cut one input into standalone pieces for parallel parsing, when its format can.

    Yields ``(piece, line_offset, bytes_read)``; parse each piece with
    :func:`read_piece`. Returns None when the format or the content does not allow
    cutting; read the file with :func:`read_records` then.
    """
    fmt = fmt or guess_format(path)
    split = getattr(_module(fmt), "split", None)
    if split is None:
        return None
    with open_input(path) as stream, read_errors(path):
        if split(stream) is None:
            return None
    return _pieces(path, split)


def _pieces(path: Path, split: Callable[..., Iterator[tuple[bytes, int]]]) -> Iterator[tuple[bytes, int, int]]:
    with open_input(path) as stream, read_errors(path):
        for piece, line_offset in split(stream):
            yield piece, line_offset, raw_position(stream)


def read_piece(piece: bytes, path: Path, line_offset: int, links: MeshLinks) -> Iterator[Record]:
    """The records of one piece made by :func:`read_chunks` (PubMed XML); MeSH names left
    without a UI are counted in ``links``, for one warning for the whole file."""
    yield from _module("pubmed-xml").read(io.BytesIO(piece), path, line_offset, links=links)


def read_records(
    path: Path,
    fmt: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    *,
    mesh: Sequence[str | Path] = (),
) -> Iterator[Record]:
    """Stream the records of one input file, its format guessed when not given.

    ``on_progress`` is called now and then with the bytes of the file read so far.
    MeSH terms a record names without a UI are looked up in the NLM MeSH files ``mesh``
    (see :mod:`graph.sources._mesh_names`); one warning at the end counts those that stay
    without one.

    >>> from graph.sources import read_records
    >>> from graph.pipeline import sample_files
    >>> first = next(read_records(sample_files()[0]))
    >>> first.pmid.isdigit()
    True
    """
    from ._mesh_names import MeshLinks, mesh_names

    module = _module(fmt or guess_format(path))
    links = MeshLinks(mesh_names(mesh))
    with open_input(path) as stream, read_errors(path):
        if not stream.peek(1):  # type: ignore[attr-defined]
            raise InputError(f"{path}: empty file")
        for count, record in enumerate(module.read(stream, path, links=links), start=1):
            if on_progress is not None and count % 256 == 0:
                on_progress(raw_position(stream))
            yield record
        if on_progress is not None:
            on_progress(raw_position(stream))
    links.warn(path)
