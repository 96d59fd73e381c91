"""All of PubMed: files converted to N-Quads shards on a Dask cluster, and bulk loads
of the shards into stores built for billions of quads (Virtuoso).

The embedded path (:func:`graph.pipeline.build`) is unchanged; this package is used by
``pubgraph convert --dask`` and ``pubgraph load-virtuoso``. Dask is an extra:
``pip install 'pubgraph[dask]'``; it is imported only when a run starts.
"""

from __future__ import annotations

from .manifest import MANIFEST, Entry, Manifest
from .plan import FileEvents, scan_file, settle
from .runner import ShardProgress, ShardRun, convert_shards, shard_name
from .virtuoso import VirtuosoLoad, load_virtuoso

__all__ = [
    "MANIFEST",
    "Entry",
    "FileEvents",
    "Manifest",
    "ShardProgress",
    "ShardRun",
    "VirtuosoLoad",
    "convert_shards",
    "load_virtuoso",
    "scan_file",
    "settle",
    "shard_name",
]
