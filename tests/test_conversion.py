"""The conversion engine: PubMed XML cut into standalone pieces, converted by worker processes.

``split`` must cut anywhere a record ends and nowhere else, whatever the chunk size, and
keep line numbers right for errors; ``convert`` must give the same quads with one job or
several, records in input order, and no output file at all when an input is malformed.
"""

from __future__ import annotations

import copyreg
import gzip
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from itertools import groupby
from pathlib import Path

import pytest
from conftest import DATA, article_xml, delete_xml, pubmed_document
from endpoint_helpers import children
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat, parse

import graph
from graph import InputError, Iris, article_quads, convert, read_records
from graph.pipeline.conversion import Converter
from graph.pipeline.loading import sample_files
from graph.records import Article, Deletion, Record
from graph.sources.pubmed_xml import read, split

# graph/conversion.py converts files of at least this size with worker processes.
PARALLEL_MIN_BYTES = 8 << 20
RECORD_GRAPH = re.compile(r" <https://w3id\.org/pubgraph/graph/pubmed/(\d+)> \.$")
LINE_RE = re.compile(r"\bline (\d+)\b")
SOURCE = Path("generated.xml")  # named in error messages only


def reported_line(message: str) -> int:
    """The line an error message names first (lxml's own detail may follow)."""
    match = LINE_RE.search(message)
    assert match is not None, message
    return int(match.group(1))


# ---------------------------------------------------------------- generated input


def _templates() -> list[tuple[str, str]]:
    """(PMID, XML) of every top-level record in the fixtures, for reuse under new PMIDs."""
    found = []
    for name in ("pubmed_full.xml", "pubmed_book.xml", "baseline.xml"):
        text = (DATA / name).read_text(encoding="utf-8")
        for match in re.finditer(r"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", text, re.DOTALL):
            pmid = re.search(r"<PMID Version=\"\d\">(\d+)</PMID>", match.group(0))
            assert pmid is not None
            found.append((pmid.group(1), match.group(0)))
    return found


TEMPLATES = _templates()


def renumbered(count: int, first: int) -> Iterator[tuple[str, str]]:
    """``count`` fixture records in turn, each under a new PMID (references left as they are)."""
    for n in range(count):
        old, xml = TEMPLATES[n % len(TEMPLATES)]
        pmid = str(first + n)
        yield pmid, xml.replace(f">{old}<", f">{pmid}<")


def small_document(broken_at: int | None = None) -> tuple[bytes, list[str]]:
    """About 100 kB: fixture records, small records with multi-byte text, a deletion.

    With ``broken_at``, that record gets a mismatched tag on a line of its own.
    """
    snippets, pmids = [], []
    for n, (pmid, xml) in enumerate(renumbered(40, 50_000_000)):
        if n == 17:
            snippets.append(delete_xml("49999999", "49999998"))
        if n % 5 == 4:
            title = "Broken <i>title" if n == broken_at else f"Ünïcödé 東京 — αβγ № {n} 😀"
            xml = article_xml(pmid, title, authors=("Ødegård", "Çelik"))
        snippets.append(xml)
        pmids.append(pmid)
    return pubmed_document(*snippets).encode("utf-8"), pmids


def prolog_length(document: bytes) -> int:
    """Bytes up to the end of the root start tag: all ``split`` needs to see first."""
    return document.index(b"<PubmedArticleSet>") + len(b"<PubmedArticleSet>")


def read_all(document: bytes) -> list[Record]:
    return list(read(io.BytesIO(document), SOURCE))


def read_pieces(document: bytes, chunk_size: int) -> list[Record] | None:
    pieces = split(io.BytesIO(document), chunk_size)
    if pieces is None:
        return None
    return [record for piece, offset in pieces for record in read(io.BytesIO(piece), SOURCE, offset)]


SMALL, SMALL_PMIDS = small_document()


@cache
def small_records() -> list[Record]:
    return read_all(SMALL)


# ------------------------------------------------------------------------- split


def test_generated_document_is_what_the_split_tests_assume() -> None:
    articles = [r.pmid for r in small_records() if isinstance(r, Article)]
    assert articles == SMALL_PMIDS
    assert [r.pmid for r in small_records() if isinstance(r, Deletion)] == ["49999999", "49999998"]
    assert {r.kind for r in small_records() if isinstance(r, Article)} == {"article", "book", "chapter"}
    longest = max(len(xml.encode()) for _, xml in TEMPLATES)
    assert longest > 2000  # so the chunk sizes below include sizes smaller than one record


