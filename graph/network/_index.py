"""Projections' reading of the store through the per-record index.

Each record graph's entry (:mod:`graph.model.record_index`) holds that graph's quads for
the predicates projections read; one literal decoded per record replaces a few hundred
term decodes. What the entries do not cover is read as before, graph by graph: the shared
graphs (journals, ORCID persons …), ELink links, and any record graph without a current
entry. So ``by_subject`` over the index equals the plain scan over the whole store.

A store whose record graphs mostly lack entries (built before the index existed) is read
the plain way; loading its files again with ``pubgraph build`` adds the entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pyoxigraph as ox

from ..model.namespaces import PREFIXES
from ..model.record_index import INDEX_VERSION, SECTIONS, SEPARATOR
from ..store.oxigraph import KnowledgeStore

__all__ = ["IndexReading", "current", "index_scope", "plain_reading"]

#: record graphs without an entry read one by one, at most; beyond, the plain path is faster
MAX_UNINDEXED = 500
_INDEX = PREFIXES["pg"] + "index"
_TYPE = PREFIXES["rdf"] + "type"
_ORDER = {name: number for number, name in enumerate(SECTIONS)}
_SECTION_OF = {key: name for name, keys in SECTIONS.items() for key in keys}
_REFERENCES, _CONTENT = PREFIXES["biro"] + "references", PREFIXES["c4o"] + "hasContent"
_POSITION, _CONTEXT = PREFIXES["schema"] + "position", PREFIXES["pro"] + "isDocumentContextFor"
_HELD_BY, _NAME = PREFIXES["pro"] + "isHeldBy", PREFIXES["foaf"] + "name"
_PAGE = PREFIXES["foaf"] + "isPrimaryTopicOf"

_SCOPE: ContextVar[IndexReading | None] = ContextVar("pubgraph_index_reading", default=None)
_PLAIN: ContextVar[bool] = ContextVar("pubgraph_plain_reading", default=False)


@contextmanager
def plain_reading() -> Iterator[None]:
    """Projections inside this block ignore the index and read the store by SPARQL scans
    (the reading the index must equal: tests and benchmarks compare the two)."""
    token = _PLAIN.set(True)
    try:
        yield
    finally:
        _PLAIN.reset(token)


@contextmanager
def index_scope(kg: KnowledgeStore) -> Iterator[None]:
    """One projection's reading: entries are decoded once, on first use, and forgotten at the end."""
    token = _SCOPE.set(None if _PLAIN.get() else IndexReading(kg))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def current(kg: KnowledgeStore, key: str) -> IndexReading | None:
    """The index reading of ``kg`` when one is open and covers ``key`` (a predicate IRI,
    ``a <class>``, or a section name), else None: read the plain way."""
    reading = _SCOPE.get()
    if reading is None or reading.kg is not kg or (key not in _SECTION_OF and key not in SECTIONS):
        return None
    return reading if reading.usable else None


