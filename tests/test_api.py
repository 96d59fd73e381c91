"""The package's top-level API: every exported name resolves, and importing stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import graph


@pytest.mark.parametrize("name", graph.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(graph, name) is not None


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        graph.nonsense  # noqa: B018


def test_import_graph_loads_no_optional_machinery() -> None:
    # A fresh interpreter: what `import graph` alone pulls in (the CLI starts with it).
    code = "import sys, graph; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert not loaded & {
        "graph.network",
        "graph.render",
        "graph.pipeline.harvest",
        "graph.pipeline.endpoint",
        "networkx",
        "requests",
    }
