"""What every command module shares: the command group, common options, progress bars,
summaries (a line, or ``--json``) and how much goes to stderr (``-v``, ``-q``).

The CLI is the only part of pubgraph that prints or exits: library errors
(:class:`~graph.errors.GraphError`) become one ``error: …`` line and exit status 1.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from tqdm import tqdm

from ..errors import GraphError, QueryParameterError
from ..pipeline import FileSummary, Terminated, __version__, expand_inputs, summary_facts

__all__ = [
    "Bars",
    "bars_off",
    "base_option",
    "cli",
    "echo_json",
    "emit_summary",
    "inputs_or_fail",
    "jobs_option",
    "json_option",
    "mesh_option",
    "note",
    "store_option",
    "verbosity",
]

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns library errors into one line on stderr: exit status 1, or 2 for a usage
    error (:class:`~graph.errors.QueryParameterError`).

    A file system or encoding error that escapes the library becomes one line too;
    ``PUBGRAPH_DEBUG=1`` shows its traceback instead. Other exceptions are bugs and
    keep theirs.
    """

    def invoke(self, ctx: click.Context) -> Any:
        _printable_streams()
        try:
            return super().invoke(ctx)
        except QueryParameterError as err:
            _fail(str(err), 2)
        except GraphError as err:
            _fail(str(err), 1)
        except (UnicodeError, OSError) as err:
            if isinstance(err, BrokenPipeError) or os.environ.get("PUBGRAPH_DEBUG"):
                raise  # click ends quietly on a closed pipe (pubgraph … | head)
            _fail(_described(err), 1)
        except Terminated:
            _fail("terminated", 128 + signal.SIGTERM, prefix="")
        except KeyboardInterrupt:
            _fail("interrupted", 128 + signal.SIGINT, prefix="")


def _fail(message: str, status: int, prefix: str = "error: ") -> NoReturn:
    try:
        click.echo(f"{prefix}{message}", err=True)
    except UnicodeError:  # a stream that _printable_streams could not set up
        click.echo(f"{prefix}{message}".encode("ascii", "backslashreplace").decode("ascii"), err=True)
    sys.exit(status)


def _described(err: UnicodeError | OSError) -> str:
    """One line for an encoding or file system error the library did not expect.

    >>> _described(FileNotFoundError(2, "No such file or directory", "a\\udcff.xml"))
    'a\\udcff.xml: no such file or directory'
    >>> print(_described(UnicodeEncodeError("utf-8", "b\\udcff", 1, 2, "surrogates not allowed")))
    a name or value is not UTF-8 text: 'b\\xff' (surrogates not allowed)
    """
    if isinstance(err, UnicodeError):
        obj = getattr(err, "object", "")
        start = getattr(err, "start", 0)
        window = obj[max(0, start - 30) : start + 30] if isinstance(obj, str) else ""
        shown = f": '{window.encode('utf-8', 'pubgraph.escape').decode('utf-8')}'" if window else ""
        return f"a name or value is not UTF-8 text{shown} ({getattr(err, 'reason', err)})"
    cause = err.strerror.lower() if err.strerror else str(err)
    return f"{err.filename}: {cause}" if err.filename else cause


