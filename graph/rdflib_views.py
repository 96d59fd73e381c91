"""The knowledge graph through rdflib's API, without copying it.

:func:`dataset` and :func:`record_graph` wrap the store's own :class:`pyoxigraph.Store`
in the ``oxrdflib`` plugin's rdflib store, so rdflib, pyshacl, owlrl or kglab read (and
write) the quads where they are: SPARQL sent through ``Graph.query`` runs in Oxigraph,
and rdflib's own engine (``use_store_provided=False``) reads the same quads by pattern.
A view keeps the store open while it lives. :func:`records_graph` and
:func:`result_graph` make small in-memory rdflib graphs: records, and CONSTRUCT or
DESCRIBE answers.

>>> from graph.store import KnowledgeStore
>>> kg = KnowledgeStore.in_memory()
>>> ds = dataset(kg)
>>> len(ds), ds.default_union
(0, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result

from .errors import QueryError, StoreError
from .identifiers import normalize_pmid
from .model.iris import Iris
from .model.mapping import Seen, article_nquads
from .model.namespaces import PREFIXES
from .records import Article
from .store.oxigraph import KnowledgeStore

if TYPE_CHECKING:
    from .results import QueryResult

__all__ = ["dataset", "record_graph", "records_graph", "result_graph"]

# A plain IRI, not rdflib's XSD namespace object: pytest's doctest finder probes module
# globals for attributes, and rdflib's closed namespaces warn about each unknown one.
_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


class _ViewStore(OxigraphStore):
    """oxrdflib's store, with plain strings and counting by scan.

    Oxigraph gives every simple literal its RDF 1.1 datatype ``xsd:string``; rdflib keeps
    ``Literal("x")`` and ``Literal("x", datatype=XSD.string)`` apart, so they come back
    plain, equal to what rdflib's parsers make. pyshacl asks ``len`` of the data graph
    for every result it reports, and oxrdflib's ``COUNT(DISTINCT …)`` per call makes a
    validation of a few thousand triples take minutes instead of seconds.
    """

    def triples(self, triple_pattern: Any, context: Graph | None = None) -> Iterator[Any]:
        for (s, p, o), contexts in super().triples(triple_pattern, context):
            yield (s, p, _plain(o)), contexts

    def query(self, *args: Any, **kwargs: Any) -> Result:
        result = super().query(*args, **kwargs)
        if result.type == "SELECT":
            result.bindings = [{name: _plain(value) for name, value in row.items()} for row in result.bindings]
        elif result.type == "CONSTRUCT" and result.graph is not None:
            result.graph = Graph().__iadd__((s, p, _plain(o)) for s, p, o in result.graph)
        return result

    def __len__(self, context: Graph | None = None) -> int:
        if context is None or context.identifier == DATASET_DEFAULT_GRAPH_ID:
            # Every triple lives in exactly one named graph (DESIGN.md), so the union
            # holds as many triples as the store holds quads.
            return len(self._inner)
        graph = ox.NamedNode(str(context.identifier))
        return sum(1 for _ in self._inner.quads_for_pattern(None, None, None, graph))


def _plain(term: Any) -> Any:
    if isinstance(term, Literal) and term.datatype == _XSD_STRING:
        return Literal(str(term))
    return term


def _bound(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def dataset(kg: KnowledgeStore) -> Dataset:
    """The whole store as an :class:`rdflib.Dataset` whose default graph is the union of
    its named graphs (as in ``pubgraph query``), with pubgraph's prefixes bound.

    >>> kg = KnowledgeStore.in_memory()
    >>> kg.add_quads('<http://x.org/a> <http://x.org/p> "1" <http://x.org/g> .\\n')
    >>> ds = dataset(kg)
    >>> [str(row.n) for row in ds.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")]
    ['1']
    """
    view = Dataset(store=_ViewStore(store=kg.oxigraph), default_union=True)
    _bound(view)
    return view


def record_graph(kg: KnowledgeStore, pmid: str) -> Graph:
    """The named graph of one record (``BASE/graph/pubmed/{PMID}``) as an :class:`rdflib.Graph`
    over the store: what the record alone says. Shared descriptions (journals, ORCID
    persons, cited-work stubs) are in :func:`dataset`.

    >>> kg = KnowledgeStore.in_memory()
    >>> try:
    ...     record_graph(kg, "28993889")
    ... except StoreError as err:
    ...     print(err)
    no record with PMID 28993889 in the store: load it first (pubgraph build FILE, or pubgraph fetch PMID)
    """
    number = normalize_pmid(pmid)
    if number is None:
        raise StoreError(f"{pmid!r} is not a PMID (a positive whole number such as 28993889)")
    name = kg.iris.record_graph(number)
    if not kg.oxigraph.contains_named_graph(ox.NamedNode(name)):
        where = f" {kg.path}" if kg.path is not None else ""
        raise StoreError(
            f"no record with PMID {number} in the store{where}: "
            "load it first (pubgraph build FILE, or pubgraph fetch PMID)"
        )
    return _bound(Graph(store=_ViewStore(store=kg.oxigraph), identifier=URIRef(name), bind_namespaces="none"))


def records_graph(records: Iterable[object], iris: Iris | None = None) -> Graph:
    """The articles among ``records`` as one in-memory :class:`rdflib.Graph` (their own
    statements and the shared descriptions they use), mapped as ``pubgraph build`` maps them.

    >>> g = records_graph([Article("28993889", title="A case")], Iris("http://x.org/"))
    >>> str(g.value(URIRef("http://x.org/article/28993889"), URIRef(PREFIXES["dcterms"] + "title")))
    'A case'
    """
    iris = iris or Iris()
    seen = Seen()
    text = b"".join(
        article_nquads(record, iris, seen, triples=True) for record in records if isinstance(record, Article)
    )
    return _bound(Graph(bind_namespaces="none").parse(data=text.decode("utf-8"), format="nt"))


def result_graph(result: QueryResult) -> Graph:
    """A CONSTRUCT or DESCRIBE answer as an in-memory :class:`rdflib.Graph`.

    >>> from graph.pipeline.query import run_query
    >>> kg = KnowledgeStore.in_memory()
    >>> kg.add_quads('<http://x.org/a> <http://x.org/p> "1" <http://x.org/g> .\\n')
    >>> len(run_query("CONSTRUCT WHERE { ?s ?p ?o }", kg).to_rdflib())
    1
    """
    if result.kind != "graph":
        raise QueryError(f"a {result.kind.upper()} answer has no triples: use a CONSTRUCT or DESCRIBE query")
    text = "".join(f"{triple} .\n" for triple in result.triples)
    return _bound(Graph(bind_namespaces="none").parse(data=text, format="nt"))
