"""RDF terms as N-Triples text, the representation quads travel in.

Quads are tuples of four N-Triples terms, so writing N-Quads is a string join and
loading into Oxigraph is its N-Quads parser; no per-term objects are built on the hot
path. Escaping follows RDF 1.1 N-Triples (section 2.4 and the ECHAR rule).
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["Quad", "iri", "iri_segment", "literal", "nquad_line", "scalar_text"]

Quad = tuple[str, str, str, str]

_XSD = "http://www.w3.org/2001/XMLSchema#"
# RFC 3987 ipchar minus "%": what may stay unescaped inside one path segment.
_SEGMENT_SAFE = "!$&'()*+,;=:@-._~"
_SEGMENT_SAFE_RE = re.compile(r"[A-Za-z0-9!$&'()*+,;=:@\-._~]*")
_PATH_SAFE = re.compile(r"[A-Za-z0-9!$&'()*+,;=:@\-._~/]*")
_LONE_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def iri(value: str) -> str:
    """Wrap an already-valid IRI as an N-Triples term.

    >>> iri("http://purl.org/spar/cito/cites")
    '<http://purl.org/spar/cito/cites>'
    """
    return f"<{value}>"


def iri_segment(value: str, keep_slashes: bool = False) -> str:
    """Percent-encode data (a DOI, a volume, a grant id) for use inside an IRI path.

    What RFC 3987 allows in a path segment (``ipchar``) stays; everything else, ``/``
    unless ``keep_slashes``, is UTF-8 percent-encoded. A ``%`` that starts a valid escape
    is kept (upper-cased), so encoding twice changes nothing and a DOI given URL-encoded
    meets its plain spelling. ``.`` and ``..`` segments are encoded, since URI resolution
    would remove them (RFC 3986, 5.2.4).

    >>> iri_segment("Suppl 3"), iri_segment("10.1002/(SICI)1<1::AID>3.0.CO;2-D", keep_slashes=True)
    ('Suppl%203', '10.1002/(SICI)1%3C1::AID%3E3.0.CO;2-D')
    >>> iri_segment("100%"), iri_segment("a%3cb"), iri_segment("10.1/../x", keep_slashes=True)
    ('100%25', 'a%3Cb', '10.1/%2E%2E/x')
    """
    if (_PATH_SAFE if keep_slashes else _SEGMENT_SAFE_RE).fullmatch(value) and not (
        value[:1] == "." or (keep_slashes and "/." in value)
    ):
        return value  # the common case, and quote() is slow
    return _percent_encoded(value, keep_slashes)


def _percent_encoded(value: str, keep_slashes: bool) -> str:
    quoted = quote(scalar_text(value), safe=_SEGMENT_SAFE + "%" + ("/" if keep_slashes else ""))
    quoted = _ESCAPE_RE.sub(_upper, _LONE_PERCENT_RE.sub("%25", quoted))
    segments = quoted.split("/")
    return "/".join(_DOT_SEGMENTS.get(segment, segment) for segment in segments)


def _upper(match: re.Match[str]) -> str:
    return match.group().upper()


def scalar_text(value: str) -> str:
    """``value`` with lone surrogates, which UTF-8 cannot carry, replaced by U+FFFD.

    They come from text decoded with ``surrogateescape`` (file names, arguments).

    >>> scalar_text("caf\\udce9.xml")
    'caf\ufffd.xml'
    """
    return _SURROGATE_RE.sub("\ufffd", value)


def literal(value: str, datatype: str | None = None) -> str:
    """An N-Triples literal, typed by an ``xsd:`` local name or a full datatype IRI.

    Only what N-Triples requires is escaped (``STRING_LITERAL_QUOTE``: ``"``, ``\\``, LF
    and CR); other control characters are legal as they are, and checking each literal
    for them would cost the mapping several percent. Lone surrogates cannot be encoded:
    callers with such text pass it through :func:`scalar_text` (the mapping does so for a
    record whose text does not encode).

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
