"""The IRI scheme (DESIGN.md, "RDF model"): stable IRIs under a configurable base.

IRIs are pure functions of what a record says, so the same data lands on the same nodes
in any store; every minted IRI is one a strict parser accepts, whatever text it embeds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DATA, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat, parse

from graph.errors import InputError
from graph.model import Iris
from graph.model.iris import normalize_affiliation, slug
from graph.records import Affiliation, Author, Journal

BASE = "https://w3id.org/pubgraph/"
VALID_ORCID = "0000-0002-1825-0097"  # ORCID's documented example: the checksum passes
BAD_ORCID = "0000-0002-1825-0098"  # same digits, wrong check digit
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)))
SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def assert_valid_iri(value: str) -> None:
    """pyoxigraph's N-Triples parser validates IRIs unless told to be lenient."""
    triples = list(parse(f"<{value}> <http://example.org/p> <http://example.org/o> .\n", format=RdfFormat.N_TRIPLES))
    assert triples[0].subject.value == value


# ------------------------------------------------------------------ base handling


def test_default_base() -> None:
    assert Iris().base == BASE
    assert Iris.for_base().base == BASE


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://example.org/kg/", "https://example.org/kg/"),
        ("https://example.org/kg", "https://example.org/kg/"),
        ("https://example.org/kg#", "https://example.org/kg#"),
    ],
)
def test_for_base_ends_the_base_with_a_separator(given: str, expected: str) -> None:
    assert Iris.for_base(given).base == expected


def test_the_model_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # PUBGRAPH_BASE is the command line's to read (click's envvar), not the model's.
    monkeypatch.setenv("PUBGRAPH_BASE", "http://env.example/kg")
    assert Iris.for_base().base == BASE
    assert Iris.for_base("http://flag.example/").base == "http://flag.example/"


def test_empty_base_means_default() -> None:
    assert Iris.for_base("").base == BASE


def test_the_command_line_maps_pubgraph_base(tmp_path: Path) -> None:
    out = tmp_path / "out.nt"
    code, _out, err = run_cli(
        ["convert", DATA / "pubmed_full.xml", "-o", out], env={"PUBGRAPH_BASE": "http://env.example/kg"}
    )
    assert (code, err) == (0, "")
    assert "<http://env.example/kg/article/" in out.read_text(encoding="utf-8")
    # An explicit --base wins over the environment.
    code, _out, err = run_cli(
        ["convert", DATA / "pubmed_full.xml", "-o", out, "--base", "http://flag.example/"],
        env={"PUBGRAPH_BASE": "http://env.example/kg"},
    )
    assert "<http://env.example/kg/" not in out.read_text(encoding="utf-8")
    assert "<http://flag.example/article/" in out.read_text(encoding="utf-8")


def test_record_iris_follow_the_documented_scheme() -> None:
    iris = Iris()
    assert iris.article("28993889") == f"{BASE}article/28993889"
    assert iris.record_graph("28993889") == f"{BASE}graph/pubmed/28993889"
    assert iris.authorship("28993889", 3) == f"{BASE}article/28993889/author/3"
    assert iris.reference("28993889", 12) == f"{BASE}article/28993889/reference/12"
    assert iris.entities_graph == f"{BASE}graph/entities"
    assert iris.mesh_graph == f"{BASE}graph/mesh"
    assert iris.provenance_graph == f"{BASE}graph/provenance"


def test_instance_iris_move_with_the_base_and_vocabulary_iris_do_not() -> None:
    iris = Iris("http://example.org/kg/")
    assert iris.article("1") == "http://example.org/kg/article/1"
    assert iris.group("A Group") == "http://example.org/kg/group/a-group"
    assert iris.work_doi("10.1/x") == "http://example.org/kg/work/doi/10.1/x"
    assert iris.mesh("D009369", "Q000188") == "http://id.nlm.nih.gov/mesh/D009369Q000188"
    assert iris.mesh("D009369") == "http://id.nlm.nih.gov/mesh/D009369"
    assert iris.pubmed_page("1") == "https://pubmed.ncbi.nlm.nih.gov/1/"
    assert iris.language("ENG") == "http://id.loc.gov/vocabulary/iso639-2/eng"
    person = Author(family="Doe", orcid=VALID_ORCID)
    assert iris.person("1", 1, person) == Iris().person("1", 1, person) == f"https://orcid.org/{VALID_ORCID}"


