"""Records that name MeSH terms without UIs (XML of 2013 and before, PubMed format text).

Every heading, qualifier, publication type, chemical and supplementary concept is kept:
linked to MeSH through the MeSH files given (``--mesh``/``PUBGRAPH_MESH`` on the command
line; and a built-in table of common publication
types), else kept by name, with one warning a file counting what stayed unlinked. The
same files carry the other pre-2014 shapes: one article-level ``<Affiliation>``, an
``<Affiliation>`` inside an ``<Author>``, an ORCID as ``<NameID>``; and non-breaking
spaces, which are content.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from conftest import DATA, run_cli

from graph.model import Iris, article_quads
from graph.records import Affiliation, Article, Author
from graph.sources import read_records
from graph.sources.medline_text import MeshNamesWarning

XML = DATA / "pubmed_2013.xml"
NBIB = DATA / "unknown_types.nbib"
MESH_NAMES = DATA / "mesh_names.tsv"
SUBJECT = "<http://purl.org/dc/terms/subject>"
GENRE = "<http://prismstandard.org/namespaces/basic/2.0/genre>"
MESH = "http://id.nlm.nih.gov/mesh/"


def _read(path: Path, mesh: tuple[Path, ...] = ()) -> tuple[list[Article], list[str]]:
    """The articles of ``path`` and the messages of the MeSH warnings reading it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        articles = [r for r in read_records(path, mesh=mesh) if isinstance(r, Article)]
    return articles, [str(w.message) for w in caught if issubclass(w.category, MeshNamesWarning)]


def _count(messages: list[str]) -> int:
    [message] = messages  # one warning a file
    found = re.search(r": (\d+) MeSH heading\(s\), qualifier\(s\), publication type\(s\), chemical\(s\)", message)
    assert found is not None, message
    return int(found.group(1))


@pytest.fixture
def no_mesh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBGRAPH_MESH", raising=False)


@pytest.fixture
def mesh() -> tuple[Path, ...]:
    return (MESH_NAMES,)


# ---------------------------------------------------------------- records


def test_xml_without_uis_keeps_every_term_by_name(no_mesh: None) -> None:
    (first, second), messages = _read(XML)
    headings = [(h.ui, h.name, h.major, [(q.ui, q.name, q.major) for q in h.qualifiers]) for h in first.mesh_headings]
    assert headings == [
        (None, "Humans", False, []),
        (None, "Hemangiopericytoma", False, [(None, "surgery", True), (None, "diagnostic imaging", False)]),
        (None, "Thoracic Vertebrae", True, [(None, "ultrastructure", False)]),
        (None, "Spinal Neoplasms, Rare", True, []),
    ]
    # Common publication types are known without MeSH files; UI="" is no UI.
    assert [(p.ui, p.name) for p in first.publication_types] == [
        ("D016428", "Journal Article"),
        ("D002363", "Case Reports"),
        (None, "Historical Article"),
    ]
    assert [(p.ui, p.name) for p in second.publication_types] == [
        ("D016420", "Comment"),
        (None, "Corrected and Republished Article"),
    ]
    assert [(c.ui, c.name) for c in first.chemicals] == [(None, "Biomarkers, Tumor"), (None, "Xyzzy compound")]
    assert [(c.ui, c.name) for c in first.supplementary_concepts] == [(None, "Zyx protein, human")]
    assert [(h.ui, h.name) for h in second.mesh_headings] == [(None, "Humans")]
    # 7 heading names, 1 + 1 publication types, 2 chemicals, 1 concept, 1 heading (UI="")
    assert _count(messages) == 13
    assert messages[0].startswith(f"{XML}: 13 MeSH heading(s)")
    assert "PUBGRAPH_MESH" in messages[0]


