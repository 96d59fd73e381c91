"""Choosing named graphs of the store by name, and counting their triples.

Export and push take the same graph names: a full IRI, or a name under ``BASE/graph/``
(``entities``, ``mesh``, ``provenance``, ``pubmed/28993889``), and a trailing ``*``
matches every graph whose IRI starts with the rest (``pubmed/*``: every record graph).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import StoreError
from ..model.iris import Iris
from .oxigraph import KnowledgeStore

__all__ = ["graph_counts", "resolve_graph_name", "select_graphs"]

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def resolve_graph_name(name: str, base: str) -> str:
    """The graph IRI (or IRI prefix, ending in ``*``) that ``name`` stands for.

    >>> resolve_graph_name("pubmed/28993889", "https://w3id.org/pubgraph/")
    'https://w3id.org/pubgraph/graph/pubmed/28993889'
    >>> resolve_graph_name("http://example.org/g", "https://w3id.org/pubgraph/")
    'http://example.org/g'
    """
    if ":" in name.split("/", 1)[0]:  # has a scheme: already an IRI
        return name
    return f"{base}graph/{name.lstrip('/')}"


def graph_counts(kg: KnowledgeStore) -> dict[str, int]:
    """Triples per named graph, in IRI order (empty graphs included, with 0).

    >>> graph_counts(KnowledgeStore.in_memory())
    {}
    """
    counts = {iri: 0 for iri in kg.named_graphs()}
    solutions = kg.query(_COUNTS, union=False)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        graph, count = row["g"], row["n"]
        if isinstance(graph, ox.NamedNode) and isinstance(count, ox.Literal):
            counts[graph.value] = int(count.value)
    return dict(sorted(counts.items()))


def select_graphs(counts: dict[str, int], names: Iterable[str] | None, base: str) -> dict[str, int]:
    """The entries of ``counts`` that ``names`` select (when ``names`` is empty, all of them
    but the derived graphs, ``BASE/graph/index`` and ``BASE/graph/summaries``, which only
    a name brings).

    >>> select_graphs({"http://x/graph/a": 1, "http://x/graph/b/1": 2}, ["b/*"], "http://x/")
    {'http://x/graph/b/1': 2}
    >>> select_graphs({"http://x/graph/a": 1, "http://x/graph/index": 2, "http://x/graph/summaries": 3}, [], "http://x/")
    {'http://x/graph/a': 1}
    """
    wanted = list(names or ())
    if not wanted:
        derived = Iris(base).derived_graphs
        return {graph: count for graph, count in counts.items() if graph not in derived}
    chosen: dict[str, int] = {}
    for name in wanted:
        iri = resolve_graph_name(name, base)
        found = [g for g in counts if g.startswith(iri[:-1])] if iri.endswith("*") else [g for g in counts if g == iri]
        if not found:
            raise StoreError(
                f"no named graph {iri} in the store; name graphs by IRI or under {base}graph/ "
                "(entities, mesh, provenance, pubmed/PMID, pubmed/*)"
            )
        chosen.update((g, counts[g]) for g in found)
    return dict(sorted(chosen.items()))
