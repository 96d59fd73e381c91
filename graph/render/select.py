"""Which nodes a page draws, and the sentence saying so: ``select_view``.

- Nodes without a link are hidden unless ``isolated``; the page counts them.
- A citation network with cited works (stubs, ``loaded=False``) keeps every loaded record
  and the cited works that at least *k* of them cite, *k* the smallest threshold that fits
  ``top`` (as CitNetExplorer's "minimum number of citations" for non-core works).
- Past ``top``, the most connected part stays: nodes ranked by core number (the largest
  *k* such that the node is in a subgraph where every node has *k* neighbours), then
  PageRank. So a cut keeps links; nodes it leaves without one are hidden too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import networkx as nx

__all__ = ["View", "link_count", "select_view"]

Node = Hashable


@dataclass(frozen=True, slots=True)
class View:
    """The drawn subgraph and what the page says about it."""

    graph: nx.Graph
    hidden: int
    cut: bool
    notice: str


def select_view(G: nx.Graph, ranks: Mapping[Node, float], top: int, *, isolated: bool = False) -> View:
    """The nodes to draw (see the module docstring) and the notice for the page header.

    >>> G = nx.DiGraph([("b", "a")], kind="citation"); G.add_node("c")
    >>> view = select_view(G, {}, 10)
    >>> sorted(view.graph), view.hidden, view.notice
    (['a', 'b'], 1, '1 node without links on this map is hidden (--isolated shows it).')
    """
    sentences: list[str] = []
    keep = list(G)
    links = link_count(G)
    stubs = _stubs(G)
    if stubs:
        keep, sentence = _cited_threshold(G, stubs, top, isolated)
        sentences.append(sentence)
    hidden = 0
    if not isolated and links:
        linked = _linked_only(G, keep)
        hidden, keep = len(keep) - len(linked), linked
    cut = len(keep) > top
    if cut:
        keep = _most_connected(G.subgraph(keep), ranks, top)
        if not isolated:
            keep = _linked_only(G, keep)
    shown = G.subgraph(keep).copy() if len(keep) < G.number_of_nodes() else G
    if cut:
        sentences.append(
            f"Showing the {len(keep):,} most connected of {G.number_of_nodes():,} nodes "
            f"({link_count(shown):,} of {links:,} links); raise --top to see more."
        )
    if hidden:
        sentences.append(_hidden(hidden))
    if not links and G.number_of_nodes() > 1:
        sentences.append(f"No two of the {G.number_of_nodes():,} nodes are linked.")
    sentences.extend(_sparse(G, links))
    return View(shown, hidden, cut, " ".join(sentences))


def link_count(G: nx.Graph) -> int:
    """``G.number_of_edges()``, read from the adjacency's sizes (networkx sums node degrees one by one).

    >>> link_count(nx.Graph([(1, 2), (2, 3), (3, 3)])), link_count(nx.DiGraph([(1, 2), (2, 1)]))
    (3, 2)
    """
    if G.is_multigraph():
        return int(G.number_of_edges())
    ends = sum(len(nbrs) for _node, nbrs in G.adjacency())
    return ends if G.is_directed() else (ends + nx.number_of_selfloops(G)) // 2


def _linked_only(G: nx.Graph, keep: list[Node]) -> list[Node]:
    """The nodes of ``keep`` with a link to another node of ``keep``."""
    sides = [dict(G.adjacency())]
    if G.is_directed():
        sides.append(dict(G.reverse(copy=False).adjacency()))
    if len(keep) == G.number_of_nodes():  # all of G: any neighbour but itself will do
        return [n for n in keep if any(len(side[n]) > (n in side[n]) for side in sides)]
    kept = set(keep)
    return [n for n in keep if any(m in kept and m != n for side in sides for m in side[n])]


def _stubs(G: nx.Graph) -> list[Node]:
    if G.graph.get("kind") != "citation" or not G.is_directed():
        return []
    return [n for n, loaded in G.nodes(data="loaded") if loaded is False]


def _cited_threshold(G: nx.DiGraph, stubs: list[Node], top: int, isolated: bool) -> tuple[list[Node], str]:
    """Loaded records plus the cited works at least ``k`` of them cite, ``k`` fitting ``top``."""
    is_stub = set(stubs)
    citers = {s: G.in_degree(s) for s in stubs}
    # A record stays as long as one of its links does: its best link's threshold.
    best: dict[Node, float] = {}
    for n in G:
        if n in is_stub:
            continue
        links = [float(citers[m]) if m in is_stub else float("inf") for m in nx.all_neighbors(G, n)]
        best[n] = max(links, default=0.0)
    loaded_at = Counter(best.values())
    stubs_at = Counter(citers.values())
    k = 1
    for k in [*sorted(stubs_at), max(stubs_at) + 1]:
        records = len(best) if isolated else sum(c for v, c in loaded_at.items() if v >= k)
        if records + sum(c for v, c in stubs_at.items() if v >= k) <= top or k > max(stubs_at):
            break
    kept_stubs = [s for s in stubs if citers[s] >= k]
    keep = [n for n in G if n not in is_stub or citers[n] >= k]
    if k == 1:
        sentence = f"The {len(best):,} loaded records and the {len(stubs):,} works they cite."
    elif not kept_stubs:
        sentence = f"The {len(best):,} loaded records; none of the {len(stubs):,} works they cite fits --top {top}."
    else:
        sentence = (
            f"The {len(best):,} loaded records and the {len(kept_stubs):,} of {len(stubs):,} works they cite "
            f"that at least {k} of them cite (so that the map fits --top {top})."
        )
    return keep, sentence


def _most_connected(G: nx.Graph, ranks: Mapping[Node, float], top: int) -> list[Node]:
    simple = nx.Graph(G.to_undirected(as_view=True) if G.is_directed() else G)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    core = nx.core_number(simple)
    order = {node: i for i, node in enumerate(G)}
    kept = sorted(G, key=lambda n: (-core[n], -ranks.get(n, 0.0), order[n]))[:top]
    return sorted(kept, key=order.__getitem__)


def _hidden(count: int) -> str:
    if count == 1:
        return "1 node without links on this map is hidden (--isolated shows it)."
    return f"{count:,} nodes without links on this map are hidden (--isolated shows them)."


def _sparse(G: nx.Graph, count: int) -> list[str]:
    """Why a citation map of loaded records alone (``count`` links) has few links, and what to do."""
    elsewhere = G.graph.get("cited_elsewhere", 0)
    if G.graph.get("kind") != "citation" or not elsewhere or count * 2 >= G.number_of_nodes():
        return []
    links = "once" if count == 1 else f"{count:,} times"
    if not count:
        links = "never"
    return [
        f"The {G.number_of_nodes():,} loaded records cite each other {links}: they are not a field that cites "
        f"itself. Render with --include-cited to add the {elsewhere:,} works they cite."
    ]
