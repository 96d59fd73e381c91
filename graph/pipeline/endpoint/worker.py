"""A query worker of pubgraph's SPARQL endpoint: one process, one store, one request at a time.

The HTTP front (:mod:`graph.pipeline.endpoint.http_server`) sends each request as a JSON line (plus the
body of a Graph Store write) on the worker's stdin; the worker answers with frames on its
stdout: a header, data chunks as pyoxigraph serializes them, then an end or an error.
A query that runs past its time limit is stopped by killing the whole process, which is
the one way to stop pyoxigraph in the middle of a join or an aggregate.

Run as ``python -m graph.pipeline.endpoint.worker STORE --parent PID [--writable]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import struct
import sys
from collections.abc import Callable
from typing import IO, Any

import pyoxigraph as ox

from ...model.namespaces import PREFIXES
from .protocol import RDF_FORMATS, RESULT_FORMATS, choose_format

__all__ = ["DATA", "END", "ERROR", "HEADER", "READY", "main", "write_frame"]

READY, HEADER, DATA, ERROR, END = b"R", b"H", b"D", b"E", b"Z"
_LENGTH = struct.Struct(">I")
# The front kills an overrunning worker at the time limit; this alarm is the fallback
# should the front itself be stuck: SIGALRM's default action ends the process.
_ALARM_GRACE = 5.0
_DATASET_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
_RANGES = re.compile(r"\[[^\]]*\]")
_COMMAS = re.compile(r"(?:,\s*){2,}|\s*\n\s*")
_MESSAGE_MAX = 400
# A write through the endpoint changes data behind the derived graphs' back (the record
# index that projections read, the summaries the fast saved queries read), so before it
# they go: the plain readings answer until the next build derives them again. Written
# without the base IRI, which the worker is not told.
_FORGET_DERIVED = f"""DELETE WHERE {{ GRAPH ?g {{ ?g <{PREFIXES["pg"]}summariesVersion> ?version }} }} ;
DELETE WHERE {{ GRAPH ?index {{ ?record <{PREFIXES["pg"]}index> ?entry }} }}"""


class _Failure(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def write_frame(out: IO[bytes], kind: bytes, payload: bytes = b"") -> None:
    """One frame: its kind, its length (4 bytes, big-endian), its payload."""
    out.write(kind + _LENGTH.pack(len(payload)) + payload)
    if kind != DATA:
        out.flush()


class _Frames:
    """The file-like object pyoxigraph serializes into: each write becomes a data frame."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        write_frame(self.out, DATA, bytes(data))
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def _header(out: IO[bytes], status: int, media: str) -> None:
    write_frame(out, HEADER, json.dumps({"status": status, "type": media}).encode())


def _query(store: ox.Store, request: dict[str, Any], out: IO[bytes]) -> None:
    defaults: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        _graph_term(iri) for iri in request.get("default_graphs", [])
    ]
    named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri) for iri in request.get("named_graphs", [])]
    try:
        results = store.query(
            request["text"],
            prefixes=PREFIXES,
            use_default_graph_as_union=not defaults,
            default_graph=defaults or None,
            named_graphs=named or None,
        )
    except SyntaxError as err:
        raise _Failure(400, f"the query is not valid SPARQL: {_syntax(err)}") from err
    offered = RDF_FORMATS if isinstance(results, ox.QueryTriples) else RESULT_FORMATS
    chosen = choose_format(request.get("accept"), offered)
    if chosen is None:
        raise _Failure(406, _not_acceptable(request.get("accept"), offered))
    _header(out, 200, chosen.media_type)  # type: ignore[attr-defined]
    results.serialize(_Frames(out), chosen)  # type: ignore[arg-type]


def _forget_derived(store: ox.Store) -> None:
    """Drop the summaries' marker and the record index: first, in a transaction of its own,
    so that a worker killed before the write leaves only slower answers, never stale ones."""
    store.update(_FORGET_DERIVED)


def _update(store: ox.Store, request: dict[str, Any], out: IO[bytes]) -> None:
    _forget_derived(store)
    try:
        store.update(request["text"], prefixes=PREFIXES)  # one transaction: all or nothing
    except SyntaxError as err:
        raise _Failure(400, f"the update is not valid SPARQL: {_syntax(err)}") from err
    _header(out, 204, "")


def _graph(store: ox.Store, request: dict[str, Any], out: IO[bytes], body: bytes) -> None:
    method, iri = request["method"], request.get("graph")
    target = _graph_term(iri) if iri is not None else None
    exists = target is None or isinstance(target, ox.DefaultGraph) or store.contains_named_graph(target)
    if method in ("GET", "HEAD", "DELETE") and not exists:
        raise _Failure(404, f"the store has no graph <{iri}>")
    if method in ("GET", "HEAD"):
        _read_graph(store, target, request.get("accept"), out)
    elif method == "DELETE":
        _forget_derived(store)
        store.update(f"DROP GRAPH <{iri}>" if iri else "DROP DEFAULT")
        _header(out, 204, "")
    else:
        _write_graph(store, target, request, body, replace=method == "PUT")
        _header(out, 204 if exists else 201, "")


