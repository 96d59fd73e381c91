"""The vocabulary (ontologies/pubgraph.ttl) and the SHACL shapes (ontologies/shapes.ttl).

Both files parse, every ``pg:`` term the code uses is declared, what the model maps from
constructed and real PubMed records passes the shapes, and broken graphs fail them with
the shape's own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from graph.model import PREFIXES, Iris, article_quads
from graph.records import (
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
    Reference,
    SupplementaryConcept,
)
from graph.sources import read_records

pyshacl = pytest.importorskip("pyshacl")

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontologies" / "pubgraph.ttl"
SHAPES = ROOT / "ontologies" / "shapes.ttl"
SAMPLE = ROOT / "graph" / "data" / "sample" / "pubmed-sample.xml"
# Real NLM data shared by this setup only; a fresh clone has none (see its README).
SHARED_XML = ROOT.parent / "shared" / "pubmed-samples" / "xml"

PG = Namespace(PREFIXES["pg"])
SH = Namespace("http://www.w3.org/ns/shacl#")
DCTERMS, FOAF, SCHEMA, PROV = (Namespace(PREFIXES[p]) for p in ("dcterms", "foaf", "schema", "prov"))
FABIO, CITO, PRO, FRBR, FRAPO, PRISM = (
    Namespace(PREFIXES[p]) for p in ("fabio", "cito", "pro", "frbr", "frapo", "prism")
)
OCO, C4O, BIRO = (Namespace(PREFIXES[p]) for p in ("oco", "c4o", "biro"))
X = Namespace("http://example.org/")

IRIS = Iris()
PMID = "28993889"
ORCID = "0000-0002-1825-0097"  # ORCID's documented example; its checksum passes
ARTICLE = URIRef(IRIS.article(PMID))
ROLE = URIRef(IRIS.authorship(PMID, 1))
AFFILIATION = URIRef(IRIS.authorship_affiliation(PMID, 1, 1))
PERSON = URIRef(f"https://orcid.org/{ORCID}")
JOURNAL = URIRef(IRIS.base + "journal/100935490")
GRANT = URIRef(IRIS.grant("NIH HHS", "R01 GM123"))
REFERENCE = URIRef(IRIS.reference(PMID, 1))
STUB = URIRef(IRIS.work_doi("10.1000/only-doi"))

# PG.name, PG.iri("name"), PREFIXES["pg"] + "name", the namespace IRI, or pg:name in SPARQL.
_PG_USE = re.compile(
    r"""\bPG\.(?!iri\b)([A-Za-z]\w*)|\bPG\.iri\(["'](\w+)|_PG\s*\+\s*["'](\w+)"""
    r"""|w3id\.org/pubgraph/ontology/([A-Za-z]\w*)|\bpg:([A-Za-z]\w*)"""
)


# ---------------------------------------------------------------- helpers


def _parse(path: Path) -> Graph:
    return Graph(bind_namespaces="none").parse(path, format="turtle")


def _graph_of(articles: Iterable[Article]) -> Graph:
    """The union of the articles' quads; the last version of a PMID wins, as in the store."""
    latest = {article.pmid: article for article in articles}
    text = "".join(f"{s} {p} {o} .\n" for article in latest.values() for s, p, o, _ in article_quads(article, IRIS))
    return Graph().parse(data=text, format="nt")


def _validate(data: Graph, shapes: Graph) -> tuple[bool, set[str], str]:
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return conforms, {str(m) for m in report.objects(None, SH.resultMessage)}, text


def _pg_terms_in_code() -> set[str]:
    sources = [*(ROOT / "graph").rglob("*.py"), *(ROOT / "graph").rglob("*.rq")]
    return {
        name
        for path in sources
        for match in _PG_USE.finditer(path.read_text(encoding="utf-8"))
        for name in match.groups()
        if name
    }


def _articles(path: Path) -> list[Article]:
    return [record for record in read_records(path) if isinstance(record, Article)]


# ---------------------------------------------------------------- constructed records


def _full_article() -> Article:
    """A journal article using every part of the mapping at once."""
    return Article(
        PMID,
        version=2,
        title="Spinal cord injury in Sendai",
        vernacular_title="仙台の脊髄損傷",
        abstract=(AbstractSection("Aims.", "AIM"), AbstractSection("Results.")),
        languages=("eng", "JPN"),
        publication_types=(
            PublicationType("D016428", "Journal Article"),
            PublicationType("D016454", "Review"),
            PublicationType(None, "Unindexed Type"),
        ),
        pub_date=PubDate(2018, 7, 1),
        article_dates=(ArticleDate(2017, 10, 9),),
        journal=Journal(
            title="European spine journal",
            iso_abbreviation="Eur Spine J",
            nlm_abbreviation="Eur Spine J",
            nlm_unique_id="100935490",
            issn_print="0940-6719",
            issn_electronic="1432-0932",
            issn_linking="0940-6719",
            volume="27",
            issue="Suppl 3",
        ),
        pagination=Pagination("1234-45", "1234", "1245"),
        authors=(
            Author(
                "Onoki",
                "Takahiro",
                "T",
                orcid=ORCID,
                equal_contribution=True,
                affiliations=(Affiliation("Tohoku University", ror="https://ror.org/01dq60k83"),),
            ),
            Author(
                collective_name="Spine Study Group",
                affiliations=(Affiliation("Dept of X. a@b.jp"),),
            ),
            Author("Sato", None, "K", orcid="0000-0002-1825-0098", equal_contribution=True),
            Author(initials="Y"),
        ),
        investigators=(Author("Ito", "Mai", orcid="0000-0001-5109-3700"),),
        mesh_headings=(
            MeshHeading(
                "D013119",
                "Spinal Cord Injuries",
                qualifiers=(
                    Qualifier("Q000453", "epidemiology", major=True),
                    Qualifier("Q000209", "etiology"),
                ),
            ),
            MeshHeading("D006801", "Humans", major=True),
        ),
        supplementary_concepts=(SupplementaryConcept("C000596361", "SARS-CoV-2 variant"),),
        keywords=(Keyword("spine", "NOTNLM", major=True),),
        chemicals=(
            Chemical("Water", "D014867", "059QF0KO0R"),
            Chemical("Thing", "C012345"),
            Chemical("Unknown"),
        ),
        grants=(
            Grant("R01 GM123", "GM", "NIH HHS", "United States"),
            Grant(None, agency="Wellcome Trust"),
            Grant("X1"),
        ),
        doi="10.1007/s00586-017-5322-1",
        pmcid="PMC5690420",
        pii="S0000-0000(17)30000-0",
        references=(
            Reference("Only a DOI.", doi="10.1000/only-doi"),
            Reference("Only text, no identifier."),
            Reference(pmid="11111111"),
            Reference("By PMC id.", pmcid="PMC123456"),
            Reference("Both.", pmid="22222222", doi="10.1000/both"),
        ),
        corrections=(
            Correction("ErratumIn", "33333333"),
            Correction("ReprintOf", "44444444"),
            Correction("CommentOn"),
        ),
    )


CONSTRUCTED = [
    pytest.param(_full_article(), id="full-article"),
    pytest.param(Article("1"), id="bare-minimum"),
    pytest.param(Article("10", title="", pub_date=PubDate(1998, text="1998 Dec-1999 Jan")), id="medline-date"),
    pytest.param(Article("11", pub_date=PubDate(2001, text="2001 Spring")), id="season"),
    pytest.param(Article("12", pub_date=PubDate(2019, 3)), id="year-month"),
    pytest.param(Article("13", article_dates=(ArticleDate(2020, 2, 29),)), id="year-from-article-date"),
    pytest.param(
        Article("20", authors=(Author(collective_name="The ÆGIS Consortium!"),)),
        id="group-author-only",
    ),
    pytest.param(Article("21", journal=Journal(title="No ids")), id="journal-by-title"),
    pytest.param(Article("22", journal=Journal(issn_electronic="1234-567X", issue="4")), id="issue-no-volume"),
    pytest.param(
        Article(
            "30",
            kind="book",
            title="GeneReviews",
            publisher="University of Washington, Seattle",
            authors=(Author("Pagon", "Roberta A"),),
            pub_date=PubDate(1993),
        ),
        id="book",
    ),
    pytest.param(
        Article(
            "31",
            kind="chapter",
            title="Achondroplasia",
            book_title="GeneReviews",
            references=(Reference("Text only."),),
            doi="10.1000/book",
        ),
        id="chapter",
    ),
]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _parse(ONTOLOGY)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse(SHAPES)


@pytest.fixture(scope="module")
def full_graph() -> Graph:
    return _graph_of([_full_article()])


# ---------------------------------------------------------------- (a) the files


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_turtle_parses(path: Path) -> None:
    assert len(_parse(path)) > 50


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES], ids=lambda p: p.name)
def test_prefixes_agree_with_namespaces_module(path: Path) -> None:
    declared = {prefix: str(ns) for prefix, ns in _parse(path).namespaces()}
    shared = {prefix: ns for prefix, ns in declared.items() if prefix in PREFIXES}
    assert shared == {prefix: PREFIXES[prefix] for prefix in shared}
    others = {ns for prefix, ns in declared.items() if prefix not in PREFIXES}
    assert not others & set(PREFIXES.values())


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef(PREFIXES["pg"])
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, DCTERMS.creator) == Literal("The pubgraph team")
    assert ontology.value(header, RDFS.label) is not None
    assert len(set(ontology.objects(header, PG.convention))) >= 4


