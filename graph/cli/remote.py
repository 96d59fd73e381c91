"""The commands that connect the store to other tools: serve, export, push."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from ..errors import RemoteError
from ..pipeline import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    PROTOCOLS,
    Credentials,
    Endpoint,
    PushSummary,
    RetryPolicy,
    credentials_from_env,
    export,
    push,
    serve,
)
from ._common import bars_off, cli, emit_summary, json_option, note, store_option
from .live import retry_echo

__all__ = ["auth_options", "credentials", "export_command", "push_command", "serve_command"]

F = TypeVar("F", bound=Callable[..., Any])
_METHOD_NAMES = {"gsp": "Graph Store Protocol", "update": "SPARQL Update"}
_MISMATCH_ROWS = 20


def auth_options(func: F) -> F:
    """--user, --password-env, --token-env, --digest: credentials without secrets on the command line."""
    for option in reversed(
        (
            click.option("--user", metavar="NAME", help="User name for HTTP basic (or --digest) authentication."),
            click.option(
                "--password-env",
                metavar="VAR",
                help="Environment variable holding the password (prompted for when omitted).",
            ),
            click.option("--token-env", metavar="VAR", help="Environment variable holding a bearer token."),
            click.option("--digest", is_flag=True, help="HTTP Digest instead of basic (Virtuoso's *-auth endpoints)."),
        )
    ):
        func = option(func)
    return func


def credentials(user: str | None, password_env: str | None, token_env: str | None, digest: bool) -> Credentials | None:
    """The credentials the auth options ask for; prompts (hidden) for a password not in the environment."""
    password = None
    if user and not password_env and not token_env:
        if not sys.stdin.isatty():
            raise click.UsageError(f"--user {user} needs --password-env VAR (no terminal to prompt on)")
        password = click.prompt(f"password for {user}", hide_input=True, err=True)
    return credentials_from_env(user, password_env, token_env, digest=digest, password=password)


@cli.command("serve", short_help="Serve the store as a SPARQL endpoint.")
@store_option
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on (0.0.0.0: every interface)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--writable", is_flag=True, help="Accept SPARQL Update and Graph Store writes (read-only otherwise).")
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=60,
    show_default=True,
    help="Query time limit, seconds: a query still running then is stopped and answered with HTTP 500.",
)
@click.option("--cors", is_flag=True, help="Allow cross-origin requests (for web pages on other hosts).")
@click.option(
    "--allow-federation",
    is_flag=True,
    help="Let SERVICE (and LOAD, with --writable) send requests to other servers; refused otherwise.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests whose Host header is NAME (a proxy's or a DNS name); repeatable.",
)
def serve_command(
    store: Path | None,
    host: str,
    port: int,
    writable: bool,
    timeout: float,
    cors: bool,
    allow_federation: bool,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint, with a query page.

    GET and POST queries, results as JSON, XML, CSV or TSV and graphs in any RDF syntax
    by content negotiation, the Graph Store Protocol at /store, and a query page at /
    that works offline. The default graph is the union of all named graphs, and
    pubgraph's prefixes are predeclared, as for pubgraph query. Each query runs in a
    worker process that is killed when it passes --timeout.

    Read-only and on 127.0.0.1 unless told otherwise. It sends no request to other
    servers (SERVICE is refused) unless --allow-federation, and answers only requests
    addressed to it by its own name (DNS rebinding): add names with --allow-host.
    Ctrl-C or SIGTERM stops it.

    \b
    Examples:
      pubgraph serve
      pubgraph serve --store /data/kg --port 8000 --timeout 300
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' http://127.0.0.1:7878/query
    """
    endpoint = serve(
        store,
        host=host,
        port=port,
        writable=writable,
        timeout=timeout,
        cors=cors,
        allow_federation=allow_federation,
        allowed_hosts=allowed_hosts,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _announce(endpoint, timeout)
        endpoint.wait()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        endpoint.stop()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _announce(endpoint: Endpoint, timeout: float) -> None:
    for warning in endpoint.warnings:
        click.echo(f"warning: {warning}", err=True)
    mode = "writable" if endpoint.writable else "read-only"
    click.echo(
        f"serving {endpoint.store} ({mode}; default graph: union of the named graphs; "
        f"queries stop after {timeout:g} s)\n"
        f"  query page    {endpoint.url}/\n"
        f"  SPARQL query  {endpoint.query_url}\n"
        + (f"  SPARQL update {endpoint.update_url}\n" if endpoint.writable else "")
        + f"  graph store   {endpoint.store_url}\n"
        "press Ctrl-C to stop"
    )


@cli.command("export", short_help="Write the store to an RDF file.")
@store_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file; its extension picks the format: .nq .trig .jsonld .nt .ttl .rdf (+ .gz).",
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="NAME",
    help="Only this named graph: an IRI, or a name under BASE/graph/ (entities, pubmed/28993889, "
    "pubmed/*); repeatable.",
)
@json_option
def export_command(store: Path | None, output: Path, graphs: tuple[str, ...], as_json: bool) -> None:
    """Write the whole store, or chosen named graphs, to an RDF file.

    Quads stream from the store to the file, so memory stays flat; the file appears only
    when complete. .nq, .trig and .jsonld keep the graph names; .nt, .ttl and .rdf merge
    the graphs into one.

    \b
    Examples:
      pubgraph export -o output/pubmed.nq.gz
      pubgraph export -o output/shared.ttl --graph entities --graph mesh
      pubgraph export -o output/records.trig.gz --graph 'pubmed/*'
    """
    with tqdm(unit="quad", unit_scale=True, desc=output.name, disable=bars_off(), leave=False) as bar:
        summary = export(output, store, graphs=graphs or None, progress=bar.update)
    rate = summary.quads / summary.seconds if summary.seconds else 0
    line = (
        f"wrote {summary.output}: {summary.quads:,} quads from {_graphs(summary.graphs)} as {summary.format} "
        f"in {summary.seconds:.1f} s ({rate:,.0f} quads/s)"
    )
    emit_summary(as_json, summary, line)
    if not summary.graph_names_kept and summary.graphs > 1:
        note(f"note: {summary.format} keeps no graph names: the graphs were merged (use .nq or .trig to keep them)")


