"""Live PubMed: harvest records from NCBI's E-utilities into a file or the store.

:func:`fetch` writes efetch XML (plain or gzip, atomically) from a search or a PMID
list, with a ``.manifest.json`` beside it; :func:`build_query` loads a search into the
store; :func:`snowball` follows citation links from seed PMIDs for some hops, loads
every record reached, and adds the links ELink reported as ``cito:cites`` (see
:func:`~graph.model.links.elink_nquads`). Each writes a :class:`Manifest` into the provenance graph.
Functions return data and report progress through a :class:`LiveProgress`.

Searches of more than 9,999 hits are cut into publication-date slices (halving until
each fits), because esearch lists no more than that for one search.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from .._version import __version__
from ..errors import EutilsError, InputError, NoResultsError
from ..identifiers import normalize_pmid
from ..model import Iris
from ..model.provenance import harvest_activity_nquads
from ..outputs import atomic_output
from ..records import HarvestActivity
from ..sources.eutils import EutilsClient, FetchedPage, HistorySet, batched
from ..store.oxigraph import KnowledgeStore, store_path
from .loading import BuildSummary, Progress, build, refresh_stale_summaries

__all__ = [
    "LINK_NAMES",
    "HarvestSummary",
    "Hop",
    "LiveProgress",
    "Manifest",
    "build_query",
    "fetch",
    "snowball",
]

#: Direction -> ELink link name.
LINK_NAMES = {"references": "pubmed_pubmed_refs", "cited-by": "pubmed_pubmed_citedin"}
BATCH = 200
_EPOST_ABOVE = 1_000  # longer PMID lists go to the history server (epost) in chunks
_EPOST_CHUNK = 5_000
_FIRST_DAY = date(1700, 1, 1)  # before PubMed's oldest publication dates
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
_TAIL = b"</PubmedArticleSet>\n"


class LiveProgress(Protocol):
    """Receives progress of network work, one stage (search, hop, fetch) at a time."""

    def stage(self, name: str, total: int | None, unit: str) -> None: ...

    def advance(self, count: int) -> None: ...

    def stage_done(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Hop:
    """One snowball hop: PMIDs asked, distinct new PMIDs linked, added, cut by ``max``."""

    number: int
    asked: int
    linked: int
    added: int
    cut: int


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a harvest asked, when, and what came back; written to JSON and PROV-O."""

    command: str
    eutils_url: str
    started: float
    ended: float
    query: str | None = None
    seeds: tuple[str, ...] = ()
    depth: int | None = None
    directions: tuple[str, ...] = ()
    max_records: int | None = None
    records: int = 0
    expected: int = 0
    missing: tuple[str, ...] = ()
    links: int = 0
    hops: tuple[Hop, ...] = ()
    requests: dict[str, int] = field(default_factory=dict)
    cached: dict[str, int] = field(default_factory=dict)
    output: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        what = f"search {self.query!r}" if self.query is not None else f"{len(self.seeds)} PMID(s)"
        return f"pubgraph {self.command}: {what}"

    @property
    def link_names(self) -> tuple[str, ...]:
        return tuple(LINK_NAMES[d] for d in self.directions)

    def activity(self) -> HarvestActivity:
        """What the provenance graph records of this harvest."""
        return HarvestActivity(
            self.command,
            self.label,
            self.eutils_url,
            self.started,
            self.ended,
            records=self.records,
            missing=len(self.missing),
            requests=sum(self.requests.values()),
            cached=sum(self.cached.values()),
            utilities=tuple(sorted({*self.requests, *self.cached})),
            query=self.query,
            seeds=self.seeds,
            depth=self.depth,
            links=self.links,
            link_names=self.link_names,
            max_records=self.max_records,
        )

    def as_dict(self) -> dict[str, Any]:
        """What the manifest file says: times in ISO 8601 (UTC), the utilities used.

        >>> Manifest("fetch", "https://e/", 0.0, 60.0, requests={"esearch": 1}).as_dict()["ended"]
        '1970-01-01T00:01:00+00:00'
        """
        data = json.loads(json.dumps(asdict(self)))  # tuples as lists, as in the file
        data["started"], data["ended"] = (
            datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds") for t in (self.started, self.ended)
        )
        data["eutils"] = sorted({*self.requests, *self.cached})
        return {"tool": f"pubgraph {__version__}", **data}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class HarvestSummary:
    manifest: Manifest
    output: Path | None
    build: BuildSummary | None = None

    @property
    def records(self) -> int:
        return self.manifest.records

    @property
    def seconds(self) -> float:
        return self.manifest.ended - self.manifest.started


