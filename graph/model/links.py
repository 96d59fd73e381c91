"""Citation links that NCBI's ELink reported, as quads beside what the records state."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..identifiers import is_pmid
from .iris import Iris
from .namespaces import CITO, FABIO, PG, RDF
from .terms import Quad, iri, literal

__all__ = ["elink_nquads"]


def elink_nquads(edges: Iterable[tuple[str, str]], iris: Iris, present: Collection[tuple[str, str]] = ()) -> list[Quad]:
    """Quads for citation links ELink reported, ``(citing PMID, cited PMID)`` pairs.

    Each link is a ``cito:Citation`` with ``pg:citationSource pg:ELink`` in the citing
    work's graph ``BASE/graph/elink/{PMID}``, plus ``cito:cites`` unless ``present``
    says a loaded reference list states it already (a triple lives in one graph only);
    stubs of both works go to the entities graph, as the mapping writes them.
    A pair whose ids are not both PMIDs (ELink's reply is data, not trusted) is skipped.

    >>> quads = elink_nquads([("1", "2")], Iris("http://x.org/"))
    >>> quads[0][1:]
    ('<http://purl.org/spar/cito/cites>', '<http://x.org/article/2>', '<http://x.org/graph/elink/1>')
    """
    entities = iri(iris.entities_graph)
    quads: list[Quad] = []
    stubs: set[str] = set()
    for citing, cited in sorted(edges):
        if not (is_pmid(citing) and is_pmid(cited)):
            continue
        graph = iri(iris.elink_graph(citing))
        s, o, node = iri(iris.article(citing)), iri(iris.article(cited)), iri(iris.citation(citing, cited))
        if (citing, cited) not in present:
            quads.append((s, CITO.cites, o, graph))
        quads += [
            (node, RDF.type, CITO.Citation, graph),
            (node, CITO.hasCitingEntity, s, graph),
            (node, CITO.hasCitedEntity, o, graph),
            (node, PG.citationSource, PG.ELink, graph),
        ]
        for pmid in (citing, cited):
            if pmid not in stubs:
                stubs.add(pmid)
                quads += [
                    (iri(iris.article(pmid)), RDF.type, FABIO.Expression, entities),
                    (iri(iris.article(pmid)), FABIO.hasPubMedId, literal(pmid), entities),
                ]
    return quads
