"""Leaving unchanged records' lines out of a staged file."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import unchanged
from graph.store.unchanged import drop_graph_lines

G = "https://w3id.org/pubgraph/graph/pubmed/"
LINES = [
    f'<https://x/a/1> <https://x/p> "a <b> c" <{G}1> .\n',
    "<https://x/j> <https://x/p> <https://x/o> <https://w3id.org/pubgraph/graph/entities> .\n",
    f"<https://x/a/2> <https://x/p> <https://x/o> <{G}2> .\n",
    f"<https://x/a/1> <https://x/q> <{G}1x> <{G}12> .\n",
    f"<https://x/a/1> <https://x/q> <https://x/o> <{G}1> .\n",
]


def staged(tmp_path: Path) -> Path:
    path = tmp_path / "staged.nq"
    path.write_text("".join(LINES))
    return path


def test_only_lines_of_the_given_graphs_go(tmp_path: Path) -> None:
    path = staged(tmp_path)
    assert drop_graph_lines(path, [G + "1"]) == 2
    assert path.read_text() == LINES[1] + LINES[2] + LINES[3]  # not graph 12, nor an object naming graph 1
    assert [p.name for p in tmp_path.iterdir()] == ["staged.nq"]


def test_no_graphs_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = staged(tmp_path)
    before = path.stat().st_mtime_ns
    assert drop_graph_lines(path, []) == 0
    assert path.read_text() == "".join(LINES) and path.stat().st_mtime_ns == before


def test_a_failure_leaves_the_staged_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = staged(tmp_path)

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(unchanged.os, "replace", full_disk)
    with pytest.raises(OSError):
        drop_graph_lines(path, [G + "2"])
    assert path.read_text() == "".join(LINES)
    assert [p.name for p in tmp_path.iterdir()] == ["staged.nq"]
