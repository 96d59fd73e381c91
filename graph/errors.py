"""The one exception tree of pubgraph.

Every error the library raises on purpose derives from :class:`GraphError`; the CLI
prints its message as ``error: …`` and exits with status 1. Messages say what
happened, name the file, record or value at fault, and end with the fix when there
is one.
"""

from __future__ import annotations

__all__ = [
    "ConversionError",
    "DistributedError",
    "EndpointError",
    "EutilsError",
    "GraphError",
    "InputError",
    "NetworkError",
    "NoResultsError",
    "OutputError",
    "PayloadTooLargeError",
    "QueryError",
    "QueryParameterError",
    "RemoteAuthError",
    "RemoteError",
    "RemoteUnavailableError",
    "StoreError",
    "StoreLockedError",
    "UnknownFormatError",
]


class GraphError(Exception):
    """Base class for every error pubgraph raises on purpose."""


class InputError(GraphError):
    """An input file is missing, unreadable, truncated or not what it claims to be."""


class UnknownFormatError(InputError):
    """No registered source or serializer handles this file name or content."""


class ConversionError(GraphError):
    """Converting an input stopped for a reason other than its content (a worker process died)."""


class StoreError(GraphError):
    """The knowledge-graph store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock."""


class QueryError(GraphError):
    """A SPARQL query is malformed, unknown, or failed while running."""


class NetworkError(GraphError):
    """A network cannot be projected, measured, exported or drawn as asked."""


class EndpointError(GraphError):
    """The local SPARQL endpoint (pubgraph serve) cannot be started or stopped."""


class RemoteError(GraphError):
    """A remote SPARQL endpoint or graph store refused or failed a request."""


class RemoteAuthError(RemoteError):
    """The remote server refused the credentials (HTTP 401 or 403), or none were given."""


class RemoteUnavailableError(RemoteError):
    """The remote server cannot be reached, or stopped answering, even after retries."""


class PayloadTooLargeError(RemoteError):
    """The remote server refused a request body as too large (HTTP 413), even a minimal one."""


class EutilsError(GraphError):
    """An NCBI E-utilities request failed: an ``<ERROR>`` reply, a bad response, or
    retries used up on rate limits, server errors or a broken connection."""


class NoResultsError(EutilsError):
    """A search or link request succeeded but found nothing to fetch."""


class QueryParameterError(QueryError):
    """A saved query was given an unknown parameter, or a missing or malformed value;
    the CLI treats it as a usage error (exit status 2)."""


class OutputError(GraphError):
    """An output file or folder cannot be written: read-only or full file system, no permission."""


class DistributedError(GraphError):
    """A run on a Dask cluster, or a bulk load of its shards, cannot go on: no scheduler,
    no Dask, a shard folder that cannot be written, a store that refused the shards."""