@settings(max_examples=50, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True), st.integers(1, 5000))
def test_iris_are_stable_functions_of_their_inputs(pmid: str, position: int) -> None:
    first, second = Iris(), Iris.for_base(BASE)
    assert first.article(pmid) == second.article(pmid)
    assert first.authorship(pmid, position) == second.authorship(pmid, position)
    assert first.person(pmid, position, Author(family="X")) == f"{BASE}person/{pmid}-{position}"
    assert_valid_iri(first.reference(pmid, position))


# ------------------------------------------------------------------------- people


def test_person_with_a_valid_orcid_is_the_orcid_iri() -> None:
    author = Author(family="Carberry", given="Josiah", orcid=VALID_ORCID)
    assert Iris().person("30000001", 1, author) == f"https://orcid.org/{VALID_ORCID}"


@pytest.mark.parametrize(
    "orcid",
    [BAD_ORCID, "0000-0002-1825-009", "0000-0002-1825-009x", None],
    ids=["bad-checksum", "too-short", "lower-case-x", "none"],
)
def test_person_without_a_valid_orcid_is_per_record(orcid: str | None) -> None:
    author = Author(family="Carberry", orcid=orcid)
    assert Iris().person("30000001", 4, author) == f"{BASE}person/30000001-4"


def test_investigators_get_their_own_per_record_positions() -> None:
    assert Iris().person("30000001", "i1", Author(family="Invest")) == f"{BASE}person/30000001-i1"


def test_group_iri_is_a_slug_of_its_name() -> None:
    iris = Iris()
    assert iris.group("Synthetic Test Consortium") == f"{BASE}group/synthetic-test-consortium"
    assert iris.group("Müller-Lyer Study Group!") == f"{BASE}group/muller-lyer-study-group"
    assert iris.group("COVID-19 Genomics UK (COG-UK)") == iris.group("covid-19 genomics uk cog uk")


# ------------------------------------------------------------------- affiliations


def test_affiliation_with_ror_is_the_ror_iri() -> None:
    iris = Iris()
    assert iris.affiliation(Affiliation("Tests Inc.", ror="https://ror.org/00example1")) == "https://ror.org/00example1"
    assert iris.affiliation(Affiliation("Tests Inc.", ror="00example1")) == "https://ror.org/00example1"


def test_affiliation_identity_ignores_case_spacing_trailing_punctuation_and_email() -> None:
    iris = Iris()
    variants = [
        "Department of Surgery, Tohoku University, Sendai, Japan.",
        "DEPARTMENT OF SURGERY, TOHOKU UNIVERSITY, SENDAI, JAPAN",
        "  department of surgery,   Tohoku University,\nSendai, Japan ",
        "Department of Surgery, Tohoku University, Sendai, Japan. Electronic address: a.b@tohoku.ac.jp.",
    ]
    minted = {iris.affiliation(Affiliation(text)) for text in variants}
    assert len(minted) == 1
    (only,) = minted
    assert re.fullmatch(rf"{re.escape(BASE)}affiliation/[0-9a-f]{{16}}", only)
    assert iris.affiliation(Affiliation("Department of Medicine, Tohoku University, Sendai, Japan.")) != only


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dept of Surgery, Sendai, Japan. Electronic address: a@b.jp.", "dept of surgery, sendai, japan"),
        ("Dept of Surgery, Sendai, Japan. a@b.jp", "dept of surgery, sendai, japan"),
        ("  Institute   of\tTests;  ", "institute of tests"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
    ],
)
def test_normalize_affiliation(text: str, expected: str) -> None:
    assert normalize_affiliation(text) == expected


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_normalize_affiliation_is_idempotent(text: str) -> None:
    once = normalize_affiliation(text)
    assert normalize_affiliation(once) == once
    assert once == once.strip(" .;,")


