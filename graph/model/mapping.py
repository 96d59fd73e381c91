"""Map one record to N-Quads: pure, deterministic, no I/O.

The vocabulary and IRI scheme are those of ``DESIGN.md`` ("RDF model"). Every triple
lives in exactly one named graph:

- the record's own graph ``BASE/graph/pubmed/{PMID}`` holds what only this record says:
  the article, its authorship roles, its per-record persons and its references, with
  their links to shared things. Each authorship carries its byline name (``schema:name``,
  ``schema:familyName``, ``schema:givenName``, ``pg:initials``, ``schema:honorificSuffix``)
  and its affiliations as printed, in order (``pg:affiliation`` nodes with
  ``c4o:hasContent`` and ``schema:position``): shared nodes gather every spelling, so
  they are never the only place a record's text lives;
- the shared graph ``BASE/graph/entities`` holds descriptions that many records repeat:
  journals, volumes and issues, ORCID-identified persons, groups, affiliations, grants,
  agencies, and the stubs of cited works (``a fabio:Expression`` + identifier);
- ``BASE/graph/mesh`` holds MeSH labels.

Why not repeat shared triples in each record's graph: SPARQL over the union of graphs
must see each triple once, and Oxigraph 0.5 counts a triple once per graph holding it
(oxigraph/oxigraph#1919), which inflates joins and aggregates. A record's replacement or
deletion therefore leaves shared descriptions in place; they carry no record content.

Output is N-Quads text built with f-strings over N-Triples terms (see ``terms``): a
record is ~400 quads, and building no per-quad objects is most of what makes conversion
fast. A shared description is written the first time its key is met in a :class:`Seen`,
which the caller keeps across records. :func:`article_quads` gives the same quads as
tuples, for the API and tests.

Data never becomes syntax: identifiers of a known shape (PMIDs, MeSH UIs, PMC ids) are
checked and those of another shape mint no IRI; free text in IRIs is percent-encoded
(``iris``). A MeSH term without a (valid) UI keeps its name as a literal: headings,
qualifiers (``"Heading/qualifier"``), supplementary concepts and chemicals as
``dcterms:subject``, publication types as ``prism:genre``; their major-topic flags go. A record
whose output would hold an N-Quads line over :data:`MAX_LINE_BYTES` is refused with an
:class:`~graph.errors.InputError`, since Oxigraph's parsers stop at 16 MiB a term.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from ..errors import InputError
from ..identifiers import is_pmid, normalize_mesh_ui
from ..records import Article, Author, Journal, MeshHeading
from .iris import MESH, Iris, organization_label
from .namespaces import (
    BIRO,
    C4O,
    CITO,
    DCTERMS,
    FABIO,
    FOAF,
    FRAPO,
    FRBR,
    MESHV,
    OCO,
    OWL,
    PG,
    PRISM,
    PRO,
    RDF,
    RDFS,
    SCHEMA,
)
from .terms import Quad, iri, literal, scalar_text

__all__ = [
    "CORRECTION_PREDICATES",
    "MAX_LINE_BYTES",
    "PUBLICATION_TYPE_CLASSES",
    "Seen",
    "article_nquads",
    "article_quads",
]

#: The longest N-Quads line a record may produce, in UTF-8 bytes. Oxigraph's parsers hold
#: one term in a buffer of at most 16 MiB ("Reached the buffer maximal size"), and its
#: Turtle and N-Triples writers may escape a character in up to 6 bytes (``\u0000``):
#: 2 MiB keeps every output loadable again, and is ~30 times the longest real abstract.
MAX_LINE_BYTES = 2 << 20

A = RDF.type
Emit = Callable[[str, str, str], None]

#: PublicationType UI -> FaBiO class, where FaBiO has a clean match.
PUBLICATION_TYPE_CLASSES: dict[str, str] = {
    "D016454": FABIO.ReviewArticle,
    "D002363": FABIO.CaseReport,
    "D016430": FABIO.ClinicalTrialReport,
    "D016449": FABIO.ClinicalTrialReport,  # Randomized Controlled Trial
    "D016421": FABIO.Editorial,
    "D016422": FABIO.Letter,
    "D016420": FABIO.Comment,
    "D016425": FABIO.Erratum,  # Published Erratum
    "D016441": FABIO.RetractionNotice,  # Retraction of Publication
    "D016431": FABIO.ClinicalGuideline,
    "D017065": FABIO.ClinicalGuideline,  # Practice Guideline
    "D000076942": FABIO.Preprint,
    "D016433": FABIO.NewsItem,
    "D019215": FABIO.Biography,
}

#: CommentsCorrections RefType -> CiTO property from this record to the other one.
#: Types without a CiTO counterpart (RepublishedIn, ReprintOf …) map to dcterms:relation.
CORRECTION_PREDICATES: dict[str, str] = {
    "ErratumIn": CITO.isCorrectedBy,
    "ErratumFor": CITO.corrects,
    "RetractionIn": CITO.isRetractedBy,
    "RetractionOf": CITO.retracts,
    "UpdateIn": CITO.isUpdatedBy,
    "UpdateOf": CITO.updates,
    "CommentOn": CITO.discusses,
    "CommentIn": CITO.isDiscussedBy,
}

_KIND_CLASSES = {"article": FABIO.JournalArticle, "book": FABIO.Book, "chapter": FABIO.BookChapter}
_DATE_TYPES = {"day": "date", "month": "gYearMonth", "year": "gYear"}
_TRUE = literal("true", "boolean")
_LABEL = RDFS.label
_PART, _CITES, _REFERENCES = FRBR.part, CITO.cites, BIRO.references
_BIBLIOGRAPHIC_REFERENCE, _EXPRESSION = BIRO.BibliographicReference, FABIO.Expression
_POSITION, _CONTENT, _PUBMED_ID = SCHEMA.position, C4O.hasContent, FABIO.hasPubMedId
_POSITIONS = tuple(literal(str(n), "integer") for n in range(1000))
_CITATION_SOURCE, _REFERENCE_LIST = PG.citationSource, PG.ReferenceList
_SOURCES = {"comments-corrections": PG.CommentsCorrections, "elink": PG.ELink}
_CREATOR, _DOCUMENT_CONTEXT, _ROLE_IN_TIME = DCTERMS.creator, PRO.isDocumentContextFor, PRO.RoleInTime
_WITH_ROLE, _AUTHOR, _HELD_BY, _NEXT = PRO.withRole, PRO.author, PRO.isHeldBy, OCO.hasNext
_ORGANIZATION, _RELATES_TO_ORGANIZATION = FOAF.Organization, PRO.relatesToOrganization
_AFFILIATION, _AFFILIATION_CLASS, _ORGANIZATION_OF = PG.affiliation, PG.Affiliation, PG.organization
_BYLINE = ((SCHEMA.familyName, "family"), (SCHEMA.givenName, "given"), (PG.initials, "initials"))
_NAME, _SUFFIX = SCHEMA.name, SCHEMA.honorificSuffix
_SUBJECT_TERM, _PRIMARY_SUBJECT_TERM, _SUBJECT = FABIO.hasSubjectTerm, FABIO.hasPrimarySubjectTerm, DCTERMS.subject
#: What a user calls the field an over-long line holds, by the line's predicate.
_FIELDS = {
    DCTERMS.abstract: "the abstract",
    DCTERMS.title: "a title",
    DCTERMS.alternative: "a vernacular title or journal abbreviation",
    FOAF.name: "a name",
    FOAF.givenName: "a given name",
    FOAF.familyName: "a family name",
    SCHEMA.name: "an author's name",
    SCHEMA.givenName: "a given name",
    SCHEMA.familyName: "a family name",
    PG.initials: "an author's initials",
    SCHEMA.honorificSuffix: "a name suffix",
    PRISM.genre: "a publication type",
    _LABEL: "an affiliation or MeSH name",
    C4O.hasContent: "the text of a reference",
    PRISM.keyword: "a keyword",
    DCTERMS.subject: "a MeSH heading",
    PRISM.publicationName: "the journal or book title",
    DCTERMS.publisher: "the publisher",
    PRISM.doi: "the DOI",
    PRISM.volume: "the volume or issue",
    PRISM.issueIdentifier: "the volume or issue",
    FRAPO.hasGrantNumber: "a grant id",
}


class Seen:
    """The keys of shared descriptions already written, for the most recent ~``limit`` keys.

    Two generations: when the recent set fills up it becomes the older one, so keys in
    constant use (a journal, a frequent MeSH term) stay remembered while memory stays
    bounded (at most twice ``limit`` keys). Forgetting is harmless: a description written twice is
    the same triples, and stores keep sets.

    >>> seen = Seen()
    >>> seen.first("journal/1"), seen.first("journal/1")
    (True, False)
    """

    __slots__ = ("_older", "_recent", "limit")

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._recent: set[Hashable] = set()
        self._older: set[Hashable] = set()

    def first(self, key: Hashable) -> bool:
        """True when ``key`` is new (the caller writes its description); remembers it."""
        recent = self._recent
        if key in recent:
            return False
        new = key not in self._older
        recent.add(key)
        if len(recent) >= self.limit:
            self._older, self._recent = recent, set()
        return new


def _position(n: int) -> str:
    return _POSITIONS[n] if n < len(_POSITIONS) else literal(str(n), "integer")


def article_nquads(article: Article, iris: Iris, seen: Seen | None = None, *, triples: bool = False) -> bytes:
    """The N-Quads of one article, UTF-8: its own graph, plus shared descriptions new to ``seen``.

    With ``triples``, N-Triples: the same statements without their graph. Raises
    :class:`~graph.errors.InputError` for a PMID that is not one, or a field so long that
    its line would pass :data:`MAX_LINE_BYTES`.

    >>> from graph.records import Article
    >>> lines = article_nquads(Article("28993889", title="A case"), Iris("http://x.org/")).splitlines()
    >>> len(lines), lines[0].split()[1]
    (5, b'<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>')
    """
    data = _encode(_pieces(article, iris, seen if seen is not None else Seen(), triples))
    if len(data) > MAX_LINE_BYTES:  # one test a record: only then can a line be too long
        _refuse_long_lines(data, article.pmid)
    return data


def article_quads(article: Article, iris: Iris, seen: Seen | None = None) -> list[Quad]:
    """The quads of :func:`article_nquads` as ``(s, p, o, g)`` tuples of N-Triples terms.

    >>> from graph.records import Article
    >>> quads = article_quads(Article("28993889", title="A case"), Iris("http://x.org/"))
    >>> subject, predicate, obj, graph = quads[0]
    >>> subject, obj, graph
    ('<http://x.org/article/28993889>', '<http://purl.org/spar/fabio/JournalArticle>', '<http://x.org/graph/pubmed/28993889>')
    """
    pieces = _pieces(article, iris, seen if seen is not None else Seen(), False)
    _refuse_long_lines(_encode(pieces), article.pmid)
    text = scalar_text("".join(pieces))
    return [_split_line(line) for line in text.split("\n") if line]


def _split_line(line: str) -> Quad:
    # Subject, predicate and graph are IRIs or blank nodes, without spaces; the object
    # (a literal may hold spaces) is what lies between.
    subject, predicate, rest = line.split(" ", 2)
    obj, graph, _dot = rest.rsplit(" ", 2)
    return subject, predicate, obj, graph


def _encode(pieces: list[str]) -> bytes:
    if all(map(str.isascii, pieces)):
        return "".join(pieces).encode("ascii")
    # One non-ASCII character widens a joined str to 2 or 4 bytes a character, and its
    # encoding gets 20-40x slower: encode piece by piece, the ASCII ones by copying.
    try:
        return b"".join([piece.encode() for piece in pieces])
    except UnicodeEncodeError:  # lone surrogates, from text decoded with surrogateescape
        return b"".join([scalar_text(piece).encode() for piece in pieces])


def _refuse_long_lines(data: bytes, pmid: str) -> None:
    """Raise InputError naming the field when a line of ``data`` passes MAX_LINE_BYTES."""
    long = [line for line in data.split(b"\n") if len(line) > MAX_LINE_BYTES]
    if not long:
        return
    # A long IRI (a volume, a DOI) recurs in several lines: name it by its literal's line.
    named = [(_field(line), line) for line in long]
    field, line = next(((field, line) for field, line in named if field), named[0])
    if field is None:
        predicate = line.split(b" ", 2)[1].decode().strip("<>")
        field = "a " + predicate.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    raise InputError(
        f"PMID {pmid}: {field} is {len(line) / (1 << 20):.1f} MiB; "
        f"pubgraph accepts fields up to {MAX_LINE_BYTES >> 20} MiB"
    )


def _field(line: bytes) -> str | None:
    subject, predicate, _rest = line.split(b" ", 2)
    if predicate.decode() == C4O.hasContent and b"/affiliation/" in subject:
        return "an affiliation"
    return _FIELDS.get(predicate.decode())


class _Out:
    """Where one record's lines go: ``add`` takes whole lines; the tails end a line in its graph."""

    __slots__ = ("add", "first", "mesh", "own", "shared")

    def __init__(self, pieces: list[str], iris: Iris, pmid: str, seen: Seen, triples: bool) -> None:
        self.add = pieces.append
        self.first = seen.first
        if triples:
            self.own = self.shared = self.mesh = " .\n"
        else:
            self.own = f" <{iris.record_graph(pmid)}> .\n"
            self.shared = f" <{iris.entities_graph}> .\n"
            self.mesh = f" <{iris.mesh_graph}> .\n"