# ---------------------------------------------------------------- (b) pg: terms


def test_code_scan_finds_pg_terms() -> None:
    assert "equalContribution" in _pg_terms_in_code()


@pytest.mark.parametrize("term", sorted(_pg_terms_in_code()))
def test_pg_term_used_in_code_is_declared(ontology: Graph, term: str) -> None:
    subject = PG[term]
    assert ontology.value(subject, RDFS.label) is not None, f"pg:{term} has no rdfs:label in {ONTOLOGY.name}"
    assert ontology.value(subject, RDFS.comment) is not None, f"pg:{term} has no rdfs:comment"


def test_every_declared_pg_term_is_documented(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(PG) and s != PG}
    undocumented = {t for t in terms if not (ontology.value(t, RDFS.label) and ontology.value(t, RDFS.comment))}
    assert not undocumented


@pytest.mark.parametrize(
    ("term", "kind", "domain", "range_"),
    [
        ("equalContribution", OWL.DatatypeProperty, PRO.RoleInTime, XSD.boolean),
        ("citationSource", OWL.ObjectProperty, None, PG.CitationSource),
        ("recordCount", OWL.DatatypeProperty, PROV.Activity, XSD.integer),
        ("deletionCount", OWL.DatatypeProperty, PROV.Activity, XSD.integer),
        ("quadCount", OWL.DatatypeProperty, PROV.Activity, XSD.integer),
        ("sha256", OWL.DatatypeProperty, PROV.Entity, XSD.string),
        ("initials", OWL.DatatypeProperty, PRO.RoleInTime, XSD.string),
        ("affiliation", OWL.ObjectProperty, PRO.RoleInTime, PG.Affiliation),
        ("organization", OWL.ObjectProperty, PG.Affiliation, FOAF.Organization),
    ],
)
def test_property_declarations(ontology: Graph, term: str, kind: URIRef, domain: URIRef | None, range_: URIRef) -> None:
    assert (PG[term], RDF.type, kind) in ontology
    assert ontology.value(PG[term], RDFS.range) == range_
    if domain is not None:
        assert ontology.value(PG[term], RDFS.domain) == domain


