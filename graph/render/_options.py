"""The page options, importable without networkx or pyvis (the command line lists them)."""

from __future__ import annotations

__all__ = ["COLOR_BY", "LAYOUTS", "SIZE_BY"]

COLOR_BY = ("community", "year", "journal")
SIZE_BY = ("citations", "pagerank", "degree")
LAYOUTS = ("force", "timeline")
