"""A client for NCBI's E-utilities (esearch, efetch, elink, epost) that keeps NCBI's rules.

The rules (https://www.ncbi.nlm.nih.gov/books/NBK25497/, "Usage Guidelines"): every
request names ``tool`` and ``email``, and ``api_key`` when there is one; at most 3
requests per second without a key and 10 with one, counted per key (or address), so
one limiter per host and key is shared by every client and thread of the process.
Errors come back as HTTP 200 with an ``<ERROR>`` element or a JSON ``error``, or as
429 when over the rate; this client retries what may pass on a second try (429, 5xx,
time-outs, broken or malformed responses) with exponential backoff, honouring
``Retry-After``, telling ``on_retry`` before each wait, and raises
:class:`~graph.errors.EutilsError` naming the request. What no retry mends (a host
name that does not resolve: no network; a refused connection) fails at once, saying so.
A silent server is given up after 20 s, a body that does not arrive whole in 45 s too.
The API key never appears in a message (:func:`graph.redact.redact`).

Raw responses are kept in a requests-cache SQLite file (``eutils.sqlite`` in
:func:`user_cache_dir` unless told otherwise), keyed by the request without
the ``api_key``/``email``/``tool`` parameters (which are also left out of what is
stored), so an interrupted harvest resumes without asking NCBI again. History-server
pages are keyed by the search or id list that made the ``WebEnv``, not the ``WebEnv``
itself, which changes every time.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import requests
from lxml import etree

from ..errors import EutilsError
from ..http import PatientAdapter, RetryNotice, RetryPolicy, announce_retry, classify
from ..identifiers import normalize_pmid
from ..redact import redact, redacting

__all__ = [
    "DEFAULT_CACHE",
    "DEFAULT_URL",
    "MAX_GET_IDS",
    "NCBI_RETRY",
    "SEARCH_LIMIT",
    "EutilsClient",
    "FetchedPage",
    "HistorySet",
    "RateLimiter",
    "RetryPolicy",
    "SearchResult",
    "batched",
    "shared_limiter",
    "user_cache_dir",
]

DEFAULT_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
TOOL = "pubgraph"
MAX_GET_IDS = 200  # NCBI: "more than about 200 UIDs ... should be made using the HTTP POST method"
SEARCH_LIMIT = 9_999  # esearch on PubMed returns at most the first 9,999 hits of a search
#: NCBI answers 500 now and then to requests that pass on a second try; a retry waits
#: 1, 2, 4, 8, 16 s (or what Retry-After says).
NCBI_RETRY = RetryPolicy(retries=5, backoff=1.0, statuses=frozenset({429, 500, 502, 503, 504}))
_TRANSIENT_RE = re.compile(r"rate limit|backend|temporar|unavailable|timed? ?out|try again|busy", re.I)
_EXPIRED_RE = re.compile(r"unable to obtain query|invalid webenv|webenv.*expired|query key", re.I)
_SET_HEADER = "X-Pubgraph-Set"
_IDENTITY = frozenset({"api_key", "email", "tool"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
_ROOT_OPEN_RE = re.compile(rb"<PubmedArticleSet\b[^>]*?(/?)>")
_log = logging.getLogger(__name__)


class _UserCache:
    """``cache_dir``'s default: :func:`user_cache_dir`, looked up when a client is made."""

    def __repr__(self) -> str:
        return "DEFAULT_CACHE"


#: The default ``cache_dir`` of :class:`EutilsClient`: the user's cache directory (see
#: :func:`user_cache_dir`; the command line maps ``PUBGRAPH_CACHE_DIR`` to ``--cache-dir``).
DEFAULT_CACHE: Final = _UserCache()


def user_cache_dir() -> Path:
    """Where E-utilities answers are kept unless a ``cache_dir`` is given: the user's cache
    directory for pubgraph (``~/.cache/pubgraph`` on Linux, as platformdirs finds it on each
    system), never the directory a command runs in.

    >>> isinstance(user_cache_dir(), Path)
    True
    """
    import platformdirs

    return platformdirs.user_cache_path("pubgraph", appauthor=False)


