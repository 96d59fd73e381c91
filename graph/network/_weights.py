"""Co-occurrence counting with sparse matrices: the shared core of the weighted projections.

With the incidence matrix ``A`` (groups x items, 1 where a group holds an item),
``A.T @ A`` counts for every pair of items the groups holding both: co-citation (groups =
citing records, items = cited works), bibliographic coupling (groups = cited works, items
= citing records), co-authorship, MeSH and keyword co-occurrence (groups = articles).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp

__all__ = ["cooccurrence"]

Item = TypeVar("Item", bound=Hashable)


def cooccurrence(
    groups: Mapping[Any, Iterable[Item]], min_weight: int = 1
) -> tuple[dict[Item, int], list[tuple[Item, Item, int]]]:
    """Items' group counts, and pairs of items with the number of groups holding both.

    Pairs below ``min_weight`` are left out; each pair appears once, in first-seen order
    of its items.

    >>> counts, pairs = cooccurrence({"p1": ["a", "b", "c"], "p2": ["a", "b"], "p3": ["c"]})
    >>> counts
    {'a': 2, 'b': 2, 'c': 2}
    >>> pairs
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    >>> cooccurrence({"p1": ["a", "b", "c"], "p2": ["a", "b"]}, min_weight=2)[1]
    [('a', 'b', 2)]
    """
    index: dict[Item, int] = {}
    row_ids: list[int] = []
    col_ids: list[int] = []
    for row, members in enumerate(groups.values()):
        for item in dict.fromkeys(members):  # set() order would vary between runs
            row_ids.append(row)
            col_ids.append(index.setdefault(item, len(index)))
    items = list(index)
    if not items:
        return {}, []
    ones = np.ones(len(row_ids), dtype=np.int64)
    incidence = sp.csr_matrix((ones, (row_ids, col_ids)), shape=(len(groups), len(items)))
    both = sp.triu(incidence.T @ incidence, k=1).tocoo()
    keep = both.data >= min_weight
    counts = np.asarray(incidence.sum(axis=0)).ravel()
    order = np.lexsort((both.col[keep], both.row[keep]))
    rows, cols, data = both.row[keep][order], both.col[keep][order], both.data[keep][order]
    pairs = [(items[i], items[j], int(w)) for i, j, w in zip(rows.tolist(), cols.tolist(), data.tolist(), strict=True)]
    return {item: int(counts[i]) for i, item in enumerate(items)}, pairs
