"""PubMed XML: efetch output, the annual baseline and the daily update files.

Streams :class:`~graph.records.Article` and :class:`~graph.records.Deletion` records in
constant memory with an lxml pull parser fed in small blocks, clearing each record once
read. Roots ``PubmedArticleSet`` (current) and ``MedlineCitationSet`` (legacy, no
``PubmedData``) are accepted; elements follow the NLM DTD ``pubmed_250101.dtd``. The
external DTD is never read (no file, no network); entities declared in the document's
internal subset are expanded (libxml2 refuses expansion bombs), any other is an error.

Text is kept as the record has it, but for XML whitespace (space, tab, CR, LF): stripped
at the ends, a run inside read as one space (layout of pretty-printed files). Records
written before 2014 may name MeSH terms without ``UI`` attributes and give one
``<Affiliation>`` for the article: names are linked to UIs through ``PUBGRAPH_MESH`` or
kept as names (one :class:`~graph.sources._mesh_names.MeshNamesWarning` a file counts
them), and the article's affiliation is its first author's, where PubMed puts it today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from lxml import etree

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
    Deletion,
    Grant,
    Journal,
    Keyword,
    MeshHeading,
    Pagination,
    PubDate,
    PublicationType,
    Qualifier,
    Record,
    Reference,
    SupplementaryConcept,
)
from ._mesh_names import MeshLinks
from ._xml_document import ROOTS, check_root, parse_error, split, without_external_dtd

__all__ = ["EXTENSIONS", "read", "sniff", "split"]

EXTENSIONS = (".xml",)
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_YEAR_RE = re.compile(r"\b(1[5-9]\d\d|2[01]\d\d)\b")
_MATHML = "{http://www.w3.org/1998/Math/MathML}"
_ANY_MATHML = _MATHML + "*"
_XML_SPACE = " \t\r\n"  # XML 1.0 production S; str.split() would also take U+00A0 and others
_XML_SPACE_RUN_RE = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")


def sniff(head: bytes) -> bool:
    """Tell PubMed XML from other content by its first bytes.

    >>> sniff(b'<?xml version="1.0"?><PubmedArticleSet>'), sniff(b"PMID- 1")
    (True, False)
    """
    return any(root.encode() in head for root in ROOTS)


def read(stream: BinaryIO, path: Path, line_offset: int = 0, *, links: MeshLinks | None = None) -> Iterator[Record]:
    """Yield the records of one PubMed XML stream, in document order.

    ``path`` is used in error messages only; ``line_offset`` is added to the line numbers
    they give (for chunks cut out of a larger document by :func:`split`). Every record
    before a fault in the XML is yielded before the :class:`~graph.errors.InputError`
    that names the fault's line. MeSH names left without a UI are warned about at the
    end, unless the caller gives ``links`` to count them (a piece of a larger file).

    >>> import io
    >>> xml = b"<PubmedArticleSet><DeleteCitation><PMID>7</PMID></DeleteCitation></PubmedArticleSet>"
    >>> [record.pmid for record in read(io.BytesIO(xml), Path("deleted.xml"))]
    ['7']
    """
    # A pull parser fed in small blocks: lxml's iterparse drops the records it parsed
    # in the block that holds an error (lxml 6.2 reads 32 kB before yielding anything).
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=_RECORD_TAGS,
        resolve_entities="internal",  # the internal DTD subset's; never a file or URL
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )
    reading = _Reading(path, line_offset, links)
    block = without_external_dtd(stream.read(_FEED_SIZE))
    while True:
        try:
            if block:
                parser.feed(block)
            else:
                reading.root = parser.close()
        except etree.XMLSyntaxError as err:
            yield from reading.records(parser.read_events())
            raise reading.error(err) from err
        yield from reading.records(parser.read_events())
        if not block:
            break
        block = stream.read(_FEED_SIZE)
    check_root(reading.root, path)
    if links is None:
        reading.links.warn(path)


_FEED_SIZE = 64 << 10


class _Reading:
    """What one read has got to: the records' events in, the context of errors out."""

    def __init__(self, path: Path, line_offset: int, links: MeshLinks | None = None) -> None:
        self.path, self.line_offset = path, line_offset
        self.links = links if links is not None else MeshLinks()
        self.root: etree._Element | None = None
        self.last_pmid: str | None = None
        self.opened: etree._Element | None = None  # the record being read

    def records(self, events: Iterator[tuple[str, etree._Element]]) -> Iterator[Record]:
        path = self.path
        for event, elem in events:
            if event == "start":
                self.opened = elem
                continue
            tag = elem.tag
            if tag == "MedlineCitation":
                parent = elem.getparent()
                if parent is not None and parent.tag == "PubmedArticle":
                    continue  # read with its PubmedArticle, which carries PubmedData
                yield self._seen(_article(elem, None, path, self.links))
            elif tag == "DeleteCitation":
                for pmid_elem in elem.iterfind("PMID"):
                    pmid = normalize_pmid(pmid_elem.text)
                    if pmid:
                        yield Deletion(pmid)
            elif tag == "PubmedArticle":
                yield self._seen(_article(elem.find("MedlineCitation"), elem.find("PubmedData"), path, self.links))
            else:
                yield self._seen(_book(elem, path, self.links))
            self.opened = None
            _release(elem)

    def _seen(self, record: Article) -> Article:
        self.last_pmid = record.pmid
        return record

    def error(self, err: etree.XMLSyntaxError) -> InputError:
        """The parser's error as one line naming the file, the line and the record."""
        first = self.line_offset == 0 and self.last_pmid is None
        return parse_error(err, self.path, self.line_offset, self._where(), self.last_pmid, first=first)

    def _where(self) -> str:
        opened = self.opened
        if opened is not None and opened.tag != "DeleteCitation":
            pmid_elem = next(opened.iter("PMID"), None)
            pmid = normalize_pmid(pmid_elem.text) if pmid_elem is not None else None
            if pmid:
                return f", in the record of PMID {pmid}"
        return f" (after PMID {self.last_pmid})" if self.last_pmid else ""


