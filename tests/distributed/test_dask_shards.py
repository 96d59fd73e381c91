"""convert --dask: one shard per file, the current state across files, re-runs, faults."""

from __future__ import annotations

import copy
import gzip
import json
import os
import signal
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, article_xml, run_cli, write_xml
from dask_helpers import scheduler, shard_quads, store_record_quads
from lxml import etree

import graph
from graph.distributed import MANIFEST, Entry, convert_shards
from graph.distributed.runner import EVENTS
from graph.distributed.shard import ShardResult, write_shard

__all__ = ["scheduler"]  # the fixture, imported for this module

pytest.importorskip("distributed", reason="Dask is not installed: pip install 'pubgraph[dask]'")


class _Seen:
    """Collects a run's progress: which shards were converted (``made``), which kept."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self.kept: list[str] = []
        self.failures: list[str] = []

    def scanned(self, path: Path, done: int, total: int) -> None:
        pass

    def converted(self, entry: Entry, skipped: bool, done: int, total: int) -> None:
        (self.kept if skipped else self.made).append(entry.shard)

    def failed(self, path: Path, message: str) -> None:
        self.failures.append(message)


def _records(path: Path) -> list[etree._Element]:
    with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as stream:
        return list(etree.parse(stream).getroot().iter("PubmedArticle"))


def _pmid(record: etree._Element) -> str:
    return record.findtext("MedlineCitation/PMID") or ""


def _revised(record: etree._Element) -> etree._Element:
    changed = copy.deepcopy(record)
    title = changed.find("MedlineCitation/Article/ArticleTitle")
    assert title is not None
    title.text = f"Revised: {title.text or ''}"
    for child in title:
        title.remove(child)
    return changed


def _update(path: Path, records: list[etree._Element], deleted: list[str]) -> Path:
    root = etree.Element("PubmedArticleSet")
    root.extend(copy.deepcopy(r) for r in records)
    if deleted:
        deletion = etree.SubElement(root, "DeleteCitation")
        for pmid in deleted:
            etree.SubElement(deletion, "PMID", Version="1").text = pmid
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def _real_updates(samples: Path, folder: Path) -> tuple[list[Path], list[Path]]:
    """Two update files made of real records: the first revises three records of one
    sample and deletes records of two others; the second lists a deleted record again
    and deletes one the first revised."""
    jcore = _records(samples / "jcore_pubmedsample18n0001.xml.gz")
    first = _records(samples / "pubmedparser_pubmed21n0001.xml.gz")
    revised = [_revised(r) for r in jcore[:3]]
    update1 = _update(folder / "pubmed99n9001.xml", revised, [_pmid(first[0]), _pmid(first[1]), _pmid(jcore[3])])
    update2 = _update(folder / "pubmed99n9002.xml", [first[1]], [_pmid(revised[0])])
    return [update1], [update2]


def test_the_shards_hold_what_build_gives_for_real_samples_with_updates_and_deletions(
    shared_samples: Path, tmp_path: Path, scheduler: str
) -> None:
    update1, update2 = _real_updates(shared_samples / "xml", tmp_path)
    files = [*sorted((shared_samples / "xml").glob("*.xml*")), *update1, *update2]
    run = convert_shards(files, tmp_path / "shards", scheduler=scheduler)
    assert run.failures == ()
    graph.build(files, tmp_path / "store", jobs=1)
    expected = store_record_quads(tmp_path / "store")
    assert shard_quads(tmp_path / "shards") == expected
    revised = next(line for line in expected if '"Revised: ' in line)
    assert "pubmed99n9001" in next(e.shard for e in run.entries if e.input.endswith("9001.xml"))
    assert revised  # the revision is part of the current state, the deletions are not
    assert run.records == len(
        {line.rsplit("<", 1)[1] for line in expected if "/graph/pubmed/" in line.rsplit("<", 1)[1]}
    )


def test_the_shards_of_the_bundled_sample_and_its_update_hold_what_build_gives(tmp_path: Path, scheduler: str) -> None:
    files = [*graph.sample_files(), DATA / "baseline.xml", DATA / "update.xml"]
    run = convert_shards(files, tmp_path / "shards", scheduler=scheduler)
    graph.build(files, tmp_path / "store", jobs=1)
    assert shard_quads(tmp_path / "shards") == store_record_quads(tmp_path / "store")
    assert [e.shard for e in run.entries] == [
        "pubmed-sample.nq.gz",
        "pubmed-update.nq.gz",
        "baseline.nq.gz",
        "update.nq.gz",
    ]


def test_a_rerun_keeps_unchanged_shards_and_a_new_update_costs_its_task_and_the_shards_it_supersedes(
    tmp_path: Path, scheduler: str
) -> None:
    base = write_xml(tmp_path, "pubmed99n0001.xml", [article_xml(n, f"Title {n}.") for n in (1, 2, 3)])
    other = write_xml(tmp_path, "pubmed99n0002.xml", [article_xml(n, f"Title {n}.") for n in (4, 5)])
    seen = _Seen()
    first = convert_shards([base, other], tmp_path / "shards", scheduler=scheduler, progress=seen)
    assert sorted(seen.made) == ["pubmed99n0001.nq.gz", "pubmed99n0002.nq.gz"]
    manifest = json.loads((tmp_path / "shards" / MANIFEST).read_text())
    assert manifest["pubgraph"] == graph.__version__
    entry = manifest["inputs"][0]
    assert (entry["input"], entry["shard"], entry["listed"], entry["records"], entry["deletions"]) == (
        str(base.resolve()),
        "pubmed99n0001.nq.gz",
        3,
        3,
        0,
    )
    assert entry["sha256"] == __import__("hashlib").sha256(base.read_bytes()).hexdigest()
    assert entry["quads"] == first.entries[0].quads > entry["record_quads"] > 0
    assert manifest["totals"]["quads"] == first.quads

    scans = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "shards" / EVENTS).iterdir()}
    assert len(scans) == 2  # one scan kept per input, by its SHA-256

    again = _Seen()
    convert_shards([base, other], tmp_path / "shards", scheduler=scheduler, progress=again)
    assert (again.made, sorted(again.kept)) == ([], ["pubmed99n0001.nq.gz", "pubmed99n0002.nq.gz"])

    update = write_xml(tmp_path, "pubmed99n0003.xml", [article_xml(2, "Title 2, revised.")])
    later = _Seen()
    convert_shards([base, other, update], tmp_path / "shards", scheduler=scheduler, progress=later)
    assert (sorted(later.made), later.kept) == (["pubmed99n0001.nq.gz", "pubmed99n0003.nq.gz"], ["pubmed99n0002.nq.gz"])
    rescanned = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "shards" / EVENTS).iterdir()}
    assert len(rescanned) == 3 and all(rescanned[name] == scans[name] for name in scans)  # only the new file scanned
    titles = [line for line in shard_quads(tmp_path / "shards") if "/title>" in line and "/article/2>" in line]
    assert len(titles) == 1 and "Title 2, revised." in titles[0]


def _dies_on_crash_files(
    path: Path, folder: Path, name: str, keep: np.ndarray | None, pmids: np.ndarray, base: str
) -> ShardResult:
    """The shard task, except that on files named crash* it writes half a shard and then
    kills its worker process outright."""
    if path.name.startswith("crash"):
        (folder / f".{name}.part-halfway").write_bytes(b"\x1f\x8b half a shard")
        os.kill(os.getpid(), signal.SIGKILL)
    return write_shard(path, folder, name, keep, pmids, base)


def test_a_worker_that_dies_and_a_file_that_fails_are_named_leave_no_shard_and_the_rest_goes_on(
    tmp_path: Path, scheduler: str
) -> None:
    good = write_xml(tmp_path, "a.xml", [article_xml(1)])
    crash = write_xml(tmp_path, "crash.xml", [article_xml(2)])
    bad = tmp_path / "bad.xml"
    bad.write_text(article_xml(3).replace("</PMID>", "", 1))
    seen = _Seen()
    folder = tmp_path / "shards"
    run = convert_shards([good, crash, bad], folder, scheduler=scheduler, progress=seen, task=_dies_on_crash_files)
    failures = dict(run.failures)
    assert sorted(failures) == [bad.resolve(), crash.resolve()]
    assert failures[crash.resolve()] == (
        f"{crash.resolve()}: the worker converting it died (killed, or out of memory?); no shard was written"
    )
    assert failures[bad.resolve()].startswith(f"{bad.resolve()}: not well-formed XML (")
    assert sorted(p.name for p in folder.iterdir() if p.name != EVENTS) == ["a.nq.gz", MANIFEST]
    listed = json.loads((folder / MANIFEST).read_text())["inputs"]
    assert [(e["shard"], e["failed"]) for e in listed] == [
        ("a.nq.gz", ""),
        ("", failures[crash.resolve()]),
        ("", failures[bad.resolve()]),
    ]

    bad.write_text(write_xml(tmp_path, "fixed.xml", [article_xml(3)]).read_text())
    resumed = _Seen()
    again = convert_shards([good, crash, bad], folder, scheduler=scheduler, progress=resumed)
    assert again.failures == ()
    assert (sorted(resumed.made), resumed.kept) == (["bad.nq.gz", "crash.nq.gz"], ["a.nq.gz"])


def test_cli_a_failed_file_is_one_line_the_summary_lists_it_and_the_exit_code_says_so(tmp_path: Path) -> None:
    good = write_xml(tmp_path, "a.xml", [article_xml(1)])
    bad = tmp_path / "b.xml"
    bad.write_text(article_xml(2).replace("</PMID>", "", 1))
    code, out, err = run_cli(["convert", good, bad, "-o", tmp_path / "shards", "--dask", "-j", "1"])
    assert code == 1
    assert out.startswith(f"wrote 1 shard(s) in {tmp_path / 'shards'} (0 unchanged): 1 current records, ")
    lines = err.splitlines()
    message = next(line for line in lines if line.startswith("failed: "))[len("failed: ") :]
    assert message.startswith(f"{bad}: not well-formed XML (")
    assert lines[-2:] == ["error: 1 file(s) failed and have no shard:", f"  {message}"]
    assert "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "shards").iterdir() if p.name != EVENTS) == ["a.nq.gz", MANIFEST]
