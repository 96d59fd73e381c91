"""Shards into Virtuoso with its bulk loader, through Virtuoso's ``isql`` client.

The loader reads files on the server's side: each shard is registered (``ld_add``),
one or more ``rdf_loader_run()`` sessions load them in parallel, and a ``checkpoint``
makes the load durable. Virtuoso reads only the folders its ``virtuoso.ini`` lists in
``DirsAllowed``. Afterwards the counts are checked against the manifest, as
``pubgraph push`` checks its target: each record graph lives in one shard, so the
record graphs and their triples must match exactly; shared graphs (journals, people,
MeSH labels) repeat across shards, so their triples must lie between the largest
shard's and the sum of all.

See https://vos.openlinksw.com/owiki/wiki/VOS/VirtBulkRDFLoader for the loader.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DistributedError
from ..model import Iris
from ..redact import redact
from .manifest import MANIFEST, Manifest

__all__ = ["VirtuosoLoad", "isql_address", "load_virtuoso"]

_ISQL_OPTIONS = ("verbose=off", "banner=off", "prompt=off", "echo=off", "errors=stdout")


@dataclass(frozen=True, slots=True)
class VirtuosoLoad:
    """A finished load: what the manifest expects and what Virtuoso holds."""

    folder: Path
    shards: int
    record_graphs: int
    record_quads: int
    shared_quads: int
    shared_bounds: tuple[int, int]
    seconds: float


def isql_address(value: str) -> str:
    """``host:port`` for isql from a port or an address.

    >>> isql_address("1111"), isql_address("db.example.org:1112")
    ('127.0.0.1:1111', 'db.example.org:1112')
    """
    return f"127.0.0.1:{value}" if value.isdigit() else value


def load_virtuoso(
    folder: Path | str,
    *,
    isql: str = "1111",
    user: str = "dba",
    password: str = "",
    loaders: int = 1,
    isql_command: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> VirtuosoLoad:
    """Bulk-load the shards of ``folder`` (as its manifest lists them) into Virtuoso,
    then check the counts. ``folder`` is read by the Virtuoso server: give the path as
    the server sees it, and list it in its ``DirsAllowed``."""
    started = time.perf_counter()
    where = Path(folder).resolve()
    manifest = _complete_manifest(where)
    session = _Isql(isql_command, isql_address(isql), user, password)
    shards = [where / entry.shard for entry in manifest.shards()]
    if on_step:
        on_step(f"registering {len(shards)} shard(s) with Virtuoso's bulk loader")
    session.run(
        "".join(f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {_sql(s)};\n" for s in shards)
        + "".join(f"ld_add({_sql(s)}, {_sql(manifest.base + 'graph/unnamed')});\n" for s in shards)
    )
    if on_step:
        on_step(f"loading with {loaders} rdf_loader_run() session(s), then a checkpoint")
    session.parallel(["rdf_loader_run();\n"] * max(1, loaders))
    session.run("checkpoint;\n")
    _check_loaded(session, shards)
    return _verified(session, manifest, where, len(shards), time.perf_counter() - started)


def _complete_manifest(folder: Path) -> Manifest:
    manifest = Manifest.read(folder)
    if manifest is None:
        raise DistributedError(f"{folder}: no {MANIFEST}; write the shards with pubgraph convert … -o {folder} --dask")
    failed = [entry for entry in manifest.entries if not entry.shard]
    if failed:
        raise DistributedError(
            f"{folder}: the manifest lists {len(failed)} input(s) without a shard (first: {failed[0].input}: "
            f"{failed[0].failed}); convert again until every input has its shard"
        )
    if not manifest.entries:
        raise DistributedError(f"{folder}: the manifest lists no shards")
    for entry in manifest.entries:
        if not (folder / entry.shard).is_file():
            raise DistributedError(f"{folder / entry.shard}: listed in the manifest but missing; convert again")
    return manifest


def _check_loaded(session: _Isql, shards: Sequence[Path]) -> None:
    """Every shard is in the loader's list, loaded (state 2) without an error."""
    listed = ", ".join(_sql(s) for s in shards)
    output = session.run(
        "SELECT 'LOADED|' || cast(ll_state AS varchar) || '|' || coalesce(ll_error, '') || '|' || ll_file "
        f"FROM DB.DBA.LOAD_LIST WHERE ll_file IN ({listed});\n"
    )
    states = {}
    for line in output.splitlines():
        if line.startswith("LOADED|"):
            _, state, error, file = line.rstrip().split("|", 3)
            states[file] = (state, error)
    for shard in shards:
        state, error = states.get(str(shard), ("", ""))
        if not state:
            raise DistributedError(
                f"{shard}: Virtuoso's bulk loader did not take it (ld_add ignores files it may not read); add its "
                "folder to DirsAllowed in the [Parameters] section of virtuoso.ini and restart Virtuoso"
            )
        if "FA003" in error:  # Virtuoso's "access denied due to access control in ini file"
            raise DistributedError(
                f"{shard}: Virtuoso may not read it ({error.strip()}); add its folder to DirsAllowed in the "
                "[Parameters] section of virtuoso.ini and restart Virtuoso"
            )
        if state != "2" or error:
            raise DistributedError(f"{shard}: Virtuoso's bulk loader did not load it ({error or 'state ' + state})")


