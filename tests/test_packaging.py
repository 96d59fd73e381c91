"""Packaging metadata: typed package data shipped, SPDX license, the dependencies that
the rdflib, DataFrame and cache-directory code imports declared."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {r.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip() for r in requirements}


def test_the_package_ships_its_type_marker() -> None:
    assert (ROOT / "graph" / "py.typed").is_file()
    assert "py.typed" in PROJECT["tool"]["setuptools"]["package-data"]["graph"]


def test_metadata_is_modern() -> None:
    project = PROJECT["project"]
    assert project["license"] == "MIT"  # an SPDX expression (PEP 639), not a table
    assert "Typing :: Typed" in project["classifiers"]
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]  # PEP 639 forbids both
    versions = [
        c.rsplit(" ", 1)[-1] for c in project["classifiers"] if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert versions and min(versions, key=lambda v: tuple(map(int, v.split(".")))) == project["requires-python"][2:]


def test_what_the_code_imports_is_declared() -> None:
    project = PROJECT["project"]
    assert {"oxrdflib", "platformdirs", "rdflib", "pyoxigraph"} <= _names(project["dependencies"])
    assert _names(project["optional-dependencies"]["pandas"]) == {"pandas"}
    assert {"pandas", "pdoc", "pyshacl"} <= _names(project["optional-dependencies"]["test"])


def test_development_groups_include_the_test_group() -> None:
    groups = PROJECT["dependency-groups"]
    assert {"include-group": "test"} in groups["dev"]
    assert _names(groups["test"]) == _names(PROJECT["project"]["optional-dependencies"]["test"]) - {"dask"}
