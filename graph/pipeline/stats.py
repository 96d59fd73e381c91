"""Counts that describe a knowledge graph: what a user checks after a build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..store.oxigraph import KnowledgeStore
from .query import run_query

__all__ = ["STATISTICS", "StoreStats", "store_stats"]

#: Label -> SPARQL pattern counted with COUNT(DISTINCT ?x). DISTINCT matters: the
#: union default graph keeps one copy per named graph of shared triples (stubs, journals).
STATISTICS: dict[str, str] = {
    "articles": "?x foaf:isPrimaryTopicOf ?page",
    "cited works not loaded": "?c cito:cites ?x FILTER NOT EXISTS { ?x foaf:isPrimaryTopicOf ?page }",
    "authorships": "?a pro:isDocumentContextFor ?x",
    "persons": "?a foaf:isPrimaryTopicOf ?page ; dcterms:creator ?x . ?x a foaf:Person",
    "persons with ORCID": "?a dcterms:creator ?x FILTER STRSTARTS(STR(?x), 'https://orcid.org/')",
    "group authors": "?a dcterms:creator ?x . ?x a foaf:Organization",
    "affiliations": "?role pro:relatesToOrganization ?x",
    "journals": "?x a fabio:Journal",
    "MeSH descriptors": "?a fabio:hasSubjectTerm ?x . ?x a meshv:TopicalDescriptor",
    "keywords": "?a prism:keyword ?x",
    "grants": "?x a frapo:Grant",
}
_LINKS: dict[str, str] = {
    "citation links": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b } }",
    "MeSH headings assigned": (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?d WHERE "
        "{ ?a fabio:hasSubjectTerm ?d . ?d a meshv:TopicalDescriptor } }"
    ),
}


@dataclass(frozen=True, slots=True)
class StoreStats:
    path: Path | None
    counts: dict[str, int]
    quads: int
    named_graphs: int
    loads: int
    interrupted_loads: tuple[str, ...] = ()


def store_stats(store: KnowledgeStore | Path | str | None = None) -> StoreStats:
    """Count articles, authors, journals, MeSH, citations … in the store.

    >>> store_stats(KnowledgeStore.in_memory()).counts["articles"]
    0
    """
    if not isinstance(store, KnowledgeStore):
        with KnowledgeStore.open(store, read_only=True) as kg:
            return store_stats(kg)
    counts = {
        label: _count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
        for label, pattern in STATISTICS.items()
    }
    counts.update({label: _count(store, query) for label, query in _LINKS.items()})
    loads = _count(store, "SELECT (COUNT(?x) AS ?n) WHERE { GRAPH ?g { ?x a prov:Activity } }")
    graphs = sum(1 for _ in store.named_graphs())
    interrupted = tuple(store.interrupted_loads())
    return StoreStats(store.path, counts, store.count_quads(), graphs, loads, interrupted)


def _count(store: KnowledgeStore, sparql: str) -> int:
    result = run_query(sparql, store)
    values = result.values()
    value = values[0][result.variables[0]] if values else None
    return int(value) if value is not None else 0
