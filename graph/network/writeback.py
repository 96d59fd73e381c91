"""Writing node metrics back into the store, so SPARQL can sort and filter by them.

Each projection kind has its own named graph, ``BASE/graph/metrics/{kind}``, replaced
whole on every write: metrics of a citation network never mix with those of an older run
or of a co-authorship network. The graph describes itself (``a pg:NetworkMetrics``, its
``pg:networkKind``, ``pg:networkFilter`` and ``prov:generatedAtTime``); each node's IRI gets
one triple per metric. A co-author merged from several person IRIs gets the values on
each of them. Keyword nodes have no IRI and are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from ..errors import NetworkError
from ..model.namespaces import PG, PROV, RDF
from ..model.terms import iri, literal
from ..store.oxigraph import KnowledgeStore
from ._store import StoreLike

__all__ = ["METRIC_PROPERTIES", "write_metrics"]

#: Metric name (as in :func:`graph.network.metrics.node_metrics`) -> (property, datatype).
METRIC_PROPERTIES: dict[str, tuple[str, str]] = {
    "pagerank": (PG.pageRank, "double"),
    "betweenness": (PG.betweenness, "double"),
    "community": (PG.community, "integer"),
    "citations": (PG.localCitationCount, "integer"),
    "references": (PG.localReferenceCount, "integer"),
    "degree": (PG.degree, "integer"),
    "strength": (PG.strength, "integer"),
    "h_index": (PG.hIndex, "integer"),
    "main_path": (PG.onMainPath, "boolean"),
}


def write_metrics(store: StoreLike, G: nx.Graph, table: Mapping[str, Mapping[Hashable, Any]]) -> int:
    """Replace ``G``'s metrics graph in the store with ``table``; return the triples written.

    >>> kg = KnowledgeStore.in_memory()
    >>> G = nx.DiGraph(kind="citation"); G.add_node("1", iri="https://w3id.org/pubgraph/article/1")
    >>> write_metrics(kg, G, {"pagerank": {"1": 1.0}})
    5
    """
    unknown = sorted(set(table) - set(METRIC_PROPERTIES))
    if unknown:
        raise NetworkError(
            f"no store property for metric(s) {', '.join(unknown)}; known: {', '.join(METRIC_PROPERTIES)}"
        )
    kind = str(G.graph.get("kind", "network"))
    subjects = {node: _subjects(data) for node, data in G.nodes(data=True)}
    if G.number_of_nodes() and not any(subjects.values()):
        raise NetworkError(f"the {kind} network's nodes have no IRIs, so its metrics cannot be stored")
    if isinstance(store, KnowledgeStore):
        return _replace(store, G, kind, subjects, table)
    with KnowledgeStore.open(store) as kg:
        return _replace(kg, G, kind, subjects, table)


def _replace(
    kg: KnowledgeStore,
    G: nx.Graph,
    kind: str,
    subjects: dict[Hashable, list[str]],
    table: Mapping[str, Mapping[Hashable, Any]],
) -> int:
    graph_iri = kg.iris.metrics_graph(kind)
    graph = iri(graph_iri)
    lines = [
        (graph, RDF.type, PG.NetworkMetrics),
        (graph, PG.networkKind, literal(kind)),
        (graph, PG.networkFilter, literal(str(G.graph.get("where", "")))),
        (graph, PROV.generatedAtTime, literal(datetime.now(UTC).isoformat(timespec="seconds"), "dateTime")),
    ]
    for name, values in table.items():
        prop, datatype = METRIC_PROPERTIES[name]
        for node, value in values.items():
            text = _lexical(value, datatype)
            if text is not None:
                lines.extend((iri(subject), prop, literal(text, datatype)) for subject in subjects.get(node, []))
    kg.remove_graph(graph_iri)
    kg.add_quads("".join(f"{s} {p} {o} {graph} .\n" for s, p, o in lines))
    return len(lines)


def _subjects(data: Mapping[str, Any]) -> list[str]:
    members = str(data.get("members", "")).split()
    return members or ([str(data["iri"])] if data.get("iri") else [])


def _lexical(value: Any, datatype: str) -> str | None:
    if datatype == "boolean":
        return "true" if value else "false"
    if datatype == "integer":
        return str(int(value))
    number = float(value)
    return None if math.isnan(number) else repr(number)
