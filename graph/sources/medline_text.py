"""PubMed format text (MEDLINE tagged): what PubMed's "Save" button writes (``.nbib``, ``.txt``).

Each line is a tag padded to four characters, ``"- "`` and a value; a value goes on in
lines that start with six spaces; a blank line or the next ``PMID-`` ends a record. The
tags are those of NLM's "MEDLINE/PubMed Data Element (Field) Descriptions"
(https://pubmed.ncbi.nlm.nih.gov/help/#pubmed-format). Records stream in constant memory.

The format names MeSH headings, chemicals and publication types but not their unique
identifiers, which the model needs for ``mesh:`` IRIs. Common publication types are
known here; for the rest set ``PUBGRAPH_MESH`` to NLM's MeSH files (``descYYYY.xml``,
``qualYYYY.xml``, ``suppYYYY.xml``, gzip or not, or ``UI<TAB>name`` lines), several
joined by ``os.pathsep``. Terms whose identifiers stay unknown are kept by name (the
model writes them as literals), with one :class:`MeshNamesWarning` per file saying how
many. Values lose the spaces, tabs and line breaks at their ends (layout), nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..identifiers import normalize_doi, normalize_orcid, normalize_pmcid, normalize_pmid
from ..records import (
    AbstractSection,
    Affiliation,
    Article,
    ArticleDate,
    Author,
    Chemical,
    Correction,
    Grant,
    Journal,
    Keyword,
    MeshHeading,
    Pagination,
    PubDate,
    PublicationType,
    Qualifier,
    Record,
    SupplementaryConcept,
)
from ._mesh_names import MeshLinks, MeshNamesWarning, mesh_names

__all__ = ["EXTENSIONS", "MeshNamesWarning", "mesh_names", "parse_mesh_heading", "read", "sniff"]

# ".txt" is told by content (sniff): claiming it by name would take every README.txt of
# a directory of inputs for PubMed.
EXTENSIONS = (".nbib",)

Field = tuple[str, str, int]  # tag, value (continuations joined), line number

_TAG_RE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
_HEAD_RE = re.compile(rb"(?m)^PMID- ?\d")
_SEASONS = frozenset({"spring", "summer", "fall", "autumn", "winter"})
_SECTION_RE = re.compile(r"(?:^|(?<=[.?!)]) )([A-Z][A-Z0-9 ,&/'()-]{1,60}[A-Z)]): ")
_ID_RE = re.compile(r"^(\S+)\s*\[(\w+)\]$")
_PMID_RE = re.compile(r"PMID:\s*(\d+)")
_ISSN_RE = re.compile(r"^(\S+)\s*\((Print|Electronic|Linking)\)$")

#: Comment/correction tags -> the CommentsCorrections RefType of PubMed XML.
CORRECTION_TAGS = {
    "CIN": "CommentIn",
    "CON": "CommentOn",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "SPIN": "SummaryForPatientsIn",
    "ORI": "OriginalReportIn",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
    "RRI": "RetractedandRepublishedIn",
    "RRF": "RetractedandRepublishedFrom",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
}


def sniff(head: bytes) -> bool:
    """Tell PubMed format text by a ``PMID-`` line near its start.

    >>> sniff(b"\\nPMID- 12230038\\nOWN - NLM\\n"), sniff(b"<PubmedArticleSet>")
    (True, False)
    """
    return _HEAD_RE.search(head.lstrip(b"\xef\xbb\xbf")) is not None


def read(stream: BinaryIO, path: Path, line_offset: int = 0, *, links: MeshLinks | None = None) -> Iterator[Record]:
    """Yield the articles of one PubMed format stream, in file order.

    MeSH names left without a UI are warned about at the end, unless the caller gives
    ``links`` to count them (and warn).

    >>> import io
    >>> text = b"PMID- 1\\nTI  - A long\\n      title.\\nFAU - Onoki, Takahiro\\nAU  - Onoki T\\n"
    >>> article = next(read(io.BytesIO(text), Path("x.nbib")))
    >>> article.title, article.authors[0].name, article.authors[0].initials
    ('A long title.', 'Takahiro Onoki', 'T')
    """
    counted = links if links is not None else MeshLinks()
    seen_any = False
    for fields in _records(stream, path, line_offset):
        seen_any = True
        yield _article(fields, path, counted)
    if not seen_any:
        raise InputError(f"{path}: not PubMed format text (no 'PMID- ' line); export from PubMed as 'PubMed' format")
    if links is None:
        counted.warn(path)


_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = " \t"  # layout; str.strip() would also take U+00A0 and other spaces, which are content


def _records(stream: BinaryIO, path: Path, line_offset: int) -> Iterator[list[Field]]:
    """Group lines into records of (tag, value, line) with continuations joined."""
    fields: list[Field] = []
    for number, raw in enumerate(stream, start=1 + line_offset):
        try:
            line = raw.decode("utf-8").rstrip("\r\n").lstrip("\ufeff")
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: line {number} is not UTF-8 ({err.reason}); re-export the file") from err
        # The text a PubMed XML record could hold: XML 1.0 has no control characters (and
        # RDF/XML output must stay well-formed), so they read as U+FFFD.
        line = _NOT_XML_RE.sub("\ufffd", line)
        if not line.strip():
            if fields:
                yield fields
                fields = []
            continue
        if line[0] == " " and fields:
            tag, value, at = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip(_SPACE)}".strip(_SPACE), at)
            continue
        match = _TAG_RE.match(line)
        if match is None:
            raise InputError(f"{path}: line {number} is not a 'TAG - value' line of PubMed format: {line[:60]!r}")
        tag, value = match.group(1), match.group(2).strip(_SPACE)
        if tag == "PMID" and fields:
            yield fields
            fields = []
        if not fields and tag != "PMID":
            raise InputError(f"{path}: line {number}: a record must start with 'PMID- ', found {tag!r}")
        fields.append((tag, value, number))
    if fields:
        yield fields


def _article(fields: list[Field], path: Path, links: MeshLinks) -> Article:
    pmid = normalize_pmid(fields[0][1])
    if pmid is None:
        raise InputError(f"{path}: line {fields[0][2]}: {fields[0][1]!r} is not a PMID")
    values: dict[str, list[str]] = {}
    for tag, value, _line in fields:
        values.setdefault(tag, []).append(value)

    def first(tag: str) -> str | None:
        found = values.get(tag)
        return found[0] if found else None

    ids = _ids(values)
    book_title = first("BTI")
    title = first("TI") or ""
    return Article(
        pmid=pmid,
        kind=("chapter" if title else "book") if book_title else "article",
        title=title or book_title or "",
        vernacular_title=first("TT"),
        abstract=_abstract(first("AB")),
        languages=tuple(values.get("LA", ())),
        publication_types=tuple(PublicationType(links.publication_type(None, n), n) for n in values.get("PT", ())),
        pub_date=_pub_date(first("DP")),
        article_dates=tuple(d for d in map(_article_date, values.get("DEP", ())) if d is not None),
        journal=_journal(values) if not book_title else None,
        pagination=_pagination(first("PG")),
        authors=_people(fields, ("FAU", "AU", "CN", "AD", "AUID")),
        investigators=_people(fields, ("FIR", "IR", None, "IRAD", None)),
        mesh_headings=tuple(_mesh(values.get("MH", ()), links)),
        supplementary_concepts=tuple(SupplementaryConcept(links.ui(None, n), n) for n in values.get("NM", ())),
        keywords=_keywords(fields),
        chemicals=tuple(_chemical(v, links) for v in values.get("RN", ())),
        grants=tuple(_grant(v) for v in values.get("GR", ())),
        doi=normalize_doi(ids.get("doi")),
        pmcid=normalize_pmcid(first("PMC") or ids.get("pmc")),
        pii=ids.get("pii") or None,
        corrections=_corrections(fields),
        book_title=book_title if title else None,
        publisher=first("PB"),
    )


def _ids(values: dict[str, list[str]]) -> dict[str, str]:
    # As in PubMed XML: the ArticleIdList (AID) wins over the ELocationID (LID).
    ids: dict[str, str] = {}
    for tag in ("AID", "LID"):
        for value in values.get(tag, ()):
            match = _ID_RE.match(value)
            if match:
                ids.setdefault(match.group(2).lower(), match.group(1))
    return ids


def _abstract(text: str | None) -> tuple[AbstractSection, ...]:
    """Split ``LABEL: text`` sections back out, as PubMed XML gives them.

    >>> [(s.label, s.text) for s in _abstract("AIMS: To see. RESULTS: We saw.")]
    [('AIMS', 'To see.'), ('RESULTS', 'We saw.')]
    """
    if not text:
        return ()
    marks = list(_SECTION_RE.finditer(text))
    if not marks or marks[0].start() != 0:
        return (AbstractSection(text),)
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return tuple(AbstractSection(text[m.end() : end].strip(), m.group(1)) for m, end in zip(marks, ends, strict=True))


def _pub_date(text: str | None) -> PubDate:
    """``DP`` as PubMed XML would give it: Year/Month/Day, a season, or a MedlineDate.

    >>> _pub_date("2006 Mar 1"), _pub_date("2001 Spring").text, _pub_date("1998 Dec-1999 Jan").year
    (PubDate(year=2006, month=3, day=1, text=None), '2001 Spring', 1998)
    """
    if not text:
        return PubDate()
    parts = text.split()
    year = int(parts[0]) if parts[0].isdigit() and len(parts[0]) == 4 else None
    if year is not None and len(parts) == 1:
        return PubDate(year)
    if year is not None and len(parts) == 2 and parts[1].lower() in _SEASONS:
        return PubDate(year, text=text)
    month = PubDate.month_number(parts[1]) if len(parts) > 1 and len(parts[1]) == 3 else None
    if year is not None and month is not None and len(parts) <= 3 and "-" not in text:
        day = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else None
        return PubDate(year, month, day)
    found = re.search(r"\b(1[5-9]\d\d|2[01]\d\d)\b", text)
    return PubDate(int(found.group(1)) if found else None, text=text)


def _article_date(text: str) -> ArticleDate | None:
    if len(text) == 8 and text.isdigit() and 1 <= int(text[4:6]) <= 12:
        return ArticleDate(int(text[:4]), int(text[4:6]), int(text[6:]))
    return None


def _journal(values: dict[str, list[str]]) -> Journal | None:
    issns: dict[str, str] = {}
    for value in values.get("IS", ()):
        match = _ISSN_RE.match(value)
        if match:
            issns.setdefault(match.group(2), match.group(1))
    found = {tag: values[tag][0] for tag in ("JT", "TA", "JID", "VI", "IP") if tag in values}
    if not found and not issns:
        return None
    return Journal(
        title=found.get("JT"),
        nlm_abbreviation=found.get("TA"),
        nlm_unique_id=found.get("JID"),
        issn_print=issns.get("Print"),
        issn_electronic=issns.get("Electronic"),
        issn_linking=issns.get("Linking"),
        volume=found.get("VI"),
        issue=found.get("IP"),
    )


def _pagination(pgn: str | None) -> Pagination | None:
    if not pgn:
        return None
    start, _, end = (part.strip() for part in pgn.split(",")[0].split(";")[0].partition("-"))
    if end and start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end  # MEDLINE abbreviates: 1453-4 is 1453-1454
    return Pagination(pgn, start or None, end or None)


def _people(fields: list[Field], tags: tuple[str | None, ...]) -> tuple[Author, ...]:
    """Authors in byline order, each with the AD and AUID lines that follow it.

    ``tags`` names the full-name, short-name, group, affiliation and identifier tags.
    An affiliation before any author (records before 2014) belongs to the first one,
    where PubMed XML puts it.
    """
    full, short, group, address, identifier = tags
    people: list[dict[str, Any]] = []
    early: list[Affiliation] = []
    for tag, value, _line in fields:
        current = people[-1] if people else None
        if tag == full or (tag == short and (current is None or "short" in current or "group" in current)):
            people.append({"full" if tag == full else "short": value, "affiliations": []})
        elif tag == short and current is not None:
            current["short"] = value
        elif tag == group:
            people.append({"group": value, "affiliations": []})
        elif tag == address:
            target = current["affiliations"] if current is not None else early
            target.append(Affiliation(value))
        elif tag == identifier and current is not None and value.upper().startswith("ORCID"):
            current["orcid"] = normalize_orcid(value)
    if early and people:
        people[0]["affiliations"] = early + people[0]["affiliations"]
    return tuple(_person(p) for p in people)


def _person(person: dict[str, Any]) -> Author:
    affiliations: tuple[Affiliation, ...] = tuple(person["affiliations"])
    if "group" in person:
        return Author(collective_name=str(person["group"]), affiliations=affiliations)
    full, short = person.get("full"), person.get("short")
    family, given, suffix = None, None, None
    if isinstance(full, str):
        family, _, rest = (part.strip() for part in full.partition(","))
        given, _, suffix = (part.strip() for part in rest.partition(","))
    initials = None
    if isinstance(short, str):
        family = family or (short.rsplit(" ", 1)[0] if " " in short else short)
        tail = short[len(family) :].split() if short.startswith(family) else short.split()[-1:]
        initials = tail[0] if tail else None
        suffix = suffix or (" ".join(tail[1:]) or None)
    if suffix and given and given.endswith(" " + suffix):
        given = given[: -len(suffix) - 1]
    orcid = person.get("orcid")
    return Author(
        family=family or None,
        given=given or None,
        initials=initials,
        suffix=suffix or None,
        orcid=orcid if isinstance(orcid, str) else None,
        affiliations=affiliations,
    )


def parse_mesh_heading(value: str) -> tuple[str, bool, tuple[tuple[str, bool], ...]]:
    """Split an ``MH`` value into descriptor, its major flag, and (qualifier, major) pairs.

    >>> parse_mesh_heading("Information Storage and Retrieval/*methods/standards")
    ('Information Storage and Retrieval', False, (('methods', True), ('standards', False)))
    >>> parse_mesh_heading("*Software")
    ('Software', True, ())
    """
    descriptor, *qualifiers = (part.strip() for part in value.split("/"))
    return (
        descriptor.lstrip("*"),
        descriptor.startswith("*"),
        tuple((q.lstrip("*"), q.startswith("*")) for q in qualifiers if q.lstrip("*")),
    )


def _mesh(values: Iterable[str], links: MeshLinks) -> Iterator[MeshHeading]:
    for value in values:
        name, major, qualifiers = parse_mesh_heading(value)
        ui = links.ui(None, name)
        yield MeshHeading(ui, name, major, tuple(Qualifier(links.ui(None, q), q, m) for q, m in qualifiers))


def _chemical(value: str, links: MeshLinks) -> Chemical:
    registry, _, name = value.partition(" (")
    if not name:
        return Chemical(value, links.ui(None, value))
    name = name.removesuffix(")")
    return Chemical(name, links.ui(None, name), None if registry.strip() == "0" else registry.strip())


def _keywords(fields: list[Field]) -> tuple[Keyword, ...]:
    owner = None
    keywords = []
    for tag, value, _line in fields:
        if tag == "OTO":
            owner = value or None
        elif tag == "OT" and value:
            keywords.append(Keyword(value, owner))
    return tuple(keywords)


def _grant(value: str) -> Grant:
    """``GR`` is GrantID/Acronym/Agency/Country, the grant id itself sometimes holding a slash.

    >>> _grant("R01 GM123/GM/NIGMS NIH HHS/United States")
    Grant(grant_id='R01 GM123', acronym='GM', agency='NIGMS NIH HHS', country='United States')
    """
    parts: list[str | None] = [part.strip() or None for part in value.split("/")]
    if len(parts) < 4:
        parts = [*([None] * (4 - len(parts))), *parts]
        parts[0], parts[-3] = parts[-3], None  # "ID/Agency/Country": no acronym
    return Grant("/".join(p for p in parts[:-3] if p) or None, parts[-3], parts[-2], parts[-1])


def _corrections(fields: list[Field]) -> tuple[Correction, ...]:
    found = []
    for tag, value, _line in fields:
        if tag in CORRECTION_TAGS:
            match = _PMID_RE.search(value)
            source = value[: match.start()].strip().rstrip(".") if match else value
            found.append(Correction(CORRECTION_TAGS[tag], match.group(1) if match else None, source or None))
    return tuple(found)
