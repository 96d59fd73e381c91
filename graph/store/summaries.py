"""Summaries: counts derived from the store for the saved queries, kept in one named graph.

Each summary is a SPARQL CONSTRUCT query over the union of the store's graphs (the files
in ``graph/queries/summaries/``, which run unchanged in any SPARQL 1.1 tool), its triples
written into ``Iris.summaries_graph``. A marker triple there, ``<graph> pg:summariesVersion
N``, says they match the rest of the store: :func:`summaries_current` is the one test the
saved queries use to pick their fast forms (:mod:`graph.pipeline.query`). Every load run by
:meth:`~graph.store.oxigraph.KnowledgeStore.guarded` first removes the marker (so a failed
or killed load rolls it back with the data), and :func:`refresh_summaries` rebuilds the
graph once a build has loaded its last file, the marker last: until then, and wherever
the marker is missing or of another version, the saved queries run their plain forms.

CONSTRUCT rather than SPARQL Update: pyoxigraph runs an update's WHERE over the default
graph only (no union of the named graphs), and holds a whole update's writes in memory;
the constructed triples go to a scratch N-Triples file and into the store by its bulk
loader instead. Updates (``.ru``) only trim what is in the summaries graph.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from ..model.namespaces import PREFIXES
from .oxigraph import KnowledgeStore

__all__ = ["SUMMARIES_VERSION", "SUMMARY_NAMES", "refresh_summaries", "summaries_current", "summary_text"]

#: What the summaries graph holds: raise it when a summary query or its vocabulary changes.
SUMMARIES_VERSION = 1
SUMMARIES_MARKER = PREFIXES["pg"] + "summariesVersion"  # the one KnowledgeStore.guarded removes
_BASE_RE = re.compile(r"^BASE\s*<[^<>]*>", re.MULTILINE)


@cache
def _texts() -> dict[str, str]:
    folder = resources.files("graph.queries") / "summaries"
    files = sorted(item.name for item in folder.iterdir() if item.name.endswith((".rq", ".ru")))
    return {name.removesuffix(".rq"): (folder / name).read_text(encoding="utf-8") for name in files}


#: The summaries, by the name of their query file (``NAME.rq``); ``NAME.rest.rq`` completes
#: one (see below), and the SPARQL Update ``NAME.prune.ru`` trims it once written.
SUMMARY_NAMES = tuple(name for name in _texts() if "." not in name)
#: Summaries kept only for counts of 2 and more (most works are cited once, most authors
#: write one article), whose ``NAME.rest`` completes them when fewer than 100 reach 2, so
#: that they always hold every row a top-100-and-ties query may list: the property to count.
_TOPS = {"citation-counts": "citationCount", "author-counts": "authoredCount"}
_TOP = 100


def summary_text(name: str, base: str) -> str:
    """The CONSTRUCT query of summary ``name``, its row IRIs minted under ``base``.

    >>> "BASE <https://example.org/kg/>" in summary_text("author-counts", "https://example.org/kg/")
    True
    """
    return _BASE_RE.sub(lambda _match: f"BASE <{base}>", _texts()[name])


def summaries_current(kg: KnowledgeStore) -> bool:
    """Whether the store holds summaries of this version that match the rest of it.

    >>> summaries_current(KnowledgeStore.in_memory())
    False
    """
    graph = ox.NamedNode(kg.iris.summaries_graph)
    marker = ox.Quad(graph, ox.NamedNode(SUMMARIES_MARKER), ox.Literal(str(SUMMARIES_VERSION)), graph)
    return marker in kg.oxigraph


def refresh_summaries(kg: KnowledgeStore, scratch: Path | None = None) -> None:
    """Compute every summary again from the store, then mark them current.

    Run it when nothing else writes to the store. Killed halfway, it leaves no marker, so
    the saved queries keep their plain forms until the next build refreshes again.
    ``scratch`` is a folder for the constructed triples on their way into the store (the
    system's temporary folder by default).

    >>> kg = KnowledgeStore.in_memory()
    >>> refresh_summaries(kg)
    >>> summaries_current(kg)
    True
    """
    graph = ox.NamedNode(kg.iris.summaries_graph)
    try:
        kg.oxigraph.remove_graph(graph)
        for name in SUMMARY_NAMES:
            _write(kg, _constructed(kg, name), graph, scratch)
            if name in _TOPS and _count(kg, _TOPS[name]) < _TOP:
                _write(kg, _constructed(kg, f"{name}.rest"), graph, scratch)
            if f"{name}.prune.ru" in _texts():
                kg.oxigraph.update(summary_text(f"{name}.prune.ru", kg.iris.base))
        kg.oxigraph.add(ox.Quad(graph, ox.NamedNode(SUMMARIES_MARKER), ox.Literal(str(SUMMARIES_VERSION)), graph))
    except OSError as err:
        raise StoreError(
            f"{kg.path}: computing the query summaries failed ({err.strerror or err}); the data is loaded and "
            "the saved queries run without them: fix the cause (free space?) and build again to retry"
        ) from err


def _count(kg: KnowledgeStore, name: str) -> int:
    """How many facts of the pg: property ``name`` the summaries graph holds."""
    graph, predicate = kg.iris.summaries_graph, PREFIXES["pg"] + name
    answer = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s <{predicate}> ?o }} }}")
    assert isinstance(answer, ox.QuerySolutions)
    return int(next(iter(answer))[0].value)


def _constructed(kg: KnowledgeStore, name: str) -> ox.QueryTriples:
    answer = kg.query(summary_text(name, kg.iris.base))
    assert isinstance(answer, ox.QueryTriples)
    return answer


def _write(kg: KnowledgeStore, triples: ox.QueryTriples, graph: ox.NamedNode, scratch: Path | None) -> None:
    """Into ``graph``, as N-Triples passed from Oxigraph's writer to its bulk loader: no
    Python object per triple (three times faster), no transaction held in memory."""
    if kg.path is None:
        kg.oxigraph.load(triples.serialize(format=ox.RdfFormat.N_TRIPLES), ox.RdfFormat.N_TRIPLES, to_graph=graph)
        return
    with tempfile.NamedTemporaryFile(dir=scratch, prefix="pubgraph-summary-", suffix=".nt") as file:
        triples.serialize(file, ox.RdfFormat.N_TRIPLES)
        file.flush()
        kg.oxigraph.bulk_load(path=file.name, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
