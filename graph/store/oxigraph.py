"""The embedded, persistent knowledge-graph store (pyoxigraph, RocksDB on disk).

Records are applied per input file: the file is first converted completely to a staged
N-Quads file (so bad input never touches the store), then, inside :meth:`KnowledgeStore.guarded`,
the named graphs of every record it mentions are dropped and the staged quads
bulk-loaded; shared descriptions that only the dropped records used are then removed.
``guarded`` keeps a checkpoint of the store until that step is complete
(:mod:`graph.store.checkpoint`), so a load that fails or is killed leaves the store as it
was before it, and says so on the next open.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from ..errors import QueryError, StoreError, StoreLockedError
from ..model.iris import Iris
from ..model.links import elink_nquads
from ..model.namespaces import CITO, PREFIXES
from ..model.terms import iri, literal
from .checkpoint import Checkpoint
from .unchanged import drop_graph_lines

__all__ = ["DEFAULT_STORE", "KnowledgeStore", "store_path"]

DEFAULT_STORE = Path("output") / "store"
_PG = PREFIXES["pg"]
_IN_PROGRESS = ox.NamedNode(_PG + "loadInProgress")
_INTERRUPTED = ox.NamedNode(_PG + "InterruptedLoad")
_INPUT = ox.NamedNode(_PG + "input")
_SHA256 = ox.NamedNode(_PG + "sha256")
_SUMMARIES_VERSION = ox.NamedNode(_PG + "summariesVersion")
_INDEX = ox.NamedNode(_PG + "index")  # graph.model.record_index
RDF_TYPE = PREFIXES["rdf"] + "type"


def store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store directory: ``path``, else ``output/store`` (the command line maps
    ``--store`` and ``PUBGRAPH_STORE`` to ``path``).

    >>> str(store_path()), str(store_path("kg"))
    ('output/store', 'kg')
    """
    return Path(path or DEFAULT_STORE)


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
        """Open (creating when writable) the store at ``path``; see :func:`store_path`.

        A load that was interrupted (killed, or the machine stopped) is rolled back first,
        even by a read-only open, unless another process is still running it.
        """
        where = store_path(path)
        iris = iris or Iris()
        checkpoint = Checkpoint(where)
        if read_only:
            if checkpoint.exists():
                _settle_abandoned(where, iris)
            if not (where / "CURRENT").exists():
                raise StoreError(f"no store at {where}: build one first (pubgraph build FILES, or pubgraph demo)")
            return cls(_open(lambda: ox.Store.read_only(str(where)), where), where, iris, True)
        _refuse_foreign(where)
        if checkpoint.pending_restore():
            checkpoint.restore()
        where.mkdir(parents=True, exist_ok=True)
        kg = cls(_open(lambda: ox.Store(str(where)), where), where, iris, False)
        if checkpoint.exists():
            kg._settle(checkpoint)
        return kg

    @classmethod
    def in_memory(cls, iris: Iris | None = None) -> KnowledgeStore:
        """A throw-away store, for tests and small conversions."""
        return cls(ox.Store(), None, iris or Iris(), False)

    def close(self) -> None:
        store = self.__dict__.pop("_store", None)
        if store is not None and not self.read_only and self.path is not None:
            try:
                store.flush()
            except OSError as err:
                raise StoreError(f"{self.path}: writing the store failed ({err.strerror or err})") from err

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
    @contextmanager
    def guarded(self, marker: str) -> Iterator[None]:
        """Keep what the block writes only if the block completes.

        Any failure (an exception, SIGTERM turned into one, a full disk) restores the store
        as it was before the block; a crash or ``kill -9`` is rolled back on the next open.
        ``marker`` (the input's name) is what :meth:`interrupted_loads` reports afterwards.
        An in-memory store has nothing to keep safe and runs the block as it is.
        """
        self._writable()
        if self.path is None:
            self._summaries_stale()
            yield
            return
        marker = marker.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # a file name, as shown
        checkpoint = Checkpoint(self.path)
        flag = ox.Quad(_IN_PROGRESS, _INPUT, ox.Literal(marker), self._prov_graph)
        try:
            checkpoint.take(self._store)
            self._store.add(flag)
            self._summaries_stale()
        except OSError as err:
            checkpoint.discard()
            reason = err.strerror or err
            raise StoreError(f"{self.path}: cannot start loading {marker} ({reason}); nothing changed") from err
        try:
            yield
            self._forget_interrupted(marker)
            self._store.remove(flag)
            self._store.flush()
        except BaseException as err:
            self._roll_back(checkpoint, marker, err)
            if isinstance(err, OSError):
                raise StoreError(
                    f"{self.path}: writing the store failed while loading {marker} ({err.strerror or err}); "
                    "the store is as it was before that file: fix the cause (free space?) and re-run the same command"
                ) from err
            raise
        checkpoint.discard()

    def _summaries_stale(self) -> None:
        """The query summaries no longer match: drop their marker (graph.store.summaries)."""
        graph = ox.NamedNode(self.iris.summaries_graph)
        for quad in list(self._store.quads_for_pattern(graph, _SUMMARIES_VERSION, None, graph)):
            self._store.remove(quad)

    def _settle(self, checkpoint: Checkpoint) -> None:
        """A checkpoint found on opening: roll back the load it guarded if that load never
        finished (the flag is still set), else just drop it."""
        marker = self._in_progress()
        if marker is None:
            checkpoint.discard()
        else:
            self._roll_back(checkpoint, marker, None)

    def _roll_back(self, checkpoint: Checkpoint, marker: str, cause: BaseException | None) -> None:
        assert self.path is not None
        self.__dict__.pop("_store", None)  # closes it: a rename swaps the folders next
        try:
            checkpoint.restore()
            self._store = _open(lambda: ox.Store(str(self.path)), self.path)
        except (OSError, StoreError) as err:
            raise StoreError(
                f"{self.path}: the load of {marker} failed ({cause or 'interrupted'}) and restoring the store "
                f"failed too ({err}); the next pubgraph command on this store completes the restore"
            ) from err
        if not isinstance(cause, Exception):  # killed or stopped, not failed: leave a note for stats
            with contextlib.suppress(OSError):  # a full disk may refuse even this note
                self._store.load(_interrupted_nquads(self.iris, marker), format=ox.RdfFormat.N_QUADS)

    def apply(self, staged: Path, replaced: Iterable[str]) -> None:
        """Drop the named graphs of ``replaced`` PMIDs, then bulk-load ``staged`` N-Quads.

        A record graph whose staged quads are exactly those an earlier load put there
        (same SHA-256 of its lines, kept as ``<graph> pg:sha256`` in the provenance graph)
        stays as it is, and its lines are taken out of the staged file: reloading a file
        costs no removals, no orphan search and no second bulk load of what is there. A record's index entry
        (:mod:`graph.model.record_index`) goes with its graph, and the staged file brings
        the new one. Not atomic by itself:
        run it inside :meth:`guarded`, which also rolls back the digests and entries written here.
        """
        self._writable()
        digests, indexed = _record_digests(staged, self.iris.record_graph(""), self.iris.index_graph)
        present = [p for p in replaced if self._store.contains_named_graph(ox.NamedNode(self.iris.record_graph(p)))]
        kept = self._unchanged(present, digests)
        present = [p for p in present if p not in kept]
        dropped = self._shared_nodes_used_by(present)  # read before the graphs go
        for pmid in present:
            self._store.remove_graph(ox.NamedNode(self.iris.record_graph(pmid)))
        self._replace_digests([p for p in replaced if p not in kept], digests)
        self._drop_index_entries([p for p in replaced if p not in kept] + indexed)
        drop_graph_lines(staged, map(self.iris.record_graph, kept))  # in the store already, line for line
        if staged.stat().st_size:
            try:
                # Lenient: staged files are our own output, whose terms are valid by
                # construction (graph.model.terms, tested); skipping the IRI checks is ~10%.
                self._store.bulk_load(path=str(staged), format=ox.RdfFormat.N_QUADS, lenient=True)
            except (SyntaxError, ValueError, MemoryError) as err:
                raise StoreError(
                    f"the store refused the converted records ({err}); this is a pubgraph bug, please report it"
                ) from err
        self._drop_orphans(dropped)

    def _unchanged(self, pmids: list[str], digests: dict[str, str]) -> set[str]:
        """Those of ``pmids`` whose graph an earlier load filled with the same lines."""
        kept = set()
        for pmid in pmids:
            digest = digests.get(pmid)
            graph = ox.NamedNode(self.iris.record_graph(pmid))
            if digest is not None and ox.Quad(graph, _SHA256, ox.Literal(digest), self._prov_graph) in self._store:
                kept.add(pmid)
        return kept

    def _replace_digests(self, pmids: list[str], digests: dict[str, str]) -> None:
        """The digests of ``pmids`` become those of their staged lines (none if deleted)."""
        graph = self._prov_graph
        for pmid in pmids:
            node = ox.NamedNode(self.iris.record_graph(pmid))
            for quad in list(self._store.quads_for_pattern(node, _SHA256, None, graph)):
                self._store.remove(quad)
        self._store.extend(
            ox.Quad(ox.NamedNode(self.iris.record_graph(pmid)), _SHA256, ox.Literal(digests[pmid]), graph)
            for pmid in pmids
            if pmid in digests
        )

    def _drop_index_entries(self, pmids: list[str]) -> None:
        """Remove the index entries of these records: replaced or deleted ones, and those
        the staged file brings a new entry for (an unchanged record's comes back the same)."""
        graph = ox.NamedNode(self.iris.index_graph)
        for pmid in pmids:
            node = ox.NamedNode(self.iris.record_graph(pmid))
            for quad in list(self._store.quads_for_pattern(node, _INDEX, None, graph)):
                self._store.remove(quad)

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
        derived = ", ".join(f"<{g}>" for g in self.iris.derived_graphs)  # recomputed: keep nothing alive
        query = f"""SELECT ?node WHERE {{
            VALUES ?node {{ {" ".join(map(str, nodes))} }}
            FILTER EXISTS {{ GRAPH ?shared {{ ?node ?q ?v }} VALUES ?shared {{ {" ".join(shared)} }} }}
            FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?node }} FILTER(?s != ?node && ?g NOT IN ({derived})) }}
            FILTER NOT EXISTS {{ GRAPH ?g {{ ?node ?p ?o }} FILTER(?g NOT IN ({", ".join(shared)}, {derived})) }}
        }}"""
        return self._select_nodes(query)

    def _select_nodes(self, query: str) -> list[ox.NamedNode]:
        """The first column of a SELECT over the whole store (named graphs as they are)."""
        solutions = self._store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        return [row[0] for row in solutions if isinstance(row[0], ox.NamedNode)]

    def compact(self) -> None:
        """Merge the files bulk loads left into sorted levels (RocksDB compaction).

        Each bulk load adds files whose keys overlap every other's, so reading one term
        (every query result, every pattern scan decodes terms by key) checks each of
        them: on a 30,000-record store, point reads are about six times slower before
        compaction. It changes no data, and a crash during it loses nothing.
        """
        self._writable()
        try:
            self._store.optimize()
        except OSError as err:
            raise StoreError(f"{self.path}: compacting the store failed ({err.strerror or err})") from err

    def add_quads(self, nquads: str) -> None:
        """Add N-Quads text in one transaction (small data: provenance, metrics)."""
        self._writable()
        self._store.load(nquads, format=ox.RdfFormat.N_QUADS)

    def remove_graph(self, graph_iri: str) -> None:
        self._writable()
        self._store.remove_graph(ox.NamedNode(graph_iri))

    def add_elink_links(self, edges: Iterable[tuple[str, str]], staging: Path) -> None:
        """Load the citation links ELink reported, ``(citing, cited)`` PMIDs, in one guarded
        step (see :func:`~graph.model.links.elink_nquads`); ``staging`` holds the scratch file."""
        pairs = set(edges)
        cites = CITO.iri("cites")
        present = {(a, b) for a, b in pairs if self.contains(self.iris.article(a), cites, self.iris.article(b))}
        staged = staging / "elink.nq"
        with open(staged, "w", encoding="utf-8") as out:
            out.writelines(f"{s} {p} {o} {g} .\n" for s, p, o, g in elink_nquads(pairs, self.iris, present))
        with self.guarded("elink citation links"):
            self.apply(staged, ())

    def interrupted_loads(self) -> list[str]:
        """The inputs whose loads were interrupted and rolled back, not loaded again since."""
        graph = self._prov_graph
        notes = self._store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), _INTERRUPTED, graph)
        return sorted(
            quad.object.value
            for note in notes
            for quad in self._store.quads_for_pattern(note.subject, _INPUT, None, graph)
            if isinstance(quad.object, ox.Literal)
        )

    def inputs_other_than(self, sha256s: set[str]) -> str | None:
        """Something in the store that no input file with one of these SHA-256 sums loaded:
        the name of another load or harvest, or a word on records loaded some other way."""
        sums = ", ".join(f'"{value}"' for value in sorted(sha256s))
        activities = f"""SELECT ?name WHERE {{
            ?activity a prov:Activity ; rdfs:label ?name
            FILTER(?activity != pg:loadInProgress)
            FILTER NOT EXISTS {{ ?activity prov:used/pg:sha256 ?sum FILTER(?sum IN ({sums})) }}
        }} LIMIT 1"""
        others = self._store.query(activities, prefixes=PREFIXES, default_graph=self._prov_graph)
        assert isinstance(others, ox.QuerySolutions)
        for row in others:
            return str(row[0].value)
        loads = self._store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(PREFIXES["prov"] + "Activity"))
        if len(self._store) and next(loads, None) is None:
            return "records that no recorded load brought"
        return None

    def _in_progress(self) -> str | None:
        for quad in self._store.quads_for_pattern(_IN_PROGRESS, _INPUT, None, self._prov_graph):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    def _forget_interrupted(self, marker: str) -> None:
        note = ox.NamedNode(_interrupted_iri(self.iris, marker))
        for quad in list(self._store.quads_for_pattern(note, None, None, self._prov_graph)):
            self._store.remove(quad)

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

    def contains(self, subject: str, predicate: str, obj: str) -> bool:
        """Whether the store holds this triple (IRIs) in any graph."""
        quads = self._store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(obj))
        return next(quads, None) is not None

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


