"""The URL forms of the triple stores pubgraph pushes to, and their query endpoints.

Each store serves the Graph Store Protocol (GSP), SPARQL Update and SPARQL Query at its
own paths. Verification after a push counts triples through the query endpoint, which
is found from the push URL by the rules below, or given with ``--query-endpoint``.

Paths on ``http://HOST:PORT``, as each store documents them (GSP / Update / query):

- Oxigraph (7878): ``/store`` / ``/update`` / ``/query``
- Apache Jena Fuseki (3030), dataset ``ds``: ``/ds/data`` (or ``/ds``) / ``/ds/update`` / ``/ds/query``
- GraphDB and RDF4J (7200), repository ``R``: ``/repositories/R/rdf-graphs/service`` /
  ``/repositories/R/statements`` / ``/repositories/R``
- Virtuoso (8890), with ``--digest``: ``/sparql-graph-crud-auth`` / ``/sparql-auth`` /
  ``/sparql-auth`` (the unauthenticated ``/sparql`` also answers queries)
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["STORE_URL_FORMS", "query_endpoint_for"]

#: store -> (GSP URL, Update URL, query URL), as documented by each store.
STORE_URL_FORMS: dict[str, tuple[str, str, str]] = {
    "Oxigraph": ("http://HOST:7878/store", "http://HOST:7878/update", "http://HOST:7878/query"),
    "Apache Jena Fuseki": (
        "http://HOST:3030/DATASET/data",
        "http://HOST:3030/DATASET/update",
        "http://HOST:3030/DATASET/query",
    ),
    "GraphDB (RDF4J)": (
        "http://HOST:7200/repositories/REPO/rdf-graphs/service",
        "http://HOST:7200/repositories/REPO/statements",
        "http://HOST:7200/repositories/REPO",
    ),
    "Virtuoso": (
        "http://HOST:8890/sparql-graph-crud-auth",
        "http://HOST:8890/sparql-auth",
        "http://HOST:8890/sparql-auth",
    ),
}

# Path suffix of a push URL -> the same store's query path suffix. Longest first.
_QUERY_SUFFIX: tuple[tuple[str, str], ...] = (
    ("/rdf-graphs/service", ""),  # RDF4J / GraphDB repository
    ("/sparql-graph-crud-auth", "/sparql-auth"),  # Virtuoso, web (digest) authentication
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso, SPARQL user account
    ("/statements", ""),  # RDF4J / GraphDB update endpoint
    ("/store", "/query"),  # Oxigraph
    ("/update", "/query"),  # Oxigraph and Fuseki
    ("/data", "/query"),  # Fuseki
)


def query_endpoint_for(push_url: str) -> str:
    """The SPARQL query endpoint of the store behind ``push_url``.

    URLs that match no rule (a Fuseki dataset URL, Virtuoso's ``/sparql``) are taken to
    accept queries themselves, as the SPARQL 1.1 Protocol allows.

    >>> query_endpoint_for("http://localhost:7878/store")
    'http://localhost:7878/query'
    >>> query_endpoint_for("http://db:7200/repositories/pubmed/rdf-graphs/service")
    'http://db:7200/repositories/pubmed'
    >>> query_endpoint_for("http://localhost:3030/ds")
    'http://localhost:3030/ds'
    """
    parts = urlsplit(push_url)
    path = parts.path.rstrip("/")
    for suffix, replacement in _QUERY_SUFFIX:
        if path.endswith(suffix):
            path = path[: -len(suffix)] + replacement
            break
    return urlunsplit((parts.scheme, parts.netloc, path or "/", parts.query, ""))
