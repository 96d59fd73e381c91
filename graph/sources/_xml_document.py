"""The document level of PubMed XML: its prolog, cutting it into pieces, and what to say
when the parser stops.

:mod:`graph.sources.pubmed_xml` turns records into :mod:`graph.records`; this module
knows nothing of records, only of the file around them and of libxml2's errors.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..errors import InputError

__all__ = ["ROOTS", "check_root", "parse_error", "split", "without_external_dtd"]

ROOTS = frozenset({"PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet"})
_LINE_RE = re.compile(r"(\bline )(\d+)")


def parse_error(
    err: etree.XMLSyntaxError, path: Path, line_offset: int, where: str, last_pmid: str | None, *, first: bool
) -> InputError:
    """The parser's error as one line naming the file, the line and the record.

    ``where`` places it (", in the record of PMID n" or " (after PMID n)"); ``first``
    says nothing was read yet, so an empty document means the file is not XML at all.
    """
    line = (err.lineno or 0) + line_offset
    if err.code == _DOCUMENT_EMPTY and first:
        return InputError(f"{path}: empty file or not XML ({err.msg})")
    entity = _UNDEFINED_ENTITY_RE.search(err.msg or "")
    if entity and err.code in _UNDEFINED_ENTITY:
        name = entity.group(1)
        return InputError(f"{path}: undefined entity &{name}; at line {line}{where}: {_entity_fix(name)}")
    limit = _limit(err)
    if limit:
        return InputError(f"{path}: line {line}{where}: {limit}")
    after = f" (after PMID {last_pmid})" if last_pmid else ""
    # libxml2's message names lines of the piece too: make them lines of the file.
    detail = _LINE_RE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + line_offset}", err.msg or "")
    return InputError(f"{path}: malformed XML at line {line}{after}: {detail}")


_DOCUMENT_EMPTY = etree.ErrorTypes.ERR_DOCUMENT_EMPTY
_UNDEFINED_ENTITY = (etree.ErrorTypes.ERR_UNDECLARED_ENTITY, etree.ErrorTypes.WAR_UNDECLARED_ENTITY)
_RESOURCE_LIMIT = 114  # XML_ERR_RESOURCE_LIMIT, which lxml 5 does not name
_UNDEFINED_ENTITY_RE = re.compile(r"Entity '([^']+)' not defined")
# libxml2's advice names its own options (XML_PARSE_HUGE, xmlCtxtSet…): useless to a user.
_HINT_RE = re.compile(r"[,;]?\s*(try|use|see) (XML_PARSE_HUGE|xmlCtxtSet)\w*( option)?\.?")


def _entity_fix(name: str) -> str:
    """What to do about an entity reference that nothing declares.

    >>> _entity_fix("nbsp")
    'PubMed XML declares no entities: write the character it stands for instead, as itself or as &#160;'
    """
    fix = "PubMed XML declares no entities: write the character it stands for instead"
    code = html.entities.name2codepoint.get(name)
    return f"{fix}, as itself or as &#{code};" if code else fix


def _limit(err: etree.XMLSyntaxError) -> str | None:
    """What to tell the user about an input beyond one of libxml2's limits; None if it is not."""
    message = err.msg or ""
    if "Excessive depth" in message:  # libxml2's limit is 2,048 levels
        return (
            "markup nested more than 2,000 levels deep, deeper than the XML parser reads "
            "(PubMed records nest a few levels): fix or remove that record"
        )
    if "amplification" in message:  # libxml2 2.12 gives it the code of an entity loop
        return (
            "the entities declared in the file's DTD expand to far more text than the file holds, "
            "which the XML parser refuses; replace the entity references with the text they stand for"
        )
    if err.code == etree.ErrorTypes.ERR_ENTITY_LOOP:
        return "an entity declared in the file's DTD refers to itself: fix the DTD's <!ENTITY> declarations"
    if err.code == _RESOURCE_LIMIT or "XML_PARSE_HUGE" in message:
        reason = _HINT_RE.sub("", message.split(", line ")[0]).strip()
        return (
            f"a text, name or attribute value is larger than the XML parser accepts ({reason}); "
            "PubMed's are far smaller: shorten or remove it"
        )
    return None


