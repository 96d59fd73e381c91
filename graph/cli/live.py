"""Live PubMed commands: fetch (search or PMIDs to an XML file) and snowball (citations)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from ..pipeline import DEFAULT_CACHE, EutilsClient, HarvestSummary, RetryNotice, fetch, snowball
from ._common import (
    Bars,
    bars_off,
    base_option,
    cli,
    emit_summary,
    json_option,
    mesh_option,
    note,
    store_option,
    verbosity,
)

__all__ = [
    "LiveBars",
    "client_from_options",
    "echo_retry",
    "emit_harvest",
    "fetch_command",
    "harvest_line",
    "ncbi_options",
    "retry_echo",
    "snowball_command",
]

F = TypeVar("F", bound=Callable[..., Any])

_NCBI_OPTIONS = (
    click.option(
        "--api-key",
        envvar="NCBI_API_KEY",
        metavar="KEY",
        help="NCBI API key: 10 requests/s instead of 3 [env NCBI_API_KEY].",
    ),
    click.option(
        "--email",
        envvar="NCBI_EMAIL",
        metavar="ADDRESS",
        help="Your e-mail, sent with each request as NCBI asks [env NCBI_EMAIL].",
    ),
    click.option(
        "--eutils-url",
        envvar="PUBGRAPH_EUTILS_URL",
        metavar="URL",
        help="E-utilities base URL, for mirrors and tests [env PUBGRAPH_EUTILS_URL].",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="PUBGRAPH_CACHE_DIR",
        help="Where raw responses are kept (eutils.sqlite); a rerun resumes from it "
        "[default: $PUBGRAPH_CACHE_DIR, else the user cache directory, e.g. ~/.cache/pubgraph].",
    ),
    click.option("--refresh", is_flag=True, help="Ask NCBI again instead of answering from the cache."),
)


def ncbi_options(func: F) -> F:
    """The options every command that talks to NCBI takes."""
    for option in reversed(_NCBI_OPTIONS):
        func = option(func)
    return func


def client_from_options(
    api_key: str | None, email: str | None, eutils_url: str | None, cache_dir: Path | None, refresh: bool
) -> EutilsClient:
    return EutilsClient(
        api_key=api_key,
        email=email,
        base_url=eutils_url,
        cache_dir=DEFAULT_CACHE if cache_dir is None else cache_dir,
        refresh=refresh,
        on_retry=retry_echo(),
    )


def echo_retry(notice: RetryNotice) -> None:
    """One ``retrying …`` line on stderr, terminal or not, above any progress bar."""
    with tqdm.external_write_mode(file=sys.stderr):
        click.echo(str(notice), err=True)


def retry_echo() -> Callable[[RetryNotice], None] | None:
    """The ``on_retry`` a command passes: :func:`echo_retry` by default; none with ``-q``,
    nor with ``-v``, which shows the library's log line of each retry instead.

    Decided here, in the command's thread: retries may come from worker threads.
    """
    return echo_retry if verbosity() == 0 else None


class LiveBars(Bars):
    """Progress bars for network stages (search, each snowball hop, efetch) and the build."""

    def __init__(self) -> None:
        super().__init__(1)
        self._stage: tqdm | None = None

    def stage(self, name: str, total: int | None, unit: str) -> None:
        self.stage_done()
        self._stage = tqdm(total=total, unit=unit, desc=name, disable=bars_off(), leave=False, position=0)

    def advance(self, count: int) -> None:
        if self._stage is not None:
            self._stage.update(count)

    def stage_done(self) -> None:
        if self._stage is not None:
            self._stage.close()
            self._stage = None

    def close(self) -> None:
        self.stage_done()
        super().close()


@contextmanager
def warnings_as_lines() -> Iterator[None]:
    """Library warnings (MeSH names unknown …) as ``warning: …`` lines, not tracebacks."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        click.echo(f"warning: {item.message}", err=True)


def harvest_line(summary: HarvestSummary, verb: str, where: object) -> str:
    """The one-line summary of a harvest."""
    m = summary.manifest
    if m.query is not None:
        asked = f"search {m.query!r}"
    else:
        asked = f"{len(m.seeds):,} seed PMID(s)" if m.depth is not None else f"{len(m.seeds):,} PMID(s) asked"
    sent, cached = sum(m.requests.values()), sum(m.cached.values())
    missing = f", {len(m.missing):,} PMID(s) not found" if m.missing else ""
    links = f", {m.links:,} citation links" if m.depth is not None else ""
    line = (
        f"{verb} {where}: {m.records:,} records ({asked}{missing}{links}); {sent:,} E-utilities requests, "
        f"{cached:,} answered from the cache, in {summary.seconds:.1f} s"
    )
    return line


def emit_harvest(as_json: bool, summary: HarvestSummary, verb: str, where: object) -> None:
    """A harvest's summary (line or JSON) on stdout, then its warnings on stderr."""
    emit_summary(as_json, summary, harvest_line(summary, verb, where))
    for warning in summary.manifest.warnings:
        click.echo(f"warning: {warning}", err=True)