class RateLimiter:
    """Spaces request starts evenly, across threads: at most ``rate`` per ``period``.

    ``margin`` widens the spacing so that jitter between here and the server never
    lets ``rate + 1`` requests arrive within one period.

    >>> limiter = RateLimiter(10, margin=0.0)
    >>> limiter.interval
    0.1
    """

    def __init__(self, rate: float, period: float = 1.0, margin: float = 0.1) -> None:
        self.rate = rate
        self.interval = period * (1 + margin) / rate
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for this caller's slot; return the seconds waited."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)
        return start - now


_LIMITERS: dict[tuple[str, str, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def shared_limiter(base_url: str, api_key: str | None, rate: float | None = None) -> RateLimiter:
    """The process-wide limiter of one E-utilities host and key (3/s, or 10/s with a key).

    >>> shared_limiter("https://x.org/", None) is shared_limiter("https://x.org/", None)
    True
    """
    chosen = rate or (10.0 if api_key else 3.0)
    key = (urlsplit(base_url).netloc, api_key or "", chosen)
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault(key, RateLimiter(chosen))


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One esearch answer: the hit count, the ids it listed, and its history-server set."""

    term: str
    count: int
    ids: tuple[str, ...]
    history: HistorySet | None
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class HistorySet:
    """A result set kept on NCBI's history server, with the request that made it."""

    webenv: str
    query_key: str
    count: int
    utility: str
    params: tuple[tuple[str, str], ...]

    @property
    def identity(self) -> str:
        """Stable across re-runs, unlike ``webenv``: what cached pages are keyed by."""
        text = self.utility + "?" + "&".join(f"{k}={v}" for k, v in self.params)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One efetch response: the records' XML without the root element, and their PMIDs."""

    body: bytes
    pmids: tuple[str, ...]


class _LimitedAdapter(PatientAdapter):
    """Takes a rate-limit slot for each request that really goes to the network.

    Mounted under the cache, so answers from the cache never wait.
    """

    def __init__(self, limiter: RateLimiter, total: float) -> None:
        super().__init__(total, pool_connections=4, pool_maxsize=16)
        self.limiter = limiter

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.limiter.acquire()
        return super().send(request, **kwargs)


class _Retry(Exception):
    """A response that may be fine on another try."""


class _Expired(EutilsError):
    """The history server no longer knows a WebEnv."""


class EutilsClient:
    """Talks to the E-utilities: search, fetch, link and post, with cache and retries.

    ``api_key`` and ``email`` are sent when given; ``base_url`` defaults to NCBI's (the
    command line maps ``NCBI_API_KEY``, ``NCBI_EMAIL`` and ``PUBGRAPH_EUTILS_URL`` to
    them). ``cache_dir`` defaults to :func:`user_cache_dir`; ``cache_dir=None`` keeps
    no cache; ``refresh`` asks
    NCBI again and replaces what the cache holds. ``session`` may be any
    :class:`requests.Session` (a plain one disables caching). ``on_response(utility,
    from_cache)`` is called after every good response, ``on_retry`` before each retry's
    wait. User-info in ``base_url`` (a mirror's password) is sent as basic auth and kept
    out of ``base_url``, so manifests and provenance never hold it.

    >>> client = EutilsClient(base_url="http://127.0.0.1:9/", cache_dir=None)
    >>> client.limiter.rate, client.url("efetch")
    (3.0, 'http://127.0.0.1:9/efetch.fcgi')
    >>> EutilsClient(base_url="http://me:pw@127.0.0.1:9/", cache_dir=None).base_url
    'http://127.0.0.1:9/'
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        email: str | None = None,
        base_url: str | None = None,
        cache_dir: Path | str | _UserCache | None = DEFAULT_CACHE,
        refresh: bool = False,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
        rate: float | None = None,
        on_response: Callable[[str, bool], None] | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        search_limit: int = SEARCH_LIMIT,
    ) -> None:
        self.api_key = api_key or None
        self.email = email or None
        base = base_url or DEFAULT_URL
        self.base_url, login = _without_login(base if base.endswith("/") else base + "/")
        self.secrets = tuple(s for s in (self.api_key, *login, ":".join(login)) if s)
        self.retry = retry or NCBI_RETRY
        self.refresh = refresh
        self.on_response = on_response
        self.on_retry = on_retry
        self.search_limit = search_limit  # hits one esearch can list; smaller only in tests
        self.limiter = shared_limiter(self.base_url, self.api_key, rate)
        if isinstance(cache_dir, _UserCache):
            cache_dir = user_cache_dir()
        self.cache_path = Path(cache_dir) / "eutils.sqlite" if cache_dir is not None and session is None else None
        self.session = session or _session(self.cache_path)
        if login:
            self.session.auth = requests.auth.HTTPBasicAuth(*login)
        self.session.mount(self.base_url, _LimitedAdapter(self.limiter, self.retry.total))
        self.requests: Counter[str] = Counter()  # sent to the network, per utility
        self.cached: Counter[str] = Counter()  # answered from the cache, per utility
        self._lock = threading.RLock()  # _renew holds it while its request is counted
        self._renewed: dict[str, HistorySet] = {}

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, utility: str) -> str:
        return f"{self.base_url}{utility}.fcgi"

    # the four utilities ------------------------------------------------------------

    def search(
        self,
        term: str,
        *,
        retmax: int | None = None,
        retstart: int = 0,
        mindate: str | None = None,
        maxdate: str | None = None,
    ) -> SearchResult:
        """esearch on PubMed with the history server (``usehistory=y``).

        Dates are ``YYYY/MM/DD`` publication dates (``datetype=pdat``), both or neither.
        """
        params = [
            ("db", "pubmed"),
            ("term", term),
            ("usehistory", "y"),
            ("retmax", str(self.search_limit if retmax is None else retmax)),
            ("retstart", str(retstart)),
        ]
        if mindate and maxdate:
            params += [("datetype", "pdat"), ("mindate", mindate), ("maxdate", maxdate)]
        where = f" published {mindate}-{maxdate}" if mindate else ""
        root = self._xml("esearch", params, f"esearch for {term!r}{where}")
        count = root.findtext("Count")
        if count is None or not count.isdigit():
            raise EutilsError(f"esearch for {term!r}{where}: the reply has no <Count>; is the E-utilities URL right?")
        history = None
        if root.findtext("WebEnv"):
            history = HistorySet(
                root.findtext("WebEnv", ""),
                root.findtext("QueryKey", "1"),
                int(count),
                "esearch",
                tuple(p for p in params if p[0] not in ("retmax", "retstart")),
            )
        ids = tuple(i.text.strip() for i in root.iterfind("IdList/Id") if i.text)
        return SearchResult(term, int(count), ids, history, root.findtext("QueryTranslation"))

    def fetch(self, pmids: Sequence[str]) -> FetchedPage:
        """efetch PubMed XML of these PMIDs: GET up to 200 ids, POST beyond."""
        ids = ",".join(pmids)
        what = f"efetch of {len(pmids)} PMID(s) {_span(pmids)}"
        params = [("db", "pubmed"), ("id", ids), ("rettype", "xml"), ("retmode", "xml")]
        return self._records(params, what, post=len(pmids) > MAX_GET_IDS)

    def fetch_history(self, history: HistorySet, retstart: int, retmax: int) -> FetchedPage:
        """efetch records ``retstart`` … ``retstart + retmax - 1`` of a history-server set."""
        for _ in range(2):
            current = self._renewed.get(history.identity, history)
            params = [
                ("db", "pubmed"),
                ("WebEnv", current.webenv),
                ("query_key", current.query_key),
                ("retstart", str(retstart)),
                ("retmax", str(retmax)),
                ("rettype", "xml"),
                ("retmode", "xml"),
            ]
            what = f"efetch of records {retstart + 1}-{retstart + retmax} of {history.utility} set {current.webenv}"
            try:
                return self._records(params, what, headers={_SET_HEADER: history.identity})
            except _Expired:
                self._renew(current)
        raise EutilsError(f"efetch: the history server keeps forgetting set {history.webenv}; try again later")

    def post(self, pmids: Sequence[str]) -> HistorySet:
        """epost these PMIDs to the history server (always POST: the list may be long)."""
        params = [("db", "pubmed"), ("id", ",".join(pmids))]
        return self._post(params, len(pmids), f"epost of {len(pmids)} PMID(s) {_span(pmids)}")

    def links(self, pmids: Sequence[str], linkname: str) -> dict[str, tuple[str, ...]]:
        """elink each PMID separately (one ``id=`` per PMID) to its ``linkname`` neighbours.

        ``pubmed_pubmed_refs``: the works it cites; ``pubmed_pubmed_citedin``: the works
        citing it. Every PMID asked is a key, with an empty tuple when it has no links.
        """
        params = [("dbfrom", "pubmed"), ("db", "pubmed"), ("linkname", linkname), ("cmd", "neighbor")]
        params += [("id", pmid) for pmid in pmids]
        what = f"elink {linkname} of {len(pmids)} PMID(s) {_span(pmids)}"
        root = self._xml("elink", params, what, post=len(pmids) > MAX_GET_IDS)
        found: dict[str, tuple[str, ...]] = {pmid: () for pmid in pmids}
        for linkset in root.iterfind("LinkSet"):
            source = normalize_pmid(linkset.findtext("IdList/Id"))
            if source is None:
                continue
            # What ELink says is data too: only PMIDs become links (and IRIs).
            targets = [
                target
                for db in linkset.iterfind("LinkSetDb")
                if db.findtext("LinkName") == linkname
                for link in db.iterfind("Link/Id")
                if (target := normalize_pmid(link.text)) is not None and target != source
            ]
            found[source] = tuple(dict.fromkeys(targets))
        return found

    # requests ----------------------------------------------------------------------

    def _renew(self, stale: HistorySet) -> None:
        with self._lock:
            if self._renewed.get(stale.identity, stale).webenv != stale.webenv:
                return  # another thread renewed it already
            if stale.utility == "epost":
                ids = dict(stale.params)["id"].split(",")
                fresh = self._post(list(stale.params), len(ids), f"epost of {len(ids)} PMID(s) again", force=True)
            else:
                root = self._xml("esearch", [*stale.params, ("retmax", "0")], "esearch again", force=True)
                fresh = HistorySet(
                    root.findtext("WebEnv", ""),
                    root.findtext("QueryKey", "1"),
                    stale.count,
                    stale.utility,
                    stale.params,
                )
            self._renewed[stale.identity] = fresh

    def _post(self, params: list[tuple[str, str]], count: int, what: str, force: bool = False) -> HistorySet:
        root = self._xml("epost", params, what, post=True, force=force)
        webenv = root.findtext("WebEnv")
        if not webenv:
            raise EutilsError(f"{what}: the reply has no <WebEnv>")
        return HistorySet(webenv, root.findtext("QueryKey", "1"), count, "epost", tuple(params))

    def _records(self, params: list[tuple[str, str]], what: str, **kwargs: Any) -> FetchedPage:
        def check(content: bytes) -> FetchedPage:
            root = _parse(content, what)
            if root.tag != "PubmedArticleSet":
                raise EutilsError(f"{what}: expected <PubmedArticleSet>, got <{root.tag}>")
            pmids = tuple(p.text.strip() for p in root.iterfind("*/*/PMID") if p.text)
            return FetchedPage(_inner(content), pmids)

        page: FetchedPage = self._call("efetch", params, what, check, **kwargs)
        return page

    def _xml(self, utility: str, params: list[tuple[str, str]], what: str, **kwargs: Any) -> etree._Element:
        return self._call(utility, params, what, lambda content: _parse(content, what), **kwargs)

    def _call(
        self,
        utility: str,
        params: list[tuple[str, str]],
        what: str,
        check: Callable[[bytes], Any],
        *,
        post: bool = False,
        headers: dict[str, str] | None = None,
        force: bool = False,
    ) -> Any:
        params = [*params, ("tool", TOOL)]
        params += [("email", self.email)] if self.email else []
        params += [("api_key", self.api_key)] if self.api_key else []
        with redacting(self.secrets):
            return self._attempts(utility, params, what, check, post, headers, force)

    def _attempts(
        self,
        utility: str,
        params: list[tuple[str, str]],
        what: str,
        check: Callable[[bytes], Any],
        post: bool,
        headers: dict[str, str] | None,
        force: bool,
    ) -> Any:
        problem = "no attempt made"
        for attempt in range(self.retry.attempts):
            retry_after = None
            try:
                response = self._send(utility, params, post, headers, force or self.refresh or attempt > 0)
                if response.status_code in self.retry.statuses:
                    retry_after = response.headers.get("Retry-After")
                    raise _Retry(f"HTTP {response.status_code} {response.reason}")
                if response.status_code != 200:
                    raise EutilsError(f"{what}: HTTP {response.status_code} {response.reason} from {self.url(utility)}")
                try:
                    result = check(response.content)
                except (_Retry, EutilsError):
                    self._forget(response)
                    raise
            except _Retry as err:
                problem = str(err)
            except requests.RequestException as err:
                problem = self._unreachable(err, utility, what)
            else:
                self._count(utility, response)
                return result
            if attempt + 1 < self.retry.attempts:
                self._wait(utility, attempt, retry_after, problem)
        tries = f"{self.retry.attempts} attempt{'s' if self.retry.attempts > 1 else ''}"
        raise EutilsError(
            f"{what}: gave up after {tries} (last: {problem}); "
            "NCBI may be busy or down: run the same command again later, it resumes from the cache"
        )

    def _unreachable(self, err: requests.RequestException, utility: str, what: str) -> str:
        """What went wrong, for a retry; raises at once when no retry can mend it."""
        failure = classify(err, self.url(utility), self.retry)
        if failure.kind == "dns":
            raise EutilsError(f"{what}: {failure.text}; check your connection or --eutils-url") from err
        if failure.final:
            raise EutilsError(f"{what}: {failure.text}; check --eutils-url (or PUBGRAPH_EUTILS_URL)") from err
        return failure.text

    def _wait(self, utility: str, attempt: int, retry_after: str | None, problem: str) -> None:
        delay = self.retry.delay(attempt, retry_after)
        notice = RetryNotice(utility, delay, redact(problem, self.secrets), attempt + 2, self.retry.attempts)
        announce_retry(notice, self.on_retry)
        time.sleep(delay)

    def _send(
        self, utility: str, params: list[tuple[str, str]], post: bool, headers: dict[str, str] | None, force: bool
    ) -> requests.Response:
        options: dict[str, Any] = {"timeout": self.retry.timeout, "headers": headers}
        if force and hasattr(self.session, "cache"):
            options["force_refresh"] = True
        if post:
            return self.session.post(self.url(utility), data=params, **options)
        return self.session.get(self.url(utility), params=params, **options)

    def _count(self, utility: str, response: requests.Response) -> None:
        from_cache = bool(getattr(response, "from_cache", False))
        if from_cache:
            _log.debug("%s answered from the cache %s", utility, self.cache_path)
        with self._lock:
            (self.cached if from_cache else self.requests)[utility] += 1
        if self.on_response is not None:
            self.on_response(utility, from_cache)

    def _forget(self, response: requests.Response) -> None:
        # A bad answer must not be served again from the cache.
        cache = getattr(self.session, "cache", None)
        key = getattr(response, "cache_key", None)
        if cache is not None and key:
            cache.delete(key)


def _without_login(url: str) -> tuple[str, tuple[str, ...]]:
    """``url`` without user-info, and the (user, password) it held, if any.

    >>> _without_login("https://u:p%40ss@mirror.example.org/eutils/")
    ('https://mirror.example.org/eutils/', ('u', 'p@ss'))
    """
    parts = urlsplit(url)
    if parts.username is None:
        return url, ()
    host = parts.netloc.rpartition("@")[2]
    login = (unquote(parts.username), unquote(parts.password or ""))
    return urlunsplit(parts._replace(netloc=host)), login


def _session(cache_path: Path | None) -> requests.Session:
    if cache_path is None:
        return requests.Session()
    import requests_cache

    _check_cache(cache_path)
    day, month = timedelta(days=1), timedelta(days=30)
    return requests_cache.CachedSession(
        str(cache_path),
        backend="sqlite",
        allowable_methods=("GET", "POST"),
        allowable_codes=(200,),
        # Keys and stored requests leave out the caller's identity and the WebEnv.
        ignored_parameters=["api_key", "email", "tool", "WebEnv"],
        match_headers=[_SET_HEADER],
        # Searches and links grow daily; records change seldom.
        urls_expire_after={"*/esearch.fcgi": day, "*/elink.fcgi": day, "*/epost.fcgi": day, "*": month},
        cache_control=False,
        stale_if_error=False,
        key_fn=_cache_key,
    )


def _check_cache(cache_path: Path) -> None:
    """Fail now, in one line, when the cache cannot be written: requests-cache would only
    find out at the first request, with a traceback."""
    try:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(cache_path.parent, os.W_OK):  # also false on a read-only file system, for root
            raise PermissionError(errno.EACCES, "not writable")
        with contextlib.closing(sqlite3.connect(cache_path)) as probe:
            probe.execute("PRAGMA schema_version")  # a shared lock only: another harvest may be writing
    except (OSError, sqlite3.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise EutilsError(
            f"cannot keep E-utilities answers in {cache_path} ({reason}): "
            "choose another directory with --cache-dir or PUBGRAPH_CACHE_DIR"
        ) from err


def _cache_key(request: requests.PreparedRequest, **kwargs: Any) -> str:
    """requests-cache's key of the request without ``api_key``/``email``/``tool`` at all.

    Its ``ignored_parameters`` only blank their values, so adding ``--email`` later would
    still miss every cached response.
    """
    from requests_cache import create_key

    clean = request.copy()
    parts = urlsplit(clean.url or "")
    clean.url = urlunsplit(parts._replace(query=_drop_identity(parts.query)))
    if isinstance(clean.body, bytes | str):
        body = clean.body.decode() if isinstance(clean.body, bytes) else clean.body
        clean.body = _drop_identity(body)
    return str(create_key(clean, **kwargs))


def _drop_identity(query: str) -> str:
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _IDENTITY])


def _parse(content: bytes, what: str) -> etree._Element:
    """Parse a reply; raise for ``<ERROR>`` replies, and :class:`_Retry` for broken ones."""
    if content.lstrip()[:1] == b"{":
        _json_error(content, what)
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as err:
        raise _Retry(f"malformed XML ({err.msg})") from err
    message = root.text if root.tag == "ERROR" else root.findtext("ERROR")
    if message is not None:
        message = " ".join(message.split())
        if _EXPIRED_RE.search(message):
            raise _Expired(f"{what}: {message}")
        if _TRANSIENT_RE.search(message):
            raise _Retry(f"NCBI said: {message}")
        raise EutilsError(f"{what}: NCBI said: {message}")
    return root


def _json_error(content: bytes, what: str) -> None:
    import json

    try:
        message = str(json.loads(content).get("error", content[:200].decode(errors="replace")))
    except (ValueError, AttributeError) as err:
        raise _Retry("malformed JSON error reply") from err
    if _TRANSIENT_RE.search(message):
        raise _Retry(f"NCBI said: {message}")
    raise EutilsError(f"{what}: NCBI said: {message}")


def _inner(content: bytes) -> bytes:
    """The records of an efetch reply: what lies inside ``<PubmedArticleSet>``."""
    opening = _ROOT_OPEN_RE.search(content)
    if opening is None or opening.group(1):
        return b""
    end = content.rfind(b"</PubmedArticleSet>")
    return content[opening.end() : end].strip() + b"\n"


def _span(pmids: Sequence[str]) -> str:
    """``(1, 2, 3)`` or ``(1 … 9)``: enough to find the request in a log.

    >>> _span(["1", "2"]), _span([str(n) for n in range(9)])
    ('(1, 2)', '(0 … 8)')
    """
    return f"({', '.join(pmids)})" if len(pmids) <= 3 else f"({pmids[0]} … {pmids[-1]})"


def batched(items: Iterable[str], size: int) -> list[list[str]]:
    """Cut ``items`` into lists of at most ``size``.

    >>> batched("abcde", 2)
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]