def _escape_undecodable(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that were not UTF-8 (PEP 383 surrogates) as ``\\xNN``,
    other characters the stream cannot encode as ``\\uNNNN``."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    shown = []
    for char in err.object[err.start : err.end]:
        code = ord(char)
        shown.append(f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}")
    return "".join(shown), err.end


codecs.register_error("pubgraph.escape", _escape_undecodable)


def _printable_streams() -> None:
    # File names and arguments that are not UTF-8 arrive as lone surrogates (PEP 383);
    # printing them must show them, never fail.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="pubgraph.escape")


def store_option(func: F) -> F:
    return click.option(
        "--store",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="PUBGRAPH_STORE",
        default=None,
        help="Store directory [default: output/store; env PUBGRAPH_STORE].",
    )(func)


def base_option(func: F) -> F:
    return click.option(
        "--base",
        envvar="PUBGRAPH_BASE",
        default=None,
        metavar="IRI",
        help="Base IRI for minted nodes [default: https://w3id.org/pubgraph/; env PUBGRAPH_BASE].",
    )(func)


def mesh_option(func: F) -> F:
    return click.option(
        "--mesh",
        envvar="PUBGRAPH_MESH",
        default=None,
        metavar="FILES",
        callback=lambda _ctx, _param, value: tuple(Path(p) for p in (value or "").split(os.pathsep) if p),
        help=f"NLM MeSH files (descYYYY.xml …, or UI<TAB>name lines; several joined by '{os.pathsep}') that give "
        "UIs to MeSH terms records name without one [env PUBGRAPH_MESH].",
    )(func)


def jobs_option(func: F) -> F:
    return click.option(
        "--jobs", "-j", type=click.IntRange(1), default=None, help="Worker processes [default: one per core]."
    )(func)


def json_option(func: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print the summary as one JSON object on stdout instead of a line (notes and warnings stay on stderr).",
    )(func)


def emit_summary(as_json: bool, summary: object, line: str, omit: Sequence[str] = ()) -> None:
    """The command's summary on stdout: ``line``, or with ``--json`` the same facts as one
    JSON object read from ``summary`` (see :func:`echo_json`)."""
    if as_json:
        echo_json(summary, omit)
    else:
        click.echo(line)


def echo_json(summary: object, omit: Sequence[str] = ()) -> None:
    """``summary``'s facts (see :func:`graph.pipeline.summary_facts`) but the ``omit`` keys,
    as one JSON object on one line of stdout."""
    facts = {key: value for key, value in summary_facts(summary).items() if key not in omit}
    click.echo(json.dumps(facts, ensure_ascii=False))


_VERBOSITY = "pubgraph.verbosity"


def verbosity() -> int:
    """-1 with ``-q``, 0 by default, 1 with ``-v``, 2 with ``-vv``."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get(_VERBOSITY, 0)) if ctx is not None else 0


def bars_off() -> bool | None:
    """tqdm's ``disable``: off with ``-q``, else off when stderr is not a terminal (None)."""
    return True if verbosity() < 0 else None


def note(message: str) -> None:
    """A ``note: …`` (or progress) line on stderr, unless ``-q``."""
    if verbosity() >= 0:
        with tqdm.external_write_mode(file=sys.stderr):
            click.echo(message, err=True)


class _EchoHandler(logging.Handler):
    """Log records as ``info: graph.pipeline: …`` lines on stderr, above any progress bar."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = f"{record.levelname.lower()}: {record.name}: {record.getMessage()}"
            with tqdm.external_write_mode(file=sys.stderr):
                click.echo(line, err=True)
        except Exception:  # logging must never stop the command (logging.Handler.handleError's rule)
            self.handleError(record)


def _show_logs(ctx: click.Context, level: int) -> None:
    """Send what the ``graph.*`` loggers say at ``level`` and above to stderr while ``ctx`` lives."""
    logger, handler = logging.getLogger("graph"), _EchoHandler()
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(before)

    ctx.call_on_close(restore)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pubgraph")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Show what pubgraph does on stderr: -v its steps and timings, -vv every HTTP request too.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress bars, notes or retries on stderr; warnings and errors stay."
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Build a queryable RDF knowledge graph from PubMed literature.

    \b
    Start with the bundled sample:    pubgraph demo
    Load PubMed XML into the store:   pubgraph build pubmed26n0001.xml.gz updates/
    Ask it questions:                 pubgraph query --saved top-cited
    Convert without a store:          pubgraph convert efetch.xml -o out.nq.gz

    The store is a directory (default output/store). Every record lives in its own
    named graph, so rebuilding with the same files changes nothing and update files
    replace or delete records as PubMed did.

    -v and -q go before the command (pubgraph -v build …); commands that end with
    a summary line print it as one JSON object with --json.
    """
    if verbose and quiet:
        raise click.UsageError("give -v or -q, not both")
    ctx.meta[_VERBOSITY] = -1 if quiet else verbose
    if verbose:
        _show_logs(ctx, logging.INFO if verbose == 1 else logging.DEBUG)


class Bars:
    """Progress bars on stderr: bytes of the current file, records read, records/s.

    Implements :class:`graph.pipeline.loading.Progress`; silent when stderr is not a terminal.
    """

    def __init__(self, total_files: int) -> None:
        self._files = (
            tqdm(total=total_files, unit="file", desc="files", disable=bars_off(), position=0)
            if total_files > 1
            else None
        )
        self._bar: tqdm | None = None
        self._ticking = threading.Event()

    def file_started(self, path: Path, size: int) -> None:
        self._bar = tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc=path.name,
            disable=bars_off(),
            leave=False,
            position=1,
        )

    def advanced(self, position: int, records: int) -> None:
        if self._bar is not None:
            self._bar.update(position - self._bar.n)
            elapsed = self._bar.format_dict.get("elapsed") or 0
            rate = f", {records / elapsed:,.0f}/s" if elapsed else ""
            self._bar.set_postfix_str(f"{records:,} records{rate}", refresh=False)

    def loading(self, path: Path, quads: int) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar = tqdm(
            desc=f"{path.name}: loading {quads:,} quads into the store",
            total=None,
            bar_format="{desc} {elapsed}",
            disable=bars_off(),
            leave=False,
            position=1,
        )
        # The store's bulk loader reports nothing while it works: keep the clock moving.
        self._ticking = threading.Event()
        threading.Thread(target=self._tick, args=(self._bar, self._ticking), daemon=True).start()

    @staticmethod
    def _tick(bar: tqdm, stop: threading.Event) -> None:
        while not stop.wait(0.5):
            bar.refresh()

    def file_done(self, summary: FileSummary) -> None:
        self._ticking.set()
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._files is not None:
            self._files.update(1)
            self._files.set_postfix_str(f"{summary.path.name}: {summary.records:,} records", refresh=True)

    def close(self) -> None:
        if self._files is not None:
            self._files.close()


def inputs_or_fail(inputs: Sequence[Path]) -> list[Path]:
    if not inputs:
        raise click.UsageError("give at least one input file or directory")
    return expand_inputs(inputs)
