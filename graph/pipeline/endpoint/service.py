"""A SPARQL 1.1 Protocol endpoint over the store, with a query page.

pubgraph serves HTTP itself (:mod:`graph.pipeline.endpoint.http_server`) and runs each request in a
worker process that has the store open (:mod:`graph.pipeline.endpoint.pool`): GET and POST
queries, content negotiation for JSON, XML, CSV and TSV results and for the RDF
syntaxes, the Graph Store Protocol at ``/store`` and an offline query page at ``/``.

Why worker processes: Oxigraph checks its time limit only between results, so a join or
an aggregate that produces none ran on for minutes after its client left; a process can
always be killed. So ``timeout`` stops every query and frees its CPU, and only the
worker that ran it is lost (a fresh one replaces it).

It runs read-only unless ``writable`` is asked for, listens on 127.0.0.1 unless told
otherwise, answers only requests addressed to it by name (DNS rebinding), sends no
request to other servers unless ``allow_federation`` is set, and takes the union of the
named graphs as the default graph, as every other query through pubgraph does.
"""

from __future__ import annotations

import os
import shutil
import socket
import sysconfig
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from ...errors import EndpointError, GraphError, StoreLockedError
from ...model.namespaces import PREFIXES
from ...store.oxigraph import KnowledgeStore, store_path
from .http_server import EndpointServer, Settings
from .page import query_page
from .pool import WorkerPool
from .protocol import allowed_host_names

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Endpoint",
    "lock_holder",
    "oxigraph_binary",
    "serve",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("0.0.0.0", "::", "")
# Answers up to this size are sent whole with their true status; longer ones stream.
_BUFFER_LIMIT = 4 << 20


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server program: on PATH, else beside this Python's scripts
    (the tests push to it; pubgraph's own endpoint does not use it).

    >>> oxigraph_binary().name
    'oxigraph'
    """
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=sysconfig.get_path("scripts"))
    if not found:
        raise EndpointError(
            "the oxigraph server program is not installed; install it with: pip install 'oxigraph>=0.5,<0.6'"
        )
    return Path(found)


@dataclass
class Endpoint:
    """A running endpoint; stop it with :meth:`stop` or by leaving the ``with`` block."""

    url: str
    store: Path
    writable: bool
    warnings: tuple[str, ...] = ()
    _server: EndpointServer | None = field(default=None, repr=False)
    _pool: WorkerPool | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

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

    def worker_pids(self) -> set[int]:
        """The process ids of the query workers alive now."""
        return self._pool.pids() if self._pool is not None else set()

    def wait(self) -> None:
        """Block until the endpoint stops (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        """Stop answering, and kill every worker (running queries included)."""
        server, pool, thread = self._server, self._pool, self._thread
        self._server = self._pool = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if pool is not None:
            pool.close()
        if thread is not None:
            thread.join()

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
    allow_federation: bool = False,
    allowed_hosts: Iterable[str] = (),
    workers: int | None = None,
    buffer_limit: int = _BUFFER_LIMIT,
    ready_within: float = 30,
) -> Endpoint:
    """Start the SPARQL endpoint on ``store`` and return once it answers queries.

    ``workers`` processes answer queries side by side (one when ``writable``: a store has
    one writer); ``allowed_hosts`` are more names the ``Host`` header may carry.
    Raises :class:`~graph.errors.StoreLockedError` when ``writable`` is asked for while
    another process writes the store, and :class:`~graph.errors.EndpointError` when the
    endpoint cannot start (port in use, store unreadable).
    """
    where = store_path(store)
    KnowledgeStore.open(where, read_only=True).close()  # names a missing store; rolls back a killed load
    holder = lock_holder(where)
    if writable and holder:
        raise StoreLockedError(_locked(where, holder))
    server = _listen(host, port)
    size = 1 if writable else workers or max(2, min(4, os.cpu_count() or 2))
    pool = WorkerPool(where, size, writable=writable, ready_within=ready_within)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{server.server_address[1]}"
    names = allowed_host_names(host, allowed_hosts)
    server.settings = Settings(
        pool, timeout, writable, cors, allow_federation, names, host in _ANY_ADDRESS,
        int(server.server_address[1]), url, buffer_limit, _page(timeout, writable),
    )  # fmt: skip
    try:
        pool.start()
    except EndpointError as err:
        server.server_close()
        pool.close()
        raise _start_error(where, str(err)) from err
    thread = threading.Thread(target=server.serve_forever, name="pubgraph-endpoint", daemon=True)
    thread.start()
    return Endpoint(
        url, where, writable, _warnings(where, host, holder, writable, allow_federation), server, pool, thread
    )


def _listen(host: str, port: int) -> EndpointServer:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return EndpointServer((host, port), family)
    except OSError as err:
        raise EndpointError(
            f"cannot listen on {host}:{port} ({err.strerror}); choose another --port or --host"
        ) from err


def _page(timeout: float, writable: bool) -> bytes:
    from ...queries import list_saved

    # Each saved query's own text: its VALUES lines hold a sample value for each parameter.
    examples = [(saved.title, saved.text) for saved in list_saved()]
    return query_page(PREFIXES, examples, timeout=timeout, writable=writable)


def _start_error(where: Path, message: str) -> GraphError:
    if "lock" in message.lower():
        return StoreLockedError(_locked(where, None))
    return EndpointError(message)


def _warnings(where: Path, host: str, holder: int | None, writable: bool, federation: bool) -> tuple[str, ...]:
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
    if federation:
        notes.append("federation allowed: SERVICE and LOAD make this endpoint send requests to other servers")
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