def test_citation_sources_and_input_file(ontology: Graph) -> None:
    sources = set(ontology.subjects(RDF.type, PG.CitationSource))
    assert sources == {PG.ReferenceList, PG.CommentsCorrections, PG.ELink}
    assert (PG.citationSource, SKOS.closeMatch, PROV.wasDerivedFrom) in ontology
    assert (PG.InputFile, RDFS.subClassOf, PROV.Entity) in ontology


def test_shapes_use_only_declared_pg_terms(ontology: Graph, shapes: Graph) -> None:
    used = {n for triple in shapes for n in triple if isinstance(n, URIRef) and n.startswith(PG) and n != PG}
    assert {t for t in used if ontology.value(t, RDFS.label) is None} == set()


def test_every_property_shape_has_a_message(shapes: Graph) -> None:
    silent = [shape for shape in shapes.objects(None, SH.property) if shapes.value(shape, SH.message) is None]
    assert not silent


# ---------------------------------------------------------------- (c) mapped records pass


@pytest.mark.parametrize("article", CONSTRUCTED)
def test_constructed_record_conforms(shapes: Graph, article: Article) -> None:
    conforms, _, text = _validate(_graph_of([article]), shapes)
    assert conforms, text


def test_constructed_records_together_conform(shapes: Graph) -> None:
    conforms, _, text = _validate(_graph_of(p.values[0] for p in CONSTRUCTED), shapes)
    assert conforms, text


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        pytest.param(SH.targetSubjectsOf, FOAF.isPrimaryTopicOf, id="article"),
        pytest.param(SH.targetClass, PRO.RoleInTime, id="role"),
        pytest.param(SH.targetClass, FOAF.Person, id="person"),
        pytest.param(SH.targetClass, FABIO.Journal, id="journal"),
        pytest.param(SH.targetClass, FABIO.JournalVolume, id="volume"),
        pytest.param(SH.targetClass, FABIO.JournalIssue, id="issue"),
        pytest.param(SH.targetClass, BIRO.BibliographicReference, id="reference"),
        pytest.param(SH.targetClass, FRAPO.Grant, id="grant"),
    ],
)
def test_shapes_have_focus_nodes_in_constructed_records(
    shapes: Graph, full_graph: Graph, kind: URIRef, target: URIRef
) -> None:
    assert (None, kind, target) in shapes
    focus = full_graph.subjects(target) if kind == SH.targetSubjectsOf else full_graph.subjects(RDF.type, target)
    assert next(iter(focus), None) is not None


