"""Saved SPARQL queries: the library behind ``pubgraph query --saved NAME``.

Each query is a ``.rq`` file in this package. Its leading comment lines declare it::

    # title: Top-cited articles
    # description: one line shown by pubgraph query --list
    # param: pmid (pmid) -- PMID of the article
    # param: min (integer) = 1 -- least number of articles

A parameter has a kind (:data:`KINDS`: ``pmid``, ``integer``, ``year``, ``text``,
``iri``) and, when it may be left out, a default after ``=``; one without a default
must be given. It appears in the query body as one line ``VALUES ?pmid { "28993889" }``
(``<…>`` for an IRI) inside the WHERE clause, holding an example (or the default), so
the file runs unchanged in any SPARQL tool over the union of the store's named graphs.
:meth:`SavedQuery.render` checks each value against its kind and rewrites that line
with it as an escaped literal or a checked IRI, so a value can never change the
query's shape.

A query may have a fast form, ``fast/NAME.rq``, with the same parameters and the same
answer (rows and order), reading the summaries the build keeps
(:mod:`graph.store.summaries`); :func:`fast_form` gives it for a rendered query text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyoxigraph as ox

from ..errors import QueryError, QueryParameterError
from ..model.terms import literal

__all__ = ["KINDS", "Param", "ParamKind", "SavedQuery", "fast_form", "get_saved", "list_saved"]

_HEADER_RE = re.compile(r"#\s*(title|description|param)\s*:\s*(.*?)\s*$")
_PARAM_RE = re.compile(
    r"(?P<name>[A-Za-z_]\w*)\s*\(\s*(?P<kind>\w+)\s*\)\s*(?:=\s*(?P<default>.*?))?(?:\s+--\s+(?P<help>.*))?$"
)
# What the files and render() put inside VALUES: a SPARQL STRING_LITERAL2, or an IRIREF.
_TERM = r'"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>'


@dataclass(frozen=True, slots=True)
class ParamKind:
    """What a parameter's value must look like: shown as ``-p NAME=METAVAR (FORM)``.

    ``check`` returns the value to put in the query (normalised), or None when the
    value does not have this form.
    """

    metavar: str
    form: str
    check: Callable[[str], str | None]
    term: Callable[[str], str] = literal


def _digits(value: str) -> str | None:
    text = value.strip()
    return str(int(text)) if text.isascii() and text.isdigit() and int(text) > 0 else None


def _integer(value: str) -> str | None:
    text = value.strip()
    return str(int(text)) if re.fullmatch(r"[+-]?[0-9]+", text) else None


def _year(value: str) -> str | None:
    text = value.strip()
    return text if re.fullmatch(r"[0-9]{4}", text) else None


def _text(value: str) -> str | None:
    return value if value.strip() else None


def _iri(value: str) -> str | None:
    try:
        return ox.NamedNode(value.strip()).value  # pyoxigraph checks RFC 3987 syntax
    except ValueError:
        return None


#: The kinds of saved-query parameter, by the name a ``# param:`` line gives.
KINDS: dict[str, ParamKind] = {
    "pmid": ParamKind("PMID", "digits", _digits),
    "integer": ParamKind("N", "an integer", _integer),
    "year": ParamKind("YEAR", "4 digits", _year),
    "text": ParamKind("TEXT", "non-empty text", _text),
    "iri": ParamKind("IRI", "an absolute IRI", _iri, term=lambda value: f"<{value}>"),
}


def _values_re(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?P<indent>[ \t]*)VALUES[ \t]+\?{name}[ \t]*\{{[ \t]*(?P<term>{_TERM})[ \t]*\}}[ \t]*$",
        re.MULTILINE,
    )


def _set_values(text: str, name: str, term: str) -> str:
    # A function, not re.sub's replacement string: backslashes in the value stay as they are.
    line = f"VALUES ?{name} {{ {term} }}"
    return _values_re(name).sub(lambda match: match["indent"] + line, text)


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter of a saved query: its name, kind, help, default (None: required) and
    the example its file's VALUES line holds.

    >>> Param("pmid", "pmid", "PMID of the article").usage
    '-p pmid=PMID (digits)'
    >>> Param("min", "integer", "least count", default="1").usage
    '[-p min=N (an integer; default 1)]'
    """

    name: str
    kind: str
    help: str = ""
    default: str | None = None
    example: str = ""

    @property
    def usage(self) -> str:
        kind = KINDS[self.kind]
        if self.default is None:
            return f"-p {self.name}={kind.metavar} ({kind.form})"
        return f"[-p {self.name}={kind.metavar} ({kind.form}; default {self.default})]"

    def term(self, value: str) -> str | None:
        """``value`` as the SPARQL term for this parameter, or None when it has the wrong form.

        >>> Param("pmid", "pmid").term(" 028993889"), Param("pmid", "pmid").term("abc")
        ('"28993889"', None)
        """
        kind = KINDS[self.kind]
        if not _is_unicode(value):
            return None
        checked = kind.check(value)
        return None if checked is None else kind.term(checked)


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """One saved query, as declared by its ``.rq`` file.

    >>> query = get_saved("references")
    >>> query.title, [p.name for p in query.params], query.usage
    ('References of an article', ['pmid'], '-p pmid=PMID (digits)')
    """

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    fast: str | None = None

    @property
    def usage(self) -> str:
        """The ``-p`` options this query takes, as ``pubgraph query --list`` shows them."""
        return " ".join(param.usage for param in self.params)

    @property
    def examples(self) -> dict[str, str]:
        """The example value of each parameter: ``render(examples)`` gives the file's text."""
        return {param.name: param.example for param in self.params}

    def render(self, values: Mapping[str, str] | None = None) -> str:
        """The query text with each parameter's VALUES line set to its value in ``values``.

        Raises :class:`~graph.errors.QueryParameterError` for a name that is not a
        parameter, a required parameter left out, or a value of the wrong form.

        >>> text = get_saved("cited-by").render({"pmid": "12345"})
        >>> 'VALUES ?pmid { "12345" }' in text
        True
        >>> try:
        ...     get_saved("cited-by").render({"pmid": "abc"})
        ... except QueryParameterError as err:
        ...     print(err)
        saved query 'cited-by' needs -p pmid=PMID (digits); got pmid='abc'
        """
        given = dict(values or {})
        known = [param.name for param in self.params]
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise QueryParameterError(self._unknown_param(unknown[0]))
        text = self.text
        for param in self.params:
            value = given.get(param.name, param.default)
            if value is None:
                raise QueryParameterError(f"saved query {self.name!r} needs {self.usage}")
            term = param.term(value)
            if term is None:
                encoding = "" if _is_unicode(value) else ", which is not UTF-8"
                raise QueryParameterError(
                    f"saved query {self.name!r} needs {self.usage}; got {param.name}={_shown(value)}{encoding}"
                )
            text = _set_values(text, param.name, term)
        return text

    def _unknown_param(self, name: str) -> str:
        if not self.params:
            return f"saved query {self.name!r} takes no parameters (got {_shown(name)})"
        nearest = difflib.get_close_matches(name, [param.name for param in self.params], n=1)
        hint = f" (did you mean {nearest[0]!r}?)" if nearest else ""
        return f"saved query {self.name!r} has no parameter {_shown(name)}{hint}; it takes {self.usage}"


