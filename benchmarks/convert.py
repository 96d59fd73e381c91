"""Benchmark: PubMed XML to RDF, against the floors and the alternatives, in one run.

Generates a realistic corpus (default 30,000 records, the size of one baseline file;
see ``corpus.py``) and reports:

  (a) lxml iterparse + clear alone, records/s: the floor any converter pays
  (b) ``pubgraph convert`` to N-Quads: records/s and triples/s (and the ratio to (a))
  (c) the same triples built with rdflib ``Graph.add`` and serialized, triples/s
  (d) bulk load of (b)'s output into the store, triples/s; and a full ``build``
  (e) peak RSS of (b), at two input sizes (it should stay flat)
  (f) pubmed_parser's ``parse_medline_xml`` on the same file, records/s, if installed

Run: ``python benchmarks/convert.py [--records 30000] [--jobs N] [--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

import graph
from graph.store import KnowledgeStore


def floor(path: Path) -> tuple[int, float]:
    """(a) records/s of iterparse + clear, reading the same .xml.gz."""
    import gzip

    started = time.perf_counter()
    count = 0
    with gzip.open(path, "rb") as stream:
        for _event, elem in etree.iterparse(
            stream,
            events=("end",),
            tag="PubmedArticle",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
        ):
            count += 1
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return count, time.perf_counter() - started


def convert_in_child(path: Path, out: Path, jobs: int | None) -> dict[str, float]:
    """(b) and (e): run the conversion in a fresh process to measure its own peak RSS."""
    code = (
        "import json, resource, sys, time, graph;"
        "t = time.perf_counter();"
        f"s = graph.convert([{str(path)!r}], {str(out)!r}, jobs={jobs!r});"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'records': s.records, 'quads': s.quads,"
        " 'rss_self': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " 'rss_workers': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def rdflib_baseline(path: Path, records: int) -> tuple[int, float]:
    """(c) triples/s building the same triples with rdflib Graph.add, then serializing."""
    import rdflib

    quads = []
    for record in graph.read_records(path):
        if isinstance(record, graph.records.Article):
            quads.extend(graph.article_quads(record, graph.Iris()))
            records -= 1
            if records == 0:
                break
    nquads = "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads)
    terms = [(s, p, o) for s, p, o, _g in rdflib.Dataset().parse(data=nquads, format="nquads").quads()]
    started = time.perf_counter()
    g = rdflib.Graph()
    for triple in terms:
        g.add(triple)
    g.serialize(format="nt")
    return len(terms), time.perf_counter() - started


def _fresh(store: Path) -> Path:
    """An empty store folder: a store left by an earlier run would make this a reload."""
    shutil.rmtree(store, ignore_errors=True)
    return store


def bulk_load(nquads: Path, workdir: Path) -> tuple[int, float]:
    """(d) triples/s of the store's bulk load of an N-Quads file, as ``build`` loads one."""
    store = _fresh(workdir / "store-bulk")
    with KnowledgeStore.open(store) as kg:
        started = time.perf_counter()
        with kg.guarded(str(nquads)):
            kg.apply(nquads, ())
        seconds = time.perf_counter() - started
        return kg.count_quads(), seconds


def pubmed_parser_baseline(path: Path) -> tuple[int, float] | None:
    """(f) records/s of pubmed_parser.parse_medline_xml (builds dicts only)."""
    try:
        import pubmed_parser
    except ImportError:
        return None
    started = time.perf_counter()
    count = sum(1 for _ in pubmed_parser.parse_medline_xml(str(path)))
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--jobs", type=int, default=None, help="convert's worker processes [default: cores]")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pubgraph-bench-"))
    corpus = write_corpus(workdir / f"corpus-{args.records}.xml.gz", args.records)
    small = write_corpus(workdir / f"corpus-{args.records // 3}.xml.gz", args.records // 3, seed=7)
    print(f"corpus: {args.records:,} records, {corpus.stat().st_size / 1e6:.0f} MB gzip ({corpus})")

    n, seconds = floor(corpus)
    floor_rate = n / seconds
    print(f"(a) lxml iterparse+clear:   {floor_rate:>10,.0f} records/s  (baseline)")

    # Both conversions run first, while this process is small: Linux carries a
    # process's peak RSS across exec into the child it starts.
    out = workdir / "out.nq"
    run = convert_in_child(corpus, out, args.jobs)
    small_run = convert_in_child(small, workdir / "small.nq", args.jobs)
    rate, triple_rate = run["records"] / run["seconds"], run["quads"] / run["seconds"]
    print(
        f"(b) pubgraph convert -> nq: {rate:>10,.0f} records/s  {triple_rate:>12,.0f} triples/s"
        f"  = {rate / floor_rate:.2f}x (a)  [target >= 0.4x]"
    )

    triples, seconds = rdflib_baseline(corpus, 2_000)
    rdflib_rate = triples / seconds
    print(
        f"(c) rdflib Graph.add+nt:    {rdflib_rate:>10,.0f} triples/s"
        f"  -> (b) is {triple_rate / rdflib_rate:.1f}x  [target >= 10x]"
    )

    quads, seconds = bulk_load(out, workdir)
    print(f"(d) store bulk load:        {quads / seconds:>10,.0f} triples/s  [target >= 200,000]")
    started = time.perf_counter()
    summary = graph.build([corpus], _fresh(workdir / "store-build"), jobs=args.jobs)
    seconds = time.perf_counter() - started
    print(
        f"    full build (parse, map, load): {summary.records / seconds:,.0f} records/s,"
        f" {summary.quads / seconds:,.0f} triples/s"
    )

    peak = max(run["rss_self"], run["rss_workers"]) / 1024
    peak_small = max(small_run["rss_self"], small_run["rss_workers"]) / 1024
    print(
        f"(e) peak RSS of (b):        {peak:>10,.0f} MB (largest process) at {args.records:,} records; "
        f"{peak_small:,.0f} MB at {args.records // 3:,}  [target < 150 MB, flat]"
    )

    baseline = pubmed_parser_baseline(corpus)
    if baseline is None:
        print("(f) pubmed_parser:          not installed (pip install -e '.[bench]')")
    else:
        n, seconds = baseline
        print(
            f"(f) pubmed_parser:          {n / seconds:>10,.0f} records/s"
            f"  -> (b) is {rate / (n / seconds):.2f}x  [target >= 1.0x]"
        )
    print(f"benchmark process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
