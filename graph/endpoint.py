"""A SPARQL 1.1 Protocol endpoint over the store: Oxigraph's own HTTP server.

The ``oxigraph`` package ships the server that pyoxigraph's storage format comes from,
so pubgraph starts it on the store directory rather than serving HTTP itself: GET and
POST queries, content negotiation for JSON, XML, CSV and TSV results and for every RDF
syntax, a query page (YASGUI) at ``/``, and the Graph Store Protocol at ``/store``.

It runs read-only unless ``writable`` is asked for, listens on 127.0.0.1 unless told
otherwise, stops queries after ``timeout`` seconds, and takes the union of the named
graphs as the default graph, as every other query through pubgraph does.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

import requests

from .errors import EndpointError, GraphError, StoreError, StoreLockedError
from .store.oxigraph import store_path

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Endpoint",
    "die_with_parent",
    "lock_holder",
    "oxigraph_binary",
    "serve",
    "server_command",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server program: on PATH, else beside this Python's scripts.

    >>> oxigraph_binary().name
    'oxigraph'
    """
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=sysconfig.get_path("scripts"))
    if not found:
        raise EndpointError(
            "the oxigraph server program is not installed; install it with: pip install 'oxigraph>=0.5,<0.6'"
        )
    return Path(found)


def server_command(
    store: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    timeout: float = 60,
    cors: bool = False,
    binary: Path | None = None,
) -> list[str]:
    """The command line that serves ``store``.

    >>> server_command(Path("kg"), binary=Path("oxigraph"))  # doctest: +NORMALIZE_WHITESPACE
    ['oxigraph', 'serve-read-only', '--location', 'kg', '--bind', '127.0.0.1:7878',
     '--union-default-graph', '--timeout-s', '60']
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    command = [
        str(binary or oxigraph_binary()),
        "serve" if writable else "serve-read-only",
        "--location",
        str(store),
        "--bind",
        bind,
        "--union-default-graph",
        "--timeout-s",
        str(max(1, round(timeout))),
    ]
    return command + (["--cors"] if cors else [])


@dataclass
class Endpoint:
    """A running server; stop it with :meth:`stop` or by leaving the ``with`` block."""

    url: str
    store: Path
    writable: bool
    process: subprocess.Popen[bytes]
    warnings: tuple[str, ...] = ()
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.url}/store"

    def wait(self) -> int:
        """Block until the server exits; its exit status."""
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def serve(
    store: Path | str | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    writable: bool = False,
    timeout: float = 60,
    cors: bool = False,
    ready_within: float = 30,
) -> Endpoint:
    """Start the SPARQL endpoint on ``store`` and return once it answers queries.

    Raises :class:`~graph.errors.StoreLockedError` when ``writable`` is asked for while
    another process writes the store, and :class:`~graph.errors.EndpointError` when the
    server does not start (port in use, program missing).
    """
    where = store_path(store)
    if not (where / "CURRENT").exists():
        raise StoreError(f"no store at {where}: build one first (pubgraph build FILES, or pubgraph demo)")
    holder = lock_holder(where)
    if writable and holder:
        raise StoreLockedError(_locked(where, holder))
    command = server_command(where, host=host, port=port, writable=writable, timeout=timeout, cors=cors)
    _check_port_free(host, port)
    log = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the server; Endpoint.stop closes it)
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
    )
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    endpoint = Endpoint(url, where, writable, process, _warnings(where, host, holder, writable), log)
    try:
        _wait_ready(endpoint, log, ready_within)
    except BaseException:
        endpoint.stop()
        raise
    return endpoint


def die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the thread that started it ends or its
    process dies, even by SIGKILL, so no server outlives ``pubgraph serve`` (Linux prctl(2)
    PR_SET_PDEATHSIG; a no-op elsewhere). Call :func:`serve` from a thread that lives as
    long as the server should."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _check_port_free(host: str, port: int) -> None:
    # Bind first ourselves: the readiness probe would otherwise take the answer of
    # whatever server already listens there for the new one's.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise EndpointError(
                f"cannot listen on {host}:{port} ({err.strerror}); choose another --port or --host"
            ) from err


def _wait_ready(endpoint: Endpoint, log: IO[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    probe = endpoint.url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")
    while time.monotonic() < deadline:
        if endpoint.process.poll() is not None:
            raise _start_error(endpoint, _read(log))
        try:
            answered = requests.get(f"{probe}/query", params={"query": "ASK {}"}, timeout=2).ok
            if answered and endpoint.process.poll() is None:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise EndpointError(f"the SPARQL server on {endpoint.url} did not answer within {within:.0f} s")


def _start_error(endpoint: Endpoint, output: str) -> GraphError:
    first = next((line.strip() for line in output.splitlines() if line.strip()), "no output")
    if "lock" in output.lower():
        return StoreLockedError(_locked(endpoint.store, None))
    if "address already in use" in output.lower() or "addrinuse" in output.lower():
        return EndpointError(f"{endpoint.url} is already in use by another program; choose another --port")
    return EndpointError(f"the SPARQL server stopped at start: {first}")


def _read(log: IO[bytes]) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")


def _warnings(where: Path, host: str, holder: int | None, writable: bool) -> tuple[str, ...]:
    notes = []
    if holder:
        notes.append(
            f"{where} is being written by process {holder} (a build?): the endpoint answers from the store "
            "as it was when it started; restart it after the build to see the new data"
        )
    if host not in _LOCAL_HOSTS:
        notes.append(f"listening on {host}: other machines can reach this endpoint, and it has no authentication")
    if writable:
        notes.append("writable: SPARQL Update and Graph Store requests change the store")
    return tuple(notes)


def _locked(where: Path, holder: int | None) -> str:
    who = f"process {holder}" if holder else "another process"
    return (
        f"{where} is in use by {who} (a running build, or another writable server); a writable endpoint "
        "needs the store to itself: wait for it to finish, or serve read-only (without --writable)"
    )


def lock_holder(store: Path) -> int | None:
    """The id of the process holding the store's RocksDB write lock, if any (Linux only).

    Read from ``/proc/locks`` rather than by probing the lock: closing any descriptor of a
    file drops this process's own POSIX locks on it (fcntl(2)), which a probe would risk.

    >>> lock_holder(Path("/nonexistent")) is None
    True
    """
    try:
        info = os.stat(store / "LOCK")
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    for line in table.splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[5] == key and fields[4].isdigit():
            pid = int(fields[4])
            return pid if pid != os.getpid() else None
    return None
