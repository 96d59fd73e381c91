"""Query answers and network metrics as pandas DataFrames with typed columns.

pandas is an extra (``pip install 'pubgraph[pandas]'``), imported only here and only when
a frame is asked for. A column takes the type its values share: whole numbers become
``Int64``, decimals ``Float64``, booleans ``boolean``, ``xsd:gYear`` years ``Int64``,
``xsd:date`` values ``datetime64`` (the day as written), ``xsd:dateTime`` ones
``datetime64`` in UTC; IRIs and mixed columns stay
text (``string``). Unbound values are missing (``<NA>``, ``NaT``), never the empty string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import GraphError, QueryError

if TYPE_CHECKING:
    import networkx as nx
    import pandas

    from .results import QueryResult, Term

__all__ = ["column_kind", "metrics_frame", "result_frame"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
}
#: xsd datatype (local name) -> column kind.
_KINDS = {
    **dict.fromkeys(_INTEGERS, "integer"),
    **dict.fromkeys(("decimal", "double", "float"), "float"),
    "boolean": "boolean",
    "gYear": "year",
    "date": "date",
    "dateTime": "datetime",
}
_YEAR_RE = re.compile(r"-?\d{4,}")
_DATE_RE = re.compile(r"-?\d{4,}-\d\d-\d\d")
_DTYPES = {
    "integer": "Int64",
    "year": "Int64",
    "float": "Float64",
    "boolean": "boolean",
    "text": "string",
}
#: Node attributes the projections set that a metrics frame shows, when the nodes have them.
_NODE_ATTRIBUTES = (
    "label",
    "pmid",
    "title",
    "first_author",
    "journal",
    "year",
    "first_year",
    "last_year",
    "articles",
    "iri",
)
#: Metrics that count (or number communities): whole numbers; the rest are scores.
_COUNT_METRICS = {"citations", "references", "degree", "strength", "community", "h_index", "main_path"}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as err:
        raise GraphError("DataFrames need pandas: pip install 'pubgraph[pandas]'") from err
    return pandas


def _kind(term: Term) -> str:
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype.startswith(_XSD):
            return _KINDS.get(datatype[len(_XSD) :], "text")
    return "text"


def column_kind(terms: list[Term | None]) -> str:
    """What a column holds: integer, float, boolean, year, date, datetime or text.

    Integers among decimals make a float column; any other mix is text.

    >>> column_kind([ox.Literal("1", datatype=ox.NamedNode(_XSD + "integer")), None])
    'integer'
    >>> column_kind([ox.Literal("2001", datatype=ox.NamedNode(_XSD + "gYear")), ox.Literal("x")])
    'text'
    """
    kinds = {_kind(term) for term in terms if term is not None}
    if kinds == {"integer", "float"}:
        return "float"
    return kinds.pop() if len(kinds) == 1 else "text"


def _value(term: Term | None, kind: str) -> object:
    if term is None:
        return None
    text = term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)
    if kind == "boolean":
        return text.strip() in ("true", "1")
    if kind == "year":  # "2001", "-0044", "2001Z", "2001+02:00"
        year = _YEAR_RE.match(text.strip())
        return int(year[0]) if year else None
    if kind == "integer":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "date":  # the day as written, whatever its time zone
        return text.strip()[:10] if _DATE_RE.match(text.strip()) else None
    return f"_:{text}" if isinstance(term, ox.BlankNode) else text


def _series(pd: Any, name: str, terms: list[Term | None]) -> Any:
    kind = column_kind(terms)
    values = [_value(term, kind) for term in terms]
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="string", name=name), format="%Y-%m-%d", errors="coerce")
    if kind == "datetime":
        # Zones differ row by row in RDF: the column is in UTC (values without a zone taken as UTC).
        return pd.to_datetime(pd.Series(values, dtype="string", name=name), utc=True, format="ISO8601", errors="coerce")
    return pd.Series(values, dtype=_DTYPES[kind], name=name)


def result_frame(result: QueryResult) -> pandas.DataFrame:
    """A SELECT answer as a DataFrame: one column a variable, typed by its values.

    >>> from graph.results import QueryResult
    >>> year = ox.NamedNode(_XSD + "gYear")
    >>> frame = result_frame(QueryResult(("pmid", "year"), ((ox.Literal("1"), ox.Literal("2001", datatype=year)),)))
    >>> frame.dtypes.astype(str).to_dict()
    {'pmid': 'string', 'year': 'Int64'}
    """
    if result.kind != "select":
        raise QueryError(f"a {result.kind.upper()} answer has no rows: use a SELECT query for a DataFrame")
    pd = _pandas()
    columns = {
        name: _series(pd, name, [row[i] for row in result.rows]).reset_index(drop=True)
        for i, name in enumerate(result.variables)
    }
    return pd.DataFrame(columns, columns=list(result.variables))


def metrics_frame(
    G: nx.Graph,
    table: Mapping[str, Mapping[Hashable, Any]],
    *,
    attributes: tuple[str, ...] = _NODE_ATTRIBUTES,
) -> pandas.DataFrame:
    """:func:`graph.network.node_metrics`'s table as a DataFrame indexed by node, with the
    nodes' ``attributes`` first (those any node has: labels, titles, years …), then the
    metrics: counts and communities ``Int64``, scores ``Float64``.

    >>> import networkx as nx
    >>> from graph.network.metrics import node_metrics
    >>> G = nx.DiGraph([("b", "a"), ("c", "a")]); G.nodes["a"]["year"] = 2001
    >>> frame = metrics_frame(G, node_metrics(G))
    >>> int(frame.loc["a", "citations"]), frame.dtypes.astype(str).to_dict()["year"]
    (2, 'Int64')
    """
    pd = _pandas()
    nodes = list(G.nodes)
    columns: dict[str, Any] = {}
    for name in attributes:
        found = [G.nodes[node].get(name) for node in nodes]
        if any(value is not None for value in found):
            columns[name] = pd.Series(found, dtype=_attribute_dtype(found), index=nodes)
    for name, values in table.items():
        dtype = "Int64" if name in _COUNT_METRICS else _metric_dtype(values.values())
        columns[name] = pd.Series([values.get(node) for node in nodes], dtype=dtype, index=nodes)
    return pd.DataFrame(columns, index=pd.Index(nodes, name="node"))


def _attribute_dtype(values: list[Any]) -> str:
    present = [value for value in values if value is not None]
    if all(isinstance(value, int) and not isinstance(value, bool) for value in present):
        return "Int64"
    return "string"


def _metric_dtype(values: Any) -> str:
    kinds: set[Callable[..., Any]] = {type(value) for value in values if value is not None}
    if kinds <= {int}:
        return "Int64"
    if kinds <= {int, float}:
        return "Float64"
    return "object"
