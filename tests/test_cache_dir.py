"""Where E-utilities answers are kept: the user's cache directory (platformdirs), unless
``PUBGRAPH_CACHE_DIR`` or ``--cache-dir`` says otherwise; never ``./output/cache``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from graph.errors import EutilsError
from graph.sources.eutils import EutilsClient, user_cache_dir
from tests.conftest import run_cli
from tests.eutils_server import EutilsServer, synthetic_records


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG base directory rules are Linux's")
def test_the_default_is_the_users_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PUBGRAPH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "pubgraph"
    with EutilsClient(base_url="http://127.0.0.1:9/") as client:
        assert client.cache_path == tmp_path / "xdg" / "pubgraph" / "eutils.sqlite"


def test_the_library_takes_the_directory_it_is_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the environment is the command line's to map (--cache-dir), not the library's to read
    monkeypatch.setenv("PUBGRAPH_CACHE_DIR", str(tmp_path / "mine"))
    with EutilsClient(base_url="http://127.0.0.1:9/") as client:
        assert client.cache_path == user_cache_dir() / "eutils.sqlite" != tmp_path / "mine" / "eutils.sqlite"
    with EutilsClient(base_url="http://127.0.0.1:9/", cache_dir=tmp_path / "given") as client:
        assert client.cache_path == tmp_path / "given" / "eutils.sqlite"


def test_fetch_keeps_its_cache_where_it_is_told_and_not_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    with EutilsServer(synthetic_records(3)) as server:
        env = {"PUBGRAPH_EUTILS_URL": server.url, "PUBGRAPH_CACHE_DIR": str(tmp_path / "env-cache")}
        code, _, err = run_cli(["fetch", "-q", "synthetic", "-o", "a.xml"], env=env)
        assert code == 0, err
        code, _, err = run_cli(["fetch", "-q", "synthetic", "-o", "b.xml", "--cache-dir", "flag-cache"], env=env)
        assert code == 0, err
    assert (tmp_path / "env-cache" / "eutils.sqlite").is_file()
    assert (tmp_path / "flag-cache" / "eutils.sqlite").is_file()
    assert not (tmp_path / "output").exists()
    assert sorted(os.listdir(tmp_path)) == [
        "a.xml",
        "a.xml.manifest.json",
        "b.xml",
        "b.xml.manifest.json",
        "env-cache",
        "flag-cache",
    ]


def test_help_says_where_the_cache_goes() -> None:
    code, out, _ = run_cli(["fetch", "--help"])
    assert code == 0
    assert "$PUBGRAPH_CACHE_DIR, else the user cache directory" in " ".join(out.split())


def test_a_cache_that_cannot_be_written_is_one_line(readonly_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(EutilsError) as err:
        EutilsClient(base_url="http://127.0.0.1:9/", cache_dir=readonly_dir)
    assert str(err.value) == (
        f"cannot keep E-utilities answers in {readonly_dir / 'eutils.sqlite'} (not writable): "
        "choose another directory with --cache-dir or PUBGRAPH_CACHE_DIR"
    )
    env = {"PUBGRAPH_CACHE_DIR": str(readonly_dir), "PUBGRAPH_EUTILS_URL": "http://127.0.0.1:9/"}
    code, out, stderr = run_cli(["fetch", "-q", "x", "-o", tmp_path / "x.xml"], env=env)
    assert (code, out, stderr) == (1, "", f"error: {err.value}\n")


def test_a_damaged_cache_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "eutils.sqlite").write_bytes(b"not a database, but text long enough to have a header " * 4)
    with pytest.raises(EutilsError) as err:
        EutilsClient(base_url="http://127.0.0.1:9/", cache_dir=tmp_path)
    assert str(err.value) == (
        f"cannot keep E-utilities answers in {tmp_path / 'eutils.sqlite'} (file is not a database): "
        "choose another directory with --cache-dir or PUBGRAPH_CACHE_DIR"
    )
