"""The core commands: build, convert, query, stats, demo."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import QueryError, QueryParameterError
from ..pipeline import (
    DEMO_PMID,
    RESULT_FORMATS,
    BuildSummary,
    build,
    check_query,
    convert,
    run_demo,
    run_query,
    sample_files,
    store_path,
    store_stats,
    write_result,
)
from ._common import (
    Bars,
    base_option,
    cli,
    echo_json,
    emit_summary,
    inputs_or_fail,
    jobs_option,
    json_option,
    mesh_option,
    note,
    store_option,
)

__all__ = ["build_command", "convert_command", "demo_command", "query_command", "stats_command"]


@cli.command("build", short_help="Load PubMed files (or a PubMed search) into the store.")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@store_option
@base_option
@jobs_option
@mesh_option
@click.option("--query", "-q", metavar="TERMS", help="Load the hits of this PubMed search instead of files.")
@click.option("--api-key", envvar="NCBI_API_KEY", metavar="KEY", help="With --query: NCBI API key [env NCBI_API_KEY].")
@click.option("--email", envvar="NCBI_EMAIL", metavar="ADDRESS", help="With --query: your e-mail [env NCBI_EMAIL].")
@click.option(
    "--eutils-url",
    envvar="PUBGRAPH_EUTILS_URL",
    metavar="URL",
    help="With --query: E-utilities base URL [env PUBGRAPH_EUTILS_URL].",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PUBGRAPH_CACHE_DIR",
    help="With --query: where raw E-utilities responses are kept "
    "[default: $PUBGRAPH_CACHE_DIR, else the user cache directory, e.g. ~/.cache/pubgraph].",
)
@click.option("--refresh", is_flag=True, help="With --query: ask NCBI again instead of answering from the cache.")
@json_option
def build_command(
    inputs: tuple[Path, ...],
    store: Path | None,
    base: str | None,
    jobs: int | None,
    mesh: tuple[Path, ...],
    query: str | None,
    api_key: str | None,
    email: str | None,
    eutils_url: str | None,
    cache_dir: Path | None,
    refresh: bool,
    as_json: bool,
) -> None:
    """Load PubMed files or directories, or the hits of a PubMed search, into the store.

    Files: PubMed XML (.xml, .xml.gz) and PubMed format text (.nbib, .txt: what
    pubmed.gov's "Save" writes). They are applied in the order given (directories
    sorted), so pass the baseline before the update files. A record already in the
    store is replaced; a <DeleteCitation> removes it. A file that fails to read leaves
    the store as it was.

    With --query, the search runs on NCBI's E-utilities (see pubgraph fetch --help for
    rate limits, cache and resuming) and its records are loaded, with the query, date,
    counts and E-utilities used recorded in the store's provenance graph.

    \b
    Examples:
      pubgraph build efetch.xml
      pubgraph build exported-from-pubmed.nbib
      pubgraph build pubmed26n0001.xml.gz updates/ --store /data/kg
      pubgraph build --query 'hemangiopericytoma AND spine[mh]'
    """
    from .live import LiveBars, client_from_options, emit_harvest, warnings_as_lines

    if query is not None:
        if inputs:
            raise click.UsageError("give input files or --query, not both")
        from ..pipeline import build_query

        live_bars = LiveBars()
        try:
            with client_from_options(api_key, email, eutils_url, cache_dir, refresh) as client:
                harvest = build_query(
                    query,
                    store,
                    client=client,
                    base=base,
                    jobs=jobs,
                    progress=live_bars,
                    build_progress=live_bars,
                    mesh=mesh,
                )
        finally:
            live_bars.close()
        emit_harvest(as_json, harvest, "built", harvest.build.store if harvest.build else store)
        return
    files = inputs_or_fail(inputs)
    bars = Bars(len(files))
    try:
        with warnings_as_lines():
            summary = build(files, store, base=base, jobs=jobs, progress=bars, mesh=mesh)
    finally:
        bars.close()
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    emit_summary(as_json, summary, _build_line(summary))


def _build_line(summary: BuildSummary) -> str:
    rate = summary.records / summary.seconds if summary.seconds else 0
    return (
        f"built {summary.store}: {len(summary.files)} file(s), {summary.records:,} records, "
        f"{summary.deletions:,} deletions, {summary.quads:,} quads loaded in {summary.seconds:.1f} s "
        f"({rate:,.0f} records/s); store holds {summary.store_quads:,} quads"
    )


@cli.command("convert")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Output file; its extension picks the format: .nq .nt .ttl .trig .jsonld .rdf (+ .gz). With --dask: a folder.",
)
@base_option
@jobs_option
@mesh_option
@click.option(
    "--dask",
    is_flag=False,
    flag_value="local",
    default=None,
    metavar="[ADDRESS]",
    help="On a Dask cluster (scheduler ADDRESS, else a local one of --jobs workers): a .nq.gz shard per input file "
    "in the -o folder, current records only, and a manifest; a re-run skips unchanged shards.",
)
@json_option
def convert_command(
    inputs: tuple[Path, ...],
    output: Path,
    base: str | None,
    jobs: int | None,
    mesh: tuple[Path, ...],
    dask: str | None,
    as_json: bool,
) -> None:
    """Convert PubMed XML straight to an RDF file, without a store.

    N-Quads and N-Triples are written as records stream in, in constant memory; the
    file appears only when complete.

    \b
    Examples:
      pubgraph convert efetch.xml -o output/efetch.ttl
      pubgraph convert pubmed26n0001.xml.gz -o output/n0001.nq.gz
      pubgraph convert baseline/ updates/ -o shards/ --dask
      pubgraph convert baseline/ updates/ -o shards/ --dask tcp://sched:8786
    """
    if dask is not None:
        from .distributed import convert_on_dask

        return convert_on_dask(inputs, output, dask, jobs, base, mesh, as_json)
    files = inputs_or_fail(inputs)
    if output.is_dir():
        raise click.BadParameter(f"'{output}' is a directory (shards go to a folder with --dask)", param_hint="'-o'")
    bars = Bars(len(files))
    try:
        summary = convert(files, output, base=base, jobs=jobs, progress=bars, mesh=mesh)
    finally:
        bars.close()
    rate = summary.records / summary.seconds if summary.seconds else 0
    line = (
        f"wrote {summary.output}: {summary.records:,} records, {summary.quads:,} quads "
        f"in {summary.seconds:.1f} s ({rate:,.0f} records/s)"
    )
    emit_summary(as_json, summary, line)
    if summary.deletions:
        note(
            f"note: {summary.deletions:,} <DeleteCitation> entries cannot be expressed in an RDF file; "
            "apply them with pubgraph build"
        )


@cli.command("query")
@click.argument("sparql", required=False)
@click.option(
    "-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a .rq file."
)
@click.option("--saved", metavar="NAME", help="Run a saved query (see --list).")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Parameter of a saved query; repeatable."
)
@click.option("--list", "list_saved_queries", is_flag=True, help="List the saved queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True)
@store_option
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL endpoint instead of the store (pubgraph serve …).")
@click.option("--user", metavar="NAME", help="With --endpoint: user name for HTTP authentication.")
@click.option("--password-env", metavar="VAR", help="With --endpoint: environment variable holding the password.")
@click.option("--token-env", metavar="VAR", help="With --endpoint: environment variable holding a bearer token.")
@click.option("--digest", is_flag=True, help="With --endpoint: HTTP Digest instead of basic authentication.")
def query_command(
    sparql: str | None,
    query_file: Any,
    saved: str | None,
    params: tuple[str, ...],
    list_saved_queries: bool,
    fmt: str,
    store: Path | None,
    endpoint: str | None,
    user: str | None,
    password_env: str | None,
    token_env: str | None,
    digest: bool,
) -> None:
    """Run a SPARQL query over the store, or over any SPARQL endpoint.

    The prefixes rdf rdfs xsd owl dcterms foaf schema prov fabio cito biro c4o pro
    frbr frapo oco prism mesh meshv pg are predeclared, and the default graph is the
    union of all records' named graphs. With --endpoint the query goes over HTTP
    (SPARQL 1.1 Protocol), the prefixes it does not declare are added, and the results
    print the same way; serve the store with union default graph (pubgraph serve does)
    for the same answers.

    \b
    Examples:
      pubgraph query --list
      pubgraph query --saved top-cited --format csv
      pubgraph query --saved references -p pmid=28993889
      pubgraph query 'SELECT (COUNT(*) AS ?n) WHERE { ?a cito:cites ?b }'
      pubgraph query -f my-query.rq --format json
      pubgraph query --endpoint http://127.0.0.1:7878/query --saved top-cited
      pubgraph query --endpoint https://host/sparql --user u --password-env STORE_PW -f my-query.rq
    """
    if list_saved_queries:
        from ..pipeline import list_saved

        for item in list_saved():
            click.echo(f"{item.name:<22} {item.description}" + (f"  {item.usage}" if item.params else ""))
        return
    given = [x for x in (sparql, query_file, saved) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a SPARQL string, -f FILE, or --saved NAME")
    if saved:
        from ..pipeline import get_saved

        text = get_saved(saved).render(_params(params))
    elif params:
        raise click.UsageError("-p/--param goes with --saved NAME")
    else:
        text = sparql if sparql else _read_query(query_file)
    check_query(text)
    if endpoint:
        from ..pipeline import run_remote_query
        from .live import retry_echo
        from .remote import credentials

        result = run_remote_query(
            text, endpoint, credentials=credentials(user, password_env, token_env, digest), on_retry=retry_echo()
        )
    elif user or password_env or token_env or digest:
        raise click.UsageError("--user, --password-env, --token-env and --digest go with --endpoint")
    else:
        result = run_query(text, store_path(store))
    write_result(result, fmt, sys.stdout)


def _params(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryParameterError(f"-p {pair!r} is not NAME=VALUE (e.g. -p pmid=28993889)")
        if name in values:
            raise QueryParameterError(f"-p {name}= is given twice; give each parameter once")
        values[name] = value
    return values


def _read_query(query_file: Any) -> str:
    try:
        return str(query_file.read())
    except UnicodeDecodeError as err:
        raise QueryError(
            f"{query_file.name}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start}); "
            "save the query as UTF-8"
        ) from err


@cli.command("stats", short_help="Count what the store holds.")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats_command(store: Path | None, fmt: str) -> None:
    """Count articles, authors, journals, MeSH headings, citations … in the store.

    \b
    Examples:
      pubgraph stats
      pubgraph stats --store /data/kg --format json
    """
    stats = store_stats(store_path(store))
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                {
                    "store": str(stats.path),
                    "quads": stats.quads,
                    "named_graphs": stats.named_graphs,
                    "loads": stats.loads,
                    "interrupted_loads": list(stats.interrupted_loads),
                    **stats.counts,
                },
                indent=2,
            )
        )
        return
    click.echo(
        f"store {stats.path}: {stats.quads:,} quads in {stats.named_graphs:,} named graphs, {stats.loads} file loads"
    )
    for name in stats.interrupted_loads:
        click.echo(f"  note: the load of {name} was interrupted and rolled back; load that file again")
    width = max(len(label) for label in stats.counts)
    for label, count in stats.counts.items():
        click.echo(f"  {label:<{width}}  {count:>12,}")


@cli.command("demo", short_help="Build the bundled sample and show results.")
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store directory for the demo [default: output/demo; never PUBGRAPH_STORE].",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the build's summary, the counts and the answers' rows as one JSON object instead.",
)
def demo_command(store: Path | None, as_json: bool) -> None:
    """Build the bundled sample corpus and show what the graph can answer.

    The sample is illustrative data written for pubgraph, centred on the case report
    PMID 28993889 (Onoki T et al., Eur Spine J 2018), its references and citing works.
    It loads the baseline-like file, then an update file that revises, adds and
    deletes records, as PubMed's daily updates do.

    The demo builds into a store of its own, output/demo, and refuses a store that
    holds anything else, so its invented records never mix with your corpus.

    \b
    Examples:
      pubgraph demo
      pubgraph demo --store /tmp/demo-store
    """
    demo = run_demo(store)
    if as_json:
        echo_json(demo)
        return
    target = demo.store
    click.echo(_build_line(demo.build))
    click.echo()
    click.echo(
        "  ".join(
            f"{label}: {demo.stats.counts[label]:,}" for label in ("articles", "persons", "journals", "citation links")
        )
    )
    for answer in demo.answers:
        options = "".join(f" -p {k}={v}" for k, v in answer.params.items())
        click.echo(f"\n{answer.title}  (pubgraph query --saved {answer.saved}{options})")
        write_result(answer.result, "table", sys.stdout, width=60)
    option = f" --store {target}"
    click.echo(
        "\nWhat to try next:\n"
        f"  pubgraph stats{option}\n"
        f"  pubgraph query --list\n"
        f"  pubgraph query --saved cited-by -p pmid={DEMO_PMID}{option}\n"
        f'  pubgraph query \'SELECT ?title WHERE {{ ?a fabio:hasPubMedId "{DEMO_PMID}" ;'
        f" dcterms:title ?title }}'{option}\n"
        f"  pubgraph convert {sample_files()[0]} -o output/sample.ttl"
    )
