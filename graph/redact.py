"""Credentials never leave pubgraph as text: one function masks them in every form.

A server's error page may echo the request, headers and all; an exception may quote a
URL with its ``api_key``. :func:`redact` is applied where text leaves the HTTP layer
(error messages, retry notices), and :func:`redacting` scrubs the errors raised inside a
block, and the exceptions they were raised from, before anyone prints them.

Two kinds of masking: credentials recognisable by their shape (``Authorization`` header
values, ``Basic``/``Bearer`` tokens, Digest ``response`` hashes, ``api_key=`` and the
user-info of URLs), and the secrets the caller knows (a password, a token, ``user:password``)
in each form they travel in: as given, percent-encoded, and in base64 (standard or
URL-safe, with or without padding), even where a line break or ``%0A`` splits them.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

__all__ = ["MASK", "redact", "redact_url", "redacting", "secret_forms"]

MASK = "***"
_GAP = r"(?:\s|%0[aAdD]|%20|\\[rn])*"  # what a wrapping encoder or an echo may insert
_SPLIT_FROM = 8  # shorter forms are matched exactly: a gap-tolerant "pw" would mask prose
_QUOTED = r"(?P<q>\\?[\"'])(?:\\.|(?!(?P=q))[^\\\r\n])*(?P=q)?"

# Shapes that are credentials whoever wrote them (RFC 9110 §11.6.2 Authorization, RFC 7617
# Basic, RFC 6750 Bearer, RFC 7616 Digest): (pattern, replacement).
_SHAPES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(rf"(?i)\b((?:proxy-)?authorization|cookie)(\\?[\"']?\s*[:=]\s*)(?:{_QUOTED}|[^\r\n]*)"),
        lambda m: f"{m[1]}{m[2]}{m['q'] or ''}{MASK}{m['q'] or ''}",
    ),
    (re.compile(r"(?<![\w-])(Basic|Bearer|Negotiate|NTLM)(\s+)[A-Za-z0-9._~+/-]+=*"), rf"\1\2{MASK}"),
    (re.compile(r"(?i)\b(response|cnonce)(\s*=\s*\\?[\"']?)[0-9a-f]{8,}"), rf"\1\2{MASK}"),
    (
        re.compile(r"(?i)\b(api[_-]?key|access_token|password|passwd)(=|%3D|\\?[\"']\s*:\s*\\?[\"'])[^&\s\"'<>;,\\]+"),
        rf"\1\2{MASK}",
    ),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@<>\"'?#]+@"), rf"\1{MASK}@"),
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without credentials: each known secret in any of its forms, and anything
    shaped like a credential, becomes ``***``.

    >>> redact("token abc123 refused", ["abc123"])
    'token *** refused'
    >>> redact("echo: Authorization: Basic YWxpY2U6czNjcmV0\\nHost: x")
    'echo: Authorization: ***\\nHost: x'
    >>> redact("seen: YWxpY2U6\\ncHc%3D and YWxpY2U6cHc=", ["alice:pw"])
    'seen: *** and ***'
    >>> redact("GET /esearch.fcgi?db=pubmed&api_key=0123abcd&tool=pubgraph")
    'GET /esearch.fcgi?db=pubmed&api_key=***&tool=pubgraph'
    """
    known = tuple(sorted({s for s in secrets if s}))
    if known:
        text = _known(known).sub(MASK, text)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


def secret_forms(secret: str) -> set[str]:
    """The forms ``secret`` may travel in: as is, percent-encoded, and in base64.

    >>> sorted(secret_forms("a:b c"))
    ['YTpiIGM', 'YTpiIGM=', 'a%3Ab%20c', 'a%3Ab+c', 'a:b c']
    """
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe="")}
    for encoding in ("utf-8", "latin-1"):  # requests sends basic credentials in latin-1
        try:
            raw = secret.encode(encoding)
        except UnicodeEncodeError:
            continue
        for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
            text = encoded.decode("ascii")
            forms |= {text, text.rstrip("=")}
    return forms


@lru_cache(maxsize=32)
def _known(secrets: tuple[str, ...]) -> re.Pattern[str]:
    forms = {form for secret in secrets for form in secret_forms(secret)}
    alternatives = [_pattern(form) for form in sorted(forms, key=len, reverse=True)]
    return re.compile("|".join(alternatives))


def _pattern(form: str) -> str:
    if len(form) < _SPLIT_FROM:
        return re.escape(form)
    return _GAP.join(_char(c) for c in form)


def _char(c: str) -> str:
    if c.isalnum() or not c.isascii():
        return re.escape(c)
    return f"(?:{re.escape(c)}|%(?i:{ord(c):02x}))"  # may arrive percent-encoded


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


@contextmanager
def redacting(secrets: Iterable[str | None] = ()) -> Iterator[None]:
    """Scrub credentials from any exception leaving the block, and from its causes.

    >>> try:
    ...     with redacting(["s3cret"]):
    ...         raise ValueError("bad password s3cret")
    ... except ValueError as err:
    ...     print(err)
    bad password ***
    """
    known = tuple(secrets)
    try:
        yield
    except Exception as err:
        _scrub(err, known)
        raise


def _scrub(err: BaseException, secrets: tuple[str | None, ...]) -> None:
    pending: list[object] = [err]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        item.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in item.args)
        pending += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
