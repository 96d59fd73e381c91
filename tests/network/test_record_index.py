"""The per-record index: projections read through it give what the plain reading of the
store gives, and each entry stays what its record graph holds, through updates,
``<DeleteCitation>``, reloads and failed loads (real samples skipped when absent)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import graph
from graph import export
from graph.model import Iris, Seen, article_nquads
from graph.model.record_index import INDEX, INDEX_VERSION, SEPARATOR, article_entry, record_entry
from graph.network import _index
from graph.network._index import IndexReading, plain_reading
from graph.network.where import Where
from graph.records import Article
from graph.store.oxigraph import KnowledgeStore

REAL = Path("/work/shared/pubmed-samples/xml")
SAMPLES = Path(__file__).resolve().parents[2] / "graph" / "data" / "sample"
KINDS = [
    ("citation", {}),
    ("citation", {"include_cited": True}),
    ("cocitation", {}),
    ("coupling", {}),
    ("journal", {}),
    ("coauthor", {}),
    ("mesh", {}),
    ("mesh", {"major_only": False}),
    ("keyword", {}),
]
KIND_IDS = [kind + ("+" + "+".join(options) if options else "") for kind, options in KINDS]


def _snapshot(G: nx.Graph) -> tuple[Any, ...]:
    nodes = sorted((node, sorted(data.items())) for node, data in G.nodes(data=True))
    edges = sorted((*sorted((a, b)), sorted(data.items())) for a, b, data in G.edges(data=True))
    return dict(G.graph), nodes, edges


def _both(store: Path, kind: str, options: dict[str, Any], where: Where | None = None) -> tuple[Any, Any]:
    fast = _snapshot(graph.project(kind, store, where, **options))
    with plain_reading():
        plain = _snapshot(graph.project(kind, store, where, **options))
    return fast, plain


def _real_files() -> list[Path]:
    files = sorted(REAL.glob("*.xml*"))
    if not files:
        pytest.skip(f"the real PubMed samples are not in {REAL}")
    return files


@pytest.fixture(scope="module", params=["samples-with-update-and-deletions", "real-samples"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = (
        _real_files()
        if request.param == "real-samples"
        else [SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"]
    )
    store = tmp_path_factory.mktemp("record-index") / "store"
    graph.build(files, store, jobs=1)
    return store


@pytest.mark.parametrize(("kind", "options"), KINDS, ids=KIND_IDS)
def test_projections_through_the_index_equal_the_plain_reading(built: Path, kind: str, options: dict[str, Any]) -> None:
    fast, plain = _both(built, kind, options)
    assert plain[1], "an empty network would prove nothing"
    assert fast == plain


def test_the_index_is_what_projections_read(built: Path) -> None:
    with KnowledgeStore.open(built, read_only=True) as kg:
        reading = IndexReading(kg)
        assert reading.usable and reading.unindexed == 0


def _conditions(store: Path) -> list[list[str]]:
    """A year range, the commonest major MeSH descriptor (by UI and by label), the largest journal."""
    with plain_reading():
        mesh, journals = graph.project("mesh", store), graph.project("journal", store)
    descriptor = max(sorted(mesh), key=lambda node: mesh.nodes[node]["articles"])
    journal = max(sorted(journals), key=lambda node: journals.nodes[node]["articles"])
    label = mesh.nodes[descriptor]["label"]
    return [["year=1990-2015"], [f"mesh={descriptor}"], [f"mesh={label}"], [f"journal={journal}"]]


@pytest.mark.parametrize(
    ("kind", "options"), [KINDS[1], KINDS[5], KINDS[6]], ids=["citation+cited", "coauthor", "mesh"]
)
def test_narrowed_projections_equal_the_plain_reading(built: Path, kind: str, options: dict[str, Any]) -> None:
    for conditions in _conditions(built):
        fast, plain = _both(built, kind, options, graph.parse_where(conditions))
        assert fast == plain, conditions


# --- each entry is what its record graph holds -------------------------------------------


def _facts(entry: str) -> list[dict[str, dict[str, list[str]]]]:
    """An entry's sections, values sorted: graph order is not line order."""
    assert entry.startswith(INDEX_VERSION + SEPARATOR)
    sections = [json.loads(text) for text in entry.split(SEPARATOR)[1:]]
    return [{key: {s: sorted(v) for s, v in by.items()} for key, by in section.items()} for section in sections]


def _entries(kg: KnowledgeStore) -> dict[str, str]:
    """Record graph -> its entry; there is one entry a graph."""
    index = [
        (q.subject.value, q.object.value)
        for q in kg.oxigraph.quads_for_pattern(None, None, None, _node(kg.iris.index_graph))
    ]
    assert len({graph for graph, _entry in index}) == len(index)
    return dict(index)


