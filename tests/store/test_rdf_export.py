"""Export: every serialization (plain and gzip) round-trips the store; selection; atomic
output; streaming."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import run_cli

import graph.pipeline.rdf_export
from graph.errors import StoreError, UnknownFormatError
from graph.pipeline.rdf_export import export
from graph.store import RDF_FORMATS, KnowledgeStore

RDFLIB_FORMATS = {".nq": "nquads", ".nt": "nt", ".ttl": "turtle", ".trig": "trig", ".jsonld": "json-ld", ".rdf": "xml"}
CASES = [(ext, gz) for ext in RDF_FORMATS for gz in (False, True)]


def store_quads(store: Path, graphs: tuple[str, ...] = ()) -> set[ox.Quad]:
    """The quads of ``graphs``, or of every graph but the derived index graph (left out by default)."""
    with KnowledgeStore.open(store, read_only=True) as kg:
        if not graphs:
            return {q for q in kg.oxigraph if getattr(q.graph_name, "value", "") not in kg.iris.derived_graphs}
        return {q for q in kg.oxigraph if getattr(q.graph_name, "value", "") in graphs}


def read_back(path: Path) -> tuple[bytes, list[ox.Quad]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        assert data[:2] == b"\x1f\x8b"
        data = gzip.decompress(data)
    fmt = RDF_FORMATS[Path(path.name.removesuffix(".gz")).suffix]
    return data, list(ox.parse(data, format=fmt.oxigraph))


@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own parsers, 7.x
@pytest.mark.parametrize(("extension", "gz"), CASES, ids=[f"{e[1:]}{'-gz' if gz else ''}" for e, gz in CASES])
def test_every_format_round_trips(
    demo_store: Path,
    demo_counts: dict[str, int],
    tmp_path: Path,
    extension: str,
    gz: bool,
) -> None:
    path = tmp_path / f"kg{extension}{'.gz' if gz else ''}"
    summary = export(path, demo_store)
    data, parsed = read_back(path)
    expected = store_quads(demo_store)
    fmt = RDF_FORMATS[extension]
    if fmt.quads:
        assert set(parsed) == expected
    else:  # one graph: pubgraph puts every triple in exactly one named graph, so none merge
        assert {q.triple for q in parsed} == {q.triple for q in expected} and len(parsed) == len(expected)
    total = sum(demo_counts.values())
    assert summary.quads == len(expected) == total and summary.graphs == len(demo_counts)
    assert summary.graph_names_kept is fmt.quads
    oracle = rdflib.Dataset() if fmt.quads else rdflib.Graph()  # a second, independent parser
    oracle.parse(data=data, format=RDFLIB_FORMATS[extension])
    if fmt.quads:
        named = {
            (s, p, o, g) for s, p, o, g in oracle.quads() if g is not None and g != oracle.default_graph.identifier
        }
        assert len(named) == total
    else:
        assert len(oracle) == total


def test_selected_graphs_only(demo_store: Path, demo_counts: dict[str, int], tmp_path: Path) -> None:
    entities, mesh = "https://w3id.org/pubgraph/graph/entities", "https://w3id.org/pubgraph/graph/mesh"
    summary = export(tmp_path / "shared.trig", demo_store, graphs=["entities", mesh])
    assert set(read_back(tmp_path / "shared.trig")[1]) == store_quads(demo_store, (entities, mesh))
    assert (summary.graphs, summary.quads) == (2, demo_counts[entities] + demo_counts[mesh])
    records = export(tmp_path / "records.nq", demo_store, graphs=["pubmed/*"])
    record_graphs = {g for g in demo_counts if "/graph/pubmed/" in g}
    assert (records.graphs, records.quads) == (len(record_graphs), sum(demo_counts[g] for g in record_graphs))
    assert {q.graph_name.value for q in read_back(tmp_path / "records.nq")[1]} == record_graphs  # type: ignore[union-attr]


def test_unknown_graph_and_format_are_refused(demo_store: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        export(tmp_path / "x.nq", demo_store, graphs=["entites"])
    assert str(caught.value) == (
        "no named graph https://w3id.org/pubgraph/graph/entites in the store; name graphs by IRI or under "
        "https://w3id.org/pubgraph/graph/ (entities, mesh, provenance, pubmed/PMID, pubmed/*)"
    )
    with pytest.raises(UnknownFormatError, match=r"unknown output format; use one of \.nq, \.nt"):
        export(tmp_path / "x.csv", demo_store)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(
    demo_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "kg.nq.gz"
    target.write_bytes(b"previous export")
    original = graph.pipeline.rdf_export._quads

    def failing(*args: object) -> Iterator[ox.Quad]:
        for n, quad in enumerate(original(*args)):  # type: ignore[arg-type]
            if n == 3000:
                raise OSError("disk full")
            yield quad

    monkeypatch.setattr(graph.pipeline.rdf_export, "_quads", failing)
    with pytest.raises(OSError, match="disk full"):
        export(target, demo_store)
    assert [p.name for p in tmp_path.iterdir()] == ["kg.nq.gz"] and target.read_bytes() == b"previous export"


@pytest.mark.parametrize("extension", [".nq", ".nt"])
def test_line_based_export_streams_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extension: str) -> None:
    # 100,000 quads (~10 MB): most of the file must be on disk before the last quad is read,
    # i.e. nothing accumulates in memory.
    kg = KnowledgeStore.in_memory()
    kg.add_quads(
        "".join(
            f'<http://e.org/s{i}> <http://e.org/p> "value number {i}" <http://e.org/g{i % 7}> .\n'
            for i in range(100_000)
        )
    )
    original, sizes = graph.pipeline.rdf_export._quads, []

    def watched(*args: object) -> Iterator[ox.Quad]:
        for n, quad in enumerate(original(*args)):  # type: ignore[arg-type]
            if n == 99_999:
                sizes.append(sum(p.stat().st_size for p in tmp_path.glob(".kg*.part")))
            yield quad

    monkeypatch.setattr(graph.pipeline.rdf_export, "_quads", watched)
    summary = export(tmp_path / f"kg{extension}", kg)
    final = (tmp_path / f"kg{extension}").stat().st_size
    assert summary.quads == 100_000 and sizes[0] > 0.9 * final


def test_cli_export(demo_store: Path, demo_counts: dict[str, int], tmp_path: Path) -> None:
    code, out, err = run_cli(["export", "-o", tmp_path / "kg.ttl", "--store", demo_store])
    assert code == 0, err
    total, graphs = sum(demo_counts.values()), len(demo_counts)
    assert out.startswith(f"wrote {tmp_path / 'kg.ttl'}: {total:,} quads from {graphs} named graphs as Turtle in ")
    assert err.strip() == "note: Turtle keeps no graph names: the graphs were merged (use .nq or .trig to keep them)"
    code, out, err = run_cli(["export", "-o", tmp_path / "kg.nq.gz", "--store", demo_store, "--graph", "mesh"])
    mesh = demo_counts["https://w3id.org/pubgraph/graph/mesh"]
    assert code == 0 and f"{mesh:,} quads from 1 named graph as N-Quads" in out and err == ""
