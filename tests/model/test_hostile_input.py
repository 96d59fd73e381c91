"""Data never becomes syntax: records with hostile text in every field give RDF that
independent parsers read (issue 10, point 3), and a field too long to load is refused
before anything is written (point 2).

Oracles: pyoxigraph's strict N-Quads parser (IRIs validated), rdflib's N-Quads and
Turtle parsers, and Turtle as the project writes it (``write_text``, ``export``).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import article_xml, write_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graph
from graph.errors import InputError
from graph.model import Iris, article_nquads, article_quads
from graph.model.mapping import MAX_LINE_BYTES
from graph.pipeline.rdf_export import export
from graph.records import (
    AbstractSection,
    Affiliation,
    Article,
    Author,
    Chemical,
    Correction,
    Grant,
    Journal,
    Keyword,
    MeshHeading,
    Pagination,
    PublicationType,
    Qualifier,
    Reference,
    SupplementaryConcept,
)
from graph.store import KnowledgeStore, write_text

# What IRIs, N-Triples, Turtle, XML or line splitting treat specially, drawn often;
# lone surrogates stand for text decoded with surrogateescape.
SPECIAL = (
    " <>\"{}|\\^`#?%/.;:()@&=+,!$*'~\n\r\t\x00\x01\x08\x0b\x0c\x1c\x1f\x7f\x85"
    "\u2028\u2029\ufeff\ufffe\uffff\udc80\ud800é😀"
)
HOSTILE = st.text(alphabet=st.one_of(st.sampled_from(list(SPECIAL)), st.characters()), max_size=24)
OPTIONAL = st.none() | HOSTILE


def identifier(valid: str) -> st.SearchStrategy[str]:
    """Half well-formed identifiers, half hostile text."""
    return st.from_regex(valid, fullmatch=True) | HOSTILE


MESH_UI = identifier(r"[DCQ][0-9]{6,9}")
PMID = st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True)

authors = st.builds(
    Author,
    family=OPTIONAL,
    given=OPTIONAL,
    initials=OPTIONAL,
    suffix=OPTIONAL,
    collective_name=OPTIONAL,
    orcid=st.none() | identifier(r"0000-0002-1825-0097") | HOSTILE,
    affiliations=st.lists(st.builds(Affiliation, HOSTILE, st.none() | HOSTILE), max_size=2).map(tuple),
    equal_contribution=st.booleans(),
)

articles = st.builds(
    Article,
    pmid=PMID,
    version=st.integers(1, 3),
    kind=st.sampled_from(["article", "book", "chapter"]) | HOSTILE,
    title=HOSTILE,
    vernacular_title=OPTIONAL,
    abstract=st.lists(st.builds(AbstractSection, HOSTILE, OPTIONAL), max_size=2).map(tuple),
    languages=st.lists(identifier(r"[a-z]{3}"), max_size=2).map(tuple),
    publication_types=st.lists(st.builds(PublicationType, st.none() | MESH_UI, HOSTILE), max_size=2).map(tuple),
    journal=st.none()
    | st.builds(Journal, OPTIONAL, OPTIONAL, OPTIONAL, st.none() | identifier(r"[0-9]{7,9}R?"), OPTIONAL, OPTIONAL),
    pagination=st.none() | st.builds(Pagination, OPTIONAL, OPTIONAL, OPTIONAL),
    authors=st.lists(authors, max_size=3).map(tuple),
    investigators=st.lists(authors, max_size=1).map(tuple),
    mesh_headings=st.lists(
        st.builds(
            MeshHeading,
            MESH_UI,
            HOSTILE,
            st.booleans(),
            st.lists(st.builds(Qualifier, MESH_UI, HOSTILE, st.booleans()), max_size=2).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
    supplementary_concepts=st.lists(st.builds(SupplementaryConcept, MESH_UI, HOSTILE), max_size=2).map(tuple),
    keywords=st.lists(st.builds(Keyword, HOSTILE), max_size=2).map(tuple),
    chemicals=st.lists(st.builds(Chemical, HOSTILE, st.none() | MESH_UI), max_size=2).map(tuple),
    grants=st.lists(st.builds(Grant, OPTIONAL, OPTIONAL, OPTIONAL, OPTIONAL), max_size=2).map(tuple),
    doi=st.none() | HOSTILE.map(lambda text: f"10.1000/{text}") | HOSTILE,
    pmcid=OPTIONAL,
    pii=OPTIONAL,
    references=st.lists(
        st.builds(
            Reference,
            OPTIONAL,
            st.none() | identifier(r"[1-9][0-9]{0,8}"),
            st.none() | HOSTILE.map(lambda text: f"10.1000/{text}") | HOSTILE,
            st.none() | identifier(r"PMC[0-9]{1,8}"),
            st.sampled_from(["reference-list", "comments-corrections", "elink"]) | HOSTILE,
        ),
        max_size=3,
    ).map(tuple),
    corrections=st.lists(
        st.builds(Correction, HOSTILE, st.none() | identifier(r"[1-9][0-9]{0,8}"), OPTIONAL), max_size=2
    ).map(tuple),
    book_title=OPTIONAL,
    publisher=OPTIONAL,
)

# rdflib's N-Quads parser uses its own deprecated Dataset.default_context.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning")

HOSTILE_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def strict_quads(data: bytes) -> set[ox.Quad]:
    """The quads of N-Quads ``data`` as pyoxigraph reads them, IRIs and literals checked."""
    return set(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def rdflib_quads(data: bytes) -> int:
    dataset = rdflib.Dataset()
    dataset.parse(data=data.decode("utf-8"), format="nquads")
    return len(set(dataset.quads((None, None, None, None))))


def turtle_triples(path: Path) -> int:
    parsed = rdflib.Graph()
    parsed.parse(path, format="turtle")
    return len(parsed)


# ------------------------------------------------------------ the mapping's output


@HOSTILE_SETTINGS
@given(articles)
def test_hostile_records_give_n_quads_both_parsers_read_alike(article: Article) -> None:
    data = article_nquads(article, Iris())
    data.decode("utf-8")  # strict: no lone surrogate made it through
    quads = strict_quads(data)
    assert rdflib_quads(data) == len(quads)
    assert len(quads) == len(set(data.splitlines()))  # one line a quad: no line was cut by the data


@HOSTILE_SETTINGS
@given(articles)
def test_hostile_records_give_the_same_quads_as_tuples(article: Article) -> None:
    lines = "".join(" ".join(quad) + " .\n" for quad in article_quads(article, Iris()))
    assert strict_quads(lines.encode()) == strict_quads(article_nquads(article, Iris()))


@HOSTILE_SETTINGS
@given(articles)
def test_hostile_records_written_as_turtle_read_back_in_rdflib(article: Article) -> None:
    data = article_nquads(article, Iris())
    triples = {quad.triple for quad in strict_quads(data)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.ttl"
        write_text([data.decode()], path)
        assert turtle_triples(path) == len(triples)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles, min_size=1, max_size=3, unique_by=lambda article: article.pmid))
def test_hostile_records_bulk_loaded_then_exported_as_turtle_read_back(batch: list[Article]) -> None:
    # As the store loads converted files: bulk and lenient, so the IRIs must be valid already.
    data = b"".join(article_nquads(article, Iris()) for article in batch)
    with tempfile.TemporaryDirectory() as folder, KnowledgeStore.in_memory() as kg:
        kg.oxigraph.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        stored = {quad.triple for quad in kg.oxigraph}
        path = Path(folder) / "export.ttl"
        export(path, kg)
        assert turtle_triples(path) == len(stored)


# ------------------------------------------------------------- known-shape identifiers

BAD_UIS = ["D000818>", "D000818 x", "D0008\u00a018", '"D1"', "D1}", "D1\\u0020"]


@pytest.mark.parametrize("ui", BAD_UIS)
def test_a_heading_whose_ui_is_no_mesh_ui_keeps_its_name_as_a_subject_literal(ui: str) -> None:
    heading = MeshHeading(ui, "Neoplasms", True, (Qualifier("Q000188", "drug therapy", True),))
    quads = strict_quads(article_nquads(Article("1", mesh_headings=(heading,)), Iris()))
    objects = {(quad.predicate.value, str(quad.object)) for quad in quads}
    assert ("http://purl.org/dc/terms/subject", '"Neoplasms"') in objects
    assert not [quad for quad in quads if "mesh/" in str(quad.object) or "mesh/" in str(quad.subject)]


def test_a_qualifier_whose_ui_is_no_mesh_ui_keeps_the_pair_name_as_a_subject_literal() -> None:
    heading = MeshHeading("D009369", "Neoplasms", False, (Qualifier("Q000188 >", "drug therapy"),))
    quads = strict_quads(article_nquads(Article("1", mesh_headings=(heading,)), Iris()))
    objects = {(quad.predicate.value, str(quad.object)) for quad in quads}
    assert ("http://purl.org/dc/terms/subject", '"Neoplasms/drug therapy"') in objects
    assert ("http://purl.org/spar/fabio/hasSubjectTerm", "<http://id.nlm.nih.gov/mesh/D009369>") in objects
    assert not [quad for quad in quads if "Q000188" in str(quad)]


@pytest.mark.parametrize("ui", BAD_UIS)
def test_publication_types_chemicals_and_concepts_of_another_shape_mint_no_term(ui: str) -> None:
    article = Article(
        "1",
        publication_types=(PublicationType(ui, "Journal Article"),),
        chemicals=(Chemical("Insulin", ui),),
        supplementary_concepts=(SupplementaryConcept(ui, "Some protocol"),),
    )
    quads = strict_quads(article_nquads(article, Iris()))
    assert not [quad for quad in quads if "id.nlm.nih.gov/mesh/" in str(quad)]


def test_a_reference_or_correction_pmid_of_another_shape_is_not_an_article_iri() -> None:
    article = Article(
        "1",
        references=(Reference("Ref one.", pmid="12 3"), Reference("Ref two.", pmid="4>", pmcid="PMC 5>")),
        corrections=(Correction("ErratumIn", "6 7"),),
    )
    quads = strict_quads(article_nquads(article, Iris()))
    assert {str(q.subject) for q in quads} | {str(q.object) for q in quads} >= {'"Ref one."', '"Ref two."'}
    assert not [quad for quad in quads if "/article/12" in str(quad) or "work/pmc" in str(quad)]


@pytest.mark.parametrize("pmid", ["12 3", "1>", "", "0012", "\u0661\u0662"])
def test_a_record_whose_pmid_is_no_pmid_is_refused(pmid: str) -> None:
    with pytest.raises(InputError) as raised:
        article_nquads(Article(pmid, title="t"), Iris())
    assert str(raised.value) == f"PMID {pmid!r} is not a PMID (digits, such as 28993889)"


def test_a_record_with_lone_surrogates_maps_to_the_replacement_character() -> None:
    article = Article(
        "1", title="caf\udce9", authors=(Author(family="M\udcfcller", affiliations=(Affiliation("U\udc80"),)),)
    )
    data = article_nquads(article, Iris())
    titles = {q.object.value for q in strict_quads(data) if q.predicate.value.endswith("/title")}
    assert titles == {"caf\ufffd"}


# --------------------------------------------------------------------- the whole way


def mesh_list(*uis: str) -> str:
    headings = "".join(
        f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="N">Thing {n}</DescriptorName></MeshHeading>'
        for n, ui in enumerate(uis)
    )
    return f"<MeshHeadingList>{headings}</MeshHeadingList>"


def test_a_file_with_hostile_uis_builds_and_exports_turtle_rdflib_reads(tmp_path: Path) -> None:
    # A UI with ">" ended the load in a SyntaxError; one with a space was stored and broke export.
    extra = mesh_list("D000818", "D000&gt;1", "D0001 x") + (
        '<CommentsCorrectionsList><CommentsCorrections RefType="Cites"><RefSource>x</RefSource>'
        "<PMID>12 3</PMID></CommentsCorrections></CommentsCorrectionsList>"
    )
    xml = write_xml(tmp_path, "hostile.xml", [article_xml(1, extra_citation=extra), article_xml(2)])
    store = tmp_path / "store"
    graph.build([xml], store, jobs=1)
    out = tmp_path / "out.ttl"
    summary = export(out, store)
    assert turtle_triples(out) == summary.quads  # pubgraph puts each triple in one graph
    with KnowledgeStore.open(store, read_only=True) as kg:
        subjects = kg.oxigraph.quads_for_pattern(
            ox.NamedNode(f"{Iris().base}article/1"), ox.NamedNode("http://purl.org/dc/terms/subject"), None
        )
        assert {quad.object.value for quad in subjects} == {"Thing 1", "Thing 2"}


# ------------------------------------------------------------------- huge literals


def test_a_field_over_the_limit_is_refused_naming_the_record_field_and_limit() -> None:
    article = Article("123", title="t", abstract=(AbstractSection("x" * (17 << 20)),))
    with pytest.raises(InputError) as raised:
        article_nquads(article, Iris())
    assert str(raised.value) == "PMID 123: the abstract is 17.0 MiB; pubgraph accepts fields up to 2 MiB"
    with pytest.raises(InputError, match=r"^PMID 123: the abstract is 17\.0 MiB"):
        article_quads(article, Iris())


@pytest.mark.parametrize(
    ("article", "field"),
    [
        (Article("9", references=(Reference("é" * (3 << 20)),)), "the text of a reference"),
        (Article("9", authors=(Author(family="x" * (3 << 20)),)), "a name"),
        (Article("9", authors=(Author(family="x", affiliations=(Affiliation("é" * (3 << 20)),)),)), "an affiliation"),
        (Article("9", doi="10.1000/" + "x" * (3 << 20)), "the DOI"),
        (Article("9", journal=Journal(title="j", volume="v" * (3 << 20))), "the volume or issue"),
    ],
    ids=["reference", "author", "affiliation", "doi", "volume"],
)
def test_any_long_field_is_refused_by_name(article: Article, field: str) -> None:
    with pytest.raises(InputError, match=f"^PMID 9: {field} is [0-9.]+ MiB; pubgraph accepts fields up to 2 MiB$"):
        article_nquads(article, Iris())


def test_a_field_just_under_the_limit_loads(tmp_path: Path) -> None:
    article = Article("123", abstract=(AbstractSection("y" * (MAX_LINE_BYTES - 200)),))
    data = article_nquads(article, Iris())
    assert max(map(len, data.splitlines())) <= MAX_LINE_BYTES
    with KnowledgeStore.in_memory() as kg:
        kg.oxigraph.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        out = tmp_path / "out.ttl"
        export(out, kg)
    assert turtle_triples(out) == len(strict_quads(data))


def test_a_file_with_a_huge_abstract_fails_with_one_line_and_the_store_keeps_what_it_held(tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph.build([write_xml(tmp_path, "first.xml", article_xml(1, "Kept."))], store, jobs=1)
    huge = article_xml(2, "Huge.", extra_citation="").replace(
        "<Pagination>", f"<Abstract><AbstractText>{'z' * (17 << 20)}</AbstractText></Abstract><Pagination>"
    )
    again = write_xml(tmp_path, "second.xml", [article_xml(1, "Replaced."), huge])
    message = f"{again}: PMID 2: the abstract is 17.0 MiB; pubgraph accepts fields up to 2 MiB"
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        graph.build([again], store, jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        titles = kg.oxigraph.quads_for_pattern(
            ox.NamedNode(f"{Iris().base}article/1"), ox.NamedNode("http://purl.org/dc/terms/title"), None
        )
        assert [quad.object.value for quad in titles] == ["Kept."]


# -------------------------------------------------------- provenance and ELink links


def test_provenance_of_a_file_with_an_undecodable_name_parses() -> None:
    from graph.model.provenance import load_activity_nquads
    from graph.records import LoadActivity

    # A non-UTF-8 file name reaches Python decoded with surrogateescape.
    load = LoadActivity("caf\udce9 <1>.xml", "ab", 1, 0, 9, 0.0, 1.0)
    quads = strict_quads(load_activity_nquads(Iris(), load).encode())
    assert "caf\ufffd <1>.xml" in {quad.object.value for quad in quads}


def test_provenance_of_a_harvest_with_hostile_query_and_url_parses() -> None:
    from graph.model.provenance import harvest_activity_nquads
    from graph.pipeline.harvest import Manifest

    manifest = Manifest("fetch", "http://127.0.0.1:1/e utils/", 0.0, 1.0, query='x"\udc80\n>', requests={"efetch": 1})
    quads = strict_quads(harvest_activity_nquads(Iris(), manifest.activity()).encode())
    assert "http://127.0.0.1:1/e%20utils/efetch.fcgi" in {quad.object.value for quad in quads}


def test_elink_pairs_whose_ids_are_not_pmids_are_skipped() -> None:
    from graph.model.links import elink_nquads

    quads = elink_nquads([("1", "2"), ("1", "3 >"), ("<x>", "2")], Iris())
    data = "".join(" ".join(quad) + " .\n" for quad in quads).encode()
    assert {quad.object.value for quad in strict_quads(data) if quad.predicate.value.endswith("cites")} == {
        f"{Iris().base}article/2"
    }
