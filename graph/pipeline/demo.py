"""``pubgraph demo``: the bundled sample built into a store of its own, then a few saved
queries answered over it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..queries import get_saved
from ..results import QueryResult
from .loading import DEMO_STORE, BuildSummary, build_demo
from .query import run_query
from .stats import StoreStats, store_stats

__all__ = ["DEMO_PMID", "Demo", "DemoAnswer", "run_demo"]

#: The case report the sample corpus is centred on (Onoki T et al., Eur Spine J 2018).
DEMO_PMID = "28993889"

# (title, saved query, its parameters, the columns shown: all when empty)
_QUESTIONS: tuple[tuple[str, str, Mapping[str, str], tuple[str, ...]], ...] = (
    ("Most cited articles", "top-cited", {}, ("citations", "pmid", "year", "firstAuthor", "title")),
    (
        f"References of PMID {DEMO_PMID}",
        "references",
        {"pmid": DEMO_PMID},
        ("position", "citedPmid", "citedYear", "citedTitle"),
    ),
    ("Co-authors of Kawahara", "coauthors", {"name": "Kawahara"}, ()),
)
_ROWS = 6


@dataclass(frozen=True, slots=True)
class DemoAnswer:
    """One saved query's first rows over the demo store."""

    title: str
    saved: str
    params: Mapping[str, str]
    result: QueryResult


@dataclass(frozen=True, slots=True)
class Demo:
    build: BuildSummary
    store: Path
    stats: StoreStats
    answers: tuple[DemoAnswer, ...]

    def as_dict(self) -> dict[str, Any]:
        """The build, the counts and each answer's rows as text, for ``pubgraph demo --json``."""
        from .facts import summary_facts

        return {
            "build": summary_facts(self.build),
            "store": str(self.store),
            "stats": summary_facts(self.stats),
            "answers": [
                {"title": a.title, "saved": a.saved, "params": dict(a.params), "rows": a.result.values()}
                for a in self.answers
            ],
        }


def run_demo(store: Path | str | None = None) -> Demo:
    """Build the bundled sample (see :func:`~graph.pipeline.loading.build_demo`) and answer
    the demo's saved queries, each cut to its first rows and chosen columns."""
    summary = build_demo(store)
    target = summary.store or DEMO_STORE
    answers = []
    for title, name, params, columns in _QUESTIONS:
        result = run_query(get_saved(name).render(dict(params)), target)
        answers.append(DemoAnswer(title, name, params, result.select(*(columns or result.variables), limit=_ROWS)))
    return Demo(summary, target, store_stats(target), tuple(answers))
