"""PubMed format text (.nbib): tags, continuations, authors, MeSH, and parity with XML."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from conftest import DATA, run_cli

from graph.errors import InputError, UnknownFormatError
from graph.model import Iris, article_quads
from graph.records import Article, Correction, Grant, Keyword, PubDate
from graph.sources import expand_inputs, guess_format, read_records
from graph.sources._mesh_names import MeshLinks, mesh_names
from graph.sources.medline_text import MeshNamesWarning, read, sniff

MESH = DATA / "mesh_names.tsv"
PREDICATE_XML_ONLY = {
    "<http://purl.org/dc/terms/alternative>",  # the journal's ISO abbreviation
    "<https://w3id.org/pubgraph/ontology/equalContribution>",
}


def _text(body: str, mesh: tuple[Path, ...] = ()) -> Article:
    return next(read(io.BytesIO(body.encode()), Path("t.nbib"), links=MeshLinks(mesh_names(mesh))))


@pytest.fixture
def mesh_env() -> tuple[Path, ...]:
    return (MESH,)


def _quads(path: Path, mesh: tuple[Path, ...] = ()) -> set[tuple[str, str, str, str]]:
    return {q for record in read_records(path, mesh=mesh) for q in article_quads(record, Iris())}


# ---------------------------------------------------------------- parity with XML


def test_same_article_as_xml_and_text_gives_the_same_triples(mesh_env: tuple[Path, ...]) -> None:
    xml = _quads(DATA / "live_article.xml")
    text = _quads(DATA / "live_article.nbib", mesh_env)
    # What PubMed format cannot carry: the reference list, EqualContrib, ISOAbbreviation.
    xml_only = {
        q
        for q in xml
        if q[1] in PREDICATE_XML_ONLY
        or "/reference/" in q[0]
        or "/reference/" in q[2]
        or q[2] == "<https://w3id.org/pubgraph/article/17858068>"
        or q[0] == "<https://w3id.org/pubgraph/article/17858068>"
    }
    assert len(xml_only) == 11
    assert text == xml - xml_only
    assert any("mesh/D006393Q000601" in q[2] for q in text)  # qualifiers survived


def test_parity_covers_every_field_the_text_carries(mesh_env: tuple[Path, ...]) -> None:
    (xml,) = read_records(DATA / "live_article.xml")
    (text,) = read_records(DATA / "live_article.nbib", mesh=mesh_env)
    assert text.grants == xml.grants and len(text.grants) == 2
    assert text.corrections == tuple(Correction(c.ref_type, c.pmid, c.ref_source) for c in xml.corrections)
    assert [h.major for h in text.mesh_headings] == [False, True, False]
    assert [q.major for q in text.mesh_headings[2].qualifiers] == [True]
    assert text.keywords == xml.keywords
    assert (text.doi, text.pii, text.pmcid) == ("10.1007/s00586-017-5322-1", "10.1007/s00586-017-5322-1", "PMC5690420")
    assert text.authors[1].suffix == "Jr" and text.authors[1].given == "Michiel J L"
    assert [len(a.affiliations) for a in text.authors] == [1, 2, 0, 0]
    assert text.authors[3].orcid == "0000-0001-5109-3700"
    assert text.authors[2].collective_name == "Spine Tumour Study Group"


# ---------------------------------------------------------------- tags


def test_continuation_lines_join_with_one_space() -> None:
    article = _text("PMID- 5\nTI  - A title that\n      goes on \n      and on.\n")
    assert article.title == "A title that goes on and on."


def test_control_characters_read_as_replacement_characters_and_rdf_xml_stays_well_formed(tmp_path: Path) -> None:
    import rdflib

    source = tmp_path / "c.nbib"
    source.write_bytes(b"PMID- 5\nTI  - Bell \x07 and form feed \x0c here\xef\xbf\xbe.\n")
    assert _text(source.read_text()).title == "Bell \ufffd and form feed \ufffd here\ufffd."
    code, _, err = run_cli(["convert", source, "-o", tmp_path / "c.rdf"])
    assert code == 0, err
    assert len(rdflib.Graph().parse(tmp_path / "c.rdf", format="xml")) > 3


def test_affiliations_and_orcids_attach_to_the_author_they_follow() -> None:
    article = _text(
        "PMID- 5\nFAU - Alpha, Ann\nAU  - Alpha A\nAD  - First lab.\nFAU - Beta, Bob\nAU  - Beta B\n"
        "AUID- ORCID: 0000-0002-1825-0097\nAD  - Second lab.\nAD  - Third lab.\n"
    )
    assert [a.family for a in article.authors] == ["Alpha", "Beta"]
    assert [a.name for a in article.authors[0].affiliations] == ["First lab."]
    assert [a.name for a in article.authors[1].affiliations] == ["Second lab.", "Third lab."]
    assert (article.authors[0].orcid, article.authors[1].orcid) == (None, "0000-0002-1825-0097")


@pytest.mark.filterwarnings("ignore::graph.sources.medline_text.MeshNamesWarning")
def test_affiliation_before_the_authors_belongs_to_the_first(shared_samples: Path) -> None:
    (article,) = read_records(shared_samples / "medline" / "biopython_medline_pubmed_result1.txt")
    assert article.authors[0].affiliations[0].name.startswith("tacg Informatics")


def test_short_names_only_and_investigators() -> None:
    article = _text("PMID- 5\nAU  - Smith J\nAU  - Jones K\nFIR - Wu, Li\nIR  - Wu L\nIRAD- Lab.\n")
    assert [(a.family, a.initials) for a in article.authors] == [("Smith", "J"), ("Jones", "K")]
    assert article.investigators[0].name == "Li Wu"
    assert article.investigators[0].affiliations[0].name == "Lab."


@pytest.mark.parametrize(
    ("dp", "expected"),
    [
        ("2018 Jul", PubDate(2018, 7)),
        ("2006 Mar 1", PubDate(2006, 3, 1)),
        ("2006", PubDate(2006)),
        ("2001 Spring", PubDate(2001, text="2001 Spring")),
        ("1998 Dec-1999 Jan", PubDate(1998, text="1998 Dec-1999 Jan")),
        ("2000 Jan-Feb", PubDate(2000, text="2000 Jan-Feb")),
    ],
)
def test_publication_dates(dp: str, expected: PubDate) -> None:
    assert _text(f"PMID- 5\nDP  - {dp}\n").pub_date == expected


def test_grants_keywords_corrections_and_chemical_registry_numbers(mesh_env: tuple[Path, ...]) -> None:
    article = _text(
        "PMID- 5\nGR  - U54 HG/HG/NHGRI NIH HHS/United States\nGR  - Wellcome Trust/United Kingdom\n"
        "OTO - NOTNLM\nOT  - spine\nRN  - 0 (Biomarkers, Tumor)\nCON - Spine J. 2001;1:2. PMID: 77\n"
        "ROF - Spine J. 2002;2:3.\n",
        mesh_env,
    )
    assert article.grants == (
        Grant("U54 HG", "HG", "NHGRI NIH HHS", "United States"),
        Grant(None, None, "Wellcome Trust", "United Kingdom"),
    )
    assert article.keywords == (Keyword("spine", "NOTNLM"),)
    assert article.corrections == (
        Correction("CommentOn", "77", "Spine J. 2001;1:2"),
        Correction("RetractionOf", None, "Spine J. 2002;2:3."),
    )
    assert (article.chemicals[0].ui, article.chemicals[0].registry_number) == ("D014408", None)


def test_unknown_mesh_names_are_kept_by_name_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBGRAPH_MESH", raising=False)
    body = b"PMID- 5\nMH  - *Software\nMH  - Humans\nPT  - Case Reports\n\nPMID- 6\nMH  - Humans\n"
    with pytest.warns(MeshNamesWarning) as caught:
        articles = list(read(io.BytesIO(body), Path("t.nbib")))
    assert [str(w.message) for w in caught] == [
        "t.nbib: 3 MeSH heading(s), qualifier(s), publication type(s), chemical(s) or concept(s) have no MeSH "
        "identifier and are kept as names only (dcterms:subject, prism:genre); set PUBGRAPH_MESH to NLM's MeSH "
        "files (descYYYY.xml …) to link them to MeSH"
    ]
    assert [[(h.ui, h.name, h.major) for h in a.mesh_headings] for a in articles] == [
        [(None, "Software", True), (None, "Humans", False)],
        [(None, "Humans", False)],
    ]
    assert articles[0].publication_types[0].ui == "D002363"  # common types are known without a file


def test_mesh_names_from_nlm_xml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    desc = tmp_path / "desc.xml"
    desc.write_text(
        "<DescriptorRecordSet><DescriptorRecord><DescriptorUI>D012984</DescriptorUI>"
        "<DescriptorName><String>Software</String></DescriptorName></DescriptorRecord></DescriptorRecordSet>"
    )
    qual = tmp_path / "qual.xml"
    qual.write_text(
        "<QualifierRecordSet><QualifierRecord><QualifierUI>Q000379</QualifierUI>"
        "<QualifierName><String>methods</String></QualifierName></QualifierRecord></QualifierRecordSet>"
    )
    heading = _text("PMID- 5\nMH  - Software/*methods\n", (desc, qual)).mesh_headings[0]
    assert (heading.ui, heading.major, heading.qualifiers[0].ui, heading.qualifiers[0].major) == (
        "D012984",
        False,
        "Q000379",
        True,
    )


# ---------------------------------------------------------------- files and errors


def test_registry_claims_nbib_and_sniffs_txt_by_content(tmp_path: Path) -> None:
    plain, note = tmp_path / "export.txt", tmp_path / "README.txt"
    plain.write_bytes(b"\nPMID- 12\nTI  - x\n")
    note.write_bytes(b"Not PubMed.\n")
    assert guess_format(DATA / "live_article.nbib") == "pubmed-text"
    assert guess_format(plain) == "pubmed-text"
    with pytest.raises(UnknownFormatError):
        guess_format(note)
    saved = tmp_path / "saved.nbib"
    saved.write_bytes(plain.read_bytes())
    assert expand_inputs([tmp_path]) == [saved]  # directories: .nbib by name, never README.txt
    assert sniff(b"\xef\xbb\xbfPMID- 1\n") and not sniff(b"<?xml version='1.0'?><PubmedArticleSet>")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Hello, this is a note.\n", "line 1 is not a 'TAG - value' line of PubMed format"),
        (b"TI  - no PMID first\n", "line 1: a record must start with 'PMID- ', found 'TI'"),
        (b"PMID- 1\nTI  - caf\xe9\n", "line 2 is not UTF-8"),
        (b"PMID- abc\n", "line 1: 'abc' is not a PMID"),
        (b"\n\n", "not PubMed format text (no 'PMID- ' line)"),
    ],
)
def test_bad_text_names_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.nbib"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(read_records(path))
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_real_samples_load(shared_samples: Path) -> None:
    files = sorted((shared_samples / "medline").glob("*.txt"))
    assert files
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeshNamesWarning)
        articles = [a for path in files for a in read_records(path)]
    assert [a.pmid for a in articles] == ["12230038", "16403221", "16377612", "14871861", "14630660", "23039619"]
    by_pmid = {a.pmid: a for a in articles}
    assert by_pmid["16403221"].pmcid == "PMC1373603" and by_pmid["16403221"].doi == "10.1186/1471-2105-7-10"
    assert by_pmid["14871861"].authors[0].family == "de Hoon"
    assert by_pmid["23039619"].journal is not None and by_pmid["23039619"].journal.issn_linking == "0094-2405"
    assert by_pmid["16377612"].pagination is not None and by_pmid["16377612"].pagination.end == "617"
    assert all(a.title and a.authors and a.journal for a in articles)


def test_build_loads_nbib_and_reports_unknown_mesh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBGRAPH_MESH", raising=False)
    code, out, err = run_cli(["build", DATA / "live_article.nbib", "--store", tmp_path / "kg", "-j", "1"])
    assert code == 0, err
    assert "1 records" in out
    assert "warning: " in err and "MeSH heading(s)" in err