def _release(elem: etree._Element) -> None:
    # Constant memory: drop the record and every sibling already read.
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _flat(elem: etree._Element | None) -> str:
    """Element text with inline markup (``<i>``, ``<sup>``, MathML) flattened.

    Spaces between inline elements are text (``<i>Staphylococcus</i> <i>aureus</i>``);
    inside MathML they are layout of the pretty-printed markup, and go.

    >>> _flat(etree.fromstring("<T>A <i>b<sup>2</sup></i> <!-- c -->d</T>"))
    'A b2 d'
    """
    if elem is None:
        return ""
    return _squeeze(elem.text or "" if len(elem) == 0 else "".join(_inline_text(elem)))


def _squeeze(text: str) -> str:
    r"""``text`` without XML whitespace at its ends, a run of it inside as one space.

    Other spaces are content: ``6\u00a0weeks`` stays as PubMed wrote it.

    >>> _squeeze(" 6\u00a0weeks,\n    then  more "), _squeeze("\u2009x\u00a0")
    ('6\xa0weeks, then more', '\u2009x\xa0')
    """
    text = text.strip(_XML_SPACE)
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        return _XML_SPACE_RUN_RE.sub(" ", text)
    return text


def _inline_text(root: etree._Element) -> Iterable[str]:
    """The text pieces of ``root`` in document order (comments' and PIs' tails, not their
    text). Neither way recurses in Python: markup may nest as deep as libxml2 allows
    (2,048 levels), deeper than Python's stack."""
    if next(root.iter(_ANY_MATHML), None) is None:
        texts: Iterable[str] = root.itertext()  # in C
        return texts
    return _math_aware_text(root)


def _math_aware_text(root: etree._Element) -> list[str]:
    parts = [root.text] if root.text else []
    # (element, its remaining children, whether it is MathML or inside it)
    stack: list[tuple[etree._Element, Iterator[etree._Element], bool]] = [(root, iter(root), False)]
    while stack:
        parent, children, math = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:
                _tail(parent, stack[-1][2], parts)
            continue
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction: only its tail
            _tail(child, math, parts)
            continue
        in_math = math or tag.startswith(_MATHML)
        text = child.text
        if len(child) == 0:  # a leaf (a MathML token too): its text is content
            if text:
                parts.append(text)
            _tail(child, math, parts)
            continue
        if text and not (in_math and text.isspace()):
            parts.append(text)
        stack.append((child, iter(child), in_math))
    return parts


