"""The records behind a network's nodes and links, and the subject terms they carry.

Maps use this to name communities by their content and to show, for a link, the records
that make it. Records are keyed like work nodes: the PMID (``doi:…`` for works known by DOI
only). What stands behind what, by kind:

================  ==================================  =====================================
kind              a node is about (its terms)         a link is made by
================  ==================================  =====================================
citation          itself; a cited work: its citers    the citing and the cited work
cocitation        itself if loaded, else its citers   the records citing both
coupling          itself                              the references both make
coauthor          the person's articles               the joint articles
mesh, keyword     the term itself                     the articles using both terms
journal           the journal's articles              its articles citing the other's
================  ==================================  =====================================

Terms are a record's MeSH major topics (descriptor labels) and its author keywords, each
once per record. Everything is read in a few scans of the store, whatever the network's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ._store import StoreLike, by_subject, opened
from .articles import article_node_id, load_articles, narrow, public, reference_labels, stub_attributes
from .cooccurrence import mesh_descriptors, term_key
from .where import Where

__all__ = ["Behind", "records_behind", "terms_only"]

Node = Hashable
_MESH = "http://id.nlm.nih.gov/mesh/"


@dataclass(frozen=True, slots=True)
class Behind:
    """Records (key -> node-like attributes), each record's terms, and what each node stands for.

    ``members``: node -> the records its links are made of; ``about``: node -> the records
    whose terms describe it (when not its members); ``own``: a term node's own label.

    >>> G = nx.Graph([("a", "b")], kind="coauthor")
    >>> G.nodes["a"]["pmids"], G.nodes["b"]["pmids"] = "1 2", "2 3"
    >>> behind = Behind("coauthor", {}, {"1": ("Spine",), "2": ("Spine", "MRI")}, _members(G, "coauthor", {}))
    >>> behind.link("a", "b"), behind.node_terms("a")
    (['2'], ['Spine', 'Spine', 'MRI'])
    """

    kind: str
    records: dict[str, dict[str, Any]]
    terms: dict[str, tuple[str, ...]]
    members: dict[Node, tuple[str, ...]]
    about: dict[Node, tuple[str, ...]] = field(default_factory=dict)
    own: dict[Node, str] = field(default_factory=dict)

    def node_terms(self, node: Node) -> list[str]:
        """The terms of the records ``node`` is about, once per record (a term node: its label)."""
        if node in self.own:
            return [self.own[node]]
        records = self.about.get(node, self.members.get(node, ()))
        return [term for record in records for term in self.terms.get(record, ())]

    def link(self, a: Node, b: Node) -> list[str]:
        """The records that make the link between ``a`` and ``b`` (citing first for citations)."""
        if self.kind == "citation":
            return [str(a), str(b)]
        if self.kind == "journal":
            cited = set(self.members.get(b, ()))
            return [r for r in self.members.get(a, ()) if cited & set(self.records.get(r, {}).get("_cites", ()))]
        other = set(self.members.get(b, ()))
        return [r for r in self.members.get(a, ()) if r in other]


def terms_only(G: nx.Graph) -> Behind:
    """What a network knows without the store: a term node's own label (mesh, keyword).

    >>> G = nx.Graph([("D1", "D2")], kind="mesh"); G.nodes["D1"]["label"] = "Spine"
    >>> terms_only(G).node_terms("D1"), terms_only(G).node_terms("D2")
    (['Spine'], ['D2'])
    """
    kind = str(G.graph.get("kind", ""))
    return Behind(kind, {}, {}, {}, own=_own(G, kind))


def records_behind(G: nx.Graph, store: StoreLike, where: Where | None = None) -> Behind:
    """Read what stands behind the nodes and links of ``G`` (see the module docstring).

    >>> from graph.store import KnowledgeStore
    >>> records_behind(nx.DiGraph(kind="citation"), KnowledgeStore.in_memory()).records
    {}
    """
    kind = str(G.graph.get("kind", ""))
    with opened(store) as kg:
        base = kg.iris.base
        articles = load_articles(kg)
        chosen = {article_node_id(iri, base): a for iri, a in narrow(kg, articles, where or Where()).items()}
        records = {article_node_id(iri, base): public(a) for iri, a in articles.items()}
        all_mesh = kind == "mesh" and G.graph.get("major_only") is False
        headings = _keyed(
            mesh_descriptors(by_subject(kg, "fabio:hasSubjectTerm" if all_mesh else "fabio:hasPrimarySubjectTerm")),
            base,
        )
        major = (
            headings if not all_mesh else _keyed(mesh_descriptors(by_subject(kg, "fabio:hasPrimarySubjectTerm")), base)
        )
        labels = {d[len(_MESH) :]: min(names) for d, names in by_subject(kg, "rdfs:label", kg.iris.mesh_graph).items()}
        keywords = _keyed({k: set(v) for k, v in by_subject(kg, "prism:keyword").items()}, base)
        cites = _citations(kg, base) if kind in ("cocitation", "coupling", "journal") else {}
        if kind == "coupling":
            _add_stubs(records, kg, base, {work for key in chosen for work in cites.get(key, ())})
    if kind == "journal":
        for key in chosen:
            records[key]["_cites"] = tuple(w for w in cites.get(key, ()) if w in chosen)
    index = _index(kind, chosen, cites, headings, keywords)
    members = _members(G, kind, index)
    about = _about(G, kind, members) if kind in ("citation", "cocitation", "coupling") else {}
    return Behind(kind, records, _terms(major, keywords, labels), members, about, _own(G, kind))


def _keyed(found: Mapping[str, set[str]], base: str) -> dict[str, set[str]]:
    return {article_node_id(iri, base): values for iri, values in found.items()}


def _terms(
    headings: Mapping[str, set[str]], keywords: Mapping[str, set[str]], labels: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """Record -> its MeSH major topics' labels, then its keywords not already among them."""
    found: dict[str, tuple[str, ...]] = {}
    for key in set(headings) | set(keywords):
        names = sorted(labels.get(ui, ui) for ui in headings.get(key, ()))
        seen = {name.casefold() for name in names}
        for text in sorted(keywords.get(key, ())):
            if text.strip() and term_key(text) not in seen:
                seen.add(term_key(text))
                names.append(" ".join(text.split()))
        found[key] = tuple(names)
    return found