def check_root(root: etree._Element | None, path: Path) -> None:
    if root is None:
        raise InputError(f"{path}: empty file: no XML document")
    if root.tag not in ROOTS:
        raise InputError(f"{path}: not PubMed XML (root element <{root.tag}>, expected <PubmedArticleSet>)")


_STRING = rb"(?:\"[^\"]*\"|'[^']*')"
_EXTERNAL_ID = rb"(\s+(?:PUBLIC\s+" + _STRING + rb"\s+|SYSTEM\s+)" + _STRING + rb")"
_EXTERNAL_DTD_RE = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+" + _EXTERNAL_ID)


def without_external_dtd(head: bytes) -> bytes:
    """``head`` with the DOCTYPE's external identifier blanked out (lines kept).

    The external DTD is never read. Said so, libxml2 takes the internal subset as all
    there is, and an entity declared nowhere (``&nbsp;``) is an error where it stands,
    not a warning once the whole file has been read.
    """
    root = _ROOT_RE.search(head)
    doctype = _EXTERNAL_DTD_RE.search(head, 0, root.start() if root else 0)
    if doctype is None:
        return head
    start, end = doctype.span(1)
    blank = bytes(b if b in b"\r\n" else 32 for b in head[start:end])
    return head[:start] + blank + head[end:]


_ROOT_RE = re.compile(rb"<(PubmedArticleSet|MedlineCitationSet|PubmedBookArticleSet)(\s[^>]*)?>")
_CUT_TAGS = {
    b"PubmedArticleSet": (b"</PubmedArticle>", b"</PubmedBookArticle>", b"</DeleteCitation>"),
    b"PubmedBookArticleSet": (b"</PubmedBookArticle>", b"</DeleteCitation>"),
    b"MedlineCitationSet": (b"</MedlineCitation>", b"</DeleteCitation>"),
}


def split(stream: BinaryIO, chunk_size: int = 2 << 20) -> Iterator[tuple[bytes, int]] | None:
    """Cut a document into standalone documents of whole top-level records.

    Yields ``(document, line_offset)`` pairs that :func:`read` parses independently, so
    worker processes can share one large file. Returns None when the start of the stream
    is not a PubMed document; callers then reopen the file and use :func:`read`, whose
    errors name the problem.
    """
    head = stream.read(chunk_size)
    root = _ROOT_RE.search(head)
    if root is None:
        return None
    # Each piece starts as the file does: XML declaration, DOCTYPE with its internal
    # subset (the entities it declares), root start tag. Lines of the prolog are lines
    # of every piece: the pieces' line offsets count from there.
    prefix = head[: root.end()]
    closing = b"</" + root.group(1) + b">"
    if not _whole_prolog(prefix + closing, root.group(1)):
        return None  # the root tag was matched inside a comment or the DTD: read as a whole
    return _chunks(stream, head, root.end(), prefix, closing, _CUT_TAGS[root.group(1)], chunk_size)


def _whole_prolog(document: bytes, root: bytes) -> bool:
    try:
        parsed = etree.fromstring(document, _PROLOG_PARSER)
    except etree.XMLSyntaxError:
        return False
    return str(parsed.tag) == root.decode()


_PROLOG_PARSER = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False)


def _chunks(
    stream: BinaryIO,
    head: bytes,
    start: int,
    prefix: bytes,
    closing: bytes,
    cut_tags: tuple[bytes, ...],
    size: int,
) -> Iterator[tuple[bytes, int]]:
    line = 0  # newlines of the file between the prolog and the buffer
    buffer = head[start:]
    while True:
        block = stream.read(size)
        cut = _last_record_end(buffer, cut_tags)
        if not block:
            break
        if cut:
            yield prefix + buffer[:cut] + closing, line
            line += buffer.count(b"\n", 0, cut)
            buffer = buffer[cut:]
        buffer += block
    if cut:
        yield prefix + buffer[:cut] + closing, line
        line += buffer.count(b"\n", 0, cut)
        buffer = buffer[cut:]
    if buffer.strip() != closing:
        # Truncated or trailing content: let the parser report it, with its line.
        yield prefix + buffer, line


def _last_record_end(buffer: bytes, cut_tags: tuple[bytes, ...]) -> int:
    ends = [buffer.rfind(tag) + len(tag) for tag in cut_tags]
    return max([end for end, tag in zip(ends, cut_tags, strict=True) if end >= len(tag)], default=0)
