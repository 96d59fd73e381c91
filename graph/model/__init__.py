"""The RDF model: IRIs, vocabulary and the record-to-quads mapping."""

from __future__ import annotations

from .iris import DEFAULT_BASE, Iris
from .mapping import Seen, article_nquads, article_quads
from .namespaces import PREFIXES
from .terms import Quad, nquad_line

__all__ = ["DEFAULT_BASE", "PREFIXES", "Iris", "Quad", "Seen", "article_nquads", "article_quads", "nquad_line"]