def _tail(elem: etree._Element, math: bool, parts: list[str]) -> None:
    # Pretty-printed MathML: blanks between elements are layout, a token's text is
    # content (even <mtext> </mtext>, which authors use as a space).
    tail = elem.tail
    if tail and not (math and tail.isspace()):
        parts.append(tail)


# lxml's find() and findtext() run a path engine written in Python, ~1 µs a call; a record
# asks ~40 questions of its elements. One pass over the children answers them all.


def _index(elem: etree._Element | None) -> dict[str, etree._Element]:
    """The first child of each tag."""
    index: dict[str, etree._Element] = {}
    if elem is not None:
        for child in elem:
            index.setdefault(child.tag, child)
    return index


def _texts(elem: etree._Element | None) -> dict[str, str]:
    """The squeezed, non-empty text of each child, by tag (the first such child of a tag)."""
    texts: dict[str, str] = {}
    if elem is not None:
        for child in elem:
            text = child.text
            if text and child.tag not in texts and (text := _squeeze(text)):
                texts[child.tag] = text
    return texts


def _yes(elem: etree._Element, attribute: str) -> bool:
    return bool(elem.get(attribute) == "Y")


def _article(citation: etree._Element | None, data: etree._Element | None, path: Path, links: MeshLinks) -> Article:
    if citation is None:
        raise InputError(f"{path}: a <PubmedArticle> has no <MedlineCitation>")
    parts = _index(citation)
    pmid_elem = parts.get("PMID")
    pmid = normalize_pmid(pmid_elem.text if pmid_elem is not None else None)
    if pmid is None or pmid_elem is None:
        raise InputError(f"{path}: a record has no valid <PMID> (line {citation.sourceline})")
    article = parts.get("Article")
    if article is None:
        raise InputError(f"{path}: record PMID {pmid} has no <Article>")
    fields = _index(article)
    journal_elem = fields.get("Journal")
    issue_elem = _index(journal_elem).get("JournalIssue")
    ids = _article_ids(_index(data).get("ArticleIdList"))
    ids.update(_other_ids(citation))
    for elocation in article.iterchildren("ELocationID"):
        if elocation.get("ValidYN") != "N":
            ids.setdefault(elocation.get("EIdType", ""), (elocation.text or "").strip())
    return Article(
        pmid=pmid,
        version=_version(pmid_elem, pmid, path),
        kind="article",
        title=_flat(fields.get("ArticleTitle")),
        vernacular_title=_flat(fields.get("VernacularTitle")) or None,
        abstract=_abstract(fields.get("Abstract")),
        languages=tuple(lang.text.strip() for lang in article.iterchildren("Language") if lang.text),
        publication_types=_publication_types(fields.get("PublicationTypeList"), links),
        pub_date=_pub_date(_index(issue_elem).get("PubDate")),
        article_dates=_article_dates(article),
        journal=_journal(journal_elem, issue_elem, parts.get("MedlineJournalInfo")),
        pagination=_pagination(fields.get("Pagination")),
        authors=_with_article_affiliation(_authors(fields.get("AuthorList")), fields.get("Affiliation")),
        investigators=_authors(parts.get("InvestigatorList"), "Investigator"),
        mesh_headings=_mesh(parts.get("MeshHeadingList"), links),
        supplementary_concepts=_supplementary(parts.get("SupplMeshList"), links),
        keywords=_keywords(citation),
        chemicals=_chemicals(parts.get("ChemicalList"), links),
        grants=_grants(fields.get("GrantList")),
        doi=normalize_doi(ids.get("doi")),
        pmcid=normalize_pmcid(ids.get("pmc")),
        pii=ids.get("pii") or None,
        references=_references(data, parts.get("CommentsCorrectionsList"), pmid),
        corrections=_corrections(parts.get("CommentsCorrectionsList")),
    )


