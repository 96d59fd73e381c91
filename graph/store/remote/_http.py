"""HTTP for remote stores: one injectable session, retries, errors that name the fix.

Every request to a remote SPARQL endpoint or graph store goes through :class:`Remote`,
so retries, time-outs and the translation of HTTP failures into
:class:`~graph.errors.RemoteError` subclasses live in one place. Credentials never reach
a message: every error leaving :meth:`Remote.request` passes :func:`graph.redact.redact`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import requests

from ...errors import PayloadTooLargeError, RemoteAuthError, RemoteError, RemoteUnavailableError
from ...http import Failure, RetryNotice, RetryPolicy, announce_retry, classify, patient_session
from ...redact import redact, redact_url, redacting

__all__ = ["HTTPStatusError", "Remote", "TooLarge"]

_BODY_EXCERPT = 300


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
    :func:`graph.store.remote.transport.mock_session`). ``secrets`` (passwords, tokens,
    ``user:password``) are masked in every error message in all their encodings.
    ``on_retry`` hears of each retry before the wait.

    >>> from graph.store.remote.transport import mock_session
    >>> remote = Remote(mock_session(lambda request: (204, {}, b"")))
    >>> remote.request("POST", "http://example.org/update", data=b"CLEAR ALL").status_code
    204
    """

    session: requests.Session = field(default_factory=lambda: patient_session(RetryPolicy()))
    auth: requests.auth.AuthBase | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: tuple[str, ...] = ()
    on_retry: Callable[[RetryNotice], None] | None = None
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

        Transient failures (a dropped or silent connection, 429, 502-504) are retried
        with backoff; the rest raise at once: a name that does not resolve or a refused
        connection :class:`~graph.errors.RemoteUnavailableError`, 401/403
        :class:`~graph.errors.RemoteAuthError`, 413 :class:`TooLarge`, others
        :class:`HTTPStatusError`.
        """
        with redacting(self.secrets):
            return self._request(method, url, params, data, headers)

    def _request(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> requests.Response:
        where = f"{method} {redact_url(url)}"
        for attempt in range(self.retry.attempts):
            last = attempt == self.retry.retries
            try:
                response = self._send(method, url, params, data, headers)
            except requests.RequestException as err:
                failure = classify(err, url, self.retry)
                if failure.final or (failure.sent and not self.retry.after_send) or last:
                    raise self._failed(where, url, failure, attempt + 1) from err
                self._wait(where, attempt, None, failure.text)
                continue
            if response.status_code in self.retry.statuses and not last:
                reason = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
                self._wait(where, attempt, response.headers.get("Retry-After"), reason)
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
            method, url, params=params, data=data, headers=headers, auth=self.auth, timeout=self.retry.timeout
        )

    def _wait(self, where: str, attempt: int, retry_after: str | None, reason: str) -> None:
        self.retries_done += 1
        delay = self.retry.delay(attempt, retry_after)
        announce_retry(RetryNotice(where, delay, self.mask(reason), attempt + 2, self.retry.attempts), self.on_retry)
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
        # What was sent, too: a Digest response hash is known only once requests made it.
        body = _excerpt(redact(response.text or "", (*self.secrets, *_sent_credentials(response))))
        if status == 404:
            raise HTTPStatusError(
                f"{where}: HTTP 404 Not Found; check the URL (pubgraph push --help lists the URL form of "
                f"each store){body}",
                status,
                body.removeprefix(": "),
            )
        message = f"{where}: HTTP {status} {response.reason or ''}".rstrip() + body
        raise HTTPStatusError(self.mask(message), status, body.removeprefix(": "))

    def _failed(self, where: str, url: str, failure: Failure, tries: int) -> RemoteError:
        if failure.kind == "dns":
            return RemoteUnavailableError(f"{where}: {failure.text}; check your connection and the URL")
        if failure.kind == "invalid":
            return RemoteError(f"{where}: {failure.text}; give it as http://HOST:PORT/PATH")
        if failure.final:
            return RemoteUnavailableError(f"{where}: {failure.text}; is the server running and the URL right?")
        if failure.sent and not self.retry.after_send:
            return RemoteUnavailableError(
                f"{where}: {failure.text}, after the request was sent; did the query reach the server's time "
                "limit, or the server stop?"
            )
        return RemoteUnavailableError(
            f"cannot reach {redact_url(url)} ({failure.text}) after {tries} attempt{'s' if tries > 1 else ''}; "
            "is the server running and the URL right?"
        )

    def mask(self, text: str) -> str:
        """``text`` without credentials (see :func:`graph.redact.redact`)."""
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


def _sent_credentials(response: requests.Response) -> tuple[str, ...]:
    """The ``Authorization`` value the request carried: whole, without its scheme, and
    its Digest hashes (RFC 7616 §3.4: ``response``, ``cnonce``)."""
    sent = response.request.headers.get("Authorization", "") if response.request is not None else ""
    value = sent.decode("latin-1") if isinstance(sent, bytes) else sent
    if not value:
        return ()
    return (value, value.partition(" ")[2], *re.findall(r'\b(?:response|cnonce)="?([0-9a-fA-F]+)', value))


def _excerpt(body: str) -> str:
    """The start of an error body, as one line of text (credentials are masked before)."""
    text = " ".join(body.split())
    if not text:
        return ""
    text = re.sub(r"<[^>]+>", " ", text).strip()  # servers answer errors in HTML too
    text = " ".join(text.split())
    return f": {text[:_BODY_EXCERPT]}{'…' if len(text) > _BODY_EXCERPT else ''}"
