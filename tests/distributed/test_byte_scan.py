"""The byte-level first pass reads what the reader reads, or declines and lets lxml read."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graph.distributed._bytescan import byte_events
from graph.distributed.plan import scan_file
from graph.errors import InputError
from graph.records import Deletion
from graph.sources import read_records

_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet SYSTEM "pubmed_250101.dtd">\n'


def _article(pmid: str, version: str = "", *, citation: str = "", pmid_tag: str = "<PMID{v}>", extra: str = "") -> str:
    v = f' Version="{version}"' if version else ""
    return (
        f"<PubmedArticle><MedlineCitation{citation}>{pmid_tag.format(v=v)}{pmid}</PMID>{extra}"
        "<Article><Journal><Title>J</Title></Journal><ArticleTitle>T</ArticleTitle></Article>"
        "<CommentsCorrectionsList><CommentsCorrections RefType='Cites'><RefSource>R</RefSource>"
        "<PMID Version='1'>777</PMID></CommentsCorrections></CommentsCorrectionsList>"
        "</MedlineCitation></PubmedArticle>\n"
    )


def _write(folder: Path, body: str, head: str = f"{_HEAD}<PubmedArticleSet>") -> Path:
    path = folder / "file.xml"
    path.write_text(f"{head}\n{body}</PubmedArticleSet>\n", encoding="utf-8")
    return path


def _reader_events(path: Path) -> list[tuple[str, int]]:
    return [(r.pmid, 0 if isinstance(r, Deletion) else r.version) for r in read_records(path)]


READ_AT_BYTE_LEVEL = {
    "references-hold-pmids": _article("1") + _article("2", "3"),
    "attributes-in-any-order-and-quotes": _article(
        "5", pmid_tag="<PMID\n  Note = 'x'\tVersion = ' 2 ' >", citation=" Status=\"MEDLINE\" Owner='NLM'"
    ),
    "whitespace-in-tags-and-pmid": "<PubmedArticle >\n  <MedlineCitation\n>\n <PMID Version='1' > 0042 </PMID >"
    "<Article><ArticleTitle>T</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n",
    "deletions-skip-pmid-zero": _article("1") + "<DeleteCitation>\n <PMID Version='1'>1</PMID><PMID>0</PMID>"
    "<PMID>\n9\n</PMID>\n</DeleteCitation>\n",
    "harmless-comment-and-processing-instruction": "<!-- a note -->" + _article("1", extra="<?nihms ?>"),
    "mathml-prefix-and-default-namespace": _article(
        "8",
        extra='<x xmlns:mml="http://www.w3.org/1998/Math/MathML"/><math xmlns="http://www.w3.org/1998/Math/MathML"/>',
    ),
    "book": "<PubmedBookArticle><BookDocument><PMID Version='1'>31</PMID><Book><BookTitle>B</BookTitle></Book>"
    "<ArticleTitle>C</ArticleTitle></BookDocument></PubmedBookArticle>\n",
}

ONLY_A_PARSER_READS = {
    "record-in-a-comment": _article("1") + "<!-- " + _article("2") + " -->",
    "record-in-cdata-text": _article("1", extra="<![CDATA[" + _article("3") + "]]>"),
    "pmid-as-character-reference": _article("&#52;2"),
    "version-as-character-reference": _article("4", "&#50;"),
    "pmid-not-the-first-child": _article("5", pmid_tag="<DateCompleted/><PMID{v}>"),
    "record-in-a-default-namespace": _article("1")
    + _article("6").replace("<PubmedArticle>", '<PubmedArticle xmlns="urn:elsewhere">'),
    "internal-dtd-subset": (_article("7"), '<!DOCTYPE PubmedArticleSet [<!ENTITY x "y">]>\n<PubmedArticleSet>'),
}


@pytest.mark.parametrize("body", READ_AT_BYTE_LEVEL.values(), ids=READ_AT_BYTE_LEVEL.keys())
def test_the_byte_scan_reads_what_the_reader_reads(tmp_path: Path, body: str) -> None:
    path = _write(tmp_path, body)
    assert byte_events(path) == _reader_events(path)


@pytest.mark.parametrize("case", ONLY_A_PARSER_READS.values(), ids=ONLY_A_PARSER_READS.keys())
def test_the_byte_scan_declines_what_only_a_parser_reads_right_and_the_scan_still_agrees(
    tmp_path: Path, case: str | tuple[str, str]
) -> None:
    body, head = case if isinstance(case, tuple) else (case, f"{_HEAD}<PubmedArticleSet>")
    path = _write(tmp_path, body, head)
    assert byte_events(path) is None
    scanned = scan_file(path)
    assert list(zip(map(str, scanned.pmids.tolist()), scanned.versions.tolist(), strict=True)) == _reader_events(path)


def test_every_real_sample_is_read_at_byte_level_as_the_reader_reads_it(shared_samples: Path) -> None:
    for path in sorted((shared_samples / "xml").glob("*.xml*")):
        assert byte_events(path) == _reader_events(path), path.name


def test_a_large_file_is_read_in_blocks_without_losing_a_record_at_their_edges(tmp_path: Path) -> None:
    # Records of ~40 kB: 4 MiB blocks end inside records, between them and inside deletions.
    filler = "<Abstract><AbstractText>" + "word " * 8000 + "</AbstractText></Abstract>"
    body = "".join(_article(str(n), extra=filler) for n in range(1, 260))
    body += "<DeleteCitation>" + "".join(f"<PMID>{n}</PMID>" for n in range(1, 200_000)) + "</DeleteCitation>\n"
    path = tmp_path / "big.xml.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(f"{_HEAD}<PubmedArticleSet>\n{body}</PubmedArticleSet>\n")
    events = byte_events(path)
    assert events == _reader_events(path)
    assert events is not None and len(events) == 259 + 199_999


def test_a_truncated_gzip_file_is_named_in_one_line(tmp_path: Path) -> None:
    whole = gzip.compress(f"{_HEAD}<PubmedArticleSet>\n{_article('1') * 2000}</PubmedArticleSet>\n".encode())
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError) as caught:
        scan_file(path)
    assert str(caught.value) == f"{path}: the gzip stream is truncated (the file was cut short); download it again"


def test_a_file_cut_short_is_left_to_the_parser_which_names_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(f"{_HEAD}<PubmedArticleSet>\n{_article('1')}{_article('2')[:60]}")
    assert byte_events(path) is None
    with pytest.raises(InputError, match=rf"^{path}: not well-formed XML \(.*\); fix or fetch the file again$"):
        scan_file(path)
