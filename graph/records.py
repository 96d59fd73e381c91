"""Typed, frozen records: the only contract between sources and the RDF model.

Sources (PubMed XML, PubMed-format text, E-utilities) produce these; the model turns
them into quads. Nothing here knows about XML or RDF. Identifiers are already
normalised by the sources (see :mod:`graph.identifiers`); text is already flattened
(inline markup removed, MathML kept as its text).

Text is what the record says, character for character (non-breaking, thin and other
Unicode spaces included), with these changes made on purpose:

- XML whitespace (space, tab, CR, LF) at either end of a field goes, and a run of it
  inside becomes one space: it is the layout of pretty-printed XML and of PubMed-format
  continuation lines, not content;
- control characters XML 1.0 cannot carry read as U+FFFD (PubMed-format text), as do
  lone surrogates (model);
- identifiers take one canonical form: DOIs bare and lower-cased (DOIs are
  case-insensitive), PMC ids ``PMC`` + digits without version, ORCID iDs
  ``0000-0000-0000-000X``, PMIDs without leading zeros;
- of several versions of one PMID, the highest ``Version`` is kept (the last one on a
  tie), and a ``<DeleteCitation>`` removes it (``graph.pipeline.loading``);
- MeSH UIs missing from a record are looked up by name (``PUBGRAPH_MESH``); names that
  stay unknown are kept with ``ui`` None.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

__all__ = [
    "AbstractSection",
    "Affiliation",
    "Article",
    "ArticleDate",
    "Author",
    "Chemical",
    "Correction",
    "Deletion",
    "Grant",
    "HarvestActivity",
    "Journal",
    "Keyword",
    "LoadActivity",
    "MeshHeading",
    "Pagination",
    "PubDate",
    "PublicationType",
    "Qualifier",
    "Record",
    "Reference",
    "SupplementaryConcept",
]

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


@dataclass(frozen=True, slots=True)
class PubDate:
    """A publication date with the precision the record gives.

    ``text`` keeps what PubMed wrote when it is not a plain date: a ``MedlineDate``
    such as ``"1998 Dec-1999 Jan"`` or a season such as ``"2001 Spring"``.

    >>> PubDate(2018, 7).precision, PubDate(2018).precision, PubDate(2018, 7, 1).iso
    ('month', 'year', '2018-07-01')
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    text: str | None = None

    @property
    def precision(self) -> str | None:
        """``"day"``, ``"month"``, ``"year"`` or None when no year is known.

        A day the month does not have (PubMed has "Sep 31") is ignored.

        >>> PubDate(2018, 9, 31).precision, PubDate(2020, 2, 29).precision
        ('month', 'day')
        """
        if self.year is None:
            return None
        if self.month is None:
            return "year"
        if self.day is None or not 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]:
            return "month"
        return "day"

    @property
    def iso(self) -> str | None:
        """The date as ISO 8601 text at its own precision (``2018``, ``2018-07``, …)."""
        if self.year is None:
            return None
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.precision == "day":
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @staticmethod
    def month_number(value: str | None) -> int | None:
        """Read a PubMed month, ``"Jul"`` or ``"07"``; None when it is neither.

        >>> PubDate.month_number("Jul"), PubDate.month_number("07"), PubDate.month_number("x")
        (7, 7, None)
        """
        if not value:
            return None
        value = value.strip()
        if value.isdigit():
            number = int(value)
            return number if 1 <= number <= 12 else None
        return _MONTHS.get(value[:3].lower())


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """An ``<ArticleDate>``: the date of electronic publication, always to the day."""

    year: int
    month: int
    day: int
    date_type: str = "Electronic"

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class Pagination:
    """Pages as PubMed gives them (``medline_pgn``) and, when readable, first and last.

    MEDLINE abbreviates end pages (``"1234-45"`` means 1234 to 1245); ``end`` is expanded.
    """

    medline_pgn: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Journal:
    """The journal (and issue) an article appeared in."""

    title: str | None = None
    iso_abbreviation: str | None = None
    nlm_abbreviation: str | None = None  # MedlineTA
    nlm_unique_id: str | None = None
    issn_print: str | None = None
    issn_electronic: str | None = None
    issn_linking: str | None = None
    volume: str | None = None
    issue: str | None = None


@dataclass(frozen=True, slots=True)
class Affiliation:
    """One affiliation string as the record prints it, with its ROR id when given."""

    name: str
    ror: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """An author in byline order: a person, or a group when ``collective_name`` is set.

    The name parts are the byline's (``LastName``, ``ForeName``, ``Initials``, ``Suffix``);
    ``affiliations`` are in the record's order.
    """

    family: str | None = None
    given: str | None = None
    initials: str | None = None
    suffix: str | None = None
    collective_name: str | None = None
    orcid: str | None = None  # normalised shape, checksum not yet checked
    affiliations: tuple[Affiliation, ...] = ()
    equal_contribution: bool = False

    @property
    def is_group(self) -> bool:
        return self.collective_name is not None

    @property
    def name(self) -> str:
        """Display name: ``"Given Family Suffix"``, or the group name.

        >>> Author(family="Onoki", given="Takahiro").name
        'Takahiro Onoki'
        """
        if self.collective_name is not None:
            return self.collective_name
        parts = (self.given or self.initials, self.family, self.suffix)
        return " ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A MeSH qualifier; ``ui`` is None when the record names it without a known UI."""

    ui: str | None
    name: str
    major: bool = False


