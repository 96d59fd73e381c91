"""The network, metrics and render commands, run in-process on the hand-made corpus."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from graph.cli import cli


def run_cli(args: list[object]) -> tuple[int, str, str]:
    """``pubgraph ARGS`` in-process: (exit code, stdout, stderr), as tests/conftest.py's helper."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="pubgraph", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_network_writes_the_format_of_the_extension(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "citations.graphml"
    code, stdout, stderr = run_cli(["network", "citation", "-o", out, "--store", corpus_store])
    assert (code, stderr) == (0, "")
    assert stdout.startswith(f"wrote {out}: citation network of 6 nodes and 8 links in ")
    assert nx.read_graphml(out).number_of_edges() == 8


def test_network_with_filters_metrics_and_csv(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "coauthors.csv"
    code, stdout, _ = run_cli(
        [
            "network",
            "coauthor",
            "--min-weight",
            "2",
            "--metrics",
            "-o",
            out,
            "--store",
            corpus_store,
            "-w",
            "year=2001-2004",
        ]
    )
    assert code == 0
    assert stdout.startswith(
        f"wrote {out} and {tmp_path / 'coauthors-nodes.csv'}: coauthor network of 2 nodes and 1 link (year=2001-2004)"
    )
    assert "pagerank" in (tmp_path / "coauthors-nodes.csv").read_text(encoding="utf-8").splitlines()[0]


def test_network_errors_are_one_line(corpus_store: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(["network", "citation", "-o", tmp_path / "x.txt", "--store", corpus_store])
    assert (code, stdout) == (1, "")
    assert (
        stderr == f"error: cannot tell the network format of {tmp_path / 'x.txt'}: use .graphml, .gexf, .json or .csv\n"
    )
    code, _, stderr = run_cli(
        ["network", "citation", "-o", tmp_path / "x.json", "--where", "year=soon", "--store", corpus_store]
    )
    assert (code, stderr) == (1, "error: --where 'year=soon': a year is YYYY, YYYY-YYYY, YYYY- or -YYYY\n")
    code, _, stderr = run_cli(["network", "citation", "-o", tmp_path / "x.json", "--store", tmp_path / "none"])
    assert code == 1 and stderr.startswith("error: no store at ")


def test_metrics_table(corpus_store: Path) -> None:
    code, stdout, stderr = run_cli(["metrics", "--top", "2", "--store", corpus_store])
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].split() == [
        "rank",
        "node",
        "label",
        "year",
        "store",
        "citations",
        "citations",
        "references",
        "pagerank",
        "betweenness",
        "community",
    ]
    assert [line.split()[1] for line in lines[2:]] == ["1001", "1002"]
    assert stderr.startswith("citation network of 6 nodes and 8 links; ")


def test_metrics_json_sorted_by_h_index(corpus_store: Path) -> None:
    code, stdout, _ = run_cli(
        ["metrics", "coauthor", "--sort", "h_index", "--top", "3", "--format", "json", "--store", corpus_store]
    )
    assert code == 0
    rows = json.loads(stdout)
    assert [row["h_index"] for row in rows] == [2, 2, 1]
    assert rows[2]["node"] == "name:brown b"


def test_metrics_main_path_and_bursts(corpus_store: Path) -> None:
    code, stdout, stderr = run_cli(["metrics", "--main-path", "--format", "csv", "--store", corpus_store])
    assert code == 0
    assert stdout.splitlines()[0] == "step,cited,citing,spc,cited work,citing work"
    assert stderr.startswith("main path: ")
    code, stdout, stderr = run_cli(["metrics", "keyword", "--bursts", "--store", corpus_store])
    assert code == 0 and stderr.endswith("keyword terms over 2001-2006\n")


def test_metrics_write_then_query(writable_store: Path) -> None:
    code, _, stderr = run_cli(["metrics", "--write", "--store", writable_store])
    assert code == 0 and "stored 34 triples in the citation metrics graph" in stderr
    code, stdout, _ = run_cli(
        ["query", "SELECT (COUNT(?a) AS ?n) WHERE { ?a pg:pageRank ?r }", "--format", "csv", "--store", writable_store]
    )
    assert stdout.split() == ["n", "6"]


def test_metrics_errors(corpus_store: Path) -> None:
    code, _, stderr = run_cli(["metrics", "--sort", "colour", "--store", corpus_store])
    assert (code, stderr) == (
        1,
        "error: cannot sort the citation network by 'colour'; "
        "use one of citations, references, pagerank, betweenness, community\n",
    )
    code, _, stderr = run_cli(["metrics", "mesh", "--main-path", "--store", corpus_store])
    assert (code, stderr) == (1, "error: --main-path needs the citation network, not mesh\n")


def test_render_writes_an_offline_page(corpus_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    code, stdout, _ = run_cli(
        ["render", "citation", "-o", out, "--top", "4", "--layout", "timeline", "--store", corpus_store]
    )
    assert code == 0
    said = (
        "Showing the 4 most connected of 6 nodes (5 of 8 links); raise --top to see more. "
        "1 node without links on this map is hidden (--isolated shows it)."
    )
    assert stdout.startswith(f"wrote {out} (")
    assert stdout.endswith(f"): citation network of 6 nodes and 8 links. Drawn: 4 nodes, 5 links. {said}\n")
    assert said in out.read_text(encoding="utf-8")


def test_help_teaches_with_examples() -> None:
    for command in ("network", "metrics", "render"):
        code, stdout, _ = run_cli([command, "--help"])
        assert code == 0 and "Examples:" in stdout and "--where" in stdout
    assert "year=2010-2020" in run_cli(["network", "--help"])[1]
