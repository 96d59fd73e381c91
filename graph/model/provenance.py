"""Build provenance as PROV-O in the provenance graph: what was loaded, when, by what.

Each applied input file is one ``prov:Activity`` that ``prov:used`` the file (an entity
keyed by its SHA-256, so the same file loaded twice is one entity) and was associated
with this pubgraph version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from .._version import __version__
from ..records import HarvestActivity, LoadActivity
from .iris import Iris
from .namespaces import DCTERMS, PG, PROV, RDF, RDFS
from .terms import iri, literal, scalar_text

__all__ = ["harvest_activity_nquads", "load_activity_nquads", "software_agent"]


def software_agent(iris: Iris) -> str:
    return f"{iris.base}agent/pubgraph/{__version__}"


def _text(value: str) -> str:
    # File names and arguments come decoded with surrogateescape; UTF-8 has no lone surrogates.
    return literal(scalar_text(value))


def _url(value: str) -> str:
    """A user-given URL as an IRI term: what IRIs exclude (space, ``<>"{}|\\^```) percent-encoded."""
    return iri(quote(scalar_text(value), safe=":/?#[]@!$&'()*+,;=%~"))


def _timestamp(seconds: float) -> str:
    return literal(datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds"), "dateTime")


def load_activity_nquads(iris: Iris, load: LoadActivity) -> str:
    """N-Quads describing one file's load into the store.

    >>> text = load_activity_nquads(Iris("http://x.org/"), LoadActivity("a.xml", "ab", 2, 0, 9, 0.0, 1.0))
    >>> "<http://www.w3.org/ns/prov#used> <http://x.org/input/ab>" in text
    True
    """
    graph = iri(iris.provenance_graph)
    activity = iri(f"{iris.base}activity/load/{load.sha256[:16]}-{int(load.started * 1000)}")
    entity = iri(f"{iris.base}input/{load.sha256}")
    agent = iri(software_agent(iris))
    triples = [
        (activity, RDF.type, PROV.Activity),
        (activity, RDFS.label, _text(f"load {load.name}")),
        (activity, PROV.startedAtTime, _timestamp(load.started)),
        (activity, PROV.endedAtTime, _timestamp(load.ended)),
        (activity, PROV.used, entity),
        (activity, PROV.wasAssociatedWith, agent),
        (activity, PG.recordCount, _integer(load.records)),
        (activity, PG.deletionCount, _integer(load.deletions)),
        (activity, PG.quadCount, _integer(load.quads)),
        (entity, RDF.type, PROV.Entity),
        (entity, RDF.type, PG.InputFile),
        (entity, RDFS.label, _text(load.name)),
        (entity, PG.sha256, literal(load.sha256)),
        *_agent_triples(agent),
    ]
    return "".join(f"{s} {p} {o} {graph} .\n" for s, p, o in triples)


def _agent_triples(agent: str) -> list[tuple[str, str, str]]:
    return [
        (agent, RDF.type, PROV.SoftwareAgent),
        (agent, RDFS.label, literal(f"pubgraph {__version__}")),
        (agent, DCTERMS.hasVersion, literal(__version__)),
    ]


def _integer(n: int) -> str:
    return literal(str(n), "integer")


def harvest_activity_nquads(iris: Iris, harvest: HarvestActivity) -> str:
    """N-Quads describing one harvest from the E-utilities: what it asked, when, what came.

    The activity ``prov:used`` each E-utility endpoint it called; the query, seeds, hops
    and counts are its own properties (``ontologies/pubgraph.ttl``).

    >>> h = HarvestActivity("fetch", "search", "https://e.org/", 0.0, 2.0, 3, requests=1, query="tumor")
    >>> text = harvest_activity_nquads(Iris("http://x.org/"), h)
    >>> '<https://w3id.org/pubgraph/ontology/searchQuery> "tumor"' in text
    True
    """
    graph = iri(iris.provenance_graph)
    activity = iri(f"{iris.base}activity/{harvest.command}/{int(harvest.started * 1000)}")
    agent = iri(software_agent(iris))
    triples = [
        (activity, RDF.type, PROV.Activity),
        (activity, RDF.type, PG.EutilsHarvest),
        (activity, RDFS.label, _text(harvest.label)),
        (activity, PROV.startedAtTime, _timestamp(harvest.started)),
        (activity, PROV.endedAtTime, _timestamp(harvest.ended)),
        (activity, PROV.wasAssociatedWith, agent),
        (activity, PG.recordCount, _integer(harvest.records)),
        (activity, PG.missingCount, _integer(harvest.missing)),
        (activity, PG.requestCount, _integer(harvest.requests)),
        (activity, PG.cachedResponseCount, _integer(harvest.cached)),
        *_agent_triples(agent),
    ]
    if harvest.query is not None:
        triples.append((activity, PG.searchQuery, _text(harvest.query)))
    triples += [(activity, PG.seedPmid, _text(seed)) for seed in harvest.seeds]
    if harvest.depth is not None:
        triples.append((activity, PG.hops, _integer(harvest.depth)))
        triples.append((activity, PG.linkCount, _integer(harvest.links)))
    triples += [(activity, PG.linkName, _text(name)) for name in harvest.link_names]
    if harvest.max_records is not None:
        triples.append((activity, PG.maxRecords, _integer(harvest.max_records)))
    for utility in harvest.utilities:
        endpoint = _url(f"{harvest.eutils_url}{utility}.fcgi")
        triples += [
            (activity, PROV.used, endpoint),
            (endpoint, RDF.type, PG.EutilsEndpoint),
            (endpoint, RDFS.label, literal(f"NCBI E-utilities {utility}")),
        ]
    return "".join(f"{s} {p} {o} {graph} .\n" for s, p, o in triples)
