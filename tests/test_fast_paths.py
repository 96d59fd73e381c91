"""The fast paths over the store give what plain SPARQL over it says.

Projections read the store with in-engine aggregation and scans instead of one Python
row per triple, and ``build`` compacts the store once it has loaded its files. Each fast
path is compared with the plain SPARQL answer on the real samples (skipped when absent)
and after update and ``<DeleteCitation>`` files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import graph
from graph.store.oxigraph import KnowledgeStore

SAMPLES = Path(__file__).resolve().parents[1] / "graph" / "data" / "sample"


def test_build_compacts_the_store_once_after_its_last_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = KnowledgeStore.compact

    def spy(kg: KnowledgeStore) -> None:
        calls.append(len(kg.interrupted_loads()) + kg.count_quads())
        original(kg)

    monkeypatch.setattr(KnowledgeStore, "compact", spy)
    store = tmp_path / "store"
    summary = graph.build([SAMPLES / "pubmed-sample.xml", SAMPLES / "pubmed-update.xml"], store, jobs=1)
    # once, with everything loaded (the count includes the last file's provenance)
    assert calls == [summary.store_quads]
