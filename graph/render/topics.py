"""Communities named by their content: ``community_names``.

A community is named by its most characteristic terms (MeSH major topics and author
keywords of the records its nodes are about; see ``graph.network.behind``), as CiteSpace
and VOSviewer label clusters. A term's score in community *c* is

    n_c(t) * log(1 + lift),   lift = (n_c(t) / N_c) / (n(t) / N)

with n_c(t) the term's occurrences in *c*, N_c all term occurrences in *c*, and n(t), N the
same over the map: frequent in the community (tf) and rarer elsewhere (an idf over
communities, which stays meaningful when there are only a few). Terms seen once are
passed over when the community has terms seen twice. On term maps (mesh, keyword) each
node is its own term, weighted by its articles. A community without terms is named by its
largest node: "around Onoki 2018".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping

import networkx as nx

from ..network.behind import Behind
from .style import short_label

__all__ = ["NAME_LIMIT", "community_names"]

Node = Hashable
NAME_LIMIT = 64
_TERMS = 3


def community_names(
    G: nx.Graph, groups: Mapping[Node, int], behind: Behind, ranks: Mapping[Node, float]
) -> dict[int, str]:
    """Community -> its name: up to three characteristic terms, at most ``NAME_LIMIT`` characters.

    >>> G = nx.Graph([(1, 2), (3, 4)], kind="coauthor")
    >>> for n, pmids in {1: "a", 2: "a b", 3: "c", 4: "c"}.items(): G.nodes[n]["pmids"] = pmids
    >>> terms = {"a": ("Spine", "Humans"), "b": ("Spine",), "c": ("Humans", "Heart", "Aorta")}
    >>> behind = Behind("coauthor", {}, terms, {n: tuple(p.split()) for n, p in G.nodes(data="pmids")})
    >>> community_names(G, {1: 0, 2: 0, 3: 1, 4: 1}, behind, {})
    {0: 'Spine; Humans', 1: 'Aorta; Heart; Humans'}
    """
    counts: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for node, group in groups.items():
        weight = float(G.nodes[node].get("articles", 1)) if node in behind.own else 1.0
        for term in behind.node_terms(node):
            counts[group][term] += weight
    everywhere: dict[str, float] = defaultdict(float)
    for found in counts.values():
        for term, n in found.items():
            everywhere[term] += n
    total = sum(everywhere.values()) or 1.0
    names = {group: _name(found, everywhere, total) for group, found in counts.items()}
    leaders = _leaders(G, groups, ranks)
    return {group: names.get(group) or f"around {leaders[group]}" for group in leaders}


def _name(found: Mapping[str, float], everywhere: Mapping[str, float], total: float) -> str:
    size = sum(found.values())
    if not size:
        return ""
    floor = min(2.0, max(found.values()))

    def score(term: str) -> float:
        lift = (found[term] / size) / (everywhere[term] / total)
        return found[term] * math.log1p(lift)

    chosen = sorted((t for t, n in found.items() if n >= floor), key=lambda t: (-score(t), -found[t], t))
    name = ""
    for term in chosen[:_TERMS]:
        longer = f"{name}; {term}" if name else term
        if len(longer) > NAME_LIMIT:
            return name or term[: NAME_LIMIT - 1] + "\u2026"
        name = longer
    return name


def _leaders(G: nx.Graph, groups: Mapping[Node, int], ranks: Mapping[Node, float]) -> dict[int, str]:
    best: dict[int, Node] = {}
    for node, group in groups.items():
        if group not in best or ranks.get(node, 0.0) > ranks.get(best[group], 0.0):
            best[group] = node
    return {group: short_label(node, G.nodes[node]) for group, node in best.items()}
