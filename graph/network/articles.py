"""The loaded articles a projection starts from, with the attributes their nodes carry.

Node attributes: ``pmid``, ``title``, ``year``, ``journal`` (NLM abbreviation, else title),
``journal_id`` (NLM unique ID), ``first_author``, ``authors`` (byline, cut after three),
``doi``, ``iri`` and ``loaded``. Absent facts are absent keys, never ``None``, so every
export format takes them. A loaded record is the subject of ``foaf:isPrimaryTopicOf`` its
PubMed page, whose IRI carries the PMID (the convention in ``ontologies/pubgraph.ttl``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..errors import NetworkError
from ..store.oxigraph import KnowledgeStore
from ._index import current
from ._store import by_subject, rows, typed
from .reference_text import reference_facts
from .where import Where

__all__ = [
    "ArticleAttributes",
    "article_node_id",
    "bylines",
    "chosen_articles",
    "load_articles",
    "narrow",
    "public",
    "reference_labels",
    "stub_attributes",
]

ArticleAttributes = dict[str, Any]
_MESH = "http://id.nlm.nih.gov/mesh/"
_UI_RE = re.compile(r"^[DC]\d{6,9}$")
_JOURNAL_FACTS = (
    "fabio:hasNLMJournalTitleAbbreviation",
    "fabio:hasNationalLibraryOfMedicineJournalId",
    "prism:issn",
    "prism:eIssn",
    "fabio:hasIssnL",
)
_NODE_PREFIXES = (("article/", ""), ("work/doi/", "doi:"), ("work/pmc/", "pmc:"))
_LOOKUP_LIMIT = 2000
_REFERENCE_TEXTS = """SELECT ?work (MIN(?text) AS ?label) WHERE {
  VALUES ?work { %s }
  GRAPH ?g { ?reference biro:references ?work }
  GRAPH ?h { ?reference c4o:hasContent ?text }
} GROUP BY ?work"""
# The first four names of each byline (the fourth only says "et al."), in one query
# whose joins and grouping run in the engine: a name per row instead of the four
# scans of every authorship that rebuilding the byline in Python needs.
_FIRST_AUTHORS = """SELECT ?article ?position (MIN(?name) AS ?written) WHERE {
  GRAPH ?g { ?article pro:isDocumentContextFor ?role }
  { SELECT ?role ?position WHERE { GRAPH ?h { ?role schema:position ?position } FILTER(?position <= 4) } }
  { SELECT ?role ?agent WHERE { GRAPH ?i { ?role pro:isHeldBy ?agent } } }
  OPTIONAL { ?agent foaf:name ?name }
} GROUP BY ?article ?position"""


def article_node_id(iri: str, base: str) -> str:
    """The node id of a work: its PMID, else ``doi:…``/``pmc:…``, else the IRI.

    >>> article_node_id("https://w3id.org/pubgraph/article/28993889", "https://w3id.org/pubgraph/")
    '28993889'
    >>> article_node_id("https://w3id.org/pubgraph/work/doi/10.1000/x", "https://w3id.org/pubgraph/")
    'doi:10.1000/x'
    """
    if not iri.startswith(base):
        return iri
    for prefix, label in _NODE_PREFIXES:  # called for every node and link end: no string building
        if iri.startswith(prefix, len(base)):
            return label + iri[len(base) + len(prefix) :]
    return iri


def stub_attributes(iri: str, base: str, label: str | None) -> ArticleAttributes:
    """Attributes of a work known only because loaded records cite it.

    Its ``title`` is the text of a reference to it, from which ``first_author`` (a family
    name), ``journal`` and ``year`` are read when it gives them (``reference_facts``).

    >>> found = stub_attributes("https://w3id.org/pubgraph/article/1", "https://w3id.org/pubgraph/", "Cell. 2013;4:1-9")
    >>> found["pmid"], found["journal"], found["year"]
    ('1', 'Cell', 2013)
    >>> stub_attributes("https://w3id.org/pubgraph/work/doi/10.1/a", "https://w3id.org/pubgraph/", None)
    {'iri': 'https://w3id.org/pubgraph/work/doi/10.1/a', 'loaded': False, 'doi': '10.1/a', 'title': 'doi:10.1/a'}
    """
    node = article_node_id(iri, base)
    attributes: ArticleAttributes = {"iri": iri, "loaded": False}
    if node.startswith("doi:"):
        attributes["doi"] = node[4:]
    elif node.isdigit():
        attributes["pmid"] = node
    attributes["title"] = label or (f"PMID {node}" if node.isdigit() else node)
    if label:
        attributes.update(reference_facts(label))
    return attributes


def load_articles(kg: KnowledgeStore, *, authors: bool = True, details: bool = True) -> dict[str, ArticleAttributes]:
    """Every loaded article, by IRI, with its node attributes (see the module docstring).

    ``authors=False`` skips the bylines (``first_author``, ``authors``), which projections
    that read authorships themselves do not need; ``details=False`` also skips titles,
    DOIs and journals, leaving ``pmid`` and ``year``.
    """
    articles: dict[str, ArticleAttributes] = {}
    for iri, pages in by_subject(kg, "foaf:isPrimaryTopicOf").items():
        articles[iri] = {"iri": iri, "loaded": True, "pmid": pages[0].rstrip("/").rsplit("/", 1)[-1]}
    articles = dict(sorted(articles.items(), key=lambda item: _pmid_order(item[1]["pmid"])))
    for iri, years in by_subject(kg, "fabio:hasPublicationYear", articles_only=True).items():
        if iri in articles and years[0][:4].isdigit():
            articles[iri]["year"] = int(years[0][:4])
    if not details:
        return articles
    titles = by_subject(kg, "dcterms:title")
    _copy(articles, titles, "title")
    _copy(articles, by_subject(kg, "prism:doi", articles_only=True), "doi")
    _add_journals(kg, articles, titles)
    if authors:
        _add_authors(kg, articles)
    return articles


def _add_authors(kg: KnowledgeStore, articles: dict[str, ArticleAttributes]) -> None:
    """``first_author`` and ``authors`` from the byline order (``schema:position``)."""
    found: dict[str, list[tuple[float, str]]] = {}
    reading = current(kg, "authors")
    for iri, position, name in reading.first_authors() if reading else rows(kg, _FIRST_AUTHORS):
        if iri in articles and position is not None:
            found.setdefault(iri, []).append((float(position), name or "?"))
    for iri, names in found.items():
        written = [name for _position, name in sorted(names)]
        articles[iri]["first_author"] = written[0]
        articles[iri]["authors"] = ", ".join(written[:3]) + (" et al." if len(written) > 3 else "")


def _pmid_order(pmid: str) -> tuple[int, str]:
    return (int(pmid), "") if pmid.isdigit() else (0, pmid)


def bylines(kg: KnowledgeStore, articles: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Article -> its (authorship role, agent) pairs in byline order.

    Order follows ``oco:hasNext``, read in one scan; ``schema:position`` would need a
    join with the far larger set of positioned references.
    """
    roles = by_subject(kg, "pro:isDocumentContextFor")
    holders = by_subject(kg, "pro:isHeldBy")
    following = {role: nxt[0] for role, nxt in by_subject(kg, "oco:hasNext").items()}
    found = {}
    for iri in articles:
        ordered = _in_order(roles.get(iri, []), following)
        if ordered:
            found[iri] = [(role, holders[role][0]) for role in ordered if role in holders]
    return found


