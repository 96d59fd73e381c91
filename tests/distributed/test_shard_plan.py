"""The first pass: the fast scan reads the events the converter reads, and settle keeps
what loading the files in order would leave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph.distributed.plan import FileEvents, scan_file, settle
from graph.errors import InputError
from graph.records import Deletion
from graph.sources import read_records

DATA = Path(__file__).resolve().parents[1] / "data"


def _events(pmids: list[int], versions: list[int]) -> FileEvents:
    n = len(pmids)
    return FileEvents("", np.array(pmids, dtype=np.int64), np.arange(n), np.array(versions), n)


def _read_events(path: Path) -> list[tuple[int, int]]:
    return [(int(r.pmid), 0 if isinstance(r, Deletion) else r.version) for r in read_records(path)]


def _scanned(path: Path) -> list[tuple[int, int]]:
    scanned = scan_file(path)
    return list(zip(scanned.pmids.tolist(), scanned.versions.tolist(), strict=True))


def test_a_later_file_replaces_and_deletes_and_a_still_later_one_restores() -> None:
    baseline = _events([1, 2, 3, 4], [1, 1, 1, 1])
    update1 = _events([2, 3, 5], [2, 0, 1])
    update2 = _events([3, 5], [1, 0])
    kept = settle([baseline, update1, update2])
    assert [k.tolist() for k in kept] == [[0, 3], [0], [0]]


def test_a_file_that_could_not_be_scanned_counts_for_nothing() -> None:
    kept = settle([_events([1, 2], [1, 1]), None, _events([2], [0])])
    assert [k.tolist() for k in kept] == [[0], [], []]


def _article(pmid: int, version: int) -> str:
    return (
        f'<PubmedArticle><MedlineCitation><PMID Version="{version}">{pmid}</PMID><Article>'
        f"<Journal><Title>J</Title></Journal><ArticleTitle>Title {pmid}.{version}</ArticleTitle>"
        "</Article></MedlineCitation></PubmedArticle>\n"
    )


def test_a_pmid_listed_twice_in_one_file_keeps_the_version_build_keeps(tmp_path: Path) -> None:
    # The highest version counts; a deletion after a record in the same file deletes it.
    path = tmp_path / "twice.xml"
    body = (
        _article(1, 2)
        + _article(1, 1)
        + _article(2, 1)
        + "<DeleteCitation><PMID>2</PMID><PMID>3</PMID></DeleteCitation>"
    )
    path.write_text(f"<PubmedArticleSet>\n{body}{_article(3, 1)}</PubmedArticleSet>\n")
    scanned = scan_file(path)
    assert list(zip(scanned.indices.tolist(), scanned.pmids.tolist(), scanned.versions.tolist(), strict=True)) == [
        (0, 1, 2),
        (3, 2, 0),
        (5, 3, 1),
    ]
    assert scanned.total == len(_read_events(path)) == 6
    assert (scanned.records, scanned.deletions) == (2, 1)


def test_the_scan_reads_the_events_the_converter_reads_in_every_real_sample(shared_samples: Path) -> None:
    from graph.pipeline.conversion import counted_events

    for path in sorted((shared_samples / "xml").glob("*.xml*")):
        events = _read_events(path)
        counted = counted_events([(str(p), v) for p, v in events])
        kept = sorted(counted) if counted is not None else range(len(events))
        assert _scanned(path) == [events[i] for i in kept], path.name


def test_the_scan_names_the_file_and_line_of_a_record_without_a_pmid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(
        "<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><Article/></MedlineCitation></PubmedArticle>\n</PubmedArticleSet>"
    )
    with pytest.raises(InputError) as caught:
        scan_file(bad)
    assert str(caught.value) == f"{bad}: a record has no valid <PMID> (line 2)"


def test_the_scan_names_a_file_that_is_not_well_formed(tmp_path: Path) -> None:
    bad = tmp_path / "cut.xml"
    bad.write_text('<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="1">5</PMID>')
    with pytest.raises(InputError, match=rf"^{bad}: not well-formed XML \(.*\); fix or fetch the file again$"):
        scan_file(bad)