class IndexReading:
    """The entries of one store, read once, and the graphs they do not cover."""

    def __init__(self, kg: KnowledgeStore) -> None:
        self.kg = kg
        self._entries: list[list[str]] | None = None
        self._others: list[ox.NamedNode] = []
        self._parsed: dict[str, list[dict[str, Any]]] = {}
        self._merged: dict[tuple[str, bool], dict[str, list[str]]] = {}

    @property
    def usable(self) -> bool:
        if self._entries is None:
            self._load()
        return self._others_usable

    @property
    def unindexed(self) -> int:
        """How many record graphs have no current entry."""
        self.usable  # noqa: B018 - loads
        return self._unindexed

    def _load(self) -> None:
        store, iris = self.kg.oxigraph, self.kg.iris
        found: dict[str, str] = {}
        for quad in store.quads_for_pattern(None, ox.NamedNode(_INDEX), None, ox.NamedNode(iris.index_graph)):
            text = _value(quad.object)
            if text.startswith(INDEX_VERSION + SEPARATOR):
                found[_value(quad.subject)] = text
        graphs = {graph.value for graph in store.named_graphs()}
        records = iris.record_graph("")
        self._entries = [text.split(SEPARATOR)[1:] for graph, text in found.items() if graph in graphs]
        others = sorted(graphs - found.keys() - set(iris.derived_graphs))  # derived: nothing to read
        self._unindexed = sum(1 for graph in others if graph.startswith(records))
        self._others_usable = self._unindexed <= MAX_UNINDEXED
        self._others = [ox.NamedNode(graph) for graph in others]

    def _section(self, name: str) -> list[dict[str, Any]]:
        if name not in self._parsed:
            self.usable  # noqa: B018 - loads
            number = _ORDER[name]
            self._parsed[name] = [json.loads(entry[number]) for entry in self._entries or []]
        return self._parsed[name]

    def by_subject(self, key: str, articles_only: bool = False) -> dict[str, list[str]]:
        """Subject -> values of ``key`` over the whole store (entries, then other graphs).

        ``articles_only``: the caller reads only loaded articles' values, so other graphs'
        values of other subjects may be left out (the shared graph's 150,000 DOIs of cited works).
        """
        if (key, articles_only) in self._merged:
            return self._merged[key, articles_only]
        found: dict[str, list[str]] = {}
        for section in self._section(_SECTION_OF[key]):
            for subject, values in section.get(key, {}).items():
                known = found.get(subject)
                found[subject] = values if known is None else known + values
        for subject, value in self._scan_others(key, articles_only):
            found.setdefault(subject, []).append(value)
        self._merged[key, articles_only] = found
        return found

    def _scan_others(self, key: str, articles_only: bool = False) -> Iterator[tuple[str, str]]:
        """``key``'s (subject, value) pairs in the graphs the entries do not cover: a SPARQL
        scan, which decodes the two terms asked for where a quad pattern decodes four."""
        if not self._others:
            return
        graphs = " ".join(str(graph) for graph in self._others)
        cls = key[2:]
        pattern = f"?s <{_TYPE}> <{cls}> BIND(<{cls}> AS ?o)" if key.startswith("a ") else f"?s <{key}> ?o"
        loaded = f"FILTER EXISTS {{ GRAPH ?h {{ ?s <{_PAGE}> ?page }} }}" if articles_only else ""
        sparql = f"SELECT ?s ?o WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ {pattern} }} {loaded} }}"
        solutions = self.kg.oxigraph.query(sparql)
        assert isinstance(solutions, ox.QuerySolutions)
        for subject, value in solutions:
            yield _value(subject), _value(value)

    def reference_labels(self, works: Iterable[str]) -> dict[str, str]:
        """Work -> the smallest text of a reference to it, for the works asked."""
        wanted = set(works)
        labels: dict[str, str] = {}
        for section in self._section("references"):
            for work, (text,) in section.get("", {}).items():
                if work in wanted and (work not in labels or text < labels[work]):
                    labels[work] = text
        texts: dict[str, list[str]] = {}
        for reference, text in self._scan_others(_CONTENT):
            texts.setdefault(reference, []).append(text)
        for reference, work in self._scan_others(_REFERENCES):
            for text in texts.get(reference, ()):
                if work in wanted and (work not in labels or text < labels[work]):
                    labels[work] = text
        return labels

    def first_authors(self) -> Iterator[tuple[str, str, str | None]]:
        """(article, position, smallest name of the agents there) for byline positions 1-4:
        the rows of ``articles._FIRST_AUTHORS``."""
        positions, holders = self.by_subject(_POSITION), self.by_subject(_HELD_BY)
        names = self.by_subject(_NAME)
        for article, roles in self.by_subject(_CONTEXT).items():
            written: dict[str, list[str]] = {}
            for role in roles:
                agents = holders.get(role, ())
                for position in positions.get(role, ()) if agents else ():
                    if _number(position) <= 4:
                        known = written.setdefault(position, [])
                        known += [name for agent in agents for name in names.get(agent, ())]
            for position, found in written.items():
                yield article, position, min(found) if found else None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("inf")


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value
