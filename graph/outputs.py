"""Files written whole or not at all: a temporary file beside the target, renamed only
when complete, so a failure never leaves a half-written output; missing folders made
and removed again on failure; the file system's refusals as one :class:`OutputError`
naming the output.

Every layer that writes files (store exports, network files, map pages, harvests) uses
this module, so it imports nothing of theirs.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import gzip
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import OutputError

__all__ = ["atomic_output", "output_errors", "prepared_parent", "scratch_file"]

_GZIP_LEVEL = 6  # gzip's own default; level 9 costs 3x the time for ~2% smaller files


@contextmanager
def atomic_output(path: Path, *, compress: bool | None = None) -> Iterator[IO[bytes]]:
    """A binary stream that becomes ``path`` only if the block ends without error.

    It gzip-compresses when ``path`` ends in ``.gz``, unless ``compress=False`` says the
    caller writes gzip members itself.
    """
    if compress is None:
        compress = path.name.lower().endswith(".gz")
    with output_errors(path), prepared_parent(path):
        yield from _atomic(path, compress)


@contextmanager
def prepared_parent(path: Path) -> Iterator[None]:
    """Create ``path``'s missing parent folders; remove them again if the block fails."""
    created = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    nearest = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if nearest is not None and not nearest.is_dir():
        raise OutputError(f"cannot write {path}: {nearest} is a file, not a folder")
    with output_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for folder in created:  # innermost first; only the ones this call made
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


_HINTS = {
    errno.ENOSPC: "free some space there, or write elsewhere",
    errno.EDQUOT: "free some space there, or write elsewhere",
    errno.EROFS: "write to a folder you can write to",
    errno.EACCES: "write to a folder you can write to",
    errno.EPERM: "write to a folder you can write to",
}


@contextmanager
def output_errors(path: Path) -> Iterator[None]:
    """Turn the file system refusing to create or write ``path`` (or its temporary file
    or folders) into :class:`~graph.errors.OutputError` naming ``path`` and the cause.

    >>> try:
    ...     with output_errors(Path("/ro/out.nq")):
    ...         raise OSError(errno.EROFS, "Read-only file system", "/ro/.out.nq.x.part")
    ... except OutputError as err:
    ...     print(err)
    cannot write /ro/out.nq: read-only file system; write to a folder you can write to
    """
    try:
        yield
    except OSError as err:
        if err.errno is None or (err.filename is not None and not _near_output(Path(os.fsdecode(err.filename)), path)):
            raise  # not from the system (a store's own error), or about another file: not ours to explain
        cause = err.strerror.lower() if err.strerror else str(err)
        hint = _HINTS.get(err.errno or 0)
        raise OutputError(f"cannot write {path}: {cause}" + (f"; {hint}" if hint else "")) from err


def _near_output(name: Path, path: Path) -> bool:
    return name == path or name.parent == path.parent or name in path.parents


def _atomic(path: Path, compress: bool) -> Iterator[IO[bytes]]:
    _remove_abandoned_parts(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    # Held until the end: tells a later write of the same file that this one is alive.
    # The workers of a parallel conversion write to the file by name, not through fd.
    fcntl.flock(fd, fcntl.LOCK_EX)
    temp = Path(temp_name)
    os.chmod(temp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual permissions
    try:
        with open(temp, "r+b") as raw:
            if compress:
                with gzip.GzipFile(
                    filename=path.name[:-3],
                    mode="wb",
                    fileobj=raw,
                    compresslevel=_GZIP_LEVEL,
                    mtime=0,
                ) as zipped:
                    yield zipped  # type: ignore[misc]
            else:
                yield raw
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


@contextmanager
def scratch_file(path: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path`` for work on the way to writing it, gone at the end.

    Locked, named and cleaned up like the ``.part`` files of :func:`atomic_output`; the
    file system refusing it is an :class:`~graph.errors.OutputError` naming ``path``.
    """
    with output_errors(path), prepared_parent(path):
        _remove_abandoned_parts(path)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".scratch.part") as scratch:
            fcntl.flock(scratch.fileno(), fcntl.LOCK_EX)
            yield scratch


def _remove_abandoned_parts(path: Path) -> None:
    """Delete the temporary files that earlier writes of ``path`` left when their process
    was killed (no cleanup runs after ``kill -9``); a write still running holds a lock."""
    for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        try:
            fd = os.open(part, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            part.unlink(missing_ok=True)
        except OSError:  # locked: in use by a live process
            pass
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
