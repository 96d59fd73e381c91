"""``--json``: every command that ends with a summary line prints the same facts as one
JSON object on stdout, and nothing else there; notes, warnings and errors stay on stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from eutils_server import EutilsServer, network_records, synthetic_records

import graph
from graph.pipeline import store_stats

SAMPLES = graph.sample_files()


def counts_in(line: str) -> list[int]:
    """The whole numbers a summary line states: not times, rates, sizes or digits in paths.

    >>> counts_in("built /tmp/kg0: 2 file(s), 7,503 quads loaded in 1.6 s (33 records/s); 1 deletions")
    [2, 7503, 1]
    """
    words = line.replace("(", " ").split()
    found = []
    for word, after in zip(words, [*words[1:], ""], strict=True):
        number = re.fullmatch(r"(\d[\d,]*)[:;,).]*", word)
        if number and "/s" not in after and after.rstrip(";,)") != "s":
            found.append(int(number.group(1).replace(",", "")))
    return found


def json_counts(value: Any) -> set[int]:
    """Every whole number an object holds, with the length of each list and the sum of
    each mapping of numbers (``requests: {esearch: 1, efetch: 1}`` says 2 requests)."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, list):
        return {len(value)}.union(*(json_counts(item) for item in value))
    if isinstance(value, dict):
        numbers = [v for v in value.values() if isinstance(v, int) and not isinstance(v, bool)]
        return {sum(numbers)}.union(*(json_counts(item) for item in value.values()))
    return set()


def one_object(out: str) -> dict[str, Any]:
    """stdout holds exactly one JSON object, on one line."""
    assert out.endswith("\n") and out.count("\n") == 1, out
    facts = json.loads(out)
    assert isinstance(facts, dict)
    return facts


def same_facts(line_out: str, json_out: str) -> dict[str, Any]:
    """The JSON object states every count the human line states; returns the object."""
    facts = one_object(json_out)
    line = line_out.splitlines()[0]
    assert set(counts_in(line)) <= json_counts(facts), (line, facts)
    return facts


def run_ok(*args: str | Path, env: dict[str, str] | None = None) -> tuple[str, str]:
    code, out, err = run_cli(list(args), env=env)
    assert code == 0, err
    return out, err


# ------------------------------------------------------------------ store and files


def test_build_json(tmp_path: Path) -> None:
    line, _ = run_ok("build", *SAMPLES, "--store", tmp_path / "a", "-j", "1")
    out, err = run_ok("build", *SAMPLES, "--store", tmp_path / "b", "-j", "1", "--json")
    facts = same_facts(line, out)
    assert facts["store"] == str(tmp_path / "b") and [f["path"] for f in facts["files"]] == list(map(str, SAMPLES))
    assert facts["store_quads"] == store_stats(tmp_path / "b").quads
    assert facts["records"] == sum(f["records"] for f in facts["files"]) > 0
    assert isinstance(facts["seconds"], float) and facts["warnings"] == []
    assert "Traceback" not in err


def test_convert_json_keeps_its_note_on_stderr(tmp_path: Path) -> None:
    line, _ = run_ok("convert", *SAMPLES, "-o", tmp_path / "a.nq", "-j", "1")
    out, err = run_ok("convert", *SAMPLES, "-o", tmp_path / "b.nq", "-j", "1", "--json")
    facts = same_facts(line, out)
    assert facts["output"] == str(tmp_path / "b.nq")
    assert facts["quads"] == len((tmp_path / "b.nq").read_text(encoding="utf-8").splitlines())
    assert facts["deletions"] == 1
    assert err == (
        "note: 1 <DeleteCitation> entries cannot be expressed in an RDF file; apply them with pubgraph build\n"
    )


def test_export_json(demo_store: Path, tmp_path: Path) -> None:
    line, _ = run_ok("export", "--store", demo_store, "-o", tmp_path / "a.nq")
    out, _ = run_ok("export", "--store", demo_store, "-o", tmp_path / "b.nq", "--json")
    facts = same_facts(line, out)
    assert facts["quads"] == len((tmp_path / "b.nq").read_text(encoding="utf-8").splitlines())
    assert (facts["format"], facts["graph_names_kept"]) == ("N-Quads", True)


def test_demo_json(tmp_path: Path) -> None:
    out, _ = run_ok("demo", "--store", tmp_path / "demo", "--json")
    facts = one_object(out)
    assert facts["store"] == str(tmp_path / "demo")
    assert facts["stats"]["quads"] == facts["build"]["store_quads"] == store_stats(tmp_path / "demo").quads
    assert [a["saved"] for a in facts["answers"]] == ["top-cited", "references", "coauthors"]
    assert facts["answers"][1]["params"] == {"pmid": "28993889"}
    assert all(row["pmid"] for row in facts["answers"][0]["rows"])


def test_a_failing_command_with_json_prints_no_json(tmp_path: Path) -> None:
    code, out, err = run_cli(["build", tmp_path / "missing.xml", "--store", tmp_path / "kg", "--json"])
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and str(tmp_path / "missing.xml") in err


