"""Real servers for the push tests: Oxigraph, Virtuoso, and a gateway in front of them.

Each runs as a child process (or thread) on 127.0.0.1 with a free port and its own
directory; the fixtures in ``conftest.py`` start and stop them.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from graph.pipeline.endpoint import oxigraph_binary
from graph.processes import die_with_parent

__all__ = ["Gateway", "KillAfter", "OxigraphServer", "Virtuoso", "free_port", "wait_until_up"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None, within: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = log.read_text(errors="replace") if log else ""
            raise RuntimeError(f"server exited with {process.returncode}: {output[-2000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {within} s")


@dataclass
class OxigraphServer:
    """``oxigraph serve`` (read-write) on ``location``; restartable on the same data."""

    location: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OxigraphServer:
        log = self.location.with_suffix(".log")
        command = [
            str(oxigraph_binary()),
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--union-default-graph",
        ]
        self.process = subprocess.Popen(
            command, stdout=log.open("ab"), stderr=subprocess.STDOUT, preexec_fn=die_with_parent
        )
        wait_until_up(f"{self.url}/query", self.process, 20, log)
        return self

    def kill(self) -> None:
        """Die at once, as a crashed server does (SIGKILL, no clean shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def count(self, sparql_where: str = "GRAPH ?g { ?s ?p ?o }") -> int:
        answer = requests.post(
            f"{self.url}/query",
            data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {sparql_where} }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        answer.raise_for_status()
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])


class KillAfter(requests.Session):
    """A session that runs ``action`` (kills the server) just before its ``n``-th request."""

    def __init__(self, n: int, action: Callable[[], None]) -> None:
        super().__init__()
        self.n, self.action, self.sent = n, action, 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent += 1
        if self.sent == self.n:
            self.action()
        return super().send(request, **kwargs)


class Gateway:
    """A reverse proxy in front of a real server, as production stores sit behind nginx:
    it can demand basic auth (401), cap request bodies (413) and fail the first requests
    with 503. It records what it saw (never the credentials)."""

    def __init__(
        self,
        upstream: str,
        *,
        max_body: int | None = None,
        credentials: tuple[str, str] | None = None,
        fail_first: int = 0,
    ) -> None:
        self.upstream, self.max_body, self.credentials, self.fail_first = upstream, max_body, credentials, fail_first
        self.seen: list[tuple[str, int, int]] = []  # (method, body bytes, status)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                gateway.handle(self)

            do_POST = do_PUT = do_DELETE = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        status = self._refusal(request, body)
        if status is None:
            forwarded = requests.request(
                request.command,
                self.upstream + request.path,
                data=body,
                timeout=60,
                headers={k: v for k, v in request.headers.items() if k.lower() in ("content-type", "accept")},
            )
            status, content, kind = forwarded.status_code, forwarded.content, forwarded.headers.get("Content-Type", "")
        else:
            content, kind = b"", "text/plain"
        self.seen.append((request.command, len(body), status))
        request.send_response(status)
        request.send_header("Content-Length", str(len(content)))
        if kind:
            request.send_header("Content-Type", kind)
        if status == 401:
            request.send_header("WWW-Authenticate", 'Basic realm="store"')
        request.end_headers()
        request.wfile.write(content)

    def _refusal(self, request: BaseHTTPRequestHandler, body: bytes) -> int | None:
        if self.fail_first > 0:
            self.fail_first -= 1
            return 503
        if self.credentials is not None:
            import base64

            expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
            if request.headers.get("Authorization") != expected:
                return 401
        if self.max_body is not None and len(body) > self.max_body:
            return 413
        return None


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass
class Virtuoso:
    """A private Virtuoso (Debian's virtuoso-opensource) in ``directory``: dba/dba, 127.0.0.1 only."""

    directory: Path
    http_port: int = field(default_factory=free_port)
    sql_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    password: str = "dba"

    @staticmethod
    def binary() -> str | None:
        return shutil.which("virtuoso-t")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> Virtuoso:
        ini = self.directory / "virtuoso.ini"
        ini.write_text(_VIRTUOSO_INI.format(dir=self.directory, sql_port=self.sql_port, http_port=self.http_port))
        log = self.directory / "stdout.log"
        self.process = subprocess.Popen(
            [str(self.binary()), "+configfile", str(ini), "+foreground"],
            cwd=self.directory,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
        wait_until_up(f"{self.url}/sparql", self.process, 90, log)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def isql_count(self, where: str) -> int:
        """``SELECT COUNT(*)`` through Virtuoso's own SQL client, independent of its HTTP side."""
        isql = shutil.which("isql-vt")
        if isql is None:
            raise RuntimeError("isql-vt is missing")
        done = subprocess.run(
            [
                isql,
                f"127.0.0.1:{self.sql_port}",
                "dba",
                self.password,
                "verbose=off",
                "banner=off",
                "prompt=off",
                "echo=off",
                "errors=stdout",
                f"exec=SPARQL SELECT COUNT(*) WHERE {{ {where} }};",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        numbers = [line.strip() for line in done.stdout.splitlines() if line.strip().isdigit()]
        if len(numbers) != 1:
            raise RuntimeError(f"unexpected isql output: {done.stdout!r}")
        return int(numbers[0])
