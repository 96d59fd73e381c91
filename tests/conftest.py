"""Shared fixtures: the real PubMed samples, a fresh store, the CLI in-process, XML writing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import graph
from graph.cli import cli

DATA = Path(__file__).resolve().parent / "data"
# Real NLM data shared by this setup only; a fresh clone has none (see its README).
SHARED_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "pubmed-samples"

_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)

CliResult = tuple[int, str, str]


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests see the default base IRI and store, whatever the developer's shell exports,
    and keep E-utilities answers out of the user's own cache directory."""
    for name in ("PUBGRAPH_BASE", "PUBGRAPH_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PUBGRAPH_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "user-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))  # the library's default


@pytest.fixture
def shared_samples() -> Path:
    """The folder of real PubMed files; the test is skipped when this setup lacks it."""
    if not SHARED_SAMPLES.is_dir():
        pytest.skip(f"{SHARED_SAMPLES} is absent (real samples exist only in this setup)")
    return SHARED_SAMPLES


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright, launched as pubgraph's PNG writer
    launches it (offline flags); skipped when either is missing. Module-scoped: Playwright's
    sync API runs one driver at a time in a process, and ``render -o map.png`` starts its own."""
    from graph.render.png import CHROMIUM_ARGS, chromium_path

    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install playwright"
    )
    chromium = chromium_path()
    if not (Path(chromium).exists() or shutil.which(chromium)):
        pytest.skip(f"no Chromium at {chromium}: apt-get install chromium")
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus, built once per test process as ``pubgraph demo`` builds
    it; tests only read it."""
    store = tmp_path_factory.mktemp("demo") / "store"
    graph.build(graph.sample_files(), store, jobs=1)
    return store


@pytest.fixture
def tmp_store(tmp_path: Path) -> Path:
    """A store directory that does not exist yet."""
    return tmp_path / "store"


def run_cli(args: Sequence[str | Path], env: dict[str, str] | None = None) -> CliResult:
    """Run ``pubgraph ARGS`` in-process; return (exit code, stdout, stderr).

    Click's runner turns ``\\r\\n`` into ``\\n`` in these strings; use ``CliRunner`` directly
    (``stdout_bytes``) where line endings matter.
    """
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, prog_name="pubgraph", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def cli_run() -> Callable[..., CliResult]:
    """:func:`run_cli` as a fixture, for tests that prefer fixtures to imports."""
    return run_cli


def pubmed_document(*records_xml: str, root: str = "PubmedArticleSet") -> str:
    """A whole PubMed XML document around the given ``<PubmedArticle>`` … snippets."""
    body = "\n".join(records_xml)
    head = _XML_HEAD if root == "PubmedArticleSet" else '<?xml version="1.0"?>\n'
    return f"{head}<{root}>\n{body}\n</{root}>\n"


def write_xml(tmp_path: Path, name: str, records_xml: str | Sequence[str]) -> Path:
    """Write ``records_xml`` (one snippet or several) as ``tmp_path/name``, a PubmedArticleSet."""
    snippets = [records_xml] if isinstance(records_xml, str) else list(records_xml)
    path = tmp_path / name
    path.write_text(pubmed_document(*snippets), encoding="utf-8")
    return path


def article_xml(
    pmid: str | int,
    title: str = "A title.",
    *,
    year: str = "2020",
    authors: Sequence[str] = ("Alpha",),
    extra_citation: str = "",
    pubmed_data: str = "",
) -> str:
    """A small but DTD-shaped ``<PubmedArticle>``; ``extra_*`` is inserted verbatim."""
    author_xml = "".join(
        f'<Author ValidYN="Y"><LastName>{name}</LastName><Initials>A</Initials></Author>' for name in authors
    )
    author_list = f'<AuthorList CompleteYN="Y">{author_xml}</AuthorList>' if authors else ""
    return f"""<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">{pmid}</PMID>
    <Article PubModel="Print">
      <Journal>
        <ISSN IssnType="Print">0000-0019</ISSN>
        <JournalIssue CitedMedium="Print">
          <Volume>1</Volume><PubDate><Year>{year}</Year></PubDate>
        </JournalIssue>
        <Title>Journal of fixtures</Title>
      </Journal>
      <ArticleTitle>{title}</ArticleTitle>
      <Pagination><MedlinePgn>1-2</MedlinePgn></Pagination>
      {author_list}
      <Language>eng</Language>
      <PublicationTypeList>
        <PublicationType UI="D016428">Journal Article</PublicationType>
      </PublicationTypeList>
    </Article>
    <MedlineJournalInfo>
      <Country>England</Country><MedlineTA>J Fixt</MedlineTA><NlmUniqueID>0000001</NlmUniqueID>
    </MedlineJournalInfo>
    {extra_citation}
  </MedlineCitation>
  <PubmedData>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList>
    {pubmed_data}
  </PubmedData>
</PubmedArticle>"""


def delete_xml(*pmids: str | int) -> str:
    """A ``<DeleteCitation>`` of the given PMIDs."""
    return "<DeleteCitation>" + "".join(f'<PMID Version="1">{p}</PMID>' for p in pmids) + "</DeleteCitation>"


# --- small file systems for fault tests ------------------------------------------------


def _mount_tmpfs(target: Path, options: str) -> None:
    """Mount a tmpfs on ``target``, or skip the test saying why that cannot be done here."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (these fault tests run as root in CI)")
    if shutil.which("mount") is None:
        pytest.skip("no mount command on this machine")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode})")


def _unmount(target: Path) -> None:
    # A lazy unmount when something (a store, a worker) still holds a file open there.
    if subprocess.run(["umount", str(target)], capture_output=True, check=False).returncode != 0:
        subprocess.run(["umount", "--lazy", str(target)], capture_output=True, check=False)


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """A factory: ``tiny_fs(65536)`` mounts a tmpfs of that many bytes (rounded up to whole
    pages) in a fresh folder and returns it; each is unmounted after the test. Skips when
    mounting is not permitted (not root, no mount)."""
    mounted: list[Path] = []

    def mount(size: int) -> Path:
        target = tmp_path / f"tiny-fs-{len(mounted)}"
        target.mkdir()
        _mount_tmpfs(target, f"size={size}")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        _unmount(target)


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """An empty folder on a read-only file system (a read-only tmpfs: chmod does not stop
    root, who runs these tests). Skips when mounting is not permitted."""
    target = tmp_path / "read-only"
    target.mkdir()
    _mount_tmpfs(target, "ro,size=64k")
    yield target
    _unmount(target)
