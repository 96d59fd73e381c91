"""Bad input through the CLI: exit status 1, one ``error: …`` line naming the culprit, and
nothing damaged (a store keeps its quads, convert leaves no file behind)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA, article_xml, pubmed_document, run_cli

from graph.model import Iris
from graph.store import KnowledgeStore

GOOD = DATA / "baseline.xml"
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>https://example.org/</link>
<item><title>Not PubMed</title></item></channel></rss>
"""


def _malformed(folder: Path) -> Path:
    # The second of three records loses a closing tag midway through the file.
    broken = article_xml(2, "Broken title").replace("</ArticleTitle>", "", 1)
    path = folder / "malformed.xml"
    path.write_text(pubmed_document(article_xml(1), broken, article_xml(3)), encoding="utf-8")
    return path


def _truncated_gzip(folder: Path) -> Path:
    data = gzip.compress(GOOD.read_bytes())
    path = folder / "truncated.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def _rss(folder: Path) -> Path:
    path = folder / "feed.xml"
    path.write_text(RSS, encoding="utf-8")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty.xml"
    path.write_bytes(b"")
    return path


def _missing(folder: Path) -> Path:
    return folder / "missing.xml"


def _csv(folder: Path) -> Path:
    path = folder / "records.csv"
    path.write_text("pmid,title\n1,A title\n", encoding="utf-8")
    return path


def _empty_dir(folder: Path) -> Path:
    path = folder / "nothing-here"
    path.mkdir()
    (path / "README.txt").write_text("no PubMed files\n", encoding="utf-8")
    return path


# name -> (make the input, a fragment the message must contain)
BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "malformed": (_malformed, "malformed XML at line"),
    "truncated-gzip": (_truncated_gzip, "truncated"),
    "not-pubmed": (_rss, "not PubMed XML"),
    "empty": (_empty, "empty file"),
    "missing": (_missing, "no such file"),
    "csv": (_csv, "unknown input format"),
    "empty-directory": (_empty_dir, "holds no PubMed input files"),
}


def one_error_line(code: int, err: str) -> str:
    assert code == 1, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def contents(store: Path) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        return set(kg.dump_nquads(exclude=[Iris().provenance_graph]))


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("good") / "store"
    code, _out, err = run_cli(["build", GOOD, "--store", store, "--jobs", "1"])
    assert code == 0, err
    return store


# ------------------------------------------------------------------ inputs


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_build_refuses_bad_input_and_keeps_the_store(case: str, tmp_path: Path, good_store: Path) -> None:
    make, fragment = BAD_INPUTS[case]
    bad = make(tmp_path)
    before = contents(good_store)
    code, out, err = run_cli(["build", bad, "--store", good_store, "--jobs", "1"])
    line = one_error_line(code, err)
    assert str(bad) in line
    assert fragment in line
    assert out == ""
    assert contents(good_store) == before


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_convert_refuses_bad_input_and_leaves_nothing(case: str, tmp_path: Path) -> None:
    make, fragment = BAD_INPUTS[case]
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    bad = make(inputs)
    code, _out, err = run_cli(["convert", bad, "-o", outputs / "out.nq"])
    line = one_error_line(code, err)
    assert str(bad) in line
    assert fragment in line
    assert sorted(os.listdir(outputs)) == []  # no out.nq, no .out.nq.*.part, no spill folder


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    bad = _malformed(tmp_path)
    code, _out, err = run_cli(["convert", bad, "-o", tmp_path / "out.ttl"])
    line = one_error_line(code, err)
    reported = int(line.split("malformed XML at line ")[1].split(":")[0].split()[0])
    text = bad.read_text(encoding="utf-8").splitlines()
    broken_start = next(i for i, t in enumerate(text, 1) if '<PMID Version="1">2</PMID>' in t)
    third_start = next(i for i, t in enumerate(text, 1) if '<PMID Version="1">3</PMID>' in t)
    assert broken_start <= reported < third_start


def test_failed_convert_keeps_an_existing_output(tmp_path: Path) -> None:
    output = tmp_path / "out.nq"
    output.write_text("previous\n", encoding="utf-8")
    code, _out, err = run_cli(["convert", _malformed(tmp_path), "-o", output])
    one_error_line(code, err)
    assert output.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["malformed.xml", "out.nq"]


def test_empty_file_is_called_empty(tmp_path: Path) -> None:
    bad = _empty(tmp_path)
    code, _out, err = run_cli(["convert", bad, "-o", tmp_path / "out.nq"])
    assert "empty file" in one_error_line(code, err)


def test_empty_file_without_extension_is_called_empty(tmp_path: Path) -> None:
    bad = tmp_path / "records"
    bad.write_bytes(b"")
    code, _out, err = run_cli(["convert", bad, "-o", tmp_path / "out.nq"])
    assert one_error_line(code, err) == f"error: {bad}: empty file"


def test_a_bad_file_after_a_good_one_keeps_what_the_good_one_added(tmp_path: Path) -> None:
    store, reference = tmp_path / "store", tmp_path / "reference"
    update = tmp_path / "update.xml"
    update.write_text(pubmed_document(article_xml(31000002, "Updated.")), encoding="utf-8")
    assert run_cli(["build", GOOD, "--store", store, "--jobs", "1"])[0] == 0
    code, _out, err = run_cli(["build", update, _truncated_gzip(tmp_path), "--store", store, "--jobs", "1"])
    assert str(tmp_path / "truncated.xml.gz") in one_error_line(code, err)
    # Files apply in order: the good one has landed, nothing of the bad one has.
    assert run_cli(["build", GOOD, update, "--store", reference, "--jobs", "1"])[0] == 0
    assert contents(store) == contents(reference)


# ------------------------------------------------------------------ options and queries


def test_invalid_sparql(good_store: Path) -> None:
    code, out, err = run_cli(["query", "SELEC", "--store", good_store])
    assert one_error_line(code, err).startswith("error: invalid SPARQL")
    assert out == ""


def test_unknown_output_extension(tmp_path: Path) -> None:
    code, _out, err = run_cli(["convert", GOOD, "-o", tmp_path / "out.xyz"])
    line = one_error_line(code, err)
    assert "out.xyz" in line and "unknown output format" in line
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("command", [["query", "ASK { ?s ?p ?o }"], ["stats"]], ids=["query", "stats"])
def test_store_that_does_not_exist(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-store"
    code, _out, err = run_cli([*command, "--store", missing])
    line = one_error_line(code, err)
    assert str(missing) in line and "build one first" in line
    assert not missing.exists()


def test_store_locked_by_another_process(tmp_path: Path, good_store: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
            "print('locked', flush=True); time.sleep(60)",
            str(good_store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = time.monotonic()
        code, _out, err = run_cli(["build", GOOD, "--store", good_store, "--jobs", "1"])
        line = one_error_line(code, err)
        assert "in use by another process" in line
        assert time.monotonic() - before < 30
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------------ the real process


def test_real_exit_code_and_stderr(tmp_path: Path) -> None:
    bad = _malformed(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph",
            "build",
            str(bad),
            "--store",
            str(tmp_path / "store"),
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PUBGRAPH_STORE": "", "PUBGRAPH_BASE": ""},
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {bad}: malformed XML at line ")
