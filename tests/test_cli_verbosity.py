"""``pubgraph -v`` shows the library's logs on stderr (``-vv`` its HTTP requests too);
``pubgraph -q`` shows no progress bars, notes or retries; errors show either way."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from eutils_server import EutilsServer, Fault, network_records

import graph

SAMPLES = graph.sample_files()


def test_verbose_build_shows_its_load_timings(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    logger = logging.getLogger("graph")
    before = (logger.level, list(logger.handlers))
    code, out, err = run_cli(["-v", "build", *SAMPLES, "--store", store, "-j", "1"])
    assert code == 0, err
    lines = err.splitlines()
    for path in SAMPLES:
        loaded = rf"info: graph\.pipeline: {re.escape(str(path))}: loaded into {re.escape(str(store))} in \d+\.\d\d s"
        assert any(re.fullmatch(loaded, line) for line in lines), lines
    assert re.fullmatch(rf"info: graph\.pipeline: built {re.escape(str(store))} from 2 file\(s\) .*", lines[-1])
    assert out.startswith(f"built {store}: 2 file(s)")
    assert (logger.level, logger.handlers) == before, "the command's handler goes when it ends"
    code, _out, err = run_cli(["build", *SAMPLES, "--store", store, "-j", "1"])
    assert (code, err) == (0, "")


@pytest.fixture
def server() -> Iterator[EutilsServer]:
    with EutilsServer(network_records()) as running:
        yield running


def _fetch(server: EutilsServer, tmp_path: Path, *options: str) -> tuple[int, str, str]:
    args = ["fetch", "-q", "hemangiopericytoma", "-o", tmp_path / "hpc.xml", "--eutils-url", server.url]
    return run_cli([*options, *args, "--api-key", "k", "--cache-dir", tmp_path / "c"])


def test_very_verbose_shows_each_request_without_the_key(server: EutilsServer, tmp_path: Path) -> None:
    code, _out, err = _fetch(server, tmp_path, "-vv")
    assert code == 0, err
    sent = [line for line in err.splitlines() if line.startswith("debug: graph.http: ")]
    base = re.escape(server.url.rstrip("/"))
    assert [bool(re.fullmatch(rf"debug: graph\.http: GET {base}/e(search|fetch)\.fcgi -> 200 in \d+\.\d{{3}} s", s))
            for s in sent] == [True, True]  # fmt: skip
    assert "api_key" not in err
    code, _out, err = _fetch(server, tmp_path, "-v")  # answered from the cache now: no request, nothing at INFO
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        pytest.param([], ["retrying esearch in 0 s: HTTP 429 Too Many Requests (attempt 2/6)"], id="default"),
        pytest.param(
            ["-v"], ["info: graph.http: retrying esearch in 0 s: HTTP 429 Too Many Requests (attempt 2/6)"], id="-v"
        ),
        pytest.param(["-q"], [], id="-q"),
    ],
)
def test_a_retry_is_shown_once_or_not_at_all(
    server: EutilsServer, tmp_path: Path, options: list[str], shown: list[str]
) -> None:
    server.faults.append(Fault("429", "esearch", retry_after="0"))
    code, out, err = _fetch(server, tmp_path, *options)
    assert code == 0, err
    assert [line for line in err.splitlines() if "retrying" in line] == shown
    assert out.startswith(f"fetched {tmp_path / 'hpc.xml'}: ")


def test_quiet_leaves_out_notes_but_not_errors(tmp_path: Path) -> None:
    code, out, err = run_cli(["-q", "convert", *SAMPLES, "-o", tmp_path / "a.nq", "-j", "1"])
    assert (code, err) == (0, "")  # the sample's update deletes a record: a note without -q
    assert out.startswith(f"wrote {tmp_path / 'a.nq'}: ")
    code, out, err = run_cli(["-q", "convert", tmp_path / "none.xml", "-o", tmp_path / "b.nq"])
    assert (code, out) == (1, "") and err.startswith("error: ") and str(tmp_path / "none.xml") in err


def test_verbose_and_quiet_together_is_a_usage_error() -> None:
    code, _out, err = run_cli(["-v", "-q", "stats"])
    assert code == 2 and err.endswith("Error: give -v or -q, not both\n")


def _stderr_on_a_terminal(*args: str | Path) -> str:
    """What ``pubgraph ARGS`` writes to stderr when stderr is a terminal (a pseudo-terminal)."""
    main, other = pty.openpty()
    # A terminal of 0 columns (a new pty's size) would get bars of no width: give it 100.
    fcntl.ioctl(other, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "graph", *map(str, args)],
            stdout=subprocess.DEVNULL,
            stderr=other,
            timeout=120,
            check=False,
        )
        os.close(other)
        other = -1
        seen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # Linux: EIO once the writer is gone and all is read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main)
        if other != -1:
            os.close(other)
    assert done.returncode == 0, seen
    return seen.decode("utf-8", "replace")


def test_progress_bars_show_on_a_terminal_and_not_with_quiet(tmp_path: Path) -> None:
    shown = _stderr_on_a_terminal("convert", *SAMPLES, "-o", tmp_path / "a.nq", "-j", "1")
    assert "files:" in shown and "pubmed-sample.xml" in shown  # the files bar, then each file's
    quiet = _stderr_on_a_terminal("-q", "convert", *SAMPLES, "-o", tmp_path / "b.nq", "-j", "1")
    assert quiet == ""


def test_quiet_json_keeps_warnings_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBGRAPH_MESH", raising=False)  # MeSH terms without UIs then warn
    nbib = Path(__file__).parent / "data" / "live_article.nbib"
    code, out, err = run_cli(["-q", "build", nbib, "--store", tmp_path / "kg", "-j", "1", "--json"])
    assert code == 0, err
    facts = json.loads(out)
    assert out.count("\n") == 1 and facts["records"] == 1
    assert [line.split(":")[0] for line in err.splitlines()] == ["warning"]
    assert "MeSH heading(s)" in err