@pytest.mark.parametrize(
    "chunk_size", [1, 64, 300, 512, 1000, 2000, 4096, 10_000, len(SMALL) // 2, len(SMALL), 2 * len(SMALL), 4 << 20]
)
def test_split_pieces_hold_exactly_the_records_in_order(chunk_size: int) -> None:
    records = read_pieces(SMALL, chunk_size)
    if records is None:
        # Refusing is allowed only when the first chunk cannot hold the root start tag.
        assert chunk_size < prolog_length(SMALL)
        return
    assert records == small_records()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=len(SMALL) + 100))
def test_split_at_any_chunk_size(chunk_size: int) -> None:
    records = read_pieces(SMALL, chunk_size)
    assert records == small_records() or (records is None and chunk_size < prolog_length(SMALL))


def test_small_chunks_give_many_standalone_pieces() -> None:
    pieces = split(io.BytesIO(SMALL), 1000)
    assert pieces is not None
    documents = list(pieces)
    assert len(documents) >= 10
    for document, offset in documents:
        assert offset >= 0
        assert document.rstrip().endswith(b"</PubmedArticleSet>")
        read_all(document)  # each parses alone


def test_split_declines_what_is_not_pubmed_xml() -> None:
    assert split(io.BytesIO(b"<?xml version='1.0'?><html><body/></html>"), 1 << 20) is None
    assert split(io.BytesIO(b"PMID- 12345\nTI  - text\n"), 1 << 20) is None


def test_split_medline_citation_set() -> None:
    document = (DATA / "medline_legacy.xml").read_bytes()
    expected = read_all(document)
    for chunk_size in (400, 1000, 3000, 1 << 20):
        assert read_pieces(document, chunk_size) == expected


def first_error_in_pieces(document: bytes, chunk_size: int) -> tuple[list[Record], InputError, int, int]:
    """Read the pieces in order up to the first error: (records before it, error, piece index, offset)."""
    pieces = split(io.BytesIO(document), chunk_size)
    assert pieces is not None
    records: list[Record] = []
    for index, (piece, offset) in enumerate(pieces):
        try:
            records.extend(read(io.BytesIO(piece), SOURCE, offset))
        except InputError as err:
            return records, err, index, offset
    pytest.fail("the malformed record was not reported")


BROKEN_AT = 34  # of the 40 records of the small document


def test_pieces_before_a_malformed_record_read_like_the_whole() -> None:
    document, pmids = small_document(broken_at=BROKEN_AT)
    whole: list[Record] = []
    with pytest.raises(InputError):
        whole.extend(read(io.BytesIO(document), SOURCE))
    records, error, index, offset = first_error_in_pieces(document, 2000)
    assert index > 0 and offset > 0  # the point: a piece that does not start the file
    assert str(SOURCE) in str(error)
    assert [r.pmid for r in records if isinstance(r, Article)] == pmids[:BROKEN_AT]
    assert records == whole


def test_line_numbers_stay_right_in_a_later_piece() -> None:
    document, _ = small_document(broken_at=BROKEN_AT)
    text = document.decode()
    broken_line = text[: text.index("Broken <i>title")].count("\n") + 1
    with pytest.raises(InputError) as whole_error:
        read_all(document)
    assert reported_line(str(whole_error.value)) == broken_line
    _, error, _, _ = first_error_in_pieces(document, 2000)
    assert "malformed XML" in str(error)
    assert reported_line(str(error)) == broken_line


def test_truncated_document_reports_the_same_line_as_unsplit() -> None:
    cut = SMALL.rindex(b"<ArticleTitle>")  # in the middle of the last record
    document = SMALL[:cut]
    with pytest.raises(InputError) as whole_error:
        read_all(document)
    with pytest.raises(InputError) as piece_error:
        read_pieces(document, 2000)
    assert reported_line(str(piece_error.value)) == reported_line(str(whole_error.value)) == document.count(b"\n") + 1


# ------------------------------------------------------------------------ convert


