"""SPARQL answers: :class:`QueryResult`, the same whichever engine gave it (the embedded
store or a remote endpoint), and the W3C result formats, written and read by pyoxigraph's
own serializers.

A :class:`QueryResult` holds its rows as pyoxigraph terms; these functions
hand them back to the engine, so JSON, XML, CSV and TSV are exactly what Oxigraph (and
so ``pubgraph serve``) writes, and answers from other endpoints are read by the same
parser. TSV is the go-between: it writes every term in N-Triples syntax, so nothing
(language tags, datatypes, blank nodes) is lost on the way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import QueryError

if TYPE_CHECKING:
    import pandas
    import rdflib

__all__ = ["STANDARD_FORMATS", "QueryResult", "Term", "parse_results", "result_bytes", "term_text", "to_oxigraph"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: ``--format`` name -> the engine's format: SPARQL 1.1 Query Results JSON, XML, CSV and TSV.
STANDARD_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = field(default=())

    @property
    def kind(self) -> str:
        if self.boolean is not None:
            return "ask"
        return "graph" if self.triples or not self.variables else "select"

    def select(self, *names: str, limit: int | None = None) -> QueryResult:
        """The same answer with only the named columns (and at most ``limit`` rows).

        >>> QueryResult(("a", "b"), ((ox.Literal("1"), ox.Literal("2")),)).select("b").values()
        [{'b': '2'}]
        """
        unknown = [name for name in names if name not in self.variables]
        if unknown:
            raise QueryError(f"no column {unknown[0]!r} in the result (columns: {', '.join(self.variables)})")
        picks = [self.variables.index(name) for name in names]
        rows = tuple(tuple(row[i] for i in picks) for row in self.rows[:limit])
        return QueryResult(tuple(names), rows)

    def values(self) -> list[dict[str, str | None]]:
        """Rows as plain dicts of text values, the form a program usually wants."""
        return [
            {name: (None if term is None else term_text(term)) for name, term in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame with typed columns; see :func:`graph.frames.result_frame`."""
        from .frames import result_frame

        return result_frame(self)

    def to_rdflib(self) -> rdflib.Graph:
        """A CONSTRUCT or DESCRIBE answer as an in-memory rdflib Graph; see :func:`graph.rdflib_views.result_graph`."""
        from .rdflib_views import result_graph

        return result_graph(self)


def term_text(term: Term) -> str:
    """A term's plain value: the IRI, the literal's lexical form, ``_:id`` for blank nodes."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return str(term.value)


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
