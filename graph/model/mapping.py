"""Map one record to quads: pure, deterministic, no I/O.

The vocabulary and IRI scheme are those of ``DESIGN.md`` ("RDF model"). Every triple
lives in exactly one named graph:

- the record's own graph ``BASE/graph/pubmed/{PMID}`` holds what only this record says:
  the article, its authorship roles, its per-record persons and its references, with
  their links to shared things;
- the shared graph ``BASE/graph/entities`` holds descriptions that many records repeat:
  journals, volumes and issues, ORCID-identified persons, groups, affiliations, grants,
  agencies, and the stubs of cited works (``a fabio:Expression`` + identifier);
- ``BASE/graph/mesh`` holds MeSH labels.

Why not repeat shared triples in each record's graph: SPARQL over the union of graphs
must see each triple once, and Oxigraph 0.5 counts a triple once per graph holding it
(oxigraph/oxigraph#1919), which inflates joins and aggregates. A record's replacement or
deletion therefore leaves shared descriptions in place; they carry no record content.

The caller may pass a ``seen`` set, kept across records, so that shared triples are
emitted once per conversion instead of once per record (the store keeps sets anyway).
"""

from __future__ import annotations

from collections.abc import Callable

from ..records import Article, Author, Journal, MeshHeading, Reference
from .iris import Iris
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
from .terms import Quad, iri, literal

__all__ = ["CORRECTION_PREDICATES", "PUBLICATION_TYPE_CLASSES", "article_quads"]

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
_SEEN_LIMIT = 100_000  # bounds memory (~25 MB); a triple emitted twice is harmless, the store keeps sets


def _position(n: int) -> str:
    return _POSITIONS[n] if n < len(_POSITIONS) else literal(str(n), "integer")


class _Shared:
    """Emits triples into a shared graph, each once while it is remembered in ``seen``."""

    __slots__ = ("graph", "quads", "seen")

    def __init__(self, quads: list[Quad], graph: str, seen: set[tuple[str, str, str, str]]) -> None:
        self.quads, self.graph, self.seen = quads, graph, seen

    def __call__(self, s: str, p: str, o: str) -> None:
        quad = (s, p, o, self.graph)
        if quad not in self.seen:
            self.seen.add(quad)
            self.quads.append(quad)

    def label(self, term: str, label: str, cls: str) -> None:
        self(term, A, cls)
        self(term, _LABEL, literal(label))


def article_quads(article: Article, iris: Iris, seen: set[tuple[str, str, str, str]] | None = None) -> list[Quad]:
    """All quads of one article: its own graph, plus shared descriptions not yet ``seen``.

    >>> from graph.records import Article
    >>> quads = article_quads(Article("28993889", title="A case"), Iris("http://x.org/"))
    >>> subject, predicate, obj, graph = quads[0]
    >>> subject, obj, graph
    ('<http://x.org/article/28993889>', '<http://purl.org/spar/fabio/JournalArticle>', '<http://x.org/graph/pubmed/28993889>')
    """
    if seen is None:
        seen = set()
    elif len(seen) > _SEEN_LIMIT:
        seen.clear()
    quads: list[Quad] = []
    graph = iri(iris.record_graph(article.pmid))
    append = quads.append

    # Hot path: ~350 quads per record, so emit is a bare closure over list.append.
    def emit(s: str, p: str, o: str) -> None:
        append((s, p, o, graph))

    share = _Shared(quads, iri(iris.entities_graph), seen)
    mesh = _Shared(quads, iri(iris.mesh_graph), seen)
    subject = iri(iris.article(article.pmid))
    _describe(emit, share, subject, article, iris)
    _venue(emit, share, subject, article, iris)
    _authors(emit, share, subject, article, iris)
    _subjects(emit, mesh, subject, article)
    _funding(emit, share, subject, article, iris)
    _citations(quads, graph, share, subject, article, iris)
    _corrections(emit, share, subject, article, iris)
    return quads


def _describe(emit: Emit, share: _Shared, s: str, article: Article, iris: Iris) -> None:
    emit(s, A, _KIND_CLASSES.get(article.kind, FABIO.JournalArticle))
    for pt in article.publication_types:
        if pt.ui in PUBLICATION_TYPE_CLASSES:
            emit(s, A, PUBLICATION_TYPE_CLASSES[pt.ui])
    # The PMID identifies the IRI whether or not the record is loaded: shared, like stubs.
    share(s, A, _EXPRESSION)
    share(s, _PUBMED_ID, literal(article.pmid))
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
        emit(s, DCTERMS.language, iri(iris.language(language)))
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
    if date.precision is not None and date.text is None:
        emit(s, PRISM.publicationDate, literal(date.iso or "", _DATE_TYPES[date.precision]))
    if date.text:
        emit(s, PRISM.coverDisplayDate, literal(date.text))
    for electronic in article.article_dates:
        emit(s, DCTERMS.available, literal(electronic.iso, "date"))