# ----------------------------------------------------------------------- journals


def test_journal_iri_prefers_the_nlm_unique_id() -> None:
    journal = Journal(title="J Test", nlm_unique_id="101234567", issn_print="1234-5679", issn_linking="1234-5679")
    assert Iris().journal(journal) == f"{BASE}journal/101234567"


def test_journal_iri_keeps_leading_zeros_of_the_nlm_id() -> None:
    assert Iris().journal(Journal(nlm_unique_id="0000001")) == f"{BASE}journal/0000001"


@pytest.mark.parametrize(
    ("journal", "expected"),
    [
        (
            Journal(title="J", issn_linking="1111-1111", issn_print="2222-2222", issn_electronic="3333-3333"),
            "1111-1111",
        ),
        (Journal(title="J", issn_print="2222-2222", issn_electronic="3333-3333"), "2222-2222"),
        (Journal(title="J", issn_electronic="3333-3333"), "3333-3333"),
    ],
    ids=["linking", "print", "electronic"],
)
def test_journal_iri_falls_back_to_an_issn(journal: Journal, expected: str) -> None:
    assert Iris().journal(journal) == f"{BASE}journal/issn/{expected}"


def test_journal_iri_falls_back_to_a_title_slug_then_to_none() -> None:
    iris = Iris()
    assert (
        iris.journal(Journal(title="Journal of Synthetic Tests")) == f"{BASE}journal/title/journal-of-synthetic-tests"
    )
    assert iris.journal(Journal()) is None
    assert iris.journal(Journal(volume="12", issue="3")) is None


def test_volume_and_issue_hang_under_their_container() -> None:
    iris = Iris()
    journal = f"{BASE}journal/101234567"
    volume = iris.volume(journal, "12")
    assert volume == f"{journal}/volume/12"
    assert iris.issue(volume, "3") == f"{journal}/volume/12/issue/3"
    assert iris.issue(journal, "Suppl 1") == f"{journal}/issue/Suppl%201"
    assert iris.volume(journal, "12/13") == f"{journal}/volume/12%2F13"


# -------------------------------------------------------------- works and funding


def test_work_iris() -> None:
    iris = Iris()
    assert iris.work_doi("10.1000/ref.one") == f"{BASE}work/doi/10.1000/ref.one"
    assert iris.work_doi("10.1002/(sici)1<1::aid>3.0.co;2-d") == f"{BASE}work/doi/10.1002/(sici)1%3C1::aid%3E3.0.co;2-d"
    assert iris.work_pmc("PMC1234567") == f"{BASE}work/pmc/PMC1234567"


def test_grant_and_agency_iris() -> None:
    iris = Iris()
    assert iris.agency("NIGMS NIH HHS") == f"{BASE}agency/nigms-nih-hhs"
    assert iris.grant("NIGMS NIH HHS", "R01 GM000001") == f"{BASE}grant/nigms-nih-hhs/R01%20GM000001"
    assert iris.grant(None, "X/1") == f"{BASE}grant/unknown/X%2F1"


# Text with what IRI and N-Triples parsers treat specially drawn often, lone surrogates too.
HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(' <>"{}|\\^`#?%/.\n\r\t\x00\x7f\u2028\ufffe\uffff\udc80\ud800é')),
        st.characters(),
    )
)


