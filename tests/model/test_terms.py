"""N-Triples terms: literals escaped per RDF 1.1 N-Triples, IRI path segments percent-encoded.

pyoxigraph's strict N-Triples parser is the oracle: whatever text goes in must come back
out unchanged, and whatever IRI is minted must be one the parser accepts.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from graph.model.terms import iri, iri_segment, literal, scalar_text

XSD = "http://www.w3.org/2001/XMLSchema#"
SUBJECT, PREDICATE = "<http://example.org/s>", "<http://example.org/p>"

# Any text Python can encode as UTF-8: lone surrogates (category Cs) cannot be written.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)))
# Characters that IRIs, N-Triples or URL parsers treat specially, drawn often.
AWKWARD = st.sampled_from(list(' <>"{}|\\^`#?%/\n\r\t\x00\x7f\u00a0\u2028\u2029\ufeff\ufffeé😀'))
AWKWARD_TEXT = st.text(alphabet=st.one_of(AWKWARD, st.characters(exclude_categories=("Cs",))))


def parse_object(term: str) -> Literal | NamedNode:
    """The object of the one triple ``<s> <p> term .``, parsed strictly."""
    triples = list(parse(f"{SUBJECT} {PREDICATE} {term} .\n", format=RdfFormat.N_TRIPLES))
    assert len(triples) == 1
    return triples[0].object


def parse_iri(value: str) -> str:
    """``value`` as the subject of a triple, parsed strictly (IRIs validated)."""
    triples = list(parse(f"{iri(value)} {PREDICATE} {SUBJECT} .\n", format=RdfFormat.N_TRIPLES))
    assert len(triples) == 1
    return triples[0].subject.value


# ------------------------------------------------------------------------ literals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("two\nlines", '"two\\nlines"'),
        ("carriage\rreturn", '"carriage\\rreturn"'),
        ("\\n is not a newline", '"\\\\n is not a newline"'),
        ("", '""'),
    ],
    ids=["plain", "quotes", "backslash", "newline", "carriage-return", "escaped-escape", "empty"],
)
def test_literal_escapes_what_n_triples_requires(text: str, expected: str) -> None:
    # RDF 1.1 N-Triples STRING_LITERAL_QUOTE: '"', '\', LF and CR must be escaped.
    assert literal(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "tab\there",
        "Müller\u2013Lyer, 東京, Ελληνικά",
        "line\u2028separator and paragraph\u2029separator",
        "emoji 😀 outside the BMP",
        "controls \x00\x01\x0b\x0c\x1f\x7f",
        "byte order mark \ufeff and non-character \ufffe",
        '\\"\\\\" "\\" \r\n\n\r',
    ],
    ids=["tab", "non-ascii", "u2028", "astral", "controls", "bom", "mixed-escapes"],
)
def test_literal_round_trips_awkward_text(text: str) -> None:
    term = literal(text)
    assert "\n" not in term and "\r" not in term  # one quad per line
    parsed = parse_object(term)
    assert isinstance(parsed, Literal)
    assert parsed.value == text
    assert parsed.datatype == NamedNode(XSD + "string")


@settings(max_examples=300, deadline=None)
@given(AWKWARD_TEXT)
def test_every_literal_parses_back_to_its_text(text: str) -> None:
    term = literal(text)
    assert "\n" not in term and "\r" not in term
    parsed = parse_object(term)
    assert isinstance(parsed, Literal)
    assert parsed.value == text


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_typed_literal_keeps_text_and_datatype(text: str) -> None:
    parsed = parse_object(literal(text, "string"))
    assert isinstance(parsed, Literal)
    assert (parsed.value, parsed.datatype) == (text, NamedNode(XSD + "string"))


@pytest.mark.parametrize(
    ("datatype", "expected"),
    [
        ("gYear", XSD + "gYear"),
        ("date", XSD + "date"),
        ("integer", XSD + "integer"),
        ("http://example.org/dt#custom", "http://example.org/dt#custom"),
    ],
)
def test_literal_datatype_is_an_xsd_local_name_or_a_full_iri(datatype: str, expected: str) -> None:
    assert literal("2018", datatype) == f'"2018"^^<{expected}>'
    parsed = parse_object(literal("2018", datatype))
    assert isinstance(parsed, Literal)
    assert parsed.datatype == NamedNode(expected)


# ----------------------------------------------------------------------------- IRIs


def test_iri_wraps_an_iri_in_angle_brackets() -> None:
    assert iri("http://purl.org/spar/cito/cites") == "<http://purl.org/spar/cito/cites>"


@pytest.mark.parametrize(
    ("value", "keep_slashes", "expected"),
    [
        ("Suppl 3", False, "Suppl%203"),
        ("12", False, "12"),
        ("3-4", False, "3-4"),
        ("a/b", False, "a%2Fb"),
        ("a/b", True, "a/b"),
        ("100%", False, "100%25"),
        ("100%2", False, "100%252"),
        ("a%20b", False, "a%20b"),
        ("a%3cb", False, "a%3Cb"),
        ("%zz", False, "%25zz"),
        (".", False, "%2E"),
        ("..", False, "%2E%2E"),
        ("...", False, "..."),
        (".5", False, ".5"),
        ("10.1000/../x", True, "10.1000/%2E%2E/x"),
        ("10.1000/./x/.", True, "10.1000/%2E/x/%2E"),
        ("10.1000/.x", True, "10.1000/.x"),
        ("10.1000/a%2Fb", True, "10.1000/a%2Fb"),
        ("caf\udce9", False, "caf%EF%BF%BD"),
        ("#1?x", False, "%231%3Fx"),
        ("é", False, "%C3%A9"),
        ("10.1002/(SICI)1<1::AID>3.0.CO;2-D", True, "10.1002/(SICI)1%3C1::AID%3E3.0.CO;2-D"),
        ("10.1000/a b", True, "10.1000/a%20b"),
        ('10.1000/"quoted"{x}|^`\\', True, "10.1000/%22quoted%22%7Bx%7D%7C%5E%60%5C"),
    ],
)
def test_iri_segment_examples(value: str, keep_slashes: bool, expected: str) -> None:
    assert iri_segment(value, keep_slashes=keep_slashes) == expected


@settings(max_examples=300, deadline=None)
@given(AWKWARD_TEXT, st.booleans())
def test_iri_segment_gives_a_valid_iri_that_decodes_back(text: str, keep_slashes: bool) -> None:
    segment = iri_segment(text, keep_slashes=keep_slashes)
    value = f"https://example.org/kg/x/{segment}"
    assert parse_iri(value) == value
    # Nothing that ends the path, or that IRIs forbid, survives unencoded.
    assert not set(segment) & set('#? <>"{}|\\^`')
    assert keep_slashes or "/" not in segment
    # Valid escapes are kept, so the segment decodes as the text does.
    assert unquote(segment) == unquote(text)
    assert iri_segment(segment, keep_slashes=keep_slashes) == segment
    assert ".." not in segment.split("/") and "." not in segment.split("/")


@settings(max_examples=300, deadline=None)
@given(TEXT.filter(lambda text: "%" not in text), st.booleans())
def test_iri_segment_of_text_without_escapes_decodes_back_exactly(text: str, keep_slashes: bool) -> None:
    segment = iri_segment(text, keep_slashes=keep_slashes)
    assert unquote(segment, errors="strict") == text


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"10\.[0-9]{4,9}", fullmatch=True),
    st.lists(AWKWARD_TEXT.filter(bool), min_size=1, max_size=3),
)
def test_doi_paths_keep_their_slashes_and_stay_valid(prefix: str, parts: list[str]) -> None:
    doi = "/".join([prefix, *parts])
    segment = iri_segment(doi, keep_slashes=True)
    value = f"https://example.org/kg/work/doi/{segment}"
    assert parse_iri(value) == value
    assert segment.startswith(prefix + "/")
    assert unquote(segment) == unquote(doi)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.one_of(AWKWARD, st.sampled_from(["\udc80", "\ud800", "\udfff"]), st.characters())))
def test_iri_segment_encodes_lone_surrogates_as_the_replacement_character(text: str) -> None:
    # quote() raised UnicodeEncodeError on text decoded with surrogateescape.
    segment = iri_segment(text)
    assert parse_iri(f"https://example.org/kg/x/{segment}").endswith(segment)
    assert unquote(segment) == unquote(scalar_text(text))


def test_scalar_text_replaces_only_lone_surrogates() -> None:
    assert scalar_text("a\udc80b\ud800") == "a\ufffdb\ufffd"
    assert scalar_text("😀 é \ufffe") == "😀 é \ufffe"