def _pieces(article: Article, iris: Iris, seen: Seen, triples: bool) -> list[str]:
    """The record's N-Quads lines, several to a piece."""
    if not is_pmid(article.pmid):
        raise InputError(f"PMID {article.pmid!r} is not a PMID (digits, such as 28993889)")
    pieces: list[str] = []
    out = _Out(pieces, iris, article.pmid, seen, triples)
    add, own = pieces.append, out.own

    def emit(s: str, p: str, o: str) -> None:
        add(f"{s} {p} {o}{own}")

    subject = iri(iris.article(article.pmid))
    _describe(emit, out, subject, article, iris)
    _venue(emit, out, subject, article, iris)
    _authors(emit, out, subject, article, iris)
    _subjects(emit, out, subject, article)
    _funding(emit, out, subject, article, iris)
    _citations(out, subject, article, iris)
    _corrections(emit, out, subject, article, iris)
    return pieces


def _stub(out: _Out, work: str, predicate: str, value: str) -> None:
    """A work known by one identifier: ``a fabio:Expression`` and that identifier, once."""
    if out.first(work):
        shared = out.shared
        out.add(f"{work} {A} {_EXPRESSION}{shared}{work} {predicate} {literal(value)}{shared}")


def _named(out: _Out, node: str, cls: str, predicate: str, name: str, tail: str) -> None:
    """A shared node's type and name, each once; records may name one node differently."""
    if not out.first((node, cls, name)):
        return  # the common case: written already
    if out.first((node, cls)):
        out.add(f"{node} {A} {cls}{tail}")
    if name and out.first((node, predicate, name)):  # an affiliation may be an e-mail address alone
        out.add(f"{node} {predicate} {literal(name)}{tail}")


