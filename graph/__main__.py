"""``python -m graph``: the pubgraph command line."""

from .cli import main

main()