class _Quiet:
    def stage(self, name: str, total: int | None, unit: str) -> None: ...

    def advance(self, count: int) -> None: ...

    def stage_done(self) -> None: ...


# fetching ------------------------------------------------------------------------


def fetch(
    output: Path | str,
    *,
    query: str | None = None,
    pmids: Sequence[str] = (),
    client: EutilsClient | None = None,
    progress: LiveProgress | None = None,
    workers: int | None = None,
) -> HarvestSummary:
    """Search (or take PMIDs) and write every record's PubMed XML to ``output``.

    ``.gz`` outputs are gzip; the file appears only when complete, with
    ``output.manifest.json`` beside it. An interrupted run resumes from the cache.
    """
    out = Path(output)
    if not out.name.lower().removesuffix(".gz").endswith(".xml"):
        raise InputError(f"{out}: efetch output must be .xml or .xml.gz")
    started = time.time()
    with _client(client) as eutils:
        pages, expected, asked, notes = _plan(eutils, query, pmids, progress or _Quiet())
        got = _write(eutils, pages, expected, out, progress or _Quiet(), workers)
        manifest = _manifest(
            "fetch", eutils, started, got, expected, asked, notes, query=query, seeds=tuple(pmids), output=str(out)
        )
    _write_manifest(out, manifest)
    return HarvestSummary(manifest, out)


def build_query(
    query: str,
    store: Path | str | None = None,
    *,
    client: EutilsClient | None = None,
    base: str | None = None,
    jobs: int | None = None,
    progress: LiveProgress | None = None,
    build_progress: Progress | None = None,
    workers: int | None = None,
    mesh: Sequence[Path | str] = (),
) -> HarvestSummary:
    """Search PubMed and load every hit into the store, with the harvest's provenance.

    ``workers`` threads fetch pages (default: as many as requests allowed per second).
    """
    started = time.time()
    target = store_path(store)
    with _client(client) as eutils, _staging(target) as folder:
        pages, expected, asked, notes = _plan(eutils, query, (), progress or _Quiet())
        path = folder / f"esearch-{_digest(query)}.xml.gz"
        got = _write(eutils, pages, expected, path, progress or _Quiet(), workers)
        summary = build([path], target, base=base, jobs=jobs, progress=build_progress, mesh=mesh)
        manifest = _manifest("build", eutils, started, got, expected, asked, notes, query=query)
    _record(target, base, manifest)
    return HarvestSummary(manifest, None, summary)


def snowball(
    seeds: Sequence[str],
    store: Path | str | None = None,
    *,
    references: bool = True,
    cited_by: bool = False,
    depth: int = 1,
    max_records: int | None = None,
    save: Path | str | None = None,
    client: EutilsClient | None = None,
    base: str | None = None,
    jobs: int | None = None,
    progress: LiveProgress | None = None,
    build_progress: Progress | None = None,
    workers: int | None = None,
    mesh: Sequence[Path | str] = (),
) -> HarvestSummary:
    """Follow references and/or cited-by links from ``seeds`` for ``depth`` hops; load all.

    At most ``max_records`` PMIDs are fetched (seeds first, then hop by hop in link
    order). Every link ELink reported is loaded (see :func:`~graph.model.links.elink_nquads`), also to works
    the limit left unfetched, which stay stubs. ``save`` keeps the fetched XML.
    """
    directions = tuple(d for d, wanted in (("references", references), ("cited-by", cited_by)) if wanted)
    if not directions:
        raise InputError("snowball needs a direction: references, cited-by or both")
    ids = _pmids(seeds)
    if max_records is not None and max_records < len(ids):
        raise InputError(f"--max {max_records} is below the {len(ids)} seed PMIDs")
    started = time.time()
    report = progress or _Quiet()
    target = store_path(store)
    with _client(client) as eutils, _staging(target) as folder:
        reached, edges, hops = _walk(eutils, ids, directions, depth, max_records, report)
        pages, expected, asked, notes = _plan(eutils, None, reached, report)
        path = Path(save) if save else folder / f"snowball-{_digest(','.join(ids))}.xml.gz"
        got = _write(eutils, pages, expected, path, report, workers)
        summary = build([path], target, base=base, jobs=jobs, progress=build_progress, mesh=mesh)
        manifest = _manifest(
            "snowball",
            eutils,
            started,
            got,
            expected,
            asked,
            notes,
            seeds=ids,
            depth=depth,
            directions=directions,
            max_records=max_records,
            links=len(edges),
            hops=hops,
            output=str(path) if save else None,
        )
        with KnowledgeStore.open(target, iris=Iris.for_base(base)) as kg:
            kg.add_elink_links(edges, folder)
            refresh_stale_summaries(kg, folder)  # the links change citation counts
    _record(target, base, manifest)
    if save:
        _write_manifest(path, manifest)
    return HarvestSummary(manifest, Path(save) if save else None, summary)


