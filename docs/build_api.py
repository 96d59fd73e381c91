"""Build the API reference, HTML pages generated from the docstrings by pdoc.

    pip install -e '.[test]'      # or: pip install --group docs
    python docs/build_api.py      # writes docs/api/index.html (not kept in git)
    python docs/build_api.py OUT  # writes OUT/index.html

Every public module of the ``graph`` package is documented (none whose name, or whose
parent package's name, starts with ``_``); the command line has its own reference,
docs/cli.md.
"""

from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

import graph

__all__ = ["OUTPUT", "build", "public_modules"]

OUTPUT = Path(__file__).resolve().parent / "api"


def public_modules() -> list[str]:
    """``graph`` and its public submodules, by name, sorted."""
    found = ["graph"]
    for module in pkgutil.walk_packages(graph.__path__, prefix="graph."):
        parts = module.name.split(".")
        if not any(part.startswith("_") for part in parts) and parts[1] != "cli":
            found.append(module.name)
    return sorted(found)


def build(output: Path = OUTPUT) -> Path:
    """Write the reference into ``output``; return its index page."""
    import pdoc
    import pdoc.render

    pdoc.render.configure(docformat="restructuredtext", footer_text=f"pubgraph {graph.__version__}")
    pdoc.pdoc(*public_modules(), output_directory=output)
    return output / "index.html"


if __name__ == "__main__":
    index = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(f"wrote {index}")