def _in_order(roles: list[str], following: dict[str, str]) -> list[str]:
    members = set(roles)
    starts = sorted(members - {following[r] for r in roles if r in following})
    ordered: list[str] = []
    for role in starts:
        while role in members and role not in ordered:
            ordered.append(role)
            role = following.get(role, "")
    return ordered + sorted(members - set(ordered))


def _copy(articles: dict[str, ArticleAttributes], values: dict[str, list[str]], key: str) -> None:
    for iri, found in values.items():
        if iri in articles and found[0]:
            articles[iri][key] = min(found)


def _add_journals(kg: KnowledgeStore, articles: dict[str, ArticleAttributes], titles: dict[str, list[str]]) -> None:
    journals = typed(kg, "fabio:Journal")
    parents = by_subject(kg, "frbr:partOf")
    facts = {name: by_subject(kg, name) for name in _JOURNAL_FACTS}
    for iri, article in articles.items():
        journal = _top(iri, parents, journals)
        if journal is None:
            continue
        local_id = journal.rsplit("/", 1)[-1]
        article["journal"] = min(
            facts["fabio:hasNLMJournalTitleAbbreviation"].get(journal) or titles.get(journal) or [local_id]
        )
        article["journal_id"] = min(facts["fabio:hasNationalLibraryOfMedicineJournalId"].get(journal) or [local_id])
        article["_journal_iri"] = journal
        known = [v for values in facts.values() for v in values.get(journal, [])] + titles.get(journal, [])
        article["_journal_keys"] = frozenset(v.casefold() for v in [local_id, *known])


