"""The first pass at byte level: each record's PMID and version read without parsing XML.

By the PubMed DTD, ``<PMID>`` is the first child of ``<MedlineCitation>`` and of
``<BookDocument>``, which are the first children of ``<PubmedArticle>`` and
``<PubmedBookArticle>``; ``<DeleteCitation>`` holds only ``<PMID>`` elements. So a
record's own PMID sits in a short run of bytes at its start (the PMIDs of
``<CommentsCorrections>`` and references come later, and never match), found with
``bytes.find`` and one regex match per record: a few percent of a parse.

It is a fast path, not a parser: whatever it cannot be sure of (a comment, CDATA, a
processing instruction, an internal DTD subset, a default namespace, a record whose
start is not the DTD's, a PMID it would read differently, a file that does not end
with its root's end tag) makes it answer None, and the caller reads the file with lxml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..identifiers import normalize_pmid
from ..sources._io import open_input, read_errors

__all__ = ["byte_events"]

_BLOCK = 4 << 20
_OUTER = (b"<PubmedArticle", b"<PubmedBookArticle", b"<DeleteCitation")
_S = rb"[ \t\r\n]*"
_ATTRS = rb"(?:[ \t\r\n][^<>]*)?(?<!/)"  # a start tag's attributes, in any order; not an empty element
_PMID = rb"<PMID(" + _ATTRS + rb")>([^<&]*)</PMID" + _S + rb">"
_ANY_PMID = rb"<PMID" + _ATTRS + rb">[^<&]*</PMID" + _S + rb">"
_UNIT = re.compile(
    rb"<(?:(PubmedArticle)" + _ATTRS + rb">" + _S + rb"<MedlineCitation" + _ATTRS + rb">"
    rb"|PubmedBookArticle" + _ATTRS + rb">" + _S + rb"<BookDocument" + _ATTRS + rb">"
    rb"|MedlineCitation"
    + _ATTRS
    + rb">)"
    + _S
    + _PMID
    + rb"|<DeleteCitation"
    + _ATTRS
    + rb">((?:"
    + _S
    + _ANY_PMID
    + rb")*)"
    + _S
    + rb"</DeleteCitation"
    + _S
    + rb">"
)
_DELETED = re.compile(_PMID)
_VERSION = re.compile(rb"[ \t\r\n]Version" + _S + rb"=" + _S + rb"(?:\"([^\"]*)\"|'([^']*)')")
_ARTICLE_START = re.compile(rb"<PubmedArticle" + _ATTRS + rb">" + _S + rb"\Z")
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:<\?xml[^<>]*\?>)?" + _S + rb"(?:<!DOCTYPE[^<>\[]*>)?")
_END = re.compile(rb"</(?:PubmedArticleSet|MedlineCitationSet|PubmedBookArticleSet)" + _S + rb">" + _S + rb"\Z")
# Comments, CDATA and processing instructions (real files hold ``<?nihms ?>``) are
# harmless when they end before the next "<": they hide no tag.
_HARMLESS = re.compile(rb"<!--[^<]*?-->|<!\[CDATA\[[^<]*?\]\]>|<\?[^<]*?\?>")
_START = re.compile(rb"<(?:[!?]|(?:PubmedArticle|PubmedBookArticle|MedlineCitation|DeleteCitation)[ \t\r\n/>])")
_DEFAULT_NS = re.compile(_S + rb"=")


class _Unsure(Exception):
    """The bytes hold something only a parser reads right."""


def byte_events(path: Path) -> list[tuple[str, int]] | None:
    """(PMID, version; 0 for a deletion) of a PubMed XML file in document order, as the
    reader gives them; None when only a parser can tell (read it with lxml then).

    >>> from graph.pipeline import sample_files
    >>> events = byte_events(sample_files()[1])
    >>> len(events), min(version for _pmid, version in events)
    (4, 0)
    """
    try:
        return list(_events(path))
    except _Unsure:
        return None


def _events(path: Path) -> Iterator[tuple[str, int]]:
    with open_input(path) as stream, read_errors(path):
        data = stream.read(_BLOCK)
        prolog = _PROLOG.match(data)
        data = data[prolog.end() if prolog else 0 :]
        while block := stream.read(_BLOCK):
            data += block
            cut = _cut(data)
            if cut > 0:
                yield from _units(data[:cut])
                data = data[cut:]
        if not _END.search(data[-4096:]):
            raise _Unsure  # cut short, or not PubMed XML: the parser says which
        yield from _units(data)


def _cut(data: bytes) -> int:
    """Where the last record or deletion starts: no unit reaches across it."""
    cut = data.rfind(b"<PubmedArticle")  # near the end: the others are looked for after it
    cut = max(cut, *(data.rfind(start, max(cut, 0)) for start in _OUTER[1:]))
    citation = data.rfind(b"<MedlineCitation", max(cut, 0))
    if citation > cut and not _ARTICLE_START.match(data, max(cut, 0), citation):
        return citation  # a standalone one (MedlineCitationSet)
    return cut


def _units(data: bytes) -> Iterator[tuple[str, int]]:
    """The events of whole records and deletions; raises _Unsure at anything else."""
    if b"xmlns" in data:
        _check_namespaces(data)
    at = 0
    while found := _START.search(data, at):
        unit = _UNIT.match(data, found.start())
        if unit is None:
            if _HARMLESS.match(data, found.start()) is None:
                raise _Unsure  # a record or deletion in a shape the DTD does not give, or a DTD declaration
            at = found.end()
        elif unit[4] is None:
            yield _record(unit[2], unit[3])
            at = unit.end()
        else:
            yield from _deleted(unit[4])
            at = unit.end()


def _check_namespaces(data: bytes) -> None:
    """A default namespace renames the elements in its scope: the reader would not see
    them as records. MathML's ``<math xmlns=…>`` holds no record."""
    at = data.find(b"xmlns")
    while at >= 0:
        if _DEFAULT_NS.match(data, at + 5):
            tag = data.rfind(b"<", 0, at)
            if not data.startswith(b"<math", tag) or data[tag + 5] not in b" \t\r\n":
                raise _Unsure
        at = data.find(b"xmlns", at + 5)


def _record(attributes: bytes, text: bytes) -> tuple[str, int]:
    pmid = normalize_pmid(text.decode("utf-8", "replace"))
    if pmid is None:
        raise _Unsure  # the parser names the record and its line
    version = _VERSION.search(attributes)
    if version is None:
        return pmid, 1
    value = (version[1] if version[1] is not None else version[2]).strip(b" \t\r\n")
    if not (value.isdigit() and int(value) >= 1):
        raise _Unsure
    return pmid, int(value)


def _deleted(body: bytes) -> Iterator[tuple[str, int]]:
    for element in _DELETED.finditer(body):
        pmid = normalize_pmid(element[2].decode("utf-8", "replace"))
        if pmid:
            yield pmid, 0
