"""SPARQL over HTTP: the same queries and result shape as :func:`graph.pipeline.query.run_query`,
answered by any SPARQL 1.1 Protocol endpoint.

The query is POSTed form-encoded (SPARQL 1.1 Protocol §2.1.2, so long queries fit) with
pubgraph's prefixes added when the query does not declare them. SELECT and ASK answers are
read from SPARQL JSON, XML or TSV results by pyoxigraph's parser (Virtuoso's older JSON
terms by our own), CONSTRUCT and DESCRIBE from N-Triples or Turtle, into a
:class:`~graph.results.QueryResult`, so :func:`~graph.pipeline.query.write_result` prints them
exactly as it prints local results.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import requests

from ...errors import QueryError, RemoteError
from ...http import RetryNotice, RetryPolicy, patient_session
from ...model.namespaces import PREFIXES
from ...redact import redact_url, redacting
from ...results import QueryResult, Term, parse_results
from ._http import HTTPStatusError, Remote
from .auth import Credentials

__all__ = ["ACCEPT", "parse_json_results", "query_remote", "run_remote_query", "with_prefixes"]

#: What we ask for: SPARQL JSON results for SELECT/ASK, N-Triples or Turtle for graphs.
ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, application/sparql-results+xml;q=0.9, "
    "text/turtle;q=0.8, text/tab-separated-values;q=0.7, application/rdf+xml;q=0.5"
)
_PREFIX_RE = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:\s*<", re.IGNORECASE)
_JSON_TYPES = ("application/sparql-results+json", "application/json")
_RESULT_TYPES = {
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/tab-separated-values": "tsv",
}


def with_prefixes(sparql: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``sparql`` with a PREFIX line for each of ``prefixes`` it does not declare itself.

    >>> print(with_prefixes("PREFIX cito: <http://purl.org/spar/cito/> ASK {}", {"cito": "x:", "pg": "y:"}))
    PREFIX pg: <y:> PREFIX cito: <http://purl.org/spar/cito/> ASK {}
    """
    declared = {name or "" for name in _PREFIX_RE.findall(sparql)}
    # All on the query's first line, so the server's error line numbers match the user's text.
    added = [f"PREFIX {name}: <{iri}> " for name, iri in prefixes.items() if name not in declared]
    return "".join(added) + sparql


def run_remote_query(
    sparql: str,
    endpoint: str,
    *,
    credentials: Credentials | None = None,
    session: requests.Session | None = None,
    timeout: float = 300.0,
    retries: int = 2,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> QueryResult:
    """Run ``sparql`` at the SPARQL endpoint ``endpoint``; the answer as a QueryResult.

    ``timeout`` bounds the wait for the answer; ``on_retry`` hears of each retry.

    >>> from graph.store.remote.transport import mock_session
    >>> answer = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}'
    >>> session = mock_session(lambda request: (200, {"Content-Type": "application/sparql-results+json"}, answer))
    >>> run_remote_query("SELECT ?n WHERE { }", "http://example.org/sparql", session=session).values()
    [{'n': '7'}]
    """
    policy = RetryPolicy(retries=retries, read=timeout, total=timeout, after_send=False)
    remote = Remote(
        session or patient_session(policy),
        credentials.auth() if credentials else None,
        policy,
        credentials.secrets if credentials else (),
        on_retry,
    )
    return query_remote(remote, endpoint, sparql)


def query_remote(remote: Remote, endpoint: str, sparql: str, *, add_prefixes: bool = True) -> QueryResult:
    """:func:`run_remote_query` through an existing :class:`~graph.store.remote._http.Remote`."""
    with redacting(remote.secrets):  # the answer, or a server's complaint, may quote them
        return _query(remote, endpoint, sparql, add_prefixes)


def _query(remote: Remote, endpoint: str, sparql: str, add_prefixes: bool) -> QueryResult:
    try:
        response = remote.request(
            "POST",
            endpoint,
            data=_form(with_prefixes(sparql) if add_prefixes else sparql),
            headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
        )
    except HTTPStatusError as err:
        if err.status == 400:
            raise QueryError(
                f"the endpoint {redact_url(endpoint)} rejected the query: {err.body or 'HTTP 400'}"
            ) from err
        raise
    return _result(response, redact_url(endpoint))


def _form(sparql: str) -> bytes:
    return urlencode({"query": sparql}).encode("ascii")


def _result(response: requests.Response, endpoint: str) -> QueryResult:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media in _JSON_TYPES:
        return _json_results(response.content)
    if media in _RESULT_TYPES:
        try:
            return parse_results(response.content, _RESULT_TYPES[media])
        except SyntaxError as err:
            raise RemoteError(
                f"{endpoint} answered with invalid SPARQL {_RESULT_TYPES[media].upper()} results: {err}"
            ) from err
    rdf = ox.RdfFormat.from_media_type(media) if media else None
    if rdf is None:
        raise RemoteError(f"{endpoint} answered with {media or 'no content type'}, not SPARQL JSON results or RDF")
    try:
        return QueryResult(triples=tuple(quad.triple for quad in ox.parse(response.content, format=rdf)))
    except SyntaxError as err:
        raise RemoteError(f"{endpoint} answered with invalid {rdf.name}: {err}") from err


def _json_results(data: bytes) -> QueryResult:
    """SPARQL JSON results by pyoxigraph's parser; what it refuses (Virtuoso's
    ``typed-literal`` terms and ``nodeID://`` blank nodes, cut answers) by ours."""
    try:
        return parse_results(data, "json")
    except SyntaxError:
        return parse_json_results(data)


def parse_json_results(data: bytes) -> QueryResult:
    """Read SPARQL 1.1 JSON results (and Virtuoso's older ``typed-literal`` terms).

    >>> parse_json_results(b'{"head": {}, "boolean": true}').boolean
    True
    """
    try:
        document = json.loads(data)
    except ValueError as err:
        tail = " ".join(data[-200:].decode("utf-8", "replace").split())
        hint = "; the query was cancelled (the endpoint's time limit?)" if "cancel" in tail.lower() else ""
        raise RemoteError(f"the endpoint's JSON results are cut short or invalid ({err}): …{tail}{hint}") from err
    if "boolean" in document:
        return QueryResult(boolean=bool(document["boolean"]))
    variables = tuple(document.get("head", {}).get("vars", []))
    rows = tuple(
        tuple(_term(binding[name]) if name in binding else None for name in variables)
        for binding in document.get("results", {}).get("bindings", [])
    )
    return QueryResult(variables, rows)


def _term(item: dict[str, Any]) -> Term:
    kind, value = item.get("type"), item.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return _blank(value)
    if kind in ("literal", "typed-literal"):
        if item.get("xml:lang"):
            return ox.Literal(value, language=item["xml:lang"])
        if item.get("datatype"):
            return ox.Literal(value, datatype=ox.NamedNode(item["datatype"]))
        return ox.Literal(value)
    if kind == "triple":
        inner = value if isinstance(value, dict) else {}
        subject, predicate, obj = (_term(inner[k]) for k in ("subject", "predicate", "object"))
        return ox.Triple(subject, predicate, obj)  # type: ignore[arg-type]
    raise RemoteError(f"unknown term type {kind!r} in SPARQL JSON results")


def _blank(label: str) -> ox.BlankNode:
    try:
        return ox.BlankNode(label)
    except ValueError:  # e.g. Virtuoso's "nodeID://b10006": keep identity, make the label valid
        return ox.BlankNode("b" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:16])
