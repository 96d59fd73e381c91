"""The one home of orchestration: each user task strung together from the layers below.

``sources`` → ``model`` → ``store`` → ``network`` → ``render``; this package calls them for
each command (build, convert, harvest, query local and remote, stats, analyse, export,
serve) and the CLI calls only this package. Lower layers never import it.

Names load on first use (``graph.pipeline.build`` imports the loading module, not
networkx or the endpoint), so every command starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

# The names are listed compactly, by home module, rather than one a line.
# fmt: off
# isort: off
if TYPE_CHECKING:  # what the lazy names below are, for type checkers
    from .._version import __version__
    from ..distributed import Entry, convert_shards, load_virtuoso
    from ..http import RetryNotice, RetryPolicy
    from ..network._kinds import COMMUNITY_METHODS, KINDS
    from ..network.where import WHERE_HELP
    from ..processes import Terminated, terminate_on_sigterm
    from ..queries import get_saved, list_saved
    from ..render._options import COLOR_BY, LAYOUTS, SIZE_BY
    from ..sources import expand_inputs
    from ..sources.eutils import DEFAULT_CACHE, EutilsClient
    from ..store.oxigraph import store_path
    from ..store.remote import PROTOCOLS, Credentials, PushSummary, credentials_from_env, push
    from ..store.remote.query import run_remote_query
    from .analysis import BurstTable, MainPath, NetworkFiles, NodeRanking, RenderedNetwork, describe, export_network
    from .analysis import find_bursts, project_network, rank_nodes, render_network, trace_main_path
    from .demo import DEMO_PMID, Demo, DemoAnswer, run_demo
    from .endpoint import DEFAULT_HOST, DEFAULT_PORT, Endpoint, serve
    from .facts import summary_facts
    from .harvest import LINK_NAMES, HarvestSummary, Hop, LiveProgress, Manifest, build_query, fetch, snowball
    from .loading import DEMO_STORE, BuildSummary, ConvertSummary, FileSummary, Progress, build, build_demo, convert
    from .loading import sample_files
    from .query import RESULT_FORMATS, QueryResult, check_query, run_query, write_result
    from .rdf_export import ExportSummary, export
    from .stats import STATISTICS, StoreStats, store_stats

_LAZY = {  # name -> the module (relative to this package) that defines it
    **dict.fromkeys(("__version__",), ".._version"),
    **dict.fromkeys(("Entry", "convert_shards", "load_virtuoso"), "..distributed"),
    **dict.fromkeys(("RetryNotice", "RetryPolicy"), "..http"),
    **dict.fromkeys(("COMMUNITY_METHODS", "KINDS"), "..network._kinds"),
    **dict.fromkeys(("WHERE_HELP",), "..network.where"),
    **dict.fromkeys(("Terminated", "terminate_on_sigterm"), "..processes"),
    **dict.fromkeys(("get_saved", "list_saved"), "..queries"),
    **dict.fromkeys(("COLOR_BY", "LAYOUTS", "SIZE_BY"), "..render._options"),
    **dict.fromkeys(("expand_inputs",), "..sources"),
    **dict.fromkeys(("DEFAULT_CACHE", "EutilsClient"), "..sources.eutils"),
    **dict.fromkeys(("store_path",), "..store.oxigraph"),
    **dict.fromkeys(("PROTOCOLS", "Credentials", "PushSummary", "credentials_from_env", "push"), "..store.remote"),
    **dict.fromkeys(("run_remote_query",), "..store.remote.query"),
    **dict.fromkeys(("BurstTable", "MainPath", "NetworkFiles", "NodeRanking", "RenderedNetwork", "describe",
        "export_network", "find_bursts", "project_network", "rank_nodes", "render_network",
        "trace_main_path"), ".analysis"),
    **dict.fromkeys(("DEMO_PMID", "Demo", "DemoAnswer", "run_demo"), ".demo"),
    **dict.fromkeys(("DEFAULT_HOST", "DEFAULT_PORT", "Endpoint", "serve"), ".endpoint"),
    **dict.fromkeys(("summary_facts",), ".facts"),
    **dict.fromkeys(("LINK_NAMES", "HarvestSummary", "Hop", "LiveProgress", "Manifest", "build_query", "fetch",
        "snowball"), ".harvest"),
    **dict.fromkeys(("DEMO_STORE", "BuildSummary", "ConvertSummary", "FileSummary", "Progress", "build",
        "build_demo", "convert", "sample_files"), ".loading"),
    **dict.fromkeys(("RESULT_FORMATS", "QueryResult", "check_query", "run_query", "write_result"), ".query"),
    **dict.fromkeys(("ExportSummary", "export"), ".rdf_export"),
    **dict.fromkeys(("STATISTICS", "StoreStats", "store_stats"), ".stats"),
}

__all__ = ["COLOR_BY", "COMMUNITY_METHODS", "DEFAULT_CACHE", "DEFAULT_HOST", "DEFAULT_PORT", "DEMO_PMID",
    "DEMO_STORE", "KINDS", "LAYOUTS", "LINK_NAMES", "PROTOCOLS", "RESULT_FORMATS", "SIZE_BY", "STATISTICS",
    "WHERE_HELP", "BuildSummary", "BurstTable", "ConvertSummary", "Credentials", "Demo", "DemoAnswer", "Endpoint",
    "Entry", "EutilsClient", "ExportSummary", "FileSummary", "HarvestSummary", "Hop", "LiveProgress", "MainPath",
    "Manifest", "NetworkFiles", "NodeRanking", "Progress", "PushSummary", "QueryResult", "RenderedNetwork",
    "RetryNotice", "RetryPolicy", "StoreStats", "Terminated", "__version__", "build", "build_demo", "build_query",
    "check_query", "convert", "convert_shards", "credentials_from_env", "describe", "expand_inputs", "export",
    "export_network", "fetch", "find_bursts", "get_saved", "list_saved", "load_virtuoso", "project_network",
    "push", "rank_nodes", "render_network", "run_demo", "run_query", "run_remote_query", "sample_files", "serve",
    "snowball", "store_path", "store_stats", "summary_facts", "terminate_on_sigterm", "trace_main_path", "write_result"]
# isort: on
# fmt: on

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
