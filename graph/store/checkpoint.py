"""The store as it was before a load: a RocksDB checkpoint kept beside it until the load ends.

A load drops records' named graphs, bulk-loads new quads and collects orphans; none of
that is one transaction in Oxigraph (its bulk loader writes outside transactions). So
before a load the store is checkpointed (RocksDB hard-links its immutable files: cheap,
and nearly no extra space until compaction replaces them), and the checkpoint is removed
once the load has finished. Whatever stops the load (an error, SIGTERM, a full disk,
``kill -9``, a power cut) the checkpoint is still there, and it becomes the store again:
at once when the process can, else the next time the store is opened, as SQLite rolls
back a hot journal.

The checkpoint is a sibling folder, ``.{name}.pubgraph-rollback`` beside the store,
because only a rename swaps a whole folder atomically. The states, each safe to stop in:

- no checkpoint: no load is running, or one is still staging its input;
- ``….pubgraph-rollback.partial``: a checkpoint being written, not yet usable: discarded;
- checkpoint and store: a load running or interrupted (the store then carries the
  in-progress flag), or one that finished before it could discard the checkpoint;
- checkpoint and ``….pubgraph-failed``, or checkpoint alone: a rollback under way.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

__all__ = ["Checkpoint"]


class Checkpoint:
    """The rollback checkpoint of the store at ``store`` (a folder that need not exist).

    >>> Checkpoint(Path("output/store")).path.name
    '.store.pubgraph-rollback'
    """

    def __init__(self, store: Path) -> None:
        self.store = store.absolute()
        stem = f".{self.store.name}.pubgraph"
        self.path = self.store.with_name(f"{stem}-rollback")
        self._partial = self.store.with_name(f"{stem}-rollback.partial")
        self._failed = self.store.with_name(f"{stem}-failed")

    def exists(self) -> bool:
        return self.path.is_dir()

    def take(self, store: ox.Store) -> None:
        """Checkpoint ``store`` (open on :attr:`store`), replacing any earlier checkpoint."""
        self.discard()
        store.flush()
        store.backup(str(self._partial))
        _fsync_dir(self._partial)
        os.replace(self._partial, self.path)
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        """Forget the checkpoint (the load it guarded is complete), and any leftovers."""
        for folder in (self._partial, self.path, self._failed):
            shutil.rmtree(folder, ignore_errors=True)

    def restore(self) -> None:
        """Make the checkpoint the store again; the store must not be open for writing here.

        Each step is a rename, so a process stopped half-way is completed by the next call
        (see :meth:`pending_restore`).
        """
        if self.store.exists():
            shutil.rmtree(self._failed, ignore_errors=True)
            os.replace(self.store, self._failed)
        os.replace(self.path, self.store)
        _fsync_dir(self.store.parent)
        shutil.rmtree(self._failed, ignore_errors=True)
        shutil.rmtree(self._partial, ignore_errors=True)

    def pending_restore(self) -> bool:
        """A rollback was cut short after the store was moved away: only its end remains."""
        return self.exists() and not self.store.exists()


def _fsync_dir(folder: Path) -> None:
    # A rename is durable only once its directory is synced (rename(2), fsync(2)).
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
