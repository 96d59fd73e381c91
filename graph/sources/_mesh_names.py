"""MeSH names to unique identifiers, for records that name MeSH terms without a UI.

PubMed format text never carries UIs, and PubMed XML of 2013 and before (efetch output
of the time, legacy ``MedlineCitationSet`` files) may lack the ``UI`` attributes, or
write ``UI=""``. Sources then look names up in the NLM MeSH files they are given
(``descYYYY.xml``, ``qualYYYY.xml``, ``suppYYYY.xml``, gzip or not, or ``UI<TAB>name``
lines; the command line takes them from ``--mesh`` or ``PUBGRAPH_MESH``, several joined
by ``os.pathsep``), and publication types also in a built-in table
of the common ones. What stays unknown is kept by name (the model writes it as a literal)
and counted, for one :class:`MeshNamesWarning` per file.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..identifiers import normalize_mesh_ui
from ._io import open_input

__all__ = ["PUBLICATION_TYPES", "MeshLinks", "MeshNamesWarning", "mesh_names"]

#: Publication type name (case-folded) -> UI: those FaBiO classes exist for
#: (graph.model.mapping), plus the commonest.
PUBLICATION_TYPES = {
    "journal article": "D016428",
    "review": "D016454",
    "case reports": "D002363",
    "clinical trial": "D016430",
    "randomized controlled trial": "D016449",
    "editorial": "D016421",
    "letter": "D016422",
    "comment": "D016420",
    "published erratum": "D016425",
    "retraction of publication": "D016441",
    "guideline": "D016431",
    "practice guideline": "D017065",
    "preprint": "D000076942",
    "news": "D016433",
    "biography": "D019215",
    "comparative study": "D003160",
    "meta-analysis": "D017418",
    "multicenter study": "D016448",
    "systematic review": "D000078182",
    "english abstract": "D004740",
    "research support, non-u.s. gov't": "D013485",
}


class MeshNamesWarning(UserWarning):
    """Some MeSH terms of a file have no unique identifier: they are kept by name only."""


class MeshLinks:
    """Gives MeSH names their UIs for one file, and counts the names left without one.

    >>> links = MeshLinks({"humans": "D006801"})
    >>> links.ui(None, "Humans"), links.ui("", "Martians"), links.ui("D000818", "Animals"), links.unlinked
    ('D006801', None, 'D000818', 1)
    """

    __slots__ = ("names", "unlinked")

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self.names: Mapping[str, str] = {} if names is None else names
        self.unlinked = 0

    def ui(self, ui: str | None, name: str, built_in: dict[str, str] | None = None) -> str | None:
        """``ui`` when it is a MeSH UI, else the UI of ``name`` (in ``built_in`` too), else None (counted)."""
        if ui and ui in _VALID:
            return ui
        valid = normalize_mesh_ui(ui)
        if valid is not None:
            if len(_VALID) < 1 << 18:  # bounded: MeSH has ~350,000 descriptors and concepts
                _VALID.add(valid)
            return valid
        key = name.casefold()
        found = self.names.get(key) or (built_in.get(key) if built_in else None)
        if found is None:
            self.unlinked += 1
        return found

    def publication_type(self, ui: str | None, name: str) -> str | None:
        """As :meth:`ui`, knowing the common publication types without ``PUBGRAPH_MESH``.

        >>> MeshLinks({}).publication_type("", "Comment")
        'D016420'
        """
        return self.ui(ui, name, PUBLICATION_TYPES)

    def warn(self, path: Path) -> None:
        """One :class:`MeshNamesWarning` saying how many names stayed without a UI, if any."""
        if self.unlinked:
            warnings.warn(
                f"{path}: {self.unlinked} MeSH heading(s), qualifier(s), publication type(s), chemical(s) or "
                "concept(s) have no MeSH identifier and are kept as names only (dcterms:subject, prism:genre); "
                "set PUBGRAPH_MESH to NLM's MeSH files (descYYYY.xml …) to link them to MeSH",
                MeshNamesWarning,
                stacklevel=3,
            )


_VALID: set[str] = set()


def mesh_names(files: Sequence[str | Path] = ()) -> dict[str, str]:
    """MeSH name (case-folded) -> unique identifier, from the MeSH ``files``.

    Empty when there are none. Files are read once per process and list of files.

    >>> mesh_names()
    {}
    """
    return _load_mesh_names(tuple(str(file) for file in files))


@lru_cache(maxsize=4)
def _load_mesh_names(files: tuple[str, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for item in filter(None, files):
        path = Path(item)
        with open_input(path) as stream:
            head = stream.peek(64)[:64]  # type: ignore[attr-defined]
            pairs = _mesh_xml(stream, path) if head.lstrip().startswith(b"<") else _mesh_tsv(stream, path)
            for ui, name in pairs:
                names.setdefault(name.casefold(), ui)
    return names


def _mesh_tsv(stream: BinaryIO, path: Path) -> Iterator[tuple[str, str]]:
    for number, raw in enumerate(stream, start=1):
        ui, tab, name = raw.decode("utf-8").strip().partition("\t")
        if not tab:
            raise InputError(f"{path}: line {number} is not 'UI<TAB>name' (PUBGRAPH_MESH)")
        yield ui.strip(), name.strip()


def _mesh_xml(stream: BinaryIO, path: Path) -> Iterator[tuple[str, str]]:
    from lxml import etree

    tags = ("DescriptorRecord", "QualifierRecord", "SupplementalRecord")
    try:
        for _event, elem in etree.iterparse(stream, tag=tags, resolve_entities=False, no_network=True):
            kind = elem.tag.removesuffix("Record").replace("Supplemental", "SupplementalRecord")
            ui, name = elem.findtext(f"{kind}UI"), elem.findtext(f"{kind}Name/String")
            if ui and name:
                yield ui.strip(), name.strip()
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as err:
        raise InputError(f"{path}: malformed MeSH XML (PUBGRAPH_MESH): {err.msg}") from err