def _walk(
    eutils: EutilsClient,
    seeds: list[str],
    directions: tuple[str, ...],
    depth: int,
    limit: int | None,
    report: LiveProgress,
) -> tuple[list[str], set[tuple[str, str]], tuple[Hop, ...]]:
    reached = dict.fromkeys(seeds)
    frontier, edges, hops = list(seeds), set[tuple[str, str]](), list[Hop]()
    for number in range(1, depth + 1):
        if not frontier:
            break
        asked = len(frontier)
        report.stage(f"hop {number}/{depth}: elink", asked * len(directions), "PMID")
        found: dict[str, None] = {}
        for direction in directions:
            for batch in batched(sorted(frontier, key=int), BATCH):
                for source, targets in eutils.links(batch, LINK_NAMES[direction]).items():
                    for other in targets:
                        edges.add((source, other) if direction == "references" else (other, source))
                        if other not in reached:
                            found.setdefault(other)
                report.advance(len(batch))
        report.stage_done()
        room = len(found) if limit is None else max(0, limit - len(reached))
        frontier = list(found)[:room]
        reached.update(dict.fromkeys(frontier))
        hops.append(Hop(number, asked, len(found), len(frontier), len(found) - len(frontier)))
    return list(reached), edges, tuple(hops)


@dataclass(frozen=True, slots=True)
class _Page:
    """One efetch request: PMIDs, or ``count`` records from ``start`` of a history set."""

    ids: tuple[str, ...] = ()
    history: HistorySet | None = None
    start: int = 0
    count: int = 0


def _plan(
    eutils: EutilsClient, query: str | None, pmids: Sequence[str], report: LiveProgress
) -> tuple[list[_Page], int, tuple[str, ...], list[str]]:
    """The efetch pages to ask for, the records expected, the PMIDs asked, and warnings."""
    if query is not None:
        if pmids:
            raise InputError("give a search query or PMIDs, not both")
        slices, notes = _slices(eutils, query, report)
        pages = [
            _Page(history=s, start=start, count=min(BATCH, s.count - start))
            for s in slices
            for start in range(0, s.count, BATCH)
        ]
        return pages, sum(s.count for s in slices), (), notes
    ids = _pmids(pmids)
    if len(ids) <= _EPOST_ABOVE:
        return [_Page(ids=tuple(batch)) for batch in batched(ids, BATCH)], len(ids), tuple(ids), []
    pages = []
    for chunk in batched(ids, _EPOST_CHUNK):
        history = eutils.post(chunk)
        starts = range(0, len(chunk), BATCH)
        pages += [_Page(history=history, start=start, count=min(BATCH, len(chunk) - start)) for start in starts]
    return pages, len(ids), tuple(ids), []


