"""Kleinberg burst detection: a synthetic burst, a brute-force check of the automaton, the store."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import pytest

from graph.errors import NetworkError
from graph.network.kleinberg import Burst, _cost, _term_bursts, bursts, term_years

YEARS = range(2000, 2012)


def test_synthetic_burst_is_found_where_it_was_put() -> None:
    totals = dict.fromkeys(YEARS, 200)
    steady = dict.fromkeys(YEARS, 10)
    burst = {**steady, 2005: 45, 2006: 50, 2007: 40}
    found = bursts({"steady": steady, "burst": burst, "absent": {}}, totals)
    assert list(found) == ["burst"]
    [(start, end, weight)] = found["burst"]
    assert (start, end) == (2005, 2007)
    p0 = sum(burst.values()) / sum(totals.values())
    expected = sum(_cost(burst[y], 200, p0) - _cost(burst[y], 200, 2 * p0) for y in (2005, 2006, 2007))
    assert weight == pytest.approx(expected, abs=1e-5)


def test_higher_gamma_needs_a_stronger_burst() -> None:
    totals = dict.fromkeys(YEARS, 100)
    faint = {**dict.fromkeys(YEARS, 5), 2005: 12}
    p0 = 67 / 1200  # 11 years of 5, one of 12, in 12 x 100 articles
    gain = 12 * math.log(2) + 88 * math.log((1 - 2 * p0) / (1 - p0))  # cost0 - cost1 in 2005
    assert bursts({"t": faint}, totals, gamma=0.1) == {"t": [Burst(2005, 2005, pytest.approx(gain, abs=1e-5))]}
    assert bursts({"t": faint}, totals, gamma=3.0) == {}


@pytest.mark.parametrize("seed", range(6))
def test_viterbi_finds_the_cheapest_state_sequence(seed: int) -> None:
    rng = random.Random(seed)
    d = [rng.randrange(20, 60) for _ in range(7)]
    r = [rng.randrange(0, 3) if rng.random() < 0.6 else rng.randrange(5, 15) for _ in d]
    s, gamma = 2.0, 1.0
    p0 = sum(r) / sum(d)
    p = (p0, min(s * p0, 0.9999))
    enter = gamma * math.log(len(d))

    def total(states: tuple[int, ...]) -> float:
        cost = sum(_cost(rt, dt, p[q]) for rt, dt, q in zip(r, d, states, strict=True))
        return cost + enter * sum(1 for a, b in zip((0, *states), states, strict=False) if b > a)

    best = min(itertools.product((0, 1), repeat=len(d)), key=total)
    runs = _term_bursts(r, d, s, gamma)
    states = [0] * len(d)
    for start, end, _weight in runs:
        states[start : end + 1] = [1] * (end - start + 1)
    assert total(tuple(states)) == pytest.approx(total(best))


def test_term_years_from_the_store(corpus_store: Path) -> None:
    mesh = term_years(corpus_store, "mesh")
    assert mesh.totals == {2001: 1, 2002: 1, 2003: 1, 2004: 1, 2005: 1, 2006: 1}
    assert mesh.counts["D000001"] == {2001: 1, 2002: 1, 2003: 1, 2005: 1}
    assert mesh.labels["D000002"] == "Beta"
    keywords = term_years(corpus_store, "keyword")
    assert keywords.counts["spine"] == {2001: 1, 2002: 1, 2003: 1}


def test_term_years_refuses_other_kinds(corpus_store: Path) -> None:
    with pytest.raises(NetworkError, match=r"^bursts are found in MeSH terms or keywords, not in 'citation'"):
        term_years(corpus_store, "citation")
