"""Write the command-line reference, docs/cli.md, from the commands' own ``--help``.

    python docs/cli_reference.py          # rewrite docs/cli.md
    python docs/cli_reference.py --check  # exit 1 when docs/cli.md is out of date

tests/test_docs.py fails while docs/cli.md differs from what this writes, so the
reference changes with the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from graph.cli import cli

__all__ = ["TARGET", "reference"]

TARGET = Path(__file__).resolve().parent / "cli.md"
_WIDTH = 100  # help is wrapped to the terminal; the reference to a fixed width
_HEAD = """# pubgraph command-line reference

Generated from each command's `--help` by `python docs/cli_reference.py`; do not edit by
hand (`tests/test_docs.py` checks that this file matches the commands).

## Shell completion

click completes commands, options and file names in bash (4.4 or later), zsh and fish. Add
one line to your shell's start-up file:

```sh
eval "$(_PUBGRAPH_COMPLETE=bash_source pubgraph)"   # ~/.bashrc
eval "$(_PUBGRAPH_COMPLETE=zsh_source pubgraph)"    # ~/.zshrc
_PUBGRAPH_COMPLETE=fish_source pubgraph | source    # ~/.config/fish/completions/pubgraph.fish
```

To start faster, write the script once (`_PUBGRAPH_COMPLETE=bash_source pubgraph >
~/.pubgraph-complete.bash`) and source that file instead.
"""


def _commands(command: click.Command, ctx: click.Context) -> Iterator[tuple[click.Context, click.Command]]:
    yield ctx, command
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _commands(sub, _context(sub, name, ctx))


def _context(command: click.Command, name: str, parent: click.Context | None = None) -> click.Context:
    # As click makes it for a run (the command's own settings: -h as well as --help),
    # not a bare Context: click caches each command's help option on first use.
    settings = {**command.context_settings, "terminal_width": _WIDTH, "max_content_width": _WIDTH}
    return click.Context(command, info_name=name, parent=parent, **settings)


def reference() -> str:
    """The whole of docs/cli.md: a section per command, its help as ``--help`` prints it."""
    parts = [_HEAD]
    for ctx, command in _commands(cli, _context(cli, "pubgraph")):
        help_text = command.get_help(ctx).rstrip()
        parts.append(f"\n## {ctx.command_path}\n\n```text\n{help_text}\n```\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = reference()
    if argv[1:] == ["--check"]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python docs/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
