"""Vocabulary namespaces: SPAR (FaBiO, CiTO, BiRO, C4O, PRO, FRAPO), DCTERMS, FOAF, PRISM,
MeSH, PROV-O and pubgraph's own few terms.

``PREFIXES`` is the one table of prefixes: SPARQL queries get it predeclared, Turtle and
TriG output use it, and the ontology files declare the same.
"""

from __future__ import annotations

__all__ = ["PG", "PREFIXES", "Namespace"]


class Namespace:
    """A namespace IRI whose attributes are N-Triples terms of its members.

    Not a ``str`` subclass on purpose: ``DCTERMS.title`` must not be ``str.title``.

    >>> Namespace("http://purl.org/spar/cito/").cites
    '<http://purl.org/spar/cito/cites>'
    >>> Namespace("http://purl.org/spar/cito/").iri("cites")
    'http://purl.org/spar/cito/cites'
    """

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, local: str) -> str:
        if local.startswith("_"):
            raise AttributeError(local)
        term = f"<{self._base}{local}>"
        # Cache on the instance: later lookups skip __getattr__ (mapping is a hot path).
        self.__dict__[local] = term
        return term

    def __str__(self) -> str:
        return self._base

    def iri(self, local: str) -> str:
        """The member's IRI, without angle brackets."""
        return f"{self._base}{local}"


#: pubgraph's own vocabulary (``ontologies/pubgraph.ttl``); not configurable, unlike BASE.
PG = Namespace("https://w3id.org/pubgraph/ontology/")

PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "fabio": "http://purl.org/spar/fabio/",
    "cito": "http://purl.org/spar/cito/",
    "biro": "http://purl.org/spar/biro/",
    "c4o": "http://purl.org/spar/c4o/",
    "pro": "http://purl.org/spar/pro/",
    "datacite": "http://purl.org/spar/datacite/",
    "frbr": "http://purl.org/vocab/frbr/core#",
    "frapo": "http://purl.org/cerif/frapo/",
    "oco": "https://w3id.org/oc/ontology/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "meshv": "http://id.nlm.nih.gov/mesh/vocab#",
    "pg": str(PG),
}

RDF, RDFS, XSD, OWL, DCTERMS, FOAF, SCHEMA, PROV = (
    Namespace(PREFIXES[p]) for p in ("rdf", "rdfs", "xsd", "owl", "dcterms", "foaf", "schema", "prov")
)
FABIO, CITO, BIRO, C4O, PRO, FRBR, FRAPO, OCO, PRISM, MESH, MESHV = (
    Namespace(PREFIXES[p])
    for p in (
        "fabio",
        "cito",
        "biro",
        "c4o",
        "pro",
        "frbr",
        "frapo",
        "oco",
        "prism",
        "mesh",
        "meshv",
    )
)
