"""The network commands: network (export), metrics (tables, write-back), render (HTML maps)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from tqdm import tqdm

from ..errors import NetworkError
from ..network._kinds import COMMUNITY_METHODS, KINDS
from ..network.where import WHERE_HELP, parse_where
from ..render._options import COLOR_BY, LAYOUTS, SIZE_BY
from ..store.oxigraph import store_path
from ._common import cli, store_option

if TYPE_CHECKING:
    import networkx as nx

# networkx, scipy and the projections load inside the commands: other commands start faster.

__all__ = ["metrics_command", "network_command", "render_command"]

F = TypeVar("F", bound=Callable[..., Any])
_KINDS = click.Choice(KINDS)


def _utf8(value: str | None) -> str | None:
    # An argument that is not UTF-8 arrives as lone surrogates (PEP 383): refuse it here,
    # not halfway through writing the page.
    if value is not None and any("\ud800" <= char <= "\udfff" for char in value):
        shown = value.encode("utf-8", "pubgraph.escape").decode("utf-8")  # see _common._printable_streams
        raise click.BadParameter(f"'{shown}' is not UTF-8 text")
    return value


def _projection_options(func: F) -> F:
    """--where, --min-weight, --include-cited, --all-mesh and --store: how to project."""
    for option in reversed(
        (
            click.option(
                "--where", "-w", "where", multiple=True, metavar="KEY=VALUE", help=f"Narrow the articles: {WHERE_HELP}."
            ),
            click.option(
                "--min-weight",
                type=int,
                default=1,
                show_default=True,
                help="Weighted kinds: drop links lighter than this (joint papers, shared references …).",
            ),
            click.option("--include-cited", is_flag=True, help="citation: add works cited but not loaded, as stubs."),
            click.option("--all-mesh", is_flag=True, help="mesh: count every heading, not only major topics."),
            store_option,
        )
    ):
        func = option(func)
    return func


class _Stages:
    """A one-line progress display of the projection's stages; silent when stderr is not a terminal."""

    def __init__(self, what: str) -> None:
        self._bar = tqdm(total=None, desc=what, bar_format="{desc} [{elapsed}]", disable=None, leave=False)

    def __call__(self, stage: str) -> None:
        self._bar.set_description_str(stage, refresh=True)

    def close(self) -> None:
        self._bar.close()


def _project(
    kind: str, store: Path | None, where: Sequence[str], min_weight: int, include_cited: bool, all_mesh: bool
) -> nx.Graph:
    from ..network.projections import project

    options: dict[str, Any] = {}
    if include_cited:
        options["include_cited"] = True
    if all_mesh:
        options["major_only"] = False
    stages = _Stages(f"{kind} network")
    try:
        return project(kind, store_path(store), parse_where(where), min_weight=min_weight, progress=stages, **options)
    finally:
        stages.close()


def _described(G: nx.Graph) -> str:
    kind, where = G.graph.get("kind", "network"), G.graph.get("where")
    text = f"{kind} network of {_plural(G.number_of_nodes(), 'node')} and {_plural(G.number_of_edges(), 'link')}"
    return text + (f" ({where})" if where else "")


@cli.command("network", short_help="Export a network (GraphML, GEXF, JSON, CSV).")
@click.argument("kind", type=_KINDS)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file; the extension picks the format: .graphml .gexf .json (node-link) .csv",
)
@click.option(
    "--metrics", "with_metrics", is_flag=True, help="Add PageRank, betweenness, community … as node attributes."
)
@_projection_options
def network_command(
    kind: str,
    output: Path,
    with_metrics: bool,
    where: tuple[str, ...],
    min_weight: int,
    include_cited: bool,
    all_mesh: bool,
    store: Path | None,
) -> None:
    """Project a network from the store and write it for Gephi, VOSviewer, Cytoscape or code.

    \b
    Kinds (nodes; links):
      citation    articles; citing -> cited
      cocitation  cited works; records citing both (weight)
      coupling    articles; shared references (weight)
      coauthor    people, merged by ORCID iD or by name plus a shared co-author or affiliation
      mesh        MeSH descriptors (major topics); articles with both (weight)
      keyword     author keywords; articles with both (weight)
      journal     journals; citation links between their articles (weight)

    \b
    --where narrows the articles every kind starts from (repeat it; same keys = either):
      year=2010-2020  year=2015  year=2010-  mesh=D006393  mesh=Hemangiopericytoma
      journal=9301980 (NLM ID)   journal=0940-6719 (ISSN)   journal="Eur Spine J"

    \b
    Examples:
      pubgraph network citation -o output/citations.graphml
      pubgraph network coauthor --min-weight 2 -o output/coauthors.gexf
      pubgraph network mesh --where year=2010-2020 -o output/mesh.json
      pubgraph network cocitation --min-weight 3 --metrics -o output/cocitation.csv
    """
    import networkx as nx

    from ..network.export import export_format, write_network
    from ..network.metrics import node_metrics

    started = time.perf_counter()
    export_format(output)  # fail before the projection's work, not after
    G = _project(kind, store, where, min_weight, include_cited, all_mesh)
    if with_metrics:
        for name, values in node_metrics(G).items():
            nx.set_node_attributes(G, values, name)
    files = write_network(G, output)
    click.echo(f"wrote {' and '.join(map(str, files))}: {_described(G)} in {time.perf_counter() - started:.1f} s")


@cli.command("metrics", short_help="Rank the nodes of a network: PageRank, citations, communities …")
@click.argument("kind", type=_KINDS, default="citation")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows to show.")
@click.option(
    "--sort",
    "sort_by",
    default="pagerank",
    show_default=True,
    metavar="METRIC",
    help="Column to rank by: pagerank, citations, references, degree, strength, betweenness, h_index.",
)
@click.option(
    "--method",
    type=click.Choice(COMMUNITY_METHODS),
    default="louvain",
    show_default=True,
    help="Community detection (leiden needs: pip install 'pubgraph[leiden]', and is far faster).",
)
@click.option(
    "--betweenness/--no-betweenness",
    default=True,
    show_default=True,
    help="Betweenness is sampled past 2,000 nodes; skip it to save time on big networks.",
)
@click.option(
    "--main-path",
    is_flag=True,
    help="citation: print the main path instead: the source-to-sink path of largest total search path count.",
)
@click.option("--bursts", "find_bursts", is_flag=True, help="mesh, keyword: print Kleinberg bursts over years instead.")
@click.option(
    "--write",
    "write_back",
    is_flag=True,
    help="Store the metrics in the named graph BASE/graph/metrics/KIND (replaced each time).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@_projection_options
def metrics_command(
    kind: str,
    top: int,
    sort_by: str,
    method: str,
    betweenness: bool,
    main_path: bool,
    find_bursts: bool,
    write_back: bool,
    fmt: str,
    where: tuple[str, ...],
    min_weight: int,
    include_cited: bool,
    all_mesh: bool,
    store: Path | None,
) -> None:
    """Measure a network projected from the store and print its top nodes.

    Directed kinds (citation, journal) show citations and references counted within the
    network; undirected ones degree and strength (summed weights); all show PageRank,
    betweenness and community. coauthor adds each person's h-index within the corpus.
    --write stores the values (pg:pageRank, pg:community, pg:localCitationCount, pg:hIndex …)
    in a named graph of their own, so SPARQL can sort and filter by them.

    \b
    Examples:
      pubgraph metrics --top 20
      pubgraph metrics coauthor --sort h_index --min-weight 2
      pubgraph metrics citation --where year=2010-2020 --write
      pubgraph metrics citation --main-path
      pubgraph metrics mesh --bursts --where year=2000-
      pubgraph query 'SELECT ?a ?pr WHERE { ?a pg:pageRank ?pr } ORDER BY DESC(?pr) LIMIT 5'
    """
    from ..network.metrics import h_index, node_metrics
    from ..network.writeback import write_metrics

    if main_path and find_bursts:
        raise click.UsageError("give --main-path or --bursts, not both")
    if find_bursts:
        _print_bursts(kind, store, where, all_mesh, top, fmt)
        return
    G = _project(kind, store, where, min_weight, include_cited, all_mesh)
    if G.number_of_nodes() == 0:
        raise NetworkError(f"the {_described(G)}: nothing to measure; widen --where or lower --min-weight")
    if main_path:
        _print_main_path(G, top, fmt, store if write_back else None, write_back)
        return
    extra = {}
    if kind == "coauthor":
        citations = _project("citation", store, where, 1, False, False)
        extra["h_index"] = lambda A: h_index(A, citations)
    table = node_metrics(G, with_betweenness=betweenness, method=method, extra=extra)
    if sort_by not in table:
        raise NetworkError(f"cannot sort the {kind} network by {sort_by!r}; use one of {', '.join(table)}")
    ranked = sorted(G, key=lambda n: (-table[sort_by][n], str(n)))[:top]
    _emit(_metric_rows(G, table, ranked, raw=fmt == "json"), fmt)
    if write_back:
        written = write_metrics(store_path(store), G, table)
        click.echo(f"stored {written:,} triples in the {kind} metrics graph of {store_path(store)}", err=True)
    click.echo(f"{_described(G)}; {len(set(table['community'].values())):,} communities", err=True)


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


def _print_main_path(G: nx.Graph, top: int, fmt: str, store: Path | None, write_back: bool) -> None:
    from ..network.mainpath import acyclic, main_path, search_path_count
    from ..network.writeback import write_metrics

    if not G.is_directed() or G.graph.get("kind") != "citation":
        raise NetworkError(f"--main-path needs the citation network, not {G.graph.get('kind')}")
    if not G.number_of_edges():
        raise NetworkError(f"no main path: the {_described(G)}, so no work cites another; {_more_links(G)}")
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
    _emit(rows, fmt)
    if write_back:
        on_path = {node: True for edge in path for node in edge}
        written = write_metrics(store_path(store), G, {"main_path": on_path})
        click.echo(f"stored {written:,} triples in the citation metrics graph", err=True)
    total = sum(spc[edge] for edge in path)
    click.echo(
        f"main path: {_plural(len(path), 'link')} over {_plural(len(path) + 1, 'work')} carrying "
        f"{_plural(total, 'search path')}, the most of any path from a work nobody cites to one citing none "
        "(ties: more links, then works first in PMID order); "
        f"{H.graph['dropped_links']:,} links dropped to break citation cycles; {_described(G)}",
        err=True,
    )


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _more_links(G: nx.Graph) -> str:
    if G.graph.get("cited_elsewhere"):
        return f"add the {G.graph['cited_elsewhere']:,} works they cite with --include-cited"
    return "widen --where or load the records they cite"


def _print_bursts(kind: str, store: Path | None, where: Sequence[str], all_mesh: bool, top: int, fmt: str) -> None:
    from ..network.bursts import bursts, term_years

    if kind not in ("mesh", "keyword"):
        raise NetworkError(f"--bursts works on mesh or keyword, not {kind}")
    counts, totals, labels = term_years(store_path(store), kind, parse_where(where), major_only=not all_mesh)
    found = [(term, burst) for term, runs in bursts(counts, totals).items() for burst in runs]
    found.sort(key=lambda item: (-item[1].weight, item[0]))
    rows = [
        {
            "term": term,
            "label": labels.get(term, term),
            "start": b.start,
            "end": b.end,
            "weight": b.weight if fmt == "json" else f"{b.weight:.2f}",
            "articles in burst": sum(counts[term].get(y, 0) for y in range(b.start, b.end + 1)),
        }
        for term, b in found[:top]
    ]
    _emit(rows, fmt)
    years = f"{min(totals)}-{max(totals)}" if totals else "no years"
    click.echo(
        f"{len(found):,} bursts in {len(counts):,} {kind} terms over {years}{_no_bursts(counts, totals, found)}",
        err=True,
    )


def _no_bursts(counts: Mapping[str, Any], totals: Mapping[int, int], found: Sequence[Any]) -> str:
    """Why there is no burst, when there is none."""
    if found:
        return ""
    if not counts:
        return ": no article passing --where has a publication year and a term"
    if len(totals) < 2:
        return ": bursts need articles from two years or more"
    return ": no term's share of the articles rose sharply enough in any run of years"


def _emit(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return
    headers = list(dict.fromkeys(key for row in rows for key in row))
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, headers, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    cells = [[_cell(row.get(h)) for h in headers] for row in rows]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row_cells in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row_cells, widths, strict=True)).rstrip())


def _cell(value: Any, width: int = 60) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


@cli.command("render", short_help="Draw a network as an interactive, offline HTML page.")
@click.argument("kind", type=_KINDS, default="citation")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .html page to write; a .png name writes an image of it (needs: pip install 'pubgraph[png]').",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_BY),
    default="community",
    show_default=True,
    help="community: clusters (Leiden with igraph, else Louvain); year: by period; journal: the 12 commonest.",
)
@click.option(
    "--size",
    type=click.Choice(SIZE_BY),
    default="citations",
    show_default=True,
    help="citations: works' citations in the store (articles for people, terms, journals).",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="force",
    show_default=True,
    help="timeline: x = publication year, related works at similar heights.",
)
@click.option(
    "--top",
    type=click.IntRange(1),
    default=5000,
    show_default=True,
    help="Keep at most this many nodes, the most connected; the page says when it cut.",
)
@click.option(
    "--isolated",
    "show_isolated",
    is_flag=True,
    help="Also draw nodes without links (hidden by default, counted in the page header).",
)
@click.option(
    "--title",
    default=None,
    callback=lambda _ctx, _param, value: _utf8(value),
    help="Page title [default: the kind of network].",
)
@_projection_options
def render_command(
    kind: str,
    output: Path,
    color: str,
    size: str,
    layout: str,
    top: int,
    show_isolated: bool,
    title: str | None,
    where: tuple[str, ...],
    min_weight: int,
    include_cited: bool,
    all_mesh: bool,
    store: Path | None,
) -> None:
    """Draw a network projected from the store as one self-contained HTML page.

    The page needs no network connection (vis-network is inlined): open it from disk or
    mail it. Hover a node for its title, authors, journal and year; click it for links to
    PubMed and the DOI; find nodes by PMID, title words or author; narrow the years shown.
    Positions are computed beforehand and physics is off, so 5,000 nodes stay responsive.

    \b
    Examples:
      pubgraph render citation -o output/citations.html --color community --size citations
      pubgraph render citation --layout timeline --top 3000 -o output/timeline.html
      pubgraph render coauthor --min-weight 2 --color year -o output/coauthors.html
      pubgraph render mesh --where year=2015- -o output/topics.html
      pubgraph render coauthor --min-weight 2 -o output/coauthors.png
    """
    from ..network.behind import records_behind
    from ..render.page import render_page
    from ..render.png import require_png

    if output.suffix.lower() == ".png":
        require_png(output)  # before the projection's work, not after
    G = _project(kind, store, where, min_weight, include_cited, all_mesh)
    behind = records_behind(G, store_path(store), parse_where(where))
    summary = render_page(
        G, output, color=color, size=size, layout=layout, top=top, title=title, isolated=show_isolated, behind=behind
    )
    click.echo(
        f"wrote {summary.path} ({summary.bytes / 1e6:.1f} MB in {summary.seconds:.1f} s; "
        f"{'a 1600 x 1000 image of the map' if output.suffix.lower() == '.png' else 'opens offline in any browser'})"
        f": {_described(G)}. Drawn: {summary.notice}"
    )