def _describe(emit: Emit, out: _Out, s: str, article: Article, iris: Iris) -> None:
    emit(s, A, _KIND_CLASSES.get(article.kind, FABIO.JournalArticle))
    for pt in article.publication_types:
        if pt.ui in PUBLICATION_TYPE_CLASSES:
            emit(s, A, PUBLICATION_TYPE_CLASSES[pt.ui])
    # The PMID identifies the IRI whether or not the record is loaded: shared, like stubs.
    _stub(out, s, _PUBMED_ID, article.pmid)
    emit(s, FOAF.isPrimaryTopicOf, iri(iris.pubmed_page(article.pmid)))
    if article.version > 1:
        emit(s, PRISM.versionIdentifier, literal(str(article.version)))
    if article.title:
        emit(s, DCTERMS.title, literal(article.title))
    if article.vernacular_title:
        emit(s, DCTERMS.alternative, literal(article.vernacular_title))
    if article.abstract:
        emit(s, DCTERMS.abstract, literal(article.abstract_text))
    for language in article.languages:
        language_iri = iris.language(language)
        if language_iri is not None:  # an ISO 639-2 code; anything else names no language
            emit(s, DCTERMS.language, iri(language_iri))
    if article.doi:
        emit(s, PRISM.doi, literal(article.doi))
        # A cited work first known by DOI keeps its DOI IRI; this links the two.
        emit(s, OWL.sameAs, iri(iris.work_doi(article.doi)))
    if article.pmcid:
        emit(s, FABIO.hasPubMedCentralId, literal(article.pmcid))
    if article.pii:
        emit(s, FABIO.hasPII, literal(article.pii))
    _dates(emit, s, article)


