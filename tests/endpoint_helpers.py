"""Helpers for the endpoint tests: raw HTTP with any Host header; and, for every test that
stops processes, the children a process runs, read from /proc."""

from __future__ import annotations

import http.client
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit

__all__ = ["children", "free_port", "gone", "raw_post", "wait_for", "workers"]

WORKER = b"graph.pipeline.endpoint.worker"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def raw_post(url: str, query: str, *, host: str | None = None, accept: str = "application/sparql-results+json"):
    """POST a query form to ``url`` with exactly this ``Host`` header; (status, body text)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest("POST", parts.path or "/", skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        body = urlencode({"query": query}).encode()
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(len(body)))
        connection.putheader("Accept", accept)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def children(pid: int) -> set[int]:
    """Every live process whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def workers(pid: int | None = None) -> set[int]:
    """The endpoint worker processes started by ``pid`` (this process by default)."""
    found = set()
    for child in children(os.getpid() if pid is None else pid):
        try:
            if WORKER in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found


def gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs (absent, or a zombie awaiting its parent)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def wait_for(condition: Callable[[], bool], within: float = 20) -> bool:
    """Poll ``condition`` until it holds or ``within`` seconds pass; its last value."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
