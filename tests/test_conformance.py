"""Conformance on real PubMed files: every record loads, and the store holds what the XML says.

The expected numbers, and each authorship's byline name and affiliation strings, are read
here independently, with the standard library only (``xml.etree.ElementTree`` and
``gzip``), never with lxml or pubgraph's own code. Text is compared exactly, but for the
one change pubgraph makes on purpose (``graph.records``): XML whitespace (space, tab, CR,
LF) is stripped at the ends and a run of it inside reads as one space; any other space
(U+00A0 …) must come through. Skipped when ``../shared/pubmed-samples`` is absent (a fresh
clone outside this setup).
"""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import rdflib
from conftest import SHARED_SAMPLES

import graph
from graph.model import DEFAULT_BASE
from graph.pipeline.query import run_query
from graph.pipeline.stats import store_stats
from graph.records import Article, Deletion

XML_DIR = SHARED_SAMPLES / "xml"
SAMPLES = sorted(XML_DIR.glob("*.xml*")) if XML_DIR.is_dir() else []
RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")

pytestmark = [
    pytest.mark.skipif(not SAMPLES, reason=f"{XML_DIR} is absent (real samples exist only in this setup)"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*"),
]


# ------------------------------------------------------------------ the independent count


def _pmid(text: str | None) -> str | None:
    value = (text or "").strip()
    if not re.fullmatch(r"[0-9]+", value) or int(value) == 0:
        return None
    return str(int(value))


def _orcid(text: str | None) -> str | None:
    """The ORCID iD in ``text`` as 0000-0000-0000-000X when its MOD 11-2 check digit holds."""
    tail = (text or "").strip().rstrip("/").split("/")[-1]
    compact = tail.replace("-", "").replace(" ", "").upper()
    if not re.fullmatch(r"[0-9]{15}[0-9X]", compact):
        return None
    total = 0
    for char in compact[:15]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    if compact[15] != ("X" if check == 10 else str(check)):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


_XML_SPACE_RUN = re.compile(r"[ \t\r\n]+")


def _text(elem: ET.Element | None) -> str:
    """All the text of ``elem`` (inline markup dropped), XML whitespace squeezed."""
    if elem is None:
        return ""
    return _XML_SPACE_RUN.sub(" ", "".join(elem.itertext())).strip(" \t\r\n")


@dataclass(frozen=True)
class _Byline:
    """One authorship as the XML prints it: name parts (or group name) and affiliations in order."""

    family: str | None
    given: str | None
    initials: str | None
    suffix: str | None
    group: str | None
    affiliations: tuple[str, ...]


@dataclass(frozen=True)
class _Record:
    """What one record element should put in the store."""

    authors: int
    orcids: frozenset[str]
    mesh: frozenset[str]
    cites: frozenset[str]
    bylines: tuple[_Byline, ...] = ()


@dataclass
class _Expected:
    records: int = 0  # record elements, duplicates included
    deletions: list[str] = field(default_factory=list)
    state: dict[str, _Record] = field(default_factory=dict)  # PMID -> its last version

    def authorships(self) -> int:
        return sum(r.authors for r in self.state.values())

    def orcids(self) -> set[str]:
        return {o for r in self.state.values() for o in r.orcids}

    def mesh_pairs(self) -> int:
        return sum(len(r.mesh) for r in self.state.values())

    def citation_links(self) -> int:
        return sum(len(r.cites) for r in self.state.values())


def _record_authors(elem: ET.Element) -> list[ET.Element]:
    if elem.tag == "PubmedArticle":
        lists = elem.findall("MedlineCitation/Article/AuthorList")
    elif elem.tag == "MedlineCitation":
        lists = elem.findall("Article/AuthorList")
    else:  # PubmedBookArticle: the first list of authors (editors are not authors)
        candidates = elem.findall("BookDocument/AuthorList") + elem.findall("BookDocument/Book/AuthorList")
        lists = [a for a in candidates if a.get("Type", "authors") == "authors"][:1]
    return [a for alist in lists for a in alist.findall("Author") if a.get("ValidYN") != "N"]


def _byline(author: ET.Element, extra: tuple[str, ...] = ()) -> _Byline:
    def part(tag: str) -> str | None:
        return _text(author.find(tag)) or None

    # AffiliationInfo since 2014; a bare <Affiliation> in some 2013 records.
    found = [_text(a) for a in author.findall("AffiliationInfo/Affiliation") + author.findall("Affiliation")]
    group = part("CollectiveName")
    tags = () if group else ("LastName", "ForeName", "Initials", "Suffix")
    names = tuple(part(t) for t in tags) or (None, None, None, None)
    return _Byline(*names, group, extra + tuple(a for a in found if a))


def _bylines(elem: ET.Element, authors: list[ET.Element]) -> tuple[_Byline, ...]:
    # Before 2014 one <Article><Affiliation> stood for the first author (MEDLINE indexed only that one).
    article = elem.find("MedlineCitation/Article") if elem.tag == "PubmedArticle" else elem.find("Article")
    early = _text(article.find("Affiliation")) if article is not None else ""
    return tuple(_byline(a, (early,) if early and i == 0 else ()) for i, a in enumerate(authors))


def _summarise(elem: ET.Element) -> tuple[str, _Record]:
    citation = elem.find("MedlineCitation") if elem.tag == "PubmedArticle" else elem
    if elem.tag == "PubmedBookArticle":
        citation = elem.find("BookDocument")
    assert citation is not None
    pmid = _pmid(citation.findtext("PMID"))
    assert pmid is not None
    authors = _record_authors(elem)
    orcids = {
        o
        for a in authors
        if a.find("CollectiveName") is None
        for ident in a.findall("Identifier")
        if ident.get("Source", "").upper() == "ORCID" and (o := _orcid(ident.text))
    }
    mesh = {ui for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName") if (ui := d.get("UI"))}
    reference_root = elem.find("PubmedData") if elem.tag == "PubmedArticle" else citation
    cited: set[str | None] = set()
    if reference_root is not None:
        for ref in reference_root.iter("Reference"):
            cited |= {_pmid(i.text) for i in ref.findall("ArticleIdList/ArticleId") if i.get("IdType") == "pubmed"}
    for cc in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        if cc.get("RefType") == "Cites":
            cited.add(_pmid(cc.findtext("PMID")))
    cites = frozenset(c for c in cited if c is not None and c != pmid)
    return pmid, _Record(len(authors), frozenset(orcids), frozenset(mesh), cites, _bylines(elem, authors))


def expected_counts(path: Path) -> _Expected:
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    with opener(path, "rb") as stream:
        root = ET.parse(stream).getroot()
    expected = _Expected()
    for elem in root:
        if elem.tag in RECORD_TAGS:
            expected.records += 1
            pmid, summary = _summarise(elem)
            expected.state[pmid] = summary  # a later version replaces an earlier one
        elif elem.tag == "DeleteCitation":
            for pmid_elem in elem.findall("PMID"):
                pmid = _pmid(pmid_elem.text)
                if pmid:
                    expected.deletions.append(pmid)
                    expected.state.pop(pmid, None)
    return expected


# ------------------------------------------------------------------ what the store says


STORE_COUNTS = {
    "articles": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x foaf:isPrimaryTopicOf ?page }",
    "authorships": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?a pro:isDocumentContextFor ?x }",
    "orcids": (
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE "
        '{ ?a dcterms:creator ?x FILTER(STRSTARTS(STR(?x), "https://orcid.org/")) }'
    ),
    "mesh": (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?d WHERE { ?a fabio:hasSubjectTerm ?d "
        'FILTER(REGEX(STR(?d), "^http://id\\\\.nlm\\\\.nih\\\\.gov/mesh/D[0-9]+$")) } }'
    ),
    "cites": (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b "
        f'FILTER(STRSTARTS(STR(?b), "{DEFAULT_BASE}article/")) }} }}'
    ),
}


def store_count(name: str, store: Path) -> int:
    [[term]] = run_query(STORE_COUNTS[name], store).rows
    assert term is not None
    return int(term.value)


BYLINE_QUERY = """
SELECT ?pmid ?n ?name ?family ?given ?initials ?suffix ?group WHERE {
  ?article foaf:isPrimaryTopicOf ?page ; fabio:hasPubMedId ?pmid ; pro:isDocumentContextFor ?role .
  ?role schema:position ?n ; pro:isHeldBy ?agent .
  OPTIONAL { ?role schema:name ?name }
  OPTIONAL { ?role schema:familyName ?family }
  OPTIONAL { ?role schema:givenName ?given }
  OPTIONAL { ?role pg:initials ?initials }
  OPTIONAL { ?role schema:honorificSuffix ?suffix }
  BIND(EXISTS { ?agent a foaf:Person } AS ?person)
  BIND(IF(?person, ?none, ?name) AS ?group)
}"""

AFFILIATION_QUERY = """
SELECT ?pmid ?n ?k ?text WHERE {
  ?article foaf:isPrimaryTopicOf ?page ; fabio:hasPubMedId ?pmid ; pro:isDocumentContextFor ?role .
  ?role schema:position ?n ; pg:affiliation ?affiliation .
  ?affiliation schema:position ?k ; c4o:hasContent ?text .
}"""


def store_bylines(store: Path) -> dict[tuple[str, int], _Byline]:
    """Each authorship's byline as the store holds it, by (PMID, position)."""
    affiliations: dict[tuple[str, int], dict[int, str]] = {}
    for pmid, n, k, text in run_query(AFFILIATION_QUERY, store).rows:
        assert pmid is not None and n is not None and k is not None and text is not None
        slot = affiliations.setdefault((pmid.value, int(n.value)), {})
        assert int(k.value) not in slot, f"PMID {pmid.value}, author {n.value}: two affiliations at {k.value}"
        slot[int(k.value)] = text.value
    found = {}
    for pmid, n, _name, *parts in run_query(BYLINE_QUERY, store).rows:
        assert pmid is not None and n is not None
        key = (pmid.value, int(n.value))
        assert key not in found, f"PMID {key[0]}, author {key[1]}: two values of a name part"
        texts = affiliations.get(key, {})
        assert sorted(texts) == list(range(1, len(texts) + 1))
        values = [term.value if term is not None else None for term in parts]
        found[key] = _Byline(*values, tuple(texts[k] for k in sorted(texts)))
    return found


# ------------------------------------------------------------------ tests


@pytest.fixture(params=SAMPLES, ids=[p.name for p in SAMPLES])
def sample(request: pytest.FixtureRequest, shared_samples: Path) -> Path:
    return request.param


def test_every_record_loads(sample: Path) -> None:
    expected = expected_counts(sample)
    records = list(graph.read_records(sample))
    assert sum(isinstance(r, Article) for r in records) == expected.records
    assert [r.pmid for r in records if isinstance(r, Deletion)] == expected.deletions


def test_store_counts_match_the_xml(sample: Path, tmp_path: Path) -> None:
    expected = expected_counts(sample)
    store = tmp_path / "store"
    graph.build([sample], store, jobs=1)
    found = {name: store_count(name, store) for name in STORE_COUNTS}
    assert found == {
        "articles": len(expected.state),
        "authorships": expected.authorships(),
        "orcids": len(expected.orcids()),
        "mesh": expected.mesh_pairs(),
        "cites": expected.citation_links(),
    }
    # What `pubgraph stats` reports agrees too.
    stats = store_stats(store).counts
    assert (stats["articles"], stats["authorships"], stats["persons with ORCID"]) == (
        found["articles"],
        found["authorships"],
        found["orcids"],
    )
    assert stats["MeSH headings assigned"] == found["mesh"]


def test_each_authorship_says_what_its_xml_says(sample: Path, tmp_path: Path) -> None:
    """Byline name (family, given, initials, suffix; or the group's name) and affiliation
    strings in order, per authorship, exactly as the XML prints them."""
    expected = {
        (pmid, n): byline
        for pmid, record in expected_counts(sample).state.items()
        for n, byline in enumerate(record.bylines, start=1)
    }
    store = tmp_path / "store"
    graph.build([sample], store, jobs=1)
    found = store_bylines(store)
    assert set(found) == set(expected)
    wrong = {key: (found[key], value) for key, value in expected.items() if found[key] != value}
    assert not wrong, f"{len(wrong)} of {len(expected)} authorships differ, e.g. {next(iter(wrong.items()))}"


def test_nquads_output_parses_back(sample: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.nq"
    summary = graph.convert([sample], output)
    lines = output.read_text(encoding="utf-8").splitlines()
    assert summary.quads == len(lines)
    dataset = rdflib.Dataset()
    dataset.parse(output, format="nquads")
    parsed = sum(1 for _quad in dataset.quads((None, None, None, None)))
    assert parsed == len(set(lines))