@settings(max_examples=200, deadline=None)
@given(HOSTILE, HOSTILE)
def test_every_minted_iri_is_valid_whatever_the_text(text: str, other: str) -> None:
    iris = Iris()
    journal_iri = iris.journal(Journal(title=text or None, nlm_unique_id=other or None))
    minted = [
        iris.group(text),
        iris.agency(text),
        iris.grant(text, other),
        iris.grant(None, text),
        iris.affiliation(Affiliation(text)),
        iris.affiliation(Affiliation("a", ror=text)),
        iris.affiliation(Affiliation("a", ror=f"https://ror.org/{text}")),
        iris.journal(Journal(title=text or "t")),
        iris.journal(Journal(issn_print=text or "t")),
        iris.volume(f"{BASE}journal/1", text),
        iris.issue(f"{BASE}journal/1", text),
        iris.work_doi(f"10.1000/{text}"),
        iris.metrics_graph(text or "citation"),
        iris.person("1", 1, Author(orcid=text)),
    ]
    if journal_iri is not None:
        minted.append(journal_iri)
    # Identifiers of a known shape mint an IRI only when they have it.
    minted += [value for value in (iris.language(text), iris.mesh(text), iris.mesh("D1", text)) if value]
    minted += [value for value in (iris.work_pmc(text), iris.work_pmc(f"PMC{text}")) if value]
    for value in minted:
        assert value.startswith(("https://w3id.org/pubgraph/", "http://id.loc.gov/", "https://", "http://id.nlm"))
        assert_valid_iri(value)


@pytest.mark.parametrize(
    "ui", ["D000818>", "D000818 x", "D 000818", "", "X000818", "D00081\u0663", "<D000818>", "D000818\x00"]
)
def test_a_mesh_ui_of_another_shape_mints_no_iri(ui: str) -> None:
    # A UI with ">" ended in a SyntaxError at bulk load; one with a space broke Turtle export.
    assert Iris.mesh(ui) is None
    assert Iris.mesh("D000818", ui) is None


@pytest.mark.parametrize("code", ["en GB", "e>g", "english", "", "en-GB", "en"])
def test_a_language_that_is_no_iso_639_2_code_mints_no_iri(code: str) -> None:
    assert Iris.language(code) is None


@pytest.mark.parametrize("pmcid", ["PMC1 2", "PMC1>", "PMC", "12", "PMC\u0661\u0662", "PMC12.1"])
def test_a_pmc_id_of_another_shape_mints_no_iri(pmcid: str) -> None:
    assert Iris().work_pmc(pmcid) is None


@pytest.mark.parametrize("base", ["http://x y/", "x", "http://x/<a>/", "https://example.org/kg\n/", ""])
def test_a_base_that_is_no_absolute_iri_is_refused(base: str) -> None:
    with pytest.raises(InputError) as raised:
        Iris(base)
    assert str(raised.value) == (
        f"the base IRI {base!r} (--base or PUBGRAPH_BASE) is not an absolute IRI; give one such as {BASE}"
    )


def test_a_ror_id_is_percent_encoded_and_its_trailing_slash_dropped() -> None:
    iris = Iris()
    assert iris.affiliation(Affiliation("a", ror="https://ror.org/03yrm5c26/")) == "https://ror.org/03yrm5c26"
    assert iris.affiliation(Affiliation("a", ror="0x y>")) == "https://ror.org/0x%20y%3E"
    assert iris.affiliation(Affiliation("a", ror=" / ")).startswith(f"{BASE}affiliation/")


def test_an_affiliation_with_a_lone_surrogate_gets_an_iri() -> None:
    # Text decoded with surrogateescape: hashing it raised UnicodeEncodeError.
    assert Iris().affiliation(Affiliation("Univ\udce9rsit\udce9")).startswith(f"{BASE}affiliation/")


# -------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Müller-Lyer Study Group!", "muller-lyer-study-group"),
        ("NIGMS NIH HHS", "nigms-nih-hhs"),
        ("  --Leading and trailing--  ", "leading-and-trailing"),
        ("Ünïcödé", "unicode"),
        ("東京", "unnamed"),
        ("", "unnamed"),
        ("!!!", "unnamed"),
    ],
)
def test_slug_examples(text: str, expected: str) -> None:
    assert slug(text) == expected


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_slug_is_lower_ascii_words_joined_by_hyphens_and_idempotent(text: str) -> None:
    result = slug(text)
    assert result == "unnamed" or SLUG_RE.fullmatch(result)
    assert slug(result) == result