_SAMPLES = sorted(SAMPLE.parent.glob("*.xml*")) if SAMPLE.exists() else []


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.name) for p in _SAMPLES]
    or [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=f"{SAMPLE} not written yet"))],
)
def test_bundled_sample_conforms(shapes: Graph, path: Path) -> None:
    conforms, _, text = _validate(_graph_of(_articles(path)), shapes)
    assert conforms, f"{path.name}:\n{text}"


_SHARED = sorted(SHARED_XML.glob("*.xml*")) if SHARED_XML.is_dir() else []


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.name) for p in _SHARED]
    or [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=f"{SHARED_XML} absent"))],
)
def test_shared_pubmed_samples_conform(shapes: Graph, path: Path) -> None:
    conforms, _, text = _validate(_graph_of(_articles(path)), shapes)
    assert conforms, f"{path.name}:\n{text}"


def test_provenance_conforms(shapes: Graph) -> None:
    from graph.model.provenance import load_activity_nquads
    from graph.records import LoadActivity

    text = load_activity_nquads(IRIS, LoadActivity("pubmed25n0001.xml.gz", "ab" * 32, 3, 1, 120, 0.0, 1.5))
    data = Graph().parse(data=re.sub(r" <[^>]+> \.$", " .", text, flags=re.M), format="nt")
    assert (None, RDF.type, PG.InputFile) in data
    conforms, _, report = _validate(data, shapes)
    assert conforms, report


# ---------------------------------------------------------------- (d) broken graphs fail

Triple = tuple[URIRef, URIRef, Node]


def _broken(
    case_id: str,
    message: str,
    *,
    drop: Iterable[tuple[URIRef, URIRef]] = (),
    add: Iterable[Triple] = (),
    replace: Triple | None = None,
) -> object:
    """A test case: ``replace`` drops every value of its subject and predicate, then adds it."""
    if replace is not None:
        drop, add = [*drop, replace[:2]], [*add, replace]
    return pytest.param(list(drop), list(add), message, id=case_id)


