"""What the E-utilities client and the remote-store client share about HTTP.

- :class:`RetryPolicy`: which failures get another try, how long to wait before it
  (doubling, capped, ``Retry-After`` in either of its forms), and how long to wait for an
  answer (connect, silence, a whole body);
- :func:`classify`: what a failed request means, in words a user can act on, and
  whether trying again can help (a name that does not resolve never does);
- :class:`PatientAdapter`: a transport that gives up on a body that does not arrive
  whole in time, since requests' read time-out bounds each wait, not the answer;
- :class:`RetryNotice`: the notice a client hands its ``on_retry`` callback before it
  waits, so the CLI can show retries as they happen (the library never prints);
  :func:`announce_retry` logs it and hands it on.

Requests and retries are logged on the ``graph.http`` logger: every request sent (method,
URL without its query string, which may hold an API key, status and seconds) at DEBUG,
every retry at INFO.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

__all__ = [
    "TRANSIENT_STATUS",
    "BodyDeadline",
    "Failure",
    "PatientAdapter",
    "RetryNotice",
    "RetryPolicy",
    "announce_retry",
    "classify",
    "patient_session",
    "retry_after_seconds",
]

#: "Try again later": RFC 6585 §4 (429) and RFC 9110 §15.6.3-5 (502, 503, 504).
TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
_CHUNK = 1 << 16
_NOT_URLS = (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is tried, and how long its answer may take.

    ``retries`` tries follow the first, after ``backoff`` seconds doubling each time, or
    what ``Retry-After`` asks, never more than ``max_delay``. ``statuses`` are the HTTP
    statuses worth another try. ``connect`` bounds opening a connection, ``read`` a
    silence while waiting for the answer, ``total`` reading a whole body.
    ``after_send=False`` retries a connection failure only when the request never
    reached the server: a query the server dropped while running is not run again.

    >>> policy = RetryPolicy(retries=3, backoff=0.5)
    >>> [policy.delay(n) for n in range(3)], policy.attempts, policy.delay(0, "7")
    ([0.5, 1.0, 2.0], 4, 7.0)
    """

    retries: int = 3
    backoff: float = 0.5
    max_delay: float = 60.0
    statuses: frozenset[int] = TRANSIENT_STATUS
    connect: float = 10.0
    read: float = 20.0
    total: float = 45.0
    after_send: bool = True

    @property
    def attempts(self) -> int:
        return self.retries + 1

    @property
    def timeout(self) -> tuple[float, float]:
        """requests' ``timeout``: (connect, read) seconds."""
        return (self.connect, self.read)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait after failed try ``attempt`` (0 for the first)."""
        asked = retry_after_seconds(retry_after) if retry_after else None
        wanted = asked if asked is not None else self.backoff * 2**attempt
        return min(self.max_delay, wanted)


def retry_after_seconds(value: str) -> float | None:
    """``Retry-After`` in seconds, from either form RFC 9110 §10.2.3 allows.

    >>> retry_after_seconds("120"), retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT")
    (120.0, 0.0)
    """
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Told to ``on_retry`` before a client waits to try ``what`` again.

    >>> print(RetryNotice("esearch", 4.0, "HTTP 503 Service Unavailable", 2, 6))
    retrying esearch in 4 s: HTTP 503 Service Unavailable (attempt 2/6)
    """

    what: str
    delay: float
    reason: str
    attempt: int
    attempts: int

    def __str__(self) -> str:
        return (
            f"retrying {self.what} in {_seconds(self.delay)} s: {self.reason} (attempt {self.attempt}/{self.attempts})"
        )


def announce_retry(notice: RetryNotice, on_retry: Callable[[RetryNotice], None] | None) -> None:
    """Log ``notice`` (INFO, on ``graph.http``), then hand it to ``on_retry`` if there is one.

    >>> announce_retry(RetryNotice("esearch", 1.0, "HTTP 503", 2, 4), print)
    retrying esearch in 1 s: HTTP 503 (attempt 2/4)
    """
    _log.info("%s", notice)
    if on_retry is not None:
        on_retry(notice)


@dataclass(frozen=True, slots=True)
class Failure:
    """What a failed request means: ``kind``, and ``text`` naming the host.

    ``final`` failures do not pass on another try (no name, refused, not a URL, TLS);
    ``sent`` says whether the request may have reached the server.
    """

    kind: str  # dns, refused, invalid, tls, connect-timeout, silent, slow, dropped, other
    text: str

    @property
    def final(self) -> bool:
        return self.kind in ("dns", "refused", "invalid", "tls")

    @property
    def sent(self) -> bool:
        return self.kind not in ("dns", "refused", "invalid", "connect-timeout")


class BodyDeadline(requests.exceptions.ReadTimeout):
    """A body still incomplete after the policy's ``total`` seconds."""


