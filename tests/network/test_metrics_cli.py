"""metrics on the hand-made corpus: one main path, JSON numbers, and empty answers that say why."""

from __future__ import annotations

import json
from pathlib import Path

from .test_cli import run_cli


def test_main_path_is_one_path_of_the_largest_total(corpus_store: Path) -> None:
    # SPC (see test_mainpath): 1005->1003 2, 1005->1004 2, 1003->1002 1, 1004->1002 1, 1002->1001 3 …
    # 1005-1003-1002-1001 and 1005-1004-1002-1001 both carry 6: 1003 comes first.
    code, stdout, stderr = run_cli(["metrics", "--main-path", "--format", "json", "--store", corpus_store])
    assert code == 0
    rows = json.loads(stdout)
    assert [(row["citing"], row["cited"], row["spc"]) for row in rows] == [
        ("1002", "1001", 3),
        ("1003", "1002", 1),
        ("1005", "1003", 2),
    ]
    assert stderr.startswith("main path: 3 links over 4 works carrying 6 search paths, the most of any path ")


def test_metrics_json_holds_numbers(corpus_store: Path) -> None:
    code, stdout, _ = run_cli(["metrics", "--format", "json", "--top", "6", "--store", corpus_store])
    assert code == 0
    rows = json.loads(stdout)
    assert all(isinstance(row["pagerank"], float) and isinstance(row["betweenness"], float) for row in rows)
    assert abs(sum(row["pagerank"] for row in rows) - 1.0) < 1e-9  # unrounded
    code, stdout, _ = run_cli(["metrics", "--top", "1", "--store", corpus_store])
    assert len(stdout.splitlines()[2].split()[-3]) <= 6  # tables still round: 4 significant digits


def test_bursts_json_weights_are_numbers(corpus_store: Path) -> None:
    code, stdout, _ = run_cli(["metrics", "keyword", "--bursts", "--format", "json", "--store", corpus_store])
    assert code == 0
    assert all(isinstance(row["weight"], float) for row in json.loads(stdout))


def test_an_empty_network_says_why(corpus_store: Path) -> None:
    code, stdout, stderr = run_cli(["metrics", "--where", "year=1800", "--store", corpus_store])
    assert (code, stdout) == (1, "")
    assert stderr == (
        "error: the citation network of 0 nodes and 0 links (year=1800): nothing to measure; "
        "widen --where or lower --min-weight\n"
    )


def test_a_main_path_without_links_says_why(corpus_store: Path) -> None:
    code, _, stderr = run_cli(["metrics", "--main-path", "--where", "year=2003", "--store", corpus_store])
    assert (code, stderr) == (
        1,
        "error: no main path: the citation network of 1 node and 0 links (year=2003), so no work cites another; "
        "add the 2 works they cite with --include-cited\n",
    )


def test_no_bursts_says_why(corpus_store: Path) -> None:
    code, _, stderr = run_cli(["metrics", "mesh", "--bursts", "--where", "year=2003", "--store", corpus_store])
    assert code == 0
    assert stderr == "0 bursts in 2 mesh terms over 2003-2003: bursts need articles from two years or more\n"