def _slices(eutils: EutilsClient, query: str, report: LiveProgress) -> tuple[list[HistorySet], list[str]]:
    """History-server sets of at most 9,999 hits that together hold every hit of ``query``."""
    report.stage("esearch", None, "search")
    whole = eutils.search(query, retmax=0)
    report.advance(1)
    if whole.count == 0:
        meaning = f" (PubMed read it as {whole.translation})" if whole.translation else ""
        raise NoResultsError(f"the search {query!r} matched no PubMed records{meaning}; check the query on pubmed.gov")
    if whole.count <= eutils.search_limit:
        report.stage_done()
        return [_history(whole.history, query)], []
    slices: list[HistorySet] = []
    pending = [(_FIRST_DAY, date(date.today().year + 1, 12, 31))]
    while pending:
        low, high = pending.pop(0)
        part = eutils.search(query, retmax=0, mindate=_day(low), maxdate=_day(high))
        report.advance(1)
        if part.count > eutils.search_limit:
            if low == high:
                raise EutilsError(
                    f"the search {query!r} has {part.count:,} records published on {_day(low)} alone, more than "
                    f"the {eutils.search_limit:,} esearch can list; narrow the query"
                )
            middle = low + (high - low) // 2
            pending[0:0] = [(low, middle), (middle + timedelta(days=1), high)]
        elif part.count:
            slices.append(_history(part.history, query))
    report.stage_done()
    total = sum(s.count for s in slices)
    notes = (
        []
        if total >= whole.count
        else [f"the date slices hold {total:,} of the {whole.count:,} hits (records without a usable publication date)"]
    )
    return slices, notes


def _history(history: HistorySet | None, query: str) -> HistorySet:
    if history is None:
        raise EutilsError(f"esearch for {query!r}: the reply has no WebEnv; is the E-utilities URL right?")
    return history


def _write(
    eutils: EutilsClient,
    pages: list[_Page],
    expected: int,
    out: Path,
    report: LiveProgress,
    workers: int | None,
) -> list[str]:
    """Fetch ``pages`` with a few threads (the shared limiter paces them), write in order."""
    report.stage("efetch", expected, "record")
    got: list[str] = []
    with atomic_output(out) as stream:
        stream.write(_HEAD)
        for page in _in_order(eutils, pages, workers or max(1, int(eutils.limiter.rate))):
            stream.write(page.body)
            got.extend(page.pmids)
            report.advance(len(page.pmids))
        stream.write(_TAIL)
    report.stage_done()
    return got


def _in_order(eutils: EutilsClient, pages: list[_Page], workers: int) -> Iterator[FetchedPage]:
    def run(page: _Page) -> FetchedPage:
        if page.history is None:
            return eutils.fetch(page.ids)
        return eutils.fetch_history(page.history, page.start, page.count)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="efetch")
    pending: list[Future[FetchedPage]] = []
    try:
        queue = iter(pages)
        for page in queue:
            pending.append(pool.submit(run, page))
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# links, provenance, manifest ---------------------------------------------------------


def _record(target: Path, base: str | None, manifest: Manifest) -> None:
    iris = Iris.for_base(base)
    with KnowledgeStore.open(target, iris=iris) as kg:
        kg.add_quads(harvest_activity_nquads(iris, manifest.activity()))


def _manifest(
    command: str,
    eutils: EutilsClient,
    started: float,
    got: list[str],
    expected: int,
    asked: tuple[str, ...],
    notes: list[str],
    **fields: Any,  # the command's own Manifest fields: query, seeds, depth, hops …
) -> Manifest:
    returned = set(got)
    missing = tuple(p for p in asked if p not in returned)
    if not asked and len(got) < expected:
        notes = [*notes, f"efetch returned {len(got):,} of the {expected:,} records the search counted"]
    return Manifest(
        command,
        eutils.base_url,
        started,
        time.time(),
        records=len(got),
        expected=expected,
        missing=missing,
        requests=dict(eutils.requests),
        cached=dict(eutils.cached),
        warnings=tuple(notes),
        **fields,
    )


def _write_manifest(output: Path, manifest: Manifest) -> None:
    path = output.with_name(output.name + ".manifest.json")
    temp = path.with_name(f".{path.name}.part")
    temp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(temp, path)


# helpers ---------------------------------------------------------------------------


def _client(given: EutilsClient | None) -> AbstractContextManager[EutilsClient]:
    """Use the caller's client as is, or make (and close) a default one."""
    return nullcontext(given) if given is not None else closing(EutilsClient())


@contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A scratch folder beside the store, removed afterwards."""
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pubgraph-fetch-", dir=parent) as folder:
        yield Path(folder)


def _pmids(values: Iterable[str]) -> list[str]:
    ids: dict[str, None] = {}
    for value in values:
        pmid = normalize_pmid(str(value))
        if pmid is None:
            raise InputError(f"{value!r} is not a PMID (digits, such as 28993889)")
        ids.setdefault(pmid)
    return list(ids)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _day(day: date) -> str:
    return day.strftime("%Y/%m/%d")