def classify(err: Exception, url: str, policy: RetryPolicy) -> Failure:
    """What ``err``, raised by a request to ``url``, means.

    >>> err = requests.ConnectionError(socket.gaierror(-2, "Name or service not known"))
    >>> classify(err, "https://eutils.ncbi.nlm.nih.gov/x", RetryPolicy()).text
    'cannot resolve eutils.ncbi.nlm.nih.gov: no network or DNS failure'
    """
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    chain = _chain(err)
    words = " ".join(str(e) for e in chain).lower()
    names = {type(e).__name__ for e in chain}
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolutionError" in names:
        return Failure("dns", f"cannot resolve {host}: no network or DNS failure")
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in words:
        return Failure("refused", f"connection refused by {host}:{port}")
    if isinstance(err, _NOT_URLS):
        return Failure("invalid", f"not a usable URL ({err})")
    if isinstance(err, requests.exceptions.SSLError):
        return Failure("tls", f"TLS with {host} failed: {_last_words(err)}")
    if isinstance(err, requests.ConnectTimeout) or "ConnectTimeoutError" in names:
        return Failure("connect-timeout", f"no connection to {host} within {_seconds(policy.connect)} s")
    if isinstance(err, BodyDeadline):
        return Failure("slow", f"no complete answer from {host} in {_seconds(policy.total)} s")
    if any(isinstance(e, TimeoutError) for e in chain) or names & {"ReadTimeout", "ReadTimeoutError"}:
        return Failure("silent", f"no answer from {host} in {_seconds(policy.read)} s")
    if isinstance(err, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return Failure("dropped", f"{host} closed the connection: {_last_words(err)}")
    return Failure("other", f"{type(err).__name__} talking to {host}: {_last_words(err)}")


def _chain(err: BaseException) -> list[BaseException]:
    """``err``, what it wraps (urllib3 keeps causes in ``reason`` and ``args``) and its
    causes, breadth first: the last is the innermost."""
    found: list[BaseException] = []
    pending: list[object] = [err]
    while pending:
        item = pending.pop(0)
        if isinstance(item, BaseException) and all(item is not seen for seen in found):
            found.append(item)
            pending += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return found


def _last_words(err: BaseException) -> str:
    """The innermost message, without urllib3's pool and URL preamble."""
    text = str(_chain(err)[-1]) or type(err).__name__
    text = text.rsplit(": ", 1)[-1].strip(" '\"()")
    return text if len(text) <= 120 else text[:117] + "..."


class PatientAdapter(HTTPAdapter):
    """requests' transport, but a body must arrive whole within ``total`` seconds.

    A server that trickles a byte every few seconds never trips the read time-out,
    which bounds each wait; this bounds the answer.
    """

    def __init__(self, total: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.total = total

    def send(self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        started = time.perf_counter()
        try:
            response = super().send(request, stream=True, **kwargs)
            if not stream:
                _read_within(response, self.total)
        except Exception as err:
            _log.debug("%s %s failed after %.3f s: %s", request.method, _shown(request.url), _elapsed(started), err)
            raise
        _log.debug(
            "%s %s -> %d in %.3f s", request.method, _shown(request.url), response.status_code, _elapsed(started)
        )
        return response


def patient_session(policy: RetryPolicy) -> requests.Session:
    """A plain session whose bodies must arrive whole within ``policy.total`` seconds."""
    session = requests.Session()
    adapter = PatientAdapter(policy.total)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _elapsed(started: float) -> float:
    return time.perf_counter() - started


def _shown(url: str | None) -> str:
    """``url`` as a log may show it: no user-info, no query string (keys travel there).

    >>> _shown("https://me:pw@eutils.example.org/esearch.fcgi?term=x&api_key=secret")
    'https://eutils.example.org/esearch.fcgi'
    """
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _read_within(response: requests.Response, total: float) -> None:
    raw: Any = response.raw
    deadline = time.monotonic() + total
    parts: list[bytes] = []
    try:
        while chunk := _read_some(raw, response.request):
            parts.append(chunk)
            if time.monotonic() > deadline:
                raise BodyDeadline(f"body not complete after {total} s", request=response.request)
    except BaseException:
        response.close()
        raise
    response._content = b"".join(parts)  # requests' own way to hold a body it has read
    response._content_consumed = True


def _read_some(raw: Any, request: requests.PreparedRequest) -> bytes:
    """What has arrived (at least a byte; b"" at the end), not a full buffer's worth,
    with urllib3's errors as requests raises them."""
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

    try:
        if hasattr(raw, "read1"):
            return bytes(raw.read1(_CHUNK, decode_content=True))
        return bytes(raw.read(_CHUNK, decode_content=True))  # urllib3 1.x
    except ReadTimeoutError as err:
        raise requests.exceptions.ReadTimeout(err, request=request) from err
    except ProtocolError as err:
        raise requests.exceptions.ChunkedEncodingError(err, request=request) from err
    except DecodeError as err:
        raise requests.exceptions.ContentDecodingError(err, request=request) from err


def _seconds(value: float) -> str:
    """``4``, ``0.5``, ``0.01``: seconds as a person writes them.

    >>> _seconds(4.0), _seconds(0.5), _seconds(0.0123), _seconds(12.6)
    ('4', '0.5', '0.012', '13')
    """
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"