def _own(G: nx.Graph, kind: str) -> dict[Node, str]:
    if kind not in ("mesh", "keyword"):
        return {}
    return {n: str(d.get("label") or n) for n, d in G.nodes(data=True)}


def _citations(kg: Any, base: str) -> dict[str, list[str]]:
    """Citing record -> cited works (node keys), DOI works resolved to the loaded article."""
    same = {work: article for article, works in by_subject(kg, "owl:sameAs").items() for work in works}
    found: dict[str, list[str]] = {}
    for citing, works in by_subject(kg, "cito:cites", grouped=True).items():
        key = article_node_id(citing, base)
        cited = dict.fromkeys(article_node_id(same.get(w, w), base) for w in works)
        found[key] = sorted(w for w in cited if w != key)
    return found


def _add_stubs(records: dict[str, dict[str, Any]], kg: Any, base: str, works: Iterable[str]) -> None:
    iris = {_iri_of(w, base): w for w in works if w not in records}
    labels = reference_labels(kg, iris)
    for iri, key in iris.items():
        records[key] = stub_attributes(iri, base, labels.get(iri))


def _iri_of(key: str, base: str) -> str:
    if key.startswith("doi:"):
        return f"{base}work/doi/{key[4:]}"
    if key.startswith("pmc:"):
        return f"{base}work/pmc/{key[4:]}"
    return key if ":" in key else f"{base}article/{key}"


def _index(
    kind: str,
    chosen: Mapping[str, Any],
    cites: Mapping[str, list[str]],
    headings: Mapping[str, set[str]],
    keywords: Mapping[str, set[str]],
) -> dict[str, list[str]]:
    """Key (work, journal, term) -> the chosen records behind it, for ``kind``."""
    index: dict[str, list[str]] = defaultdict(list)
    for key, article in chosen.items():
        if kind == "cocitation":
            for work in cites.get(key, ()):
                index[work].append(key)
        elif kind == "coupling":
            index[key] = list(cites.get(key, ()))
        elif kind == "journal" and "journal_id" in article:
            index[str(article["journal_id"])].append(key)
        elif kind == "mesh":
            for ui in sorted(headings.get(key, ())):
                index[ui].append(key)
        elif kind == "keyword":
            for folded in sorted({term_key(t) for t in keywords.get(key, ())}):
                index[folded].append(key)
    return index


def _members(G: nx.Graph, kind: str, index: Mapping[str, list[str]]) -> dict[Node, tuple[str, ...]]:
    if kind == "coauthor":
        return {n: tuple(str(d.get("pmids", "")).split()) for n, d in G.nodes(data=True)}
    if kind == "citation":
        return {n: (str(n),) for n in G}
    return {n: tuple(index.get(str(n), ())) for n in G}


def _about(G: nx.Graph, kind: str, members: Mapping[Node, tuple[str, ...]]) -> dict[Node, tuple[str, ...]]:
    """A loaded work is about its own terms; one known only from reference lists, its citers'."""
    about: dict[Node, tuple[str, ...]] = {}
    for node, loaded in G.nodes(data="loaded"):
        if loaded is False:
            citers = G.predecessors(node) if kind == "citation" else members.get(node, ())
            about[node] = tuple(str(c) for c in citers)
        else:
            about[node] = (str(node),)
    return about