BROKEN = [
    _broken(
        "two-pmids",
        "Article: needs exactly one fabio:hasPubMedId",
        add=[(ARTICLE, FABIO.hasPubMedId, Literal("99"))],
    ),
    _broken(
        "no-pmid",
        "Article: needs exactly one fabio:hasPubMedId",
        drop=[(ARTICLE, FABIO.hasPubMedId)],
    ),
    _broken(
        "pmid-leading-zero",
        "Article: needs exactly one fabio:hasPubMedId",
        replace=(ARTICLE, FABIO.hasPubMedId, Literal("0123")),
    ),
    _broken(
        "upper-case-doi",
        "Article: prism:doi must be lower case",
        replace=(ARTICLE, PRISM.doi, Literal("10.1007/S00586")),
    ),
    _broken(
        "doi-with-resolver",
        "Article: at most one prism:doi, bare",
        replace=(ARTICLE, PRISM.doi, Literal("https://doi.org/10.1/x")),
    ),
    _broken(
        "stub-upper-case-doi",
        "Work: at most one prism:doi, bare and lower case",
        replace=(STUB, PRISM.doi, Literal("10.1000/ONLY-DOI")),
    ),
    _broken(
        "pmcid-with-version",
        "Article: fabio:hasPubMedCentralId",
        replace=(ARTICLE, FABIO.hasPubMedCentralId, Literal("PMC5690420.2")),
    ),
    _broken(
        "two-titles",
        "Article: at most one dcterms:title",
        add=[(ARTICLE, DCTERMS.title, Literal("Another"))],
    ),
    _broken(
        "empty-title",
        "Article: at most one dcterms:title",
        replace=(ARTICLE, DCTERMS.title, Literal("")),
    ),
    _broken(
        "year-as-string",
        "Article: at most one fabio:hasPublicationYear",
        replace=(ARTICLE, FABIO.hasPublicationYear, Literal("2018")),
    ),
    _broken(
        "date-as-string",
        "Article: at most one prism:publicationDate",
        replace=(ARTICLE, PRISM.publicationDate, Literal("2018-07")),
    ),
    _broken(
        "impossible-date",
        "Article: at most one prism:publicationDate",
        replace=(ARTICLE, PRISM.publicationDate, Literal("2018-02-31", datatype=XSD.date)),
    ),
    _broken(
        "creator-literal",
        "Article: dcterms:creator",
        add=[(ARTICLE, DCTERMS.creator, Literal("Onoki T"))],
    ),
    _broken(
        "subject-not-mesh",
        "Article: fabio:hasSubjectTerm must be a MeSH IRI",
        add=[(ARTICLE, FABIO.hasSubjectTerm, X.topic)],
    ),
    _broken(
        "primary-subject-not-mesh",
        "Article: fabio:hasPrimarySubjectTerm must be a MeSH IRI",
        add=[(ARTICLE, FABIO.hasPrimarySubjectTerm, X.topic)],
    ),
    _broken(
        "cites-literal",
        "Article: cito:cites must point",
        add=[(ARTICLE, CITO.cites, Literal("Smith 2001"))],
    ),
    _broken(
        "part-of-untyped",
        "Article: frbr:partOf must be one",
        replace=(ARTICLE, FRBR.partOf, X.volume),
    ),
    _broken(
        "language-literal",
        "Article: dcterms:language",
        add=[(ARTICLE, DCTERMS.language, Literal("eng"))],
    ),
    _broken("article-untyped", "Article: must be a fabio:JournalArticle", drop=[(ARTICLE, RDF.type)]),
    _broken("role-without-holder", "Role: needs exactly one pro:isHeldBy", drop=[(ROLE, PRO.isHeldBy)]),
    _broken(
        "role-two-holders",
        "Role: needs exactly one pro:isHeldBy",
        add=[(ROLE, PRO.isHeldBy, URIRef(IRIS.group("Spine Study Group")))],
    ),
    _broken("role-not-author", "Role: pro:withRole", replace=(ROLE, PRO.withRole, PRO.editor)),
    _broken(
        "role-position-zero",
        "Role: needs exactly one schema:position",
        replace=(ROLE, SCHEMA.position, Literal(0)),
    ),
    _broken("role-two-next", "Role: at most one oco:hasNext", add=[(ROLE, OCO.hasNext, ROLE)]),
    _broken("person-without-name", "Person: needs a foaf:name", drop=[(PERSON, FOAF.name)]),
    _broken("bad-issn", "Journal: prism:issn", replace=(JOURNAL, PRISM.issn, Literal("09406719"))),
    _broken("bad-eissn", "Journal: prism:eIssn", replace=(JOURNAL, PRISM.eIssn, Literal("1432-093x"))),
    _broken(
        "bad-issn-l",
        "Journal: fabio:hasIssnL",
        replace=(JOURNAL, FABIO.hasIssnL, Literal("ISSN 0940-6719")),
    ),
    _broken(
        "reference-without-position",
        "Reference: needs exactly one schema:position",
        drop=[(REFERENCE, SCHEMA.position)],
    ),
    _broken(
        "reference-two-texts",
        "Reference: at most one c4o:hasContent",
        add=[(REFERENCE, C4O.hasContent, Literal("Again."))],
    ),
    _broken(
        "reference-literal-target",
        "Reference: at most one biro:references",
        add=[(REFERENCE, BIRO.references, Literal("x"))],
    ),
    _broken(
        "reference-unknown-source",
        "Reference: exactly one pg:citationSource",
        add=[(REFERENCE, PG.citationSource, PG.Crossref)],
    ),
    _broken(
        "affiliation-without-text",
        "Affiliation: needs exactly one c4o:hasContent",
        drop=[(AFFILIATION, C4O.hasContent)],
    ),
    _broken(
        "affiliation-without-organization",
        "Affiliation: needs exactly one pg:organization",
        drop=[(AFFILIATION, PG.organization)],
    ),
    _broken(
        "affiliation-untyped",
        "Role: pg:affiliation must point to a pg:Affiliation",
        drop=[(AFFILIATION, RDF.type)],
    ),
    _broken(
        "role-two-family-names",
        "Role: at most one schema:familyName",
        add=[(ROLE, SCHEMA.familyName, Literal("Other"))],
    ),
    _broken(
        "role-initials-as-number",
        "Role: at most one pg:initials",
        replace=(ROLE, PG.initials, Literal(1)),
    ),
    _broken(
        "empty-genre",
        "Article: prism:genre must be the non-empty name",
        add=[(ARTICLE, PRISM.genre, Literal(""))],
    ),
    _broken(
        "subject-as-iri",
        "Article: dcterms:subject must be the non-empty name",
        add=[(ARTICLE, DCTERMS.subject, X.topic)],
    ),
    _broken(
        "grant-without-number",
        "Grant: needs exactly one frapo:hasGrantNumber",
        drop=[(GRANT, FRAPO.hasGrantNumber)],
    ),
    _broken(
        "input-file-bad-hash",
        "Input file: at most one pg:sha256",
        add=[(X.file, RDF.type, PG.InputFile), (X.file, PG.sha256, Literal("AB" * 32))],
    ),
    _broken(
        "count-as-string",
        "Build: at most one pg:recordCount",
        add=[(X.load, PG.recordCount, Literal("12"))],
    ),
]