def _book(elem: etree._Element, path: Path, links: MeshLinks) -> Article:
    document = elem.find("BookDocument")
    if document is None:
        raise InputError(f"{path}: a <PubmedBookArticle> has no <BookDocument>")
    pmid_elem = document.find("PMID")
    pmid = normalize_pmid(pmid_elem.text if pmid_elem is not None else None)
    if pmid is None or pmid_elem is None:
        raise InputError(f"{path}: a book record has no valid <PMID> (line {document.sourceline})")
    book = document.find("Book")
    chapter_title = _flat(document.find("ArticleTitle"))
    book_title = _flat(book.find("BookTitle")) if book is not None else ""
    ids = _article_ids(document.find("ArticleIdList"))
    book_data = elem.find("PubmedBookData")
    if book_data is not None:
        ids.update(_article_ids(book_data.find("ArticleIdList")))
    author_lists = [
        *document.iterfind("AuthorList"),
        *(book.iterfind("AuthorList") if book is not None else ()),
    ]
    authors = next((_authors(a) for a in author_lists if a.get("Type", "authors") == "authors"), ())
    return Article(
        pmid=pmid,
        version=_version(pmid_elem, pmid, path),
        kind="chapter" if chapter_title else "book",
        title=chapter_title or book_title,
        abstract=_abstract(document.find("Abstract")),
        languages=tuple(lang.text.strip() for lang in document.iterfind("Language") if lang.text),
        publication_types=_publication_types(document, links),
        pub_date=_pub_date(_index(book).get("PubDate")),
        authors=authors,
        keywords=_keywords(document),
        doi=normalize_doi(ids.get("doi")),
        pmcid=normalize_pmcid(ids.get("pmc")),
        references=_references(document, None, pmid),
        book_title=book_title if chapter_title else None,
        publisher=_texts(_index(book).get("Publisher")).get("PublisherName"),
    )


def _version(pmid_elem: etree._Element, pmid: str, path: Path) -> int:
    text = (pmid_elem.get("Version") or "1").strip()
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise InputError(f"{path}: record PMID {pmid} has <PMID Version={text!r}>; expected a whole number from 1")
    return int(text)


def _article_ids(id_list: etree._Element | None) -> dict[str, str]:
    if id_list is None:
        return {}
    return {
        item.get("IdType", ""): item.text.strip()
        for item in id_list.iterchildren("ArticleId")
        if item.text and item.text.strip()
    }


def _other_ids(citation: etree._Element) -> dict[str, str]:
    # Legacy MEDLINE files carry PMC ids only as <OtherID Source="NLM">PMC…</OtherID>.
    for other in citation.iterchildren("OtherID"):
        text = (other.text or "").strip()
        if other.get("Source") == "NLM" and text.upper().startswith("PMC"):
            return {"pmc": text.split()[0]}
    return {}


def _abstract(abstract: etree._Element | None) -> tuple[AbstractSection, ...]:
    if abstract is None:
        return ()
    sections = []
    for part in abstract.iterchildren("AbstractText"):
        text = _flat(part)
        if text:
            sections.append(AbstractSection(text, part.get("Label"), part.get("NlmCategory")))
    return tuple(sections)


def _publication_types(parent: etree._Element | None, links: MeshLinks) -> tuple[PublicationType, ...]:
    if parent is None:
        return ()
    names = ((pt.get("UI"), _squeeze(pt.text or "")) for pt in parent.iterchildren("PublicationType"))
    return tuple(PublicationType(links.publication_type(ui, name), name) for ui, name in names if name)


def _pub_date(date: etree._Element | None) -> PubDate:
    if date is None:
        return PubDate()
    parts = _texts(date)
    medline_date = parts.get("MedlineDate")
    if medline_date:
        year_match = _YEAR_RE.search(medline_date)
        return PubDate(int(year_match.group(1)) if year_match else None, text=medline_date)
    year_text = parts.get("Year")
    year = int(year_text) if year_text and year_text.isdigit() else None
    season = parts.get("Season")
    if season:
        return PubDate(year, text=f"{year_text} {season}" if year_text else season)
    month = PubDate.month_number(parts.get("Month"))
    day_text = parts.get("Day")
    day = int(day_text) if month and day_text and day_text.isdigit() else None
    return PubDate(year, month, day)


def _article_dates(article: etree._Element) -> tuple[ArticleDate, ...]:
    dates = []
    for date in article.iterchildren("ArticleDate"):
        parts = _texts(date)
        year, month, day = parts.get("Year"), parts.get("Month"), parts.get("Day")
        month_number = PubDate.month_number(month)
        if year and year.isdigit() and month_number and day and day.isdigit():
            dates.append(ArticleDate(int(year), month_number, int(day), date.get("DateType", "Electronic")))
    return tuple(dates)


