"""Identifier normalisation: PMIDs, DOIs, PMC ids and ORCID iDs in PubMed's many shapes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.identifiers import (
    is_pmid,
    normalize_doi,
    normalize_language,
    normalize_mesh_ui,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    orcid_checksum_ok,
)

digits15 = st.text(alphabet="0123456789", min_size=15, max_size=15)


def check_digit(base: str) -> str:
    """ISO 7064 MOD 11-2, written from the ORCID documentation (not from the code under test)."""
    total = 0
    for char in base:
        total = (total + int(char)) * 2
    remainder = total % 11
    result = (12 - remainder) % 11
    return "X" if result == 10 else str(result)


def dashed(sixteen: str) -> str:
    return "-".join(sixteen[i : i + 4] for i in range(0, 16, 4))


# ------------------------------------------------------------------------- ORCID


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("  0000 0002 1825 0097 ", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0003-4444-444x", "0000-0003-4444-444X"),
        ("https://orcid.org/0000-0003-4444-444X", "0000-0003-4444-444X"),
    ],
    ids=["bare", "https", "http", "spaces", "no-dashes", "lower-x", "upper-x"],
)
def test_normalize_orcid_forms(raw: str, expected: str) -> None:
    assert normalize_orcid(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "orcid", "0000-0002-1825", "1234"])
def test_normalize_orcid_rejects_what_has_no_orcid_shape(raw: str | None) -> None:
    assert normalize_orcid(raw) is None


def test_orcid_checksum_known_values() -> None:
    assert orcid_checksum_ok("0000-0002-1825-0097")
    assert orcid_checksum_ok("0000-0003-4444-444X")
    assert not orcid_checksum_ok("0000-0002-1825-0098")
    assert not orcid_checksum_ok("0000-0002-1825")
    assert not orcid_checksum_ok("not-an-orcid")


@given(digits15)
def test_orcid_round_trip_with_computed_check_digit(base: str) -> None:
    orcid = dashed(base + check_digit(base))
    assert orcid_checksum_ok(orcid)
    for form in (
        orcid,
        orcid.replace("-", ""),
        f"https://orcid.org/{orcid}",
        f"http://orcid.org/{orcid.lower()}",
    ):
        normal = normalize_orcid(form)
        assert normal == orcid
        assert normal is not None and orcid_checksum_ok(normal)
    assert normalize_orcid(orcid) == normalize_orcid(normalize_orcid(orcid))  # idempotent


@given(digits15, st.integers(min_value=0, max_value=15), st.integers(min_value=1, max_value=10))
def test_orcid_checksum_catches_any_single_changed_character(base: str, index: int, shift: int) -> None:
    chars = list(base + check_digit(base))
    alphabet = "0123456789X" if index == 15 else "0123456789"
    old = alphabet.index(chars[index])
    chars[index] = alphabet[(old + shift) % len(alphabet)]
    if chars[index] == (base + check_digit(base))[index]:
        return  # the shift wrapped round to the same character
    assert not orcid_checksum_ok(dashed("".join(chars)))


# ------------------------------------------------------------------------- DOI


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1007/S00586-017-5322-1", "10.1007/s00586-017-5322-1"),
        ("https://doi.org/10.1007/S00586-017-5322-1", "10.1007/s00586-017-5322-1"),
        ("http://dx.doi.org/10.1000/ABC", "10.1000/abc"),
        ("doi:10.1000/ABC.", "10.1000/abc"),
        (" 10.1002/(SICI)1097-4636 ", "10.1002/(sici)1097-4636"),
    ],
    ids=["upper", "https-resolver", "dx-resolver", "doi-prefix-trailing-dot", "sici"],
)
def test_normalize_doi(raw: str, expected: str) -> None:
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "not a doi", "11.1000/abc", "10.12/short-registrant"])
def test_normalize_doi_rejects(raw: str | None) -> None:
    assert normalize_doi(raw) is None


@given(st.from_regex(r"10\.[0-9]{4,9}/[A-Za-z0-9._()-]{1,30}[A-Za-z0-9]", fullmatch=True))
def test_normalize_doi_is_lower_case_and_idempotent(doi: str) -> None:
    normal = normalize_doi(f"https://doi.org/{doi}")
    assert normal == doi.lower()
    assert normalize_doi(normal) == normal


# ------------------------------------------------------------------------- PMC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PMC5690420", "PMC5690420"),
        ("5690420", "PMC5690420"),
        ("pmc5690420", "PMC5690420"),
        ("PMC5690420.2", "PMC5690420"),
        ("5690420.1", "PMC5690420"),
        (" PMC 5690420 ", "PMC5690420"),
    ],
    ids=["prefixed", "bare", "lower", "versioned", "bare-versioned", "spaced"],
)
def test_normalize_pmcid(raw: str, expected: str) -> None:
    assert normalize_pmcid(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "PMC", "x", "PMCabc", "NIHMS12345"])
def test_normalize_pmcid_rejects(raw: str | None) -> None:
    assert normalize_pmcid(raw) is None


@given(st.integers(min_value=1, max_value=10**9), st.booleans(), st.sampled_from(["", ".1", ".2"]))
def test_normalize_pmcid_round_trip(number: int, prefixed: bool, version: str) -> None:
    raw = f"{'PMC' if prefixed else ''}{number}{version}"
    assert normalize_pmcid(raw) == f"PMC{number}"
    assert normalize_pmcid(normalize_pmcid(raw)) == f"PMC{number}"


# ------------------------------------------------------------------------- PMID


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("28993889", "28993889"),
        (" 28993889\n", "28993889"),
        ("0028993889", "28993889"),
        ("0", None),
        ("000", None),
        ("", None),
        (None, None),
        ("abc", None),
        ("12a", None),
        ("-1", None),
        ("٣٤", None),  # Arabic-Indic digits are digits to str.isdigit(), not to PubMed
    ],
)
def test_normalize_pmid(raw: str | None, expected: str | None) -> None:
    assert normalize_pmid(raw) == expected


@given(st.integers(min_value=1, max_value=10**10), st.integers(min_value=0, max_value=3))
def test_normalize_pmid_round_trip(number: int, zeros: int) -> None:
    assert normalize_pmid("0" * zeros + str(number)) == str(number)


# ---------------------------------------------------------- shapes checked before minting


@pytest.mark.parametrize(
    "raw", ["000²-0002-1825-0097", "0000-0002-1825-009\u0667", "0000000218250097", "0-000-0002-1825-0097"]
)
def test_orcid_checksum_refuses_what_is_no_normalised_ascii_orcid(raw: str) -> None:
    # "²".isdigit() is True but int("²") raised ValueError; Unicode digits minted odd IRIs.
    assert orcid_checksum_ok(raw) is False


@pytest.mark.parametrize(
    "raw",
    [
        "\u0661\u0662\u0663\u0664-\u0665\u0666\u0667\u0668-\u0669\u0660\u0661\u0662-\u0663\u0664\u0665\u0666",
        "0000-0002-1825-009²",
    ],
)
def test_normalize_orcid_reads_ascii_digits_only(raw: str) -> None:
    assert normalize_orcid(raw) is None


def test_normalize_pmcid_reads_ascii_digits_only() -> None:
    assert normalize_pmcid("PMC\u0661\u0662\u0663") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("D000818", "D000818"), (" Q000000981 ", "Q000000981"), ("C000656484", "C000656484"), ("D000818>", None)],
)
def test_normalize_mesh_ui(raw: str, expected: str | None) -> None:
    assert normalize_mesh_ui(raw) == expected


@given(st.text())
def test_a_normalised_mesh_ui_is_a_letter_then_ascii_digits(raw: str) -> None:
    ui = normalize_mesh_ui(raw)
    assert ui is None or (ui[0] in "CDQT" and ui[1:].isdigit() and ui.isascii())


@pytest.mark.parametrize(("raw", "expected"), [("eng", "eng"), ("FRE", "fre"), ("en", None), ("e g", None), ("", None)])
def test_normalize_language(raw: str, expected: str | None) -> None:
    assert normalize_language(raw) == expected


@given(st.text())
def test_is_pmid_agrees_with_normalize_pmid(raw: str) -> None:
    assert is_pmid(raw) == (bool(raw) and normalize_pmid(raw) == raw)
