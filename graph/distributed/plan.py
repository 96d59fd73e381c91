"""The first pass: which records of which file make up the current state of PubMed.

PubMed publishes a baseline and then daily update files, numbered in the order they
apply. A record listed again in a later file replaces the earlier version; a
``<DeleteCitation>`` in a later file removes it. So before any file is converted on
its own, each file is scanned for its events (PMID, ``Version``, deleted) and
:func:`settle` keeps, for each PMID, the one event that :func:`graph.pipeline.build`
would leave standing after loading every file in order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lxml import etree

from ..errors import InputError
from ..identifiers import normalize_pmid
from ..pipeline.conversion import counted_events
from ..records import Deletion
from ..sources import file_sha256, guess_format, read_records
from ..sources._io import open_input, read_errors
from ._bytescan import byte_events

__all__ = ["FileEvents", "scan_cached", "scan_file", "settle"]

_CACHE_VERSION = "v1"  # changes whenever scan_file would read a file differently
_XML_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")


@dataclass(frozen=True, slots=True)
class FileEvents:
    """The events of one file that count within it, as arrays (compact for ~38 million PMIDs).

    ``indices`` are positions in the file's whole event list (records and deletions, in
    document order), as :meth:`graph.pipeline.conversion.Converter.pieces` takes them in ``keep``;
    ``versions`` is 0 for a deletion. ``total`` counts every event of the file.
    """

    sha256: str
    pmids: np.ndarray
    indices: np.ndarray
    versions: np.ndarray
    total: int

    @property
    def records(self) -> int:
        return int(np.count_nonzero(self.versions))

    @property
    def deletions(self) -> int:
        return len(self.versions) - self.records


def scan_file(path: Path, sha256: str | None = None) -> FileEvents:
    """Read the PMIDs, versions and deletions of one input file, and its SHA-256.

    PubMed XML is scanned at byte level for each record's own ``<PMID>`` (about 3% of the
    time of a conversion; see :mod:`._bytescan`), or with lxml for its ``<PMID>``
    elements only (8%) when the bytes hold what only a parser reads right; other
    formats are read whole.

    >>> from graph.pipeline import sample_files
    >>> scanned = scan_file(sample_files()[1])
    >>> scanned.total, scanned.deletions > 0
    (4, True)
    """
    xml = guess_format(path) == "pubmed-xml"
    events = byte_events(path) if xml else None
    if events is None:
        events = list(_xml_events(path) if xml else _record_events(path))
    counted = counted_events(events)
    kept = sorted(counted) if counted is not None else range(len(events))
    return FileEvents(
        sha256=sha256 or file_sha256(path),
        pmids=np.array([int(events[i][0]) for i in kept], dtype=np.int64),
        indices=np.array(kept, dtype=np.int64),
        versions=np.array([events[i][1] for i in kept], dtype=np.int32),
        total=len(events),
    )


def scan_cached(path: Path, cache: Path) -> FileEvents:
    """:func:`scan_file`, kept in ``cache`` by the file's SHA-256: a re-run scans only new
    or changed files (the file's name and place do not matter).

    >>> import tempfile
    >>> from graph.pipeline import sample_files
    >>> with tempfile.TemporaryDirectory() as cache:
    ...     first = scan_cached(sample_files()[1], Path(cache))
    ...     again = scan_cached(sample_files()[1], Path(cache))
    ...     kept = len(list(Path(cache).glob("*.npz")))
    >>> again.pmids.tolist() == first.pmids.tolist(), kept
    (True, 1)
    """
    digest = file_sha256(path)
    stored = cache / f"{digest}.{_CACHE_VERSION}.npz"
    try:
        with np.load(stored) as data:
            arrays = data["pmids"], data["indices"], data["versions"]
            return FileEvents(digest, *arrays, int(data["total"]))
    except (OSError, ValueError, KeyError):
        pass  # not scanned yet, or a damaged entry: scan again
    scanned = scan_file(path, digest)
    cache.mkdir(parents=True, exist_ok=True)
    part = cache / f".{stored.name}.part-{os.getpid()}"
    with open(part, "wb") as out:
        np.savez(out, pmids=scanned.pmids, indices=scanned.indices, versions=scanned.versions, total=scanned.total)
    os.replace(part, stored)
    return scanned


def settle(files: Sequence[FileEvents | None]) -> list[np.ndarray]:
    """For each file, in the order files apply, the indices of its events that survive.

    A PMID's last file decides: its event there survives if it is a record, and none
    does if it is a deletion. A file that could not be scanned (None) counts for nothing.

    >>> def events(pmids, versions):
    ...     n = len(pmids)
    ...     return FileEvents("", np.array(pmids), np.arange(n), np.array(versions), n)
    >>> [k.tolist() for k in settle([events([1, 2, 3], [1, 1, 1]), events([2, 3], [2, 0])])]
    [[0], [0]]
    """
    present = [(n, f) for n, f in enumerate(files) if f is not None and len(f.pmids)]
    kept: list[np.ndarray] = [np.empty(0, dtype=np.int64) for _ in files]
    if not present:
        return kept
    pmids = np.concatenate([f.pmids for _, f in present])
    file_of = np.concatenate([np.full(len(f.pmids), n, dtype=np.int64) for n, f in present])
    order = np.lexsort((file_of, pmids))  # by PMID, then file: each PMID's last file last
    last = np.ones(len(order), dtype=bool)
    last[:-1] = pmids[order][1:] != pmids[order][:-1]
    winners = np.zeros(len(order), dtype=bool)
    winners[order[last]] = True
    start = 0
    for n, f in present:
        mine = winners[start : start + len(f.pmids)] & (f.versions != 0)
        kept[n] = f.indices[mine]
        start += len(f.pmids)
    return kept


def _xml_events(path: Path) -> Iterator[tuple[str, int]]:
    """(PMID, version; 0 for a deletion) as :mod:`graph.sources.pubmed_xml` reads them."""
    with open_input(path) as stream, read_errors(path):
        try:
            parsed = etree.iterparse(
                stream, events=("end",), tag=_XML_TAGS, resolve_entities=False, no_network=True, huge_tree=True
            )
            for _event, elem in parsed:
                yield from _events_of(elem, path)
                if elem.tag != "MedlineCitation" or _is_record(elem):
                    elem.clear(keep_tail=True)
                    while elem.getprevious() is not None:
                        del elem.getparent()[0]
        except etree.XMLSyntaxError as err:
            raise InputError(f"{path}: not well-formed XML ({err}); fix or fetch the file again") from err


def _is_record(elem: etree._Element) -> bool:
    parent = elem.getparent()
    return parent is None or parent.tag != "PubmedArticle"


def _events_of(elem: etree._Element, path: Path) -> Iterator[tuple[str, int]]:
    tag = elem.tag
    if tag == "DeleteCitation":
        for pmid_elem in elem.iterfind("PMID"):
            pmid = normalize_pmid(pmid_elem.text)
            if pmid:
                yield pmid, 0
        return
    if tag == "MedlineCitation" and not _is_record(elem):
        return  # read with its PubmedArticle
    holder = {"PubmedArticle": "MedlineCitation/PMID", "PubmedBookArticle": "BookDocument/PMID"}.get(tag, "PMID")
    pmid_elem = elem.find(holder)
    pmid = normalize_pmid(pmid_elem.text if pmid_elem is not None else None)
    if pmid is None or pmid_elem is None:
        raise InputError(f"{path}: a record has no valid <PMID> (line {elem.sourceline})")
    text = (pmid_elem.get("Version") or "1").strip()
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise InputError(f"{path}: record PMID {pmid} has <PMID Version={text!r}>; expected a whole number from 1")
    yield pmid, int(text)


def _record_events(path: Path) -> Iterator[tuple[str, int]]:
    for record in read_records(path):
        yield record.pmid, 0 if isinstance(record, Deletion) else record.version
