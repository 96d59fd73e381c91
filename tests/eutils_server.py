"""A local stand-in for NCBI's E-utilities, for tests and benchmarks (127.0.0.1 only).

It answers esearch (history server, date ranges, the 9,999 cap), efetch (ids or
WebEnv pages), elink (one LinkSet per ``id=``) and epost from records it generates:
the invented citation network in ``tests/data/eutils/network.json`` and, on request,
any number of synthetic records. Replies are shaped like NCBI's (see the real ones in
``../shared/pubmed-samples/eutils/``). Faults can be injected per utility: HTTP 429
with Retry-After, 5xx, replies cut short, slow replies, connection resets, malformed
XML, ``<ERROR>`` bodies and forgotten WebEnvs. Every request is logged with its time.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

NETWORK = Path(__file__).resolve().parent / "data" / "eutils" / "network.json"
_IDENTITY = frozenset({"tool", "email", "api_key"})
_HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n'


@dataclass
class Record:
    pmid: str
    day: date
    title: str
    refs: list[str] = field(default_factory=list)
    reference_list: list[str] = field(default_factory=list)

    def xml(self) -> str:
        references = "".join(
            f'<Reference><Citation>Cited work {p}.</Citation><ArticleIdList><ArticleId IdType="pubmed">{p}'
            "</ArticleId></ArticleIdList></Reference>"
            for p in self.reference_list
        )
        ref_list = f"<ReferenceList>{references}</ReferenceList>" if references else ""
        return (
            f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{self.pmid}</PMID>'
            '<Article PubModel="Print"><Journal><ISSN IssnType="Print">0940-6719</ISSN>'
            f'<JournalIssue CitedMedium="Print"><Volume>{self.day.year % 40}</Volume><PubDate><Year>{self.day.year}'
            f"</Year><Month>{self.day:%b}</Month><Day>{self.day.day:02d}</Day></PubDate></JournalIssue>"
            "<Title>Journal of replayed records</Title><ISOAbbreviation>J Replay</ISOAbbreviation></Journal>"
            f"<ArticleTitle>{escape(self.title)}</ArticleTitle><Pagination><MedlinePgn>1-9</MedlinePgn></Pagination>"
            f'<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Author{self.pmid}</LastName>'
            "<ForeName>Ann</ForeName><Initials>A</Initials></Author></AuthorList><Language>eng</Language>"
            '<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>'
            "</PublicationTypeList></Article><MedlineJournalInfo><Country>Germany</Country>"
            "<MedlineTA>J Replay</MedlineTA><NlmUniqueID>9999999</NlmUniqueID></MedlineJournalInfo>"
            "</MedlineCitation><PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
            f'<ArticleId IdType="pubmed">{self.pmid}</ArticleId></ArticleIdList>{ref_list}</PubmedData>'
            "</PubmedArticle>\n"
        )


def network_records() -> list[Record]:
    """The invented citation network of ``tests/data/eutils/network.json``."""
    data = json.loads(NETWORK.read_text(encoding="utf-8"))
    return [
        Record(r["pmid"], date.fromisoformat(r["date"]), r["title"], r["refs"], r["reference_list"])
        for r in data["records"]
    ]


def synthetic_records(count: int, first_pmid: int = 1_000_000, title: str = "Synthetic record") -> list[Record]:
    """``count`` records spread evenly over 2000-2023, titled ``title`` plus a number."""
    span = (date(2023, 12, 31) - date(2000, 1, 1)).days
    return [
        Record(str(first_pmid + n), date(2000, 1, 1) + timedelta(days=n * span // max(count, 1)), f"{title} {n}.")
        for n in range(count)
    ]


@dataclass
class Fault:
    """Misbehave on the next ``times`` requests to ``utility`` (any utility when None).

    kinds: ``429`` (with ``retry_after``), ``500``/``502``/``503``, ``cut`` (body cut
    short), ``slow`` (wait ``seconds`` first), ``reset`` (close without answering),
    ``malformed`` (broken XML), ``error`` (200 with ``<ERROR>message</ERROR>``),
    ``json-error`` (``{"error": message}``), ``forget`` (drop every WebEnv first).
    """

    kind: str
    utility: str | None = None
    times: int = 1
    retry_after: str | None = None
    seconds: float = 0.0
    message: str = "Invalid db name specified: pubmedx"


@dataclass(frozen=True)
class Seen:
    time: float
    utility: str
    method: str
    params: tuple[tuple[str, str], ...]

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What the request asked, without the caller's identity: equal keys are repeats."""
        return self.utility, tuple(p for p in self.params if p[0] not in _IDENTITY)


