"""The PubMed XML source, through ``graph.sources.read_records`` on fixtures written for it.

``tests/data/pubmed_full.xml`` uses every element the parser reads; smaller variations
(dates, pages, deletions, duplicates) are written per test with ``write_xml``.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from conftest import DATA, article_xml, delete_xml, write_xml

from graph.errors import InputError, UnknownFormatError
from graph.records import (
    AbstractSection,
    Affiliation,
    Article,
    ArticleDate,
    Author,
    Chemical,
    Correction,
    Deletion,
    Grant,
    Journal,
    Keyword,
    MeshHeading,
    Pagination,
    PubDate,
    PublicationType,
    Qualifier,
    Reference,
    SupplementaryConcept,
)
from graph.sources import read_records

FULL = DATA / "pubmed_full.xml"
LEGACY = DATA / "medline_legacy.xml"
BOOK = DATA / "pubmed_book.xml"


def articles(path: Path) -> dict[str, Article]:
    return {r.pmid: r for r in read_records(path) if isinstance(r, Article)}


@pytest.fixture(scope="module")
def full() -> Article:
    return articles(FULL)["30000001"]


@pytest.fixture(scope="module")
def plain() -> Article:
    return articles(FULL)["30000002"]


# ------------------------------------------------------------------ descriptive fields


def test_records_in_document_order() -> None:
    assert [r.pmid for r in read_records(FULL)] == ["30000001", "30000002"]


def test_identity_and_kind(full: Article) -> None:
    assert (full.pmid, full.version, full.kind) == ("30000001", 2, "article")


def test_title_flattens_inline_markup_and_mathml(full: Article) -> None:
    assert full.title == "Effects of Escherichia coli on Ca2+ signalling in x+1 models."
    assert full.vernacular_title == "Effets de E. coli."


def test_space_between_two_inline_elements_is_kept(tmp_path: Path) -> None:
    # "<i>Staphylococcus</i> <i>aureus</i>": the space is a blank text node between
    # elements, which a parser dropping "ignorable" blanks would lose.
    path = write_xml(tmp_path, "blank.xml", article_xml(1, "<i>Staphylococcus</i> <i>aureus</i> carriage."))
    (article,) = articles(path).values()
    assert article.title == "Staphylococcus aureus carriage."


def test_pretty_printed_mathml_flattens_to_its_tokens(tmp_path: Path) -> None:
    math = """<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">
        <mml:mrow>
            <mml:msup>
                <mml:mi>He</mml:mi>
                <mml:mn>3</mml:mn>
            </mml:msup>
            <mml:mtext> </mml:mtext>
            <mml:mi>MRI</mml:mi>
        </mml:mrow>
    </mml:math>"""
    path = write_xml(tmp_path, "math.xml", article_xml(1, f"Inhaled {math} in <i>COPD</i> <b>patients</b>."))
    (article,) = articles(path).values()
    assert article.title == "Inhaled He3 MRI in COPD patients."


def test_structured_abstract_keeps_labels_and_categories(full: Article, plain: Article) -> None:
    assert full.abstract == (
        AbstractSection("Calcium matters in E. coli.", "BACKGROUND", "BACKGROUND"),
        AbstractSection("It rose by 103 fold.", "RESULTS", "RESULTS"),
    )
    assert full.abstract_text == "BACKGROUND: Calcium matters in E. coli.\n\nRESULTS: It rose by 103 fold."
    assert plain.abstract == (AbstractSection("An unstructured abstract."),)


def test_languages_and_publication_types(full: Article, plain: Article) -> None:
    assert full.languages == ("eng",)
    assert plain.languages == ("eng", "fre")
    assert full.publication_types == (
        PublicationType("D016428", "Journal Article"),
        PublicationType("D013485", "Research Support, Non-U.S. Gov't"),
    )


def test_dates(full: Article) -> None:
    assert full.pub_date == PubDate(2018, 7, 15)
    assert full.article_dates == (ArticleDate(2018, 6, 30, "Electronic"),)
    assert full.year == 2018


def test_journal_from_journal_and_medline_journal_info(full: Article, plain: Article) -> None:
    assert full.journal == Journal(
        title="Journal of synthetic test results",
        iso_abbreviation="J Synth Test Results",
        nlm_abbreviation="J Synth Test",
        nlm_unique_id="101234567",
        issn_print="1234-5679",
        issn_electronic=None,
        issn_linking="1234-5679",
        volume="12",
        issue="3",
    )
    assert plain.journal is not None
    assert (plain.journal.issn_print, plain.journal.issn_electronic) == (None, "2345-6789")
    assert (plain.journal.volume, plain.journal.issue) == ("7", None)


def test_medline_pagination_end_page_expanded(full: Article, plain: Article) -> None:
    assert full.pagination == Pagination("1234-45", "1234", "1245")
    assert plain.pagination is None


def test_article_ids(full: Article, plain: Article) -> None:
    assert full.doi == "10.1000/xyz.2018.001"
    assert full.pmcid == "PMC6000001"
    assert full.pii == "S0000-0000(18)00001-X"
    # Without an ArticleIdList entry, the DOI comes from <ELocationID>.
    assert plain.doi == "10.2000/second.article"
    assert plain.pmcid == "PMC6000002"  # given bare and versioned


# ------------------------------------------------------------------ people


def test_authors_in_order_with_names_orcids_and_affiliations(full: Article) -> None:
    assert full.authors == (
        Author(
            family="Onoda",
            given="Takahiro",
            initials="T",
            orcid="0000-0002-1825-0097",
            affiliations=(
                Affiliation("Department of Synthetic Medicine, Example University, Sendai, Japan."),
                Affiliation("Institute of Tests, Tokyo, Japan.", "https://ror.org/00example1"),
            ),
            equal_contribution=True,
        ),
        Author(
            family="Smith",
            given="John",
            initials="J",
            suffix="Jr",
            orcid="0000-0001-5109-3700",
            equal_contribution=True,
        ),
        Author(collective_name="Synthetic Test Consortium"),
        Author(family="Müller", given="Anna", initials="A", orcid="0000-0003-4444-444X"),
        # The shape is normalised; the checksum is checked when minting IRIs, not here.
        Author(family="Badcheck", given="Bo", initials="B", orcid="0000-0003-1234-5670"),
    )


def test_invalid_author_skipped_and_names(full: Article, plain: Article) -> None:
    assert "Wrongname" not in {a.family for a in full.authors}
    assert [a.name for a in full.authors[:3]] == [
        "Takahiro Onoda",
        "John Smith Jr",
        "Synthetic Test Consortium",
    ]
    assert full.authors[2].is_group
    assert plain.authors == (Author(family="Solo", initials="S"),)
    assert plain.authors[0].name == "S Solo"


def test_investigators(full: Article) -> None:
    assert full.investigators == (
        Author(
            family="Invest",
            given="Igor",
            initials="I",
            affiliations=(Affiliation("Trial Office, Oslo, Norway."),),
        ),
    )


# ------------------------------------------------------------------ subjects and funding


def test_mesh_major_on_descriptor_or_one_qualifier(full: Article) -> None:
    assert full.mesh_headings == (
        MeshHeading("D006801", "Humans", False),
        MeshHeading("D004926", "Escherichia coli", True),
        MeshHeading(
            "D009369",
            "Neoplasms",
            False,
            (
                Qualifier("Q000188", "drug therapy", True),
                Qualifier("Q000000981", "diagnostic imaging", False),
            ),
        ),
    )


def test_supplementary_concepts_keywords_chemicals_grants(full: Article, plain: Article) -> None:
    assert full.supplementary_concepts == (SupplementaryConcept("C000657245", "COVID-19", "Disease"),)
    assert full.keywords == (
        Keyword("synthetic data", "NOTNLM", False),
        Keyword("E. coli models", "NOTNLM", True),
    )
    assert plain.keywords == (Keyword("reviews", "NLM", False),)
    assert full.chemicals == (
        Chemical("Fakeamine", "D000001", None),
        Chemical("Insulin", "D007328", "9004-10-8"),
    )
    assert full.grants == (
        Grant("R01 GM000001", "GM", "NIGMS NIH HHS", "United States"),
        Grant(None, None, "Wellcome Trust", "United Kingdom"),
    )


# ------------------------------------------------------------------ references and corrections


def test_references_in_order_with_normalised_ids(full: Article) -> None:
    assert full.references == (
        Reference("Ref One A. First reference. J Ref. 2001;1:1.", "11111111", "10.1000/ref.one"),
        Reference("Text Only B. A reference with no identifier. Book. 1999."),
        Reference("Pmc Only C. Versioned PMC id. 2010.", pmcid="PMC1234567"),
        Reference("Pmc Bare D. PMC id without prefix. 2011.", pmcid="PMC7654321"),
        Reference("Zero E. PMID of zero. 2012.", None, "10.1000/zero.e"),
        Reference("Onoda T. This very article. 2018."),  # self-citation: PMID dropped
        Reference("Last F. Cited with PMID and PMC. 2015.", "33333333", pmcid="PMC4444444"),
        # From CommentsCorrections Cites: 11111111 is already listed, 30000001 is itself.
        Reference("Other J. 2002;2:2", "22222222", source="comments-corrections"),
    )


def test_cited_pmids_never_duplicated_nor_self(full: Article) -> None:
    pmids = [r.pmid for r in full.references if r.pmid]
    assert len(pmids) == len(set(pmids))
    assert full.pmid not in pmids


def test_nested_reference_lists_read_in_order(plain: Article) -> None:
    assert plain.references == (
        Reference("Outer G. Top-level list entry. 2000.", "44444444"),
        Reference("Inner H. Nested list entry. 2001.", doi="10.3000/inner"),
    )


def test_other_comments_corrections_kept_as_corrections(full: Article, plain: Article) -> None:
    assert full.corrections == (
        Correction("ErratumIn", "30000099", "J Synth Test. 2018;12(4):99"),
        Correction("CommentOn", "29999999", "Other J. 2017;5:5"),
    )
    assert plain.corrections == ()


# ------------------------------------------------------------------ dates and pages, varied


def _pub_date_xml(pub_date: str) -> str:
    return article_xml(1).replace("<PubDate><Year>2020</Year></PubDate>", f"<PubDate>{pub_date}</PubDate>")


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("<Year>2018</Year><Month>Jul</Month>", PubDate(2018, 7)),
        ("<Year>2018</Year><Month>07</Month>", PubDate(2018, 7)),
        ("<Year>2018</Year><Month>07</Month><Day>09</Day>", PubDate(2018, 7, 9)),
        ("<Year>2018</Year><Month>Dec</Month><Day>31</Day>", PubDate(2018, 12, 31)),
        ("<Year>2018</Year>", PubDate(2018)),
        ("<Year>2001</Year><Season>Spring</Season>", PubDate(2001, text="2001 Spring")),
        ("<MedlineDate>1998 Dec-1999 Jan</MedlineDate>", PubDate(1998, text="1998 Dec-1999 Jan")),
        ("<MedlineDate>Summer 2003</MedlineDate>", PubDate(2003, text="Summer 2003")),
    ],
    ids=[
        "month-name",
        "month-digits",
        "day",
        "december",
        "year",
        "season",
        "medline-range",
        "medline-season",
    ],
)
def test_pub_date_shapes(tmp_path: Path, pub_date: str, expected: PubDate) -> None:
    [record] = read_records(write_xml(tmp_path, "d.xml", _pub_date_xml(pub_date)))
    assert isinstance(record, Article)
    assert record.pub_date == expected
    assert record.year == expected.year


def test_year_falls_back_to_article_date(tmp_path: Path) -> None:
    xml = _pub_date_xml("<MedlineDate>undated</MedlineDate>").replace(
        "</PublicationTypeList>",
        '</PublicationTypeList><ArticleDate DateType="Electronic">'
        "<Year>2019</Year><Month>02</Month><Day>03</Day></ArticleDate>",
    )
    [record] = read_records(write_xml(tmp_path, "d.xml", xml))
    assert isinstance(record, Article)
    assert record.pub_date == PubDate(None, text="undated")
    assert record.year == 2019


@pytest.mark.parametrize(
    ("pagination", "expected"),
    [
        ("<MedlinePgn>1234-45</MedlinePgn>", Pagination("1234-45", "1234", "1245")),
        ("<MedlinePgn>386-92</MedlinePgn>", Pagination("386-92", "386", "392")),
        ("<MedlinePgn>e12-e14</MedlinePgn>", Pagination("e12-e14", "e12", "e14")),
        ("<MedlinePgn>101</MedlinePgn>", Pagination("101", "101", None)),
        ("<MedlinePgn>5-9, 12-15</MedlinePgn>", Pagination("5-9, 12-15", "5", "9")),
        ("<StartPage>10</StartPage><EndPage>20</EndPage>", Pagination(None, "10", "20")),
    ],
    ids=["abbreviated-end", "three-digit", "electronic", "single", "several-ranges", "start-end"],
)
def test_pagination_shapes(tmp_path: Path, pagination: str, expected: Pagination) -> None:
    xml = article_xml(1).replace("<MedlinePgn>1-2</MedlinePgn>", pagination)
    [record] = read_records(write_xml(tmp_path, "p.xml", xml))
    assert isinstance(record, Article)
    assert record.pagination == expected


# ------------------------------------------------------------------ other roots and record kinds


def test_legacy_medline_citation_set() -> None:
    records = list(read_records(LEGACY))
    first, second = records[0], records[1]
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.pmid, second.pmid) == ("17000001", "17000002")
    assert first.pmcid == "PMC3000001"  # from <OtherID Source="NLM">
    assert first.pub_date == PubDate(2007, text="2007 Spring")
    assert first.pagination == Pagination("386-92", "386", "392")
    assert first.references == (
        Reference("Nature. 1990;1:1", "1000001", source="comments-corrections"),
        Reference("Science. 1991;2:2", source="comments-corrections"),  # PMID 0
        Reference("Cell. 1992;3:3", "1000003", source="comments-corrections"),
    )
    assert second.pub_date == PubDate(2008, 7, 9)
    assert second.journal is not None and second.journal.nlm_unique_id == "8900001"


def test_delete_citation_yields_deletions_in_order() -> None:
    deletions = [r for r in read_records(LEGACY) if isinstance(r, Deletion)]
    assert deletions == [Deletion("16000003"), Deletion("16000001"), Deletion("16000002")]


def test_pubmed_book_and_chapter() -> None:
    book, chapter = read_records(BOOK)
    assert isinstance(book, Article) and isinstance(chapter, Article)
    assert (book.pmid, book.kind, book.title, book.book_title) == (
        "20000001",
        "book",
        "Handbook of Synthetic Testing",
        None,
    )
    assert book.publisher == "Example University Press"
    assert book.pub_date == PubDate(2015, 3)
    assert book.doi == "10.5000/handbook"
    # Editors are not authors: the list typed "authors" is.
    assert [a.family for a in book.authors] == ["Writer", "Scribe"]
    assert book.keywords == (Keyword("handbooks", "NLM"),)
    assert book.publication_types == (PublicationType("D000072001", "Book"),)
    assert (chapter.pmid, chapter.kind, chapter.title, chapter.book_title) == (
        "20000002",
        "chapter",
        "Chapter one: the basics",
        "Handbook of Synthetic Testing",
    )
    assert [a.family for a in chapter.authors] == ["Chapman"]
    assert chapter.references == (Reference("Cited Q. A cited paper. 2010.", "55555555"),)
    assert chapter.journal is None


def test_records_then_deletions_in_one_file(tmp_path: Path) -> None:
    path = write_xml(tmp_path, "u.xml", [article_xml(5), article_xml(6), delete_xml(7, 0, 5)])
    assert [(type(r).__name__, r.pmid) for r in read_records(path)] == [
        ("Article", "5"),
        ("Article", "6"),
        ("Deletion", "7"),
        ("Deletion", "5"),
    ]


def test_same_pmid_twice_read_as_two_records(tmp_path: Path) -> None:
    path = write_xml(tmp_path, "twice.xml", [article_xml(8, "First."), article_xml(8, "Second.")])
    assert [(r.pmid, r.title) for r in read_records(path) if isinstance(r, Article)] == [
        ("8", "First."),
        ("8", "Second."),
    ]


# ------------------------------------------------------------------ compression and format


def _expected() -> list[str]:
    return [r.pmid for r in read_records(FULL)]


def test_gzip_read_transparently(tmp_path: Path) -> None:
    target = tmp_path / "full.xml.gz"
    target.write_bytes(gzip.compress(FULL.read_bytes()))
    assert [r.pmid for r in read_records(target)] == _expected()


def test_gzip_detected_by_magic_bytes_whatever_the_name(tmp_path: Path) -> None:
    named_xml = tmp_path / "actually-gzip.xml"
    named_xml.write_bytes(gzip.compress(FULL.read_bytes()))
    no_extension = tmp_path / "records"
    shutil.copy(named_xml, no_extension)
    assert [r.pmid for r in read_records(named_xml)] == _expected()
    assert [r.pmid for r in read_records(no_extension)] == _expected()  # format sniffed


def test_records_stream_before_an_error_later_in_the_file(tmp_path: Path) -> None:
    path = write_xml(tmp_path, "bad.xml", [article_xml(1), article_xml(2).replace("</ArticleTitle>", "", 1)])
    stream = read_records(path)
    first = next(stream)
    assert first.pmid == "1"
    with pytest.raises(InputError, match=r"bad\.xml: malformed XML at line \d+"):
        list(stream)


def test_unknown_format_name_refused() -> None:
    with pytest.raises(UnknownFormatError, match="unknown input format 'medline-json'"):
        next(read_records(FULL, fmt="medline-json"))
