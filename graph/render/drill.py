"""What a click on a link shows: the records behind it (``drill_data``), compactly.

The page does not list each link's records: it holds, for each drawn node, the records it
stands for (``members``), and finds a link's records when it is clicked, as the records
both ends share (the records citing both works, the joint articles, the shared references,
the articles using both terms). Only records shared by two drawn nodes can be behind a
link, so only those travel. A journal link is made of one journal's articles citing the
other's, listed per link. A citation link is its two works, which the page already holds.
Titles are cut to ``TITLE_LIMIT`` characters; the page lists at most ``SHOWN`` records of a
link and says how many more there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx

from ..network.behind import Behind
from .layout import node_year
from .style import short_label

__all__ = ["SHOWN", "TITLE_LIMIT", "drill_data"]

Node = Hashable
SHOWN = 50
TITLE_LIMIT = 200
_HEADINGS = {
    "citation": "",
    "cocitation": "Cited together by {n} {noun}",
    "coupling": "{n} shared {noun}",
    "coauthor": "{n} joint {noun}",
    "mesh": "{n} {noun} with both terms",
    "keyword": "{n} {noun} with both keywords",
    "journal": "{n} {noun} of the first journal citing the second",
}
_NOUNS = {
    "cocitation": ("record", "records"),
    "coupling": ("reference", "references"),
    "coauthor": ("article", "articles"),
    "mesh": ("article", "articles"),
    "keyword": ("article", "articles"),
    "journal": ("article", "articles"),
}


def drill_data(G: nx.Graph, nodes: Sequence[Node], behind: Behind | None) -> dict[str, Any]:
    """The ``drill`` block of a page's data: how to find the records behind each drawn link.

    >>> G = nx.Graph([("a", "b")], kind="coauthor")
    >>> behind = Behind("coauthor", {"2": {"title": "T", "pmid": "2"}}, {}, {"a": ("1", "2"), "b": ("2",)})
    >>> drill = drill_data(G, ["a", "b"], behind)
    >>> drill["mode"], drill["members"], drill["records"]["title"]
    ('shared', [[0], [0]], ['T'])
    """
    kind = str(G.graph.get("kind", ""))
    singular, plural = _NOUNS.get(kind, ("record", "records"))
    drill: dict[str, Any] = {
        "mode": "ends",
        "kind": kind,
        "heading": _HEADINGS.get(kind, ""),
        "nouns": [singular, plural],
    }
    if behind is None or kind == "citation" or kind not in _HEADINGS:
        return drill
    if kind == "journal":
        keys, lists = _listed(G, nodes, behind)
        drill.update(mode="listed", links=lists)
    else:
        keys, members = _shared(nodes, behind)
        drill.update(mode="shared", members=members)
    drill["records"] = _records(keys, behind.records, G)
    drill["shown"] = SHOWN
    return drill


def _shared(nodes: Sequence[Node], behind: Behind) -> tuple[list[str], list[list[int]]]:
    seen = Counter(record for node in nodes for record in dict.fromkeys(behind.members.get(node, ())))
    keys = sorted((r for r, n in seen.items() if n > 1), key=_record_order)
    index = {key: i for i, key in enumerate(keys)}
    members = [[index[r] for r in dict.fromkeys(behind.members.get(node, ())) if r in index] for node in nodes]
    return keys, members


def _listed(G: nx.Graph, nodes: Sequence[Node], behind: Behind) -> tuple[list[str], list[list[int]]]:
    found = [behind.link(a, b) for a, b in G.edges()]
    keys = sorted({r for records in found for r in records}, key=_record_order)
    index = {key: i for i, key in enumerate(keys)}
    return keys, [[index[r] for r in records] for records in found]


def _record_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


def _records(keys: Sequence[str], records: Mapping[str, Mapping[str, Any]], G: nx.Graph) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in ("label", "title", "year", "journal", "pmid", "doi")}
    for key in keys:
        data = records.get(key) or (G.nodes[key] if key in G else {"pmid": key})
        title = str(data.get("title") or key)
        columns["label"].append(short_label(key, data))
        columns["title"].append(title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "\u2026")
        columns["year"].append(node_year(data))
        columns["journal"].append(str(data.get("journal", "")))
        columns["pmid"].append(str(data.get("pmid", "")))
        columns["doi"].append(str(data.get("doi", "")))
    return columns
