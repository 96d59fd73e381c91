"""Writing networks: GraphML, GEXF (Gephi), node-link JSON, CSV edge and node lists.

The file name's extension picks the format. CSV writes two files: the edge list at the
given path and the node list beside it (``citations.csv`` and ``citations-nodes.csv``),
the pair Gephi's and VOSviewer's table imports expect. Every file appears only once
complete.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import networkx as nx

from ..errors import NetworkError
from ..outputs import atomic_output

__all__ = ["EXPORT_FORMATS", "export_format", "write_network"]


def _graphml(G: nx.Graph, out: IO[bytes]) -> None:
    nx.write_graphml(G, out, named_key_ids=True)


def _gexf(G: nx.Graph, out: IO[bytes]) -> None:
    nx.write_gexf(G, out, version="1.2draft")


def _json(G: nx.Graph, out: IO[bytes]) -> None:
    data = nx.node_link_data(G, edges="edges")
    out.write(json.dumps(data, ensure_ascii=False, sort_keys=False).encode("utf-8"))
    out.write(b"\n")


EXPORT_FORMATS: dict[str, Callable[[nx.Graph, IO[bytes]], None]] = {
    ".graphml": _graphml,
    ".gexf": _gexf,
    ".json": _json,
}


def export_format(path: Path | str) -> str:
    """The format ``path``'s extension names, or a :class:`NetworkError` saying which exist.

    >>> export_format("out/citations.GEXF")
    '.gexf'
    """
    suffix = Path(path).suffix.lower()
    if suffix != ".csv" and suffix not in EXPORT_FORMATS:
        raise NetworkError(f"cannot tell the network format of {path}: use .graphml, .gexf, .json or .csv")
    return suffix


def write_network(G: nx.Graph, path: Path | str) -> list[Path]:
    """Write ``G`` in the format of ``path``'s extension; return the files written.

    >>> import tempfile
    >>> G = nx.DiGraph([("2", "1")], kind="citation")
    >>> [p.name for p in write_network(G, Path(tempfile.mkdtemp()) / "net.csv")]
    ['net.csv', 'net-nodes.csv']
    """
    path = Path(path)
    suffix = export_format(path)
    if suffix == ".csv":
        nodes = path.with_name(f"{path.stem}-nodes.csv")
        _write(path, lambda out: _csv_edges(G, out))
        _write(nodes, lambda out: _csv_nodes(G, out))
        return [path, nodes]
    _write(path, lambda out: EXPORT_FORMATS[suffix](_exportable(G), out))
    return [path]


def _write(path: Path, writer: Callable[[IO[bytes]], None]) -> None:
    try:
        with atomic_output(path, compress=False) as out:
            writer(out)
    except OSError as err:
        raise NetworkError(f"cannot write {path}: {err.strerror or err}") from err


def _exportable(G: nx.Graph) -> nx.Graph:
    """GraphML and GEXF take scalar attributes only: drop None, keep graph attributes that are set."""
    H = G.copy()
    H.graph = {k: v for k, v in G.graph.items() if isinstance(v, str | int | float | bool)}
    for _node, data in H.nodes(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
    return H


def _csv_edges(G: nx.Graph, out: IO[bytes]) -> None:
    keys = sorted({key for _a, _b, data in G.edges(data=True) for key in data})
    with _text(out) as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["source", "target", *keys])
        for a, b, data in G.edges(data=True):
            writer.writerow([a, b, *(_cell(data.get(key)) for key in keys)])


def _csv_nodes(G: nx.Graph, out: IO[bytes]) -> None:
    keys = sorted({key for _node, data in G.nodes(data=True) for key in data})
    with _text(out) as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["id", *keys])
        for node, data in G.nodes(data=True):
            writer.writerow([node, *(_cell(data.get(key)) for key in keys)])


@contextmanager
def _text(out: IO[bytes]) -> Iterator[io.TextIOWrapper]:
    """A text view of ``out`` that leaves it open: the atomic writer closes it."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()


def _cell(value: Any) -> Any:
    return "" if value is None else value
