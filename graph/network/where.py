"""The ``--where`` filter that narrows every projection to a set of loaded articles.

Syntax, one condition per ``KEY=VALUE`` string:

- ``year=2010-2020`` (inclusive), ``year=2015``, ``year=2010-`` (from), ``year=-2015`` (until)
- ``mesh=D006393`` (a descriptor UI; a heading counts with any qualifier) or
  ``mesh=Hemangiopericytoma`` (a descriptor label, any case)
- ``journal=9301980`` (NLM unique ID), ``journal=0940-6719`` (any ISSN), or the journal's
  title or NLM abbreviation (any case)

Repeating a key gives alternatives (``mesh=A mesh=B``: either heading); different keys must
all hold. Articles without a publication year fail any year condition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import NetworkError

__all__ = ["WHERE_HELP", "Where", "parse_where"]

WHERE_HELP = "year=FROM-TO | mesh=UI or label | journal=NLM ID, ISSN or title; repeatable"
_YEAR_RE = re.compile(r"^(\d{4})?\s*(-)?\s*(\d{4})?$")


@dataclass(frozen=True, slots=True)
class Where:
    """Conditions on the loaded articles a projection starts from; empty means all.

    >>> Where(years=((2010, 2020),)).accepts_year(2015)
    True
    >>> str(Where(years=((2010, None),), mesh=("D006393",)))
    'year=2010- mesh=D006393'
    """

    years: tuple[tuple[int | None, int | None], ...] = ()
    mesh: tuple[str, ...] = ()
    journals: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.years or self.mesh or self.journals)

    def __str__(self) -> str:
        parts = [f"year={_year_text(low, high)}" for low, high in self.years]
        parts += [f"mesh={value}" for value in self.mesh]
        parts += [f"journal={value}" for value in self.journals]
        return " ".join(parts)

    def accepts_year(self, year: int | None) -> bool:
        """True when no year condition is given or ``year`` lies in one of the ranges."""
        if not self.years:
            return True
        if year is None:
            return False
        return any((low is None or year >= low) and (high is None or year <= high) for low, high in self.years)


def parse_where(conditions: Iterable[str]) -> Where:
    """Parse ``KEY=VALUE`` conditions (see the module docstring).

    >>> parse_where(["year=2010-2020", "mesh=D006393", "journal=9301980"])
    Where(years=((2010, 2020),), mesh=('D006393',), journals=('9301980',))
    >>> parse_where(["colour=red"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.NetworkError: unknown --where key 'colour' in 'colour=red'; use year=FROM-TO | ...
    """
    years: list[tuple[int | None, int | None]] = []
    mesh: list[str] = []
    journals: list[str] = []
    for condition in conditions:
        key, sep, value = condition.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise NetworkError(f"--where {condition!r} is not KEY=VALUE; use {WHERE_HELP}")
        if key == "year":
            years.append(_year_range(value, condition))
        elif key == "mesh":
            mesh.append(value)
        elif key == "journal":
            journals.append(value)
        else:
            raise NetworkError(f"unknown --where key {key!r} in {condition!r}; use {WHERE_HELP}")
    return Where(tuple(years), tuple(mesh), tuple(journals))


def _year_range(value: str, condition: str) -> tuple[int | None, int | None]:
    match = _YEAR_RE.match(value)
    if match is None or not (match.group(1) or match.group(3)):
        raise NetworkError(f"--where {condition!r}: a year is YYYY, YYYY-YYYY, YYYY- or -YYYY")
    low, dash, high = match.groups()
    first = int(low) if low else None
    last = int(high) if high else (None if dash else first)
    if first is not None and last is not None and first > last:
        raise NetworkError(f"--where {condition!r}: the range ends before it starts")
    return first, last


def _year_text(low: int | None, high: int | None) -> str:
    if low == high:
        return str(low)
    return f"{low or ''}-{high or ''}"
