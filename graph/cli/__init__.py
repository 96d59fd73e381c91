"""The ``pubgraph`` command line: a thin layer over the library.

Each command module registers its commands on :data:`cli`; each command parses its
options, calls one library function and prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..pipeline import terminate_on_sigterm
from . import core, distributed, live, network, remote  # noqa: F401  (register their commands)
from ._common import cli

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pubgraph`` console script."""
    terminate_on_sigterm()  # so a stopped build rolls its file back, as on Ctrl-C
    cli.main(args=list(argv) if argv is not None else None, prog_name="pubgraph")
