"""load-virtuoso: shards into a real Virtuoso with its bulk loader, counts checked."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, run_cli
from dask_helpers import scheduler, shard_quads
from store import remote_servers
from store.remote_servers import Virtuoso

import graph
from graph.distributed import MANIFEST, Manifest, convert_shards
from graph.model import Iris

__all__ = ["scheduler"]  # the fixture, imported for this module

PASSWORD = "Zq7-load-secret"
# Our graphs only: Virtuoso keeps graphs of its own (virtrdf:, …) in the same store.
OURS = f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{Iris().base}"))'


def _isql(server: Virtuoso, password: str, sql: str) -> str:
    isql = shutil.which("isql-vt")
    assert isql is not None
    done = subprocess.run(
        [
            isql,
            f"127.0.0.1:{server.sql_port}",
            "dba",
            password,
            "banner=off",
            "prompt=off",
            "echo=off",
            "errors=stdout",
        ],
        input=sql,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "*** Error" not in done.stdout, done.stdout
    return done.stdout


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A private Virtuoso whose dba password is not the default; it may read files in its
    own folder only (DirsAllowed names it: ``.`` lets Virtuoso 7.2 read any folder)."""
    if Virtuoso.binary() is None or shutil.which("isql-vt") is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    ini = remote_servers._VIRTUOSO_INI
    remote_servers._VIRTUOSO_INI = ini.replace("DirsAllowed = .", "DirsAllowed = {dir}")
    try:
        server = Virtuoso(tmp_path_factory.mktemp("virtuoso")).start()
    finally:
        remote_servers._VIRTUOSO_INI = ini
    _isql(server, "dba", f"USER_SET_PASSWORD('dba', '{PASSWORD}');\n")
    server.password = PASSWORD
    yield server
    server.stop()


def test_the_shards_load_and_virtuoso_holds_exactly_their_quads(virtuoso: Virtuoso, scheduler: str) -> None:
    folder = virtuoso.directory / "shards"
    convert_shards([*graph.sample_files(), DATA / "baseline.xml", DATA / "update.xml"], folder, scheduler=scheduler)
    totals = Manifest.read(folder).totals()  # type: ignore[union-attr]
    code, out, err = run_cli(
        ["load-virtuoso", folder, "--isql", str(virtuoso.sql_port), "--user", "dba", "--password-env", "VIRT_PW"],
        env={"VIRT_PW": PASSWORD},
    )
    assert (code, err.splitlines()[-1]) == (0, "loading with 1 rdf_loader_run() session(s), then a checkpoint")
    assert out.startswith(f"loaded 4 shard(s) from {folder} into Virtuoso in ") and out.rstrip().endswith(
        f"{totals['records']:,} record graphs with {totals['record_quads']:,} triples (as the manifest says), "
        f"{totals['quads'] - totals['record_quads'] - _repeated(folder):,} triples in the shared graphs"
    )
    assert virtuoso.isql_count(OURS) == len(shard_quads(folder))
    assert PASSWORD not in out + err

    code, again, err = run_cli(
        ["-q", "load-virtuoso", folder, "--isql", str(virtuoso.sql_port), "--password-env", "VIRT_PW", "--json"],
        env={"VIRT_PW": PASSWORD},
    )
    assert (code, err) == (0, "")  # loading the same shards again changes nothing; -q: no steps shown
    assert virtuoso.isql_count(OURS) == len(shard_quads(folder))
    facts = json.loads(again)
    assert again.count("\n") == 1 and facts["folder"] == str(folder)
    assert (facts["shards"], facts["record_graphs"], facts["record_quads"]) == (
        4,
        totals["records"],
        totals["record_quads"],
    )
    assert facts["shared_quads"] == totals["quads"] - totals["record_quads"] - _repeated(folder)


def _repeated(folder: Path) -> int:
    """Shared-graph lines that more than one shard holds (Virtuoso keeps each once)."""
    manifest = Manifest.read(folder)
    assert manifest is not None
    total = sum(e.quads for e in manifest.shards())
    return total - len(shard_quads(folder))


@pytest.fixture
def outside() -> Iterator[Path]:
    """A folder outside Virtuoso's DirsAllowed: not under /tmp, which Virtuoso always reads."""
    try:
        with tempfile.TemporaryDirectory(dir="/var/tmp", prefix="pubgraph-test-") as folder:
            yield Path(folder)
    except OSError as err:
        pytest.skip(f"no folder outside /tmp to write to: {err}")


def test_shards_outside_dirs_allowed_fail_in_one_line_that_says_what_to_change(
    virtuoso: Virtuoso, scheduler: str, outside: Path
) -> None:
    folder = outside / "shards"
    convert_shards([DATA / "baseline.xml"], folder, scheduler=scheduler)
    code, out, err = run_cli(
        ["load-virtuoso", folder, "--isql", str(virtuoso.sql_port), "--password-env", "VIRT_PW"],
        env={"VIRT_PW": PASSWORD},
    )
    last = err.splitlines()[-1]
    assert code == 1 and out == ""
    shard = folder / "baseline.nq.gz"
    assert last == (
        f"error: {shard}: Virtuoso may not read it (42000 FA003: Access to '{shard}' is denied due to access "
        "control in ini file); add its folder to DirsAllowed in the [Parameters] section of virtuoso.ini and "
        "restart Virtuoso"
    )
    assert "Traceback" not in err and PASSWORD not in err


def test_a_folder_without_a_manifest_is_refused_before_virtuoso_is_asked(tmp_path: Path) -> None:
    code, out, err = run_cli(["load-virtuoso", tmp_path, "--isql", "1", "--password-env", "VIRT_PW"], {"VIRT_PW": "x"})
    assert (code, out) == (1, "")
    assert err == f"error: {tmp_path}: no {MANIFEST}; write the shards with pubgraph convert … -o {tmp_path} --dask\n"
