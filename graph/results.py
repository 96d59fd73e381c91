"""SPARQL results in the W3C formats, written and read by pyoxigraph's own serializers.

A :class:`~graph.pipeline.query.QueryResult` holds its rows as pyoxigraph terms; these functions
hand them back to the engine, so JSON, XML, CSV and TSV are exactly what Oxigraph (and
so ``pubgraph serve``) writes, and answers from other endpoints are read by the same
parser. TSV is the go-between: it writes every term in N-Triples syntax, so nothing
(language tags, datatypes, blank nodes) is lost on the way.
"""

from __future__ import annotations

import logging

import pyoxigraph as ox

from .errors import QueryError
from .pipeline.query import QueryResult

__all__ = ["STANDARD_FORMATS", "parse_results", "result_bytes", "to_oxigraph"]

#: ``--format`` name -> the engine's format: SPARQL 1.1 Query Results JSON, XML, CSV and TSV.
STANDARD_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_log = logging.getLogger(__name__)


def to_oxigraph(result: QueryResult) -> ox.QuerySolutions | ox.QueryBoolean:
    """The answer of a SELECT or ASK as pyoxigraph's own result object.

    >>> answer = to_oxigraph(QueryResult(("n",), ((ox.Literal("7"),),)))
    >>> [solution["n"].value for solution in answer]
    ['7']
    """
    if result.kind == "ask":
        document = '{"head": {}, "boolean": %s}' % ("true" if result.boolean else "false")
        return ox.parse_query_results(document, ox.QueryResultsFormat.JSON)
    if result.kind != "select":
        raise QueryError("CONSTRUCT and DESCRIBE answers are graphs, not SPARQL results: write them as RDF")
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in result.rows]
    return ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)


def result_bytes(result: QueryResult, fmt: str) -> bytes:
    """``result`` (SELECT or ASK) in ``fmt`` (json, xml, csv, tsv), ending with a newline.

    >>> print(result_bytes(QueryResult(boolean=True), "xml").decode())
    <?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head></head><boolean>true</boolean></sparql>
    <BLANKLINE>
    """
    chosen = STANDARD_FORMATS.get(fmt)
    if chosen is None:
        raise QueryError(f"unknown SPARQL results format {fmt!r}; use one of {', '.join(STANDARD_FORMATS)}")
    data = to_oxigraph(result).serialize(format=chosen) or b""
    return data if data.endswith(b"\n") else data + b"\n"


def parse_results(data: bytes, fmt: str) -> QueryResult:
    """Read SPARQL results in ``fmt`` (json, xml, tsv) with pyoxigraph's parser.

    Raises :class:`SyntaxError` (the parser's own) for results that are not valid.

    >>> parse_results(b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}', "json").variables
    ('n',)
    """
    chosen = STANDARD_FORMATS[fmt]
    answer = ox.parse_query_results(data, chosen)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(boolean=bool(answer))
    variables = tuple(variable.value for variable in answer.variables)
    rows = tuple(tuple(solution[name] for name in variables) for solution in answer)
    _log.debug("read %d row(s) of SPARQL %s results", len(rows), chosen.name)
    return QueryResult(variables, rows)