def _verified(session: _Isql, manifest: Manifest, folder: Path, shards: int, seconds: float) -> VirtuosoLoad:
    iris = Iris(manifest.base)
    totals = manifest.totals()
    prefix = iris.record_graph("")
    records = f'FILTER(STRSTARTS(STR(?g), "{prefix}"))'
    graphs, quads = session.numbers(
        f"SPARQL SELECT COUNT(DISTINCT ?g) COUNT(*) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {records} }};\n", 2
    )
    shared_graphs = f"VALUES ?g {{ <{iris.entities_graph}> <{iris.mesh_graph}> }}"
    (shared,) = session.numbers(f"SPARQL SELECT COUNT(*) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {shared_graphs} }};\n", 1)
    per_shard = [e.quads - e.record_quads for e in manifest.shards()]
    bounds = (max(per_shard), sum(per_shard))
    expected = (totals["records"], totals["record_quads"])
    if (graphs, quads) != expected:
        raise DistributedError(
            f"after the load Virtuoso holds {graphs:,} record graphs with {quads:,} triples; the shards in {folder} "
            f"hold {expected[0]:,} with {expected[1]:,} (a database that held other records before? load into an "
            "empty one, or see the loader's log)"
        )
    if not bounds[0] <= shared <= bounds[1]:
        raise DistributedError(
            f"after the load Virtuoso holds {shared:,} triples in the shared graphs; the shards in {folder} "
            f"give between {bounds[0]:,} and {bounds[1]:,}"
        )
    return VirtuosoLoad(folder, shards, graphs, quads, shared, bounds, seconds)


def _sql(path: Path | str) -> str:
    """A SQL string literal (quotes doubled; Virtuoso reads backslashes as escapes).

    >>> _sql("/data/it's")
    "'/data/it''s'"
    """
    return "'" + str(path).replace("\\", "\\\\").replace("'", "''") + "'"


class _Isql:
    """Runs SQL scripts through Virtuoso's isql (Debian: ``isql-vt``); its output and
    errors never show the password."""

    def __init__(self, command: str | None, address: str, user: str, password: str) -> None:
        found = shutil.which(command) if command else shutil.which("isql-vt") or shutil.which("isql-v")
        if found is None:
            raise DistributedError(
                f"Virtuoso's isql client {command or 'isql-vt'} is not installed "
                "(Debian: apt-get install virtuoso-opensource); or name it with --isql-command"
            )
        self.argv = [found, address, user, password, *_ISQL_OPTIONS]
        self.address, self.user, self.password = address, user, password

    def run(self, script: str) -> str:
        return self._finished(self._start(script), script)

    def parallel(self, scripts: Sequence[str]) -> None:
        started = [(self._start(script), script) for script in scripts]
        for process, script in started:
            self._finished(process, script)

    def numbers(self, script: str, count: int) -> list[int]:
        """The one line of ``count`` whole numbers that ``script`` answers."""
        output = self.run(script)
        for line in output.splitlines():
            fields = line.split()
            if len(fields) == count and all(f.isdigit() for f in fields):
                return [int(f) for f in fields]
        raise DistributedError(f"Virtuoso at {self.address} answered a count unexpectedly: {self._clean(output)!r}")

    def _start(self, script: str) -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        return process, script

    def _finished(self, started: tuple[subprocess.Popen[str], str], script: str) -> str:
        process, text = started
        output, _ = process.communicate(text)
        errors = [line for line in output.splitlines() if line.startswith("*** Error")]
        if errors or process.returncode:
            raise DistributedError(self._explained(errors[0] if errors else f"isql exited with {process.returncode}"))
        return output

    def _explained(self, error: str) -> str:
        line = self._clean(error)
        if "Bad login" in line:
            return (
                f"Virtuoso at {self.address} refused the login of {self.user!r} ({line}); check --user and the password"
            )
        if "Connect failed" in line or "CL033" in line:
            return f"no Virtuoso answers at {self.address} ({line}); start it, or give its SQL port with --isql"
        if "FA003" in line or "DirsAllowed" in line or "access control" in line:
            return (
                f"Virtuoso may not read the shards ({line}); add their folder to DirsAllowed in the [Parameters] "
                "section of virtuoso.ini and restart Virtuoso"
            )
        return f"Virtuoso at {self.address}: {line}"

    def _clean(self, text: str) -> str:
        return redact(text.strip(), [self.password])
