"""RDF terms as N-Triples text, the representation quads travel in.

Quads are tuples of four N-Triples terms, so writing N-Quads is a string join and
loading into Oxigraph is its N-Quads parser; no per-term objects are built on the hot
path. Escaping follows RDF 1.1 N-Triples (section 2.4 and the ECHAR rule).
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["Quad", "iri", "iri_segment", "literal", "nquad_line"]

Quad = tuple[str, str, str, str]

_XSD = "http://www.w3.org/2001/XMLSchema#"
# RFC 3987 ipchar minus "%": what may stay unescaped inside one path segment.
_SEGMENT_SAFE = "!$&'()*+,;=:@-._~"
_SEGMENT_SAFE_RE = re.compile(r"[A-Za-z0-9!$&'()*+,;=:@\-._~]*")
_PATH_SAFE = re.compile(r"[A-Za-z0-9!$&'()*+,;=:@\-._~/]*")


def iri(value: str) -> str:
    """Wrap an already-valid IRI as an N-Triples term.

    >>> iri("http://purl.org/spar/cito/cites")
    '<http://purl.org/spar/cito/cites>'
    """
    return f"<{value}>"


def iri_segment(value: str, keep_slashes: bool = False) -> str:
    """Percent-encode data (a DOI, a volume, a grant id) for use inside an IRI path.

    >>> iri_segment("Suppl 3"), iri_segment("10.1002/(SICI)1<1::AID>3.0.CO;2-D", keep_slashes=True)
    ('Suppl%203', '10.1002/(SICI)1%3C1::AID%3E3.0.CO;2-D')
    """
    if (_PATH_SAFE if keep_slashes else _SEGMENT_SAFE_RE).fullmatch(value):
        return value  # the common case, and quote() is slow
    return quote(value, safe=_SEGMENT_SAFE + ("/" if keep_slashes else ""))


def literal(value: str, datatype: str | None = None) -> str:
    """An N-Triples literal, typed by an ``xsd:`` local name or a full datatype IRI.

    >>> literal('say "hi"\\n'), literal("2018", "gYear")
    ('"say \\\\"hi\\\\"\\\\n"', '"2018"^^<http://www.w3.org/2001/XMLSchema#gYear>')
    """
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        # Four replace() calls scan at C speed; str.translate goes character by character.
        value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    text = f'"{value}"'
    if datatype is None:
        return text
    if ":" not in datatype:
        datatype = _XSD + datatype
    return f"{text}^^<{datatype}>"


def nquad_line(quad: Quad) -> str:
    """One N-Quads line, newline included.

    >>> nquad_line(("<s>", "<p>", '"o"', "<g>"))
    '<s> <p> "o" <g> .\\n'
    """
    return f"{quad[0]} {quad[1]} {quad[2]} {quad[3]} .\n"
