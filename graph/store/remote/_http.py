"""HTTP for remote stores: one injectable session, retries, errors that name the fix.

Every request to a remote SPARQL endpoint or graph store goes through :class:`Remote`,
so retries, time-outs and the translation of HTTP failures into
:class:`~graph.errors.RemoteError` subclasses live in one place. Secrets never reach a
message: URLs lose their user-info and every known password or token is masked.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests

from ...errors import PayloadTooLargeError, RemoteAuthError, RemoteError, RemoteUnavailableError

__all__ = ["HTTPStatusError", "Remote", "RetryPolicy", "TooLarge", "redact", "redact_url"]

# 429 and these 5xx mean "try again later" (RFC 9110 §15.6.3-5, RFC 6585 §4); a 500 is a
# real failure of this request and is not retried.
_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
_TRANSIENT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_MAX_RETRY_AFTER = 30.0
_BODY_EXCERPT = 300


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently transient failures are retried (exponential backoff).

    ``after_send=False`` retries a dropped connection only when the request never reached
    the server: a query the server dropped while running (its time limit) is not re-run.

    >>> [RetryPolicy(retries=3, backoff=0.5).delay(n) for n in range(3)]
    [0.5, 1.0, 2.0]
    """

    retries: int = 3
    backoff: float = 0.5
    after_send: bool = True

    def delay(self, attempt: int) -> float:
        return self.backoff * (2**attempt)


class TooLarge(PayloadTooLargeError):
    """HTTP 413 for one request; writers catch it and send smaller batches."""


class HTTPStatusError(RemoteError):
    """A request answered with an error status other than 401, 403 and 413."""

    def __init__(self, message: str, status: int, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass
class Remote:
    """Sends requests with the given session and auth, retrying transient failures.

    ``session`` is the transport: tests pass one whose adapter answers offline (see
    :func:`graph.store.remote.transport.mock_session`). ``secrets`` are masked in
    every error message.

    >>> from graph.store.remote.transport import mock_session
    >>> remote = Remote(mock_session(lambda request: (204, {}, b"")))
    >>> remote.request("POST", "http://example.org/update", data=b"CLEAR ALL").status_code
    204
    """

    session: requests.Session = field(default_factory=requests.Session)
    auth: requests.auth.AuthBase | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 300.0
    secrets: tuple[str, ...] = ()
    sleep: Callable[[float], None] = time.sleep
    requests_sent: int = 0
    retries_done: int = 0

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request; return the response when its status is 2xx.

        Transient failures (connection errors, 429, 502-504) are retried with backoff;
        the rest raise at once: 401/403 :class:`~graph.errors.RemoteAuthError`, 413
        :class:`TooLarge`, others :class:`~graph.errors.RemoteError`.
        """
        for attempt in range(self.retry.retries + 1):
            last = attempt == self.retry.retries
            try:
                response = self._send(method, url, params, data, headers)
            except _TRANSIENT_ERRORS as err:
                if not self.retry.after_send and not _never_sent(err):
                    raise RemoteUnavailableError(
                        self.mask(
                            f"{method} {redact_url(url)}: the server closed the connection without answering "
                            f"({_reason(err)}); did the query reach the server's time limit, or the server stop?"
                        )
                    ) from err
                if last:
                    raise self._unreachable(url, err) from err
                self._wait(attempt, None)
                continue
            if response.status_code in _TRANSIENT_STATUS and not last:
                self._wait(attempt, response.headers.get("Retry-After"))
                continue
            return self._checked(response, method, url)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> requests.Response:
        self.requests_sent += 1
        return self.session.request(
            method, url, params=params, data=data, headers=headers, auth=self.auth, timeout=self.timeout
        )

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        self.retries_done += 1
        delay = self.retry.delay(attempt)
        if retry_after and retry_after.strip().isdigit():
            delay = min(float(retry_after), _MAX_RETRY_AFTER)
        self.sleep(delay)

    def _checked(self, response: requests.Response, method: str, url: str) -> requests.Response:
        status = response.status_code
        if 200 <= status < 300:
            return response
        where = f"{method} {redact_url(url)}"
        if status in (401, 403):
            raise RemoteAuthError(self.mask(_auth_message(response, where, self.auth)))
        if status == 413:
            raise TooLarge(f"{where}: HTTP 413 Payload Too Large")
        body = self.mask(_excerpt(response))
        if status == 404:
            raise HTTPStatusError(
                f"{where}: HTTP 404 Not Found; check the URL (pubgraph push --help lists the URL form of "
                f"each store){body}",
                status,
                body.removeprefix(": "),
            )
        message = f"{where}: HTTP {status} {response.reason or ''}".rstrip() + body
        raise HTTPStatusError(self.mask(message), status, body.removeprefix(": "))

    def _unreachable(self, url: str, err: Exception) -> RemoteUnavailableError:
        reason = _reason(err)
        tries = self.retry.retries + 1
        return RemoteUnavailableError(
            self.mask(
                f"cannot reach {redact_url(url)} ({reason}) after {tries} attempt{'s' if tries > 1 else ''}; "
                "is the server running and the URL right?"
            )
        )

    def mask(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        return redact(text, self.secrets)


def _auth_message(response: requests.Response, where: str, auth: requests.auth.AuthBase | None) -> str:
    status = response.status_code
    challenge = response.headers.get("WWW-Authenticate", "").lower()
    if status == 403:
        return (
            f"{where}: HTTP 403 Forbidden: the credentials are valid but may not write here; "
            "ask the store's administrator for write (update) permission"
        )
    basic = isinstance(auth, requests.auth.HTTPBasicAuth) and not isinstance(auth, requests.auth.HTTPDigestAuth)
    if basic and challenge.startswith("digest"):
        hint = "the server asks for HTTP Digest authentication: add --digest (Virtuoso's *-auth endpoints do)"
    elif basic and not challenge.startswith("basic"):
        hint = (
            "the credentials were refused; check them, and add --digest if the server uses HTTP Digest "
            "authentication (Virtuoso's *-auth endpoints do)"
        )
    elif auth is not None:
        hint = "the user name or password (or token) was refused; check them"
    else:
        hint = "the server wants credentials: give --user NAME --password-env VAR, or --token-env VAR"
    return f"{where}: HTTP 401 Unauthorized: {hint}"


def _excerpt(response: requests.Response) -> str:
    text = " ".join((response.text or "").split())
    if not text:
        return ""
    text = re.sub(r"<[^>]+>", " ", text).strip()  # servers answer errors in HTML too
    text = " ".join(text.split())
    return f": {text[:_BODY_EXCERPT]}{'…' if len(text) > _BODY_EXCERPT else ''}"


def _never_sent(err: Exception) -> bool:
    """Whether the connection failed before the request went out (refused, DNS, connect timeout)."""
    return isinstance(err, requests.ConnectTimeout) or "NewConnectionError" in repr(err)


def _reason(err: Exception) -> str:
    text = str(err)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "timed out",
        "Connection reset",
        "Connection aborted",
        "Remote end closed connection",
        "Max retries exceeded",
    ):
        if marker.lower() in text.lower():
            return marker.lower() if marker != "Max retries exceeded" else "no connection"
    return type(err).__name__


def redact_url(url: str) -> str:
    """``url`` without user name and password.

    >>> redact_url("https://alice:s3cret@store.example.org/ds/data")
    'https://store.example.org/ds/data'
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each secret (of 1 character or more) replaced by ``***``.

    >>> redact("token abc123 refused", ["abc123"])
    'token *** refused'
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
