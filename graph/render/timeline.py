"""The timeline view: x is the year, discs never overlap, undated works in a band of their own.

- Each year is a column, years evenly spaced (one tick per year from the first to the
  last, empty years included, so distances on x are durations).
- Heights come from the force layout, so related works sit at similar heights, as in
  CitNetExplorer's timeline; within a column discs are stacked in lanes, each disc pushed
  down just enough to clear the one above it in its lane. Lanes are as wide as the
  column's largest disc, and a year is as wide as the most crowded column's lanes, so
  discs of neighbouring years cannot touch either.
- Works without a year are not put on the axis: they fill rows in a band below it, by
  community then rank, and the page labels the band.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import NamedTuple

__all__ = ["Timeline", "timeline"]

Node = Hashable
Position = tuple[float, float]
_PAD = 2.0
_MAX_LANES = 4
_BAND_GAP = 80.0
_ASPECT = 0.45


class Timeline(NamedTuple):
    """Positions, the year ticks as (x, label), and the top of the undated band (None without one)."""

    positions: dict[Node, Position]
    axis: list[tuple[float, str]]
    band: float | None


def timeline(
    years: Mapping[Node, int | None],
    heights: Mapping[Node, float],
    radius: Mapping[Node, float],
    groups: Mapping[Node, int],
    ranks: Mapping[Node, float],
) -> Timeline:
    """Place nodes by ``years`` (None: undated), keeping the order of ``heights`` within a year.

    >>> heights, radius = {"a": 0.0, "b": 1.0, "c": 0.0}, dict.fromkeys("abc", 5.0)
    >>> t = timeline({"a": 2000, "b": 2002, "c": None}, heights, radius, {}, {})
    >>> t.positions["a"][0] < t.positions["b"][0], [label for _x, label in t.axis], t.band < t.positions["c"][1]
    (True, ['2000', '2001', '2002'], True)
    """
    dated = sorted({y for y in years.values() if y is not None})
    columns: dict[int, list[Node]] = {year: [] for year in dated}
    for node, year in years.items():
        if year is not None:
            columns[year].append(node)
    area = sum((2 * radius[n] + _PAD) ** 2 for n in years)
    crowded = max((_stack(nodes, radius) for nodes in columns.values()), default=0.0)
    base = max(300.0, math.sqrt(area), crowded / _MAX_LANES)
    tallest = _balanced(base, len(dated) and dated[-1] - dated[0], lambda t: _year_width(columns, radius, t))
    lanes = {year: _lanes(nodes, radius, tallest) for year, nodes in columns.items()}
    width = _year_width(columns, radius, tallest)
    low, high = min(heights.values(), default=0.0), max(heights.values(), default=0.0)
    scale = tallest / (high - low) if high > low else 1.0
    positions: dict[Node, Position] = {}
    first = dated[0] if dated else 0
    for year, nodes in columns.items():
        ordered = sorted(nodes, key=lambda n: ((heights[n] - low) * scale, str(n)))
        positions.update(_column(ordered, (year - first) * width, lanes[year], radius, heights, low, scale))
    axis = [((year - first) * width, str(year)) for year in range(first, dated[-1] + 1)] if dated else []
    undated = [n for n, year in years.items() if year is None]
    if not undated:
        return Timeline(positions, axis, None)
    bottom = max((y + radius[n] for n, (_x, y) in positions.items()), default=0.0)
    top = bottom + _BAND_GAP if positions else 0.0
    span = axis[-1][0] if axis else 0.0
    order = sorted(undated, key=lambda n: (groups.get(n, 0), -ranks.get(n, 0.0), str(n)))
    positions.update(_rows(order, radius, top, max(span, 400.0)))
    return Timeline(positions, axis, top)


def _balanced(base: float, span: int, width: Callable[[float], float]) -> float:
    """The height, at least ``base``, about ``_ASPECT`` times the width, so links between years are not flat.

    A taller plot needs fewer lanes, so narrower years: bisect on the height.
    """
    low, high = base, max(base, _ASPECT * span * width(base))
    for _step in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if middle < _ASPECT * span * width(middle) else (low, middle)
    return high


def _year_width(columns: Mapping[int, list[Node]], radius: Mapping[Node, float], tallest: float) -> float:
    """As wide as the widest column's lanes, plus a disc: neighbouring years' discs never touch."""
    lanes = [_lanes(nodes, radius, tallest) * (2 * _widest(nodes, radius) + _PAD) for nodes in columns.values()]
    return max([60.0, *lanes]) + 2 * max(radius.values(), default=0.0) + _PAD


def _stack(nodes: list[Node], radius: Mapping[Node, float]) -> float:
    return sum(2 * radius[n] + _PAD for n in nodes)


def _widest(nodes: list[Node], radius: Mapping[Node, float]) -> float:
    return max((radius[n] for n in nodes), default=0.0)


def _lanes(nodes: list[Node], radius: Mapping[Node, float], tallest: float) -> int:
    # Three quarters of the height as slack: heights follow the force layout, not a tight stack.
    return max(1, min(_MAX_LANES * 4, math.ceil(_stack(nodes, radius) / (0.25 * tallest))))


def _column(
    nodes: list[Node],
    x0: float,
    lanes: int,
    radius: Mapping[Node, float],
    heights: Mapping[Node, float],
    low: float,
    scale: float,
) -> dict[Node, Position]:
    """A year's ``nodes`` (sorted by height) in ``lanes`` lanes, each disc clear of the one above."""
    step = 2 * _widest(nodes, radius) + _PAD
    placed: dict[Node, Position] = {}
    last: list[tuple[float, float] | None] = [None] * lanes  # (y, radius) of each lane's lowest disc
    for node in nodes:
        wanted = (heights[node] - low) * scale
        # The lane where the disc can sit highest, nearest its wanted height.
        lane, y = min(
            (
                (k, wanted if end is None else max(wanted, end[0] + end[1] + radius[node] + _PAD))
                for k, end in enumerate(last)
            ),
            key=lambda option: (option[1], option[0]),
        )
        last[lane] = (y, radius[node])
        placed[node] = (x0 + (lane - (lanes - 1) / 2) * step, y)
    return placed


def _rows(nodes: list[Node], radius: Mapping[Node, float], top: float, span: float) -> dict[Node, Position]:
    """Undated ``nodes`` in rows across ``span`` pixels, the first row's discs touching ``top``."""
    step = 2 * _widest(nodes, radius) + _PAD
    per_row = max(1, int(span // step) + 1)
    return {node: ((i % per_row) * step, top + step / 2 + (i // per_row) * step) for i, node in enumerate(nodes)}
