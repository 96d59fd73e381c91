"""No failed or stopped load costs the store anything it held before.

Each failure is injected for real: a loader error after the old graphs were dropped, a
full file system, SIGTERM and ``kill -9`` in the middle of a load, a killed parallel
conversion. Afterwards the store holds exactly what it held before the file (a note of
the interruption aside), nothing is left behind, and re-running the command completes it.
"""

from __future__ import annotations

import fcntl
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from conftest import article_xml, run_cli, write_xml
from endpoint_helpers import gone, wait_for

import graph
from graph.errors import StoreError
from graph.pipeline.endpoint import serve
from graph.pipeline.loading import _stage
from graph.store.checkpoint import Checkpoint
from graph.store.oxigraph import KnowledgeStore

PROJECT = Path(__file__).resolve().parents[2]


def quads_of(store: Path, *, without_interruption_notes: bool = False) -> set[str]:
    with KnowledgeStore.open(store, read_only=True) as kg:
        quads = set(kg.dump_nquads())
    if without_interruption_notes:
        quads = {q for q in quads if "/activity/interrupted/" not in q}
    return quads


def leftovers(store: Path) -> list[str]:
    """What a load may leave beside or inside the store while it runs."""
    inside = [p.name for p in store.glob(".pubgraph-*")]
    beside = [p.name for p in store.parent.glob(f".{store.name}.pubgraph-*")]
    return sorted(inside + beside)


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A store of ten records, and a second file that revises five of them and adds five."""
    first = write_xml(tmp_path, "first.xml", [article_xml(100 + n, f"First title {n}.") for n in range(10)])
    second = write_xml(tmp_path, "second.xml", [article_xml(105 + n, f"Second title {n}.") for n in range(10)])
    store = tmp_path / "store"
    graph.build([first], store, jobs=1)
    return store, second


# -- errors inside the load -------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_line",
    [
        pytest.param(b'<https://a.org/s> <https://a.org/p> "unterminated <https://a.org/g> .\n', id="syntax"),
        pytest.param(
            b'<https://a.org/s> <https://a.org/p> "' + b"x" * (17 << 20) + b'" <https://a.org/g> .\n',
            id="literal-over-16MiB",
        ),
    ],
)
def test_a_load_the_store_refuses_keeps_what_it_held(
    corpus: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, bad_line: bytes
) -> None:
    store, second = corpus
    before = quads_of(store)

    def stage_then_spoil(*args: object) -> object:
        staged, summary, replaced = _stage(*args)  # type: ignore[arg-type]
        with open(staged, "ab") as out:
            out.write(bad_line)
        return staged, summary, replaced

    monkeypatch.setattr("graph.pipeline.loading._stage", stage_then_spoil)
    code, out, err = run_cli(["build", second, "--store", store, "--jobs", "1"])
    assert (code, out) == (1, "")
    assert err.startswith("error: the store refused the converted records (") and err.count("\n") == 1
    assert quads_of(store) == before
    assert leftovers(store) == []


def test_a_failed_load_in_a_build_keeps_the_files_before_it(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    store, second = corpus
    third = write_xml(tmp_path, "third.xml", article_xml(200, "Third."))
    graph.build([second], tmp_path / "expected", jobs=1)
    expected_records = quads_of(tmp_path / "expected")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(third.read_bytes()[:-40])
    with pytest.raises(graph.GraphError):
        graph.build([second, broken], store, jobs=1)
    with KnowledgeStore.open(store, read_only=True) as kg:
        titles = {row["t"].value for row in kg.query("SELECT ?t WHERE { ?a fabio:hasPubMedId ?p ; dcterms:title ?t }")}
    assert titles == {f"First title {n}." for n in range(5)} | {f"Second title {n}." for n in range(10)}
    assert {q for q in quads_of(store) if "/graph/pubmed/" in q} >= {
        q for q in expected_records if "/graph/pubmed/" in q
    }


# -- a full file system -----------------------------------------------------------------


def big_file(tmp_path: Path, records: int, first_pmid: int = 1000) -> Path:
    padding = "A long title of many words to take room in the store. " * 40
    return write_xml(
        tmp_path, f"big-{records}.xml", [article_xml(first_pmid + n, f"{padding} {n}") for n in range(records)]
    )


def test_a_full_disk_keeps_the_store_and_a_rerun_completes(tiny_fs: Callable[[int], Path], tmp_path: Path) -> None:
    small_fs = tiny_fs(40 << 20)
    store = small_fs / "store"
    graph.build([big_file(tmp_path, 50)], store, jobs=1)
    before = quads_of(store)
    update = big_file(tmp_path, 6000, first_pmid=1020)  # revises 30 of the stored records
    code, out, err = run_cli(["build", update, "--store", store, "--jobs", "1"])
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and "No space left on device" in err and err.count("\n") == 1
    assert "re-run the same command" in err
    assert quads_of(store) == before
    assert leftovers(store) == []

    subprocess.run(["mount", "-o", "remount,size=400m", str(small_fs)], check=True)  # space is freed
    code, out, err = run_cli(["build", update, "--store", store, "--jobs", "1"])
    assert code == 0, err
    with KnowledgeStore.open(store, read_only=True) as kg:
        assert next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a fabio:hasPubMedId ?p }")))["n"].value == "6020"


# -- stopped processes ------------------------------------------------------------------

_DIE_IN_THE_LOAD = """
import os, signal, sys
from graph.store.oxigraph import KnowledgeStore
real_apply = KnowledgeStore.apply