def _dates(emit: Emit, s: str, article: Article) -> None:
    date = article.pub_date
    if article.year is not None:
        emit(s, FABIO.hasPublicationYear, literal(f"{article.year:04d}", "gYear"))
    if date.precision is not None:  # a season or a MedlineDate range: its (first) year
        emit(s, PRISM.publicationDate, literal(date.iso or "", _DATE_TYPES[date.precision]))
    if date.text:
        emit(s, PRISM.coverDisplayDate, literal(date.text))
    for electronic in article.article_dates:
        emit(s, DCTERMS.available, literal(electronic.iso, "date"))


def _venue(emit: Emit, out: _Out, s: str, article: Article, iris: Iris) -> None:
    journal = article.journal
    if article.book_title:
        emit(s, PRISM.publicationName, literal(article.book_title))
    if article.publisher:
        emit(s, DCTERMS.publisher, literal(article.publisher))
    pages = article.pagination
    if pages is not None:
        if pages.start:
            emit(s, PRISM.startingPage, literal(pages.start))
        if pages.end:
            emit(s, PRISM.endingPage, literal(pages.end))
        if pages.medline_pgn:
            emit(s, PRISM.pageRange, literal(pages.medline_pgn))
    if journal is None:
        return
    if journal.title:
        emit(s, PRISM.publicationName, literal(journal.title))
    journal_iri = iris.journal(journal)
    if journal_iri is None:
        return
    emit(s, FRBR.partOf, iri(_issue(out, journal_iri, journal, iris)))
    _journal(out, iri(journal_iri), journal)