def _journal(
    journal: etree._Element | None, issue: etree._Element | None, info: etree._Element | None
) -> Journal | None:
    if journal is None and info is None:
        return None
    issns = {}
    if journal is not None:
        for issn in journal.iterchildren("ISSN"):
            if issn.text and issn.text.strip():
                issns[issn.get("IssnType", "Print")] = issn.text.strip()
    names, catalogue, numbers = _texts(journal), _texts(info), _texts(issue)
    return Journal(
        title=names.get("Title"),
        iso_abbreviation=names.get("ISOAbbreviation"),
        nlm_abbreviation=catalogue.get("MedlineTA"),
        nlm_unique_id=catalogue.get("NlmUniqueID"),
        issn_print=issns.get("Print"),
        issn_electronic=issns.get("Electronic"),
        issn_linking=catalogue.get("ISSNLinking"),
        volume=numbers.get("Volume"),
        issue=numbers.get("Issue"),
    )


def _pagination(pagination: etree._Element | None) -> Pagination | None:
    if pagination is None:
        return None
    parts = _texts(pagination)
    pgn, start, end = parts.get("MedlinePgn"), parts.get("StartPage"), parts.get("EndPage")
    if pgn and not start:
        first_range = pgn.split(",")[0].split(";")[0]
        start, _, end = (part.strip() for part in first_range.partition("-"))
        end = _expand_end_page(start, end) if end else None
    if not (pgn or start):
        return None
    return Pagination(pgn, start or None, end or None)


def _expand_end_page(start: str, end: str) -> str:
    """MEDLINE drops the end page's leading digits it shares with the start page.

    >>> _expand_end_page("1234", "45"), _expand_end_page("386", "392"), _expand_end_page("e12", "e14")
    ('1245', '392', 'e14')
    """
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        return start[: len(start) - len(end)] + end
    return end


def _authors(author_list: etree._Element | None, tag: str = "Author") -> tuple[Author, ...]:
    if author_list is None:
        return ()
    return tuple(_author(a) for a in author_list.iterchildren(tag) if a.get("ValidYN") != "N")


def _author(author: etree._Element) -> Author:
    # One pass over the children: authors are many, and findtext() rescans each time.
    fields: dict[str, str] = {}
    orcid = None
    affiliations = []
    for child in author:
        tag = child.tag
        if tag == "AffiliationInfo":
            affiliation = _affiliation(child)
            if affiliation is not None:
                affiliations.append(affiliation)
        elif tag in ("Identifier", "NameID"):  # NameID: DTDs of 2010-2013
            if child.get("Source", "").upper() == "ORCID":
                orcid = normalize_orcid(child.text)
        elif tag == "CollectiveName":
            fields[tag] = _flat(child)
        elif tag == "Affiliation":  # DTDs of 2013: one string, no AffiliationInfo
            if text := _flat(child):
                affiliations.append(Affiliation(text))
        elif child.text:
            fields[tag] = _squeeze(child.text)
    return Author(
        family=fields.get("LastName") or None,
        given=fields.get("ForeName") or None,
        initials=fields.get("Initials") or None,
        suffix=fields.get("Suffix") or None,
        collective_name=fields.get("CollectiveName") or None,
        orcid=orcid,
        affiliations=tuple(affiliations),
        equal_contribution=_yes(author, "EqualContrib"),
    )


def _with_article_affiliation(authors: tuple[Author, ...], affiliation: etree._Element | None) -> tuple[Author, ...]:
    """Records before 2014 give one ``<Article><Affiliation>``: the first author's (MEDLINE
    indexed only that one), where PubMed XML puts it today."""
    name = _flat(affiliation)
    if not name or not authors:
        return authors
    first = authors[0]
    joined = replace(first, affiliations=(Affiliation(name), *first.affiliations))
    return (joined, *authors[1:])


def _affiliation(info: etree._Element) -> Affiliation | None:
    name, ror = "", None
    for child in info:
        if child.tag == "Affiliation":
            name = _flat(child)
        elif child.tag == "Identifier" and child.get("Source") == "ROR" and child.text:
            ror = child.text.strip()
    return Affiliation(name, ror) if name else None


