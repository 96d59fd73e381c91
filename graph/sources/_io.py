"""Opening input files: gzip by magic bytes, and errors that name the file."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

__all__ = ["open_input", "peek", "raw_position", "read_errors"]

_GZIP_MAGIC = b"\x1f\x8b"


def peek(path: Path, size: int = 4096) -> bytes:
    """Return the first ``size`` bytes of the file, decompressed when it is gzip."""
    with open_input(path) as stream, read_errors(path):
        return stream.read(size)


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for binary reading, decompressing gzip whatever its extension.

    :func:`raw_position` tells how far into the file on disk reading has got.
    """
    try:
        # By its bytes: lxml takes the stream's name as base URL and cannot encode a
        # name that is not UTF-8 (PEP 383 surrogates).
        raw = open(os.fsencode(path), "rb")  # noqa: SIM115 - closed below, or handed to GzipFile
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise InputError(f"{path}: is a directory, not a file") from err
    except OSError as err:
        raise InputError(f"{path}: cannot open ({err.strerror})") from err
    with raw:
        if raw.peek(2)[:2] == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw) as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield raw


def raw_position(stream: BinaryIO) -> int:
    """Bytes of the file on disk consumed so far (the compressed offset for gzip)."""
    inner = getattr(stream, "fileobj", stream)
    try:
        return int(inner.tell())
    except (OSError, ValueError):
        return 0


@contextmanager
def read_errors(path: Path) -> Iterator[None]:
    """Turn the low-level errors of reading a (compressed) file into :class:`InputError`."""
    try:
        yield
    except EOFError as err:
        raise InputError(f"{path}: the gzip stream is truncated (the file was cut short); download it again") from err
    except (gzip.BadGzipFile, zlib.error) as err:
        raise InputError(f"{path}: corrupt gzip data ({err})") from err
    except OSError as err:
        raise InputError(f"{path}: read error ({err})") from err