def _issue(out: _Out, journal_iri: str, journal: Journal, iris: Iris) -> str:
    """Describe the volume and issue; return the most specific container's IRI."""
    container = journal_iri
    if journal.volume:
        volume = iris.volume(container, journal.volume)
        container = _part(out, volume, FABIO.JournalVolume, PRISM.volume, journal.volume, container)
    if journal.issue:
        issue = iris.issue(container, journal.issue)
        container = _part(out, issue, FABIO.JournalIssue, PRISM.issueIdentifier, journal.issue, container)
    return container


def _part(out: _Out, node: str, cls: str, predicate: str, number: str, container: str) -> str:
    """A volume or an issue, part of ``container``, described once (its IRI says it all)."""
    if out.first(node):
        shared = out.shared
        out.add(
            f"<{node}> {A} {cls}{shared}<{node}> {predicate} {literal(number)}{shared}"
            f"<{node}> {FRBR.partOf} <{container}>{shared}"
        )
    return node


_JOURNAL_FIELDS = (
    (DCTERMS.title, "title"),
    (DCTERMS.alternative, "iso_abbreviation"),
    (FABIO.hasNLMJournalTitleAbbreviation, "nlm_abbreviation"),
    (FABIO.hasNationalLibraryOfMedicineJournalId, "nlm_unique_id"),
    (PRISM.issn, "issn_print"),
    (PRISM.eIssn, "issn_electronic"),
    (FABIO.hasIssnL, "issn_linking"),
)


