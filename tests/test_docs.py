"""The reference documentation: docs/cli.md matches the commands' help, shell completion
works as it says, and the API reference builds from the docstrings with pdoc."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from graph.cli import cli

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_{name}", DOCS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    CliRunner().invoke(cli, ["-h"], prog_name="pubgraph")  # click caches help options on first use
    expected = _script("cli_reference").reference()
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is out of date: run python docs/cli_reference.py"


def test_cli_reference_check_in_a_fresh_process() -> None:
    done = subprocess.run(
        [sys.executable, str(DOCS / "cli_reference.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_cli_reference_has_every_command() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"\n## pubgraph {name}\n" in text
        assert f"Usage: pubgraph {name} [OPTIONS]" in text


def _complete(env: dict[str, str]) -> str:
    result = CliRunner().invoke(cli, [], env=env, prog_name="pubgraph")
    assert result.exit_code == 0, result.output
    return result.output


def test_shell_completion_as_documented() -> None:
    script = _complete({"_PUBGRAPH_COMPLETE": "bash_source"})
    assert "_pubgraph_completion()" in script and "complete -o nosort -F _pubgraph_completion pubgraph" in script
    words = {"_PUBGRAPH_COMPLETE": "bash_complete", "COMP_WORDS": "pubgraph snow", "COMP_CWORD": "1"}
    assert _complete(words).splitlines() == ["plain,snowball"]
    options = {"_PUBGRAPH_COMPLETE": "bash_complete", "COMP_WORDS": "pubgraph query --for", "COMP_CWORD": "2"}
    assert _complete(options).splitlines() == ["plain,--format"]
    assert "_PUBGRAPH_COMPLETE=bash_source pubgraph" in (DOCS / "cli.md").read_text(encoding="utf-8")


def test_api_reference_covers_the_public_modules() -> None:
    modules = _script("build_api").public_modules()
    assert {
        "graph",
        "graph.pipeline.query",
        "graph.results",
        "graph.rdflib_views",
        "graph.frames",
        "graph.errors",
    } <= set(modules)
    assert not [m for m in modules if m.startswith("graph.cli") or any(p.startswith("_") for p in m.split("."))]


def test_api_reference_builds_from_the_docstrings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("pdoc")
    builder = _script("build_api")
    monkeypatch.setattr(builder, "public_modules", lambda: ["graph.rdflib_views", "graph.frames"])
    index = builder.build(tmp_path / "api")
    assert index.is_file()
    page = (tmp_path / "api" / "graph" / "rdflib_views.html").read_text(encoding="utf-8")
    assert '<a class="function" href="#record_graph">record_graph</a>' in page
    assert "The knowledge graph through rdflib" in page
    assert "record_graph" in (tmp_path / "api" / "search.js").read_text(encoding="utf-8")