def _venue(emit: Emit, share: _Shared, s: str, article: Article, iris: Iris) -> None:
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
    emit(s, FRBR.partOf, iri(_issue(share, journal_iri, journal, iris)))
    _journal(share, iri(journal_iri), journal)


def _issue(share: _Shared, journal_iri: str, journal: Journal, iris: Iris) -> str:
    """Describe the volume and issue; return the most specific container's IRI."""
    container = journal_iri
    if journal.volume:
        volume = iris.volume(journal_iri, journal.volume)
        share(iri(volume), A, FABIO.JournalVolume)
        share(iri(volume), PRISM.volume, literal(journal.volume))
        share(iri(volume), FRBR.partOf, iri(container))
        container = volume
    if journal.issue:
        issue = iris.issue(container, journal.issue)
        share(iri(issue), A, FABIO.JournalIssue)
        share(iri(issue), PRISM.issueIdentifier, literal(journal.issue))
        share(iri(issue), FRBR.partOf, iri(container))
        container = issue
    return container


def _journal(share: _Shared, j: str, journal: Journal) -> None:
    share(j, A, FABIO.Journal)
    for predicate, value in (
        (DCTERMS.title, journal.title),
        (DCTERMS.alternative, journal.iso_abbreviation),
        (FABIO.hasNLMJournalTitleAbbreviation, journal.nlm_abbreviation),
        (FABIO.hasNationalLibraryOfMedicineJournalId, journal.nlm_unique_id),
        (PRISM.issn, journal.issn_print),
        (PRISM.eIssn, journal.issn_electronic),
        (FABIO.hasIssnL, journal.issn_linking),
    ):
        if value:
            share(j, predicate, literal(value))


def _authors(emit: Emit, share: _Shared, s: str, article: Article, iris: Iris) -> None:
    previous = None
    for position, author in enumerate(article.authors, start=1):
        role = iri(iris.authorship(article.pmid, position))
        agent = _agent(emit, share, article.pmid, position, author, iris)
        emit(s, DCTERMS.creator, agent)
        emit(s, PRO.isDocumentContextFor, role)
        emit(role, A, PRO.RoleInTime)
        emit(role, PRO.withRole, PRO.author)
        emit(role, PRO.isHeldBy, agent)
        emit(role, _POSITION, _position(position))
        if author.equal_contribution:
            emit(role, PG.equalContribution, _TRUE)
        for affiliation in author.affiliations:
            organization = iri(iris.affiliation(affiliation))
            emit(role, PRO.relatesToOrganization, organization)
            share(organization, A, FOAF.Organization)
            share(organization, RDFS.label, literal(affiliation.name))
        if previous is not None:
            emit(previous, OCO.hasNext, role)
        previous = role
    for position, investigator in enumerate(article.investigators, start=1):
        agent = _agent(emit, share, article.pmid, f"i{position}", investigator, iris)
        emit(s, DCTERMS.contributor, agent)


def _agent(emit: Emit, share: _Shared, pmid: str, position: int | str, author: Author, iris: Iris) -> str:
    """The author's node: groups and ORCID persons are shared, others belong to the record."""
    if author.collective_name is not None:
        group = iri(iris.group(author.collective_name))
        share(group, A, FOAF.Organization)
        share(group, FOAF.name, literal(author.collective_name))
        return group
    person_iri = iris.person(pmid, position, author)
    describe = emit if person_iri.startswith(iris.base) else share
    person = iri(person_iri)
    describe(person, A, FOAF.Person)
    describe(person, FOAF.name, literal(author.name))
    if author.given:
        describe(person, FOAF.givenName, literal(author.given))
    if author.family:
        describe(person, FOAF.familyName, literal(author.family))
    return person


def _subjects(emit: Emit, mesh: _Shared, s: str, article: Article) -> None:
    for heading in article.mesh_headings:
        _heading(emit, mesh, s, heading)
    for concept in article.supplementary_concepts:
        term = iri(Iris.mesh(concept.ui))
        emit(s, FABIO.hasSubjectTerm, term)
        mesh.label(term, concept.name, MESHV.SupplementaryConceptRecord)
    for chemical in article.chemicals:
        if chemical.ui:
            term = iri(Iris.mesh(chemical.ui))
            emit(s, CITO.discusses, term)
            kind = MESHV.Descriptor if chemical.ui.startswith("D") else MESHV.SupplementaryConceptRecord
            mesh.label(term, chemical.name, kind)
    for keyword in article.keywords:
        emit(s, PRISM.keyword, literal(keyword.text))
    for pt in article.publication_types:
        if pt.ui:
            term = iri(Iris.mesh(pt.ui))
            emit(s, DCTERMS.type, term)
            mesh.label(term, pt.name, MESHV.PublicationType)


