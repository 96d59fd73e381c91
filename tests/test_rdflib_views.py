"""rdflib over the store without copying (graph.rdflib_views): rdflib's SPARQL engine and
pyshacl read the bundled sample through the view, writes through the view land in the
store, and records and CONSTRUCT answers become in-memory rdflib graphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from graph import KnowledgeStore, read_records, sample_files
from graph.errors import QueryError, StoreError
from graph.model import PREFIXES, article_nquads
from graph.pipeline.query import run_query
from graph.rdflib_views import dataset, record_graph, records_graph, result_graph
from graph.records import Article

# rdflib's own Dataset.triples compares with its deprecated default_context on every call.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
SHAPES = Path(__file__).resolve().parents[1] / "ontologies" / "shapes.ttl"
FABIO, DCTERMS, PRISM = (Namespace(PREFIXES[p]) for p in ("fabio", "dcterms", "prism"))
SH = Namespace("http://www.w3.org/ns/shacl#")
ARTICLES = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a fabio:JournalArticle ; fabio:hasPubMedId ?id }"


@pytest.fixture
def kg(demo_store: Path):
    with KnowledgeStore.open(demo_store, read_only=True) as opened:
        yield opened


def _count(answer) -> int:
    return int(next(iter(answer))[0])


def test_rdflib_engine_on_the_view_agrees_with_oxigraph(kg: KnowledgeStore) -> None:
    expected = int(run_query(ARTICLES, kg).values()[0]["n"])
    ds = dataset(kg)
    assert expected > 0
    assert _count(ds.query(ARTICLES, use_store_provided=False)) == expected  # rdflib's own SPARQL engine
    assert _count(ds.query(ARTICLES)) == expected  # sent to Oxigraph by the plugin


def test_the_view_is_the_union_of_the_named_graphs(kg: KnowledgeStore) -> None:
    ds = dataset(kg)
    union = run_query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }", kg)
    assert len(ds) == int(union.values()[0]["n"]) == sum(1 for _ in ds.triples((None, None, None)))
    named = {str(g.identifier) for g in ds.graphs()}
    assert kg.iris.entities_graph in named


def test_pyshacl_validates_the_store_through_the_view(kg: KnowledgeStore) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _, text = pyshacl.validate(dataset(kg), shacl_graph=shapes, inference="none")
    assert conforms, text


def test_pyshacl_through_the_view_sees_a_broken_record() -> None:
    pyshacl = pytest.importorskip("pyshacl")
    kg = KnowledgeStore.in_memory()
    kg.add_quads("".join(_nquads(sample_files()[0], kg)))
    pmid = _first_pmid()
    article = URIRef(kg.iris.article(pmid))
    shapes = Graph().parse(SHAPES, format="turtle")
    assert pyshacl.validate(dataset(kg), shacl_graph=shapes, inference="none")[0]
    record_graph(kg, pmid).add((article, PRISM.doi, Literal("10.1000/ABC")))  # written into the store itself
    written = f"ASK {{ GRAPH <{kg.iris.record_graph(pmid)}> {{ <{article}> prism:doi '10.1000/ABC' }} }}"
    assert run_query(written, kg).boolean is True
    conforms, report, _ = pyshacl.validate(dataset(kg), shacl_graph=shapes, inference="none")
    assert not conforms
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    assert "Article: prism:doi must be lower case (DOIs are case-insensitive; lower case is canonical)." in messages
    assert set(report.objects(None, SH.focusNode)) == {article}


def _first_pmid() -> str:
    return next(r.pmid for r in read_records(sample_files()[0]) if isinstance(r, Article))


def _nquads(path: Path, kg: KnowledgeStore) -> list[str]:
    return [
        article_nquads(record, kg.iris).decode("utf-8") for record in read_records(path) if isinstance(record, Article)
    ]


def _stored_pmid(kg: KnowledgeStore) -> str:
    answer = run_query(
        "SELECT ?id WHERE { ?a a fabio:JournalArticle ; fabio:hasPubMedId ?id } ORDER BY ?id LIMIT 1", kg
    )
    return str(answer.values()[0]["id"])


def test_record_graph_holds_what_the_record_says(kg: KnowledgeStore) -> None:
    pmid = _stored_pmid(kg)
    g = record_graph(kg, pmid)
    article = URIRef(kg.iris.article(pmid))
    expected = run_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{kg.iris.record_graph(pmid)}> {{ ?s ?p ?o }} }}", kg)
    assert len(g) == int(expected.values()[0]["n"]) > 0
    assert (article, RDF.type, FABIO.JournalArticle) in g
    title = run_query(f"SELECT ?t WHERE {{ GRAPH ?g {{ <{article}> dcterms:title ?t }} }}", kg).values()[0]["t"]
    assert g.value(article, DCTERMS.title) == Literal(title)  # a plain literal, as rdflib's parsers make it
    assert g.namespace_manager.compute_qname(str(FABIO.hasPubMedId))[0] == "fabio"


def test_record_graph_of_an_unknown_or_invalid_pmid(kg: KnowledgeStore) -> None:
    with pytest.raises(StoreError) as err:
        record_graph(kg, "1")
    assert str(err.value) == (
        f"no record with PMID 1 in the store {kg.path}: load it first (pubgraph build FILE, or pubgraph fetch PMID)"
    )
    with pytest.raises(StoreError, match=r"^'x1' is not a PMID \(a positive whole number such as 28993889\)$"):
        record_graph(kg, "x1")


def test_records_graph_equals_the_store_contents() -> None:
    path = sample_files()[0]
    memory = records_graph(read_records(path))
    kg = KnowledgeStore.in_memory()
    kg.add_quads("".join(_nquads(path, kg)))
    stored = {(s, p, o) for s, p, o, _ in dataset(kg).quads((None, None, None, None))}
    assert len(memory) > 0
    assert set(memory) == stored


def test_construct_and_describe_as_rdflib_graphs(kg: KnowledgeStore) -> None:
    pmid = _stored_pmid(kg)
    article = URIRef(kg.iris.article(pmid))
    constructed = run_query(
        f"CONSTRUCT {{ ?a dcterms:title ?t }} WHERE {{ ?a fabio:hasPubMedId '{pmid}' ; dcterms:title ?t }}", kg
    )
    g = constructed.to_rdflib()
    assert isinstance(g, Graph) and set(g.subjects()) == {article}
    assert len(g) == len(constructed.triples) == 1
    described = result_graph(run_query(f"DESCRIBE <{article}>", kg))
    assert (article, FABIO.hasPubMedId, Literal(pmid)) in described
    with pytest.raises(QueryError, match=r"^a SELECT answer has no triples: use a CONSTRUCT or DESCRIBE query$"):
        run_query(ARTICLES, kg).to_rdflib()
