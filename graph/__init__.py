"""pubgraph: PubMed literature as an RDF knowledge graph (SPAR/FaBiO, CiTO, MeSH).

The same functions the ``pubgraph`` command calls, returning data and never printing.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    GraphError,
    InputError,
    QueryError,
    StoreError,
    StoreLockedError,
    UnknownFormatError,
)
from .model import Iris, article_quads
from .pipeline import BuildSummary, ConvertSummary, build, convert, sample_files
from .sources import read_records
from .store import KnowledgeStore

__all__ = [
    "BuildSummary",
    "ConvertSummary",
    "GraphError",
    "InputError",
    "Iris",
    "KnowledgeStore",
    "QueryError",
    "StoreError",
    "StoreLockedError",
    "UnknownFormatError",
    "__version__",
    "article_quads",
    "build",
    "convert",
    "read_records",
    "sample_files",
]
