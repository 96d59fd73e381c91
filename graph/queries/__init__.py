"""Saved SPARQL queries: the library behind ``pubgraph query --saved NAME``.

Each query is a ``.rq`` file in this package. Its leading comment lines declare it::

    # title: Top-cited articles
    # description: one line shown by pubgraph query --list
    # param: pmid = 28993889 -- PMID of the article

A parameter appears in the query body as one line ``VALUES ?pmid { "28993889" }``
inside the WHERE clause; :meth:`SavedQuery.render` rewrites that line with the user's
value, escaped as a string literal, so a value can never change the query's shape.
The files are plain SPARQL with their own PREFIX lines: they run unchanged in any
SPARQL tool over the union of the store's named graphs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import QueryError
from ..model.terms import literal

__all__ = ["Param", "SavedQuery", "get_saved", "list_saved"]

_HEADER_RE = re.compile(r"#\s*(title|description|param)\s*:\s*(.*?)\s*$")
_PARAM_RE = re.compile(r"(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<default>.*?)(?:\s+--\s+(?P<help>.*))?$")
# A SPARQL STRING_LITERAL2: what both the files and render() put inside VALUES.
_STRING = r'"(?:[^"\\\n\r]|\\.)*"'


def _values_re(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?P<indent>[ \t]*)VALUES[ \t]+\?{name}[ \t]*\{{[ \t]*{_STRING}[ \t]*\}}[ \t]*$",
        re.MULTILINE,
    )


def _set_values(text: str, name: str, value: str) -> str:
    # A function, not re.sub's replacement string: backslashes in the value stay as they are.
    line = f"VALUES ?{name} {{ {literal(value)} }}"
    return _values_re(name).sub(lambda match: match["indent"] + line, text)


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter of a saved query: its name, default value and one-line help.

    >>> Param("pmid", "28993889", "PMID of the article").default
    '28993889'
    """

    name: str
    default: str
    help: str = ""


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """One saved query, as declared by its ``.rq`` file.

    >>> query = get_saved("references")
    >>> query.title, [p.name for p in query.params]
    ('References of an article', ['pmid'])
    """

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def render(self, values: Mapping[str, str] | None = None) -> str:
        """The query text with each parameter's VALUES line set to ``values`` or its default.

        Raises :class:`~graph.errors.QueryError` for a name that is not a parameter.

        >>> text = get_saved("cited-by").render({"pmid": "12345"})
        >>> 'VALUES ?pmid { "12345" }' in text
        True
        """
        given = dict(values or {})
        known = [param.name for param in self.params]
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise QueryError(_unknown_param(self.name, unknown[0], known))
        text = self.text
        for param in self.params:
            text = _set_values(text, param.name, given.get(param.name, param.default))
        return text


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
    files = [item for item in resources.files(__package__).iterdir() if item.name.endswith(".rq")]
    return tuple(
        _parse(item.name.removesuffix(".rq"), item.read_text(encoding="utf-8"))
        for item in sorted(files, key=lambda item: item.name)
    )


def _parse(name: str, text: str) -> SavedQuery:
    """Read a query's declaration from its leading comment lines.

    >>> _parse("n", '# title: T\\n# description: D\\n# param: x = 1 -- an x\\n'
    ...        'SELECT * {\\n  VALUES ?x { "1" }\\n}').params
    (Param(name='x', default='1', help='an x'),)
    """
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header = _HEADER_RE.match(line)
        if header is None:
            continue
        key, value = header.groups()
        if key == "param":
            params.append(_param(name, value))
        else:
            fields[key] = value
    for key in ("title", "description"):
        if not fields.get(key):
            raise QueryError(f"saved query {name!r} has no '# {key}:' line")
    for param in params:
        if not _values_re(param.name).search(text):
            raise QueryError(
                f'saved query {name!r} declares parameter {param.name!r} but has no line VALUES ?{param.name} {{ "…" }}'
            )
    return SavedQuery(name, fields["title"], fields["description"], tuple(params), text)


def _param(query: str, declaration: str) -> Param:
    match = _PARAM_RE.match(declaration)
    if match is None:
        raise QueryError(
            f"saved query {query!r}: bad parameter line {declaration!r}; expected '# param: NAME = DEFAULT -- HELP'"
        )
    return Param(match["name"], match["default"], match["help"] or "")


def _unknown_param(query: str, name: str, known: list[str]) -> str:
    if not known:
        return f"saved query {query!r} takes no parameters (got {name!r})"
    nearest = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {nearest[0]!r}? " if nearest else ""
    listed = ", ".join(known)
    return f"saved query {query!r} has no parameter {name!r}; {hint}(parameters: {listed})"
