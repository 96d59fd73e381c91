"""The manifest of a shard folder: what each input became, to skip it next time.

``manifest.json`` lists every input in the order files apply, with its SHA-256, its
counts and its shard, or why it failed. It is replaced atomically after each shard, so
an interrupted run leaves a manifest of the shards it finished, and the next run
converts only the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError

__all__ = ["MANIFEST", "Entry", "Manifest", "clashing_names", "keep_digest"]

MANIFEST = "manifest.json"
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Entry:
    """One input: ``listed`` records and ``deletions`` it lists; ``records`` of them are
    current and in ``shard`` (see :class:`~graph.distributed.shard.ShardResult` for the
    quads); ``kept`` identifies which (see :func:`keep_digest`)."""

    input: str
    sha256: str
    shard: str = ""
    kept: str = ""
    listed: int = 0
    deletions: int = 0
    records: int = 0
    quads: int = 0
    record_quads: int = 0
    bytes: int = 0
    failed: str = ""


@dataclass(slots=True)
class Manifest:
    """The manifest of one shard folder (``base``: the IRI base the shards were minted with)."""

    base: str
    version: str
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> Manifest | None:
        """The folder's manifest, or None when it has none."""
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {_FORMAT}")
            entries = [Entry(**entry) for entry in data["inputs"]]
            return cls(str(data["base"]), str(data["pubgraph"]), entries)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(
                f"{path}: not a pubgraph shard manifest ({err}); remove it to convert every file again"
            ) from err

    def write(self, folder: Path) -> None:
        """Replace ``folder/manifest.json`` atomically (a temporary file, synced, renamed)."""
        data = {
            "format": _FORMAT,
            "pubgraph": self.version,
            "base": self.base,
            "inputs": [asdict(entry) for entry in self.entries],
            "totals": self.totals(),
        }
        part = folder / f".{MANIFEST}.part-{os.getpid()}"
        with open(part, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, folder / MANIFEST)

    def totals(self) -> dict[str, int]:
        done = [e for e in self.entries if e.shard]
        return {
            "shards": len(done),
            "failed": sum(1 for e in self.entries if e.failed),
            **{key: sum(getattr(e, key) for e in done) for key in ("records", "deletions", "quads", "record_quads")},
        }

    def shards(self) -> list[Entry]:
        """The entries that have a shard, in the order files apply."""
        return [entry for entry in self.entries if entry.shard]


def keep_digest(kept: np.ndarray) -> str:
    """Identifies which events of a file are current: a digest of their indices.

    >>> keep_digest(np.array([0, 2]))[:8]
    'c571327c'
    """
    return hashlib.sha256(np.asarray(kept, dtype="<i8").tobytes()).hexdigest()[:32]


def clashing_names(names: Sequence[str]) -> str | None:
    """The first shard name two inputs would share, if any."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None