@cli.command("push", short_help="Copy the store into a running triple store.")
@click.argument("url")
@store_option
@click.option(
    "--method",
    type=click.Choice(list(PROTOCOLS)),
    default="gsp",
    show_default=True,
    help="gsp: SPARQL 1.1 Graph Store Protocol (PUT per graph); update: SPARQL 1.1 Update.",
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="NAME",
    help="Only this named graph (IRI, or entities, pubmed/PMID, pubmed/* …); repeatable.",
)
@auth_options
@click.option(
    "--batch",
    type=click.IntRange(1),
    default=None,
    help="Triples per request [default: 50,000 for gsp, 10,000 for update]; shrinks on HTTP 413.",
)
@click.option(
    "--query-endpoint", metavar="URL", help="SPARQL query URL for the final count check [default: derived from URL]."
)
@click.option("--no-verify", is_flag=True, help="Skip the final comparison of triple counts.")
@click.option("--retries", type=click.IntRange(0), default=3, show_default=True, help="Retries of a failed request.")
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=300,
    show_default=True,
    help="Seconds to wait for each answer (silence, or a whole body) before giving up.",
)
@json_option
def push_command(
    url: str,
    store: Path | None,
    method: str,
    graphs: tuple[str, ...],
    user: str | None,
    password_env: str | None,
    token_env: str | None,
    digest: bool,
    batch: int | None,
    query_endpoint: str | None,
    no_verify: bool,
    retries: int,
    timeout: float,
    as_json: bool,
) -> None:
    """Copy the store's named graphs into a running triple store, then check the counts.

    Each named graph replaces the graph of the same IRI on the target, so pushing again
    updates instead of duplicating, and a push that stopped is completed by running it
    again. Transient failures are retried; afterwards each graph's triple count on the
    target is compared with the store's, and any difference exits with status 1.
    Passwords and tokens are read from environment variables, never from arguments.

    \b
    URL forms (GSP / update; the query URL for the check is derived):
      Oxigraph   http://HOST:7878/store              /  http://HOST:7878/update
      Fuseki     http://HOST:3030/DS/data (or /DS)   /  http://HOST:3030/DS/update
      GraphDB    http://HOST:7200/repositories/R/rdf-graphs/service  /  .../repositories/R/statements
      Virtuoso   http://HOST:8890/sparql-graph-crud-auth  /  http://HOST:8890/sparql-auth  (with --digest)

    \b
    Examples:
      pubgraph push http://localhost:7878/store
      pubgraph push http://localhost:3030/ds --user admin --password-env FUSEKI_PW
      pubgraph push http://host/sparql --method update --user u --password-env STORE_PW
      pubgraph push http://host:8890/sparql-graph-crud-auth --user dba --password-env DBA_PW --digest
    """
    auth = credentials(user, password_env, token_env, digest)
    with tqdm(unit="triple", unit_scale=True, desc="push", disable=bars_off(), leave=False) as bar:

        def total(count: int) -> None:
            bar.total = count
            bar.refresh()

        summary = push(
            url,
            store,
            method=method,
            graphs=graphs or None,
            credentials=auth,
            batch=batch,
            verify=not no_verify,
            query_url=query_endpoint,
            retry=RetryPolicy(retries=retries),
            timeout=timeout,
            progress=bar.update,
            on_total=total,
            on_retry=retry_echo(),
        )
    _report(summary, as_json)