class EutilsServer:
    """The replay server; use as a context manager, or ``start()``/``stop()``."""

    def __init__(self, records: list[Record] | None = None, search_limit: int = 9_999) -> None:
        self.records = {r.pmid: r for r in (records if records is not None else network_records())}
        self.cited_by: dict[str, list[str]] = {}
        for record in self.records.values():
            for cited in record.refs:
                self.cited_by.setdefault(cited, []).append(record.pmid)
        self.search_limit = search_limit
        self.faults: list[Fault] = []
        self.log: list[Seen] = []
        self.histories: dict[str, list[str]] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/entrez/eutils/"

    def start(self) -> EutilsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> EutilsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def seen(self, utility: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.log if utility is None or s.utility == utility]

    # what the handler calls -----------------------------------------------------------

    def _record_request(self, utility: str, method: str, params: list[tuple[str, str]]) -> Fault | None:
        with self._lock:
            self.log.append(Seen(time.monotonic(), utility, method, tuple(params)))
            for fault in self.faults:
                if fault.times > 0 and fault.utility in (None, utility):
                    fault.times -= 1
                    return fault
        return None

    def answer(self, utility: str, params: list[tuple[str, str]]) -> str:
        args: dict[str, list[str]] = {}
        for name, value in params:
            args.setdefault(name, []).append(value)
        one = {name: values[0] for name, values in args.items()}
        if one.get("db", one.get("dbfrom")) != "pubmed":
            return f"{_HEAD}<eSearchResult><ERROR>Invalid db name specified: {one.get('db')}</ERROR></eSearchResult>\n"
        method = getattr(self, f"_{utility}", None)
        if method is None:
            return f"{_HEAD}<ERROR>Unknown utility {utility}</ERROR>\n"
        return method(one, args)

    def _esearch(self, one: dict[str, str], args: dict[str, list[str]]) -> str:
        ids = self._search(one["term"], one.get("mindate"), one.get("maxdate"))
        start, size = int(one.get("retstart", 0)), int(one.get("retmax", 20))
        if start + min(size, 1) > self.search_limit:
            return f"{_HEAD}<eSearchResult><ERROR>Search Backend failed: retstart too large</ERROR></eSearchResult>\n"
        history = ""
        if one.get("usehistory") == "y":
            webenv = self._remember(ids)
            history = f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>"
        listed = "".join(f"<Id>{p}</Id>\n" for p in ids[start : min(start + size, self.search_limit)])
        if not ids:
            return (
                f"{_HEAD}<eSearchResult><Count>0</Count><RetMax>0</RetMax><RetStart>0</RetStart>{history}<IdList/>"
                f"<TranslationSet/><QueryTranslation>({escape(one['term'])}[All Fields])</QueryTranslation>"
                f"<ErrorList><PhraseNotFound>{escape(one['term'])}</PhraseNotFound></ErrorList>"
                "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList></eSearchResult>\n"
            )
        return (
            f"{_HEAD}<eSearchResult><Count>{len(ids)}</Count><RetMax>{len(listed and ids[start : start + size])}"
            f"</RetMax><RetStart>{start}</RetStart>{history}<IdList>\n{listed}</IdList><TranslationSet/>"
            f"<QueryTranslation>{escape(one['term'])}[All Fields]</QueryTranslation></eSearchResult>\n"
        )

    def _efetch(self, one: dict[str, str], args: dict[str, list[str]]) -> str:
        if "WebEnv" in one:
            with self._lock:
                ids = self.histories.get(one["WebEnv"])
            if ids is None:
                missing = f"Unable to obtain query #{one.get('query_key')}"
                return f"{_HEAD}<eFetchResult><ERROR>{missing}</ERROR></eFetchResult>\n"
            start, size = int(one.get("retstart", 0)), int(one.get("retmax", 20))
            ids = ids[start : start + size]
        else:
            ids = one.get("id", "").split(",")
        body = "".join(self.records[p].xml() for p in ids if p in self.records)
        return (
            f'{_HEAD}<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
            f'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n'
        )

    def _epost(self, one: dict[str, str], args: dict[str, list[str]]) -> str:
        webenv = self._remember(one["id"].split(","))
        return f"{_HEAD}<ePostResult>\n\t<QueryKey>1</QueryKey>\n\t<WebEnv>{webenv}</WebEnv>\n</ePostResult>\n"

    def _elink(self, one: dict[str, str], args: dict[str, list[str]]) -> str:
        linkname = one["linkname"]
        table = {p: r.refs for p, r in self.records.items()} if linkname.endswith("_refs") else self.cited_by
        sets = []
        for pmid in args.get("id", []):
            links = "".join(f"<Link><Id>{p}</Id></Link>" for p in table.get(pmid, []))
            linkset_db = (
                f"<LinkSetDb><DbTo>pubmed</DbTo><LinkName>{linkname}</LinkName>{links}</LinkSetDb>" if links else ""
            )
            sets.append(f"<LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>{pmid}</Id></IdList>{linkset_db}</LinkSet>")
        return f"{_HEAD}<eLinkResult>\n{''.join(sets)}\n</eLinkResult>\n"

    def _search(self, term: str, mindate: str | None, maxdate: str | None) -> list[str]:
        words = [w for w in re.sub(r"\[[^\]]*\]|\bAND\b", " ", term).lower().split() if w]
        low = _date(mindate) if mindate else date.min
        high = _date(maxdate) if maxdate else date.max
        found = [
            r.pmid for r in self.records.values() if all(w in r.title.lower() for w in words) and low <= r.day <= high
        ]
        return sorted(found, key=int, reverse=True)  # newest first, as PubMed lists them

    def _remember(self, ids: list[str]) -> str:
        webenv = f"MCID_{next(self._counter):024x}"
        with self._lock:
            self.histories[webenv] = ids
        return webenv


