"""Benchmark: files as the unit of work on Dask, against the single-process path.

Writes four baseline-size files (synthetic, as ``corpus.py`` writes them, each with its
own seed and PMID range) and converts them three ways, each in a fresh child process:

  (a) ``pubgraph convert`` with one process (``--jobs 1``), to one .nq.gz
  (b) ``convert --dask`` on a local cluster of 1 worker: scan, settle, one shard a file
  (c) the same with 2 workers

plus (d) the shard task alone, first pass included, in one process without Dask, and
(e) the first pass alone. Each round runs them in a rotated order (interleaved A/B: a
shared machine's load drifts), ``--repeat`` rounds, each run with the load average
beside it, and reports medians: records per CPU-second (the CPU of every process: the
scheduler and nannies in the client's process, the workers as its children) and per
wall-clock second, the per-file overhead of the shard task ((d) against (a)) and of
Dask as a whole ((b) less a cluster's start against (a)), the speed-up of (c) over (a),
the peak RSS of the largest process, and the shard sizes and quads per record that the
README's "All of PubMed" figures are computed from.

Run: ``python benchmarks/scale.py [--records 30000] [--files 4] [--repeat 2] [--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<!DOCTYPE PubmedArticleSet SYSTEM "http://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    "<PubmedArticleSet>\n"
)


def write_file(path: Path, records: int, seed: int, first_pmid: int) -> Path:
    """One baseline-like file: corpus.py's records, from its own seed and PMID range."""
    rng = random.Random(seed)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(_HEAD)
        for index in range(records):
            out.write(corpus._record(rng, first_pmid + index))
        out.write("</PubmedArticleSet>\n")
    return path


# CPU seconds of the process and of all its waited-for descendants (Dask's nannies wait
# for their workers): on a shared machine, CPU time is what a core-hour estimate needs.
_CPU = """
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
"""

