"""Where the knowledge graph lives: the embedded store and RDF files."""

from __future__ import annotations

from .files import RDF_FORMATS, rdf_format_for, write_text
from .oxigraph import DEFAULT_STORE, KnowledgeStore, store_path

__all__ = [
    "DEFAULT_STORE",
    "RDF_FORMATS",
    "KnowledgeStore",
    "rdf_format_for",
    "store_path",
    "write_text",
]
