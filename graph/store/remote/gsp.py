"""Push by the SPARQL 1.1 Graph Store HTTP Protocol: ``PUT {url}?graph=<iri>`` per graph.

PUT replaces the graph on the target (GSP §5.3), so pushing again never duplicates. A
graph larger than the batch (the shared entities graph) is sent as a PUT of its first
batch followed by POSTs of the rest (POST merges, GSP §5.5); if the server refuses a
request as too large (HTTP 413) the batch is halved and the graph re-sent from its PUT.
Bodies are N-Triples (``application/n-triples``), which every store here accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...errors import PayloadTooLargeError
from ._http import TooLarge
from .base import GraphSource, GraphWriter, chunks

__all__ = ["GraphStoreProtocol"]

_NTRIPLES = {"Content-Type": "application/n-triples"}


class GraphStoreProtocol(GraphWriter):
    """Replaces named graphs through a Graph Store Protocol endpoint.

    >>> from graph.store.remote._http import Remote
    >>> from graph.store.remote.transport import mock_session
    >>> session = mock_session(lambda request: (201, {}, b""))
    >>> writer = GraphStoreProtocol(Remote(session), "http://localhost:7878/store", batch=2)
    >>> class Graph:
    ...     iri, count = "http://example.org/g", 3
    ...     def lines(self): return iter([f"<a:s> <a:p> <a:o{n}> .\\n" for n in range(3)])
    ...     def text(self): return "".join(self.lines())
    ...     def has_blank_nodes(self): return False
    >>> writer.write(Graph())
    >>> [(r.method, r.url) for r in session.adapters["http://"].sent]  # doctest: +NORMALIZE_WHITESPACE
    [('PUT', 'http://localhost:7878/store?graph=http%3A%2F%2Fexample.org%2Fg'),
     ('POST', 'http://localhost:7878/store?graph=http%3A%2F%2Fexample.org%2Fg')]
    """

    name = "gsp"
    default_batch = 50_000

    def write(self, graph: GraphSource) -> None:
        while True:
            sent = 0
            try:
                for count in self._send(graph):
                    sent += count
                    self.progress(count)
                return
            except TooLarge as err:
                self.progress(-sent)
                self._shrink(graph, err)

    def close(self) -> None:
        pass

    def _send(self, graph: GraphSource) -> Iterator[int]:
        if graph.count <= self.batch or graph.has_blank_nodes():  # blank nodes: see GraphSource
            self._request("PUT", graph.iri, graph.text())
            yield graph.count
            return
        method = "PUT"
        for chunk in chunks(graph.lines(), self.batch):
            self._request(method, graph.iri, "".join(chunk))
            method = "POST"
            yield len(chunk)

    def _request(self, method: str, graph: str, body: str) -> None:
        self.remote.request(method, self.url, params={"graph": graph}, data=body.encode("utf-8"), headers=_NTRIPLES)

    def _shrink(self, graph: GraphSource, err: TooLarge) -> None:
        blank = graph.count > 1 and graph.has_blank_nodes()
        if blank or min(graph.count, self.batch) <= 1:
            why = "holds blank nodes, so it cannot be split" if blank else "is refused even one triple per request"
            raise PayloadTooLargeError(
                f"{err}: graph <{graph.iri}> ({graph.count:,} triples) {why}; raise the server's request "
                "size limit, or push with --method update"
            ) from err
        self.batch = max(1, min(self.batch, graph.count) // 2)
        self.shrinks += 1
