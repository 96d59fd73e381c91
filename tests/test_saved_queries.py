"""Saved queries: each one parses, gives the same answer on Oxigraph and rdflib, and the
right one on tests/data/saved_queries.xml.

The fixture holds seven invented records, 30000001 (A) … 30000007 (G): A is cited by B,
by C through its DOI only, by D, E, and by G twice (PMID and DOI); 11111111 and 22222222
are cited but not loaded; F retracts E. Josiah Carberry (ORCID 0000-0002-1825-0097)
writes A and D, and B as "J Carberry".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery

from graph.errors import QueryError, QueryParameterError
from graph.model import Iris, article_quads, nquad_line
from graph.queries import KINDS, Param, SavedQuery, _parse, get_saved, list_saved
from graph.records import Article
from graph.sources import read_records

DATA = Path(__file__).parent / "data" / "saved_queries.xml"
SAMPLE = Path(__file__).parents[1] / "graph" / "data" / "sample" / "pubmed-sample.xml"
QUERIES = list_saved()
NAMES = [query.name for query in QUERIES]
REQUIRED = {
    "top-cited",
    "references",
    "cited-by",
    "coauthors",
    "mesh-major-by-year",
    "articles-by-journal",
    "citations-per-year",
    "top-authors",
    "top-keywords",
    "article",
    "grants-by-agency",
}
#: Parameter values that give every query rows on the fixture.
FIXTURE_VALUES = {"pmid": "30000002", "name": "carberry", "text": "cohort", "min": "1"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + name for name in ("integer", "decimal", "double", "float", "long", "int")}

Row = tuple[str, ...]

# rdflib 7 warns about its own Dataset internals while parsing and querying N-Quads
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


def _nquads(path: Path) -> str:
    iris = Iris()
    return "".join(
        nquad_line(quad)
        for record in read_records(path)
        if isinstance(record, Article)
        for quad in article_quads(record, iris)
    )


def _text(value: str, datatype: str | None) -> str:
    """One literal form per number: 5, 5.0 and "5"^^xsd:decimal all read 5."""
    if datatype in _NUMERIC:
        number = Decimal(value)
        return str(int(number)) if number == number.to_integral_value() else str(number.normalize())
    return value


def _oxigraph_rows(store: ox.Store, text: str) -> tuple[list[str], list[Row]]:
    solutions = store.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [variable.value for variable in solutions.variables]

    def cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.Literal):
            return _text(term.value, term.datatype.value)
        return term.value

    return names, [tuple(cell(solution[name]) for name in names) for solution in solutions]


def _rdflib_rows(dataset: rdflib.Dataset, text: str) -> tuple[list[str], list[Row]]:
    result = dataset.query(text)
    names = [str(variable) for variable in result.vars or []]

    def cell(term: rdflib.term.Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, rdflib.Literal):
            return _text(str(term), str(term.datatype) if term.datatype else None)
        return str(term)

    return names, [tuple(cell(row[name]) for name in names) for row in result]  # type: ignore[index]


@dataclasses.dataclass
class Engines:
    store: ox.Store
    dataset: rdflib.Dataset

    def run(self, text: str) -> list[dict[str, str]]:
        """Rows as dicts, after checking that both engines return them in the same order."""
        names, rows = _oxigraph_rows(self.store, text)
        assert (names, rows) == _rdflib_rows(self.dataset, text)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def saved(self, query: str, /, **values: str) -> list[dict[str, str]]:
        return self.run(get_saved(query).render(values))


def _engines(path: Path) -> Engines:
    data = _nquads(path)
    store = ox.Store()
    store.load(data, ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=data, format="nquads")
    return Engines(store, dataset)


@pytest.fixture(scope="module")
def kg() -> Engines:
    return _engines(DATA)


def _values(query: SavedQuery) -> dict[str, str]:
    return {param.name: FIXTURE_VALUES[param.name] for param in query.params}


def _column(rows: list[dict[str, str]], *names: str) -> list[tuple[str, ...]]:
    return [tuple(row[name] for name in names) for row in rows]


# --- the library -------------------------------------------------------------------


def test_the_library_has_the_queries_researchers_need() -> None:
    assert set(NAMES) >= REQUIRED
    assert sorted(NAMES) == NAMES


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_is_declared(query: SavedQuery) -> None:
    assert query.title and query.title[0].isupper()
    assert query.description and "\n" not in query.description
    for param in query.params:
        assert param.kind in KINDS and param.help and param.example
        # the body's VALUES line holds the default, or an example, so the file runs as it is
        assert f'VALUES ?{param.name} {{ "{param.default or param.example}" }}' in query.text
    assert query.render(query.examples) == query.text


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_parses_in_both_engines(query: SavedQuery) -> None:
    prepareQuery(query.text)
    ox.Store().query(query.text, use_default_graph_as_union=True)


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_gives_the_same_rows_on_both_engines(kg: Engines, query: SavedQuery) -> None:
    rows = kg.run(query.render(_values(query)))
    assert rows, "no rows on the fixture: the comparison would prove nothing"


# --- answers on the fixture -------------------------------------------------------------


def test_top_cited(kg: Engines) -> None:
    rows = kg.saved("top-cited")
    assert _column(rows, "pmid", "doi", "citations") == [
        # A: B, C (by DOI), D, E and G (by PMID and by DOI, counted once)
        ("30000001", "10.1000/tb.2015.001", "5"),
        ("11111111", "", "3"),  # not loaded: a stub shows its PMID
        ("30000002", "10.1000/tb.2016.002", "2"),
        ("30000003", "", "2"),
        ("22222222", "", "1"),
        ("30000004", "", "1"),
        ("", "10.5555/unloaded.1", "1"),  # cited by DOI only, not loaded
    ]
    first = rows[0]
    assert (first["year"], first["journal"]) == ("2015", "Journal of Test Biology")
    assert first["title"] == "Tumour growth patterns in a prospective cohort."
    # Carberry's ORCID node carries both names he used; MIN picks one
    assert first["firstAuthor"] == "J Carberry"
    assert rows[2]["firstAuthor"] == "Alice Nguyen"
    assert rows[1]["title"] == rows[1]["year"] == ""


def test_references_in_order(kg: Engines) -> None:
    rows = kg.saved("references", pmid="30000007")
    assert _column(rows, "position", "citedPmid", "citedYear", "inStore") == [
        ("1", "30000001", "2015", "true"),
        ("2", "30000001", "2015", "true"),  # cited by DOI: resolved to the loaded article
        ("3", "30000004", "2018", "true"),
        ("4", "30000003", "2017", "true"),
        ("5", "", "", ""),  # G's own PMID in its list: no self-citation
    ]
    assert rows[1]["citation"].endswith("doi:10.1000/tb.2015.001")
    assert rows[3]["citedTitle"] == 'Therapy response and the "cohort effect" in imaginary medicine.'


def test_references_to_works_not_loaded(kg: Engines) -> None:
    rows = kg.saved("references", pmid="30000005")
    assert _column(rows, "position", "citedPmid", "citedDoi", "inStore") == [
        ("1", "30000001", "10.1000/tb.2015.001", "true"),
        ("2", "11111111", "", "false"),
        ("3", "", "10.5555/unloaded.1", "false"),
        ("4", "", "", ""),
    ]
    assert rows[3]["citation"] == "Personal communication, 2017."


def test_references_include_comments_corrections_cites(kg: Engines) -> None:
    rows = kg.saved("references", pmid="30000004")
    # A and C from the ReferenceList, then B from CommentsCorrections (A there is a repeat)
    assert _column(rows, "citedPmid") == [("30000001",), ("30000003",), ("30000002",)]


def test_cited_by_counts_citations_by_doi(kg: Engines) -> None:
    rows = kg.saved("cited-by", pmid="30000001")
    assert _column(rows, "citingPmid", "year") == [
        ("30000007", "2020"),
        ("30000004", "2018"),
        ("30000005", "2018"),
        ("30000003", "2017"),  # cites A by DOI only
        ("30000002", "2016"),
    ]
    assert rows[0]["firstAuthor"] == "Alice Nguyen"


def test_cited_by_of_a_work_not_loaded(kg: Engines) -> None:
    rows = kg.saved("cited-by", pmid="11111111")
    assert _column(rows, "citingPmid") == [("30000005",), ("30000003",), ("30000002",)]


@pytest.mark.parametrize("name", ["CARBERRY", "josiah", "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"])
def test_coauthors_by_name_or_orcid(kg: Engines, name: str) -> None:
    assert _column(kg.saved("coauthors", name=name), "coauthor", "articles") == [
        ("Alice Nguyen", "2"),  # A and B
        ("Bob Okafor", "1"),
        ("Chen Wei", "1"),
        ("Dana Scully", "1"),
        ("Ella Fitz", "1"),
    ]


def test_coauthors_merge_orcid_holders_across_records(kg: Engines) -> None:
    rows = kg.saved("coauthors", name="nguyen")
    assert _column(rows, "coauthor", "orcid", "articles") == [
        ("Chen Wei", "", "2"),  # B and G, two per-record IRIs merged by name
        ("J Carberry", "0000-0002-1825-0097", "2"),  # A and B, one ORCID node
        ("Bob Okafor", "", "1"),
    ]


def test_author_articles(kg: Engines) -> None:
    rows = kg.saved("author-articles", name="0000-0002-1825-0097")
    assert _column(rows, "pmid", "year", "position", "author") == [
        ("30000004", "2018", "1", "Josiah Carberry"),
        ("30000002", "2016", "2", "J Carberry"),  # each article's byline, not one of the person's names
        ("30000001", "2015", "1", "Josiah Carberry"),
    ]


def test_top_authors(kg: Engines) -> None:
    assert _column(kg.saved("top-authors"), "author", "orcid", "articles", "firstAuthor") == [
        ("Alice Nguyen", "", "3", "2"),
        ("Chen Wei", "", "3", "1"),
        ("J Carberry", "0000-0002-1825-0097", "3", "2"),
        ("Dana Scully", "", "2", "0"),
        ("Bob Okafor", "", "1", "0"),
        ("Ella Fitz", "", "1", "0"),
        ("Frank Moreau", "", "1", "1"),
        ("Editorial Board of the Journal of Editorial Notices", "", "1", "1"),
    ]


def test_mesh_major_by_year(kg: Engines) -> None:
    assert _column(kg.saved("mesh-major-by-year"), "year", "topic", "articles") == [
        ("2020", "Cohort Studies", "1"),
        ("2018", "Neoplasms", "2"),
        # starred only on its qualifier, with a 9-digit UI (Q000000981)
        ("2018", "Breast Neoplasms", "1"),
        ("2017", "Neoplasms", "1"),  # starred on "therapy"
        ("2016", "Cohort Studies", "1"),
        ("2016", "Neoplasms", "1"),
        ("2015", "Neoplasms", "1"),
    ]
    rows = kg.saved("mesh-major-by-year", min="2")
    assert _column(rows, "year", "topic", "descriptor") == [("2018", "Neoplasms", "http://id.nlm.nih.gov/mesh/D009369")]


def test_articles_by_journal(kg: Engines) -> None:
    assert _column(kg.saved("articles-by-journal"), "title", "issn", "eIssn", "issnL", "articles") == [
        ("Annals of Imaginary Medicine", "", "2345-6789", "2345-6789", "3"),
        ("Journal of Test Biology", "1234-5678", "", "1234-5678", "3"),
        ("Journal of Editorial Notices", "3456-7890", "", "3456-7890", "1"),
    ]


def test_citations_per_year(kg: Engines) -> None:
    assert _column(kg.saved("citations-per-year"), "year", "citationsMade", "citationsReceived") == [
        ("2015", "0", "5"),
        ("2016", "2", "2"),
        ("2017", "4", "2"),
        ("2018", "6", "1"),  # D makes 3, E makes 3 (one to a DOI not loaded)
        ("2020", "3", "0"),  # G cites A twice: one link
    ]


def test_articles_by_year(kg: Engines) -> None:
    rows = kg.saved("articles-by-year")
    assert _column(rows, "year", "articles", "abstracts", "dois", "referenceLists") == [
        ("2015", "1", "1", "1", "0"),
        ("2016", "1", "1", "1", "1"),
        ("2017", "1", "0", "0", "1"),
        ("2018", "2", "0", "0", "2"),
        ("2019", "1", "0", "0", "0"),
        ("2020", "1", "0", "1", "1"),
    ]


def test_top_keywords_fold_case(kg: Engines) -> None:
    assert _column(kg.saved("top-keywords"), "keyword", "articles", "firstYear", "lastYear") == [
        ("Cohort", "3", "2015", "2020"),
        ("Tumour Biology", "2", "2015", "2017"),
        ("Neoplasm screening", "1", "2016", "2016"),
    ]


def test_grants_by_agency(kg: Engines) -> None:
    assert _column(kg.saved("grants-by-agency"), "agency", "articles", "grants", "firstYear") == [
        ("NCI NIH HHS", "3", "2", "2015"),
        ("Wellcome Trust", "2", "1", "2016"),  # G names the agency without a grant ID
        ("NIEHS NIH HHS", "1", "1", "2018"),
    ]


def test_article_in_full(kg: Engines) -> None:
    rows = kg.saved("article", pmid="30000002")
    facts = _column(rows, "field", "position", "value")
    assert facts[:5] == [
        ("title", "", "Screening outcomes in the prospective cohort: a follow-up."),
        ("journal", "", "Journal of Test Biology"),
        ("year", "", "2016"),
        ("doi", "", "10.1000/tb.2016.002"),
        ("type", "", "Journal Article"),
    ]
    assert [fact for fact in facts if fact[0] == "author"] == [
        ("author", "1", "Alice Nguyen"),
        ("author", "2", "J Carberry"),
        ("author", "3", "Chen Wei"),
    ]
    assert [value for field, _, value in facts if field == "mesh"] == [
        "Cohort Studies*",
        "Humans",
        "Neoplasms*",
    ]
    assert [value for field, _, value in facts if field == "grant"] == [
        "NCI NIH HHS R01 CA000001",
        "Wellcome Trust 099999/Z/12/Z",
    ]


def test_article_marks_major_qualifier(kg: Engines) -> None:
    mesh = [row["value"] for row in kg.saved("article", pmid="30000003") if row["field"] == "mesh"]
    assert mesh == ["Humans", "Neoplasms", "Neoplasms/therapy*"]


def test_search_titles(kg: Engines) -> None:
    assert _column(kg.saved("search-titles", text="COHORT"), "pmid", "year") == [
        ("30000007", "2020"),
        ("30000003", "2017"),
        ("30000002", "2016"),
        ("30000001", "2015"),
    ]
    rows = kg.saved("search-titles", text='"cohort effect"')
    assert _column(rows, "pmid") == [("30000003",)]


def test_cocited(kg: Engines) -> None:
    assert _column(kg.saved("cocited", pmid="30000001"), "cocitedPmid", "doi", "cocitations") == [
        ("11111111", "", "3"),  # with A in B, C and E
        ("30000002", "10.1000/tb.2016.002", "2"),
        ("30000003", "", "2"),
        ("22222222", "", "1"),
        ("30000004", "", "1"),
        ("", "10.5555/unloaded.1", "1"),
    ]


def test_corrections(kg: Engines) -> None:
    assert _column(kg.saved("corrections"), "pmid", "relation", "otherPmid") == [
        ("30000005", "retracted by", "30000006"),
        ("30000006", "retracts", "30000005"),
    ]


# --- render ----------------------------------------------------------------------------


def test_render_substitutes_the_value() -> None:
    text = get_saved("references").render({"pmid": "12345"})
    assert 'VALUES ?pmid { "12345" }' in text
    assert "28993889" not in text.split("\n", 3)[3]  # the header keeps the default, the body not


def test_render_keeps_the_default_of_an_optional_param() -> None:
    query = get_saved("mesh-major-by-year")
    assert query.usage == "[-p min=N (an integer; default 1)]"
    assert query.render() == query.render({}) == query.text
    assert 'VALUES ?min { "3" }' in query.render({"min": " 3"})


@pytest.mark.parametrize("query", [q for q in QUERIES if any(p.default is None for p in q.params)], ids=str)
def test_a_required_param_left_out_is_refused(query: SavedQuery) -> None:
    # It used to run with the file's example value and print 0 rows on most stores.
    with pytest.raises(QueryParameterError) as error:
        query.render()
    assert str(error.value) == f"saved query {query.name!r} needs {query.usage}"


@pytest.mark.parametrize(
    ("query", "values", "message"),
    [
        ("references", {}, "saved query 'references' needs -p pmid=PMID (digits)"),
        ("references", {"pmid": "abc"}, "saved query 'references' needs -p pmid=PMID (digits); got pmid='abc'"),
        ("cited-by", {"pmid": "0"}, "saved query 'cited-by' needs -p pmid=PMID (digits); got pmid='0'"),
        ("article", {"pmid": "123 456"}, "saved query 'article' needs -p pmid=PMID (digits); got pmid='123 456'"),
        (
            "article",
            {"pmid": "\uff11\uff12"},
            "saved query 'article' needs -p pmid=PMID (digits); got pmid='\uff11\uff12'",
        ),
        ("coauthors", {"name": " "}, "saved query 'coauthors' needs -p name=TEXT (non-empty text); got name=' '"),
        (
            "search-titles",
            {"text": "caf\udce9"},
            "saved query 'search-titles' needs -p text=TEXT (non-empty text); got text='caf\\xe9', which is not UTF-8",
        ),
        (
            "mesh-major-by-year",
            {"min": "1.5"},
            "saved query 'mesh-major-by-year' needs [-p min=N (an integer; default 1)]; got min='1.5'",
        ),
    ],
    ids=["missing", "letters", "zero", "space", "fullwidth-digits", "blank", "not-utf8", "not-integer"],
)
def test_a_malformed_value_is_refused(query: str, values: dict[str, str], message: str) -> None:
    with pytest.raises(QueryParameterError) as error:
        get_saved(query).render(values)
    assert str(error.value) == message


def test_a_pmid_is_normalised() -> None:
    assert 'VALUES ?pmid { "28993889" }' in get_saved("references").render({"pmid": " 028993889 "})


def test_render_escapes_the_value(kg: Engines) -> None:
    value = 'O"Brien \\ "} } DELETE WHERE { ?s ?p ?o } #\n'
    text = get_saved("coauthors").render({"name": value})
    assert 'VALUES ?name { "O\\"Brien \\\\ \\"} } DELETE WHERE { ?s ?p ?o } #\\n" }' in text
    prepareQuery(text)
    assert kg.run(text) == []  # still one query, finding nobody


@pytest.mark.parametrize(
    "value", ['"', "\\", "}", '" } } SELECT * { ?s ?p ?o } #', '\\" } #', "\\u0022 }", "x'''\r\n}"]
)
def test_a_text_value_stays_one_literal(kg: Engines, value: str) -> None:
    # Whatever the value, only the literal in the VALUES line changes, and that literal
    # reads back as the value exactly.
    query = get_saved("search-titles")
    text = query.render({"text": value})
    (line,) = [line for line in text.splitlines() if "VALUES" in line]
    assert text.replace(line, '      VALUES ?text { "hemangiopericytoma" }') == query.text
    solutions = ox.Store().query(f"SELECT ?text WHERE {{ {line.strip()} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    assert [solution["text"].value for solution in solutions] == [value]  # type: ignore[union-attr]
    prepareQuery(text)
    assert all(value.lower() in row["title"].lower() for row in kg.run(text))


IRI_QUERY = (
    "# title: T\n# description: D\n# param: work (iri) -- a work\nSELECT * {\n  VALUES ?work { <http://e.org/w> }\n}"
)


@pytest.mark.parametrize("value", ["http://e.org/a>} SELECT", "http://e.org/a b", "no iri", "http://e.org/{x}", ""])
def test_an_iri_value_is_checked(value: str) -> None:
    with pytest.raises(QueryParameterError, match=r"^saved query 'q' needs -p work=IRI \(an absolute IRI\); got work="):
        _parse("q", IRI_QUERY).render({"work": value})


def test_an_iri_value_is_written_as_an_iri() -> None:
    text = _parse("q", IRI_QUERY).render({"work": "https://doi.org/10.1000/é"})
    assert "  VALUES ?work { <https://doi.org/10.1000/é> }\n" in text


def test_render_finds_a_name_with_a_quote(kg: Engines) -> None:
    rows = kg.saved("search-titles", text='the "cohort effect" in')
    assert _column(rows, "pmid") == [("30000003",)]


def test_render_rejects_an_unknown_param() -> None:
    with pytest.raises(QueryParameterError) as error:
        get_saved("references").render({"pmdi": "1"})
    assert str(error.value) == (
        "saved query 'references' has no parameter 'pmdi' (did you mean 'pmid'?); it takes -p pmid=PMID (digits)"
    )
    with pytest.raises(QueryParameterError, match=r"^saved query 'top-cited' takes no parameters \(got 'pmid'\)$"):
        get_saved("top-cited").render({"pmid": "1"})


def test_unknown_query_suggests_the_nearest() -> None:
    with pytest.raises(QueryError) as error:
        get_saved("top-cite")
    assert str(error.value) == (
        "unknown saved query 'top-cite'; did you mean 'top-cited'? (pubgraph query --list shows all)"
    )


def test_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(QueryError) as error:
        get_saved("zzz")
    assert str(error.value) == f"unknown saved query 'zzz'; known: {', '.join(NAMES)}"


def test_saved_queries_are_frozen() -> None:
    query = get_saved("article")
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.name = "other"  # type: ignore[misc]
    assert query.params == (Param("pmid", "pmid", "PMID of the article", None, "28993889"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# description: d\nSELECT * {}", "saved query 'q' has no '# title:' line"),
        (
            "# title: t\n# description: d\n# param: x (integer) = 1 -- an x\nSELECT * {}",
            "saved query 'q' declares parameter 'x' but has no line VALUES ?x { \"…\" }",
        ),
        (
            "# title: t\n# description: d\n# param: = 1\nSELECT * {}",
            "saved query 'q': bad parameter line '= 1'; expected '# param: NAME (KIND) -- HELP' "
            "or '# param: NAME (KIND) = DEFAULT -- HELP', KIND one of pmid, integer, year, text, iri",
        ),
        (
            "# title: t\n# description: d\n# param: x (number) -- an x\nSELECT * {}",
            "saved query 'q': bad parameter line 'x (number) -- an x'; expected '# param: NAME (KIND) -- HELP' "
            "or '# param: NAME (KIND) = DEFAULT -- HELP', KIND one of pmid, integer, year, text, iri",
        ),
        (
            '# title: t\n# description: d\n# param: x (pmid) -- an x\nSELECT * {\n VALUES ?x { "abc" }\n}',
            "saved query 'q': VALUES ?x holds \"abc\", which is not digits",
        ),
        (
            '# title: t\n# description: d\n# param: x (integer) = 2 -- an x\nSELECT * {\n VALUES ?x { "1" }\n}',
            "saved query 'q': VALUES ?x must hold its default, \"2\"",
        ),
    ],
    ids=["no-title", "no-values-line", "bad-param", "unknown-kind", "bad-example", "not-the-default"],
)
def test_malformed_query_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(QueryError) as error:
        _parse("q", text)
    assert str(error.value) == message


# --- the demo corpus -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Iterator[Engines]:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} not written yet")
    yield _engines(SAMPLE)


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_answers_on_the_demo_corpus_with_its_examples(sample: Engines, query: SavedQuery) -> None:
    assert sample.run(query.text)
