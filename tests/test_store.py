"""Store semantics: named graph per record, replacement, deletion, order, provenance.

``tests/data/baseline.xml`` holds PMIDs 31000001-3 (31000001 cites 31000002 and 31000003);
``tests/data/update.xml`` revises 31000002, adds 31000004 and deletes 31000003.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import DATA, article_xml, delete_xml, run_cli, write_xml

import graph
from graph.model import Iris
from graph.pipeline.query import run_query
from graph.pipeline.stats import store_stats
from graph.store import KnowledgeStore

BASELINE = DATA / "baseline.xml"
UPDATE = DATA / "update.xml"
IRIS = Iris()
AUTHORS = "SELECT DISTINCT ?n WHERE {{ ?a fabio:hasPubMedId '{pmid}' ; dcterms:creator ?p . ?p foaf:familyName ?n }}"


def contents(store: Path) -> set[str]:
    """Every quad outside the provenance graph, as N-Quads lines."""
    with KnowledgeStore.open(store, read_only=True) as kg:
        return set(kg.dump_nquads(exclude=[IRIS.provenance_graph]))


def named_graphs(store: Path) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        return set(kg.named_graphs())


def titles(store: Path) -> dict[str, list[str]]:
    """PMID -> every title the store holds for it."""
    found: dict[str, list[str]] = {}
    query = "SELECT DISTINCT ?id ?t WHERE { ?a fabio:hasPubMedId ?id ; dcterms:title ?t }"
    for row in run_query(query, store).values():
        found.setdefault(str(row["id"]), []).append(str(row["t"]))
    return found


def loaded(store: Path) -> set[str]:
    """PMIDs whose own record is in the store (stubs of cited works are not)."""
    query = "SELECT DISTINCT ?id WHERE { ?a foaf:isPrimaryTopicOf ?page ; fabio:hasPubMedId ?id }"
    return {str(row["id"]) for row in run_query(query, store).values()}


def record_graph(pmid: str) -> str:
    return IRIS.record_graph(pmid)


# ------------------------------------------------------------------ idempotence and updates


def test_every_triple_is_in_exactly_one_graph(tmp_store: Path) -> None:
    # Oxigraph 0.5 counts a triple once per graph holding it (oxigraph#1919), so the
    # model keeps each triple in one graph and queries over the union stay exact.
    graph.build(graph.sample_files(), tmp_store, jobs=1)
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    counts = [run_query(q, tmp_store).values()[0]["n"] for q in (union, distinct)]
    assert counts[0] == counts[1]
    citing = run_query(
        "SELECT ?c ?t WHERE { ?c cito:cites ?a . ?a fabio:hasPubMedId '28993889' ; dcterms:title ?t }",
        tmp_store,
    ).rows
    assert len(citing) == len(set(citing)) > 1


def test_building_twice_changes_nothing(tmp_store: Path) -> None:
    graph.build([BASELINE], tmp_store, jobs=1)
    first = contents(tmp_store)
    graph.build([BASELINE], tmp_store, jobs=1)
    assert contents(tmp_store) == first
    assert len(first) > 50


def test_baseline_then_update_gives_the_current_state(tmp_store: Path) -> None:
    graph.build([BASELINE], tmp_store, jobs=1)
    assert loaded(tmp_store) == {"31000001", "31000002", "31000003"}
    summary = graph.build([UPDATE], tmp_store, jobs=1)
    assert (summary.records, summary.deletions) == (2, 1)
    assert titles(tmp_store) == {
        "31000001": ["Baseline one."],
        "31000002": ["Revised two."],
        "31000004": ["Added four."],
    }
    assert loaded(tmp_store) == {"31000001", "31000002", "31000004"}
    graphs = named_graphs(tmp_store)
    assert record_graph("31000003") not in graphs
    assert {record_graph(p) for p in ("31000001", "31000002", "31000004")} <= graphs
    # 31000001 still cites 31000003, which is now only a cited work, not a loaded record.
    ask = f"ASK {{ <{IRIS.article('31000001')}> cito:cites <{IRIS.article('31000003')}> }}"
    assert run_query(ask, tmp_store).boolean is True
    ask = f"ASK {{ <{IRIS.article('31000003')}> foaf:isPrimaryTopicOf ?page }}"
    assert run_query(ask, tmp_store).boolean is False
    # The revised record's authors are those of the new version only.
    authors = AUTHORS.format(pmid="31000002")
    assert sorted(str(r["n"]) for r in run_query(authors, tmp_store).values()) == [
        "Carter",
        "Evans",
    ]


def test_one_build_of_both_files_equals_two_builds_in_order(tmp_path: Path) -> None:
    together, apart = tmp_path / "together", tmp_path / "apart"
    graph.build([BASELINE, UPDATE], together, jobs=2)  # staged in worker processes
    graph.build([BASELINE], apart, jobs=1)
    graph.build([UPDATE], apart, jobs=1)
    assert contents(together) == contents(apart)


def test_update_order_matters(tmp_path: Path) -> None:
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    graph.build([BASELINE, UPDATE], right, jobs=1)
    graph.build([UPDATE, BASELINE], wrong, jobs=1)
    assert contents(right) != contents(wrong)
    assert titles(wrong)["31000002"] == ["Baseline two."]
    assert "31000003" in loaded(wrong)


def test_same_pmid_twice_in_one_file_keeps_the_last(tmp_path: Path, tmp_store: Path) -> None:
    path = write_xml(
        tmp_path,
        "twice.xml",
        [
            article_xml(41, "First version.", authors=("Old",)),
            article_xml(42, "Other."),
            article_xml(41, "Last version.", authors=("New",)),
        ],
    )
    graph.build([path], tmp_store, jobs=1)
    assert titles(tmp_store) == {"41": ["Last version."], "42": ["Other."]}
    authors = AUTHORS.format(pmid="41")
    assert [r["n"] for r in run_query(authors, tmp_store).values()] == ["New"]


def test_listed_then_deleted_in_one_file_is_absent(tmp_path: Path, tmp_store: Path) -> None:
    path = write_xml(tmp_path, "gone.xml", [article_xml(51), article_xml(52), delete_xml(51)])
    graph.build([path], tmp_store, jobs=1)
    assert loaded(tmp_store) == {"52"}
    assert record_graph("51") not in named_graphs(tmp_store)


def test_deleted_then_listed_again_is_present(tmp_path: Path, tmp_store: Path) -> None:
    graph.build([write_xml(tmp_path, "a.xml", article_xml(61, "Before."))], tmp_store, jobs=1)
    # Not DTD order (DeleteCitation comes last), but a later record must still win.
    path = write_xml(tmp_path, "b.xml", [delete_xml(61), article_xml(61, "After.")])
    graph.build([path], tmp_store, jobs=1)
    assert titles(tmp_store) == {"61": ["After."]}


def test_deleting_an_unknown_pmid_is_harmless(tmp_path: Path, tmp_store: Path) -> None:
    graph.build([BASELINE], tmp_store, jobs=1)
    before = contents(tmp_store)
    graph.build(
        [
            write_xml(
                tmp_path,
                "d.xml",
                [
                    article_xml(31000001, "Baseline one.", authors=("Ames", "Baker")),
                    delete_xml(99999999),
                ],
            )
        ],
        tmp_store,
        jobs=1,
    )
    assert loaded(tmp_store) == {"31000001", "31000002", "31000003"}
    assert len(contents(tmp_store)) <= len(before)


# ------------------------------------------------------------------ provenance and CLI


def test_provenance_has_one_activity_per_applied_file(tmp_store: Path) -> None:
    graph.build([BASELINE], tmp_store, jobs=1)
    graph.build([UPDATE], tmp_store, jobs=1)
    query = f"""SELECT ?label ?records ?deletions WHERE {{
        GRAPH <{IRIS.provenance_graph}> {{
            ?act a prov:Activity ; rdfs:label ?label ;
                pg:recordCount ?records ; pg:deletionCount ?deletions
        }} }} ORDER BY ?label"""
    rows = run_query(query, tmp_store).values()
    assert rows == [
        {"label": "load baseline.xml", "records": "3", "deletions": "0"},
        {"label": "load update.xml", "records": "2", "deletions": "1"},
    ]
    assert store_stats(tmp_store).loads == 2


def test_cli_build_summary_line(tmp_store: Path) -> None:
    code, out, err = run_cli(["build", BASELINE, "--store", tmp_store, "--jobs", "1"])
    assert code == 0, err
    assert re.match(r"^built .*: 1 file\(s\), 3 records", out)
    assert out.count("\n") == 1


# ------------------------------------------------------------------ MeSH label stubs


def _mesh(ui: str, name: str) -> str:
    heading = f'<DescriptorName UI="{ui}" MajorTopicYN="N">{name}</DescriptorName>'
    return f"<MeshHeadingList><MeshHeading>{heading}</MeshHeading></MeshHeadingList>"


def _chemical(ui: str, name: str) -> str:
    substance = f'<RegistryNumber>0</RegistryNumber><NameOfSubstance UI="{ui}">{name}</NameOfSubstance>'
    return f"<ChemicalList><Chemical>{substance}</Chemical></ChemicalList>"


def test_mesh_headings_counted_by_stats(tmp_path: Path, tmp_store: Path) -> None:
    path = write_xml(tmp_path, "m.xml", [article_xml(71, extra_citation=_mesh("D007328", "Insulin"))])
    graph.build([path], tmp_store, jobs=1)
    counts = store_stats(tmp_store).counts
    assert (counts["MeSH headings assigned"], counts["MeSH descriptors"]) == (1, 1)


def test_mesh_heading_typed_even_when_a_chemical_named_it_first(tmp_path: Path, tmp_store: Path) -> None:
    path = write_xml(
        tmp_path,
        "m.xml",
        [
            article_xml(81, extra_citation=_chemical("D007328", "Insulin")),
            article_xml(82, extra_citation=_mesh("D007328", "Insulin")),
        ],
    )
    graph.build([path], tmp_store, jobs=1)
    assert store_stats(tmp_store).counts["MeSH headings assigned"] == 1


def test_mesh_labels_survive_a_pmid_listed_twice(tmp_path: Path, tmp_store: Path) -> None:
    path = write_xml(
        tmp_path,
        "m.xml",
        [
            article_xml(91, "v1", extra_citation=_mesh("D007328", "Insulin")),
            article_xml(91, "v2", extra_citation=_mesh("D007328", "Insulin")),
        ],
    )
    graph.build([path], tmp_store, jobs=1)
    ask = "ASK { mesh:D007328 a meshv:TopicalDescriptor ; rdfs:label 'Insulin' }"
    assert run_query(ask, tmp_store).boolean is True


# ------------------------------------------------------------------ shared descriptions follow their records


def _with_orcid_and_affiliation(xml: str, orcid: str, affiliation: str) -> str:
    extra = (
        f'<Identifier Source="ORCID">{orcid}</Identifier>'
        f"<AffiliationInfo><Affiliation>{affiliation}</Affiliation></AffiliationInfo>"
    )
    return xml.replace("<Initials>A</Initials></Author>", f"<Initials>A</Initials>{extra}</Author>", 1)


def _references(*ids: tuple[str, str]) -> str:
    items = "".join(
        f'<Reference><Citation>Ref {value}.</Citation><ArticleIdList><ArticleId IdType="{kind}">{value}'
        "</ArticleId></ArticleIdList></Reference>"
        for kind, value in ids
    )
    return f"<ReferenceList>{items}</ReferenceList>"


MESH_PAIR = (
    '<MeshHeadingList><MeshHeading><DescriptorName UI="D000777" MajorTopicYN="N">Only here</DescriptorName>'
    '<QualifierName UI="Q000888" MajorTopicYN="Y">rarely</QualifierName></MeshHeading></MeshHeadingList>'
)


def test_baseline_and_updates_equal_a_fresh_load_of_the_current_records(tmp_path: Path) -> None:
    # Records that alone use shared nodes (an uncited article's own stub, works only they
    # cite, an ORCID person, an affiliation, a MeSH pair) are deleted or revised; the
    # store must end as if it had only ever loaded the current versions.
    lonely = _with_orcid_and_affiliation(
        article_xml(
            41000001,
            "Deleted later.",
            authors=("Solo",),
            extra_citation=MESH_PAIR,
            pubmed_data=_references(("pubmed", "41000099"), ("doi", "10.5555/only.here")),
        ),
        "0000-0002-1825-0097",
        "Institute of Nowhere, Atlantis.",
    )
    kept = article_xml(41000002, "Kept.", pubmed_data=_references(("pubmed", "41000003")))
    revised_before = article_xml(41000003, "Before.", pubmed_data=_references(("pubmed", "41000050")))
    revised_after = article_xml(41000003, "After.", pubmed_data=_references(("pubmed", "41000060")))
    baseline = write_xml(tmp_path, "baseline.xml", [lonely, kept, revised_before])
    update = write_xml(tmp_path, "update.xml", [delete_xml(41000001), revised_after])
    current = write_xml(tmp_path, "current.xml", [kept, revised_after])

    incremental, fresh = tmp_path / "incremental", tmp_path / "fresh"
    graph.build([baseline], incremental, jobs=1)
    before = "\n".join(contents(incremental))
    for gone in ("article/41000099", "article/41000050", "0000-0002-1825-0097", "Atlantis", "D000777Q000888"):
        assert gone in before  # described while their records were loaded
    graph.build([update], incremental, jobs=1)
    graph.build([current], fresh, jobs=1)
    assert contents(incremental) == contents(fresh)


def test_a_record_deleted_then_listed_again_in_later_files_keeps_its_descriptions(tmp_path: Path) -> None:
    # Each staged file describes every shared node it uses, so a node dropped with a
    # deleted record comes back with the next file that uses it.
    first = write_xml(tmp_path, "1.xml", article_xml(42000001, "One.", pubmed_data=_references(("pubmed", "42000009"))))
    second = write_xml(tmp_path, "2.xml", delete_xml(42000001))
    third = write_xml(tmp_path, "3.xml", article_xml(42000001, "One.", pubmed_data=_references(("pubmed", "42000009"))))
    together, fresh = tmp_path / "together", tmp_path / "fresh"
    graph.build([first, second, third], together, jobs=2)
    graph.build([third], fresh, jobs=1)
    assert contents(together) == contents(fresh)
    assert loaded(together) == {"42000001"}
