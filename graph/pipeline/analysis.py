"""The network tasks: project a network from the store, export it, rank its nodes, trace
its main path, find bursts, draw it. Each returns data (rows as dicts, in the order the
commands print them) and never prints.

>>> from graph.store import KnowledgeStore
>>> describe(project_network("citation", KnowledgeStore.in_memory()))
'citation network of 0 nodes and 0 links'
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NetworkError
from ..network.where import parse_where
from ..store.oxigraph import KnowledgeStore, store_path

if TYPE_CHECKING:
    import networkx as nx

    from ..render.page import PageSummary

__all__ = [
    "BurstTable",
    "MainPath",
    "NetworkFiles",
    "NodeRanking",
    "RenderedNetwork",
    "describe",
    "export_network",
    "find_bursts",
    "project_network",
    "rank_nodes",
    "render_network",
    "trace_main_path",
]

Stages = Callable[[str], None]
Store = KnowledgeStore | Path | str | None


@dataclass(frozen=True, slots=True)
class NetworkFiles:
    """What :func:`export_network` wrote."""

    files: tuple[Path, ...]
    graph: nx.Graph
    seconds: float


@dataclass(frozen=True, slots=True)
class NodeRanking:
    """The top nodes of a network by one metric, each row with every metric."""

    graph: nx.Graph
    rows: list[dict[str, Any]]
    communities: int
    written: int | None = None  # triples stored in the metrics graph, when asked to


@dataclass(frozen=True, slots=True)
class MainPath:
    """The citation network's main path, one row per link from the oldest work on."""

    graph: nx.Graph
    rows: list[dict[str, Any]]
    search_paths: int  # carried by the whole path
    dropped_links: int  # to break citation cycles
    written: int | None = None


@dataclass(frozen=True, slots=True)
class BurstTable:
    """Kleinberg bursts of MeSH or keyword terms, strongest first."""

    rows: list[dict[str, Any]]
    bursts: int
    terms: int
    years: str  # "2001-2020", or "no years"
    why_none: str  # "" when there are bursts, else ": the reason"


@dataclass(frozen=True, slots=True)
class RenderedNetwork:
    page: PageSummary
    graph: nx.Graph


def project_network(
    kind: str,
    store: Store = None,
    where: Sequence[str] = (),
    *,
    min_weight: int = 1,
    include_cited: bool = False,
    all_mesh: bool = False,
    progress: Stages | None = None,
) -> nx.Graph:
    """The ``kind`` network of the articles that ``where`` (``KEY=VALUE`` texts) keeps."""
    from ..network.projections import project

    options: dict[str, Any] = {}
    if include_cited:
        options["include_cited"] = True
    if all_mesh:
        options["major_only"] = False
    if progress is not None:
        options["progress"] = progress
    return project(kind, _store(store), parse_where(where), min_weight=min_weight, **options)


def describe(G: nx.Graph) -> str:
    """``citation network of 3 nodes and 2 links (year=2010-)``: what a network holds."""
    kind, where = G.graph.get("kind", "network"), G.graph.get("where")
    text = f"{kind} network of {_plural(G.number_of_nodes(), 'node')} and {_plural(G.number_of_edges(), 'link')}"
    return text + (f" ({where})" if where else "")


def export_network(
    kind: str, output: Path | str, *, with_metrics: bool = False, store: Store = None, **projection: Any
) -> NetworkFiles:
    """Project the ``kind`` network and write it (format from ``output``'s extension);
    ``with_metrics`` adds PageRank, betweenness, community … as node attributes.
    ``projection`` takes :func:`project_network`'s keyword arguments."""
    import networkx as nx

    from ..network.export import export_format, write_network
    from ..network.metrics import node_metrics

    started = time.perf_counter()
    export_format(Path(output))  # fail before the projection's work, not after
    G = project_network(kind, store, **projection)
    if with_metrics:
        for name, values in node_metrics(G).items():
            nx.set_node_attributes(G, values, name)
    files = write_network(G, Path(output))
    return NetworkFiles(tuple(files), G, time.perf_counter() - started)


def rank_nodes(
    kind: str,
    store: Store = None,
    *,
    top: int = 20,
    sort_by: str = "pagerank",
    method: str = "louvain",
    betweenness: bool = True,
    write: bool = False,
    raw: bool = False,
    **projection: Any,
) -> NodeRanking:
    """The ``top`` nodes of the ``kind`` network by ``sort_by``, each with every metric.

    coauthor networks add each person's h-index within the corpus (from the citation
    network of the same articles). ``write`` stores the metrics in the store's metrics
    graph; ``raw`` keeps floats as numbers (else four significant digits).
    """
    from ..network.metrics import h_index, node_metrics
    from ..network.writeback import write_metrics

    G = _measurable(kind, store, projection)
    extra = {}
    if kind == "coauthor":
        same = {key: projection[key] for key in ("where", "progress") if key in projection}
        citations = project_network("citation", store, **same)
        extra["h_index"] = lambda A: h_index(A, citations)
    table = node_metrics(G, with_betweenness=betweenness, method=method, extra=extra)
    if sort_by not in table:
        raise NetworkError(f"cannot sort the {kind} network by {sort_by!r}; use one of {', '.join(table)}")
    ranked = sorted(G, key=lambda n: (-table[sort_by][n], str(n)))[:top]
    rows = _metric_rows(G, table, ranked, raw=raw)
    written = write_metrics(_store(store), G, table) if write else None
    return NodeRanking(G, rows, len(set(table["community"].values())), written)


