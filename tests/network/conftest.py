"""A small hand-made corpus whose networks are worked out by hand in the tests.

Six loaded records (P1..P6 = PMIDs 1001..1006) in two journals, citing each other, a
stub known by PMID (S1 = 900001) and one known only by DOI (D1); P5 cites P2 both by
PMID and by P2's DOI. Authors exercise the co-authorship merging rule; MeSH headings and
keywords the topic networks. The expected weights are derived in the test modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

import graph

O1 = "0000-0002-1825-0097"  # ORCID's documented example iD
O3 = "0000-0003-0000-0011"
O4 = "0000-0003-0000-002X"
J1 = ("Journal of Alpha", "J Alpha", "1111111", "1111-1111")
J2 = ("Beta Reports", "Beta Rep", "2222222", "2222-2222")

Author = tuple[str, str, str | None, str | None]  # family, given, ORCID, affiliation
Mesh = tuple[str, str, bool, bool]  # UI, label, descriptor major, one qualifier major


def record(
    pmid: int,
    year: int,
    journal: tuple[str, str, str, str],
    authors: Sequence[Author],
    *,
    title: str | None = None,
    doi: str | None = None,
    mesh: Sequence[Mesh] = (),
    keywords: Sequence[str] = (),
    cites: Sequence[str] = (),
) -> str:
    """One PubmedArticle; ``cites`` holds PMIDs or ``doi:…``."""
    name, abbreviation, nlm_id, issn = journal
    author_xml = "".join(_author(*a) for a in authors)
    mesh_xml = "".join(
        f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="{"Y" if major else "N"}">{label}</DescriptorName>'
        + (
            f'<QualifierName UI="Q000601" MajorTopicYN="{"Y" if q_major else "N"}">surgery</QualifierName>'
            if q_major
            else ""
        )
        + "</MeshHeading>"
        for ui, label, major, q_major in mesh
    )
    keyword_xml = "".join(f'<Keyword MajorTopicYN="N">{escape(k)}</Keyword>' for k in keywords)
    references = "".join(_reference(c) for c in cites)
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><ISSN IssnType="Print">{issn}</ISSN>
<JournalIssue CitedMedium="Print"><Volume>1</Volume><PubDate><Year>{year}</Year></PubDate></JournalIssue>
<Title>{name}</Title></Journal><ArticleTitle>{escape(title or f"Article {pmid}.")}</ArticleTitle>
<AuthorList CompleteYN="Y">{author_xml}</AuthorList><Language>eng</Language>
<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList></Article>
<MedlineJournalInfo><Country>England</Country><MedlineTA>{abbreviation}</MedlineTA><NlmUniqueID>{nlm_id}</NlmUniqueID></MedlineJournalInfo>
{f"<MeshHeadingList>{mesh_xml}</MeshHeadingList>" if mesh else ""}
{f'<KeywordList Owner="NOTNLM">{keyword_xml}</KeywordList>' if keywords else ""}
</MedlineCitation><PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>
<ArticleId IdType="pubmed">{pmid}</ArticleId>
{f'<ArticleId IdType="doi">{doi}</ArticleId>' if doi else ""}</ArticleIdList>
{f"<ReferenceList>{references}</ReferenceList>" if cites else ""}</PubmedData></PubmedArticle>"""


def _author(family: str, given: str, orcid: str | None, affiliation: str | None) -> str:
    identifier = f'<Identifier Source="ORCID">{orcid}</Identifier>' if orcid else ""
    place = f"<AffiliationInfo><Affiliation>{affiliation}</Affiliation></AffiliationInfo>" if affiliation else ""
    return (
        f'<Author ValidYN="Y"><LastName>{escape(family)}</LastName><ForeName>{escape(given)}</ForeName>'
        f"<Initials>{given[0]}</Initials>{identifier}{place}</Author>"
    )


def _reference(cited: str) -> str:
    kind, value = ("doi", cited[4:]) if cited.startswith("doi:") else ("pubmed", cited)
    return (
        f"<Reference><Citation>Cited work {escape(value)}.</Citation><ArticleIdList>"
        f'<ArticleId IdType="{kind}">{escape(value)}</ArticleId></ArticleIdList></Reference>'
    )


D1, D2, D3 = ("D000001", "Alpha", True, False), ("D000002", "Beta", True, False), ("D000003", "Gamma", True, False)


def _minor(mesh: Mesh) -> Mesh:
    return (mesh[0], mesh[1], False, False)


RECORDS = [
    record(
        1001,
        2001,
        J1,
        [("Smith", "John", None, "Dept A, Univ X"), ("Lee", "Ann", O1, None)],
        mesh=[D1, _minor(D2)],
        keywords=["Spine", "tumour"],
    ),
    record(
        1002,
        2002,
        J1,
        [("Smith", "J", None, "Dept B"), ("Lee", "Ann", O1, None)],
        doi="10.5555/p2",
        mesh=[D1, D3],
        keywords=["spine  "],
        cites=["1001"],
    ),
    record(
        1003,
        2003,
        J2,
        [("Smith", "John", None, "Dept A, Univ X."), ("Brown", "Bob", None, None)],
        mesh=[D1, D2],
        keywords=["SPINE", "Tumour"],
        cites=["1001", "1002", "900001", "doi:10.1000/stub-doi"],
    ),
    record(
        1004,
        2004,
        J2,
        [("Smith", "Jane", O4, None), ("Lee", "Ann", O1, None)],
        mesh=[D3],
        cites=["1001", "1002", "900001"],
    ),
    record(
        1005,
        2005,
        J1,
        [("Smith", "John", O3, None), ("Lee", "Ann", O1, None), ("Müller-Lyer", "Anna", None, None)],
        mesh=[("D000001", "Alpha", False, True), D2, _minor(D3)],
        cites=["1003", "1004", "900001", "1002", "doi:10.5555/p2"],
    ),
    record(
        1006,
        2006,
        J2,
        [("Smith", "Jim", None, "Dept C"), ("White", "Wes", None, None)],
        title='<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & more',
    ),
]


def write_corpus(path: Path) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n' + "\n".join(RECORDS) + "\n</PubmedArticleSet>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store built from :data:`RECORDS`; read-only for the tests that share it."""
    folder = tmp_path_factory.mktemp("network-corpus")
    store = folder / "store"
    graph.build([write_corpus(folder / "corpus.xml")], store, jobs=1)
    return store


@pytest.fixture
def writable_store(tmp_path: Path) -> Path:
    """A fresh copy of the corpus store, for tests that write metrics."""
    store = tmp_path / "store"
    graph.build([write_corpus(tmp_path / "corpus.xml")], store, jobs=1)
    return store