def _top(iri: str, parents: dict[str, list[str]], journals: set[str]) -> str | None:
    """The journal above an article: issue, then volume, then journal (frbr:partOf)."""
    node = iri
    for _step in range(4):
        if node not in parents:
            return None
        node = parents[node][0]
        if node in journals:
            return node
    return None


def chosen_articles(kg: KnowledgeStore, where: Where | None) -> dict[str, ArticleAttributes]:
    """The loaded articles passing ``where``, with ``pmid`` and ``year`` (and what a journal
    condition needs): what the term and people projections start from (they read
    authorships or terms themselves)."""
    where = where or Where()
    return narrow(kg, load_articles(kg, authors=False, details=bool(where.journals)), where)


def narrow(kg: KnowledgeStore, articles: dict[str, ArticleAttributes], where: Where) -> dict[str, ArticleAttributes]:
    """The articles passing ``where`` (all of them when it is empty)."""
    if not where:
        return articles
    chosen = {iri: a for iri, a in articles.items() if where.accepts_year(a.get("year"))}
    if where.mesh:
        allowed = _with_mesh(kg, where.mesh)
        chosen = {iri: a for iri, a in chosen.items() if iri in allowed}
    if where.journals:
        keys = {value.casefold() for value in where.journals}
        if not any(keys & a.get("_journal_keys", frozenset()) for a in articles.values()):
            raise NetworkError(
                f"--where journal={'|'.join(where.journals)}: no journal in the store has that NLM ID, "
                "ISSN, title or abbreviation; see pubgraph query --saved articles-by-journal"
            )
        chosen = {iri: a for iri, a in chosen.items() if keys & a.get("_journal_keys", frozenset())}
    return chosen


def public(attributes: ArticleAttributes) -> ArticleAttributes:
    """The attributes a node carries: without the private ``_…`` keys used for filtering."""
    return {key: value for key, value in attributes.items() if not key.startswith("_")}


def reference_labels(kg: KnowledgeStore, works: Iterable[str], batch: int = 400) -> dict[str, str]:
    """Work IRI -> the text of a reference to it (the first in sort order), for stubs' titles.

    A few works are looked up by value; many are joined from two scans, which costs the
    same whatever their number (see ``_store``).
    """
    wanted = sorted(set(works))
    if (reading := current(kg, "references")) is not None:
        return reading.reference_labels(wanted)
    if len(wanted) > _LOOKUP_LIMIT:
        texts = by_subject(kg, "c4o:hasContent")
        found: dict[str, str] = {}
        for reference, cited in by_subject(kg, "biro:references").items():
            for work in cited:
                if reference in texts and (work not in found or texts[reference][0] < found[work]):
                    found[work] = texts[reference][0]
        chosen = set(wanted)
        return {work: text for work, text in found.items() if work in chosen}
    labels: dict[str, str] = {}
    for start in range(0, len(wanted), batch):
        values = " ".join(f"<{iri}>" for iri in wanted[start : start + batch])
        labels.update((w, t) for w, t in rows(kg, _REFERENCE_TEXTS % values) if w and t)
    return labels


def _with_mesh(kg: KnowledgeStore, wanted: tuple[str, ...]) -> set[str]:
    """Articles indexed with one of the descriptors (UI or label), with or without qualifier."""
    descriptors = {value.upper() for value in wanted if _UI_RE.match(value.upper())}
    labels = {value.casefold() for value in wanted if not _UI_RE.match(value.upper())}
    if labels:
        found = {
            d[len(_MESH) :]
            for d, names in by_subject(kg, "rdfs:label", kg.iris.mesh_graph).items()
            if d.startswith(_MESH) and labels & {n.casefold() for n in names}
        }
        if not found:
            raise NetworkError(
                f"--where mesh: no MeSH descriptor labelled {', '.join(sorted(labels))} in the store; "
                "give a descriptor UI such as D006393"
            )
        descriptors |= found
    return {
        article
        for article, terms in by_subject(kg, "fabio:hasSubjectTerm").items()
        if any(re.sub(r"Q\d+$", "", term[len(_MESH) :]) in descriptors for term in terms)
    }