def apply_then_stop(self, staged, replaced):
    real_apply(self, staged, replaced)  # the old graphs are gone, the new quads are in
    os.kill(os.getpid(), signal.{signal})
    {after}

KnowledgeStore.apply = apply_then_stop
from graph.cli import main
main(sys.argv[1:])
"""


def run_and_stop(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )


def test_sigterm_in_the_middle_of_a_load_rolls_it_back_at_once(corpus: tuple[Path, Path]) -> None:
    store, second = corpus
    before = quads_of(store)
    script = _DIE_IN_THE_LOAD.format(signal="SIGTERM", after="import time; time.sleep(30)")
    done = run_and_stop(script, "build", second, "--store", store, "--jobs", "1")
    assert done.returncode == 143, done.stderr
    assert done.stderr == "terminated\n"
    assert leftovers(store) == []
    assert quads_of(store, without_interruption_notes=True) == before
    _, out, _ = run_cli(["stats", "--store", store])
    assert f"the load of {second} was interrupted and rolled back" in out


def test_kill_9_in_the_middle_of_a_load_is_rolled_back_on_the_next_open(corpus: tuple[Path, Path]) -> None:
    store, second = corpus
    before = quads_of(store)
    done = run_and_stop(_DIE_IN_THE_LOAD.format(signal="SIGKILL", after=""), "build", second, "--store", store)
    assert done.returncode == -signal.SIGKILL
    assert Checkpoint(store).exists()  # the crash left the store half-loaded, and its checkpoint

    code, out, err = run_cli(["stats", "--store", store])  # a read-only command repairs it
    assert code == 0, err
    assert f"the load of {second} was interrupted and rolled back; load that file again" in out
    assert quads_of(store, without_interruption_notes=True) == before
    assert leftovers(store) == []

    code, out, err = run_cli(["build", second, "--store", store, "--jobs", "1"])
    assert (code, err) == (0, "")  # the note is gone once the file is loaded
    code, out, err = run_cli(["stats", "--store", store])
    assert "interrupted" not in out


def test_a_stale_staging_folder_is_cleared_by_the_next_build(corpus: tuple[Path, Path]) -> None:
    store, second = corpus
    done = run_and_stop(_DIE_IN_THE_LOAD.format(signal="SIGKILL", after=""), "build", second, "--store", store)
    assert done.returncode == -signal.SIGKILL
    (store / ".pubgraph-staging-old1234").mkdir()  # as earlier versions named them
    assert (store / ".pubgraph-staging").is_dir()
    graph.build([second], store, jobs=1)
    assert leftovers(store) == []


_KILL_DURING_CONVERSION = """
import os, signal, sys
import graph.pipeline.conversion as conversion
conversion._PARALLEL_MIN_BYTES = 0
real_pieces = conversion.Converter.pieces

def pieces_then_die(self, path, out=None):
    for piece in real_pieces(self, path, out):
        with open(sys.argv[-1], "w") as note:
            note.write(" ".join(map(str, self._pool._processes)))
        os.kill(os.getpid(), signal.SIGKILL)
        yield piece

