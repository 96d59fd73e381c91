"""Regenerate the golden N-Quads files that ``tests/model/test_mapping.py`` compares against.

Each ``<fixture>.nq`` holds the quads ``graph.model.article_quads`` makes from the Articles
of ``tests/data/<fixture>.xml`` (deletions have no quads), with the default ``Iris``
(base ``https://w3id.org/pubgraph/``): one N-Quads line per distinct quad, lines sorted.

When to run it: only after a deliberate change to the RDF model (DESIGN.md, "RDF model")
or to a fixture, never to make a failing golden test pass. Then review
``git diff tests/data/golden`` line by line against DESIGN.md: every added or removed
line changes what users get in their store, and a speed-up must change none.

Run it against the code you mean to freeze, from the repository root::

    python tests/data/golden/regenerate.py
    PYTHONPATH=/path/to/worktree python tests/data/golden/regenerate.py  # another checkout's graph/
"""

from __future__ import annotations

import sys
from pathlib import Path

from graph import Iris, article_quads, read_records
from graph.records import Article

GOLDEN = Path(__file__).resolve().parent
DATA = GOLDEN.parent
FIXTURES = ("pubmed_full", "pubmed_book", "medline_legacy", "baseline", "update", "pubmed_2013")


def golden_lines(xml: Path) -> list[str]:
    """The sorted, distinct N-Quads lines (newline included) of every Article in ``xml``."""
    iris = Iris()
    lines = {
        " ".join(quad) + " .\n"
        for record in read_records(xml)
        if isinstance(record, Article)
        for quad in article_quads(record, iris)
    }
    return sorted(lines)


def main() -> None:
    import os

    import graph

    os.environ.pop("PUBGRAPH_MESH", None)  # golden files name unlinked MeSH terms by name

    print(f"mapping from {Path(graph.__file__).parent}", file=sys.stderr)
    for name in FIXTURES:
        lines = golden_lines(DATA / f"{name}.xml")
        target = GOLDEN / f"{name}.nq"
        target.write_text("".join(lines), encoding="utf-8", newline="\n")
        print(f"{target.relative_to(DATA.parent.parent)}: {len(lines)} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
