"""Topic networks: MeSH descriptors and author keywords linked by the articles sharing them.

MeSH: by default only major topics count (``fabio:hasPrimarySubjectTerm``: the descriptor,
or one of its qualifiers, was starred), as in PubMed's ``[majr]``; a descriptor-qualifier
pair counts for its descriptor. Node ids are descriptor UIs, ``label`` the MeSH heading.
Keywords are compared with case and spacing folded; the node id is the folded text and
``label`` the commonest written form. On both, ``articles`` counts the articles (after
``--where``) using the term, and edge ``weight`` the articles using both.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import networkx as nx

from ._store import StoreLike, by_subject, opened, values_of
from ._weights import cooccurrence
from .articles import chosen_articles
from .citation import Progress, _quiet
from .where import Where

__all__ = ["keyword_network", "mesh_network", "term_key"]

_MESH = "http://id.nlm.nih.gov/mesh/"
_DESCRIPTOR_RE = re.compile(r"^(D\d+)(Q\d+)?$")


def term_key(text: str) -> str:
    """A keyword's identity: case and runs of spaces folded.

    >>> term_key("  Spinal   Cord ")
    'spinal cord'
    """
    return " ".join(text.casefold().split())


def mesh_network(
    store: StoreLike,
    where: Where | None = None,
    *,
    min_weight: int = 1,
    major_only: bool = True,
    progress: Progress = _quiet,
) -> nx.Graph:
    """MeSH descriptors co-occurring on articles (major topics only unless ``major_only=False``).

    >>> from graph.store import KnowledgeStore
    >>> mesh_network(KnowledgeStore.in_memory()).graph["kind"]
    'mesh'
    """
    where = where or Where()
    with opened(store) as kg:
        progress("reading articles")
        articles = chosen_articles(kg, where)
        progress("reading MeSH headings")
        terms = mesh_descriptors(
            by_subject(kg, "fabio:hasPrimarySubjectTerm" if major_only else "fabio:hasSubjectTerm")
        )
        groups = {article: sorted(found) for article, found in terms.items() if article in articles}
        used = {_MESH + ui for found in groups.values() for ui in found}
        labels = {
            d[len(_MESH) :]: min(names) for d, names in values_of(kg, used, "rdfs:label", kg.iris.mesh_graph).items()
        }
    progress("counting co-occurrences")
    G = _graph(
        "mesh", where, min_weight, groups, {ui: (labels.get(ui, ui), _MESH + ui) for g in groups.values() for ui in g}
    )
    G.graph["major_only"] = major_only
    return G


def mesh_descriptors(headings: dict[str, list[str]]) -> dict[str, set[str]]:
    """Article -> descriptor UIs, from its MeSH term IRIs (pairs cut back to the descriptor).

    >>> mesh_descriptors({"a": ["http://id.nlm.nih.gov/mesh/D006393Q000601", "http://id.nlm.nih.gov/mesh/C000001"]})
    {'a': {'D006393'}}
    """
    found: dict[str, set[str]] = defaultdict(set)
    for article, terms in headings.items():
        for term in terms:
            match = _DESCRIPTOR_RE.match(term[len(_MESH) :]) if term.startswith(_MESH) else None
            if match:
                found[article].add(match.group(1))
    return dict(found)


def keyword_network(
    store: StoreLike, where: Where | None = None, *, min_weight: int = 1, progress: Progress = _quiet
) -> nx.Graph:
    """Author keywords co-occurring on articles.

    >>> from graph.store import KnowledgeStore
    >>> keyword_network(KnowledgeStore.in_memory()).graph["kind"]
    'keyword'
    """
    where = where or Where()
    with opened(store) as kg:
        progress("reading articles")
        articles = chosen_articles(kg, where)
        progress("reading keywords")
        keywords = by_subject(kg, "prism:keyword")
    progress("counting co-occurrences")
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, list[str]] = {}
    for article, texts in keywords.items():
        if article in articles:
            groups[article] = sorted({term_key(t) for t in texts if t.strip()})
            for text in texts:
                forms[term_key(text)][text.strip()] += 1
    labels: dict[str, tuple[str, str | None]] = {key: (_commonest(c), None) for key, c in forms.items()}
    return _graph("keyword", where, min_weight, groups, labels)


def _commonest(counts: Counter[str]) -> str:
    top = max(counts.values())
    return min(text for text, count in counts.items() if count == top)


def _graph(
    kind: str, where: Where, min_weight: int, groups: dict[str, list[str]], labels: dict[str, tuple[str, str | None]]
) -> nx.Graph:
    counts, pairs = cooccurrence(dict(sorted(groups.items())), min_weight)
    G = nx.Graph(kind=kind, where=str(where), min_weight=min_weight)
    for a, b, weight in pairs:
        for term in (a, b):
            if term not in G:
                label, iri = labels[term]
                G.add_node(term, label=label, articles=counts[term], **({"iri": iri} if iri else {}))
        G.add_edge(a, b, weight=weight)
    return G
