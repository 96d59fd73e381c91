"""Benchmark: a 20,000-record harvest from the E-utilities against the rate limit.

NCBI allows 10 requests/s with an API key, so a search of N hits costs at least
(searches + N / 200 efetch pages) / 10 seconds whatever the client does. This runs
the replay server of the tests (``tests/eutils_server.py``) in a child process on
127.0.0.1, then, in this process:

  (a) baseline: the same number of bare GET requests, paced by the same limiter, no
      parsing, caching or writing: what the rate limit alone costs here
  (b) ``graph.pipeline.harvest.fetch`` of the whole search to .xml.gz, cold cache
  (c) the same fetch again, answered from the cache

and prints (b) as a ratio to (a) and to the theoretical minimum [target < 1.3x], and
the peak RSS of this process.

Run: ``python benchmarks/eutils.py [--records 20000]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]

from graph.pipeline.harvest import fetch  # noqa: E402
from graph.sources.eutils import EutilsClient, RateLimiter  # noqa: E402


def serve(records: int) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "eutils_server.py"), "--synthetic", str(records)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def baseline(url: str, count: int) -> float:
    """(a): ``count`` bare requests at the limiter's pace (fresh limiter: no shared debt)."""
    limiter, session = RateLimiter(10), requests.Session()
    started = time.perf_counter()
    for n in range(count):
        limiter.acquire()
        session.get(f"{url}esearch.fcgi", params={"db": "pubmed", "term": f"none{n}", "retmax": "0"}).raise_for_status()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    child, url = serve(args.records)
    try:
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work)
            client = EutilsClient(base_url=url, api_key="benchmark", cache_dir=folder / "cache")
            started = time.perf_counter()
            summary = fetch(folder / "harvest.xml.gz", query="synthetic", client=client)
            harvest = time.perf_counter() - started
            sent = sum(summary.manifest.requests.values())
            floor = baseline(url, sent)
            warm = EutilsClient(base_url=url, api_key="benchmark", cache_dir=folder / "cache")
            started = time.perf_counter()
            fetch(folder / "again.xml.gz", query="synthetic", client=warm)
            cached = time.perf_counter() - started
            size = (folder / "harvest.xml.gz").stat().st_size
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=10)
    minimum = sent / 10
    print(f"harvest: {summary.records:,} records, {size / 1e6:.1f} MB gzip, {summary.manifest.requests} requests")
    print(f"(a) baseline, {sent} bare requests at 10/s:  {floor:6.1f} s  (baseline)")
    print(
        f"(b) fetch, cold cache:                     {harvest:6.1f} s  = {harvest / floor:.2f}x baseline, "
        f"{harvest / minimum:.2f}x the {minimum:.1f} s minimum [target < 1.3x]"
    )
    print(
        f"(c) fetch again, from the cache:           {cached:6.1f} s  = {cached / floor:.2f}x baseline "
        f"({sum(warm.requests.values())} requests sent)"
    )
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
