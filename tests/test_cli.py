"""The ``pubgraph`` command line: help, version, convert to every RDF format, stats, query."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import DATA, run_cli

import graph
from graph.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")
INPUTS = [DATA / "pubmed_full.xml", DATA / "pubmed_book.xml"]


def _help_cases() -> list[object]:
    cases: list[object] = [pytest.param([], id="pubgraph")]
    cases.extend(pytest.param([name], id=name) for name in sorted(cli.commands))
    return cases


@pytest.mark.parametrize("command", _help_cases())
def test_help_shows_an_example(command: list[str]) -> None:
    code, out, err = run_cli([*command, "--help"])
    assert code == 0, err
    assert out.startswith(f"Usage: pubgraph {' '.join(command)}".rstrip())
    body = out.split("\n", 1)[1]  # past the Usage line
    assert re.search(rf"^\s+.*pubgraph {re.escape(command[0]) if command else ''}\w*", body, re.MULTILINE)


def test_short_help_option() -> None:
    code, out, _err = run_cli(["-h"])
    assert code == 0 and out.startswith("Usage: pubgraph")


def test_version() -> None:
    code, out, _err = run_cli(["--version"])
    assert code == 0
    assert out == f"pubgraph, version {graph.__version__}\n"


def test_python_dash_m_graph() -> None:
    done = subprocess.run([sys.executable, "-m", "graph", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: pubgraph")
    assert "convert" in done.stdout and "build" in done.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _out, err = run_cli(["build", "--store", tmp_path / "s"])
    assert code == 2 and "give at least one input file or directory" in err
    code, _out, err = run_cli(["query", "ASK {}", "--saved", "top-cited", "--store", tmp_path / "s"])
    assert code == 2 and "give exactly one of" in err


# ------------------------------------------------------------------ convert


RDFLIB_FORMATS = {
    ".nq": "nquads",
    ".nt": "nt",
    ".ttl": "turtle",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
}
QUAD_FORMATS = {".nq", ".trig", ".jsonld"}


def parse(path: Path) -> rdflib.Dataset:
    data = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        data, name = gzip.decompress(data), name[:-3]
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[Path(name).suffix])
    return dataset


def triples(dataset: rdflib.Dataset) -> set[tuple[object, object, object]]:
    return {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}


def quads(dataset: rdflib.Dataset) -> set[tuple[object, object, object, object]]:
    return set(dataset.quads((None, None, None, None)))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Dataset:
    out = tmp_path_factory.mktemp("ref") / "reference.nq"
    code, _out, err = run_cli(["convert", *INPUTS, "-o", out])
    assert code == 0, err
    return parse(out)


@pytest.mark.parametrize("name", ["out.nq", "out.nt", "out.ttl", "out.trig", "out.jsonld", "out.rdf", "out.nq.gz"])
def test_convert_to_every_format(name: str, tmp_path: Path, reference: rdflib.Dataset) -> None:
    output = tmp_path / name
    code, out, err = run_cli(["convert", *INPUTS, "-o", output])
    assert code == 0, err
    assert re.match(rf"^wrote {re.escape(str(output))}: 4 records, [\d,]+ quads in ", out)
    assert err == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary files left
    parsed = parse(output)
    assert triples(parsed) == triples(reference)
    if Path(name.removesuffix(".gz")).suffix in QUAD_FORMATS:
        assert quads(parsed) == quads(reference)


def test_convert_notes_deletions_it_cannot_express(tmp_path: Path) -> None:
    code, out, err = run_cli(["convert", DATA / "medline_legacy.xml", "-o", tmp_path / "legacy.nt"])
    assert code == 0
    assert out.startswith(f"wrote {tmp_path / 'legacy.nt'}: 2 records")
    assert err.startswith("note: 3 <DeleteCitation> entries cannot be expressed in an RDF file")


# ------------------------------------------------------------------ stats and query


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kg") / "store"
    code, _out, err = run_cli(["build", *INPUTS, "--store", path, "--jobs", "1"])
    assert code == 0, err
    return path


def test_stats_json(store: Path) -> None:
    code, out, err = run_cli(["stats", "--store", store, "--format", "json"])
    assert code == 0, err
    stats = json.loads(out)
    assert stats["store"] == str(store)
    assert stats["interrupted_loads"] == []
    numbers = {k: v for k, v in stats.items() if k not in ("store", "interrupted_loads")}
    assert all(isinstance(v, int) and v >= 0 for v in numbers.values()), numbers
    assert stats["articles"] == 4
    assert stats["loads"] == 2
    assert stats["quads"] > 100


def test_stats_table_and_store_from_environment(store: Path) -> None:
    code, out, err = run_cli(["stats"], env={"PUBGRAPH_STORE": str(store)})
    assert code == 0, err
    assert out.startswith(f"store {store}: ")
    assert re.search(r"^\s+articles\s+4$", out, re.MULTILINE)


QUERY = (
    "SELECT ?pmid ?title WHERE { ?a foaf:isPrimaryTopicOf ?p ; fabio:hasPubMedId ?pmid ; "
    "dcterms:title ?title } ORDER BY ?pmid"
)
PMIDS = ["20000001", "20000002", "30000001", "30000002"]


def _query(store: Path, fmt: str) -> str:
    code, out, err = run_cli(["query", QUERY, "--store", store, "--format", fmt])
    assert code == 0, err
    return out


def test_query_csv(store: Path) -> None:
    result = CliRunner().invoke(cli, ["query", QUERY, "--store", str(store), "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"pmid,title\r\n")  # RFC 4180 line ends, as SPARQL CSV asks
    out = _query(store, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["pmid"] for r in rows] == PMIDS
    assert rows[2]["title"] == "Effects of Escherichia coli on Ca2+ signalling in x+1 models."


def test_query_tsv(store: Path) -> None:
    lines = _query(store, "tsv").splitlines()
    assert lines[0] == "?pmid\t?title"
    assert lines[1].startswith('"20000001"\t"Handbook of Synthetic Testing"')
    assert len(lines) == 1 + len(PMIDS)


def test_query_json(store: Path) -> None:
    answer = json.loads(_query(store, "json"))
    assert answer["head"] == {"vars": ["pmid", "title"]}
    bindings = answer["results"]["bindings"]
    assert [b["pmid"]["value"] for b in bindings] == PMIDS
    assert bindings[0]["pmid"] == {"type": "literal", "value": "20000001"}


def test_query_table(store: Path) -> None:
    lines = _query(store, "table").splitlines()
    assert lines[0].split() == ["pmid", "title"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[-1] == f"({len(PMIDS)} rows)"


def test_query_ask_and_construct(store: Path) -> None:
    code, out, _err = run_cli(["query", "ASK { ?a cito:cites ?b }", "--store", store])
    assert (code, out) == (0, "true\n")
    construct = "CONSTRUCT { ?a dcterms:title ?t } WHERE { ?a fabio:hasPubMedId '30000002' ; dcterms:title ?t }"
    code, out, _err = run_cli(["query", construct, "--store", store])
    assert code == 0
    article, title = (
        "<https://w3id.org/pubgraph/article/30000002>",
        "<http://purl.org/dc/terms/title>",
    )
    assert out == f'{article} {title} "A second, plainer article." .\n'


def test_query_from_file(store: Path, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a foaf:isPrimaryTopicOf ?p }", encoding="utf-8")
    code, out, _err = run_cli(["query", "-f", rq, "--store", store, "--format", "csv"])
    assert (code, out) == (0, "n\n4\n")


def test_query_table_uses_the_longest_prefix(store: Path) -> None:
    code, out, _err = run_cli(["query", "SELECT ?t WHERE { mesh:D004926 a ?t }", "--store", store])
    assert code == 0
    assert out.splitlines()[2] == "meshv:TopicalDescriptor"


# ------------------------------------------------------------------ query: usage and syntax errors


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--saved", "references"], "error: saved query 'references' needs -p pmid=PMID (digits)"),
        (
            ["--saved", "references", "-p", "pmid=abc"],
            "error: saved query 'references' needs -p pmid=PMID (digits); got pmid='abc'",
        ),
        (
            ["--saved", "cited-by", "-p", "pmdi=1"],
            "error: saved query 'cited-by' has no parameter 'pmdi' (did you mean 'pmid'?); "
            "it takes -p pmid=PMID (digits)",
        ),
        (
            ["--saved", "coauthors", "-p", "name=" + os.fsdecode(b"M\xfcller")],
            "error: saved query 'coauthors' needs -p name=TEXT (non-empty text); got name='M\\xfcller', "
            "which is not UTF-8",
        ),
        (["--saved", "references", "-p", "pmid"], "error: -p 'pmid' is not NAME=VALUE (e.g. -p pmid=28993889)"),
        (
            ["--saved", "references", "-p", "pmid=1", "-p", "pmid=2"],
            "error: -p pmid= is given twice; give each parameter once",
        ),
    ],
    ids=["missing", "not-digits", "unknown", "not-utf8", "no-equals", "twice"],
)
def test_a_saved_query_with_a_bad_parameter_is_a_usage_error(store: Path, args: list[str], line: str) -> None:
    # It used to run with the file's example PMID and print 0 rows, exit 0.
    assert run_cli(["query", *args, "--store", store]) == (2, "", line + "\n")


def test_a_saved_query_with_its_parameter(store: Path) -> None:
    code, out, err = run_cli(
        ["query", "--saved", "article", "-p", "pmid=030000002", "--store", store, "--format", "csv"]
    )
    assert (code, err) == (0, "")
    assert 'title,,"A second, plainer article."' in out.splitlines()


def test_param_goes_with_saved(store: Path) -> None:
    code, _out, err = run_cli(["query", "ASK {}", "-p", "pmid=1", "--store", store])
    assert code == 2 and err.endswith("Error: -p/--param goes with --saved NAME\n")


def test_list_shows_what_each_parameter_needs() -> None:
    code, out, _err = run_cli(["query", "--list"])
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0 and lines["references"].endswith("  -p pmid=PMID (digits)")
    assert lines["mesh-major-by-year"].endswith("  [-p min=N (an integer; default 1)]")
    assert lines["top-cited"].endswith("top 100 and ties")


DECLARED = (
    "biro, c4o, cito, datacite, dcterms, fabio, foaf, frapo, frbr, mesh, meshv, oco, owl, pg, prism, pro, prov, "
    "rdf, rdfs, schema, xsd"
)
READ_ONLY = "error: pubgraph query runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are not accepted"


@pytest.mark.parametrize(
    ("sparql", "line"),
    [
        (
            "SELECT * WHERE { ?a foo:bar ?b }",
            f"error: unknown prefix foo: in the query (line 1); declared prefixes are {DECLARED} (add PREFIX foo: <…>)",
        ),
        (
            'PREFIX ex: <http://e.org/>\nSELECT * WHERE {\n  ?a ex:p "x:y" .\n  FILTER(fn:f(?a)) }',
            "error: unknown prefix fn: in the query (line 4); declared prefixes are "
            f"{DECLARED.replace('dcterms, ', 'dcterms, ex, ')} (add PREFIX fn: <…>)",
        ),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", READ_ONLY),
        ("DELETE WHERE { ?s ?p ?o }", READ_ONLY),
        ("PREFIX ex: <http://e.org/>\n# drop it all\nCLEAR ALL", READ_ONLY),
        ("LOAD <http://127.0.0.1:9/x.nt>", READ_ONLY),
        (
            "SELEC * { ?s ?p ?o }",
            "error: invalid SPARQL: a query starts with SELECT, ASK, CONSTRUCT, DESCRIBE "
            "(after PREFIX and BASE lines), not 'SELEC'",
        ),
        (
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY",
            "error: invalid SPARQL at line 1, column 52 (after …'?s ?p ?o } GROUP BY'): "
            'expected one of "$", "(", ":", "<", "?"',
        ),
        (
            "SELECT * WHERE {\n ?s ?p ?o .\n FILTER(?x = ) }",
            "error: invalid SPARQL at line 3, column 17 (after 'FILTER(?x = ) }'): "
            "expected one of ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT, …",
        ),
        ("  # nothing\n", "error: invalid SPARQL: the query is empty"),
    ],
    ids=["prefix", "prefix-in-function", "insert", "delete", "clear", "load", "form", "group-by", "filter", "empty"],
)
def test_query_errors_are_one_short_line(store: Path, sparql: str, line: str) -> None:
    # Oxigraph's own message lists every Unicode range a name may hold, over several lines.
    assert run_cli(["query", sparql, "--store", store]) == (1, "", line + "\n")