_SINGLE = (
    """
import json, resource, sys, time, graph
"""
    + _CPU
    + """
t, c = time.perf_counter(), cpu()
s = graph.convert(sys.argv[1:-1], sys.argv[-1], jobs=1)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": cpu() - c, "records": s.records, "quads": s.quads,
    "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
)

_DASK = (
    """
import json, resource, sys, time
from graph.distributed import convert_shards
from graph.distributed.runner import _client
"""
    + _CPU
    + """
if __name__ == "__main__":
    workers, out, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    t, c = time.perf_counter(), cpu()
    with _client(None, workers):
        pass
    startup, startup_cpu = time.perf_counter() - t, cpu() - c
    t, c = time.perf_counter(), cpu()
    run = convert_shards(files, out, workers=workers)
    seconds, used = time.perf_counter() - t, cpu() - c
    assert not run.failures, run.failures
    print(json.dumps({"seconds": seconds, "cpu": used, "startup": startup, "startup_cpu": startup_cpu,
        "records": run.records, "quads": run.quads,
        "bytes": sum(e.bytes for e in run.entries), "record_quads": sum(e.record_quads for e in run.entries),
        "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
)

_SCAN = (
    """
import json, resource, sys, time
from pathlib import Path
from graph.distributed.plan import scan_file
"""
    + _CPU
    + """
t, c = time.perf_counter(), cpu()
for name in sys.argv[1:]:
    scan_file(Path(name))
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": cpu() - c}))
"""
)


_SHARD = (
    """
import json, resource, sys, time
from pathlib import Path
from graph.distributed.plan import scan_file
from graph.distributed.shard import write_shard
from graph.model import Iris
"""
    + _CPU
    + """
out, files = Path(sys.argv[1]), sys.argv[2:]
out.mkdir(exist_ok=True)
t, c, records = time.perf_counter(), cpu(), 0
for n, name in enumerate(files):
    scanned = scan_file(Path(name))
    current = scanned.pmids[scanned.versions != 0]
    records += write_shard(Path(name), out, f"{n}.nq.gz", None, current, Iris().base).records
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": cpu() - c, "records": records,
    "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "rss_children": 0}))
"""
)


def child(code: str, *args: str) -> dict[str, float]:
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": (load + os.getloadavg()[0]) / 2}


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds (the shard figures are the same in each)."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2, help="rounds, each in a rotated order")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pubgraph-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    files = []
    for n in range(args.files):
        path = workdir / f"pubmed99n{n + 1:04d}.xml.gz"
        if not path.exists():
            write_file(path, args.records, seed=100 + n, first_pmid=30_000_000 + n * 1_000_000)
        files.append(str(path))
    total = args.records * args.files
    size = sum(Path(f).stat().st_size for f in files)
    print(f"corpus: {args.files} files x {args.records:,} records, {size / 1e6:.0f} MB gzip ({workdir})")

    def dask(workers: int) -> dict[str, float]:
        out = workdir / f"shards-{workers}"
        shutil.rmtree(out, ignore_errors=True)
        return child(_DASK, str(workers), str(out), *files)

    def shard() -> dict[str, float]:
        shutil.rmtree(workdir / "shards-task", ignore_errors=True)
        return child(_SHARD, str(workdir / "shards-task"), *files)

    kinds = {
        "single": lambda: child(_SINGLE, *files, str(workdir / "single.nq.gz")),
        "task": shard,
        "dask1": lambda: dask(1),
        "dask2": lambda: dask(2),
        "scan": lambda: child(_SCAN, *files),
    }
    rounds: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    order = list(kinds)
    for turn in range(args.repeat):
        for kind in order[turn % len(order) :] + order[: turn % len(order)]:
            rounds[kind].append(kinds[kind]())
            run = rounds[kind][-1]
            figures = f"{run['cpu']:7.1f} CPU-s {run['seconds']:7.1f} s wall, load {run['load']:.1f}"
            print(f"  round {turn + 1}: {kind:<6} {figures}", flush=True)
    single, task, scan = (median_run(rounds[kind]) for kind in ("single", "task", "scan"))
    runs = {1: median_run(rounds["dask1"]), 2: median_run(rounds["dask2"])}

    def line(label: str, run: dict[str, float]) -> str:
        peak = max(run["rss_self"], run["rss_children"]) / 1024
        return (
            f"{label:<34} {run['records'] / run['seconds']:>7,.0f} records/s wall ({run['seconds']:>6.1f} s), "
            f"{run['records'] / run['cpu']:>6,.0f} records per CPU-second; peak RSS {peak:,.0f} MB; "
            f"load {run['load']:.1f}"
        )

    print(f"medians of {args.repeat} round(s):")
    print(line("(a) convert --jobs 1 (one process)", single))
    print(line("(d) shard task, no Dask", task))
    print(line("(b) --dask, 1 worker", runs[1]))
    print(line("(c) --dask, 2 workers", runs[2]))
    print(
        f"speed-up, wall: (c) over (a) {single['seconds'] / runs[2]['seconds']:.2f}x, "
        f"(c) over (b) {runs[1]['seconds'] / runs[2]['seconds']:.2f}x"
    )
    print(
        f"the shard task against (a), first pass included: CPU {task['cpu'] / single['cpu'] - 1:+.1%}, "
        f"wall {task['seconds'] / single['seconds'] - 1:+.1%}"
    )
    # The cluster's start is paid once a run, not a file; its CPU is measured apart.
    work = runs[1]["cpu"] - runs[1]["startup_cpu"]
    overhead = work / single["cpu"] - 1
    print(
        f"Dask's overhead in CPU, (b) less a cluster's start against (a): {overhead:+.1%} "
        f"({(work - single['cpu']) / args.files:+.2f} CPU-s a file) [target < 5%]; the scan pass is "
        f"{scan['cpu'] / args.files:.2f} CPU-s a file ({scan['cpu'] / single['cpu']:.1%} of (a)); "
        f"a local cluster starts in {runs[1]['startup']:.1f} s ({runs[1]['startup_cpu']:.1f} CPU-s)"
    )
    run = runs[2]
    print(
        f"shards: {run['bytes'] / args.files / 1e6:,.0f} MB a file of {args.records:,} records, "
        f"{run['quads'] / total:,.0f} quads a record ({run['record_quads'] / total:,.0f} in the record's own graph), "
        f"{run['bytes'] / run['quads']:.1f} bytes a quad gzip"
    )
    print(json.dumps({"rounds": rounds, "records": total}))


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark wall time: {time.perf_counter() - started:.0f} s")