def test_xml_without_uis_links_names_through_mesh_files(mesh: tuple[Path, ...]) -> None:
    (first, second), messages = _read(XML, mesh)
    assert [(h.ui, [q.ui for q in h.qualifiers]) for h in first.mesh_headings] == [
        ("D006801", []),
        ("D006393", ["Q000601", "Q000000981"]),
        ("D013904", [None]),  # "ultrastructure" is not in the names file
        (None, []),
    ]
    assert [c.ui for c in first.chemicals] == ["D014408", None]
    assert [h.ui for h in second.mesh_headings] == ["D006801"]
    # ultrastructure, Spinal Neoplasms, Historical Article, Xyzzy, Zyx; Corrected and Republished
    assert _count(messages) == 6


def test_nbib_keeps_unknown_publication_types_and_terms(no_mesh: None) -> None:
    [article], messages = _read(NBIB)
    assert [(p.ui, p.name) for p in article.publication_types] == [
        ("D016428", "Journal Article"),
        (None, "Historical Article"),
        (None, "Corrected and Republished Article"),
    ]
    assert [(h.name, h.major, [(q.name, q.major) for q in h.qualifiers]) for h in article.mesh_headings] == [
        ("Humans", False, []),
        ("Hemangiopericytoma", False, [("surgery", True), ("diagnostic imaging", False)]),
        ("Spinal Neoplasms, Rare", True, []),
    ]
    assert [c.name for c in article.chemicals] == ["Biomarkers, Tumor", "Xyzzy compound"]
    assert [c.name for c in article.supplementary_concepts] == ["Zyx protein, human"]
    assert _count(messages) == 10  # 5 heading names, 2 types, 2 chemicals, 1 concept


def test_nbib_links_names_through_mesh_files(mesh: tuple[Path, ...]) -> None:
    [article], messages = _read(NBIB, mesh)
    assert [h.ui for h in article.mesh_headings] == ["D006801", "D006393", None]
    assert [c.ui for c in article.chemicals] == ["D014408", None]
    assert _count(messages) == 5  # Spinal Neoplasms, 2 types, Xyzzy, Zyx


def test_file_with_every_ui_gives_no_warning() -> None:
    _articles, messages = _read(DATA / "pubmed_full.xml")
    assert messages == []


# ---------------------------------------------------------------- quads


@pytest.mark.parametrize("path", [XML, NBIB], ids=["xml-2013", "nbib"])
def test_every_term_is_in_the_graph_by_name(no_mesh: None, path: Path) -> None:
    articles, _ = _read(path)
    for article in articles:
        quads = article_quads(article, Iris())
        own = f"<{Iris().article(article.pmid)}>"
        subjects = {q[2] for q in quads if q[0] == own and q[1] == SUBJECT}
        expected = {f'"{h.name}"' for h in article.mesh_headings}
        expected |= {f'"{h.name}/{q.name}"' for h in article.mesh_headings for q in h.qualifiers}
        expected |= {f'"{c.name}"' for c in (*article.chemicals, *article.supplementary_concepts)}
        assert subjects == expected
        genres = {q[2] for q in quads if q[0] == own and q[1] == GENRE}
        types = {q[2] for q in quads if q[0] == own and q[1] == "<http://purl.org/dc/terms/type>"}
        assert genres == {f'"{p.name}"' for p in article.publication_types if p.ui is None}
        assert types == {f"<{MESH}{p.ui}>" for p in article.publication_types if p.ui is not None}


def test_linked_terms_are_mesh_iris(mesh: tuple[Path, ...]) -> None:
    (first, _second), _ = _read(XML, mesh)
    quads = article_quads(first, Iris())
    terms = {q[2] for q in quads if q[1] == "<http://purl.org/spar/fabio/hasSubjectTerm>"}
    assert terms == {f"<{MESH}{ui}>" for ui in ("D006801", "D006393", "D006393Q000601", "D006393Q000000981", "D013904")}
    primary = {q[2] for q in quads if q[1] == "<http://purl.org/spar/fabio/hasPrimarySubjectTerm>"}
    assert primary == {f"<{MESH}D006393Q000601>", f"<{MESH}D013904>"}
    literals = {q[2] for q in quads if q[1] == SUBJECT}
    assert literals == {'"Thoracic Vertebrae/ultrastructure"', '"Spinal Neoplasms, Rare"', '"Xyzzy compound"'} | {
        '"Zyx protein, human"'
    }
    assert (f"<{Iris().article(first.pmid)}>", "<http://purl.org/spar/cito/discusses>", f"<{MESH}D014408>") in {
        q[:3] for q in quads
    }


