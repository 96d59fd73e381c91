"""The one exception tree of pubgraph.

Every error the library raises on purpose derives from :class:`GraphError`; the CLI
prints its message as ``error: …`` and exits with status 1. Messages say what
happened, name the file, record or value at fault, and end with the fix when there
is one.
"""

from __future__ import annotations

__all__ = [
    "GraphError",
    "InputError",
    "QueryError",
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


class StoreError(GraphError):
    """The knowledge-graph store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock."""


class QueryError(GraphError):
    """A SPARQL query is malformed, unknown, or failed while running."""