def _node(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _assert_entries_match_record_graphs(store: Path) -> None:
    with KnowledgeStore.open(store, read_only=True) as kg:
        entries = _entries(kg)
        records = sorted(g for g in kg.named_graphs() if g.startswith(kg.iris.record_graph("")))
        assert sorted(entries) == records
        for record_graph in records:
            lines = "".join(f"{q} .\n" for q in kg.oxigraph.quads_for_pattern(None, None, None, _node(record_graph)))
            assert _facts(entries[record_graph]) == _facts(record_entry(lines.encode(), record_graph)), record_graph


def test_every_entry_is_what_its_record_graph_holds(built: Path) -> None:
    _assert_entries_match_record_graphs(built)


def test_entries_from_records_equal_entries_from_their_lines() -> None:
    files = [SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml", *sorted(REAL.glob("*.xml*"))]
    iris, checked = Iris("https://w3id.org/pubgraph/"), 0
    for path in files:
        for record in graph.read_records(path):
            if isinstance(record, Article):
                lines = article_nquads(record, iris, Seen())
                assert article_entry(record, iris) == record_entry(lines, iris.record_graph(record.pmid)), record.pmid
                checked += 1
    assert checked > 20


def test_a_reload_keeps_entries_and_rewrites_old_ones(tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph.build([SAMPLES / "pubmed-sample.xml"], store, jobs=1)
    with KnowledgeStore.open(store) as kg:
        before = _entries(kg)
        stale = next(iter(before))
        kg.oxigraph.remove(next(kg.oxigraph.quads_for_pattern(_node(stale), None, None, _node(kg.iris.index_graph))))
        kg.add_quads(f'<{stale}> <{INDEX}> "pgindex0{SEPARATOR}{{}}" <{kg.iris.index_graph}> .\n')
    graph.build([SAMPLES / "pubmed-sample.xml"], store, jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        assert _entries(kg) == before


def test_a_failed_load_rolls_back_the_entries_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    graph.build([SAMPLES / "pubmed-sample.xml"], store, jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        before = _entries(kg)

    def fail(kg: KnowledgeStore, candidates: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(KnowledgeStore, "_drop_orphans", fail)
    with pytest.raises(graph.GraphError):
        graph.build([SAMPLES / "pubmed-update.xml"], store, jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        assert _entries(kg) == before


# --- graphs the index does not cover ------------------------------------------------------


def _sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("partial") / "store"
    graph.build([SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"], store, jobs=1)
    return store


@pytest.fixture(scope="module")
def partly_indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every other record's entry removed, and a link only ELink reported."""
    store = _sample_store(tmp_path_factory)
    with KnowledgeStore.open(store) as kg:
        for number, record_graph in enumerate(sorted(_entries(kg))):
            if number % 2:
                index = _node(kg.iris.index_graph)
                for quad in list(kg.oxigraph.quads_for_pattern(_node(record_graph), None, None, index)):
                    kg.oxigraph.remove(quad)
        citing, cited = sorted(_entries(kg))[:2]
        citing_article = kg.iris.article(citing.rsplit("/", 1)[-1])
        cited_article = kg.iris.article(cited.rsplit("/", 1)[-1])
        elink = kg.iris.elink_graph(citing.rsplit("/", 1)[-1])
        kg.add_quads(f"<{citing_article}> <http://purl.org/spar/cito/cites> <{cited_article}> <{elink}> .\n")
    return store


@pytest.mark.parametrize(("kind", "options"), KINDS, ids=KIND_IDS)
def test_record_graphs_without_entries_and_elink_links_are_read_too(
    partly_indexed: Path, kind: str, options: dict[str, Any]
) -> None:
    with KnowledgeStore.open(partly_indexed, read_only=True) as kg:
        assert IndexReading(kg).unindexed > 0
    fast, plain = _both(partly_indexed, kind, options)
    assert fast == plain


def test_a_store_mostly_without_entries_is_read_the_plain_way(
    partly_indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_index, "MAX_UNINDEXED", 0)
    with KnowledgeStore.open(partly_indexed, read_only=True) as kg:
        assert not IndexReading(kg).usable
    fast, plain = _both(partly_indexed, "citation", {"include_cited": True})
    assert fast == plain


# --- derived data stays in the store ------------------------------------------------------


def test_convert_writes_no_entries_and_export_leaves_them_out(tmp_path: Path) -> None:
    converted = tmp_path / "sample.nq"
    graph.convert([SAMPLES / "pubmed-sample.xml"], converted)
    assert INDEX not in converted.read_text(encoding="utf-8")
    store = tmp_path / "store"
    graph.build([SAMPLES / "pubmed-sample.xml"], store, jobs=1)
    exported = tmp_path / "all.nq"
    export(exported, store)
    assert INDEX not in exported.read_text(encoding="utf-8")
    export(tmp_path / "index.nq", store, graphs=["index"])
    assert INDEX in (tmp_path / "index.nq").read_text(encoding="utf-8")


def test_a_copy_without_the_index_graph_projects_the_same(tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph.build([SAMPLES / "pubmed-sample.xml"], store, jobs=1)
    expected = _snapshot(graph.project("coauthor", store))
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    with KnowledgeStore.open(copy) as kg:
        kg.remove_graph(kg.iris.index_graph)
    assert _snapshot(graph.project("coauthor", copy)) == expected