# ---------------------------------------------------------------- pre-2014 authors, spaces


def test_article_affiliation_is_the_first_authors(no_mesh: None) -> None:
    (first, second), _ = _read(XML)
    onoki, hashimoto, group = first.authors
    # XML layout (a line break and indentation) reads as one space; nothing else changes.
    assert onoki.affiliations == (
        Affiliation("Department of Orthopaedic Surgery, Tohoku University, Sendai, Japan. onoki@example.org"),
    )
    assert onoki.orcid == "0000-0002-1825-0097"  # <NameID Source="ORCID">
    assert hashimoto.affiliations == group.affiliations == ()
    assert second.authors == (
        Author(family="Sato", initials="K", affiliations=(Affiliation("Sendai City Hospital, Sendai, Japan."),)),
    )


def test_non_breaking_spaces_are_kept(no_mesh: None) -> None:
    (first, _second), _ = _read(XML)
    assert first.title == "Spinal hemangiopericytoma after 6\u00a0weeks: a case without UIs."
    assert first.authors[1].given == "J\u00a0Ko"
    [text], _ = _read(NBIB)
    assert text.title.startswith("Spinal hemangiopericytoma after 6\u00a0weeks")
    assert text.title.endswith("with unknown publication types.")  # continuation joined by one space
    assert (text.authors[1].given, text.authors[1].initials, text.authors[1].suffix) == ("J\u00a0Ko", "JK", "Jr")


def test_a_file_converted_in_parallel_pieces_warns_once_with_the_whole_count(
    no_mesh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.pipeline import conversion
    from graph.pipeline.conversion import Converter

    text = XML.read_text(encoding="utf-8")
    start, end = text.index("<PubmedArticle>"), text.rindex("</PubmedArticle>") + len("</PubmedArticle>")
    copies = 1_500  # ~7 MB: several pieces of read_chunks' 2 MiB
    record = text[start:end]
    body = "\n".join(record.replace('"1">2300000', f'"1">{n + 1}0000') for n in range(copies))
    big = tmp_path / "big-2013.xml"
    big.write_text(text[:start] + body + text[end:], encoding="utf-8")
    monkeypatch.setattr(conversion, "_PARALLEL_MIN_BYTES", 0)
    with warnings.catch_warnings(record=True) as caught, Converter(Iris().base, jobs=2) as converter:
        warnings.simplefilter("always")
        pieces = list(converter.pieces(big))
    assert len(pieces) > 2
    messages = [str(w.message) for w in caught if issubclass(w.category, MeshNamesWarning)]
    assert _count(messages) == 13 * copies


# ---------------------------------------------------------------- who reads PUBGRAPH_MESH


def test_the_library_reads_no_environment_for_mesh_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBGRAPH_MESH", str(MESH_NAMES))
    [article], messages = _read(NBIB)
    assert [h.ui for h in article.mesh_headings] == [None, None, None]
    assert _count(messages) == 10


@pytest.mark.parametrize("how", ["env", "option"])
def test_the_command_line_maps_pubgraph_mesh(how: str, tmp_path: Path) -> None:
    out = tmp_path / "out.nq"
    args: list[str | Path] = ["convert", NBIB, "-o", out]
    env = {"PUBGRAPH_MESH": str(MESH_NAMES)} if how == "env" else {}
    code, _out, err = run_cli([*args, "--mesh", str(MESH_NAMES)] if how == "option" else args, env=env)
    assert code == 0, err
    assert f"<{MESH}D006393>" in out.read_text(encoding="utf-8")
