"""RDF files: the serialization chosen from the file name, written atomically.

N-Triples and N-Quads are written line by line as quads arrive (constant memory).
Turtle, TriG, JSON-LD and RDF/XML go through pyoxigraph's streaming serializers with
pubgraph's prefixes. Output goes through :func:`graph.outputs.atomic_output`, so a
failure never leaves a half-written file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import GraphError, UnknownFormatError
from ..model.namespaces import PREFIXES
from ..outputs import atomic_output

__all__ = ["RDF_FORMATS", "RdfFormat", "rdf_format_for", "write_text"]


@dataclass(frozen=True, slots=True)
class RdfFormat:
    name: str
    extension: str
    oxigraph: ox.RdfFormat
    quads: bool  # keeps graph names
    line_based: bool


RDF_FORMATS: dict[str, RdfFormat] = {
    f.extension: f
    for f in (
        RdfFormat("N-Quads", ".nq", ox.RdfFormat.N_QUADS, True, True),
        RdfFormat("N-Triples", ".nt", ox.RdfFormat.N_TRIPLES, False, True),
        RdfFormat("Turtle", ".ttl", ox.RdfFormat.TURTLE, False, False),
        RdfFormat("TriG", ".trig", ox.RdfFormat.TRIG, True, False),
        RdfFormat("JSON-LD", ".jsonld", ox.RdfFormat.JSON_LD, True, False),
        RdfFormat("RDF/XML", ".rdf", ox.RdfFormat.RDF_XML, False, False),
    )
}


def rdf_format_for(path: Path) -> RdfFormat:
    """The serialization named by the extension (``.gz`` allowed on top).

    >>> rdf_format_for(Path("out.nq.gz")).name
    'N-Quads'
    """
    name = path.name.lower().removesuffix(".gz")
    for extension, fmt in RDF_FORMATS.items():
        if name.endswith(extension):
            return fmt
    known = ", ".join(RDF_FORMATS)
    raise UnknownFormatError(f"{path}: unknown output format; use one of {known} (optionally + .gz)")


def write_text(texts: Iterable[str], path: Path) -> None:
    """Write RDF given as N-Quads text pieces to ``path``, in the format its name asks for.

    For N-Triples the pieces must already be N-Triples lines; the other formats are
    re-serialized from N-Quads by pyoxigraph, streaming.
    """
    fmt = rdf_format_for(path)
    with atomic_output(path) as out:
        if fmt.line_based:
            for text in texts:
                out.write(text.encode("utf-8"))
            return
        try:
            ox.serialize(_parsed(texts, fmt.quads), out, fmt.oxigraph, prefixes=PREFIXES)
        except (SyntaxError, ValueError) as err:
            raise GraphError(f"cannot write {fmt.name} to {path}: {err}") from err


def _parsed(texts: Iterable[str], quads: bool) -> Iterator[ox.Quad] | Iterator[ox.Triple]:
    parsed = (quad for text in texts for quad in ox.parse(text, format=ox.RdfFormat.N_QUADS))
    return parsed if quads else (quad.triple for quad in parsed)
