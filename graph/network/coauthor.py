"""Co-authorship: people linked by the loaded articles they wrote together.

PubMed has no author identifiers besides ORCID iDs, so the store holds one person node per
authorship unless the record gave a valid ORCID iD. People are merged across records by
this rule, applied to the authorships of the loaded articles in order of PMID and byline:

1. Authorships carrying the same ORCID iD are one person.
2. Other authorships are compared by **normalised name** (the byline's, as the record prints
   it on the authorship): family name folded to lower-case
   ASCII letters, plus the first initial of the given name ("Müller-Lyer, Anna" and
   "Muller Lyer A" are both ``mullerlyer a``).
3. Two authorships with the same normalised name are one person when they also share
   **a co-author** (another author of both articles, compared by ORCID iD or normalised
   name) **or an affiliation** (the same normalised affiliation text or ROR ID). Merging is
   transitive: A~B and B~C put A, B and C together.
4. Two different ORCID iDs are never merged, whatever the names say; an authorship
   without ORCID iD that matches several joins the first it meets.

So a common name with no shared context stays split (precision over recall), which is
what bibliometric studies prefer for co-authorship counts. Group authors
(``CollectiveName``) are not people and are left out.

Node ids are ``orcid:{iD}``, else ``name:{normalised name}`` with ``~2``, ``~3`` … for
people who share a name but were not merged. Nodes carry ``label`` (the commonest written
form), ``orcid``, ``articles``, ``pmids`` (space-separated), ``first_year``, ``last_year``,
``iri`` and ``members`` (the person IRIs merged, space-separated); edge ``weight`` is the
number of joint articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

from ..store.oxigraph import KnowledgeStore
from ._store import StoreLike, by_subject, opened, typed
from ._weights import cooccurrence
from .articles import bylines, chosen_articles
from .citation import Progress, _quiet
from .where import Where

__all__ = ["coauthor_network", "normalised_name"]

_ORCID = "https://orcid.org/"


def normalised_name(family: str | None, given: str | None, name: str | None = None) -> str:
    """Family name in lower-case ASCII letters, a space, and the first initial.

    >>> normalised_name("Müller-Lyer", "Anna")
    'mullerlyer a'
    >>> normalised_name(None, None, "Takahiro Onoki")
    'onoki t'
    """
    if not family:
        parts = (name or "").split()
        family, given = (parts[-1] if parts else ""), (parts[0] if len(parts) > 1 else "")
    folded = _fold(family)
    initial = _fold(given or "")[:1]
    return f"{folded} {initial}".strip() or "unnamed"


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", "", ascii_text.casefold())


@dataclass(slots=True)
class _Authorship:
    article: str
    position: int
    agent: str
    name: str
    key: str
    orcid: str | None
    evidence: set[tuple[str, str]] = field(default_factory=set)


class _Clusters:
    """Union-find over authorships that never joins two different ORCID iDs."""

    def __init__(self, authorships: list[_Authorship]) -> None:
        self.parent = list(range(len(authorships)))
        self.orcid = [a.orcid for a in authorships]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = sorted((self.find(i), self.find(j)))
        if a == b or (self.orcid[a] and self.orcid[b] and self.orcid[a] != self.orcid[b]):
            return
        self.parent[b] = a
        self.orcid[a] = self.orcid[a] or self.orcid[b]


def coauthor_network(
    store: StoreLike, where: Where | None = None, *, min_weight: int = 1, progress: Progress = _quiet
) -> nx.Graph:
    """People (merged by the rule in the module docstring) linked by joint articles.

    People without a joint article at ``min_weight`` or more are left out.

    >>> from graph.store import KnowledgeStore
    >>> coauthor_network(KnowledgeStore.in_memory()).graph["kind"]
    'coauthor'
    """
    where = where or Where()
    with opened(store) as kg:
        progress("reading articles")
        articles = chosen_articles(kg, where)
        progress("reading authorships")
        authorships = _authorships(kg, articles)
    progress("merging people")
    person = _merge(authorships)
    by_article: dict[str, list[str]] = defaultdict(list)
    for index, authorship in enumerate(authorships):
        by_article[authorship.article].append(person[index])
    _counts, pairs = cooccurrence(by_article, min_weight)
    G = nx.Graph(kind="coauthor", where=str(where), min_weight=min_weight)
    G.add_weighted_edges_from(pairs)
    _describe(G, authorships, person, articles)
    return G


def _authorships(kg: KnowledgeStore, articles: dict[str, dict[str, object]]) -> list[_Authorship]:
    people = typed(kg, "foaf:Person")
    # Names as each byline prints them: a shared ORCID person gathers every record's spelling.
    names, families, givens = (by_subject(kg, p) for p in ("schema:name", "schema:familyName", "schema:givenName"))
    organizations = by_subject(kg, "pro:relatesToOrganization")
    found = []
    for article, byline in bylines(kg, articles).items():
        for position, (role, agent) in enumerate(byline, start=1):
            if agent not in people:
                continue
            name, family, given = (min(v) if (v := m.get(role)) else None for m in (names, families, givens))
            orcid = agent[len(_ORCID) :] if agent.startswith(_ORCID) else None
            written = name or " ".join(p for p in (given, family) if p) or "unnamed"
            authorship = _Authorship(article, position, agent, written, normalised_name(family, given, name), orcid)
            authorship.evidence.update(("affiliation", o) for o in organizations.get(role, []))
            found.append(authorship)
    ordered = sorted(found, key=lambda a: (_pmid_order(articles[a.article]), a.position))
    _add_coauthor_evidence(ordered)
    return ordered


def _pmid_order(article: dict[str, object]) -> tuple[int, str]:
    pmid = str(article.get("pmid", ""))
    return (int(pmid) if pmid.isdigit() else 0, pmid)


def _add_coauthor_evidence(authorships: list[_Authorship]) -> None:
    by_article: dict[str, list[_Authorship]] = defaultdict(list)
    for authorship in authorships:
        by_article[authorship.article].append(authorship)
    for team in by_article.values():
        for authorship in team:
            own = {authorship.key, authorship.orcid}
            authorship.evidence.update(
                ("coauthor", other.orcid or other.key) for other in team if (other.orcid or other.key) not in own
            )


def _merge(authorships: list[_Authorship]) -> list[str]:
    """The node id of each authorship's person."""
    clusters = _Clusters(authorships)
    first_with: dict[tuple[str, ...], int] = {}
    for index, authorship in enumerate(authorships):
        if authorship.orcid:
            clusters.union(index, first_with.setdefault(("orcid", authorship.orcid), index))
        for kind, token in sorted(authorship.evidence):
            clusters.union(index, first_with.setdefault((authorship.key, kind, token), index))
    return _node_ids(authorships, clusters)


