"""Citation-based projections: citation, co-citation, bibliographic coupling, journal citation.

A citation of a DOI counts for the loaded article ``owl:sameAs`` that DOI's work IRI, a
record citing one work twice (by PMID and by DOI) counts once, and self-citations of a
record are dropped.

Counts on article nodes: ``citations`` is the number of loaded records in the whole store
citing the work; ``local_citations`` the number citing it within the projection (after
``--where``); ``references`` the number of identified works the record cites. Works known
only because loaded records cite them (stubs) carry their PMID or DOI, and the text of a
reference to them as ``title``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

import networkx as nx

from ..store.oxigraph import KnowledgeStore
from ._store import StoreLike, by_subject, opened
from ._weights import cooccurrence
from .articles import (
    ArticleAttributes,
    article_node_id,
    load_articles,
    narrow,
    public,
    reference_labels,
    stub_attributes,
)
from .where import Where

__all__ = [
    "Progress",
    "citation_network",
    "cocitation_network",
    "coupling_network",
    "journal_network",
]

Progress = Callable[[str], None]
Link = tuple[str, str]


def _quiet(stage: str) -> None:
    """The default progress callback: says nothing."""


class _Corpus:
    """What the citation projections read from the store, once."""

    def __init__(self, kg: KnowledgeStore, where: Where, progress: Progress) -> None:
        progress("reading articles")
        self.kg, self.base = kg, kg.iris.base
        self.all = load_articles(kg)
        self.chosen = narrow(kg, self.all, where)
        progress("reading citations")
        self.links = _citation_links(kg)
        self.total = Counter(cited for _citing, cited in self.links)
        self.references = Counter(citing for citing, _cited in self.links)
        self.labels: dict[str, str] = {}
        self._ids: dict[str, str] = {}

    def sorted_links(self) -> list[Link]:
        """The links in sort order (citing, then cited): the order nodes and edges are added."""
        by_citing: dict[str, list[str]] = defaultdict(list)
        for citing, cited in self.links:
            by_citing[citing].append(cited)
        return [(citing, cited) for citing in sorted(by_citing) for cited in sorted(by_citing[citing])]

    def node(self, iri: str) -> str:
        found = self._ids.get(iri)
        if found is None:  # each work's id is asked for once per link end
            found = self._ids[iri] = article_node_id(iri, self.base)
        return found

    def label_stubs(self, works: Iterable[str], progress: Progress) -> None:
        """Read reference texts for the works that are not loaded: their titles."""
        progress("reading reference texts")
        self.labels = reference_labels(self.kg, (w for w in works if w not in self.all))

    def attributes(self, iri: str) -> ArticleAttributes:
        known = self.all.get(iri)
        found = public(known) if known else stub_attributes(iri, self.base, self.labels.get(iri))
        found["citations"] = self.total[iri]
        if known:
            found["references"] = self.references[iri]
        return found


def _citation_links(kg: KnowledgeStore) -> set[Link]:
    """Distinct (citing, cited) IRI pairs, DOI stubs resolved to the loaded article."""
    same = {work: article for article, works in by_subject(kg, "owl:sameAs").items() for work in works}
    return {
        (citing, same.get(cited, cited))
        for citing, cited_works in by_subject(kg, "cito:cites", grouped=True).items()
        for cited in cited_works
        if same.get(cited, cited) != citing
    }


def citation_network(
    store: StoreLike, where: Where | None = None, *, include_cited: bool = False, progress: Progress = _quiet
) -> nx.DiGraph:
    """Loaded articles (passing ``where``) and their citation links, citing -> cited.

    With ``include_cited``, works cited by those articles but not loaded join as stubs.
    Node ids are PMIDs (``doi:…`` for works known only by DOI); see the module docstring
    for the counts each node carries. Without ``include_cited``, ``G.graph["cited_elsewhere"]``
    counts the works they cite that are not loaded (when there are any).

    >>> from graph.store import KnowledgeStore
    >>> G = citation_network(KnowledgeStore.in_memory())
    >>> G.graph["kind"], G.number_of_nodes()
    ('citation', 0)
    """
    where = where or Where()
    with opened(store) as kg:
        corpus = _Corpus(kg, where, progress)
        if include_cited:
            corpus.label_stubs((b for a, b in corpus.links if a in corpus.chosen), progress)
    progress("building the network")
    kept = [
        (citing, cited)
        for citing, cited in corpus.sorted_links()
        if citing in corpus.chosen and (cited in corpus.chosen or (include_cited and cited not in corpus.all))
    ]
    local = Counter(cited for _citing, cited in kept)
    works = list(corpus.chosen) + [cited for cited in dict.fromkeys(c for _a, c in kept) if cited not in corpus.chosen]
    G = nx.DiGraph(kind="citation", where=str(where))
    # in bulk: networkx's add_node and add_edge cost a call and checks per node and link
    G.add_nodes_from((corpus.node(iri), {**corpus.attributes(iri), "local_citations": local[iri]}) for iri in works)
    G.add_edges_from((corpus.node(citing), corpus.node(cited)) for citing, cited in kept)
    elsewhere = {b for a, b in corpus.links if a in corpus.chosen and b not in corpus.all}
    if elsewhere and not include_cited:
        G.graph["cited_elsewhere"] = len(elsewhere)
    return G


def cocitation_network(
    store: StoreLike, where: Where | None = None, *, min_weight: int = 1, progress: Progress = _quiet
) -> nx.Graph:
    """Works cited together: ``weight`` = records (passing ``where``) citing both.

    Cited works need not be loaded. ``local_citations`` counts the citing records in the
    projection; works without a pair at ``min_weight`` or more are left out.

    >>> from graph.store import KnowledgeStore
    >>> cocitation_network(KnowledgeStore.in_memory(), min_weight=2).graph["min_weight"]
    2
    """
    where = where or Where()
    with opened(store) as kg:
        corpus = _Corpus(kg, where, progress)
        progress("counting co-citations")
        cited_by: dict[str, list[str]] = defaultdict(list)
        for citing, cited in corpus.sorted_links():
            if citing in corpus.chosen:
                cited_by[citing].append(cited)
        counts, pairs = cooccurrence(cited_by, min_weight)
        corpus.label_stubs({work for pair in pairs for work in pair[:2]}, progress)
    G = _weighted_graph("cocitation", where, min_weight, pairs, corpus)
    for node_iri, count in counts.items():
        if corpus.node(node_iri) in G:
            G.nodes[corpus.node(node_iri)]["local_citations"] = count
    return G


def coupling_network(
    store: StoreLike, where: Where | None = None, *, min_weight: int = 1, progress: Progress = _quiet
) -> nx.Graph:
    """Loaded articles (passing ``where``) sharing references: ``weight`` = shared cited works.

    Every identified cited work counts, loaded or not; articles without a pair at
    ``min_weight`` or more are left out.

    >>> from graph.store import KnowledgeStore
    >>> coupling_network(KnowledgeStore.in_memory()).number_of_edges()
    0
    """
    where = where or Where()
    with opened(store) as kg:
        corpus = _Corpus(kg, where, progress)
    progress("counting shared references")
    citers: dict[str, list[str]] = defaultdict(list)
    for citing, cited in corpus.sorted_links():
        if citing in corpus.chosen:
            citers[cited].append(citing)
    _counts, pairs = cooccurrence(citers, min_weight)
    return _weighted_graph("coupling", where, min_weight, pairs, corpus)


def journal_network(
    store: StoreLike, where: Where | None = None, *, min_weight: int = 1, progress: Progress = _quiet
) -> nx.DiGraph:
    """Journals citing journals: the citation network (after ``where``) summed by journal.

    Edge ``weight`` = citation links from the first journal's articles to the second's;
    a journal citing itself is not an edge but the node's ``self_citations``. Node ids are
    NLM unique IDs; ``articles`` counts the journal's articles in the projection.

    >>> from graph.store import KnowledgeStore
    >>> journal_network(KnowledgeStore.in_memory()).is_directed()
    True
    """
    where = where or Where()
    with opened(store) as kg:
        corpus = _Corpus(kg, where, progress)
    progress("summing citations by journal")
    G = nx.DiGraph(kind="journal", where=str(where), min_weight=min_weight)
    for iri in corpus.chosen:
        article = corpus.all[iri]
        if "journal_id" in article:
            if article["journal_id"] not in G:
                G.add_node(
                    article["journal_id"],
                    title=article["journal"],
                    iri=article["_journal_iri"],
                    articles=0,
                    self_citations=0,
                )
            G.nodes[article["journal_id"]]["articles"] += 1
    weights: Counter[tuple[str, str]] = Counter()
    for citing, cited in corpus.links:
        if citing in corpus.chosen and cited in corpus.chosen:
            source, target = corpus.all[citing].get("journal_id"), corpus.all[cited].get("journal_id")
            if source is None or target is None:
                continue
            if source == target:
                G.nodes[source]["self_citations"] += 1
            else:
                weights[source, target] += 1
    G.add_weighted_edges_from((s, t, w) for (s, t), w in sorted(weights.items()) if w >= min_weight)
    return G


def _weighted_graph(
    kind: str, where: Where, min_weight: int, pairs: list[tuple[str, str, int]], corpus: _Corpus
) -> nx.Graph:
    G = nx.Graph(kind=kind, where=str(where), min_weight=min_weight)
    for a, b, weight in pairs:
        for iri in (a, b):
            if corpus.node(iri) not in G:
                G.add_node(corpus.node(iri), **corpus.attributes(iri))
        G.add_edge(corpus.node(a), corpus.node(b), weight=weight)
    return G
