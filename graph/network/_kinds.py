"""Names the command line offers before anything heavy is imported (networkx, scipy)."""

from __future__ import annotations

__all__ = ["COMMUNITY_METHODS", "KINDS"]

#: The network kinds, in the order ``graph.network.projections.PROJECTIONS`` lists them.
KINDS = ("citation", "cocitation", "coupling", "coauthor", "mesh", "keyword", "journal")
COMMUNITY_METHODS = ("louvain", "leiden", "label-propagation")
