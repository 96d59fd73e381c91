"""Benchmark: the store as a database: load, saved queries against rdflib, export, push.

Generates the synthetic corpus (default 30,000 records, one baseline file; see
``corpus.py``) and reports, in one run on the same data:

  (a) load into the embedded store (``graph.build``): seconds, records/s, quads/s, beside
      Oxigraph's own bulk load of the same quads (``Store.bulk_load`` of the store's
      N-Quads export, in a fresh process) and a reload of the same file (target: no dearer
      than the first load)
  (b) every saved query on pyoxigraph (the store) and on rdflib's in-memory Dataset
      holding the same quads (union default graph, summaries included), with the ratio
      per query: each engine runs the form ``run_query`` picks (the fast form over the
      summaries when the query has one), and rdflib the plain form too. rdflib needs
      ~1 GB per million quads, so this runs on a store of ``--compare-records`` records
      (default 2,000); on the full store and on one a third of its size, pyoxigraph's
      times of the plain and the fast forms are shown beside (the growth from one to the
      other is what the 300,000-record estimate extrapolates). rdflib queries run in a
      forked child and stop at ``--rdflib-timeout`` (the ratio is then a lower bound)
  (c) export of the whole store to .nq.gz: quads/s and the peak RSS of the exporting
      process, at two store sizes (streaming: it should not grow with the store)
  (d) push to a local Oxigraph server (``oxigraph serve``), Graph Store Protocol and
      SPARQL Update: triples/s, with the final count check
  (e) peak RSS of this process before rdflib is loaded, and rdflib's own

Run: ``python benchmarks/store.py [--records 30000] [--compare-records 2000] [--rdflib-timeout 60]``
(``--records 3000`` for a quick run; ``--no-rdflib`` skips the rdflib side of (b)).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

from graph.pipeline.endpoint import oxigraph_binary
from graph.pipeline.query import _collect, run_query
from graph.queries import SavedQuery, fast_form, list_saved
from graph.store import KnowledgeStore
from graph.store.remote import push
from graph.store.summaries import refresh_summaries

_LOAD_CODE = (
    "import json, sys, time, graph;"
    "t = time.perf_counter(); s = graph.build([sys.argv[1]], sys.argv[2], jobs=json.loads(sys.argv[3]));"
    "print(json.dumps({'seconds': time.perf_counter() - t, 'records': s.records, 'quads': s.store_quads}))"
)
_BULK_CODE = (
    "import json, sys, time, pyoxigraph as ox;"
    "t = time.perf_counter(); s = ox.Store(sys.argv[2]);"
    "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS, lenient=True); s.flush();"
    "print(json.dumps({'seconds': time.perf_counter() - t, 'quads': len(s)}))"
)
_RSS_CODE = (
    "import json, resource, sys, time, graph.pipeline.rdf_export as e;"
    "t = time.perf_counter(); s = e.export(sys.argv[1], sys.argv[2]);"
    "print(json.dumps({'seconds': time.perf_counter() - t, 'quads': s.quads,"
    " 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(corpus: Path, store: Path, jobs: int | None) -> tuple[int, int, float]:
    """(a) records, quads and seconds of a full build, in a child process (keeps this one small)."""
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_CODE, str(corpus), str(store), json.dumps(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["records"], result["quads"], result["seconds"]


def oxigraph_bulk_load(nquads: Path, store: Path) -> tuple[int, float]:
    """(a) baseline: Oxigraph's own bulk load of the same N-Quads into a new store."""
    done = subprocess.run(
        [sys.executable, "-c", _BULK_CODE, str(nquads), str(store)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["quads"], result["seconds"]


def query_params(store: Path) -> dict[str, str]:
    """Parameter values that exist in the synthetic corpus: the most cited loaded PMID, a common name."""
    top = run_query(
        "SELECT ?pmid (COUNT(*) AS ?n) WHERE { ?c cito:cites ?w . ?w fabio:hasPubMedId ?pmid ; "
        "foaf:isPrimaryTopicOf ?page } GROUP BY ?pmid ORDER BY DESC(?n) LIMIT 1",
        store,
    ).values()
    return {"pmid": str(top[0]["pmid"]) if top else "1", "name": "Kawahara", "text": "spinal", "min": "1"}


def texts(params: dict[str, str]) -> dict[str, str]:
    def render(query: SavedQuery) -> str:
        return query.render({p.name: params[p.name] for p in query.params if p.name in params})

    return {query.name: render(query) for query in list_saved()}


def fast_texts(queries: dict[str, str]) -> dict[str, str]:
    """The fast form of each query that has one (what ``run_query`` runs on a summarised store)."""
    return {name: fast for name, text in queries.items() if (fast := fast_form(text)) is not None}


def oxigraph_times(store: Path, queries: dict[str, str]) -> dict[str, tuple[float, int]]:
    """(b) per query text, run as it is, on the store: the best of three runs (one when it
    takes over 5 s), and its rows."""
    results = {}
    with KnowledgeStore.open(store, read_only=True) as kg:
        for name, text in queries.items():
            times: list[float] = []
            while len(times) < 3 and sum(times) < 5:
                started = time.perf_counter()
                rows = len(_collect(kg.query(text)).rows)
                times.append(time.perf_counter() - started)
            results[name] = (min(times), rows)
    return results


def summaries_refresh(store: Path) -> float:
    """(a) seconds to compute the summaries again on a built store (what each build adds
    once after its last file)."""
    with KnowledgeStore.open(store) as kg:
        started = time.perf_counter()
        refresh_summaries(kg)
        return time.perf_counter() - started


def _rdflib_query(dataset: Any, text: str, out: Connection) -> None:
    started = time.perf_counter()
    rows = len(list(dataset.query(text)))
    out.send((time.perf_counter() - started, rows))


def rdflib_times(
    nquads: Path, queries: dict[str, str], timeout: float
) -> tuple[dict[str, tuple[float, int] | None], float, float]:
    """(b) each query on rdflib's in-memory Dataset; None when it ran past ``timeout``.

    Also returns the load time and the RSS the Dataset needed.
    """
    import rdflib

    before, started = rss_mb(), time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(nquads), format="nquads")
    loaded, grown = time.perf_counter() - started, rss_mb() - before
    fork = multiprocessing.get_context("fork")  # the child shares the loaded Dataset, copy-on-write
    results: dict[str, tuple[float, int] | None] = {}
    for name, text in queries.items():
        receive, send = fork.Pipe(duplex=False)
        child = fork.Process(target=_rdflib_query, args=(dataset, text, send))
        child.start()
        results[name] = receive.recv() if receive.poll(timeout) else None
        child.kill()
        child.join()
    return results, loaded, grown


def export_in_child(store: Path, output: Path) -> dict[str, float]:
    """(c) export in a fresh process, to measure its own peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", _RSS_CODE, str(output), str(store)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def push_throughput(store: Path, workdir: Path) -> list[tuple[str, int, float, bool]]:
    """(d) triples/s pushing the whole store into a fresh local Oxigraph server, both protocols."""
    import socket

    results = []
    for method, path in (("gsp", "/store"), ("update", "/update")):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [
                str(oxigraph_binary()),
                "serve",
                "--location",
                str(workdir / f"oxigraph-{method}"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(f"http://127.0.0.1:{port}/query")
            summary = push(f"http://127.0.0.1:{port}{path}", store, method=method)
            results.append((method, summary.triples, summary.seconds, not summary.mismatches))
        finally:
            server.terminate()
            server.wait()
    return results


def _wait(url: str) -> None:
    import requests

    for _ in range(200):
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--compare-records", type=int, default=2_000, help="store size for rdflib vs pyoxigraph")
    parser.add_argument("--jobs", type=int, default=None, help="build's worker processes [default: cores]")
    parser.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds per rdflib query")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib's side of (b)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pubgraph-store-bench-"))
    full, small, compare = workdir / "store", workdir / "store-small", workdir / "store-compare"

    corpus = write_corpus(workdir / f"corpus-{args.records}.xml.gz", args.records)
    print(f"corpus: {args.records:,} records, {corpus.stat().st_size / 1e6:.0f} MB gzip ({corpus})")
    records, quads, seconds = load(corpus, full, args.jobs)
    print(
        f"(a) load into the store:   {seconds:8.1f} s  {records / seconds:>9,.0f} records/s  "
        f"{quads / seconds:>10,.0f} quads/s  ({quads:,} quads in the store)"
    )
    _, _, again = load(corpus, full, args.jobs)
    print(f"(a) reload of the same file: {again:6.1f} s  {again / seconds:>7.2f}x the first load (target <= 1x)")
    refresh = summaries_refresh(full)
    print(f"(a) query summaries computed again: {refresh:5.1f} s  ({refresh / seconds:.0%} of the first load)")
    plain = export_in_child(full, workdir / "export.nq")
    bulk_quads, bulk = oxigraph_bulk_load(workdir / "export.nq", workdir / "store-bulk")
    print(
        f"(a) baseline: Oxigraph bulk_load of the same {bulk_quads:,} quads: {bulk:6.1f} s  "
        f"{bulk_quads / bulk:>10,.0f} quads/s; build takes {seconds / bulk:.2f}x "
        f"(build converts the XML too); N-Quads export {plain['seconds']:.1f} s"
    )
    load(write_corpus(workdir / "corpus-small.xml.gz", args.records // 3, seed=7), small, args.jobs)
    load(write_corpus(workdir / "corpus-compare.xml.gz", args.compare_records, seed=11), compare, args.jobs)

    # Exports run while this process is small: Linux carries a process's peak RSS across
    # exec into the child it starts.
    big = export_in_child(full, workdir / "export.nq.gz")
    little = export_in_child(small, workdir / "export-small.nq.gz")
    print(
        f"(c) export to .nq.gz:      {big['seconds']:8.1f} s  {big['quads'] / big['seconds']:>10,.0f} quads/s  "
        f"peak RSS {big['rss_mb']:,.0f} MB ({big['quads']:,} quads) vs {little['rss_mb']:,.0f} MB "
        f"({little['quads']:,} quads)"
    )

    for method, triples, seconds, ok in push_throughput(full, workdir):
        print(
            f"(d) push by {method:<6}          {seconds:8.1f} s  {triples / seconds:>10,.0f} triples/s  "
            f"({triples:,} triples; counts {'verified' if ok else 'DIFFER'})"
        )

    full_plain = texts(query_params(full))
    on_full = oxigraph_times(full, full_plain), oxigraph_times(full, fast_texts(full_plain))
    small_plain = texts(query_params(small))
    on_small = oxigraph_times(small, small_plain), oxigraph_times(small, fast_texts(small_plain))
    plain = texts(query_params(compare))
    as_run = {**plain, **fast_texts(plain)}
    ours = oxigraph_times(compare, as_run)
    print(f"(e) peak RSS of this process so far: {rss_mb():,.0f} MB")
    theirs: dict[str, tuple[float, int] | None] = {}
    theirs_plain: dict[str, tuple[float, int] | None] = {}
    if not args.no_rdflib:
        nquads = workdir / "compare.nq"
        export_in_child(compare, nquads)
        theirs, loaded, grown = rdflib_times(nquads, as_run, args.rdflib_timeout)
        slow = {name: plain[name] for name in fast_texts(plain)}
        theirs_plain, _, _ = rdflib_times(nquads, slow, args.rdflib_timeout)
        print(f"    rdflib Dataset of {args.compare_records:,} records: loaded in {loaded:.0f} s, +{grown:,.0f} MB RSS")
    print_queries(args, ours, theirs, theirs_plain, on_small, on_full)


Times = dict[str, tuple[float, int]]


def print_queries(
    args: argparse.Namespace,
    ours: Times,
    theirs: dict[str, tuple[float, int] | None],
    theirs_plain: dict[str, tuple[float, int] | None],
    on_small: tuple[Times, Times],
    on_full: tuple[Times, Times],
) -> None:
    """(b) the table: per query, both engines on the small store, then pyoxigraph's plain
    and fast forms on a third of the full store and on the full store."""
    print(
        f"(b) saved queries: {args.compare_records:,} records on pyoxigraph and rdflib (the form run_query runs; "
        f"rdflib's plain form in brackets), and pyoxigraph on {args.records // 3:,} and {args.records:,} records "
        "(plain -> fast form)"
    )
    print(
        f"    {'query':<22} {'pyoxigraph':>11} {'rdflib':>11} {'ratio':>9} {'rows':>6}   "
        f"{'1/3 store':>17}   {'full store':>17} {'rows':>7}"
    )
    for name, (seconds, rows) in ours.items():
        other, mark = theirs.get(name), ""
        if other is None:
            limit = "-" if args.no_rdflib else f">{args.rdflib_timeout:.0f}s"
            ratio = "-" if args.no_rdflib else f">{args.rdflib_timeout / seconds:,.0f}x"
            rdflib_text = f"{limit:>11} {ratio:>9}"
        else:
            mark = "" if other[1] == rows else f"  (rdflib: {other[1]:,} rows)"
            rdflib_text = f"{other[0]:>10.3f}s {other[0] / seconds:>8,.1f}x"
        if name in theirs_plain:
            before = theirs_plain[name]
            mark += f"  (rdflib plain {'>' + str(args.rdflib_timeout) if before is None else f'{before[0]:.3f}'}s)"
        small, full = _forms(name, on_small), _forms(name, on_full)
        big_rows = on_full[0][name][1]
        print(f"    {name:<22} {seconds:>10.3f}s {rdflib_text} {rows:>6,}   {small}   {full} {big_rows:>7,}{mark}")


def _forms(name: str, times: tuple[Times, Times]) -> str:
    plain, fast = times[0][name][0], times[1].get(name, (None, 0))[0]
    return f"{plain:>7.3f}s" + (f" -> {fast:.3f}s" if fast is not None else " " * 10)


if __name__ == "__main__":
    main()
