"""Process lifetimes: children that die with pubgraph, and SIGTERM as an exception.

A build or conversion that is stopped, even by ``kill -9``, must leave no worker or
server running, and a polite stop (SIGTERM from a shell, a scheduler or a container
runtime) must unwind like Ctrl-C does, so that what a failed step would undo is undone.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys
from types import FrameType

__all__ = ["Terminated", "die_with_parent", "terminate_on_sigterm"]

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived. A KeyboardInterrupt, so every cleanup that Ctrl-C runs runs too."""


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Get ``sig`` when the thread that started this process ends or its process dies,
    even by SIGKILL (Linux prctl(2) PR_SET_PDEATHSIG; a no-op elsewhere). Call it in the
    child: before exec for a server, or as a pool worker's initializer."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)


def terminate_on_sigterm() -> None:
    """From now on SIGTERM raises :class:`Terminated` in the main thread."""
    signal.signal(signal.SIGTERM, _raise_terminated)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated
