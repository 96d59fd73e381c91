"""The network commands: network (export), metrics (tables, write-back), render (HTML maps)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from ..pipeline import (
    COLOR_BY,
    COMMUNITY_METHODS,
    KINDS,
    LAYOUTS,
    SIZE_BY,
    WHERE_HELP,
    describe,
    export_network,
    find_bursts,
    rank_nodes,
    render_network,
    store_path,
    trace_main_path,
)
from ._common import bars_off, cli, echo_json, emit_summary, json_option, note, store_option

# The names above load without networkx or scipy: the analysis imports them when it runs.

__all__ = ["metrics_command", "network_command", "render_command"]

F = TypeVar("F", bound=Callable[..., Any])
_KINDS = click.Choice(KINDS)
_RAW = ("json", "object")  # row values as numbers, not formatted text


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
        self._bar = tqdm(total=None, desc=what, bar_format="{desc} [{elapsed}]", disable=bars_off(), leave=False)

    def __call__(self, stage: str) -> None:
        self._bar.set_description_str(stage, refresh=True)

    def close(self) -> None:
        self._bar.close()


@contextmanager
def _projection(
    kind: str, where: tuple[str, ...], min_weight: int, include_cited: bool, all_mesh: bool
) -> Iterator[dict[str, Any]]:
    """The projection's keyword arguments, with a stage display shown while the block runs."""
    stages = _Stages(f"{kind} network")
    try:
        yield {
            "where": where,
            "min_weight": min_weight,
            "include_cited": include_cited,
            "all_mesh": all_mesh,
            "progress": stages,
        }
    finally:
        stages.close()


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
@json_option
def network_command(
    kind: str,
    output: Path,
    with_metrics: bool,
    where: tuple[str, ...],
    min_weight: int,
    include_cited: bool,
    all_mesh: bool,
    store: Path | None,
    as_json: bool,
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
    with _projection(kind, where, min_weight, include_cited, all_mesh) as projection:
        done = export_network(kind, output, with_metrics=with_metrics, store=store, **projection)
    line = f"wrote {' and '.join(map(str, done.files))}: {describe(done.graph)} in {done.seconds:.1f} s"
    emit_summary(as_json, done, line)


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
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the rows (as --format json) and the summary's facts as one JSON object instead.",
)
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
    as_json: bool,
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
    if main_path and find_bursts:
        raise click.UsageError("give --main-path or --bursts, not both")
    if as_json and fmt != "table":
        raise click.UsageError("--json prints the rows in its object; give --json or --format, not both")
    fmt = "object" if as_json else fmt
    if find_bursts:
        _print_bursts(kind, store, where, all_mesh, top, fmt)
        return
    if main_path:
        _print_main_path(kind, store, fmt, write_back, where, min_weight, include_cited, all_mesh)
        return
    with _projection(kind, where, min_weight, include_cited, all_mesh) as projection:
        ranking = rank_nodes(
            kind,
            store,
            top=top,
            sort_by=sort_by,
            method=method,
            betweenness=betweenness,
            write=write_back,
            raw=fmt in _RAW,
            **projection,
        )
    if fmt == "object":
        echo_json(ranking)
        return
    _emit(ranking.rows, fmt)
    if ranking.written is not None:
        note(f"stored {ranking.written:,} triples in the {kind} metrics graph of {store_path(store)}")
    note(f"{describe(ranking.graph)}; {ranking.communities:,} communities")


def _print_main_path(
    kind: str,
    store: Path | None,
    fmt: str,
    write_back: bool,
    where: tuple[str, ...],
    min_weight: int,
    include_cited: bool,
    all_mesh: bool,
) -> None:
    with _projection(kind, where, min_weight, include_cited, all_mesh) as projection:
        path = trace_main_path(kind, store, write=write_back, **projection)
    if fmt == "object":
        echo_json(path)
        return
    _emit(path.rows, fmt)
    if path.written is not None:
        note(f"stored {path.written:,} triples in the citation metrics graph")
    note(
        f"main path: {_plural(len(path.rows), 'link')} over {_plural(len(path.rows) + 1, 'work')} carrying "
        f"{_plural(path.search_paths, 'search path')}, "
        "the most of any path from a work nobody cites to one citing none "
        "(ties: more links, then works first in PMID order); "
        f"{path.dropped_links:,} links dropped to break citation cycles; {describe(path.graph)}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _print_bursts(kind: str, store: Path | None, where: tuple[str, ...], all_mesh: bool, top: int, fmt: str) -> None:
    table = find_bursts(kind, store, where, all_mesh=all_mesh, top=top, raw=fmt in _RAW)
    if fmt == "object":
        echo_json(table)
        return
    _emit(table.rows, fmt)
    note(f"{table.bursts:,} bursts in {table.terms:,} {kind} terms over {table.years}{table.why_none}")


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
@click.option(
    "--chromium",
    envvar="PUBGRAPH_CHROMIUM",
    metavar="PATH",
    default=None,
    help="For a .png output: the Chromium to drive [env PUBGRAPH_CHROMIUM; default: /usr/bin/chromium].",
)
@_projection_options
@json_option
def render_command(
    kind: str,
    output: Path,
    color: str,
    size: str,
    layout: str,
    top: int,
    show_isolated: bool,
    title: str | None,
    chromium: str | None,
    where: tuple[str, ...],
    min_weight: int,
    include_cited: bool,
    all_mesh: bool,
    store: Path | None,
    as_json: bool,
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
    page = {
        "color": color,
        "size": size,
        "layout": layout,
        "top": top,
        "title": title,
        "isolated": show_isolated,
        "chromium": chromium,
    }
    with _projection(kind, where, min_weight, include_cited, all_mesh) as projection:
        drawn = render_network(kind, output, store, page=page, **projection)
    summary = drawn.page
    line = (
        f"wrote {summary.path} ({summary.bytes / 1e6:.1f} MB in {summary.seconds:.1f} s; "
        f"{'a 1600 x 1000 image of the map' if output.suffix.lower() == '.png' else 'opens offline in any browser'})"
        f": {describe(drawn.graph)}. Drawn: {summary.notice}"
    )
    emit_summary(as_json, drawn, line)
