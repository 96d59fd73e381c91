"""-o map.png: a real PNG drawn by headless Chromium, or one line saying what is missing."""

from __future__ import annotations

import shutil
import struct
import sys
from pathlib import Path

import pytest

from graph.errors import NetworkError
from graph.render import render_page
from graph.render.png import chromium_path
from tests.conftest import run_cli

from .conftest import small_graph


def _needs_chromium() -> None:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install 'pubgraph[png]'")
    if not (Path(chromium_path()).is_file() or shutil.which(chromium_path())):
        pytest.skip(f"no Chromium at {chromium_path()}")


def test_a_png_name_writes_an_image_of_the_map(tmp_path: Path) -> None:
    _needs_chromium()
    summary = render_page(small_graph(), tmp_path / "map.png")
    data = (tmp_path / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and summary.bytes == len(data)
    assert struct.unpack(">II", data[16:24]) == (1600, 1000)  # IHDR width, height
    assert b"<html" not in data[:4096]


def test_without_chromium_a_png_is_refused_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    with pytest.raises(NetworkError) as caught:
        render_page(small_graph(), tmp_path / "map.png", chromium=str(tmp_path / "no-chromium"))
    assert str(caught.value) == (
        f"cannot write {tmp_path / 'map.png'}: a PNG map needs Chromium at {tmp_path / 'no-chromium'}: "
        "apt-get install chromium, or set PUBGRAPH_CHROMIUM to its path"
    )
    assert list(tmp_path.iterdir()) == []


def test_without_playwright_the_cli_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "playwright", None)  # import fails as when it is not installed
    code, stdout, stderr = run_cli(["render", "-o", tmp_path / "map.png", "--store", tmp_path / "no-store"])
    # Refused before the store is even opened, so the missing store is not the message.
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"error: cannot write {tmp_path / 'map.png'}: a PNG map needs Playwright: pip install 'pubgraph[png]' "
        "(or write a .html page)\n"
    )


def test_the_library_reads_no_environment_for_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBGRAPH_CHROMIUM", "/elsewhere/chromium")
    assert chromium_path() == "/usr/bin/chromium"


def test_the_command_line_maps_pubgraph_chromium(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    missing = tmp_path / "no-chromium"
    code, stdout, stderr = run_cli(
        ["render", "-o", tmp_path / "map.png", "--store", tmp_path / "no-store"],
        env={"PUBGRAPH_CHROMIUM": str(missing)},
    )
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"error: cannot write {tmp_path / 'map.png'}: a PNG map needs Chromium at {missing}: "
        "apt-get install chromium, or set PUBGRAPH_CHROMIUM to its path\n"
    )