def _node_ids(authorships: list[_Authorship], clusters: _Clusters) -> list[str]:
    names: dict[int, str] = {}
    seen_keys: Counter[str] = Counter()
    ids = []
    for index, authorship in enumerate(authorships):
        root = clusters.find(index)
        if root not in names:
            if clusters.orcid[root]:
                names[root] = f"orcid:{clusters.orcid[root]}"
            else:
                seen_keys[authorship.key] += 1
                suffix = "" if seen_keys[authorship.key] == 1 else f"~{seen_keys[authorship.key]}"
                names[root] = f"name:{authorship.key}{suffix}"
        ids.append(names[root])
    return ids


def _describe(
    G: nx.Graph, authorships: list[_Authorship], person: list[str], articles: dict[str, dict[str, object]]
) -> None:
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    pmids: dict[str, dict[str, None]] = defaultdict(dict)
    members: dict[str, dict[str, None]] = defaultdict(dict)
    for node, authorship in zip(person, authorships, strict=True):
        forms[node][authorship.name] += 1
        pmids[node][str(articles[authorship.article]["pmid"])] = None
        members[node][authorship.agent] = None
    for node in G:
        written = forms[node].most_common()
        attributes = G.nodes[node]
        attributes["label"] = min(name for name, count in written if count == written[0][1])
        if node.startswith("orcid:"):
            attributes["orcid"] = node[len("orcid:") :]
        attributes["pmids"] = " ".join(pmids[node])
        attributes["articles"] = len(pmids[node])
        attributes["members"] = " ".join(members[node])
        attributes["iri"] = _ORCID + attributes["orcid"] if "orcid" in attributes else next(iter(members[node]))
    _add_years(G, authorships, person, articles)


def _add_years(
    G: nx.Graph, authorships: list[_Authorship], person: list[str], articles: dict[str, dict[str, object]]
) -> None:
    years: dict[str, list[int]] = defaultdict(list)
    for node, authorship in zip(person, authorships, strict=True):
        year = articles[authorship.article].get("year")
        if isinstance(year, int):
            years[node].append(year)
    for node in G:
        if years[node]:
            G.nodes[node]["first_year"] = min(years[node])
            G.nodes[node]["last_year"] = max(years[node])
