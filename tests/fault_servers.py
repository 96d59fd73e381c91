"""Misbehaving HTTP servers on 127.0.0.1, for the network-failure tests.

- :func:`silent_port`: accepts connections (the kernel's backlog does) and never answers;
- :class:`Stalling`: answers the head and part of a body, then stalls or trickles;
- :class:`EchoServer`: answers each request with an error page that quotes the request,
  headers and body, in several encodings (as careless servers do), optionally after a
  Digest challenge or a few 503s.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

__all__ = ["EchoServer", "Stalling", "silent_port"]


@contextmanager
def silent_port() -> Iterator[int]:
    """A port whose connections open and then hear nothing."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


class Stalling:
    """Sends a 200 head announcing ``length`` bytes, then ``first`` bytes, then one byte
    every ``every`` seconds (never, when None) until the client leaves."""

    def __init__(self, length: int = 1000, first: int = 10, every: float | None = None) -> None:
        self.length, self.first, self.every = length, first, every
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/"

    def __enter__(self) -> Stalling:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {self.length}\r\n\r\n"
            try:
                connection.sendall(head.encode() + b"x" * self.first)
                while self.every is not None and not self._stop.wait(self.every):
                    connection.sendall(b"x")
                self._stop.wait()
            except OSError:
                return


class EchoServer:
    """Answers every request with ``status`` and a page quoting the request.

    ``digest`` first challenges requests without ``Authorization: Digest``;
    ``busy`` answers the first that many requests 503 (``Retry-After: 0``).
    ``seen`` keeps each request's ``Authorization`` header.
    """

    def __init__(self, status: int = 500, *, digest: bool = False, busy: int = 0) -> None:
        self.status, self.digest, self.busy = status, digest, busy
        self.seen: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_PUT(self) -> None:
                server.handle(self)

            do_GET = do_POST = do_PUT

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> EchoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        authorization = request.headers.get("Authorization", "")
        self.seen.append(authorization)
        if self.busy > 0:
            self.busy -= 1
            self._send(request, 503, b"busy, try again", {"Retry-After": "0"})
        elif self.digest and not authorization.startswith("Digest "):
            challenge = 'Digest realm="store", nonce="6f1c2a", qop="auth", algorithm=MD5'
            self._send(request, 401, b"", {"WWW-Authenticate": challenge})
        else:
            self._send(request, self.status, self.page(request, body))

    @staticmethod
    def page(request: BaseHTTPRequestHandler, body: bytes) -> bytes:
        value = request.headers.get("Authorization", "")
        token = value.partition(" ")[2]
        lines = [  # what matters first: error excerpts are cut after a few hundred characters
            "<html><body><h1>Internal error</h1><pre>",
            f"credentials: {token}",
            "wrapped: " + "\n".join(token[i : i + 6] for i in range(0, len(token), 6)),
            f"auth={quote(value, safe='')}",  # as a logged query string
            json.dumps({k: v for k, v in request.headers.items() if k in ("Authorization", "Host")}),
            request.requestline,
            str(request.headers),  # the head as received, Authorization line and all
            f"body: {body[:200].decode('utf-8', 'replace')}</pre></body></html>",
        ]
        return "\n".join(lines).encode()

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
