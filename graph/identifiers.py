"""Normalisation and validation of the identifiers PubMed records carry.

PubMed writes the same identifier in many shapes (``PMC123`` or ``123`` or ``PMC123.2``;
ORCIDs bare or behind ``http(s)://orcid.org/``; DOIs in any letter case). Sources call
these functions so that the model sees one canonical form.
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "is_pmid",
    "normalize_doi",
    "normalize_language",
    "normalize_mesh_ui",
    "normalize_orcid",
    "normalize_pmcid",
    "normalize_pmid",
    "orcid_checksum_ok",
]

# ASCII digits only: a bare \d matches any Unicode digit ("١٢", "²"), which int()
# may refuse and which no registry issues.
_ORCID_RE = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])", re.ASCII)
_ORCID_SHAPE_RE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.ASCII)
_DOI_RE = re.compile(r"10\.[0-9]{4,9}/\S+")
_PMC_RE = re.compile(r"^(?:PMC)?\s*([0-9]+)(?:\.[0-9]+)?$", re.IGNORECASE)
# MeSH unique identifiers: descriptors D, qualifiers Q, supplementary concept records C
# (and T for terms); 6 digits in older records, 9 in newer ones (Q000000981).
_MESH_UI_RE = re.compile(r"[CDQT][0-9]+")
_LANGUAGE_RE = re.compile(r"[a-z]{3}")


def is_pmid(value: str) -> bool:
    """True when ``value`` is a PMID in canonical form: ASCII digits, no leading zero.

    >>> is_pmid("28993889"), is_pmid("028993889"), is_pmid("2899 3889"), is_pmid("١٢")
    (True, False, False, False)
    """
    return value.isdigit() and value.isascii() and value[0] != "0"


def normalize_pmid(value: str | None) -> str | None:
    """Return the PMID as digits without leading zeros, or None when it is no PMID.

    PubMed reference lists carry PMIDs of ``"0"``; they mean "unknown".

    >>> normalize_pmid(" 28993889 "), normalize_pmid("0"), normalize_pmid("abc")
    ('28993889', None, None)
    """
    if value is None:
        return None
    if value.isdigit() and value.isascii() and value[0] != "0":
        return value  # the common case, fast: reference lists hold thousands
    digits = value.strip()
    if not digits.isdigit() or not digits.isascii():
        return None
    digits = digits.lstrip("0")
    return digits or None


def normalize_doi(value: str | None) -> str | None:
    """Return the DOI bare (no resolver prefix) and lower-cased, or None.

    DOIs are case-insensitive (DOI Handbook 2.4), so lower case is the canonical form.

    >>> normalize_doi("https://doi.org/10.1007/S00586-017-5322-1")
    '10.1007/s00586-017-5322-1'
    >>> normalize_doi("not a doi") is None
    True
    """
    if not value:
        return None
    match = _DOI_RE.search(value.strip())
    if match is None:
        return None
    return match.group(0).rstrip(".,;").lower()


def normalize_pmcid(value: str | None) -> str | None:
    """Return ``PMC`` + digits, dropping version suffixes, or None.

    >>> normalize_pmcid("5690420"), normalize_pmcid("pmc5690420.2"), normalize_pmcid("x")
    ('PMC5690420', 'PMC5690420', None)
    """
    if not value:
        return None
    match = _PMC_RE.match(value.strip())
    return f"PMC{match.group(1)}" if match else None


def normalize_orcid(value: str | None) -> str | None:
    """Return the ORCID iD as ``0000-0000-0000-000X``, or None when it has no such shape.

    The checksum is not checked here: see :func:`orcid_checksum_ok`.

    >>> normalize_orcid("https://orcid.org/0000-0002-1825-009x")
    '0000-0002-1825-009X'
    >>> normalize_orcid("0000000218250097")
    '0000-0002-1825-0097'
    """
    if not value:
        return None
    match = _ORCID_RE.search(value.replace(" ", ""))
    if match is None:
        return None
    return "-".join(match.groups()).upper()


@functools.lru_cache(maxsize=1 << 12)  # the same authors recur across records
def orcid_checksum_ok(orcid: str) -> bool:
    """Check the shape and the ISO 7064 MOD 11-2 check digit of a normalised ORCID iD.

    >>> orcid_checksum_ok("0000-0002-1825-0097"), orcid_checksum_ok("0000-0002-1825-0098")
    (True, False)
    >>> orcid_checksum_ok("0000000218250097"), orcid_checksum_ok("000²-0002-1825-0097")
    (False, False)
    """
    if _ORCID_SHAPE_RE.fullmatch(orcid) is None:
        return False
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:15]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


def normalize_mesh_ui(value: str | None) -> str | None:
    """Return a MeSH unique identifier (``D000818``, ``Q000000981``, ``C000656484``) or None.

    >>> normalize_mesh_ui(" D000818 "), normalize_mesh_ui("Q000000981")
    ('D000818', 'Q000000981')
    >>> normalize_mesh_ui("D000818>"), normalize_mesh_ui("D 000818"), normalize_mesh_ui("")
    (None, None, None)
    """
    if not value:
        return None
    value = value.strip()
    return value if _MESH_UI_RE.fullmatch(value) else None


@functools.lru_cache(maxsize=1 << 10)  # a few hundred languages, one or two a record
def normalize_language(value: str | None) -> str | None:
    """Return an ISO 639-2 language code (PubMed's ``<Language>``) lower-cased, or None.

    >>> normalize_language("eng"), normalize_language(" ENG "), normalize_language("en-GB")
    ('eng', 'eng', None)
    """
    if not value:
        return None
    value = value.strip().lower()
    return value if _LANGUAGE_RE.fullmatch(value) else None
