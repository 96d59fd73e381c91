"""After a push: count each graph's triples on the target and compare with the store.

Counts go through the target's SPARQL query endpoint, a few hundred graphs per query
(``VALUES ?g { … }``), so any number of graphs is checked in few requests and no store's
result-row limit (Virtuoso's ``ResultSetMaxRows``) truncates the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ...errors import RemoteError
from ._http import Remote
from .query import query_remote

__all__ = ["GraphCheck", "compare", "remote_counts"]

_PER_QUERY = 200


@dataclass(frozen=True, slots=True)
class GraphCheck:
    """One graph's triple count in the store and on the target.

    >>> GraphCheck("http://example.org/g", 3, 2).ok
    False
    """

    graph: str
    local: int
    remote: int

    @property
    def ok(self) -> bool:
        return self.local == self.remote


def remote_counts(remote: Remote, query_url: str, graphs: Sequence[str]) -> dict[str, int]:
    """Triples per graph on the target, for each of ``graphs`` (0 when absent)."""
    counts = dict.fromkeys(graphs, 0)
    for start in range(0, len(graphs), _PER_QUERY):
        values = " ".join(f"<{g}>" for g in graphs[start : start + _PER_QUERY])
        result = query_remote(
            remote,
            query_url,
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
            add_prefixes=False,
        )
        for graph, count in result.rows:
            if not isinstance(graph, ox.NamedNode) or not isinstance(count, ox.Literal):
                raise RemoteError(f"{query_url} answered a count query with unexpected terms: {graph} {count}")
            counts[graph.value] = int(count.value)
    return counts


def compare(local: Mapping[str, int], remote: Mapping[str, int]) -> tuple[GraphCheck, ...]:
    """One check per local graph, in the order of ``local``.

    >>> [c.ok for c in compare({"g1": 2, "g2": 1}, {"g1": 2})]
    [True, False]
    """
    return tuple(GraphCheck(graph, count, remote.get(graph, 0)) for graph, count in local.items())
