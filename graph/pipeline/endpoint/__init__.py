"""``pubgraph serve``: a SPARQL 1.1 Protocol endpoint over the store (see :mod:`.service`)."""

from __future__ import annotations

from .service import DEFAULT_HOST, DEFAULT_PORT, Endpoint, lock_holder, oxigraph_binary, serve

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Endpoint", "lock_holder", "oxigraph_binary", "serve"]