conversion.Converter.pieces = pieces_then_die
from graph.cli import main
main(sys.argv[1:-1])
"""


def test_killing_a_parallel_build_leaves_no_worker_running(tmp_path: Path) -> None:
    pids_file = tmp_path / "workers"
    source = big_file(tmp_path, 3000)
    done = run_and_stop(_KILL_DURING_CONVERSION, "build", source, "--store", tmp_path / "store", "-j", "2", pids_file)
    assert done.returncode == -signal.SIGKILL
    workers = [int(pid) for pid in pids_file.read_text().split()]
    assert len(workers) == 2
    assert wait_for(lambda: all(gone(pid) for pid in workers), within=10)


# -- where builds may write -------------------------------------------------------------


def test_build_refuses_a_folder_that_is_not_a_store(tmp_path: Path, corpus: tuple[Path, Path]) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, out, err = run_cli(["build", corpus[1], "--store", folder])
    assert (code, out) == (1, "")
    assert err == (
        f"error: {folder} is not a pubgraph store and is not empty (it holds 'notes.txt'); "
        "choose a new or empty directory with --store\n"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_checkpoint_left_after_a_complete_load_is_dropped(corpus: tuple[Path, Path]) -> None:
    store, _ = corpus
    before = quads_of(store)
    with KnowledgeStore.open(store) as kg:
        Checkpoint(store).take(kg.oxigraph)  # as if killed after the load ended, before the cleanup
    with KnowledgeStore.open(store) as kg:
        assert kg.interrupted_loads() == []
    assert quads_of(store) == before
    assert leftovers(store) == []


def test_a_restore_cut_short_is_completed(corpus: tuple[Path, Path]) -> None:
    store, _ = corpus
    before = quads_of(store)
    with KnowledgeStore.open(store) as kg:
        Checkpoint(store).take(kg.oxigraph)
    store.rename(store.with_name(".store.pubgraph-failed"))  # killed between the two renames
    assert quads_of(store) == before
    assert leftovers(store) == []


def test_a_running_load_is_not_rolled_back_by_a_reader(corpus: tuple[Path, Path]) -> None:
    store, second = corpus
    with KnowledgeStore.open(store) as kg, kg.guarded(str(second)):
        kg.add_quads("<https://a.org/s> <https://a.org/p> <https://a.org/o> <https://a.org/g> .\n")
        with KnowledgeStore.open(store, read_only=True) as reader:  # the writer holds the lock
            assert reader.count_quads() > 0  # what it sees of a load under way is RocksDB's business
        assert Checkpoint(store).exists()
    assert "<https://a.org/s> <https://a.org/p> <https://a.org/o> <https://a.org/g> .\n" in quads_of(store)


def test_an_error_in_a_guarded_block_restores_the_store(corpus: tuple[Path, Path]) -> None:
    store, _ = corpus
    before = quads_of(store)
    with KnowledgeStore.open(store) as kg:
        with pytest.raises(RuntimeError), kg.guarded("x.xml"):
            kg.remove_graph(kg.iris.record_graph("101"))
            raise RuntimeError("boom")
        assert kg.count_quads() == len(before)  # usable at once, restored
        kg.add_quads("<https://a.org/s> <https://a.org/p> <https://a.org/o> <https://a.org/g> .\n")
    assert len(quads_of(store)) == len(before) + 1


def test_in_memory_stores_run_guarded_blocks_as_they_are() -> None:
    kg = KnowledgeStore.in_memory()
    with kg.guarded("x"):
        kg.add_quads("<https://a.org/s> <https://a.org/p> <https://a.org/o> .\n")
    assert kg.count_quads() == 1
    assert isinstance(next(iter(kg.oxigraph)), ox.Quad)


def test_read_only_stores_refuse_guarded_blocks(corpus: tuple[Path, Path]) -> None:
    with KnowledgeStore.open(corpus[0], read_only=True) as kg, pytest.raises(StoreError), kg.guarded("x"):
        pass


# -- outputs written beside their target --------------------------------------------------

_KILL_DURING_CONVERT = """
import os, signal, sys
import graph.pipeline.conversion as conversion
real_pieces = conversion.Converter.pieces

def pieces_then_die(self, path, out=None):
    for piece in real_pieces(self, path, out):
        os.kill(os.getpid(), signal.SIGKILL)
        yield piece

conversion.Converter.pieces = pieces_then_die
from graph.cli import main
main(sys.argv[1:])
"""


def test_a_killed_conversion_leaves_a_part_file_that_the_next_one_clears(tmp_path: Path) -> None:
    source, out = big_file(tmp_path, 1200), tmp_path / "out" / "corpus.nq"
    done = run_and_stop(_KILL_DURING_CONVERT, "convert", source, "-o", out, "--jobs", "1")
    assert done.returncode == -signal.SIGKILL
    assert [p.suffix for p in out.parent.iterdir()] == [".part"]  # kill -9 runs no cleanup
    code, _, err = run_cli(["convert", source, "-o", out, "--jobs", "1"])
    assert code == 0, err
    assert [p.name for p in out.parent.iterdir()] == ["corpus.nq"]


def test_the_part_file_of_a_live_conversion_is_left_alone(tmp_path: Path) -> None:
    source, out = big_file(tmp_path, 5), tmp_path / "corpus.nq"
    busy = tmp_path / ".corpus.nq.running.part"
    busy.write_bytes(b"")
    with open(busy, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the writer holds it
        assert run_cli(["convert", source, "-o", out, "--jobs", "1"])[0] == 0
    assert busy.exists() and out.exists()


def test_serve_rolls_back_a_killed_load_before_answering(corpus: tuple[Path, Path]) -> None:
    store, second = corpus
    before = quads_of(store)
    done = run_and_stop(_DIE_IN_THE_LOAD.format(signal="SIGKILL", after=""), "build", second, "--store", store)
    assert done.returncode == -signal.SIGKILL
    with serve(store, port=0, workers=1) as endpoint:
        assert not Checkpoint(store).exists()
        answer = requests.get(endpoint.query_url, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, timeout=30)
    assert answer.ok
    assert quads_of(store, without_interruption_notes=True) == before
