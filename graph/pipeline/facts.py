"""A task's summary as plain JSON values: what ``pubgraph … --json`` prints.

Each command ends with a summary object (:class:`~graph.pipeline.BuildSummary`,
:class:`~graph.pipeline.PushSummary` …); its one-line text and its JSON object say the same
facts, because both are read from the same object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

__all__ = ["summary_facts"]


def summary_facts(summary: object) -> dict[str, Any]:
    """The fields, then the public properties, of a summary dataclass, as JSON values.

    Paths become strings, tuples lists, nested summaries objects, a network its size;
    an object with an ``as_dict()`` method says itself what it holds.

    >>> from pathlib import Path
    >>> from graph.pipeline.loading import ConvertSummary, FileSummary
    >>> one = FileSummary(Path("a.xml"), records=2, deletions=0, quads=40)
    >>> summary_facts(ConvertSummary(Path("a.nq"), (one,), quads=40, seconds=0.5))["records"]
    2
    >>> summary_facts(one)
    {'path': 'a.xml', 'records': 2, 'deletions': 0, 'quads': 40, 'sha256': ''}
    """
    as_dict = getattr(summary, "as_dict", None)
    if callable(as_dict):
        return dict(as_dict())
    if not dataclasses.is_dataclass(summary) or isinstance(summary, type):
        raise TypeError(f"{type(summary).__name__} is not a summary dataclass")
    facts = {field.name: json_value(getattr(summary, field.name)) for field in dataclasses.fields(summary)}
    cls = type(summary)
    for name in dir(cls):
        if not name.startswith("_") and isinstance(getattr(cls, name), property):
            facts[name] = json_value(getattr(summary, name))
    return facts


def json_value(value: Any) -> Any:
    """``value`` as something :func:`json.dumps` writes: the facts, not Python's repr.

    >>> json_value((PurePath("a"), {"n": 1}, None))
    ['a', {'n': 1}, None]
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "as_dict") or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return summary_facts(value)
    if hasattr(value, "number_of_edges"):  # a networkx graph: its size, not its nodes
        return _network(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    return str(value)


def _network(G: Any) -> dict[str, Any]:
    return {
        "kind": G.graph.get("kind", "network"),
        "where": G.graph.get("where") or None,
        "directed": G.is_directed(),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
    }