def fast_form(sparql: str) -> str | None:
    """The fast form of ``sparql`` when it is a saved query's text as rendered (any
    parameter values) and that query has one; None otherwise.

    >>> text = get_saved("mesh-major-by-year").render({"min": "3"})
    >>> 'VALUES ?min { "3" }' in fast_form(text) and "pg:majorTopicCount" in fast_form(text)
    True
    >>> fast_form(text.replace("DESC(?year)", "?year")) is None
    True
    """
    for query in _load_all():
        if query.fast is None or not sparql.startswith(query.text[: query.text.find("\n") + 1]):
            continue
        terms = {param.name: _values_re(param.name).search(sparql) for param in query.params}
        if any(match is None for match in terms.values()):
            return None
        fast, template = query.fast, sparql
        for param in query.params:
            term = terms[param.name]["term"]  # type: ignore[index]
            template = _set_values(template, param.name, param.term(param.example) or "")
            fast = _set_values(fast, param.name, term)
        return fast if template == query.text else None
    return None


def _is_unicode(value: str) -> bool:
    # Arguments that are not UTF-8 reach Python as lone surrogates (PEP 383).
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(value: str) -> str:
    r"""``value`` quoted for a message, bytes that are not UTF-8 shown as ``\xNN``.

    >>> print(_shown("caf\udce9"), _shown('a"b'))
    'caf\xe9' 'a"b'
    """
    if _is_unicode(value):
        return repr(value)
    raw = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "'" + raw.replace("'", "\\'") + "'"