def _heading(emit: Emit, mesh: _Shared, s: str, heading: MeshHeading) -> None:
    descriptor = iri(Iris.mesh(heading.ui))
    emit(s, FABIO.hasSubjectTerm, descriptor)
    mesh.label(descriptor, heading.name, MESHV.TopicalDescriptor)
    if heading.major:
        emit(s, FABIO.hasPrimarySubjectTerm, descriptor)
    for qualifier in heading.qualifiers:
        pair = iri(Iris.mesh(heading.ui, qualifier.ui))
        emit(s, FABIO.hasSubjectTerm, pair)
        if qualifier.major:
            emit(s, FABIO.hasPrimarySubjectTerm, pair)
        qualifier_term = iri(Iris.mesh(qualifier.ui))
        mesh.label(qualifier_term, qualifier.name, MESHV.Qualifier)
        mesh.label(pair, f"{heading.name}/{qualifier.name}", MESHV.DescriptorQualifierPair)
        mesh(pair, MESHV.hasDescriptor, descriptor)
        mesh(pair, MESHV.hasQualifier, qualifier_term)


def _funding(emit: Emit, share: _Shared, s: str, article: Article, iris: Iris) -> None:
    for grant in article.grants:
        agency = iri(iris.agency(grant.agency)) if grant.agency else None
        if agency is not None and grant.agency:
            share(agency, A, FRAPO.FundingAgency)
            share(agency, FOAF.name, literal(grant.agency))
        if not grant.grant_id:
            if agency is not None:
                emit(s, FRAPO.isFundedBy, agency)
            continue
        node = iri(iris.grant(grant.agency, grant.grant_id))
        emit(s, FRAPO.isFundedBy, node)
        share(node, A, FRAPO.Grant)
        share(node, FRAPO.hasGrantNumber, literal(grant.grant_id))
        if agency is not None:
            share(node, FRAPO.isAwardedBy, agency)


def _citations(quads: list[Quad], g: str, share: _Shared, s: str, article: Article, iris: Iris) -> None:
    # The biggest share of a record's quads (~8 per reference): IRIs are built from
    # prefixes computed once, and quads appended directly.
    append = quads.append
    node_prefix = f"<{iris.reference(article.pmid, 0)[:-1]}"
    article_prefix = f"<{iris.article('')}"
    for position, reference in enumerate(article.references, start=1):
        node = f"{node_prefix}{position}>"
        append((s, _PART, node, g))
        append((node, A, _BIBLIOGRAPHIC_REFERENCE, g))
        append((node, _POSITION, _position(position), g))
        append((node, _CITATION_SOURCE, _SOURCES.get(reference.source, _REFERENCE_LIST), g))
        if reference.citation:
            append((node, _CONTENT, literal(reference.citation), g))
        cited: str | None
        if reference.pmid:
            cited = work = f"{article_prefix}{reference.pmid}>"
            share(work, _PUBMED_ID, f'"{reference.pmid}"')
            share(work, A, _EXPRESSION)
        else:
            cited = _cited_work(share, reference, iris)
        if cited is not None:
            append((node, _REFERENCES, cited, g))
            append((s, _CITES, cited, g))


def _cited_work(share: _Shared, reference: Reference, iris: Iris) -> str | None:
    """The IRI of a work cited without PMID, with its stub, or None without identifier."""
    if reference.doi:
        work = iri(iris.work_doi(reference.doi))
        share(work, PRISM.doi, literal(reference.doi))
    elif reference.pmcid:
        work = iri(iris.work_pmc(reference.pmcid))
        share(work, FABIO.hasPubMedCentralId, literal(reference.pmcid))
    else:
        return None
    share(work, A, _EXPRESSION)
    return work


def _corrections(emit: Emit, share: _Shared, s: str, article: Article, iris: Iris) -> None:
    for correction in article.corrections:
        if not correction.pmid or correction.pmid == article.pmid:
            continue
        other = iri(iris.article(correction.pmid))
        emit(s, CORRECTION_PREDICATES.get(correction.ref_type, DCTERMS.relation), other)
        share(other, A, _EXPRESSION)
        share(other, _PUBMED_ID, literal(correction.pmid))
