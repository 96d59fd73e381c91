"""Kleinberg burst detection of MeSH terms or keywords over publication years.

The batched two-state automaton of Kleinberg (2002, "Bursty and hierarchical structure in
streams", section 4): in year t, r_t of the d_t articles use the term. The base state
emits it at the overall rate p0 = sum r / sum d, the burst state at p1 = s * p0; entering
the burst state costs gamma * ln(n) for n years, leaving it is free. The cheapest state
sequence (Viterbi) marks the bursts; a burst's weight is how much cheaper the burst state
explains its years than the base state (sum of cost0 - cost1), the usual ranking.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import NamedTuple

from ..errors import NetworkError
from ._store import StoreLike, by_subject, opened
from .articles import chosen_articles
from .cooccurrence import mesh_descriptors, term_key
from .where import Where

__all__ = ["Burst", "TermYears", "bursts", "term_years"]

_MESH = "http://id.nlm.nih.gov/mesh/"


class Burst(NamedTuple):
    """A run of years in the burst state, and its weight."""

    start: int
    end: int
    weight: float


class TermYears(NamedTuple):
    """Articles per term and year, articles per year, and each term's display label."""

    counts: dict[str, dict[int, int]]
    totals: dict[int, int]
    labels: dict[str, str]


def bursts(
    counts: Mapping[str, Mapping[int, int]], totals: Mapping[int, int], *, s: float = 2.0, gamma: float = 1.0
) -> dict[str, list[Burst]]:
    """Terms with at least one burst -> their bursts, in year order.

    ``counts[term][year]`` articles use ``term`` out of ``totals[year]``; years missing
    from ``totals`` have no articles and are skipped.

    >>> totals = {year: 100 for year in range(2000, 2010)}
    >>> quiet = {year: 5 for year in totals}
    >>> bursts({"steady": quiet, "hot": {**quiet, 2004: 40, 2005: 45}}, totals)
    {'hot': [Burst(start=2004, end=2005, weight=41.190182)]}
    """
    years = sorted(year for year, total in totals.items() if total > 0)
    found = {}
    for term, by_year in counts.items():
        runs = _term_bursts([by_year.get(y, 0) for y in years], [totals[y] for y in years], s, gamma)
        if runs:
            found[term] = [Burst(years[a], years[b], round(w, 6)) for a, b, w in runs]
    return found


def _term_bursts(r: list[int], d: list[int], s: float, gamma: float) -> list[tuple[int, int, float]]:
    p0 = sum(r) / sum(d) if sum(d) else 0.0
    p1 = min(s * p0, 0.9999)
    if p0 <= 0 or p1 <= p0:
        return []
    costs = [(_cost(rt, dt, p0), _cost(rt, dt, p1)) for rt, dt in zip(r, d, strict=True)]
    states = _viterbi(costs, gamma * math.log(len(r)) if len(r) > 1 else 0.0)
    runs, start = [], None
    for t, state in enumerate([*states, 0]):
        if state == 1 and start is None:
            start = t
        elif state == 0 and start is not None:
            runs.append((start, t - 1, sum(costs[i][0] - costs[i][1] for i in range(start, t))))
            start = None
    return runs


def _cost(r: int, d: int, p: float) -> float:
    """-ln of the binomial likelihood, without the binomial coefficient (equal in both states)."""
    return -(r * math.log(p) + (d - r) * math.log(1 - p))


def _viterbi(costs: list[tuple[float, float]], enter: float) -> list[int]:
    best = [costs[0][0], enter + costs[0][1]]
    back: list[tuple[int, int]] = []
    for cost0, cost1 in costs[1:]:
        from0 = (best[0], 0) if best[0] <= best[1] else (best[1], 1)
        from1 = min((best[0] + enter, 0), (best[1], 1))
        back.append((from0[1], from1[1]))
        best = [from0[0] + cost0, from1[0] + cost1]
    state = 0 if best[0] <= best[1] else 1
    states = [state]
    for choices in reversed(back):
        state = choices[state]
        states.append(state)
    return states[::-1]


def term_years(
    store: StoreLike, kind: str = "mesh", where: Where | None = None, *, major_only: bool = True
) -> TermYears:
    """Count, per year, the articles (after ``where``) using each MeSH descriptor or keyword."""
    if kind not in ("mesh", "keyword"):
        raise NetworkError(f"bursts are found in MeSH terms or keywords, not in {kind!r}; use mesh or keyword")
    with opened(store) as kg:
        articles = chosen_articles(kg, where)
        if kind == "mesh":
            predicate = "fabio:hasPrimarySubjectTerm" if major_only else "fabio:hasSubjectTerm"
            terms = {a: sorted(t) for a, t in mesh_descriptors(by_subject(kg, predicate)).items()}
            names = by_subject(kg, "rdfs:label", kg.iris.mesh_graph)
            labels = {d[len(_MESH) :]: min(v) for d, v in names.items()}
        else:
            raw = by_subject(kg, "prism:keyword")
            terms = {a: sorted({term_key(t) for t in texts}) for a, texts in raw.items()}
            labels = {term_key(t): t.strip() for texts in raw.values() for t in sorted(texts, reverse=True)}
    totals = Counter(a["year"] for a in articles.values() if "year" in a)
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for article, found in terms.items():
        year = articles.get(article, {}).get("year")
        if year is not None:
            for term in found:
                counts[term][year] += 1
    return TermYears({t: dict(c) for t, c in counts.items()}, dict(totals), {t: labels.get(t, t) for t in counts})