def big_document(broken_at: int | None = None) -> tuple[bytes, list[str], int]:
    """Just past the parallel threshold: (document, article PMIDs in order, deletions).

    With ``broken_at``, the record with that index gets a mismatched tag.
    """
    head = pubmed_document("@@").encode().split(b"@@")
    snippets: list[bytes] = []
    pmids: list[str] = []
    size = 0
    deletions = 0
    target = PARALLEL_MIN_BYTES + (1 << 20)
    for n, (pmid, xml) in enumerate(renumbered(10**6, 60_000_000)):
        if size >= target:
            break
        if n == broken_at:
            xml = article_xml(pmid, "Broken <i>title")
        if n % 1000 == 999:
            snippets.append(delete_xml(str(40_000_000 + n)).encode())
            deletions += 1
        data = xml.encode()
        snippets.append(data)
        pmids.append(pmid)
        size += len(data) + 1
    return head[0] + b"\n".join(snippets) + head[1], pmids, deletions


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], int]:
    document, pmids, deletions = big_document()
    path = tmp_path_factory.mktemp("big") / "big.xml"
    path.write_bytes(document)
    assert path.stat().st_size > PARALLEL_MIN_BYTES
    return path, pmids, deletions


@pytest.fixture(scope="module")
def converted(big: tuple[Path, list[str], int], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The big file converted once sequentially, once in parallel, once in parallel to .nq.gz."""
    path, pmids, deletions = big
    out = tmp_path_factory.mktemp("converted")
    outputs = {"jobs1": out / "one.nq", "jobs2": out / "two.nq", "gz": out / "two.nq.gz"}
    for key, jobs in (("jobs1", 1), ("jobs2", 2), ("gz", 2)):
        summary = convert([path], outputs[key], jobs=jobs)
        assert summary.output == outputs[key]
        assert summary.records == len(pmids)
        assert summary.deletions == deletions
    return outputs


def lines_of(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)  # one gzip member per piece: decompress() reads them all
    text = data.decode("utf-8")
    assert text.endswith(" .\n")
    return text.splitlines()


def record_order(lines: list[str]) -> list[str]:
    """The record graphs in the order their blocks of lines appear."""
    graphs = [m.group(1) for m in map(RECORD_GRAPH.search, lines) if m]
    return [pmid for pmid, _ in groupby(graphs)]


def test_one_job_and_two_jobs_give_the_same_lines(converted: dict[str, Path]) -> None:
    one, two = lines_of(converted["jobs1"]), lines_of(converted["jobs2"])
    # Equal as sets: workers share no memory, so a shared triple may be written once per worker.
    assert set(one) == set(two)


def test_lines_are_what_the_mapping_gives(converted: dict[str, Path], big: tuple[Path, list[str], int]) -> None:
    iris = Iris()
    expected = {
        " ".join(quad) + " ."
        for record in read_records(big[0])
        if isinstance(record, Article)
        for quad in article_quads(record, iris)
    }
    assert set(lines_of(converted["jobs2"])) == expected


@pytest.mark.parametrize("key", ["jobs1", "jobs2", "gz"])
def test_records_come_out_in_input_order(
    converted: dict[str, Path], big: tuple[Path, list[str], int], key: str
) -> None:
    # Each record's own lines form one block, and the blocks follow the input.
    assert record_order(lines_of(converted[key])) == big[1]


def test_gzip_output_decompresses_to_the_same_content(converted: dict[str, Path]) -> None:
    assert set(lines_of(converted["gz"])) == set(lines_of(converted["jobs2"]))


def test_parallel_output_is_valid_nquads(converted: dict[str, Path]) -> None:
    lines = lines_of(converted["jobs2"])
    assert sum(1 for _ in parse(path=converted["jobs2"], format=RdfFormat.N_QUADS)) == len(lines)


@pytest.fixture(scope="module")
def broken_big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A big file whose middle record is malformed, and the line of the fault."""
    count = len(big_document()[1])
    document, _, _ = big_document(broken_at=count // 2)
    path = tmp_path_factory.mktemp("broken") / "broken.xml"
    path.write_bytes(document)
    text = document.decode()
    return path, text[: text.index("Broken <i>title")].count("\n") + 1


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", ["out.nq", "out.nq.gz"])
def test_malformed_record_in_a_big_file_leaves_no_output(
    broken_big: tuple[Path, int], tmp_path: Path, jobs: int, name: str
) -> None:
    path, _ = broken_big
    output = tmp_path / "output" / name
    output.parent.mkdir()
    with pytest.raises(InputError) as error:
        convert([path], output, jobs=jobs)
    assert str(path) in str(error.value)
    assert not output.exists()
    assert list(output.parent.iterdir()) == []  # no partial file, no spill files


@pytest.mark.parametrize("jobs", [1, 2])
def test_malformed_record_in_a_big_file_is_reported_at_its_line(
    broken_big: tuple[Path, int], tmp_path: Path, jobs: int
) -> None:
    path, line = broken_big
    with pytest.raises(InputError) as error:
        convert([path], tmp_path / "out.nq", jobs=jobs)
    assert "malformed XML" in str(error.value)
    assert reported_line(str(error.value)) == line


def test_a_worker_reports_a_malformed_record_after_dask_taught_pickle_its_causes(
    broken_big: tuple[Path, int], tmp_path: Path
) -> None:
    # A Dask task that failed makes tblib pickle InputError with its causes, for the whole
    # process (distributed.core.error_message): a worker's lxml cause cannot be pickled.
    tblib = pytest.importorskip("tblib.pickling_support")
    from lxml import etree

    before = dict(copyreg.dispatch_table)
    tblib.install(InputError, etree.XMLSyntaxError)
    try:
        path, line = broken_big
        with pytest.raises(InputError) as error:
            convert([path], tmp_path / "out.nq", jobs=2)
    finally:
        copyreg.dispatch_table.clear()
        copyreg.dispatch_table.update(before)
    assert reported_line(str(error.value)) == line


def test_cli_reports_the_malformed_file(broken_big: tuple[Path, int], tmp_path: Path) -> None:
    path, _ = broken_big
    output = tmp_path / "cli.nq"
    # Run the graph package this test imported, whichever checkout that is.
    env = {**os.environ, "PYTHONPATH": str(Path(graph.__file__).resolve().parents[1])}
    env.pop("PUBGRAPH_BASE", None)
    result = subprocess.run(
        [sys.executable, "-m", "graph", "convert", str(path), "-o", str(output), "--jobs", "2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {path}")
    assert result.stderr.count("\n") == 1  # one line, no traceback
    assert not output.exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_self_contained_output_describes_shared_nodes_in_every_file(
    big: tuple[Path, list[str], int], tmp_path: Path, jobs: int
) -> None:
    # build applies files one at a time and drops orphaned shared nodes between them, so
    # each staged file must describe every shared node it uses; convert need not repeat them.
    def twice(self_contained: bool) -> tuple[set[str], set[str]]:
        outputs = []
        with Converter(Iris().base, jobs=jobs, self_contained=self_contained) as converter:
            for name in ("first.nq", "second.nq"):
                with open(tmp_path / name, "wb") as out:
                    for _piece in converter.pieces(big[0], out):
                        pass
                outputs.append(set(lines_of(tmp_path / name)))
        return outputs[0], outputs[1]

    first, second = twice(self_contained=True)
    assert first == second
    if jobs == 1:  # (workers each remember their own, so which lines repeat varies)
        first, second = twice(self_contained=False)
        shared = {line for line in first if line.endswith("/graph/entities> .")}
        assert shared
        assert not shared & second  # without: what the first file described is left out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the worker processes in /proc")
def test_a_worker_that_dies_gives_one_error_line_and_no_output(
    big: tuple[Path, list[str], int], tmp_path: Path
) -> None:
    output = tmp_path / "out.nq"
    command = [sys.executable, "-m", "graph", "convert", str(big[0]), "-o", str(output), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (workers := sorted(children(process.pid))) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert workers, "the conversion ended before a worker could be found"
    os.kill(workers[0], signal.SIGKILL)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.count("\n") == 1 and err.startswith(f"error: {big[0]}: a worker process converting it died")
    assert list(tmp_path.iterdir()) == []  # no output, no partial file


def test_one_process_writes_to_a_stream_without_a_path(tmp_path: Path) -> None:
    # A pipe or an in-memory stream has no path to write pieces in place: written in turn.
    source = sample_files()[0]
    stream, on_disk = io.BytesIO(), tmp_path / "out.nq"
    with Converter(Iris().base, jobs=1) as converter:
        in_memory = list(converter.pieces(source, stream))
    with Converter(Iris().base, jobs=1) as converter, open(on_disk, "wb") as out:
        list(converter.pieces(source, out))
    assert sum(p.quads for p in in_memory) > 1000
    assert stream.getvalue() == on_disk.read_bytes()
