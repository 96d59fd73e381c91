"""Build provenance as PROV-O in the provenance graph: what was loaded, when, by what.

Each applied input file is one ``prov:Activity`` that ``prov:used`` the file (an entity
keyed by its SHA-256, so the same file loaded twice is one entity) and was associated
with this pubgraph version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from .._version import __version__
from .iris import Iris
from .namespaces import DCTERMS, PG, PROV, RDF, RDFS
from .terms import iri, literal, scalar_text

if TYPE_CHECKING:
    from ..pipeline.harvest import Manifest
    from ..pipeline.loading import FileSummary

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


def load_activity_nquads(iris: Iris, summary: FileSummary, began: float, ended: float) -> str:
    """N-Quads describing one file's load into the store.

    >>> from pathlib import Path
    >>> from graph.pipeline.loading import FileSummary
    >>> text = load_activity_nquads(Iris("http://x.org/"), FileSummary(Path("a.xml"), 2, 0, 9, "ab"), 0.0, 1.0)
    >>> "<http://www.w3.org/ns/prov#used> <http://x.org/input/ab>" in text
    True
    """
    graph = iri(iris.provenance_graph)
    activity = iri(f"{iris.base}activity/load/{summary.sha256[:16]}-{int(began * 1000)}")
    entity = iri(f"{iris.base}input/{summary.sha256}")
    agent = iri(software_agent(iris))
    triples = [
        (activity, RDF.type, PROV.Activity),
        (activity, RDFS.label, _text(f"load {summary.path.name}")),
        (activity, PROV.startedAtTime, _timestamp(began)),
        (activity, PROV.endedAtTime, _timestamp(ended)),
        (activity, PROV.used, entity),
        (activity, PROV.wasAssociatedWith, agent),
        (activity, PG.recordCount, _integer(summary.records)),
        (activity, PG.deletionCount, _integer(summary.deletions)),
        (activity, PG.quadCount, _integer(summary.quads)),
        (entity, RDF.type, PROV.Entity),
        (entity, RDF.type, PG.InputFile),
        (entity, RDFS.label, _text(summary.path.name)),
        (entity, PG.sha256, literal(summary.sha256)),
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


def harvest_activity_nquads(iris: Iris, manifest: Manifest) -> str:
    """N-Quads describing one harvest from the E-utilities: what it asked, when, what came.

    The activity ``prov:used`` each E-utility endpoint it called; the query, seeds, hops
    and counts are its own properties (``ontologies/pubgraph.ttl``).

    >>> from graph.pipeline.harvest import Manifest
    >>> m = Manifest("fetch", "https://e.org/", 0.0, 2.0, query="tumor", records=3, requests={"efetch": 1})
    >>> text = harvest_activity_nquads(Iris("http://x.org/"), m)
    >>> '<https://w3id.org/pubgraph/ontology/searchQuery> "tumor"' in text
    True
    """
    graph = iri(iris.provenance_graph)
    activity = iri(f"{iris.base}activity/{manifest.command}/{int(manifest.started * 1000)}")
    agent = iri(software_agent(iris))
    triples = [
        (activity, RDF.type, PROV.Activity),
        (activity, RDF.type, PG.EutilsHarvest),
        (activity, RDFS.label, _text(manifest.label)),
        (activity, PROV.startedAtTime, _timestamp(manifest.started)),
        (activity, PROV.endedAtTime, _timestamp(manifest.ended)),
        (activity, PROV.wasAssociatedWith, agent),
        (activity, PG.recordCount, _integer(manifest.records)),
        (activity, PG.missingCount, _integer(len(manifest.missing))),
        (activity, PG.requestCount, _integer(sum(manifest.requests.values()))),
        (activity, PG.cachedResponseCount, _integer(sum(manifest.cached.values()))),
        *_agent_triples(agent),
    ]
    if manifest.query is not None:
        triples.append((activity, PG.searchQuery, _text(manifest.query)))
    triples += [(activity, PG.seedPmid, _text(seed)) for seed in manifest.seeds]
    if manifest.depth is not None:
        triples.append((activity, PG.hops, _integer(manifest.depth)))
        triples.append((activity, PG.linkCount, _integer(manifest.links)))
    triples += [(activity, PG.linkName, _text(name)) for name in manifest.link_names]
    if manifest.max_records is not None:
        triples.append((activity, PG.maxRecords, _integer(manifest.max_records)))
    for utility in sorted({*manifest.requests, *manifest.cached}):
        endpoint = _url(f"{manifest.eutils_url}{utility}.fcgi")
        triples += [
            (activity, PROV.used, endpoint),
            (endpoint, RDF.type, PG.EutilsEndpoint),
            (endpoint, RDFS.label, literal(f"NCBI E-utilities {utility}")),
        ]
    return "".join(f"{s} {p} {o} {graph} .\n" for s, p, o in triples)