def _date(text: str) -> date:
    parts = [int(p) for p in text.split("/")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def _handler(server: EutilsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._serve(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            self._serve(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))

        def _serve(self, params: list[tuple[str, str]]) -> None:
            utility = urlsplit(self.path).path.rsplit("/", 1)[-1].removesuffix(".fcgi")
            if utility == "log":  # for a server in another process: its request times
                log = [(s.time, s.utility, s.method) for s in server.seen()]
                self._send(200, json.dumps(log).encode(), None)
                return
            fault = server._record_request(utility, self.command, params)
            if fault is not None and fault.kind == "forget":
                with server._lock:
                    server.histories.clear()
                fault = None
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.seconds)
            if fault is not None and fault.kind == "reset":
                self.close_connection = True
                return
            if fault is not None and fault.kind.isdigit():
                self._send(int(fault.kind), b"<html>busy</html>", fault.retry_after)
                return
            body = server.answer(utility, params).encode()
            if fault is not None and fault.kind == "malformed":
                body = body[: len(body) // 2] + b"<<broken"
            elif fault is not None and fault.kind == "error":
                body = f"{_HEAD}<eFetchResult><ERROR>{fault.message}</ERROR></eFetchResult>\n".encode()
            elif fault is not None and fault.kind == "json-error":
                body = json.dumps({"error": fault.message, "count": "11", "limit": "10"}).encode()
            if fault is not None and fault.kind == "cut":
                self._send(200, body, None, cut=True)
                return
            self._send(200, body, None)

        def _send(self, status: int, body: bytes, retry_after: str | None, cut: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            if retry_after:
                self.send_header("Retry-After", retry_after)
            if cut:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body[: len(body) // 3] if cut else body)

    return Handler


def windows(times: list[float], rate: int, period: float = 1.0) -> Iterator[float]:
    """For each run of ``rate + 1`` consecutive requests, the seconds it spans.

    A limiter that keeps to ``rate`` per ``period`` makes every span at least ``period``.
    """
    ordered = sorted(times)
    for first, last in zip(ordered, ordered[rate:], strict=False):
        yield last - first


def main() -> None:
    """Serve ``--synthetic N`` records (plus the network) until stdin closes; print the URL."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--synthetic", type=int, default=0)
    args = parser.parse_args()
    with EutilsServer(network_records() + synthetic_records(args.synthetic)) as server:
        print(server.url, flush=True)
        sys.stdin.read()


@contextmanager
def server_process(synthetic: int = 0) -> Iterator[str]:
    """The server in a child process, so its clock is not held up by the client's threads.

    Yields its URL; ``url + "log"`` answers the request log as JSON (time, utility, method).
    """
    import subprocess
    import sys

    command = [sys.executable, __file__, "--synthetic", str(synthetic)]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        yield child.stdout.readline().strip()
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=10)


if __name__ == "__main__":
    main()
