"""Live PubMed end to end against the replay server: fetch, build --query, snowball,
date splitting, manifests and provenance, and resuming an interrupted harvest."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_cli
from eutils_server import EutilsServer, network_records, synthetic_records

from graph.errors import EutilsError, NoResultsError
from graph.model import Iris
from graph.model.links import elink_nquads
from graph.pipeline.harvest import build_query, fetch, snowball
from graph.sources import read_records
from graph.sources.eutils import NCBI_RETRY, EutilsClient
from graph.store import KnowledgeStore
from graph.store.summaries import summaries_current

IRIS = Iris()
FAST = replace(NCBI_RETRY, retries=2, backoff=0.01, connect=2.0, read=5.0)
CITO = "http://purl.org/spar/cito/"


@pytest.fixture
def server() -> Iterator[EutilsServer]:
    with EutilsServer(network_records() + synthetic_records(30)) as running:
        yield running


def client(server: EutilsServer, cache: Path, **options: object) -> EutilsClient:
    settings: dict[str, object] = {"api_key": "test-key", "retry": FAST}
    settings.update(options)
    return EutilsClient(base_url=server.url, cache_dir=cache, **settings)  # type: ignore[arg-type]


def contents(store: Path) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        return set(kg.dump_nquads(exclude=[IRIS.provenance_graph]))


def ask(store: Path, sparql: str) -> list[tuple[str, ...]]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        return sorted(tuple(str(term.value) for term in row) for row in kg.query(sparql))  # type: ignore[union-attr]


# ---------------------------------------------------------------- fetch


def test_fetch_query_writes_xml_and_manifest(server: EutilsServer, tmp_path: Path) -> None:
    out = tmp_path / "out" / "hpc.xml.gz"
    env = {"PUBGRAPH_EUTILS_URL": server.url, "NCBI_API_KEY": "test-key"}
    code, stdout, stderr = run_cli(
        ["fetch", "--query", "hemangiopericytoma", "-o", out, "--cache-dir", tmp_path / "cache"], env=env
    )
    assert code == 0, stderr
    assert stdout.startswith(f"fetched {out}: 3 records (search 'hemangiopericytoma'); 2 E-utilities requests, 0 ")
    assert [r.pmid for r in read_records(out)] == ["200", "102", "100"]
    with gzip.open(out) as stream:
        assert stream.read(5) == b"<?xml"
    manifest = json.loads((tmp_path / "out" / "hpc.xml.gz.manifest.json").read_text())
    assert manifest["query"] == "hemangiopericytoma" and manifest["records"] == 3
    assert manifest["requests"] == {"esearch": 1, "efetch": 1} and manifest["eutils"] == ["efetch", "esearch"]
    assert manifest["eutils_url"] == server.url and manifest["started"].endswith("+00:00")
    assert "test-key" not in json.dumps(manifest)


def test_fetch_pmids_reports_the_missing(server: EutilsServer, tmp_path: Path) -> None:
    summary = fetch(tmp_path / "two.xml", pmids=["100", "999"], client=client(server, tmp_path / "c"))
    assert (summary.records, summary.manifest.missing) == (1, ("999",))


def test_long_pmid_lists_go_through_epost(tmp_path: Path) -> None:
    with EutilsServer(synthetic_records(1_100)) as server:
        ids = [str(1_000_000 + n) for n in range(1_100)]
        summary = fetch(tmp_path / "many.xml", pmids=ids, client=client(server, tmp_path / "c"))
        assert summary.records == 1_100 and not summary.manifest.missing
        assert len(server.seen("epost")) == 1
        assert all("WebEnv" in dict(s.params) for s in server.seen("efetch"))


def test_big_searches_are_split_by_date_so_nothing_is_cut(tmp_path: Path) -> None:
    with EutilsServer(synthetic_records(40), search_limit=9) as server:
        eutils = client(server, tmp_path / "c", search_limit=9)
        summary = fetch(tmp_path / "all.xml", query="synthetic", client=eutils)
        pmids = [r.pmid for r in read_records(tmp_path / "all.xml")]
        assert len(pmids) == len(set(pmids)) == 40 == summary.records
        ranged = [dict(s.params) for s in server.seen("esearch") if "mindate" in dict(s.params)]
        assert ranged and all(p["datetype"] == "pdat" for p in ranged)
        slices = [s for s in server.seen("efetch")]
        assert all(int(dict(s.params)["retstart"]) < 9 for s in slices)


def test_a_day_with_too_many_hits_is_a_clear_error(tmp_path: Path) -> None:
    crowded = synthetic_records(5)
    for record in crowded:
        record.day = crowded[0].day
    with EutilsServer(crowded, search_limit=3) as server, pytest.raises(EutilsError) as caught:
        fetch(tmp_path / "x.xml", query="synthetic", client=client(server, tmp_path / "c", search_limit=3))
    assert str(caught.value) == (
        "the search 'synthetic' has 5 records published on 2000/01/01 alone, more than the 3 esearch can list; "
        "narrow the query"
    )
    assert not (tmp_path / "x.xml").exists()


def test_no_hits_is_an_error_naming_the_query(server: EutilsServer, tmp_path: Path) -> None:
    with pytest.raises(NoResultsError, match=r"^the search 'zebrafish' matched no PubMed records \(PubMed read"):
        fetch(tmp_path / "x.xml", query="zebrafish", client=client(server, tmp_path / "c"))
    code, _out, err = run_cli(
        [
            "fetch",
            "-q",
            "zebrafish",
            "-o",
            tmp_path / "x.xml",
            "--cache-dir",
            tmp_path / "c",
            "--eutils-url",
            server.url,
        ]
    )
    assert code == 1 and err.startswith("error: the search 'zebrafish' matched no PubMed records")


# ---------------------------------------------------------------- build --query


def test_build_query_loads_records_and_provenance(server: EutilsServer, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    code, out, err = run_cli(
        [
            "build",
            "--query",
            "spine",
            "--store",
            store,
            "--cache-dir",
            tmp_path / "c",
            "--eutils-url",
            server.url,
            "--api-key",
            "k",
            "-j",
            "1",
        ]
    )
    assert code == 0, err
    assert out.startswith(f"built {store}: 4 records (search 'spine')")
    assert ask(store, "SELECT ?p WHERE { ?a fabio:hasPubMedId ?p ; foaf:isPrimaryTopicOf ?page }") == [
        ("100",),
        ("101",),
        ("201",),
        ("202",),
    ]
    rows = ask(
        store,
        "SELECT ?q ?n ?used WHERE { ?h a pg:EutilsHarvest ; pg:searchQuery ?q ; pg:recordCount ?n ; prov:used ?used }",
    )
    assert rows == [("spine", "4", server.url + "efetch.fcgi"), ("spine", "4", server.url + "esearch.fcgi")]
    assert not list(tmp_path.glob(".pubgraph-fetch-*")), "the scratch folder is removed"
    code, out, _ = run_cli(["build", "--query", "spine", "x.xml", "--store", store])
    assert code == 2 and "files or --query, not both" in _


# ---------------------------------------------------------------- snowball


def test_snowball_follows_both_directions_and_loads_elink_links(server: EutilsServer, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    summary = snowball(["100"], store, references=True, cited_by=True, depth=2, client=client(server, tmp_path / "c"))
    assert summary.records == 9 and [h.added for h in summary.manifest.hops] == [5, 3]
    loaded = ask(store, "SELECT ?p WHERE { ?a fabio:hasPubMedId ?p ; foaf:isPrimaryTopicOf ?page }")
    assert len(loaded) == 9
    # 100 cites 103 only according to ELink: the link is loaded, in the ELink graph.
    where = "SELECT ?g WHERE {{ GRAPH ?g {{ <{}> cito:cites <{}> }} }}"
    assert ask(store, where.format(IRIS.article("100"), IRIS.article("103"))) == [(IRIS.elink_graph("100"),)]
    # 100 cites 101 in its reference list too: the triple stays in one graph only.
    assert ask(store, where.format(IRIS.article("100"), IRIS.article("101"))) == [(IRIS.record_graph("100"),)]
    sources = ask(
        store,
        """SELECT ?citing ?cited ?source WHERE { ?c a cito:Citation ; cito:hasCitingEntity ?citing ;
        cito:hasCitedEntity ?cited ; pg:citationSource ?source } """,
    )
    assert len(sources) == summary.manifest.links == 11
    assert {s for *_, s in sources} == {"https://w3id.org/pubgraph/ontology/ELink"}
    prov = ask(store, "SELECT ?seed ?hops ?name WHERE { ?h pg:seedPmid ?seed ; pg:hops ?hops ; pg:linkName ?name }")
    assert prov == [("100", "2", "pubmed_pubmed_citedin"), ("100", "2", "pubmed_pubmed_refs")]
    with KnowledgeStore.open(store, read_only=True) as kg:  # the summaries count ELink's links too
        assert summaries_current(kg)


def test_snowball_max_bounds_the_records(server: EutilsServer, tmp_path: Path) -> None:
    save = tmp_path / "saved.xml"
    code, out, err = run_cli(
        [
            "snowball",
            "100",
            "--refs",
            "--cited-by",
            "--depth",
            "2",
            "--max",
            "4",
            "--store",
            tmp_path / "kg",
            "--save",
            save,
            "--cache-dir",
            tmp_path / "c",
            "--eutils-url",
            server.url,
            "--api-key",
            "k",
        ]
    )
    assert code == 0, err
    assert out.startswith(f"snowballed into {tmp_path / 'kg'}: 4 records (1 seed PMID(s), 9 citation links); ")
    assert "hop 1: 3 new (2 cut by --max)" in err
    assert [r.pmid for r in read_records(save)] == ["100", "101", "102", "103"]
    assert json.loads(save.with_name("saved.xml.manifest.json").read_text())["max_records"] == 4


def test_elink_links_and_harvest_provenance_conform_to_the_shapes(server: EutilsServer, tmp_path: Path) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import Graph

    shapes = Graph().parse(Path(__file__).resolve().parents[1] / "ontologies" / "shapes.ttl")
    text = "".join(f"{s} {p} {o} .\n" for s, p, o, _ in elink_nquads([("1", "2"), ("1", "3")], IRIS, {("1", "3")}))
    assert text.count("cito/cites>") == 1  # (1, 3) is in a reference list already
    store = tmp_path / "kg"
    snowball(["100"], store, cited_by=True, client=client(server, tmp_path / "c"), jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        dumped = "".join(line.rsplit(" ", 2)[0] + " .\n" for line in kg.dump_nquads())
    data = Graph().parse(data=text + dumped, format="nt")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, report
    broken = Graph().parse(data=text.replace("hasCitedEntity", "hasCitedThing"), format="nt")
    conforms, _, report = pyshacl.validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms and "Citation: needs exactly one cito:hasCitedEntity" in report


# ---------------------------------------------------------------- resuming


class _Kill(KeyboardInterrupt):
    pass


def test_interrupted_harvest_resumes_from_the_cache(tmp_path: Path) -> None:
    with EutilsServer(network_records() + synthetic_records(60)) as server:
        reference = tmp_path / "reference"
        build_query("synthetic", reference, client=client(server, tmp_path / "c1"), jobs=1)
        server.log.clear()

        fetched = []

        def die_after_two(utility: str, from_cache: bool) -> None:
            if utility == "efetch":
                fetched.append(from_cache)
                if len(fetched) == 2:
                    raise _Kill

        store, cache = tmp_path / "kg", tmp_path / "c2"
        dying = client(server, cache, on_response=die_after_two)
        dying.search_limit = 20  # three slices, one page each: the kill lands midway
        with pytest.raises(KeyboardInterrupt):
            build_query("synthetic", store, client=dying, jobs=1, workers=1)
        before = [s.key for s in server.seen()]
        resumed = client(server, cache)
        resumed.search_limit = 20
        summary = build_query("synthetic", store, client=resumed, jobs=1)
        after = [s.key for s in server.seen()][len(before) :]
        assert summary.records == 60
        assert not set(after) & set(before), "no request is repeated after the resume"
        assert sum(resumed.cached.values()) >= 3  # the searches and pages already fetched
        assert resumed.requests["efetch"] >= 1, "the kill left pages to fetch"
        assert contents(store) == contents(reference)