def _journal(out: _Out, j: str, journal: Journal) -> None:
    values = tuple(getattr(journal, name) for _, name in _JOURNAL_FIELDS)
    shared = out.shared
    if out.first(j):
        out.add(f"{j} {A} {FABIO.Journal}{shared}")
    if not out.first((j, values)):  # the common case: this spelling was written already
        return
    # Records spell one journal differently (an ISSN given or not): each value once.
    for (predicate, _), value in zip(_JOURNAL_FIELDS, values, strict=True):
        if value and out.first((j, predicate, value)):
            out.add(f"{j} {predicate} {literal(value)}{shared}")


def _authors(emit: Emit, out: _Out, s: str, article: Article, iris: Iris) -> None:
    add, own, shared = out.add, out.own, out.shared
    role_prefix = f"<{iris.authorship(article.pmid, 0)[:-1]}"
    previous = None
    for position, author in enumerate(article.authors, start=1):
        role = f"{role_prefix}{position}>"
        agent = _agent(emit, out, article.pmid, position, author, iris)
        add(
            f"{s} {_CREATOR} {agent}{own}"
            f"{s} {_DOCUMENT_CONTEXT} {role}{own}"
            f"{role} {A} {_ROLE_IN_TIME}{own}"
            f"{role} {_WITH_ROLE} {_AUTHOR}{own}"
            f"{role} {_HELD_BY} {agent}{own}"
            f"{role} {_POSITION} {_position(position)}{own}"
        )
        add(_byline(role, author, own))
        if author.equal_contribution:
            add(f"{role} {PG.equalContribution} {_TRUE}{own}")
        for number, affiliation in enumerate(author.affiliations, start=1):
            organization = iri(iris.affiliation(affiliation))
            statement = f"{role[:-1]}/affiliation/{number}>"
            add(
                f"{role} {_AFFILIATION} {statement}{own}"
                f"{statement} {A} {_AFFILIATION_CLASS}{own}"
                f"{statement} {_CONTENT} {literal(affiliation.name)}{own}"
                f"{statement} {_POSITION} {_position(number)}{own}"
                f"{statement} {_ORGANIZATION_OF} {organization}{own}"
                f"{role} {_RELATES_TO_ORGANIZATION} {organization}{own}"
            )
            _named(out, organization, _ORGANIZATION, _LABEL, organization_label(affiliation.name), shared)
        if previous is not None:
            add(f"{previous} {_NEXT} {role}{own}")
        previous = role
    for position, investigator in enumerate(article.investigators, start=1):
        agent = _agent(emit, out, article.pmid, f"i{position}", investigator, iris)
        emit(s, DCTERMS.contributor, agent)


def _byline(role: str, author: Author, own: str) -> str:
    """The authorship's name as the byline prints it (shared persons and groups gather spellings)."""
    if author.collective_name is not None:
        return f"{role} {_NAME} {literal(author.collective_name)}{own}"
    name = author.name
    lines = [f"{role} {_NAME} {literal(name)}{own}"] if name else []
    for predicate, attribute in _BYLINE:
        if value := getattr(author, attribute):
            lines.append(f"{role} {predicate} {literal(value)}{own}")
    if author.suffix:
        lines.append(f"{role} {_SUFFIX} {literal(author.suffix)}{own}")
    return "".join(lines)


def _agent(emit: Emit, out: _Out, pmid: str, position: int | str, author: Author, iris: Iris) -> str:
    """The author's node: groups and ORCID persons are shared, others belong to the record."""
    if author.collective_name is not None:
        group = iri(iris.group(author.collective_name))
        _named(out, group, _ORGANIZATION, FOAF.name, author.collective_name, out.shared)
        return group
    person_iri = iris.person(pmid, position, author)
    person = iri(person_iri)
    names = ((FOAF.name, author.name), (FOAF.givenName, author.given), (FOAF.familyName, author.family))
    if person_iri.startswith(iris.base):  # a person of this record only
        own = out.own
        lines = [f"{person} {A} {FOAF.Person}{own}"]
        lines += [f"{person} {predicate} {literal(name)}{own}" for predicate, name in names if name]
        out.add("".join(lines))
    elif out.first((person, author.name, author.given, author.family)):
        # An ORCID person, shared: their names as each record spells them, each once.
        _named(out, person, FOAF.Person, FOAF.name, author.name, out.shared)
        for predicate, name in names[1:]:
            if name and out.first((person, predicate, name)):
                out.add(f"{person} {predicate} {literal(name)}{out.shared}")
    return person