def _interrupted_iri(iris: Iris, marker: str) -> str:
    return f"{iris.base}activity/interrupted/{hashlib.sha256(marker.encode()).hexdigest()[:16]}"


def _interrupted_nquads(iris: Iris, marker: str) -> str:
    note, graph = iri(_interrupted_iri(iris, marker)), iri(iris.provenance_graph)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return (
        f"{note} {iri(RDF_TYPE)} {_INTERRUPTED} {graph} .\n"
        f"{note} {_INPUT} {literal(marker)} {graph} .\n"
        f"{note} {iri(PREFIXES['prov'] + 'endedAtTime')} {literal(stamp, 'dateTime')} {graph} .\n"
    )


def _settle_abandoned(where: Path, iris: Iris) -> None:
    """Before a read-only open: roll back a load whose process died. A load still running
    holds the write lock, and its checkpoint is left alone."""
    with contextlib.suppress(StoreError):  # locked, or not ours to write: open as it is
        KnowledgeStore.open(where, iris=iris).close()


def _refuse_foreign(where: Path) -> None:
    """Never write a store among files that are not one (a typo in --store, a home folder)."""
    if not where.is_dir() or (where / "CURRENT").exists():
        return
    others = sorted(p.name for p in where.iterdir() if not p.name.startswith(".pubgraph-"))
    if others:
        raise StoreError(
            f"{where} is not a pubgraph store and is not empty (it holds {others[0]!r}"
            f"{f' and {len(others) - 1} more' if len(others) > 1 else ''}); "
            "choose a new or empty directory with --store"
        )


def _record_digests(staged: Path, record_graphs: str, index_graph: str) -> tuple[dict[str, str], list[str]]:
    """PMID -> SHA-256 of the staged lines in that record's own graph, in file order;
    and the PMIDs whose index entry the file brings (lines in ``index_graph``).

    Staged files are our own N-Quads, one quad a line, every quad in a named graph: the
    graph is the line's last IRI, and an IRI never holds ``<``.
    """
    prefix, index = f"<{record_graphs}".encode(), f"<{index_graph}>".encode()
    subject = f"<{record_graphs}".encode()
    hashes: dict[bytes, hashlib._Hash] = {}
    indexed: list[str] = []
    with open(staged, "rb") as lines:
        for line in lines:
            start = line.rfind(b"<")
            if line.startswith(prefix, start):
                graph = line[start + len(prefix) : line.index(b">", start)]
                found = hashes.get(graph)
                if found is None:
                    found = hashes[graph] = hashlib.sha256()
                found.update(line)
            elif line.startswith(index, start) and line.startswith(subject):
                indexed.append(line[len(subject) : line.index(b">")].decode())
    return {pmid.decode(): digest.hexdigest() for pmid, digest in hashes.items()}, indexed


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