def trace_main_path(kind: str = "citation", store: Store = None, *, write: bool = False, **projection: Any) -> MainPath:
    """The main path of the citation network: the source-to-sink path carrying the most
    search paths (ties: more links, then works first in PMID order)."""
    from ..network.mainpath import acyclic, main_path, search_path_count
    from ..network.writeback import write_metrics

    G = _measurable(kind, store, projection)
    if not G.is_directed() or G.graph.get("kind") != "citation":
        raise NetworkError(f"--main-path needs the citation network, not {G.graph.get('kind')}")
    if not G.number_of_edges():
        raise NetworkError(f"no main path: the {describe(G)}, so no work cites another; {_more_links(G)}")
    H = acyclic(G)
    spc = search_path_count(H)
    path = main_path(H, spc)
    rows = [
        {
            "step": i,
            "cited": cited,
            "citing": citing,
            "spc": spc[citing, cited],
            "cited work": _label(cited, G.nodes[cited]),
            "citing work": _label(citing, G.nodes[citing]),
        }
        for i, (citing, cited) in enumerate(path, start=1)
    ]
    written = None
    if write:
        on_path = {node: True for edge in path for node in edge}
        written = write_metrics(_store(store), G, {"main_path": on_path})
    return MainPath(G, rows, sum(spc[edge] for edge in path), H.graph["dropped_links"], written)


def find_bursts(
    kind: str,
    store: Store = None,
    where: Sequence[str] = (),
    *,
    all_mesh: bool = False,
    top: int = 20,
    raw: bool = False,
) -> BurstTable:
    """The ``top`` strongest bursts of ``kind`` (mesh or keyword) terms over the years."""
    from ..network.kleinberg import bursts, term_years

    if kind not in ("mesh", "keyword"):
        raise NetworkError(f"--bursts works on mesh or keyword, not {kind}")
    counts, totals, labels = term_years(_store(store), kind, parse_where(where), major_only=not all_mesh)
    found = [(term, burst) for term, runs in bursts(counts, totals).items() for burst in runs]
    found.sort(key=lambda item: (-item[1].weight, item[0]))
    rows = [
        {
            "term": term,
            "label": labels.get(term, term),
            "start": b.start,
            "end": b.end,
            "weight": b.weight if raw else f"{b.weight:.2f}",
            "articles in burst": sum(counts[term].get(y, 0) for y in range(b.start, b.end + 1)),
        }
        for term, b in found[:top]
    ]
    years = f"{min(totals)}-{max(totals)}" if totals else "no years"
    return BurstTable(rows, len(found), len(counts), years, _no_bursts(counts, totals, found))


def render_network(
    kind: str,
    output: Path | str,
    store: Store = None,
    where: Sequence[str] = (),
    *,
    page: Mapping[str, Any] | None = None,
    **projection: Any,
) -> RenderedNetwork:
    """Draw the ``kind`` network as an offline HTML page (or a PNG image of it, by
    ``output``'s extension); ``page`` takes :func:`graph.render.render_page`'s options."""
    from ..network.behind import records_behind
    from ..render.page import render_page
    from ..render.png import require_png

    out = Path(output)
    if out.suffix.lower() == ".png":
        require_png(out, (page or {}).get("chromium"))  # before the projection's work, not after
    G = project_network(kind, store, where, **projection)
    behind = records_behind(G, _store(store), parse_where(where))
    return RenderedNetwork(render_page(G, out, behind=behind, **(page or {})), G)


def _store(store: Store) -> KnowledgeStore | Path:
    return store if isinstance(store, KnowledgeStore) else store_path(store)


def _measurable(kind: str, store: Store, projection: Mapping[str, Any]) -> nx.Graph:
    G = project_network(kind, store, **projection)
    if G.number_of_nodes() == 0:
        raise NetworkError(f"the {describe(G)}: nothing to measure; widen --where or lower --min-weight")
    return G


def _metric_rows(
    G: nx.Graph, table: Mapping[str, Mapping[Hashable, Any]], nodes: Sequence[Hashable], *, raw: bool = False
) -> list[dict[str, Any]]:
    rows = []
    for rank, node in enumerate(nodes, start=1):
        data = G.nodes[node]
        row: dict[str, Any] = {"rank": rank, "node": node, "label": _label(node, data)}
        if "year" in data:
            row["year"] = data["year"]
        if "citations" in data:
            row["store citations"] = data["citations"]
        for name, values in table.items():
            row[name] = _shown(name, values.get(node), raw)
        rows.append(row)
    return rows


def _shown(name: str, value: Any, raw: bool = False) -> Any:
    """Floats to four significant digits (JSON keeps the numbers); communities counted from 1, as on the pages."""
    if isinstance(value, float) and not raw:
        return f"{value:.4g}"
    return value + 1 if name == "community" and isinstance(value, int) else value


def _label(node: Hashable, data: Mapping[str, Any]) -> str:
    if data.get("first_author"):
        return f"{data['first_author']}: {data.get('title', '')}"
    return str(data.get("label") or data.get("title") or node)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _more_links(G: nx.Graph) -> str:
    if G.graph.get("cited_elsewhere"):
        return f"add the {G.graph['cited_elsewhere']:,} works they cite with --include-cited"
    return "widen --where or load the records they cite"


def _no_bursts(counts: Mapping[str, Any], totals: Mapping[int, int], found: Sequence[Any]) -> str:
    """Why there is no burst, when there is none."""
    if found:
        return ""
    if not counts:
        return ": no article passing --where has a publication year and a term"
    if len(totals) < 2:
        return ": bursts need articles from two years or more"
    return ": no term's share of the articles rose sharply enough in any run of years"