#: MeSH UIs met already in canonical form: a set test is the cheapest check a heading can take.
_MESH_UIS: set[str | None] = set()


def _mesh_ui(ui: str | None) -> str | None:
    """``ui`` as a MeSH UI, or None; callers test ``ui in _MESH_UIS`` first."""
    canonical = normalize_mesh_ui(ui)
    if canonical is not None and canonical == ui:
        if len(_MESH_UIS) > 1 << 18:  # bounded: MeSH has ~350,000 descriptors and concepts
            _MESH_UIS.clear()
        _MESH_UIS.add(ui)
    return canonical


def _label(out: _Out, term: str, label: str, cls: str) -> None:
    """A MeSH term's type and label, in the MeSH graph, once."""
    # A chemical may name a descriptor that also heads the record: one label, two types.
    _named(out, term, cls, _LABEL, label, out.mesh)


def _subjects(emit: Emit, out: _Out, s: str, article: Article) -> None:
    for heading in article.mesh_headings:
        _heading(out, s, heading)
    for concept in article.supplementary_concepts:
        concept_kind = MESHV.SupplementaryConceptRecord
        _mesh_term(emit, out, s, concept.ui, concept.name, _SUBJECT_TERM, DCTERMS.subject, concept_kind)
    for chemical in article.chemicals:
        _mesh_term(emit, out, s, chemical.ui, chemical.name, CITO.discusses, DCTERMS.subject)
    for keyword in article.keywords:
        emit(s, PRISM.keyword, literal(keyword.text))
    for pt in article.publication_types:
        _mesh_term(emit, out, s, pt.ui, pt.name, DCTERMS.type, PRISM.genre, MESHV.PublicationType)


def _mesh_term(
    emit: Emit, out: _Out, s: str, ui: str | None, name: str, predicate: str, fallback: str, kind: str = ""
) -> None:
    """``s predicate`` the MeSH term of ``ui``, labelled ``name`` (a ``kind``: by default a
    descriptor or a supplementary concept, as the UI says); with no valid UI, the name as
    a ``fallback`` literal."""
    ui = ui if ui in _MESH_UIS else _mesh_ui(ui)
    if ui is None:
        if name:
            emit(s, fallback, literal(name))
        return
    term = f"<{MESH}{ui}>"
    emit(s, predicate, term)
    _label(out, term, name, kind or (MESHV.Descriptor if ui[0] == "D" else MESHV.SupplementaryConceptRecord))


def _heading(out: _Out, s: str, heading: MeshHeading) -> None:
    add, own, mesh, first, uis = out.add, out.own, out.mesh, out.first, _MESH_UIS
    ui = heading.ui if heading.ui in uis else _mesh_ui(heading.ui)
    if ui is None:  # no MeSH term to point at: the heading's text, as literals
        if heading.name:
            add(f"{s} {_SUBJECT} {literal(heading.name)}{own}")
            for qualifier in heading.qualifiers:
                add(f"{s} {_SUBJECT} {literal(f'{heading.name}/{qualifier.name}')}{own}")
        return
    descriptor = f"<{MESH}{ui}>"
    add(f"{s} {_SUBJECT_TERM} {descriptor}{own}")
    if first((ui, heading.name)):
        _label(out, descriptor, heading.name, MESHV.TopicalDescriptor)
    if heading.major:
        add(f"{s} {_PRIMARY_SUBJECT_TERM} {descriptor}{own}")
    for qualifier in heading.qualifiers:
        qualifier_ui = qualifier.ui if qualifier.ui in uis else _mesh_ui(qualifier.ui)
        if qualifier_ui is None:
            add(f"{s} {_SUBJECT} {literal(f'{heading.name}/{qualifier.name}')}{own}")
            continue
        pair = f"<{MESH}{ui}{qualifier_ui}>"
        add(f"{s} {_SUBJECT_TERM} {pair}{own}")
        if qualifier.major:
            add(f"{s} {_PRIMARY_SUBJECT_TERM} {pair}{own}")
        if not first((ui, qualifier_ui, heading.name, qualifier.name)):
            continue  # the common case: this pair, so named, is described already
        qualifier_term = f"<{MESH}{qualifier_ui}>"
        _label(out, qualifier_term, qualifier.name, MESHV.Qualifier)
        _label(out, pair, f"{heading.name}/{qualifier.name}", MESHV.DescriptorQualifierPair)
        if first(pair):
            add(f"{pair} {MESHV.hasDescriptor} {descriptor}{mesh}{pair} {MESHV.hasQualifier} {qualifier_term}{mesh}")


