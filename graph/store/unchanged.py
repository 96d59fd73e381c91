"""Staged lines a load need not bulk-load again: those of records the store holds unchanged.

A record graph whose staged lines have the SHA-256 an earlier load recorded
(:meth:`graph.store.oxigraph.KnowledgeStore.apply`) is in the store line for line, so
loading it again adds nothing but costs what a first load does: Oxigraph's bulk loader
sorts and writes every quad it is given, duplicates included, and the compaction after
it rewrites them. Taking those lines out of the staged file first makes a reload of an
unchanged file cost a pass over the file instead of a second bulk load. Lines of other
graphs (shared descriptions, MeSH labels, index entries) stay: another record may need
them, and a duplicate changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["drop_graph_lines"]

_CHUNK = 1 << 24  # bytes of lines filtered at a time


def drop_graph_lines(staged: Path, graphs: Iterable[str]) -> int:
    """Remove from the staged N-Quads file every line in one of the named ``graphs``.

    Staged files are our own N-Quads: one quad a line, ending ``<graph> .``, and an IRI
    never holds ``<``, so a line's graph starts at its last ``<``. The file is rewritten
    beside itself and renamed over, so a failure leaves it whole. Returns the lines removed.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "staged.nq"
    >>> _ = path.write_bytes(b"<s> <p> <o> <g1> .\\n<s> <p> \\"<x>\\" <g2> .\\n")
    >>> drop_graph_lines(path, ["g1"]), path.read_bytes()
    (1, b'<s> <p> "<x>" <g2> .\\n')
    """
    endings = {f"<{graph}> .\n".encode() for graph in graphs}
    if not endings:
        return 0
    kept = staged.with_name(f"{staged.name}.kept")
    removed = 0
    try:
        with open(staged, "rb") as lines, open(kept, "wb") as out:
            for chunk in iter(lambda: lines.readlines(_CHUNK), []):
                wanted = [line for line in chunk if line[line.rfind(b"<") :] not in endings]
                removed += len(chunk) - len(wanted)
                out.writelines(wanted)
        os.replace(kept, staged)
    finally:
        kept.unlink(missing_ok=True)
    return removed
