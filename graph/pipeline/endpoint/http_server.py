"""The HTTP front of pubgraph's SPARQL endpoint: the SPARQL 1.1 Protocol (``/query``,
``/update``), the Graph Store Protocol (``/store``) and the query page (``/``).

It checks each request (its ``Host``, its method, no ``SERVICE`` unless federation was
asked for), hands it to a worker process (:mod:`graph.pipeline.endpoint.pool`) and relays the
answer under the time limit. Answers up to ``buffer_limit`` bytes are sent whole, with
their real status; longer ones stream in chunks, and a stream the time limit cuts ends
without its last chunk, so every client sees an error rather than a short 200.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

from .pool import Busy, ClientGone, Overrun, Worker, WorkerPool
from .protocol import federated_keyword, host_refusal
from .worker import DATA, END, ERROR, HEADER

__all__ = ["EndpointServer", "Settings"]

_log = logging.getLogger("graph.endpoint")  # the name users configure for the endpoint
_MAX_BODY = 1 << 30
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Settings:
    """What the front needs to know; :func:`graph.pipeline.endpoint.serve` fills it."""

    pool: WorkerPool
    timeout: float
    writable: bool
    cors: bool
    federation: bool
    host_names: frozenset[str]
    any_address: bool
    port: int
    url: str
    buffer_limit: int
    page: bytes


class EndpointServer(ThreadingHTTPServer):
    """A threading HTTP server whose handler answers from ``settings.pool``."""

    daemon_threads = True
    block_on_close = False
    settings: Settings  # set by serve() once the port is bound

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self.address_family = family
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints the traceback to stderr; the library never prints.
        _log.exception("request from %s failed", client_address)


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"
    server_version = "pubgraph"
    timeout = 120  # an idle keep-alive connection or a stalled upload frees its thread
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall
    _body_read = False

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # the library never prints
        _log.debug(format, *args)

    # ---------------------------------------------------------------- routing

    def _dispatch(self) -> None:
        settings = self.server.settings
        self._body_read = False
        try:
            refusal = host_refusal(self.headers.get("Host"), settings.host_names, settings.port, settings.any_address)
            if refusal:
                raise _Refused(421, _host_message(refusal, settings))
            path, _, query = self.path.partition("?")
            params = _params(query)
            if self.command == "OPTIONS":
                return self._preflight()
            if path in ("/", "/index.html") and self.command in ("GET", "HEAD"):
                return self._whole(200, "text/html; charset=utf-8", settings.page)
            handler = {"/query": self._query, "/update": self._update, "/store": self._graph}.get(path)
            if handler is None:
                raise _Refused(404, f"no such page: {path}; the SPARQL endpoint is {settings.url}/query")
            handler(params)
        except _Refused as err:
            self._drain()
            self._plain(err.status, str(err))

    def _plain(self, status: int, message: str) -> None:
        self._whole(status, "text/plain; charset=utf-8", f"{message}\n".encode())

    def _query(self, params: dict[str, list[str]]) -> None:
        if self.command not in ("GET", "POST"):
            raise _Refused(405, "SPARQL queries are sent with GET or POST")
        text = self._operation(params, "query", "application/sparql-query")
        default, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
        for iri in (*default, *named):
            _iri(iri)
        request = {"op": "query", "text": text, "default_graphs": default, "named_graphs": named}
        self._run({**request, "accept": self.headers.get("Accept")})

    def _update(self, params: dict[str, list[str]]) -> None:
        if self.command != "POST":
            raise _Refused(405, "SPARQL updates are sent with POST")
        if not self.server.settings.writable:
            raise _Refused(403, "this endpoint is read-only; start it with --writable to accept updates")
        self._run({"op": "update", "text": self._operation(params, "update", "application/sparql-update")})

    def _graph(self, params: dict[str, list[str]]) -> None:
        if self.command not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
            raise _Refused(405, "the Graph Store Protocol takes GET, HEAD, PUT, POST and DELETE")
        writes = self.command in ("PUT", "POST", "DELETE")
        if writes and not self.server.settings.writable:
            raise _Refused(403, "this endpoint is read-only; start it with --writable to accept Graph Store writes")
        graph = _iri(params["graph"][0]) if params.get("graph") else "" if "default" in params else None
        if writes and graph is None:
            raise _Refused(400, "say which graph to change: ?graph=IRI or ?default")
        body = self._body() if self.command in ("PUT", "POST") else b""
        request = {"op": "graph", "method": self.command, "graph": graph, "accept": self.headers.get("Accept")}
        self._run({**request, "content_type": self.headers.get("Content-Type")}, body)

    def _operation(self, params: dict[str, list[str]], name: str, media: str) -> str:
        if self.command == "POST":
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            body = self._body()
            if kind == _FORM:
                params = {**params, **_params(body.decode("latin-1"))}
            elif kind == media:
                params = {**params, name: [_text(body, "the request body")]}
            else:
                raise _Refused(415, f"send the {name} as {_FORM} (a {name}= field) or as {media}, not {kind or '?'}")
        given = params.get(name, [])
        if len(given) != 1:
            raise _Refused(400, f"give exactly one {name}: a {name}= parameter or an {media} body")
        keyword = federated_keyword(given[0])
        if keyword and not self.server.settings.federation:
            raise _Refused(
                400,
                f"{keyword} is refused: this endpoint sends no requests to other servers; "
                "start it with --allow-federation to allow federated queries",
            )
        return given[0]

    # ---------------------------------------------------------------- the answer

    def _run(self, request: dict[str, Any], body: bytes = b"") -> None:
        settings = self.server.settings
        deadline = time.monotonic() + settings.timeout
        try:
            worker = settings.pool.acquire(deadline)
        except Busy as err:
            raise _Refused(503, f"every query worker stayed busy for {settings.timeout:g} s; try again") from err
        reusable = False
        try:
            reusable = self._relay(worker, {**request, "limit": settings.timeout}, body, deadline)
        finally:
            (settings.pool.release if reusable else settings.pool.discard)(worker)

    def _relay(self, worker: Worker, request: dict[str, Any], body: bytes, deadline: float) -> bool:
        """Relay the worker's answer; whether the worker can take another request."""
        status, media, chunks, size, streaming = 200, "", [], 0, False
        try:
            worker.send(request, body)
        except OSError as err:  # it died between two requests (out of memory?)
            raise _Refused(500, "the query worker stopped unexpectedly; the query was not answered") from err
        try:
            while True:
                kind, payload = worker.frame(deadline, None if streaming else self.connection)
                if kind == HEADER:
                    status, media = (json.loads(payload)[key] for key in ("status", "type"))
                elif kind == DATA and streaming:
                    self._chunk(payload)
                elif kind == DATA:
                    chunks.append(payload)
                    size += len(payload)
                    if size > self.server.settings.buffer_limit:
                        streaming = self._stream(status, media, chunks)
                elif kind in (ERROR, END) and streaming:
                    self._chunk(b"") if kind == END else self._abort()
                    return True
                elif kind == ERROR:
                    failure = json.loads(payload)
                    self._plain(failure["status"], failure["message"])
                    return True
                else:
                    self._whole(status, media, b"".join(chunks))
                    return True
        except Overrun as err:
            if streaming:
                self._abort()
                return False
            raise _Refused(500, _overrun_message(self.server.settings.timeout)) from err
        except EOFError as err:
            if streaming:
                self._abort()
                return False
            raise _Refused(500, "the query worker stopped unexpectedly; the query was not answered") from err
        except (ClientGone, OSError):
            self.close_connection = True
            return False

    def _whole(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        if media:
            self.send_header("Content-Type", media)
        if status != 204:
            self.send_header("Content-Length", str(len(body)))
        self._common_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stream(self, status: int, media: str, chunks: list[bytes]) -> bool:
        self.send_response(status)
        self.send_header("Content-Type", media)
        if self._chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:  # HTTP/1.0 has no chunks: the answer ends with the connection (a cut one with a reset)
            self.close_connection = True
        self._common_headers()
        for chunk in chunks:
            self._chunk(chunk)
        chunks.clear()
        return True

    @property
    def _chunked(self) -> bool:
        return self.request_version != "HTTP/1.0"

    def _chunk(self, data: bytes) -> None:
        if self.command != "HEAD":
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n" if self._chunked else data)

    def _abort(self) -> None:
        # No last chunk, and a reset: the client sees the answer as broken, not as complete.
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _common_headers(self) -> None:
        if self.server.settings.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    def _preflight(self) -> None:
        if not self.server.settings.cors:
            raise _Refused(405, "cross-origin requests are off; start the endpoint with --cors to allow them")
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization")
        self._common_headers()

    # ---------------------------------------------------------------- request bodies

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked_body()
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            raise _Refused(400, f"the Content-Length {length!r} is not a number")
        if int(length) > _MAX_BODY:
            raise _Refused(413, f"the request body is larger than {_MAX_BODY >> 20} MiB; send it in parts")
        self._body_read = True
        return self.rfile.read(int(length))

    def _chunked_body(self) -> bytes:
        parts, total = [], 0
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            total += size
            if total > _MAX_BODY:
                raise _Refused(413, f"the request body is larger than {_MAX_BODY >> 20} MiB; send it in parts")
            parts.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers
            pass
        self._body_read = True
        return b"".join(parts)

    def _drain(self) -> None:
        # A refused request's unread body would be read as the next request: close instead.
        if not self._body_read and (
            self.headers.get("Content-Length", "0") != "0" or self.headers.get("Transfer-Encoding")
        ):
            self.close_connection = True


def _params(query: str) -> dict[str, list[str]]:
    try:
        return parse_qs(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as err:
        raise _Refused(400, f"the request's parameters are not UTF-8 ({err.reason}); percent-encode UTF-8") from err


def _text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _Refused(400, f"{what} is not UTF-8 ({err.reason} at byte {err.start})") from err


def _iri(value: str) -> str:
    try:
        return ox.NamedNode(value).value
    except ValueError as err:
        raise _Refused(400, f"{value!r} is not an IRI: {err}") from err


def _host_message(refusal: str, settings: Settings) -> str:
    return (
        f"{refusal}; this endpoint answers only requests addressed to it by name ({settings.url}/), a guard "
        "against DNS rebinding; to reach it through another name, start it with --allow-host NAME"
    )


def _overrun_message(timeout: float) -> str:
    return (
        f"the query ran longer than this endpoint's time limit ({timeout:g} s) and was stopped; narrow it "
        "(a LIMIT, fewer unbound patterns) or start the endpoint with a longer --timeout"
    )
