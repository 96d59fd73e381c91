"""What every push protocol shares: the graphs it reads and the interface it implements.

A protocol is a module with one :class:`GraphWriter` class, registered by name in
:data:`graph.store.remote.PROTOCOLS`. It receives each named graph as a
:class:`GraphSource` (N-Triples lines that can be read again, so a batch refused as too
large can be re-sent smaller) and reports progress in triples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

import pyoxigraph as ox

from ._http import Remote

__all__ = ["GraphSource", "GraphWriter", "Progress", "StoreGraph", "chunks", "no_progress"]

#: Called with the number of triples just sent (negative to take back a refused batch).
Progress = Callable[[int], None]


def no_progress(_: int) -> None:
    """The progress callback that ignores progress."""


class GraphSource(Protocol):
    @property
    def iri(self) -> str: ...

    @property
    def count(self) -> int:
        """Number of triples."""
        ...

    def lines(self) -> Iterator[str]:
        """The graph's triples as N-Triples lines; each call starts again from the first."""
        ...

    def text(self) -> str:
        """The whole graph as N-Triples text (for graphs sent in one piece)."""
        ...

    def has_blank_nodes(self) -> bool:
        """Whether a blank node occurs: such a graph must travel in one request, since a
        blank node label means a new node in every request (SPARQL 1.1 Update §3.1.1)."""
        ...


@dataclass(frozen=True, slots=True)
class StoreGraph:
    """A named graph of an opened pyoxigraph store.

    >>> store = ox.Store()
    >>> g = ox.NamedNode("http://example.org/g")
    >>> s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    >>> store.add(ox.Quad(s, p, ox.Literal("o"), g))
    >>> list(StoreGraph(store, g.value, 1).lines())
    ['<http://example.org/s> <http://example.org/p> "o" .\\n']
    >>> StoreGraph(store, g.value, 1).has_blank_nodes()
    False
    """

    store: ox.Store
    iri: str
    count: int

    def lines(self) -> Iterator[str]:
        for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(self.iri)):
            yield f"{quad.triple} .\n"

    def text(self) -> str:
        data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(self.iri))
        return (data or b"").decode("utf-8")

    def has_blank_nodes(self) -> bool:
        answer = self.store.query(f"ASK {{ GRAPH <{self.iri}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}")
        return bool(answer)


class GraphWriter:
    """One push protocol: replaces each named graph on the target with the given one.

    Subclasses set ``name`` and ``default_batch`` and implement :meth:`write` and
    :meth:`close`; ``batch`` may shrink (``shrinks`` counts how often) when the server
    refuses a request as too large.
    """

    name: str
    default_batch: int

    def __init__(self, remote: Remote, url: str, batch: int | None = None, progress: Progress = no_progress) -> None:
        self.remote = remote
        self.url = url
        self.batch = batch or self.default_batch
        self.progress = progress
        self.shrinks = 0

    def write(self, graph: GraphSource) -> None:
        """Replace ``graph`` on the target (some writers send it only at :meth:`close`)."""
        raise NotImplementedError

    def close(self) -> None:
        """Send whatever is still pending."""
        raise NotImplementedError


def chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """``lines`` in lists of at most ``size``.

    >>> [len(c) for c in chunks(map(str, range(5)), 2)]
    [2, 2, 1]
    """
    iterator = iter(lines)
    while chunk := list(islice(iterator, size)):
        yield chunk