@dataclass(frozen=True, slots=True)
class MeshHeading:
    """A MeSH heading; ``major`` is the descriptor's own MajorTopicYN.

    Major status sits either on the descriptor or on one of its qualifiers. ``ui`` is
    None when the record names the descriptor without a known UI.
    """

    ui: str | None
    name: str
    major: bool = False
    qualifiers: tuple[Qualifier, ...] = ()


@dataclass(frozen=True, slots=True)
class SupplementaryConcept:
    ui: str | None
    name: str
    concept_type: str | None = None


@dataclass(frozen=True, slots=True)
class Keyword:
    text: str
    owner: str | None = None
    major: bool = False


@dataclass(frozen=True, slots=True)
class Chemical:
    name: str
    ui: str | None = None
    registry_number: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    grant_id: str | None = None
    acronym: str | None = None
    agency: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class PublicationType:
    ui: str | None
    name: str


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One ``<AbstractText>``; ``label`` is set for structured abstracts."""

    text: str
    label: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """One work the article cites, in list order.

    ``source`` says where PubMed gave it: ``"reference-list"`` (``<ReferenceList>``) or
    ``"comments-corrections"`` (``<CommentsCorrections RefType="Cites">``, older records).
    """

    citation: str | None = None
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    source: str = "reference-list"


@dataclass(frozen=True, slots=True)
class Correction:
    """A ``<CommentsCorrections>`` link other than ``Cites`` (ErratumIn, CommentOn …)."""

    ref_type: str
    pmid: str | None = None
    ref_source: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One PubMed record (``PubmedArticle`` or ``PubmedBookArticle``) as loaded.

    ``kind`` is ``"article"`` for journal articles, ``"book"`` or ``"chapter"`` for
    Bookshelf records.
    """

    pmid: str
    version: int = 1
    kind: str = "article"
    title: str = ""
    vernacular_title: str | None = None
    abstract: tuple[AbstractSection, ...] = ()
    languages: tuple[str, ...] = ()
    publication_types: tuple[PublicationType, ...] = ()
    pub_date: PubDate = field(default_factory=PubDate)
    article_dates: tuple[ArticleDate, ...] = ()
    journal: Journal | None = None
    pagination: Pagination | None = None
    authors: tuple[Author, ...] = ()
    investigators: tuple[Author, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    supplementary_concepts: tuple[SupplementaryConcept, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    chemicals: tuple[Chemical, ...] = ()
    grants: tuple[Grant, ...] = ()
    doi: str | None = None
    pmcid: str | None = None
    pii: str | None = None
    references: tuple[Reference, ...] = ()
    corrections: tuple[Correction, ...] = ()
    book_title: str | None = None
    publisher: str | None = None

    @property
    def year(self) -> int | None:
        """Publication year, falling back to the first electronic date."""
        if self.pub_date.year is not None:
            return self.pub_date.year
        return self.article_dates[0].year if self.article_dates else None

    @property
    def abstract_text(self) -> str:
        """The abstract as one text; structured sections keep their labels.

        >>> Article("1", abstract=(AbstractSection("x.", "AIM"), AbstractSection("y."))).abstract_text
        'AIM: x.\\n\\ny.'
        """
        return "\n\n".join(
            f"{section.label}: {section.text}" if section.label else section.text for section in self.abstract
        )


@dataclass(frozen=True, slots=True)
class Deletion:
    """A ``<DeleteCitation>`` entry: the record must leave the graph."""

    pmid: str


Record = Article | Deletion


# Activities: what provenance records of a load or a harvest (the model turns them into
# PROV-O); the pipeline fills them from its summaries.


@dataclass(frozen=True, slots=True)
class LoadActivity:
    """One input file applied to the store: the file, its SHA-256, what it held, when."""

    name: str
    sha256: str
    records: int
    deletions: int
    quads: int
    started: float
    ended: float


@dataclass(frozen=True, slots=True)
class HarvestActivity:
    """One harvest from the E-utilities: what it asked, when, what came back.

    ``utilities`` names each E-utility it called (``efetch``, ``esearch`` …) at ``eutils_url``.
    """

    command: str
    label: str
    eutils_url: str
    started: float
    ended: float
    records: int = 0
    missing: int = 0
    requests: int = 0
    cached: int = 0
    utilities: tuple[str, ...] = ()
    query: str | None = None
    seeds: tuple[str, ...] = ()
    depth: int | None = None
    links: int = 0
    link_names: tuple[str, ...] = ()
    max_records: int | None = None
