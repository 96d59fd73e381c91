"""The co-author network reads each authorship's byline name, not the shared person's names.

An ORCID-identified person is one shared node that gathers every spelling records use;
the network's merging rule and labels go by what each byline printed (DESIGN.md, "Named
graphs": per-authorship facts live in the record's graph).
"""

from __future__ import annotations

from graph.model import Iris, Seen, article_nquads
from graph.network.coauthor import coauthor_network
from graph.records import Article, Author, PubDate
from graph.store import KnowledgeStore

ORCID = "0000-0002-1825-0097"  # ORCID's documented example; its checksum passes


def _store(*articles: Article) -> KnowledgeStore:
    kg = KnowledgeStore.in_memory()
    seen = Seen()
    kg.add_quads(b"".join(article_nquads(a, Iris(), seen) for a in articles).decode())
    return kg


def test_label_is_the_commonest_byline_spelling() -> None:
    # Two records print "Deniz Ferhat", one "D Ferhat"; the shared node holds both names.
    full, short = Author("Ferhat", "Deniz", "D", orcid=ORCID), Author("Ferhat", "D", "D", orcid=ORCID)
    partner = Author("Onoki", "Takahiro", "T")
    kg = _store(
        *(Article(str(pmid), pub_date=PubDate(2001), authors=(full, partner)) for pmid in (1, 2)),
        Article("3", pub_date=PubDate(2002), authors=(short, partner)),
    )
    G = coauthor_network(kg)
    assert G.nodes[f"orcid:{ORCID}"]["label"] == "Deniz Ferhat"


def test_people_without_orcid_merge_by_their_byline_names() -> None:
    # Same family name and initial, and a shared co-author: one person, as documented.
    anna, anne = Author("Müller-Lyer", "Anna", "A"), Author("Muller Lyer", "Anne", "A")
    partner = Author("Onoki", "Takahiro", "T")
    kg = _store(
        Article("1", pub_date=PubDate(2001), authors=(anna, partner)),
        Article("2", pub_date=PubDate(2002), authors=(anne, partner)),
    )
    G = coauthor_network(kg)
    assert sorted(G.nodes) == ["name:mullerlyer a", "name:onoki t"]
    assert G.nodes["name:mullerlyer a"]["articles"] == 2
    assert G.nodes["name:mullerlyer a"]["label"] == "Anna Müller-Lyer"  # a tie: the smaller spelling