def list_saved() -> list[SavedQuery]:
    """Every saved query shipped with pubgraph, sorted by name.

    >>> names = [query.name for query in list_saved()]
    >>> "top-cited" in names and names == sorted(names)
    True
    """
    return list(_load_all())


def get_saved(name: str) -> SavedQuery:
    """The saved query called ``name``; :class:`~graph.errors.QueryError` when there is none.

    >>> get_saved("top-cited").title
    'Top-cited articles'
    >>> try:
    ...     get_saved("top-cite")
    ... except QueryError as err:
    ...     print(err)
    unknown saved query 'top-cite'; did you mean 'top-cited'? (pubgraph query --list shows all)
    """
    queries = {query.name: query for query in _load_all()}
    if name in queries:
        return queries[name]
    nearest = difflib.get_close_matches(name, list(queries), n=1)
    if nearest:
        raise QueryError(
            f"unknown saved query {name!r}; did you mean {nearest[0]!r}? (pubgraph query --list shows all)"
        )
    raise QueryError(f"unknown saved query {name!r}; known: {', '.join(queries)}")


@cache
def _load_all() -> tuple[SavedQuery, ...]:
    # importlib.resources, not __file__: the .rq files are package data, found when installed.
    folder = resources.files(__package__)
    files = [item for item in folder.iterdir() if item.name.endswith(".rq")]
    fast = {item.name: item.read_text(encoding="utf-8") for item in (folder / "fast").iterdir()}
    return tuple(
        _parse(item.name.removesuffix(".rq"), item.read_text(encoding="utf-8"), fast.get(item.name))
        for item in sorted(files, key=lambda item: item.name)
    )


def _parse(name: str, text: str, fast: str | None = None) -> SavedQuery:
    """Read a query's declaration from its leading comment lines.

    >>> _parse("n", '# title: T\\n# description: D\\n# param: x (integer) = 1 -- an x\\n'
    ...        'SELECT * {\\n  VALUES ?x { "1" }\\n}').params
    (Param(name='x', kind='integer', help='an x', default='1', example='1'),)
    """
    fields: dict[str, str] = {}
    declared: list[tuple[str, str, str, str | None]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header = _HEADER_RE.match(line)
        if header is None:
            continue
        key, value = header.groups()
        if key == "param":
            declared.append(_declaration(name, value))
        else:
            fields[key] = value
    for key in ("title", "description"):
        if not fields.get(key):
            raise QueryError(f"saved query {name!r} has no '# {key}:' line")
    params = tuple(_param(name, text, *declaration) for declaration in declared)
    for param in params:
        if fast is not None and _values_re(param.name).search(fast) is None:
            raise QueryError(f"the fast form of saved query {name!r} has no line VALUES ?{param.name} {{ … }}")
    return SavedQuery(name, fields["title"], fields["description"], params, text, fast)


def _declaration(query: str, line: str) -> tuple[str, str, str, str | None]:
    match = _PARAM_RE.match(line)
    if match is None or match["kind"] not in KINDS:
        raise QueryError(
            f"saved query {query!r}: bad parameter line {line!r}; expected '# param: NAME (KIND) -- HELP' "
            f"or '# param: NAME (KIND) = DEFAULT -- HELP', KIND one of {', '.join(KINDS)}"
        )
    return match["name"], match["kind"], match["help"] or "", match["default"]


def _param(query: str, text: str, name: str, kind: str, help: str, default: str | None) -> Param:
    """The parameter, its example read from the VALUES line and checked against its kind."""
    values = _values_re(name).search(text)
    if values is None:
        raise QueryError(f'saved query {query!r} declares parameter {name!r} but has no line VALUES ?{name} {{ "…" }}')
    term = values["term"]
    example = re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m[1], m[1]), term[1:-1])
    param = Param(name, kind, help, default, example)
    if param.term(example) != term:
        raise QueryError(f"saved query {query!r}: VALUES ?{name} holds {term}, which is not {KINDS[kind].form}")
    if default is not None and param.term(default) != term:
        raise QueryError(f"saved query {query!r}: VALUES ?{name} must hold its default, {param.term(default)}")
    return param
