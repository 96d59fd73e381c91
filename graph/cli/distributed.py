"""All of PubMed: ``convert --dask`` (shards on a Dask cluster) and ``load-virtuoso``."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

import click

from ..pipeline import Entry, convert_shards, load_virtuoso
from ._common import cli, emit_summary, inputs_or_fail, json_option, note

__all__ = ["convert_on_dask", "load_virtuoso_command", "scheduler_address"]

_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$|^[\w.-]+:\d+$")


def scheduler_address(value: str) -> str | None:
    """The scheduler address that ``--dask VALUE`` names; None for a local cluster.

    >>> scheduler_address("local"), scheduler_address("tcp://sched:8786")
    (None, 'tcp://sched:8786')
    """
    if value == "local":
        return None
    if not _ADDRESS.match(value):
        raise click.UsageError(
            f"--dask {value!r} is not a scheduler address (such as tcp://sched:8786); "
            "for a local cluster put --dask after the inputs, or write --dask local"
        )
    return value


class _Lines:
    """Progress on stderr, a line a file: a run of 1,330 files reads well in a log."""

    def scanned(self, path: Path, done: int, total: int) -> None:
        if done == total:
            note(f"scanned {total:,} file(s) for their PMIDs, versions and deletions")

    def converted(self, entry: Entry, skipped: bool, done: int, total: int) -> None:
        what = "unchanged, kept" if skipped else f"{entry.records:,} records, {entry.quads:,} quads"
        note(f"[{done}/{total}] {entry.shard}: {what}")

    def failed(self, path: Path, message: str) -> None:
        click.echo(f"failed: {message}", err=True)


def convert_on_dask(
    inputs: Sequence[Path],
    output: Path,
    address: str,
    jobs: int | None,
    base: str | None,
    mesh: Sequence[Path] = (),
    as_json: bool = False,
) -> None:
    """``pubgraph convert … -o FOLDER --dask [ADDRESS]``: one shard per input file."""
    scheduler = scheduler_address(address)
    inputs = inputs_or_fail(inputs)
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # failures are summed up below, a line each
    run = convert_shards(inputs, output, scheduler=scheduler, workers=jobs, base=base, progress=_Lines(), mesh=mesh)
    for warning in run.warnings:
        click.echo(f"warning: {warning}", err=True)
    rate = run.records / run.seconds if run.seconds else 0
    line = (
        f"wrote {len(run.entries) - len(run.failures)} shard(s) in {run.folder} ({run.skipped} unchanged): "
        f"{run.records:,} current records, {run.quads:,} quads in {run.seconds:.1f} s ({rate:,.0f} records/s); "
        f"manifest {run.folder / 'manifest.json'}"
    )
    emit_summary(as_json, run, line)
    if run.failures:
        click.echo(f"error: {len(run.failures)} file(s) failed and have no shard:", err=True)
        for _path, message in run.failures:
            click.echo(f"  {message}", err=True)
        raise click.exceptions.Exit(1)


@cli.command("load-virtuoso", short_help="Bulk-load the shards of convert --dask into Virtuoso.")
@click.argument("shards", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--isql", "address", default="1111", show_default=True, metavar="[HOST:]PORT", help="Virtuoso's SQL port."
)
@click.option("--user", default="dba", show_default=True, help="Virtuoso user allowed to run the bulk loader.")
@click.option("--password-env", metavar="VAR", required=True, help="Environment variable holding the password.")
@click.option(
    "--loaders", type=click.IntRange(1), default=1, show_default=True, help="Parallel rdf_loader_run() sessions."
)
@click.option("--isql-command", metavar="PATH", help="Virtuoso's isql client [default: isql-vt, else isql-v].")
@json_option
def load_virtuoso_command(
    shards: Path, address: str, user: str, password_env: str, loaders: int, isql_command: str | None, as_json: bool
) -> None:
    """Load a folder of shards (pubgraph convert … --dask) with Virtuoso's bulk loader.

    The shards are registered with ld_add, loaded by --loaders rdf_loader_run()
    sessions and made durable by a checkpoint, through Virtuoso's isql client. The
    Virtuoso server reads the files itself: give the folder as the server sees it, and
    list it in DirsAllowed in virtuoso.ini. Afterwards the record graphs and their
    triples are counted and compared with the manifest.

    \b
    Examples:
      VIRT_PW=… pubgraph load-virtuoso shards/ --isql 1111 --user dba --password-env VIRT_PW
      pubgraph load-virtuoso /data/shards --isql db:1111 --password-env VIRT_PW --loaders 6
    """
    password = os.environ.get(password_env)
    if password is None:
        raise click.UsageError(f"--password-env {password_env}: that environment variable is not set")
    load = load_virtuoso(
        shards,
        isql=address,
        user=user,
        password=password,
        loaders=loaders,
        isql_command=isql_command,
        on_step=note,
    )
    line = (
        f"loaded {load.shards} shard(s) from {load.folder} into Virtuoso in {load.seconds:.1f} s: "
        f"{load.record_graphs:,} record graphs with {load.record_quads:,} triples (as the manifest says), "
        f"{load.shared_quads:,} triples in the shared graphs"
    )
    emit_summary(as_json, load, line)