@cli.command("fetch", short_help="Search PubMed (or take PMIDs) and save the records' XML.")
@click.argument("pmids", nargs=-1)
@click.option("--query", "-q", metavar="TERMS", help="PubMed search, as typed on pubmed.gov.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PubMed XML file to write: .xml or .xml.gz.",
)
@ncbi_options
@json_option
def fetch_command(
    pmids: tuple[str, ...],
    query: str | None,
    output: Path,
    api_key: str | None,
    email: str | None,
    eutils_url: str | None,
    cache_dir: Path | None,
    refresh: bool,
    as_json: bool,
) -> None:
    """Fetch PubMed records from NCBI's E-utilities into one PubMed XML file.

    Give a search (--query) or PMIDs. Searches of more than 9,999 hits are cut into
    publication-date ranges so that nothing is silently dropped. NCBI allows 3 requests
    per second, 10 with an API key; pubgraph keeps to that, retries when NCBI is busy,
    and keeps every response in the cache, so an interrupted fetch resumes where it
    stopped. A manifest (query, dates, counts, E-utilities used) is written beside
    the output as OUTPUT.manifest.json. Load the file with pubgraph build.

    \b
    Examples:
      pubgraph fetch --query 'hemangiopericytoma AND spine[mh]' -o output/hpc.xml.gz
      pubgraph fetch 28993889 29728755 -o output/two.xml
      NCBI_API_KEY=... NCBI_EMAIL=me@lab.org pubgraph fetch -q 'crispr[ti] AND 2024[dp]' -o crispr.xml.gz
    """
    if bool(query) == bool(pmids):
        raise click.UsageError("give either --query TERMS or PMIDs")
    bars = LiveBars()
    try:
        with client_from_options(api_key, email, eutils_url, cache_dir, refresh) as client:
            summary = fetch(output, query=query, pmids=pmids, client=client, progress=bars)
    finally:
        bars.close()
    emit_harvest(as_json, summary, "fetched", output)


@cli.command("snowball", short_help="Load the citation neighbourhood of seed PMIDs.")
@click.argument("seeds", nargs=-1, required=True)
@click.option("--refs/--no-refs", "references", default=None, help="Follow the works each one cites.")
@click.option("--cited-by", is_flag=True, help="Follow the works citing each one.")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True, help="Hops to follow.")
@click.option(
    "--max",
    "max_records",
    type=click.IntRange(1),
    default=None,
    help="Fetch at most this many records in all (seeds first, then hop by hop).",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also keep the fetched PubMed XML (.xml or .xml.gz) and its manifest.",
)
@store_option
@base_option
@mesh_option
@ncbi_options
@json_option
def snowball_command(
    seeds: tuple[str, ...],
    references: bool | None,
    cited_by: bool,
    depth: int,
    max_records: int | None,
    save: Path | None,
    store: Path | None,
    base: str | None,
    mesh: tuple[Path, ...],
    api_key: str | None,
    email: str | None,
    eutils_url: str | None,
    cache_dir: Path | None,
    refresh: bool,
    as_json: bool,
) -> None:
    """Start from seed PMIDs, follow citation links for some hops, and load every record reached.

    Links come from NCBI ELink (pubmed_pubmed_refs: what a work cites;
    pubmed_pubmed_citedin: what cites it). Every record reached is fetched and loaded
    into the store; every link ELink reported is loaded as cito:cites, also where the
    record's own reference list lacks it, reified as a cito:Citation with
    pg:citationSource pg:ELink in the graph BASE/graph/elink/{citing PMID} (reference-list
    links carry pg:ReferenceList), so you can tell where each link came from.
    Without --refs or --cited-by, references are followed.

    \b
    Examples:
      pubgraph snowball 28993889
      pubgraph snowball 28993889 --refs --cited-by --depth 2 --max 2000
      pubgraph snowball 28993889 29728755 --cited-by --save output/citing.xml.gz
    """
    follow_refs = references if references is not None else not cited_by
    bars = LiveBars()
    try:
        with client_from_options(api_key, email, eutils_url, cache_dir, refresh) as client, warnings_as_lines():
            summary = snowball(
                seeds,
                store,
                references=follow_refs,
                cited_by=cited_by,
                depth=depth,
                max_records=max_records,
                save=save,
                client=client,
                base=base,
                progress=bars,
                build_progress=bars,
                mesh=mesh,
            )
    finally:
        bars.close()
    hops = "; ".join(
        f"hop {h.number}: {h.added:,} new" + (f" ({h.cut:,} cut by --max)" if h.cut else "")
        for h in summary.manifest.hops
    )
    emit_harvest(as_json, summary, "snowballed into", summary.build.store if summary.build else store)
    if hops:
        note(f"  {hops}")
