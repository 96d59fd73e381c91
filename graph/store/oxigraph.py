"""The embedded, persistent knowledge-graph store (pyoxigraph, RocksDB on disk).

Records are applied per input file: the file is first converted completely to a staged
N-Quads file (so bad input never touches the store), then the named graphs of every
record it mentions are dropped and the staged quads bulk-loaded; shared descriptions
that only the dropped records used are then removed. A marker in the
provenance graph is set before that step and cleared after it, so an interrupted load
is reported on the next open instead of passing silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from ..errors import QueryError, StoreError, StoreLockedError
from ..model.iris import Iris
from ..model.namespaces import PREFIXES

__all__ = ["DEFAULT_STORE", "KnowledgeStore", "store_path"]

DEFAULT_STORE = Path("output") / "store"
_PG = PREFIXES["pg"]
_IN_PROGRESS = ox.NamedNode(_PG + "loadInProgress")


def store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store directory: ``path``, else ``$PUBGRAPH_STORE``, else ``output/store``."""
    return Path(path or os.environ.get("PUBGRAPH_STORE") or DEFAULT_STORE)


class KnowledgeStore:
    """An opened store. Use as a context manager; open read-only for queries.

    >>> import tempfile
    >>> with KnowledgeStore.open(tempfile.mkdtemp() + "/kg") as kg:
    ...     kg.count_quads()
    0
    """

    def __init__(self, store: ox.Store, path: Path | None, iris: Iris, read_only: bool) -> None:
        self._store = store
        self.path = path
        self.iris = iris
        self.read_only = read_only

    # opening and closing
    @classmethod
    def open(
        cls, path: Path | str | None = None, *, read_only: bool = False, iris: Iris | None = None
    ) -> KnowledgeStore:
        """Open (creating when writable) the store at ``path``; see :func:`store_path`."""
        where = store_path(path)
        iris = iris or Iris.from_env()
        if read_only:
            if not (where / "CURRENT").exists():
                raise StoreError(f"no store at {where}: build one first (pubgraph build FILES, or pubgraph demo)")
            return cls(_open(lambda: ox.Store.read_only(str(where)), where), where, iris, True)
        where.mkdir(parents=True, exist_ok=True)
        return cls(_open(lambda: ox.Store(str(where)), where), where, iris, False)

    @classmethod
    def in_memory(cls, iris: Iris | None = None) -> KnowledgeStore:
        """A throw-away store, for tests and small conversions."""
        return cls(ox.Store(), None, iris or Iris.from_env(), False)

    def close(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()
        del self._store

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for what this class does not wrap."""
        return self._store

    # writing
    def apply(self, staged: Path, replaced: Iterable[str], marker: str) -> None:
        """Drop the named graphs of ``replaced`` PMIDs, then bulk-load ``staged`` N-Quads.

        ``marker`` names the input in the in-progress flag (see :meth:`interrupted_load`).
        """
        self._writable()
        flag = ox.Quad(_IN_PROGRESS, ox.NamedNode(_PG + "input"), ox.Literal(marker), self._prov_graph)
        try:
            self._store.add(flag)
            present = [p for p in replaced if self._store.contains_named_graph(ox.NamedNode(self.iris.record_graph(p)))]
            dropped = self._shared_nodes_used_by(present)  # read before the graphs go
            for pmid in present:
                self._store.remove_graph(ox.NamedNode(self.iris.record_graph(pmid)))
            if staged.stat().st_size:
                # Lenient: staged files are our own output, whose terms are valid by
                # construction (graph.model.terms, tested); skipping the IRI checks is ~10%.
                self._store.bulk_load(path=str(staged), format=ox.RdfFormat.N_QUADS, lenient=True)
            self._drop_orphans(dropped)
            self._store.remove(flag)
        except OSError as err:
            raise StoreError(
                f"{self.path}: writing the store failed ({err}); re-run the same build to complete it"
            ) from err

    def _shared_nodes_used_by(self, pmids: list[str]) -> set[ox.NamedNode]:
        """What these records' graphs point to, and their articles: the nodes that may
        have a shared description only these records use (the orphan check sorts them)."""
        graphs = [ox.NamedNode(self.iris.record_graph(pmid)) for pmid in pmids]
        articles = {ox.NamedNode(self.iris.article(pmid)) for pmid in pmids}
        found: set[ox.NamedNode] = set()
        for batch in _batches(graphs):
            query = f"""SELECT DISTINCT ?node WHERE {{
                VALUES ?g {{ {" ".join(map(str, batch))} }}
                GRAPH ?g {{ ?s ?p ?node }} FILTER(isIRI(?node))
            }}"""
            found.update(self._select_nodes(query))
        return found | articles

    def _drop_orphans(self, candidates: set[ox.NamedNode]) -> None:
        """Remove the shared descriptions that only dropped records used.

        A node described in a shared graph (a cited work's stub, a journal issue, an
        ORCID person, an affiliation, a MeSH pair …) stays while anything else points to
        it or a record describes it; otherwise its description goes, and whatever that
        description pointed to is checked in turn (an issue, then its volume, then its
        journal). So loading a baseline and its updates in order leaves exactly what
        loading the current records would.
        """
        while candidates:
            orphans = [node for batch in _batches(sorted(candidates, key=str)) for node in self._orphans(batch)]
            candidates = set()
            for node in orphans:
                for graph in (self.iris.entities_graph, self.iris.mesh_graph):
                    description = list(self._store.quads_for_pattern(node, None, None, ox.NamedNode(graph)))
                    for quad in description:
                        self._store.remove(quad)
                    candidates.update(q.object for q in description if isinstance(q.object, ox.NamedNode))

    def _orphans(self, nodes: list[ox.NamedNode]) -> list[ox.NamedNode]:
        """Those of ``nodes`` that have a shared description and nothing else uses."""
        shared = (f"<{self.iris.entities_graph}>", f"<{self.iris.mesh_graph}>")
        query = f"""SELECT ?node WHERE {{
            VALUES ?node {{ {" ".join(map(str, nodes))} }}
            FILTER EXISTS {{ GRAPH ?shared {{ ?node ?q ?v }} VALUES ?shared {{ {" ".join(shared)} }} }}
            FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?node }} FILTER(?s != ?node) }}
            FILTER NOT EXISTS {{ GRAPH ?g {{ ?node ?p ?o }} FILTER(?g NOT IN ({", ".join(shared)})) }}
        }}"""
        return self._select_nodes(query)

    def _select_nodes(self, query: str) -> list[ox.NamedNode]:
        """The first column of a SELECT over the whole store (named graphs as they are)."""
        solutions = self._store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        return [row[0] for row in solutions if isinstance(row[0], ox.NamedNode)]

    def add_quads(self, nquads: str) -> None:
        """Add N-Quads text in one transaction (small data: provenance, metrics)."""
        self._writable()
        self._store.load(nquads, format=ox.RdfFormat.N_QUADS)

    def remove_graph(self, graph_iri: str) -> None:
        self._writable()
        self._store.remove_graph(ox.NamedNode(graph_iri))

    def interrupted_load(self) -> str | None:
        """The input whose load was cut short by a crash, or None when the store is clean."""
        for quad in self._store.quads_for_pattern(_IN_PROGRESS, None, None, self._prov_graph):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    # reading
    def query(self, sparql: str, *, union: bool = True) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL with the common prefixes predeclared and, by default, the union of
        all named graphs as the default graph."""
        try:
            return self._store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=union)
        except SyntaxError as err:
            raise QueryError(f"invalid SPARQL: {err}") from err
        except OSError as err:
            raise QueryError(f"query failed: {err}") from err

    def count_quads(self) -> int:
        return len(self._store)

    def named_graphs(self) -> Iterator[str]:
        for graph in self._store.named_graphs():
            yield str(graph.value)

    def dump_nquads(self, exclude: Iterable[str] = ()) -> Iterator[str]:
        """Every quad as an N-Quads line, graphs in ``exclude`` left out."""
        skipped = set(exclude)
        for quad in self._store:
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value in skipped:
                continue
            yield f"{quad} .\n"

    @property
    def _prov_graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.iris.provenance_graph)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: store opened read-only")


def _batches(items: list[ox.NamedNode], size: int = 2_000) -> Iterator[list[ox.NamedNode]]:
    # SPARQL VALUES blocks of a bounded size: the query text stays small.
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open(opener: Callable[[], ox.Store], where: Path) -> ox.Store:
    try:
        return opener()
    except OSError as err:
        if "lock" in str(err).lower():
            raise StoreLockedError(
                f"{where} is in use by another process (a running build, or a SPARQL server); "
                "wait for it to finish or stop it, or choose another store with --store"
            ) from err
        raise StoreError(f"cannot open the store at {where}: {err}") from err
