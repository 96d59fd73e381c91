"""Reading the store for projections: one SPARQL scan per predicate, joined in Python.

Why scans: on a store of 30,000 records (10 M quads) Oxigraph answers a one-pattern
query at a few microseconds per row, but a join of two big patterns costs 10-20 times
more per row (index lookups for each row); the joins a projection needs are hash joins
in Python instead. Patterns sit inside ``GRAPH ?g``: every triple is in exactly one named
graph (see ``graph.model.mapping``), so this reads each triple once without the union
default graph's de-duplication.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError
from ..model.namespaces import PREFIXES
from ..store.oxigraph import KnowledgeStore
from ._index import current, index_scope

__all__ = ["StoreLike", "by_subject", "iri_of", "opened", "rows", "typed", "values_of"]

StoreLike = KnowledgeStore | Path | str | None
# XML 1.0 forbids U+001F, so no PubMed-derived literal contains it; IRIs cannot either.
_SEPARATOR = "\u001f"


@contextmanager
def opened(store: StoreLike) -> Iterator[KnowledgeStore]:
    """``store`` itself when already open, else the store at that path, read-only.

    Inside the block, reads go through the per-record index when the store has one
    (:mod:`graph.network._index`), decoded once for the whole block.
    """
    if isinstance(store, KnowledgeStore):
        with index_scope(store):
            yield store
        return
    with KnowledgeStore.open(store, read_only=True) as kg, index_scope(kg):
        yield kg


def iri_of(name: str) -> str:
    """The IRI of a prefixed name.

    >>> iri_of("cito:cites")
    'http://purl.org/spar/cito/cites'
    """
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


def by_subject(
    kg: KnowledgeStore, predicate: str, graph: str | None = None, *, grouped: bool = False, articles_only: bool = False
) -> dict[str, list[str]]:
    """Subject -> the plain values of its ``predicate`` objects (a prefixed name), in one scan.

    ``graph`` limits the scan to one named graph. ``grouped`` concatenates each subject's
    objects in the engine: faster when subjects have many objects (references), slower
    when they have one. ``articles_only`` says the caller reads only loaded articles'
    values: others may then be left out.

    >>> by_subject(KnowledgeStore.in_memory(), "cito:cites")
    {}
    """
    if graph is None and (reading := current(kg, iri_of(predicate))) is not None:
        return reading.by_subject(iri_of(predicate), articles_only)
    where = f"GRAPH <{graph}>" if graph else "GRAPH ?g"
    found: dict[str, list[str]] = {}
    if grouped:
        sparql = (
            f'SELECT ?s (GROUP_CONCAT(STR(?o); separator="{_SEPARATOR}") AS ?os) '
            f"WHERE {{ {where} {{ ?s {predicate} ?o }} }} GROUP BY ?s"
        )
        for s, objects in rows(kg, sparql):
            if s is not None and objects is not None:
                found[s] = objects.split(_SEPARATOR)
        return found
    for s, o in rows(kg, f"SELECT ?s ?o WHERE {{ {where} {{ ?s {predicate} ?o }} }}"):
        if s is not None and o is not None:
            found.setdefault(s, []).append(o)
    return found


def values_of(kg: KnowledgeStore, subjects: Iterable[str], predicate: str, graph: str) -> dict[str, list[str]]:
    """Subject -> the plain values of its ``predicate`` objects in ``graph``, looked up for
    these subjects only: cheaper than a scan when they are a small part of the graph
    (the MeSH terms a network shows among all labels).

    >>> values_of(KnowledgeStore.in_memory(), ["http://x.org/a"], "rdfs:label", "http://x.org/g")
    {}
    """
    store, named, property_ = kg.oxigraph, ox.NamedNode(graph), ox.NamedNode(iri_of(predicate))
    found: dict[str, list[str]] = {}
    for subject in subjects:
        quads = store.quads_for_pattern(ox.NamedNode(subject), property_, None, named)
        values = [str(q.object) if isinstance(q.object, ox.Triple) else q.object.value for q in quads]
        if values:
            found[subject] = values
    return found


def typed(kg: KnowledgeStore, cls: str) -> set[str]:
    """The subjects typed ``cls`` (a prefixed name), in one scan.

    >>> typed(KnowledgeStore.in_memory(), "fabio:Journal")
    set()
    """
    if (reading := current(kg, f"a {iri_of(cls)}")) is not None:
        return set(reading.by_subject(f"a {iri_of(cls)}"))
    return {s for (s,) in rows(kg, f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a {cls} }} }}") if s}


def rows(kg: KnowledgeStore, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """The SELECT answer's rows as tuples of plain values (None when unbound)."""
    answer = kg.query(sparql)
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError("internal: projection queries are SELECT queries")
    width = len(answer.variables)
    try:
        for solution in answer:
            yield tuple(None if (term := solution[i]) is None else term.value for i in range(width))
    except OSError as err:  # evaluation errors surface while iterating
        raise QueryError(f"query failed: {err}") from err