def _funding(emit: Emit, out: _Out, s: str, article: Article, iris: Iris) -> None:
    shared = out.shared
    for grant in article.grants:
        agency = iri(iris.agency(grant.agency)) if grant.agency else None
        if agency is not None and grant.agency:
            _named(out, agency, FRAPO.FundingAgency, FOAF.name, grant.agency, shared)
        if not grant.grant_id:
            if agency is not None:
                emit(s, FRAPO.isFundedBy, agency)
            continue
        node = iri(iris.grant(grant.agency, grant.grant_id))
        emit(s, FRAPO.isFundedBy, node)
        if out.first(node):  # its number and agency are in its IRI
            out.add(f"{node} {A} {FRAPO.Grant}{shared}{node} {FRAPO.hasGrantNumber} {literal(grant.grant_id)}{shared}")
            if agency is not None:
                out.add(f"{node} {FRAPO.isAwardedBy} {agency}{shared}")


def _citations(out: _Out, s: str, article: Article, iris: Iris) -> None:
    # The biggest share of a record's quads (~8 per reference): one f-string a reference.
    add, own = out.add, out.own
    node_prefix = f"<{iris.reference(article.pmid, 0)[:-1]}"
    article_prefix = f"<{iris.article('')}"
    for position, reference in enumerate(article.references, start=1):
        node = f"{node_prefix}{position}>"
        add(
            f"{s} {_PART} {node}{own}"
            f"{node} {A} {_BIBLIOGRAPHIC_REFERENCE}{own}"
            f"{node} {_POSITION} {_position(position)}{own}"
            f"{node} {_CITATION_SOURCE} {_SOURCES.get(reference.source, _REFERENCE_LIST)}{own}"
        )
        if reference.citation:
            add(f"{node} {_CONTENT} {literal(reference.citation)}{own}")
        pmid = reference.pmid
        # Lists sometimes name the article itself; sources give PMIDs checked, API callers may not.
        if pmid and pmid != article.pmid and pmid.isdigit() and pmid.isascii():
            cited = f"{article_prefix}{pmid}>"
            _stub(out, cited, _PUBMED_ID, pmid)
        elif reference.doi:
            cited = iri(iris.work_doi(reference.doi))
            _stub(out, cited, PRISM.doi, reference.doi)
        elif reference.pmcid and (pmc_iri := iris.work_pmc(reference.pmcid)) is not None:
            cited = iri(pmc_iri)
            _stub(out, cited, FABIO.hasPubMedCentralId, reference.pmcid)
        else:
            continue
        add(f"{node} {_REFERENCES} {cited}{own}{s} {_CITES} {cited}{own}")


def _corrections(emit: Emit, out: _Out, s: str, article: Article, iris: Iris) -> None:
    for correction in article.corrections:
        if not correction.pmid or correction.pmid == article.pmid or not is_pmid(correction.pmid):
            continue
        other = iri(iris.article(correction.pmid))
        emit(s, CORRECTION_PREDICATES.get(correction.ref_type, DCTERMS.relation), other)
        _stub(out, other, _PUBMED_ID, correction.pmid)