def _graphs(count: int) -> str:
    return f"{count:,} named graph{'' if count == 1 else 's'}"


def _report(summary: PushSummary, as_json: bool) -> None:
    rate = summary.triples / summary.seconds if summary.seconds else 0
    line = (
        f"pushed {summary.triples:,} triples in {_graphs(summary.graphs)} to {summary.url} by "
        f"{_METHOD_NAMES.get(summary.method, summary.method)} in {summary.seconds:.1f} s ({rate:,.0f} triples/s; "
        f"{summary.requests:,} requests, {summary.retries} retries)"
    )
    emit_summary(as_json, summary, line, omit=("checks",))  # a count per graph: the mismatches say enough
    if summary.shrinks:
        note(
            f"note: the server refused large requests (HTTP 413); batches were halved {summary.shrinks} "
            "time(s) (a smaller --batch avoids that)"
        )
    if summary.default_graph_skipped:
        note(
            f"note: {summary.default_graph_skipped:,} triples in the store's default graph were not pushed "
            "(only named graphs are)"
        )
    if not summary.verified:
        return
    if as_json:  # the checks are in the JSON object
        _fail_on_mismatches(summary)
        return
    if not summary.mismatches:
        click.echo(
            f"verified at {summary.query_url}: all {summary.graphs:,} graphs hold the same number of triples "
            f"as the store ({summary.remote_triples:,})"
        )
        return
    _mismatch_table(summary)
    _fail_on_mismatches(summary)


def _fail_on_mismatches(summary: PushSummary) -> None:
    if not summary.mismatches:
        return
    raise RemoteError(
        f"{len(summary.mismatches):,} of {summary.graphs:,} graphs differ on the target "
        f"({summary.remote_triples:,} triples there, {summary.triples:,} here); push again, and check the server's log"
    )


def _mismatch_table(summary: PushSummary) -> None:
    rows = summary.mismatches[:_MISMATCH_ROWS]
    width = max(len(check.graph) for check in rows)
    click.echo(f"{'graph':<{width}}  {'store':>10}  {'target':>10}")
    for check in rows:
        click.echo(f"{check.graph:<{width}}  {check.local:>10,}  {check.remote:>10,}")
    if len(summary.mismatches) > len(rows):
        click.echo(f"… and {len(summary.mismatches) - len(rows):,} more")
