"""Copy the store's named graphs into a running triple store, then check what arrived.

Each named graph is replaced on the target as a whole (the protocol decides how: GSP
``PUT`` or Update ``DROP`` + ``INSERT DATA``), so a push that stopped half-way is
completed by running it again, never duplicated. Afterwards every pushed graph's triple
count on the target is compared with the store's (see :mod:`.verify`).
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from ...errors import GraphError, QueryError, RemoteAuthError, RemoteError, RemoteUnavailableError
from ...http import RetryNotice, RetryPolicy, patient_session
from ...redact import redact_url
from ..oxigraph import KnowledgeStore
from ..selection import graph_counts, select_graphs
from ._http import Remote
from .auth import Credentials
from .base import GraphWriter, Progress, StoreGraph, no_progress
from .urls import query_endpoint_for
from .verify import GraphCheck, compare, remote_counts

__all__ = ["PROTOCOLS", "PushSummary", "get_protocol", "push"]

#: protocol name -> "module:class" of its :class:`~.base.GraphWriter`, imported on first use.
PROTOCOLS: dict[str, str] = {
    "gsp": "graph.store.remote.gsp:GraphStoreProtocol",
    "update": "graph.store.remote.update:SparqlUpdate",
}


def get_protocol(name: str) -> type[GraphWriter]:
    """The writer class registered as ``name``.

    >>> get_protocol("gsp").__name__
    'GraphStoreProtocol'
    """
    if name not in PROTOCOLS:
        raise GraphError(f"unknown push method {name!r}; use one of {', '.join(PROTOCOLS)}")
    module, _, cls = PROTOCOLS[name].partition(":")
    writer: type[GraphWriter] = getattr(importlib.import_module(module), cls)
    return writer


@dataclass(frozen=True, slots=True)
class PushSummary:
    """What a push sent, and how the target's counts compare (``checks`` is empty without
    verification)."""

    url: str
    method: str
    graphs: int
    triples: int
    requests: int
    retries: int
    shrinks: int
    seconds: float
    query_url: str | None
    checks: tuple[GraphCheck, ...] = ()
    default_graph_skipped: int = 0

    @property
    def verified(self) -> bool:
        return self.query_url is not None

    @property
    def mismatches(self) -> tuple[GraphCheck, ...]:
        return tuple(check for check in self.checks if not check.ok)

    @property
    def remote_triples(self) -> int:
        return sum(check.remote for check in self.checks)


def push(
    url: str,
    store: KnowledgeStore | Path | str | None = None,
    *,
    method: str = "gsp",
    graphs: Sequence[str] | None = None,
    credentials: Credentials | None = None,
    batch: int | None = None,
    verify: bool = True,
    query_url: str | None = None,
    retry: RetryPolicy | None = None,
    timeout: float = 300.0,
    session: requests.Session | None = None,
    progress: Progress = no_progress,
    on_total: Progress = no_progress,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> PushSummary:
    """Replace the store's named graphs (all, or those ``graphs`` names) on the target at ``url``.

    ``method`` is a key of :data:`PROTOCOLS`; ``batch`` bounds the triples per request;
    ``timeout`` bounds the wait for each answer (a silence, and a whole body);
    ``session`` is the HTTP transport (tests pass an offline one). ``on_total`` hears the
    number of triples to send once it is known, ``progress`` each batch sent, ``on_retry``
    each retry before its wait.

    >>> from graph.store.remote.transport import mock_session
    >>> session = mock_session(lambda request: (201, {}, b""))
    >>> push("http://localhost:7878/store", KnowledgeStore.in_memory(), session=session).graphs
    0
    """
    policy = dataclasses.replace(retry or RetryPolicy(), read=timeout, total=timeout)
    remote = Remote(
        session or patient_session(policy),
        credentials.auth() if credentials else None,
        policy,
        credentials.secrets if credentials else (),
        on_retry,
    )
    writer = get_protocol(method)(remote, url, batch, progress)
    with _opened(store) as kg:
        chosen = select_graphs(graph_counts(kg), graphs, kg.iris.base)
        on_total(sum(chosen.values()))
        started = time.perf_counter()
        _send(writer, kg, chosen, url)
        skipped = _default_graph_size(kg)
    target = (query_url or query_endpoint_for(url)) if verify else None
    checks = _verify(remote, target, chosen) if target else ()
    return PushSummary(
        redact_url(url),
        method,
        len(chosen),
        sum(chosen.values()),
        remote.requests_sent,
        remote.retries_done,
        writer.shrinks,
        time.perf_counter() - started,
        redact_url(target) if target else None,
        checks,
        skipped,
    )


def _verify(remote: Remote, query_url: str, chosen: dict[str, int]) -> tuple[GraphCheck, ...]:
    try:
        return compare(chosen, remote_counts(remote, query_url, list(chosen)))
    except RemoteAuthError:
        raise
    except (RemoteError, QueryError) as err:
        raise RemoteError(
            f"the push completed, but counting triples at {redact_url(query_url)} failed: {err}\n"
            "Give the store's SPARQL query URL with --query-endpoint, or skip the check with --no-verify."
        ) from err


@contextmanager
def _opened(store: KnowledgeStore | Path | str | None) -> Iterator[KnowledgeStore]:
    if isinstance(store, KnowledgeStore):
        yield store
        return
    with KnowledgeStore.open(store, read_only=True) as kg:
        yield kg


def _send(writer: GraphWriter, store: KnowledgeStore, chosen: dict[str, int], url: str) -> None:
    done = 0
    try:
        for iri, count in chosen.items():
            writer.write(StoreGraph(store.oxigraph, iri, count))
            done += 1
        writer.close()
    except RemoteUnavailableError as err:
        if done == 0:
            raise
        where = min(done + 1, len(chosen))
        raise RemoteUnavailableError(
            f"{err}\nThe push stopped at graph {where:,} of {len(chosen):,}, so the target holds part of the "
            "store: run the same push again to complete it (each graph is replaced, never duplicated)."
        ) from err


def _default_graph_size(store: KnowledgeStore) -> int:
    """Triples in the store's default graph: pubgraph writes none, and push sends none."""
    import pyoxigraph as ox

    return sum(1 for _ in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph()))
