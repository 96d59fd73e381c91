"""pubgraph: PubMed literature as an RDF knowledge graph (SPAR/FaBiO, CiTO, MeSH).

The same functions the ``pubgraph`` command calls, returning data and never printing.
"""

from __future__ import annotations

from ._lazy import lazy_names
from ._version import __version__
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

# The rest of the API loads on first use, so that ``import graph`` (and every command)
# stays quick: name -> module that defines it.
_LAZY = {
    "article_nquads": "graph.model",
    "Seen": "graph.model",
    "run_query": "graph.pipeline",
    "QueryResult": "graph.pipeline",
    "fetch": "graph.pipeline",
    "snowball": "graph.pipeline",
    "build_query": "graph.pipeline",
    "HarvestSummary": "graph.pipeline",
    "project": "graph.network",
    "parse_where": "graph.network",
    "node_metrics": "graph.network",
    "write_metrics": "graph.network",
    "write_network": "graph.network",
    "PROJECTIONS": "graph.network",
    "render_page": "graph.render",
    "render_map": "graph.render",
    "PageSummary": "graph.render",
    "serve": "graph.pipeline",
    "Endpoint": "graph.pipeline",
    "export": "graph.pipeline",
    "ExportSummary": "graph.pipeline",
    "push": "graph.store.remote",
    "PushSummary": "graph.store.remote",
    "Credentials": "graph.store.remote",
    "credentials_from_env": "graph.store.remote",
    "run_remote_query": "graph.pipeline",
    "export_network": "graph.pipeline",
    "rank_nodes": "graph.pipeline",
    "trace_main_path": "graph.pipeline",
    "find_bursts": "graph.pipeline",
    "render_network": "graph.pipeline",
}

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
    *sorted(_LAZY),
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