def _mesh(mesh_list: etree._Element | None, links: MeshLinks) -> tuple[MeshHeading, ...]:
    if mesh_list is None:
        return ()
    headings = []
    for heading in mesh_list.iterchildren("MeshHeading"):
        descriptor, qualifiers = None, []
        for child in heading:
            name, ui = _squeeze(child.text or ""), child.get("UI")
            if not (name or ui):
                continue
            if child.tag == "DescriptorName":
                descriptor = (links.ui(ui, name), name, child.get("MajorTopicYN") == "Y")
            elif child.tag == "QualifierName":
                qualifiers.append(Qualifier(links.ui(ui, name), name, child.get("MajorTopicYN") == "Y"))
        if descriptor is not None:
            headings.append(MeshHeading(*descriptor, tuple(qualifiers)))
    return tuple(headings)


def _supplementary(suppl_list: etree._Element | None, links: MeshLinks) -> tuple[SupplementaryConcept, ...]:
    if suppl_list is None:
        return ()
    names = ((s, _squeeze(s.text or "")) for s in suppl_list.iterchildren("SupplMeshName"))
    return tuple(SupplementaryConcept(links.ui(s.get("UI"), name), name, s.get("Type")) for s, name in names if name)


def _keywords(parent: etree._Element) -> tuple[Keyword, ...]:
    keywords = []
    for keyword_list in parent.iterchildren("KeywordList"):
        owner = keyword_list.get("Owner")
        for keyword in keyword_list.iterchildren("Keyword"):
            text = _flat(keyword)
            if text:
                keywords.append(Keyword(text, owner, _yes(keyword, "MajorTopicYN")))
    return tuple(keywords)


def _chemicals(chemical_list: etree._Element | None, links: MeshLinks) -> tuple[Chemical, ...]:
    if chemical_list is None:
        return ()
    chemicals = []
    for chemical in chemical_list.iterchildren("Chemical"):
        substance = _index(chemical).get("NameOfSubstance")
        name = _squeeze(substance.text or "") if substance is not None else ""
        if substance is not None and name:
            registry = _texts(chemical).get("RegistryNumber")
            chemicals.append(Chemical(name, links.ui(substance.get("UI"), name), None if registry == "0" else registry))
    return tuple(chemicals)


def _grants(grant_list: etree._Element | None) -> tuple[Grant, ...]:
    if grant_list is None:
        return ()
    return tuple(
        Grant(parts.get("GrantID"), parts.get("Acronym"), parts.get("Agency"), parts.get("Country"))
        for parts in map(_texts, grant_list.iterchildren("Grant"))
    )


def _references(data: etree._Element | None, comments: etree._Element | None, own_pmid: str) -> tuple[Reference, ...]:
    """The reference list, then ``Cites`` links of ``comments`` (a CommentsCorrectionsList) it lacks."""
    references = []
    if data is not None:
        # ReferenceList can nest (titled sub-lists); iter() walks them in order.
        for reference in data.iter("Reference"):
            references.append(_reference(reference, own_pmid))
    if comments is not None:
        listed = {r.pmid for r in references if r.pmid}
        for item in comments.iterchildren("CommentsCorrections"):
            if item.get("RefType") != "Cites":
                continue
            parts = _texts(item)
            pmid = normalize_pmid(parts.get("PMID"))
            if pmid in listed or pmid == own_pmid:
                continue
            references.append(Reference(citation=parts.get("RefSource"), pmid=pmid, source="comments-corrections"))
    return tuple(references)


def _reference(reference: etree._Element, own_pmid: str) -> Reference:
    text, pmid, doi, pmcid = None, None, None, None
    for child in reference:
        if child.tag == "Citation":
            text = _flat(child) or None
        elif child.tag == "ArticleIdList":
            for item in child:
                kind, value = item.get("IdType"), item.text
                if kind == "pubmed":
                    pmid = normalize_pmid(value)
                elif kind == "doi":
                    doi = normalize_doi(value)
                elif kind in ("pmc", "pmcid"):
                    pmcid = normalize_pmcid(value)
    # Reference lists sometimes name the citing article itself.
    return Reference(citation=text, pmid=None if pmid == own_pmid else pmid, doi=doi, pmcid=pmcid)


def _corrections(comments: etree._Element | None) -> tuple[Correction, ...]:
    if comments is None:
        return ()
    corrections = []
    for item in comments.iterchildren("CommentsCorrections"):
        kind = item.get("RefType")
        if kind not in (None, "Cites"):
            parts = _texts(item)
            corrections.append(Correction(kind, normalize_pmid(parts.get("PMID")), parts.get("RefSource")))
    return tuple(corrections)
