"""Parsing --where conditions."""

from __future__ import annotations

import pytest

from graph.errors import NetworkError
from graph.network.where import Where, parse_where


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("year=2010-2020", (2010, 2020)),
        ("year=2015", (2015, 2015)),
        ("year=2010-", (2010, None)),
        ("year=-2015", (None, 2015)),
        ("YEAR = 1999 - 2001", (1999, 2001)),
    ],
)
def test_year_ranges(text: str, years: tuple[int | None, int | None]) -> None:
    assert parse_where([text]).years == (years,)


def test_keys_combine() -> None:
    where = parse_where(["mesh=D006393", "mesh=Spine", "journal=9301980", "year=2001"])
    assert where == Where(years=((2001, 2001),), mesh=("D006393", "Spine"), journals=("9301980",))
    assert str(where) == "year=2001 mesh=D006393 mesh=Spine journal=9301980"
    assert bool(where) and not Where()


def test_year_acceptance() -> None:
    where = parse_where(["year=-2000", "year=2010-"])
    assert [where.accepts_year(y) for y in (1999, 2000, 2005, 2010, None)] == [True, True, False, True, False]
    assert Where().accepts_year(None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year", "--where 'year' is not KEY=VALUE; use year=FROM-TO"),
        ("mesh=", "--where 'mesh=' is not KEY=VALUE"),
        ("year=20x0", "--where 'year=20x0': a year is YYYY, YYYY-YYYY, YYYY- or -YYYY"),
        ("year=2020-2010", "--where 'year=2020-2010': the range ends before it starts"),
        ("author=Smith", "unknown --where key 'author' in 'author=Smith'"),
    ],
)
def test_bad_conditions(text: str, message: str) -> None:
    with pytest.raises(NetworkError, match=r"^" + message.replace("(", r"\(")):
        parse_where([text])
