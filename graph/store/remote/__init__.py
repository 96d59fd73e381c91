"""Pushing the store into running triple stores: Graph Store Protocol or SPARQL Update.

A protocol is a module plus one entry in :data:`PROTOCOLS` (``gsp``: SPARQL 1.1 Graph
Store HTTP Protocol; ``update``: SPARQL 1.1 Update). :func:`push` replaces each named
graph on the target, retries transient failures, and verifies triple counts per graph.
"""

from __future__ import annotations

from ...http import RetryPolicy
from ._push import PROTOCOLS, PushSummary, get_protocol, push
from .auth import Credentials, credentials_from_env
from .urls import STORE_URL_FORMS, query_endpoint_for
from .verify import GraphCheck

__all__ = [
    "PROTOCOLS",
    "STORE_URL_FORMS",
    "Credentials",
    "GraphCheck",
    "PushSummary",
    "RetryPolicy",
    "credentials_from_env",
    "get_protocol",
    "push",
    "query_endpoint_for",
]
