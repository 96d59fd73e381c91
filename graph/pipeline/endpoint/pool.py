"""The worker processes behind pubgraph's SPARQL endpoint: a few kept ready, each killed
when its request overruns the time limit, and replaced.

Workers are started by one long-lived thread, since Linux's PR_SET_PDEATHSIG (which
every worker sets, see :func:`graph.processes.die_with_parent`) fires when the *thread*
that started the process ends: the HTTP server's request threads live for one request.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import EndpointError
from .worker import ERROR, READY

__all__ = ["Busy", "ClientGone", "Overrun", "Worker", "WorkerPool"]

_LENGTH = struct.Struct(">I")
_READ_SIZE = 1 << 16


class Overrun(Exception):
    """The worker did not finish before the deadline."""


class ClientGone(Exception):
    """The client closed its connection while its request ran."""


class Busy(Exception):
    """No worker became free before the deadline."""


@dataclass(eq=False)
class Worker:
    """One worker process and the frames read from it so far."""

    process: subprocess.Popen[bytes]
    _buffer: bytearray = field(default_factory=bytearray)

    def send(self, request: dict[str, Any], body: bytes = b"") -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({**request, "length": len(body)}).encode() + b"\n" + body)
        self.process.stdin.flush()

    def frame(self, deadline: float, client: socket.socket | None = None) -> tuple[bytes, bytes]:
        """The next frame (kind, payload); :class:`Overrun` past ``deadline``,
        :class:`ClientGone` when ``client`` hangs up first, EOFError when the worker died."""
        while True:
            if len(self._buffer) >= 5:
                (size,) = _LENGTH.unpack_from(self._buffer, 1)
                if len(self._buffer) >= 5 + size:
                    kind, payload = bytes(self._buffer[:1]), bytes(self._buffer[5 : 5 + size])
                    del self._buffer[: 5 + size]
                    return kind, payload
            client = self._wait(deadline, client)
            chunk = os.read(self._fd, _READ_SIZE)
            if not chunk:
                raise EOFError("the worker process ended")
            self._buffer += chunk

    @property
    def _fd(self) -> int:
        assert self.process.stdout is not None
        return self.process.stdout.fileno()

    def _wait(self, deadline: float, client: socket.socket | None) -> socket.socket | None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Overrun
            watched: list[Any] = [self._fd] + ([client] if client is not None else [])
            ready, _, _ = select.select(watched, [], [], left)
            if self._fd in ready:
                return client
            if client is not None and client in ready:
                client = _check_client(client)

    def kill(self) -> None:
        """SIGKILL (a query in pyoxigraph cannot be interrupted otherwise), then reap."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close() if stream is not None else None


def _check_client(client: socket.socket) -> socket.socket | None:
    # Readable with nothing to read: the client hung up. Readable with data: a pipelined
    # request, left for later; stop watching so select does not spin on it.
    try:
        peeked = client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return client
    except OSError as err:
        raise ClientGone from err
    if not peeked:
        raise ClientGone
    return None


class WorkerPool:
    """``size`` ready workers on ``store``; one long-lived thread starts them all."""

    def __init__(self, store: Path, size: int, *, writable: bool = False, ready_within: float = 30) -> None:
        self.store, self.size, self.writable, self.ready_within = store, size, writable, ready_within
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._ready = threading.Condition()
        self._requests: queue.Queue[bool] = queue.Queue()
        self._failure: str | None = None
        self._closed = False
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self._spawner = threading.Thread(target=self._spawn_loop, name="pubgraph-endpoint-workers", daemon=True)
        self._spawner.start()
        for _ in range(size):
            self._requests.put(True)

    def start(self) -> None:
        """Wait until a worker is ready; :class:`EndpointError` when none can open the store."""
        deadline = time.monotonic() + self.ready_within
        with self._ready:
            while not self._idle and self._failure is None:
                if not self._ready.wait(max(0.0, deadline - time.monotonic())):
                    raise EndpointError(f"the query workers did not open {self.store} within {self.ready_within:.0f} s")
            if self._failure is not None and not self._idle:
                raise EndpointError(f"the query workers cannot open {self.store}: {self._failure}")

    def pids(self) -> set[int]:
        """The process ids of the workers alive now, idle or busy."""
        with self._ready:
            return {worker.process.pid for worker in (*self._idle, *self._busy)}

    def acquire(self, deadline: float) -> Worker:
        """A ready worker, waiting until ``deadline``; :class:`Busy` if none frees in time."""
        with self._ready:
            while not self._idle:
                if self._closed or not self._ready.wait(max(0.0, deadline - time.monotonic())):
                    raise Busy
            worker = self._idle.pop()
            self._busy.add(worker)
            return worker

    def release(self, worker: Worker) -> None:
        """Back to the pool after a complete answer."""
        with self._ready:
            self._busy.discard(worker)
            if self._closed:
                worker.kill()
                return
            self._idle.append(worker)
            self._ready.notify()

    def discard(self, worker: Worker) -> None:
        """Kill ``worker`` (overrun, client gone, broken answer) and start a replacement."""
        worker.kill()
        with self._ready:
            self._busy.discard(worker)
            if not self._closed:
                self._requests.put(True)

    def close(self) -> None:
        """Kill every worker, busy ones included."""
        with self._ready:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._ready.notify_all()
        self._requests.put(False)
        for worker in workers:
            worker.kill()
        self._spawner.join(timeout=10)
        self._log.close()

    def _spawn_loop(self) -> None:
        while self._requests.get():
            worker = self._spawn()
            with self._ready:
                if worker is not None and not self._closed:
                    self._idle.append(worker)
                elif worker is not None:
                    worker.kill()
                self._ready.notify_all()

    def _spawn(self) -> Worker | None:
        command = [
            sys.executable,
            "-m",
            "graph.pipeline.endpoint.worker",
            str(self.store),
            "--parent",
            str(os.getpid()),
        ]
        process = subprocess.Popen(
            command + (["--writable"] if self.writable else []),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        worker = Worker(process)
        try:
            kind, payload = worker.frame(time.monotonic() + self.ready_within)
        except (Overrun, EOFError):
            kind, payload = ERROR, json.dumps({"message": "the worker did not start"}).encode()
        if kind == READY:
            return worker
        worker.kill()
        self._failure = json.loads(payload).get("message", "unknown error")
        return None
