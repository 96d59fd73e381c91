"""The rules of pubgraph's SPARQL endpoint that need no server: which result format an
``Accept`` header asks for, which requests would make the endpoint call out (``SERVICE``,
``LOAD``), and which ``Host`` names reach it (DNS rebinding).

Pure functions, shared by the HTTP front (:mod:`graph.pipeline.endpoint.http_server`) and the query
workers (:mod:`graph.pipeline.endpoint.worker`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable

import pyoxigraph as ox

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "allowed_host_names",
    "choose_format",
    "federated_keyword",
    "host_refusal",
    "is_loopback",
]

#: SELECT and ASK answers, the first one the default (SPARQL 1.1 Protocol §2.1).
RESULT_FORMATS = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
#: CONSTRUCT and DESCRIBE answers, and graphs read through the Graph Store Protocol.
RDF_FORMATS = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.N3,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.TRIG,
)
_WILDCARDS = frozenset({"*/*", "application/*", "text/*"})
# Outside strings, IRIs, comments and variables, a word that starts with one of these may
# make a request reach other servers: SERVICE in queries and updates, LOAD in updates
# (SPARQL 1.1 Update §3.1.4). Oxigraph takes "SERVICESILENT" and "SERVICE:x" as SERVICE too,
# so a word only has to start with the keyword; a prefixed name "ex:service" does not.
_OUTBOUND = ("service", "load")
_TOKENS = re.compile(
    r"""
      (?P<skip>
        \#[^\n\r]*                             # comment
      | '''(?:[^'\\]|\\.|'(?!''))*'''     # long strings
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'               # short strings
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>             # IRI
      | [?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+  # variable
      )
    | (?P<word>[\w:%\\\-\u00b7\u0300-\u036f\u203f-\u2040]+)  # keyword, prefixed name, number
    | [\s\S]
    """,
    re.VERBOSE,
)
# SPARQL 1.1 §19.2: \u and \U escapes are replaced before the query is parsed.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def choose_format(accept: str | None, offered: Iterable[ox.QueryResultsFormat | ox.RdfFormat]) -> object | None:
    """The first of ``offered`` that ``accept`` takes, by quality then order; ``None`` if none.

    An empty header or a wildcard takes the first offered format.

    >>> choose_format("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS).name
    'SPARQL Results in XML'
    >>> choose_format("image/png", RESULT_FORMATS) is None
    True
    """
    formats = list(offered)
    wanted = _accepted(accept)
    if not wanted:
        return formats[0]
    for media in wanted:
        if media in _WILDCARDS:
            return formats[0]
        for candidate in formats:
            if media in _media_types(candidate):
                return candidate
    return None


def _accepted(accept: str | None) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept or "").split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def _media_types(candidate: ox.QueryResultsFormat | ox.RdfFormat) -> set[str]:
    own = candidate.media_type.split(";")[0].strip()
    extra = {
        "application/sparql-results+json": {"application/json"},
        "application/sparql-results+xml": {"application/xml", "text/xml"},
        "text/turtle": {"application/turtle", "application/x-turtle"},
        "text/n3": {"text/rdf+n3"},
        "application/n-triples": {"text/plain"},
    }
    return {own} | extra.get(own, set())


def federated_keyword(sparql: str) -> str | None:
    """The keyword (``SERVICE`` or ``LOAD``) by which ``sparql`` would call another server, if any.

    >>> federated_keyword("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    'SERVICE'
    >>> federated_keyword('SELECT * { ?service ex:load "SERVICE" } # LOAD')
    """
    text = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    for match in _TOKENS.finditer(text):
        word = (match.group("word") or "").lower()
        for keyword in _OUTBOUND:
            if word.startswith(keyword):
                return keyword.upper()
    return None


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is reachable only from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
    (True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_host_names(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a ``Host`` header may carry for a server bound to ``host`` (ports aside).

    Loopback binds answer to loopback names only; a wildcard bind to this machine's name
    and to any address literal (a rebinding attack needs a DNS name); ``extra`` adds names.

    >>> sorted(allowed_host_names("127.0.0.1"))
    ['127.0.0.1', '::1', 'localhost']
    """
    names = {host.lower().strip("[]"), *(name.lower() for name in extra)}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "::1"}
    else:
        names.add(socket.gethostname().lower())
    return frozenset(names)


def host_refusal(header: str | None, names: frozenset[str], port: int, any_address: bool) -> str | None:
    """Why a request with this ``Host`` header is refused, or ``None`` when it may pass.

    ``any_address`` (a wildcard bind) also lets every IP address literal through.

    >>> host_refusal("localhost:7878", frozenset({"localhost"}), 7878, False)
    >>> host_refusal("evil.example:7878", frozenset({"localhost"}), 7878, False)
    "the Host header names evil.example:7878, not this endpoint's address"
    """
    if not header:
        return "the request has no Host header"
    name, header_port = _split_host(header.strip().lower())
    if header_port != port or not (name in names or (any_address and _is_address(name))):
        return f"the Host header names {header.strip()}, not this endpoint's address"
    return None


def _split_host(value: str) -> tuple[str, int | None]:
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port_text = rest.removeprefix(":") if rest.startswith(":") else ""
    else:
        name, _, port_text = value.partition(":")
    if not port_text:
        return name.rstrip("."), 80
    return name.rstrip("."), int(port_text) if port_text.isdigit() else None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
