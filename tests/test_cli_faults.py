"""Faults around the commands: outputs on read-only or full file systems, names and
arguments that are not UTF-8, and errors nobody planned for. Each gives one line, a
non-zero exit, no traceback and nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

import graph
from graph.cli import core

SAMPLE = graph.sample_files()[0]
# A byte that is not UTF-8: Python hands such names over as surrogates (PEP 383).
BAD = os.fsdecode(b"\xff")


def _everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- outputs on a read-only or full file system ------------------------------------------


@pytest.mark.parametrize("name", ["out.nq", "out.ttl", "sub/dir/out.nq.gz"])
def test_convert_to_a_read_only_file_system(readonly_dir: Path, name: str) -> None:
    output = readonly_dir / name
    code, out, err = run_cli(["convert", SAMPLE, "-o", output])
    assert (code, out) == (1, "")
    assert err == f"error: cannot write {output}: read-only file system; write to a folder you can write to\n"


@pytest.mark.parametrize("name", ["out.nq", "out.ttl", "out.nq.gz", "sub/dir/out.jsonld"])
def test_convert_to_a_full_file_system(tiny_fs: Callable[[int], Path], name: str) -> None:
    folder = tiny_fs(64 * 1024)  # the sample's N-Quads are ~20 times larger
    output = folder / name
    code, out, err = run_cli(["convert", SAMPLE, "-o", output, "--jobs", "1"])
    assert (code, out) == (1, "")
    assert err == f"error: cannot write {output}: no space left on device; free some space there, or write elsewhere\n"
    assert _everything(folder) == []  # no .part file, no folder made for it


def test_export_to_a_read_only_or_full_file_system(
    demo_store: Path, readonly_dir: Path, tiny_fs: Callable[[int], Path]
) -> None:
    full = tiny_fs(64 * 1024)
    for output, cause in (
        (readonly_dir / "kg.trig", "read-only file system; write to a folder you can write to"),
        (full / "kg.nq", "no space left on device; free some space there, or write elsewhere"),
        (full / "new" / "kg.ttl", "no space left on device; free some space there, or write elsewhere"),
    ):
        code, out, err = run_cli(["export", "--store", demo_store, "-o", output])
        assert (code, out, err) == (1, "", f"error: cannot write {output}: {cause}\n")
    assert _everything(full) == []


def test_network_and_render_to_a_read_only_file_system(demo_store: Path, readonly_dir: Path) -> None:
    for command, name in (("network", "net.graphml"), ("render", "map.html")):
        output = readonly_dir / name
        code, _out, err = run_cli([command, "citation", "--store", demo_store, "-o", output])
        assert (code, err) == (
            1,
            f"error: cannot write {output}: read-only file system; write to a folder you can write to\n",
        )


def test_the_library_raises_output_error(tiny_fs: Callable[[int], Path]) -> None:
    output = tiny_fs(64 * 1024) / "out.nq"
    with pytest.raises(graph.GraphError, match=f"^cannot write {output}: no space left on device"):
        graph.convert([SAMPLE], output, jobs=1)


# --- names and arguments that are not UTF-8 ----------------------------------------------


def test_convert_reads_and_writes_names_that_are_not_utf8(tmp_path: Path) -> None:
    source = tmp_path / f"in{BAD}.xml"
    source.write_bytes(SAMPLE.read_bytes())
    output = tmp_path / f"out{BAD}.nq"
    code, out, err = run_cli(["convert", source, "-o", output])
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote {tmp_path}/out\\xff.nq: 49 records")
    assert output.stat().st_size > 0


def test_build_reads_names_that_are_not_utf8(tmp_path: Path) -> None:
    source = tmp_path / f"in{BAD}.xml"
    source.write_bytes(SAMPLE.read_bytes())
    store = tmp_path / "kg"
    code, out, err = run_cli(["build", source, "--store", store, "--jobs", "1"])
    assert (code, err) == (0, "")
    assert out.startswith(f"built {store}: 1 file(s), 49 records")
    code, out, err = run_cli(["query", "--store", store, "SELECT ?name { ?f a pg:InputFile ; rdfs:label ?name }"])
    assert (code, err) == (0, "")
    assert "in\N{REPLACEMENT CHARACTER}.xml" in out  # provenance keeps text: the undecodable byte shows as U+FFFD
    # RocksDB itself takes UTF-8 paths only
    code, out, err = run_cli(["build", source, "--store", tmp_path / f"kg{BAD}"])
    assert (code, out, err) == (
        1,
        "",
        f"error: cannot open the store at {tmp_path}/kg\\xff: The DB path is not valid UTF-8\n",
    )


def test_a_missing_input_named_in_bytes_is_one_line(tmp_path: Path) -> None:
    code, out, err = run_cli(["convert", tmp_path / f"no{BAD}.xml", "-o", tmp_path / "out.nq"])
    assert (code, out, err) == (1, "", f"error: {tmp_path}/no\\xff.xml: no such file\n")


def test_export_and_query_file_named_in_bytes(demo_store: Path, tmp_path: Path) -> None:
    query = tmp_path / f"q{BAD}.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert run_cli(["query", "-f", query, "--store", demo_store]) == (0, "true\n", "")
    output = tmp_path / f"kg{BAD}.nq"
    code, out, _err = run_cli(["export", "--store", demo_store, "-o", output])
    assert code == 0 and out.startswith(f"wrote {tmp_path}/kg\\xff.nq: ")


def test_a_query_file_that_is_not_utf8(demo_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "latin1.rq"
    query.write_bytes(b'SELECT * { ?s ?p "caf\xe9" }')
    code, out, err = run_cli(["query", "-f", query, "--store", demo_store])
    assert (code, out) == (1, "")
    assert err == f"error: {query}: not UTF-8 text (byte 0xe9 at offset 21); save the query as UTF-8\n"


def test_a_query_argument_that_is_not_utf8(demo_store: Path) -> None:
    code, out, err = run_cli(["query", f'SELECT * {{ ?s ?p "{BAD}" }}', "--store", demo_store])
    assert (code, out, err) == (1, "", "error: the query is not UTF-8 text: byte 0xff at line 1, column 19\n")


def test_a_title_that_is_not_utf8(demo_store: Path, tmp_path: Path) -> None:
    code, _out, err = run_cli(["render", "--store", demo_store, "--title", f"T{BAD}", "-o", tmp_path / "m.html"])
    assert code == 2 and err.endswith("Error: Invalid value for '--title': 'T\\xff' is not UTF-8 text\n")
    assert not (tmp_path / "m.html").exists()


def test_names_that_are_not_utf8_in_a_real_process(tmp_path: Path) -> None:
    # Real stdout and stderr (not the test runner's): printing such a name must not fail.
    source = tmp_path / f"in{BAD}.xml"
    source.write_bytes(SAMPLE.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "graph", "convert", os.fsencode(source), "-o", os.fsencode(tmp_path / f"o{BAD}.nt")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"wrote " + os.fsencode(tmp_path) + b"/o\\xff.nt: 49 records")
    missing = subprocess.run(
        [sys.executable, "-m", "graph", "convert", os.fsencode(tmp_path / f"x{BAD}.xml"), "-o", "x.nq"],
        capture_output=True,
        check=False,
    )
    assert (missing.returncode, missing.stdout) == (1, b"")
    assert missing.stderr == b"error: " + os.fsencode(tmp_path) + b"/x\\xff.xml: no such file\n"


# --- errors nobody planned for -------------------------------------------------------------


def _failing_convert(error: BaseException) -> Callable[..., object]:
    def convert(*_args: object, **_kwargs: object) -> object:
        raise error

    return convert


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            PermissionError(13, "Permission denied", f"/data/in{BAD}.xml"),
            "error: /data/in\\xff.xml: permission denied\n",
        ),
        (OSError(5, "Input/output error"), "error: input/output error\n"),
        (
            UnicodeEncodeError("utf-8", f"in{BAD}.xml", 2, 3, "surrogates not allowed"),
            "error: a name or value is not UTF-8 text: 'in\\xff.xml' (surrogates not allowed)\n",
        ),
    ],
    ids=["permission", "io", "encoding"],
)
def test_an_unexpected_os_or_encoding_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, error: BaseException, line: str
) -> None:
    monkeypatch.setattr(core, "convert", _failing_convert(error))
    assert run_cli(["convert", SAMPLE, "-o", tmp_path / "out.nq"]) == (1, "", line)


def test_pubgraph_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(core, "convert", _failing_convert(OSError(5, "Input/output error")))
    with pytest.raises(OSError, match="Input/output error"):
        run_cli(["convert", SAMPLE, "-o", tmp_path / "out.nq"], env={"PUBGRAPH_DEBUG": "1"})


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(core, "convert", _failing_convert(RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        run_cli(["convert", SAMPLE, "-o", tmp_path / "out.nq"])
