"""Running SPARQL over the store and writing results as table, CSV, TSV, JSON or XML.

CSV, TSV, JSON and XML are the W3C SPARQL 1.1 result formats, written by pyoxigraph's own
serializers (:mod:`graph.results`), so other tools read them. The table is for people:
prefixed names, long values cut. :meth:`QueryResult.to_dataframe` and
:meth:`QueryResult.to_rdflib` hand an answer to pandas or rdflib.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from ..errors import QueryError
from ..model.namespaces import PREFIXES
from ..queries import fast_form
from ..results import QueryResult, Term, term_text
from ..store.oxigraph import KnowledgeStore
from ..store.summaries import summaries_current

__all__ = ["RESULT_FORMATS", "QueryResult", "check_query", "run_query", "write_result"]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
_log = logging.getLogger("graph.query")  # the name users configure, whatever module runs the query


def run_query(sparql: str, store: KnowledgeStore | Path | str | None = None) -> QueryResult:
    """Run ``sparql`` (common prefixes predeclared; all named graphs as default graph).

    >>> from graph.store import KnowledgeStore
    >>> kg = KnowledgeStore.in_memory()
    >>> run_query("ASK { ?s ?p ?o }", kg).boolean
    False
    """
    check_query(sparql)
    started = time.perf_counter()
    if isinstance(store, KnowledgeStore):
        result = _collect(_answer(store, _form_for(store, sparql)))
    else:
        with KnowledgeStore.open(store, read_only=True) as kg:
            result = _collect(_answer(kg, _form_for(kg, sparql)))
    _log.info("%s query answered in %.3f s", result.kind, time.perf_counter() - started)
    return result


def _form_for(kg: KnowledgeStore, sparql: str) -> str:
    """What runs for ``sparql``: a saved query's fast form when it has one and the store
    holds current summaries (the same answer, by the tests in test_fast_paths.py), else
    the text as it is."""
    fast = fast_form(sparql)
    return fast if fast is not None and summaries_current(kg) else sparql


def _answer(kg: KnowledgeStore, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    try:
        return kg.query(sparql)
    except QueryError as err:
        if isinstance(err.__cause__, SyntaxError):
            raise QueryError(_syntax_message(sparql, err.__cause__)) from err.__cause__
        raise


_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# What may come before the query form: blanks, comments, PREFIX and BASE declarations.
_PROLOGUE_RE = re.compile(r"(?:\s+|#[^\n\r]*|PREFIX\s*([^\s:]*)\s*:\s*<[^<>]*>|BASE\s*<[^<>]*>)", re.IGNORECASE)
# Strings, IRIs and comments: where a colon is not a prefixed name's.
_OPAQUE_RE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n\r]*'
)
_PNAME_RE = re.compile(r"(?<![\w.\-:?$@])([^\W\d_][\w.\-]*)?:")


def check_query(sparql: str) -> None:
    """Refuse, with a short message, what ``pubgraph query`` must not run: updates, text
    that is not UTF-8.

    >>> check_query("PREFIX ex: <http://e.org/> # a comment\\n ASK { ?s ex:p ?o }")
    >>> try:
    ...     check_query("DELETE WHERE { ?s ?p ?o }")
    ... except QueryError as err:
    ...     print(err)
    pubgraph query runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are not accepted
    """
    bad = next((i for i, char in enumerate(sparql) if "\ud800" <= char <= "\udfff"), None)
    if bad is not None:
        line, column = _line_column(sparql, bad)
        raw = sparql[bad].encode("utf-8", "surrogateescape").hex() if sparql[bad] >= "\udc80" else "?"
        raise QueryError(f"the query is not UTF-8 text: byte 0x{raw} at line {line}, column {column}")
    if _form(sparql) in _UPDATES:
        raise QueryError(f"pubgraph query runs read-only queries ({', '.join(_FORMS)}); updates are not accepted")


def _prologue_end(sparql: str) -> tuple[int, list[str]]:
    """Where the prologue ends, and the prefixes it declares."""
    position, declared = 0, []
    while (match := _PROLOGUE_RE.match(sparql, position)) and match.end() > position:
        if match[1] is not None:
            declared.append(match[1])
        position = match.end()
    return position, declared


def _form(sparql: str) -> str:
    word = re.match(r"[A-Za-z]*", sparql[_prologue_end(sparql)[0] :])
    return word[0].upper() if word else ""


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _syntax_message(sparql: str, err: SyntaxError) -> str:
    """Oxigraph's parse error made one short line: an unknown prefix named, a wrong
    query form said, the list of expected tokens cut."""
    form = _form(sparql)
    if not _OPAQUE_RE.sub("", sparql).strip():
        return "invalid SPARQL: the query is empty"
    if form not in _FORMS:
        found = f"not {form!r}" if form else "not with what it starts with"
        return f"invalid SPARQL: a query starts with {', '.join(_FORMS)} (after PREFIX and BASE lines), {found}"
    unknown = _unknown_prefix(sparql)
    if unknown is not None:
        return unknown
    text = " ".join(str(err).split())
    where = re.match(r"error at (\d+):(\d+): (.*)", text)
    if where is None:
        return f"invalid SPARQL: {_cut(text)}"
    line, column, detail = int(where[1]), int(where[2]), where[3]
    return f"invalid SPARQL at line {line}, column {column}{_near(sparql, line, column)}: {_expected(detail)}"


def _unknown_prefix(sparql: str) -> str | None:
    start, declared = _prologue_end(sparql)
    known = {*PREFIXES, *declared}
    body = _OPAQUE_RE.sub(lambda match: " " * len(match[0]), sparql[start:])
    for match in _PNAME_RE.finditer(body):
        name = match[1] or ""
        if name not in known:
            line, _column = _line_column(sparql, start + match.start())
            listed = ", ".join(sorted(known, key=str.lower))
            return (
                f"unknown prefix {name}: in the query (line {line}); declared prefixes are {listed} "
                f"(add PREFIX {name}: <…>)"
            )
    return None


def _near(sparql: str, line: int, column: int) -> str:
    lines = sparql.splitlines()
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1][: column - 1]
    before = text[-20:].lstrip()
    if not before:
        return ""
    return f" (after {'…' if len(text.strip()) > len(before) else ''}{before!r})"


# Oxigraph's tokens: quoted ones (which may hold commas), Unicode ranges in [ ], words.
_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\[\]]*\]|[^,\s][^,]*')


def _expected(detail: str) -> str:
    # Oxigraph lists every token it could take, Unicode ranges included: keep the words.
    if not detail.startswith("expected"):
        return _cut(detail)
    tokens = _TOKEN_RE.findall(detail.removeprefix("expected").removeprefix(" one of"))
    words = [token.strip() for token in tokens if not token.startswith("[") and token.strip() != "Prefix not found"]
    if not words:
        return "unexpected text here"
    shown = ", ".join(words[:8]) + (", …" if len(words) > 8 else "")
    return f"expected {shown}" if len(words) == 1 else f"expected one of {shown}"


def _cut(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _collect(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    try:
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            return QueryResult(triples=tuple(answer))
        variables = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(solution[name] for name in variables) for solution in answer)
        return QueryResult(variables, rows)
    except OSError as err:  # evaluation errors surface while iterating
        raise QueryError(f"query failed: {err}") from err


def compact(term: Term) -> str:
    """A short display form: prefixed names for known namespaces.

    >>> compact(ox.NamedNode("http://purl.org/spar/cito/cites"))
    'cito:cites'
    >>> compact(ox.NamedNode("http://id.nlm.nih.gov/mesh/vocab#Qualifier"))
    'meshv:Qualifier'
    """
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in _BY_LENGTH:
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
    return term_text(term)


# Longest namespace first: mesh: is a prefix of meshv:.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def write_result(result: QueryResult, fmt: str, out: TextIO, *, width: int = 60) -> None:
    """Write ``result`` to ``out`` in ``fmt`` (one of :data:`RESULT_FORMATS`).

    >>> import io
    >>> out = io.StringIO()
    >>> write_result(QueryResult(("n",), ((ox.Literal("7"),),)), "tsv", out)
    >>> out.getvalue()
    '?n\\n"7"\\n'
    """
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
    if result.kind == "graph":
        out.writelines(f"{triple} .\n" for triple in result.triples)
    elif fmt != "table":
        from ..results import result_bytes

        out.write(result_bytes(result, fmt).decode("utf-8"))
    elif result.kind == "ask":
        out.write("true\n" if result.boolean else "false\n")
    else:
        _write_table(result, out, width)


def _write_table(result: QueryResult, out: TextIO, width: int) -> None:
    cells = [[_cell(term, width) for term in row] for row in result.rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(result.variables)]
    _table_line(result.variables, widths, out)
    out.write("  ".join("-" * w for w in widths).rstrip() + "\n")
    for row in cells:
        _table_line(row, widths, out)
    out.write(f"({len(cells)} row{'s' if len(cells) != 1 else ''})\n")


def _table_line(values: Sequence[str], widths: Sequence[int], out: TextIO) -> None:
    out.write("  ".join(value.ljust(w) for value, w in zip(values, widths, strict=True)).rstrip() + "\n")


def _cell(term: Term | None, width: int) -> str:
    if term is None:
        return ""
    text = " ".join(compact(term).split())
    return text if len(text) <= width else text[: width - 1] + "…"
