"""PubMed XML faults and quirks: every good record before a fault is read, and the fault is
one line naming the file, the line and the record; one version of each PMID a file lists;
DTD entities read the same way whatever the number of jobs.

The big files here are far larger than any buffer a parser reads ahead, and larger than
the size from which conversion cuts a file into pieces for worker processes.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from conftest import article_xml, delete_xml, pubmed_document, run_cli
from lxml import etree
from pyoxigraph import Quad, RdfFormat, parse

import graph
from graph import InputError, read_records
from graph.pipeline.conversion import counted_events
from graph.records import Article
from graph.sources import read_chunks
from graph.sources.pubmed_xml import _Reading, read, split
from graph.store import KnowledgeStore

PARALLEL_MIN_BYTES = 8 << 20  # graph/conversion.py converts files of this size in pieces
PUBMED_DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)
# An internal subset over several lines: pieces carry it, and their line numbers stay right.
INTERNAL_DTD = '<!DOCTYPE PubmedArticleSet [\n  <!ENTITY foo "bar">\n  <!ENTITY org "Example &amp; Co">\n]>'
TITLE = "http://purl.org/dc/terms/title"
NBSP_FIX = "PubMed XML declares no entities: write the character it stands for instead, as itself or as &#160;"


def document(*snippets: str, doctype: str | None = PUBMED_DOCTYPE) -> str:
    """A PubmedArticleSet of ``snippets`` with the given DOCTYPE (None: none)."""
    body = pubmed_document(*snippets, root="MedlineCitationSet").split("\n", 1)[1]
    body = body.replace("MedlineCitationSet>", "PubmedArticleSet>")
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + (f"{doctype}\n" if doctype else "")
    return head + body


def filler(count: int, first: int = 70_000_000) -> list[str]:
    return [article_xml(first + n, f"Filler {n}.") for n in range(count)]


def big_file(folder: Path, name: str, head: list[str], tail: list[str], doctype: str | None = PUBMED_DOCTYPE) -> Path:
    """``head`` records, then enough filler to be cut into several pieces, then ``tail``."""
    middle = filler(PARALLEL_MIN_BYTES // len(article_xml(70_000_000, "Filler 0.")) + 1000)
    path = folder / name
    path.write_text(document(*head, *middle, *tail, doctype=doctype), encoding="utf-8")
    chunks = read_chunks(path)
    assert chunks is not None and sum(1 for _ in chunks) > 2  # really cut into pieces
    return path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def error_line(code: int, err: str) -> str:
    """The one ``error:`` line of a failed command (no traceback)."""
    assert code == 1, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


def quads(path: Path) -> set[Quad]:
    return set(parse(path=path, format=RdfFormat.N_QUADS))


def titles(found: set[Quad]) -> dict[str, set[str]]:
    """PMID -> the titles of its article."""
    result: dict[str, set[str]] = {}
    for quad in found:
        subject = quad.subject.value
        if quad.predicate.value == TITLE and "/article/" in subject:
            result.setdefault(subject.rsplit("/", 1)[1], set()).add(quad.object.value)
    return result


def nest(text: str, depth: int, tag: str = "i") -> str:
    return f"<{tag}>" * depth + text + f"</{tag}>" * depth


# ------------------------------------------------------------------ streaming before an error


@pytest.mark.parametrize("source", ["file", "memory"])
@pytest.mark.parametrize("count", [1, 7, 30, 3000])  # 3000: far more than any parser reads ahead
def test_every_record_before_a_malformed_one_is_read_first(tmp_path: Path, source: str, count: int) -> None:
    good = filler(count)
    broken = article_xml(9, "Broken <i>title")
    path = tmp_path / "late-error.xml"
    path.write_text(document(*good, broken, article_xml(10)), encoding="utf-8")
    stream = read_records(path) if source == "file" else read(io.BytesIO(path.read_bytes()), path)
    seen = [next(stream).pmid for _ in good]
    assert seen == [str(70_000_000 + n) for n in range(count)]
    with pytest.raises(InputError) as error:
        next(stream)
    line = line_of(path, "Broken <i>title")
    assert str(error.value).startswith(f"{path}: malformed XML at line {line} (after PMID {seen[-1]}): ")


def test_a_piece_reads_its_records_before_its_error(tmp_path: Path) -> None:
    text = document(*filler(3000), article_xml(9, "Broken <i>title"), doctype=INTERNAL_DTD)
    data = text.encode()
    pieces = split(io.BytesIO(data), 1 << 20)
    assert pieces is not None
    records: list[str] = []
    with pytest.raises(InputError) as error:
        for piece, offset in pieces:
            records.extend(r.pmid for r in read(io.BytesIO(piece), Path("p.xml"), offset))
    assert len(records) == 3000
    line = text[: text.index("Broken <i>title")].count("\n") + 1
    assert str(error.value).startswith(f"p.xml: malformed XML at line {line} (after PMID 70002999): ")


# ------------------------------------------------------------------ deep inline markup


@pytest.mark.parametrize("depth", [1000, 2000])
def test_deeply_nested_markup_flattens_to_its_text(tmp_path: Path, depth: int) -> None:
    abstract = f"<Abstract><AbstractText>Before {nest('inside', depth, 'b')} after.</AbstractText></Abstract>"
    title = "Deep " + nest("title", depth) + " here."
    record = article_xml(1, title).replace("</ArticleTitle>", f"</ArticleTitle>{abstract}")
    path = tmp_path / "deep.xml"
    path.write_text(document(record, article_xml(2)), encoding="utf-8")
    first, second = read_records(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.title == "Deep title here."
    assert [s.text for s in first.abstract] == ["Before inside after."]
    code, _out, err = run_cli(["convert", path, "-o", tmp_path / "deep.nq", "--jobs", "1"])
    assert code == 0, err
    assert titles(quads(tmp_path / "deep.nq"))["1"] == {"Deep title here."}


def test_deeply_nested_mathml_flattens_like_shallow_mathml(tmp_path: Path) -> None:
    math = '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">{}</mml:math>'
    shallow = math.format("\n  <mml:mi>x</mml:mi>\n  <mml:mo>=</mml:mo> <mml:mn>2</mml:mn>\n")
    deep = math.format(nest(shallow[shallow.index(">") + 1 : -len("</mml:math>")], 1500, "mml:mrow"))
    records = [
        article_xml(1, f"Let {shallow} hold."),
        article_xml(2, f"Let {deep} hold."),
    ]
    path = tmp_path / "math.xml"
    path.write_text(document(*records), encoding="utf-8")
    first, second = read_records(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.title == "Let x=2 hold."
    assert second.title == first.title


def test_markup_deeper_than_the_parser_reads_is_one_line_or_read(tmp_path: Path) -> None:
    path = tmp_path / "deeper.xml"
    path.write_text(document(article_xml(1), article_xml(2, nest("x", 5000))), encoding="utf-8")
    code, _out, err = run_cli(["convert", path, "-o", tmp_path / "out.nq", "--jobs", "1"])
    if code == 0:  # libxml2 2.12 (lxml 5.0) reads it
        assert titles(quads(tmp_path / "out.nq"))["2"] == {"x"}
        return
    line = line_of(path, "<i><i><i>")
    assert error_line(code, err) == (
        f"error: {path}: line {line}, in the record of PMID 2: markup nested more than 2,000 levels deep, "
        "deeper than the XML parser reads (PubMed records nest a few levels): fix or remove that record"
    )
    assert not (tmp_path / "out.nq").exists()


# ------------------------------------------------------------------ entities


@pytest.mark.parametrize(
    "doctype", [PUBMED_DOCTYPE, None, INTERNAL_DTD], ids=["pubmed-doctype", "no-doctype", "internal-subset"]
)
def test_an_undefined_entity_is_named_where_it_stands(tmp_path: Path, doctype: str | None) -> None:
    path = tmp_path / "nbsp.xml"
    records = (article_xml(1), article_xml(2, "A&nbsp;title"), article_xml(3))
    path.write_text(document(*records, doctype=doctype), encoding="utf-8")
    stream = read_records(path)
    assert next(stream).pmid == "1"
    with pytest.raises(InputError) as error:
        next(stream)  # never PMID 2 without its space, nor PMID 3
    line = line_of(path, "&nbsp;")
    message = f"{path}: undefined entity &nbsp; at line {line}, in the record of PMID 2: {NBSP_FIX}"
    assert str(error.value) == message
    code, _out, err = run_cli(["convert", path, "-o", tmp_path / "out.nq"])
    assert error_line(code, err) == f"error: {message}"


def test_an_undefined_entity_in_a_later_piece_reads_the_same_with_two_jobs(tmp_path: Path) -> None:
    path = big_file(tmp_path, "late-nbsp.xml", [], [article_xml(2, "A&eacute;b")], doctype=INTERNAL_DTD)
    line = line_of(path, "&eacute;")
    expected = (
        f"error: {path}: undefined entity &eacute; at line {line}, in the record of PMID 2: "
        "PubMed XML declares no entities: write the character it stands for instead, as itself or as &#233;"
    )
    for jobs in ("1", "2"):
        code, _out, err = run_cli(["convert", path, "-o", tmp_path / "out.nq", "--jobs", jobs])
        assert error_line(code, err) == expected


def test_internal_dtd_entities_read_the_same_whatever_the_jobs(tmp_path: Path) -> None:
    head = [article_xml(1, "A &foo; title")]
    tail = [article_xml(2, "Made by &org; with &foo;.")]
    path = big_file(tmp_path, "entities.xml", head, tail, doctype=INTERNAL_DTD)
    outputs = {}
    for jobs in (1, 2):
        outputs[jobs] = tmp_path / f"jobs{jobs}.nq"
        code, _out, err = run_cli(["convert", path, "-o", outputs[jobs], "--jobs", str(jobs)])
        assert code == 0, err
    one, two = quads(outputs[1]), quads(outputs[2])
    assert one == two
    found = titles(one)
    assert found["1"] == {"A bar title"}
    assert found["2"] == {"Made by Example & Co with bar."}


def test_a_root_tag_inside_a_comment_does_not_mislead_the_cutting(tmp_path: Path) -> None:
    text = document(article_xml(1, "A &foo; title"), *filler(50), doctype=INTERNAL_DTD)
    text = text.replace("<!DOCTYPE", "<!-- not the root: <PubmedArticleSet> -->\n<!DOCTYPE", 1)
    assert split(io.BytesIO(text.encode()), 1 << 16) is None  # read whole instead
    path = tmp_path / "comment.xml"
    path.write_text(text, encoding="utf-8")
    assert next(read_records(path)).title == "A bar title"  # type: ignore[union-attr]


def test_entity_expansion_bombs_are_refused_in_one_line(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "bomb.xml"
    path.write_text(
        document(article_xml(1), article_xml(2, "&a9;"), doctype=f"<!DOCTYPE PubmedArticleSet [{entities}]>")
    )
    code, _out, err = run_cli(["convert", path, "-o", tmp_path / "out.nq", "--jobs", "1"])
    line = error_line(code, err)
    assert line.startswith(f"error: {path}: line ")
    assert line.endswith(
        ", in the record of PMID 2: the entities declared in the file's DTD expand to far more text than the "
        "file holds, which the XML parser refuses; replace the entity references with the text they stand for"
    )


def test_parser_limits_are_told_without_libxml2_option_names() -> None:
    # libxml2's own words for a text over its 1 GB limit: a test file that size is too big.
    err = etree.XMLSyntaxError(
        "Resource limit exceeded: Text node too long, try XML_PARSE_HUGE, line 7, column 3",
        114,  # XML_ERR_RESOURCE_LIMIT
        7,
        3,
    )
    reading = _Reading(Path("huge.xml"), 0)
    reading.last_pmid = "5"
    assert str(reading.error(err)) == (
        "huge.xml: line 7 (after PMID 5): a text, name or attribute value is larger than the XML parser "
        "accepts (Resource limit exceeded: Text node too long); PubMed's are far smaller: shorten or remove it"
    )


# ------------------------------------------------------------------ one version per PMID


def test_counted_events_follow_versions_then_file_order() -> None:
    events = [("7", 1), ("8", 1), ("9", 0), ("7", 2), ("10", 1), ("7", 1), ("8", 0), ("9", 1), ("10", 1)]
    assert counted_events(events) == {3, 6, 7, 8}
    assert counted_events([("1", 1), ("2", 3), ("3", 0)]) is None


def versions_head_tail() -> tuple[list[str], list[str]]:
    head = [
        article_xml(7, "Seven v1."),
        article_xml(8, "Eight."),
        delete_xml(9),
        article_xml(10, "Ten first."),
        article_xml(7, "Seven v2.").replace('<PMID Version="1">7<', '<PMID Version="2">7<'),
    ]
    tail = [article_xml(7, "Seven v1 again."), delete_xml(8), article_xml(9, "Nine."), article_xml(10, "Ten last.")]
    return head, tail


def test_one_version_per_pmid_whatever_the_jobs(tmp_path: Path) -> None:
    path = big_file(tmp_path, "versions.xml", *versions_head_tail())
    outputs = {}
    for jobs in (1, 2):
        outputs[jobs] = tmp_path / f"jobs{jobs}.nq"
        summary = graph.convert([path], outputs[jobs], jobs=jobs)
        assert summary.quads == len(outputs[jobs].read_text(encoding="utf-8").splitlines())
    one, two = quads(outputs[1]), quads(outputs[2])
    assert one == two
    found = titles(one)
    assert {pmid: found[pmid] for pmid in ("7", "9", "10")} == {
        "7": {"Seven v2."},
        "9": {"Nine."},
        "10": {"Ten last."},
    }
    assert "8" not in found


@pytest.mark.parametrize("output", ["out.nq", "out.nq.gz", "out.nt", "out.ttl"])
def test_convert_keeps_what_build_keeps(tmp_path: Path, output: str) -> None:
    head, tail = versions_head_tail()
    path = tmp_path / "versions.xml"
    path.write_text(document(*head, *tail), encoding="utf-8")
    code, _out, err = run_cli(["convert", path, "-o", tmp_path / output, "--jobs", "1"])
    assert code == 0, err
    fmt = {"out.nq": RdfFormat.N_QUADS, "out.nq.gz": RdfFormat.N_QUADS, "out.nt": RdfFormat.N_TRIPLES}
    written = tmp_path / output
    data = written.read_bytes()
    if output.endswith(".gz"):
        data = gzip.decompress(data)
    converted = {(q.subject, q.predicate, q.object) for q in parse(data, format=fmt.get(output, RdfFormat.TURTLE))}
    store = tmp_path / "store"
    graph.build([path], store, jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        skipped = [graph.Iris().provenance_graph, *graph.Iris().derived_graphs]
        built = set(parse("".join(kg.dump_nquads(exclude=skipped)), format=RdfFormat.N_QUADS))
    assert converted == {(q.subject, q.predicate, q.object) for q in built}


def test_an_invalid_version_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "version.xml"
    path.write_text(document(article_xml(1).replace('Version="1"', 'Version="two"', 1)), encoding="utf-8")
    code, _out, err = run_cli(["convert", path, "-o", tmp_path / "out.nq"])
    assert error_line(code, err) == (
        f"error: {path}: record PMID 1 has <PMID Version='two'>; expected a whole number from 1"
    )