# ------------------------------------------------------------------ networks


def test_network_json(demo_store: Path, tmp_path: Path) -> None:
    line, _ = run_ok("network", "citation", "--store", demo_store, "-o", tmp_path / "a.graphml")
    out, _ = run_ok("network", "citation", "--store", demo_store, "-o", tmp_path / "b.graphml", "--json")
    facts = same_facts(line, out)
    assert facts["files"] == [str(tmp_path / "b.graphml")]
    assert (facts["graph"]["kind"], facts["graph"]["directed"]) == ("citation", True)
    assert facts["graph"]["edges"] == (tmp_path / "b.graphml").read_text(encoding="utf-8").count("<edge ")


def test_render_json(demo_store: Path, tmp_path: Path) -> None:
    line, _ = run_ok("render", "coauthor", "--store", demo_store, "-o", tmp_path / "a.html")
    out, _ = run_ok("render", "coauthor", "--store", demo_store, "-o", tmp_path / "b.html", "--json")
    facts = same_facts(line, out)
    page = facts["page"]
    assert page["path"] == str(tmp_path / "b.html") and page["bytes"] == (tmp_path / "b.html").stat().st_size
    assert page["nodes"] <= page["total_nodes"] == facts["graph"]["nodes"] and page["cut"] is False


def test_metrics_json_holds_the_rows_and_the_summary(demo_store: Path) -> None:
    rows, summary = run_ok("metrics", "citation", "--store", demo_store, "--top", "3", "--format", "json")
    out, err = run_ok("metrics", "citation", "--store", demo_store, "--top", "3", "--json")
    facts = one_object(out)
    assert facts["rows"] == json.loads(rows)
    assert set(counts_in(summary)) <= json_counts(facts) and isinstance(facts["communities"], int)
    assert err == ""
    _rows, summary = run_ok("metrics", "citation", "--store", demo_store, "--main-path")
    out, _ = run_ok("metrics", "citation", "--store", demo_store, "--main-path", "--json")
    path = one_object(out)
    works = len(path["rows"]) + 1  # the line counts the works on the path too
    assert set(counts_in(summary)) - {works} <= json_counts(path) and path["search_paths"] >= path["rows"][0]["spc"] > 0
    _rows, summary = run_ok("metrics", "mesh", "--store", demo_store, "--bursts")
    out, _ = run_ok("metrics", "mesh", "--store", demo_store, "--bursts", "--json")
    bursts = one_object(out)
    assert set(counts_in(summary)) <= json_counts(bursts) and bursts["bursts"] == len(bursts["rows"])
    code, _out, err = run_cli(["metrics", "--store", demo_store, "--json", "--format", "csv"])
    assert code == 2 and "give --json or --format, not both" in err


# ------------------------------------------------------------------ E-utilities


@pytest.fixture
def server() -> Iterator[EutilsServer]:
    with EutilsServer(network_records() + synthetic_records(30)) as running:
        yield running


def _ncbi(server: EutilsServer, cache: Path) -> list[str | Path]:
    return ["--eutils-url", server.url, "--api-key", "k", "--cache-dir", cache]


def test_fetch_json(server: EutilsServer, tmp_path: Path) -> None:
    line, _ = run_ok("fetch", "--query", "hemangiopericytoma", "-o", tmp_path / "a.xml", *_ncbi(server, tmp_path / "c"))
    out, _ = run_ok(
        "fetch", "--query", "hemangiopericytoma", "-o", tmp_path / "b.xml", *_ncbi(server, tmp_path / "d"), "--json"
    )
    facts = same_facts(line, out)
    assert facts["output"] == str(tmp_path / "b.xml") and facts["build"] is None
    assert facts["manifest"] == json.loads((tmp_path / "b.xml.manifest.json").read_text(encoding="utf-8"))


def test_snowball_and_build_query_json(server: EutilsServer, tmp_path: Path) -> None:
    args = ["snowball", "100", "--refs", "--cited-by", "--depth", "2"]
    line, _ = run_ok(*args, "--store", tmp_path / "a", *_ncbi(server, tmp_path / "c1"))
    out, err = run_ok(*args, "--store", tmp_path / "b", *_ncbi(server, tmp_path / "c2"), "--json")
    facts = same_facts(line, out)
    hops = facts["manifest"]["hops"]
    assert len(hops) == 2 and err == f"  hop 1: {hops[0]['added']} new; hop 2: {hops[1]['added']} new\n"
    assert facts["build"]["store"] == str(tmp_path / "b") and facts["build"]["records"] == facts["records"]
    args = ["build", "--query", "spine", "-j", "1"]
    line, _ = run_ok(*args, "--store", tmp_path / "q1", *_ncbi(server, tmp_path / "c3"))
    out, _ = run_ok(*args, "--store", tmp_path / "q2", *_ncbi(server, tmp_path / "c4"), "--json")
    facts = same_facts(line, out)
    assert facts["manifest"]["query"] == "spine" and facts["records"] == facts["build"]["records"]