def _read_graph(
    store: ox.Store, target: ox.NamedNode | ox.DefaultGraph | None, accept: str | None, out: IO[bytes]
) -> None:
    offered = _DATASET_FORMATS if target is None else RDF_FORMATS
    chosen = choose_format(accept, offered)
    if chosen is None:
        raise _Failure(406, _not_acceptable(accept, offered))
    _header(out, 200, chosen.media_type)  # type: ignore[attr-defined]
    quads = store.quads_for_pattern(None, None, None, target)
    items = quads if target is None else (quad.triple for quad in quads)
    ox.serialize(items, _Frames(out), chosen)  # type: ignore[arg-type]


def _write_graph(
    store: ox.Store, target: ox.NamedNode | ox.DefaultGraph | None, request: dict[str, Any], body: bytes, replace: bool
) -> None:
    media = (request.get("content_type") or "").split(";")[0].strip()
    syntax = ox.RdfFormat.from_media_type(media) if media else None
    if syntax is None or target is None:
        what = "a graph (?graph=IRI or ?default)" if target is None else f"RDF, not {media or 'no Content-Type'}"
        raise _Failure(415 if target is not None else 400, f"a Graph Store write needs {what}")
    try:
        triples = ox.serialize([q.triple for q in ox.parse(body, syntax)], format=ox.RdfFormat.N_TRIPLES) or b""
    except SyntaxError as err:
        raise _Failure(400, f"the request body is not valid {syntax.name}: {err}") from err
    data = triples.decode()
    _forget_derived(store)
    if isinstance(target, ox.DefaultGraph):
        drop, into = "DROP SILENT DEFAULT", f"INSERT DATA {{ {data} }}"
    else:
        drop, into = f"DROP SILENT GRAPH <{target.value}>", f"INSERT DATA {{ GRAPH <{target.value}> {{ {data} }} }}"
    # One update, so one transaction: a replaced graph is never seen (or left) half-written.
    store.update(f"{drop} ;\n{into}" if replace else into)


def _syntax(err: SyntaxError) -> str:
    # Oxigraph lists every token its grammar allows there, Unicode ranges included: keep the words.
    text = _RANGES.sub("", str(err))
    return _COMMAS.sub(", ", text).strip(", \n")[:_MESSAGE_MAX]


def _graph_term(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if iri == "" else ox.NamedNode(iri)


def _not_acceptable(accept: str | None, offered: tuple[Any, ...]) -> str:
    media = ", ".join(f.media_type.split(";")[0] for f in offered)
    return f"none of the media types asked for (Accept: {accept}) is available here; ask for one of: {media}"


_HANDLERS: dict[str, Callable[..., None]] = {"query": _query, "update": _update}


def _serve_one(store: ox.Store, request: dict[str, Any], body: bytes, out: IO[bytes]) -> None:
    signal.setitimer(signal.ITIMER_REAL, float(request.get("limit", 60)) + _ALARM_GRACE)
    try:
        if request["op"] == "graph":
            _graph(store, request, out, body)
        else:
            _HANDLERS[request["op"]](store, request, out)
    except _Failure as err:
        write_frame(out, ERROR, json.dumps({"status": err.status, "message": str(err)}).encode())
    except (OSError, ValueError, SyntaxError, RuntimeError) as err:
        write_frame(out, ERROR, json.dumps({"status": 500, "message": f"the query failed: {err}"}).encode())
    else:
        write_frame(out, END)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _open(location: str, writable: bool) -> ox.Store:
    return ox.Store(location) if writable else ox.Store.read_only(location)


def main(argv: list[str] | None = None) -> int:
    """Open the store, say ready, then answer requests until stdin closes."""
    from ...processes import die_with_parent

    parser = argparse.ArgumentParser(prog="python -m graph.pipeline.endpoint.worker")
    parser.add_argument("store")
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--writable", action="store_true")
    args = parser.parse_args(argv)
    die_with_parent()
    if os.getppid() != args.parent:  # the parent died before prctl took effect
        return 1
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    # Frames go to a private copy of stdout; anything printed by a library goes to stderr.
    out = os.fdopen(os.dup(1), "wb", buffering=1 << 16)
    os.dup2(2, 1)
    try:
        store = _open(args.store, args.writable)
    except OSError as err:
        write_frame(out, ERROR, json.dumps({"status": 500, "message": str(err)}).encode())
        return 1
    write_frame(out, READY)
    requests = sys.stdin.buffer
    for line in requests:
        request = json.loads(line)
        body = requests.read(int(request.get("length", 0)))
        _serve_one(store, request, body, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
