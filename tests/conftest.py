"""Shared fixtures: the real PubMed samples, a fresh store, the CLI in-process, XML writing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

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
def _no_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see the default base IRI and store, whatever the developer's shell exports."""
    for name in ("PUBGRAPH_BASE", "PUBGRAPH_STORE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def shared_samples() -> Path:
    """The folder of real PubMed files; the test is skipped when this setup lacks it."""
    if not SHARED_SAMPLES.is_dir():
        pytest.skip(f"{SHARED_SAMPLES} is absent (real samples exist only in this setup)")
    return SHARED_SAMPLES


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