@pytest.mark.parametrize(("drop", "add", "message"), BROKEN)
def test_broken_graph_fails_with_message(
    full_graph: Graph,
    shapes: Graph,
    drop: list[tuple[URIRef, URIRef]],
    add: list[Triple],
    message: str,
) -> None:
    broken = Graph()
    broken += full_graph
    for subject, predicate in drop:
        assert (subject, predicate, None) in broken, "the case must break something the graph has"
        broken.remove((subject, predicate, None))
    for triple in add:
        broken.add(triple)
    conforms, messages, text = _validate(broken, shapes)
    assert not conforms
    assert any(m.startswith(message) for m in messages), text


# ---------------------------------------------------------------- known mapping issues


def test_orcid_person_named_differently_in_two_records_conforms(shapes: Graph) -> None:
    first = Article("40", authors=(Author("García", "María", orcid=ORCID),))
    second = Article("41", authors=(Author("Garcia", "M", orcid=ORCID),))
    conforms, _, text = _validate(_graph_of([first, second]), shapes)
    assert conforms, text


def test_impossible_day_falls_back_to_month_precision(shapes: Graph) -> None:
    conforms, _, text = _validate(_graph_of([Article("42", pub_date=PubDate(2018, 9, 31))]), shapes)
    assert conforms, text
