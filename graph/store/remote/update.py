"""Push by SPARQL 1.1 Update: ``DROP SILENT GRAPH`` then ``INSERT DATA`` in bounded batches.

Each graph is first dropped, so pushing again replaces instead of duplicating. Small
graphs are packed several to a request (``DROP …; INSERT DATA …; DROP …``, one request
being one transaction on the stores here) until the batch's triple budget is spent; a
large graph is split across requests. A request refused as too large (HTTP 413) is split
in two and the budget halved for the rest. Requests are POSTed directly with
``Content-Type: application/sparql-update`` (SPARQL 1.1 Protocol §2.2.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import PayloadTooLargeError
from ._http import Remote, TooLarge
from .base import GraphSource, GraphWriter, Progress, chunks, no_progress

__all__ = ["SparqlUpdate", "render"]

_UPDATE = {"Content-Type": "application/sparql-update; charset=utf-8"}
_MAX_OPERATIONS = 1000  # operations per request: keeps each request's parse and plan small


@dataclass(slots=True)
class _Op:
    """``DROP SILENT GRAPH`` (``drop``), or ``INSERT DATA`` of ``count`` triples given as
    N-Triples ``text`` into ``graph``."""

    graph: str
    text: str = ""
    count: int = 0
    drop: bool = False
    whole: bool = False  # holds blank nodes: must not be split

    def render(self) -> str:
        if self.drop:
            return f"DROP SILENT GRAPH <{self.graph}>"
        return f"INSERT DATA {{ GRAPH <{self.graph}> {{\n{self.text}}} }}"


def render(ops: list[_Op]) -> str:
    """One update request of several operations (SPARQL 1.1 Update §3: separated by ``;``).

    >>> print(render([_Op("http://g", drop=True), _Op("http://g", "<a:s> <a:p> <a:o> .\\n", 1)]))
    DROP SILENT GRAPH <http://g> ;
    INSERT DATA { GRAPH <http://g> {
    <a:s> <a:p> <a:o> .
    } }
    """
    return " ;\n".join(op.render() for op in ops)


class SparqlUpdate(GraphWriter):
    """Replaces named graphs through a SPARQL 1.1 Update endpoint.

    >>> from graph.store.remote._http import Remote
    >>> from graph.store.remote.transport import mock_session
    >>> session = mock_session(lambda request: (204, {}, b""))
    >>> writer = SparqlUpdate(Remote(session), "http://localhost:7878/update")
    >>> class Graph:
    ...     iri, count = "http://example.org/g", 1
    ...     def lines(self): return iter(["<a:s> <a:p> <a:o> .\\n"])
    ...     def text(self): return "<a:s> <a:p> <a:o> .\\n"
    ...     def has_blank_nodes(self): return False
    >>> writer.write(Graph()); writer.close()
    >>> session.adapters["http://"].sent[0].body.decode().splitlines()[0]
    'DROP SILENT GRAPH <http://example.org/g> ;'
    """

    name = "update"
    default_batch = 10_000

    def __init__(self, remote: Remote, url: str, batch: int | None = None, progress: Progress = no_progress) -> None:
        super().__init__(remote, url, batch, progress)
        self._ops: list[_Op] = []
        self._triples = 0

    def write(self, graph: GraphSource) -> None:
        if graph.count > self.batch - self._triples:
            self._flush()  # a graph that fits in one request is not split across two
        self._ops.append(_Op(graph.iri, drop=True))
        if graph.count == 0:
            pass
        elif graph.count <= self.batch:
            self._add(_Op(graph.iri, graph.text(), graph.count))
        elif graph.has_blank_nodes():  # see GraphSource: one request, whatever its size
            self._add(_Op(graph.iri, graph.text(), graph.count, whole=True))
        else:
            for chunk in chunks(graph.lines(), self.batch):
                self._add(_Op(graph.iri, "".join(chunk), len(chunk)))
        if len(self._ops) >= _MAX_OPERATIONS:
            self._flush()

    def close(self) -> None:
        self._flush()

    def _add(self, op: _Op) -> None:
        self._ops.append(op)
        self._triples += op.count
        if self._triples >= self.batch or len(self._ops) >= _MAX_OPERATIONS:
            self._flush()

    def _flush(self) -> None:
        ops, self._ops, self._triples = self._ops, [], 0
        if ops:
            self._send(ops)

    def _send(self, ops: list[_Op]) -> None:
        try:
            self.remote.request("POST", self.url, data=render(ops).encode("utf-8"), headers=_UPDATE)
        except TooLarge as err:
            first, second = self._halves(ops, err)
            self._send(first)
            self._send(second)
            return
        self.progress(sum(op.count for op in ops))

    def _halves(self, ops: list[_Op], err: TooLarge) -> tuple[list[_Op], list[_Op]]:
        """Split a refused request in two with about half the triples each, order kept."""
        total = sum(op.count for op in ops)
        if total <= 1 or (len(ops) <= 2 and any(op.whole for op in ops)):
            graphs = ", ".join(sorted({f"<{op.graph}>" for op in ops}))
            raise PayloadTooLargeError(
                f"{err}: even a request of {total} triple(s) is refused ({graphs}); raise the server's request "
                "size limit, or push with --method gsp"
            ) from err
        self.batch = max(1, min(self.batch, total) // 2)
        self.shrinks += 1
        return _split(ops, total // 2)


def _split(ops: list[_Op], budget: int) -> tuple[list[_Op], list[_Op]]:
    first: list[_Op] = []
    for index, op in enumerate(ops):
        if budget <= 0 and first:
            return first, ops[index:]
        if op.drop or op.whole or op.count <= budget:
            first.append(op)
            budget -= op.count
            continue
        # N-Quads lines end at "\n" only: splitlines() would also cut a literal at U+2028 or U+0085.
        lines = [f"{line}\n" for line in op.text.split("\n")[:-1]]
        first.append(_Op(op.graph, "".join(lines[:budget]), budget))
        return first, [_Op(op.graph, "".join(lines[budget:]), op.count - budget), *ops[index + 1 :]]
    return first[:-1], first[-1:]
