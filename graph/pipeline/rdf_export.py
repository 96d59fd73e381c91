"""Export the store, or some of its named graphs, to an RDF file.

Quads stream from the store's indexes straight into pyoxigraph's serializers, so memory
stays flat whatever the store's size; the file is written under a temporary name and
renamed only when complete (:func:`graph.store.files.atomic_output`), gzip-compressed
when its name ends in ``.gz``. N-Quads, TriG and JSON-LD keep the graph names; N-Triples,
Turtle and RDF/XML hold triples only, so the chosen graphs are merged (pubgraph puts
every triple in exactly one graph, so nothing is repeated).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import GraphError
from ..model.namespaces import PREFIXES
from ..outputs import atomic_output
from ..store.files import rdf_format_for
from ..store.oxigraph import KnowledgeStore
from ..store.selection import graph_counts, select_graphs

__all__ = ["ExportSummary", "export"]

_PROGRESS_EVERY = 10_000


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What :func:`export` wrote."""

    output: Path
    format: str
    graphs: int
    quads: int
    seconds: float
    graph_names_kept: bool


def export(
    output: Path | str,
    store: KnowledgeStore | Path | str | None = None,
    *,
    graphs: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportSummary:
    """Write the store (or the named graphs ``graphs`` selects) to ``output``.

    The format follows the extension: ``.nq .trig .jsonld .nt .ttl .rdf``, each with an
    optional ``.gz``. ``graphs`` takes IRIs or names under ``BASE/graph/`` (see
    :func:`graph.store.selection.select_graphs`); the derived graphs (the record
    index and the query summaries, ``Iris.derived_graphs``) are left out unless named.
    ``progress`` is called with the number of quads written since its last call.

    >>> import tempfile
    >>> kg = KnowledgeStore.in_memory()
    >>> kg.add_quads('<http://e.org/s> <http://e.org/p> "o" <http://e.org/g> .\\n')
    >>> export(Path(tempfile.mkdtemp()) / "kg.nq.gz", kg).quads
    1
    """
    target = Path(output)
    fmt = rdf_format_for(target)
    if not isinstance(store, KnowledgeStore):
        with KnowledgeStore.open(store, read_only=True) as kg:
            return export(target, kg, graphs=graphs, progress=progress)
    chosen = select_graphs(graph_counts(store), graphs, store.iris.base) if graphs else None
    started = time.perf_counter()
    counter = _Counter(progress)
    quads = counter.count(_quads(store, chosen))
    stream: Iterator[ox.Quad] | Iterator[ox.Triple] = quads if fmt.quads else (quad.triple for quad in quads)
    with atomic_output(target) as out:
        try:
            ox.serialize(stream, out, fmt.oxigraph, prefixes=PREFIXES)
        except (SyntaxError, ValueError) as err:
            raise GraphError(f"cannot write {fmt.name} to {target}: {err}") from err
    derived = store.iris.derived_graphs
    graph_total = len(chosen) if chosen is not None else sum(g not in derived for g in store.named_graphs())
    return ExportSummary(target, fmt.name, graph_total, counter.total, time.perf_counter() - started, fmt.quads)


def _quads(store: KnowledgeStore, chosen: dict[str, int] | None) -> Iterator[ox.Quad]:
    if chosen is None:  # everything but the derived graphs (Iris.derived_graphs)
        derived = {ox.NamedNode(iri) for iri in store.iris.derived_graphs}
        yield from (quad for quad in store.oxigraph if quad.graph_name not in derived)
        return
    for iri in chosen:
        yield from store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(iri))


class _Counter:
    """Counts the quads passing through, reporting every few thousand."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.progress = progress
        self.total = 0

    def count(self, quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
        reported = 0
        for quad in quads:
            self.total += 1
            if self.progress is not None and self.total - reported >= _PROGRESS_EVERY:
                self.progress(self.total - reported)
                reported = self.total
            yield quad
        if self.progress is not None and self.total > reported:
            self.progress(self.total - reported)
