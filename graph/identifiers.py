"""Normalisation and validation of the identifiers PubMed records carry.

PubMed writes the same identifier in many shapes (``PMC123`` or ``123`` or ``PMC123.2``;
ORCIDs bare or behind ``http(s)://orcid.org/``; DOIs in any letter case). Sources call
these functions so that the model sees one canonical form.
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "normalize_doi",
    "normalize_orcid",
    "normalize_pmcid",
    "normalize_pmid",
    "orcid_checksum_ok",
]

_ORCID_RE = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dXx])")
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_PMC_RE = re.compile(r"^(?:PMC)?\s*(\d+)(?:\.\d+)?$", re.IGNORECASE)


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
    """Check the ISO 7064 MOD 11-2 check digit of a normalised ORCID iD.

    >>> orcid_checksum_ok("0000-0002-1825-0097"), orcid_checksum_ok("0000-0002-1825-0098")
    (True, False)
    """
    digits = orcid.replace("-", "")
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for char in digits[:15]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))
