"""The IRI scheme: the only place IRIs are minted.

IRIs are stable functions of what a record says (PMID, ORCID, NlmUniqueID, DOI …), so
loading the same data twice, or into another store, lands on the same nodes. ``BASE``
is configurable (``--base`` / ``PUBGRAPH_BASE``); vocabulary IRIs are not.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from ..errors import InputError
from ..identifiers import normalize_language, normalize_mesh_ui, normalize_pmcid, orcid_checksum_ok
from ..records import Affiliation, Author, Journal
from .terms import iri_segment

__all__ = ["DEFAULT_BASE", "Iris", "normalize_affiliation", "organization_label", "slug"]

DEFAULT_BASE = "https://w3id.org/pubgraph/"
MESH = "http://id.nlm.nih.gov/mesh/"
PUBMED_PAGE = "https://pubmed.ncbi.nlm.nih.gov/"
LANGUAGE = "http://id.loc.gov/vocabulary/iso639-2/"

# An e-mail address is a whole word holding "@"; (?<!\S) keeps the search linear, where a
# bare \S+@ backtracks through every start inside a long word (quadratic on hostile text).
_EMAIL_RE = re.compile(r"(?:electronic address:\s*)?(?<!\S)\S+@\S+", re.IGNORECASE)
_SPACE_RUN_RE = re.compile(r"[ \t\r\n]{2,}")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")
# An absolute IRI (RFC 3987: scheme ":" then no character IRIs exclude), for the base.
_ABSOLUTE_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f-\x9f\ud800-\udfff]+")


def slug(text: str) -> str:
    """A lower-case ASCII slug for names used in IRIs.

    >>> slug("Müller-Lyer Study Group!")
    'muller-lyer-study-group'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD_RE.sub("-", ascii_text.lower()).strip("-") or "unnamed"


def normalize_affiliation(text: str) -> str:
    """The affiliation text used for identity: e-mail addresses dropped, case and space folded.

    >>> normalize_affiliation("Dept of Surgery, Sendai, Japan. Electronic address: a@b.jp.")
    'dept of surgery, sendai, japan'
    """
    if "@" in text:
        text = _EMAIL_RE.sub(" ", text)
    return " ".join(text.casefold().split()).strip(" .;,")


@functools.lru_cache(maxsize=1 << 12)  # authors of one record often share an affiliation
def organization_label(text: str) -> str:
    """The label of the shared organisation node: the affiliation without e-mail addresses.

    The e-mail belongs to one author (and stays on their authorship); the node is shared.

    >>> organization_label("Dept of Surgery, Sendai, Japan. Electronic address: a@b.jp.")
    'Dept of Surgery, Sendai, Japan.'
    """
    if "@" not in text:
        return text
    return _SPACE_RUN_RE.sub(" ", _EMAIL_RE.sub(" ", text)).strip(" ;,\t\r\n")


@functools.lru_cache(maxsize=1 << 14)  # authors of one record often share an affiliation
def _affiliation_key(name: str) -> str:
    # surrogatepass: a lone surrogate hashes like any other character, valid text as before.
    return hashlib.sha1(normalize_affiliation(name).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Iris:
    """Mints every instance IRI under one ``base``.

    Data goes into IRIs validated or percent-encoded: identifiers of a known shape
    (PMID, MeSH UI, ORCID, PMC id, language code) are checked, and the methods for them
    give None, or fall back to a per-record IRI, when the value has another shape;
    free-form text (DOIs, grant ids, ROR ids, volumes) is percent-encoded by
    :func:`~graph.model.terms.iri_segment`. PMIDs are checked once per record by the
    mapping (:func:`graph.identifiers.is_pmid`).

    >>> iris = Iris("https://example.org/kg/")
    >>> iris.article("28993889")
    'https://example.org/kg/article/28993889'
    >>> iris.record_graph("28993889")
    'https://example.org/kg/graph/pubmed/28993889'
    """

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not _ABSOLUTE_IRI_RE.fullmatch(self.base):
            raise InputError(
                f"the base IRI {self.base!r} (--base or PUBGRAPH_BASE) is not an absolute IRI; "
                f"give one such as {DEFAULT_BASE}"
            )

    @classmethod
    def for_base(cls, base: str | None = None) -> Iris:
        """Use ``base`` (the default when None or empty), ending it in ``/`` unless it ends
        in ``/`` or ``#``. The command line passes ``--base`` or ``PUBGRAPH_BASE``.

        >>> Iris.for_base("https://example.org/kg").base
        'https://example.org/kg/'
        """
        chosen = base or DEFAULT_BASE
        return cls(chosen if chosen.endswith(("/", "#")) else chosen + "/")

    # records and their parts
    def article(self, pmid: str) -> str:
        return f"{self.base}article/{pmid}"

    def record_graph(self, pmid: str) -> str:
        return f"{self.base}graph/pubmed/{pmid}"

    def authorship(self, pmid: str, position: int) -> str:
        return f"{self.base}article/{pmid}/author/{position}"

    def authorship_affiliation(self, pmid: str, position: int, number: int) -> str:
        """The ``number``-th affiliation of an authorship, as the record prints it.

        >>> Iris("http://x.org/").authorship_affiliation("1", 2, 3)
        'http://x.org/article/1/author/2/affiliation/3'
        """
        return f"{self.authorship(pmid, position)}/affiliation/{number}"

    def reference(self, pmid: str, position: int) -> str:
        return f"{self.base}article/{pmid}/reference/{position}"

    def citation(self, citing: str, cited: str) -> str:
        """A citation link learnt without a reference entry (ELink), reified as ``cito:Citation``.

        >>> Iris("http://x.org/").citation("1", "2")
        'http://x.org/citation/1-2'
        """
        return f"{self.base}citation/{citing}-{cited}"

    def elink_graph(self, pmid: str) -> str:
        """The named graph of the citation links ELink reported for a citing PMID."""
        return f"{self.base}graph/elink/{pmid}"

    # agents
    def person(self, pmid: str, position: int | str, author: Author) -> str:
        """ORCID IRI when the record has one with a valid checksum, else per-record."""
        if author.orcid and orcid_checksum_ok(author.orcid):
            return f"https://orcid.org/{author.orcid}"
        return f"{self.base}person/{pmid}-{position}"

    def group(self, name: str) -> str:
        return f"{self.base}group/{slug(name)}"

    def affiliation(self, affiliation: Affiliation) -> str:
        """The ROR IRI when the affiliation has a ROR id (its last path segment), else one from its text.

        >>> Iris("http://x.org/").affiliation(Affiliation("A", ror="https://ror.org/03yrm5c26/"))
        'https://ror.org/03yrm5c26'
        """
        ror = affiliation.ror.strip().rstrip("/").rsplit("/", 1)[-1] if affiliation.ror else None
        if ror:
            return "https://ror.org/" + iri_segment(ror)
        return f"{self.base}affiliation/{_affiliation_key(affiliation.name)}"

    # venues
    def journal(self, journal: Journal) -> str | None:
        if journal.nlm_unique_id:
            return f"{self.base}journal/{iri_segment(journal.nlm_unique_id)}"
        issn = journal.issn_linking or journal.issn_print or journal.issn_electronic
        if issn:
            return f"{self.base}journal/issn/{iri_segment(issn)}"
        return f"{self.base}journal/title/{slug(journal.title)}" if journal.title else None

    def volume(self, journal_iri: str, volume: str) -> str:
        return f"{journal_iri}/volume/{iri_segment(volume)}"

    def issue(self, parent_iri: str, issue: str) -> str:
        return f"{parent_iri}/issue/{iri_segment(issue)}"

    # works known only by another identifier
    def work_doi(self, doi: str) -> str:
        return f"{self.base}work/doi/{iri_segment(doi, keep_slashes=True)}"

    def work_pmc(self, pmcid: str) -> str | None:
        """A work known by its PMC id (``PMC`` + digits), or None for another shape.

        >>> Iris("http://x.org/").work_pmc("PMC5690420"), Iris("http://x.org/").work_pmc("PMC 1>")
        ('http://x.org/work/pmc/PMC5690420', None)
        """
        return f"{self.base}work/pmc/{pmcid}" if normalize_pmcid(pmcid) == pmcid else None

    # funding
    def grant(self, agency: str | None, grant_id: str) -> str:
        return f"{self.base}grant/{slug(agency or 'unknown')}/{iri_segment(grant_id)}"

    def agency(self, name: str) -> str:
        return f"{self.base}agency/{slug(name)}"

    # shared graphs
    @property
    def entities_graph(self) -> str:
        """Shared descriptions: journals, ORCID persons, affiliations, grants, cited works."""
        return f"{self.base}graph/entities"

    @property
    def index_graph(self) -> str:
        """Derived per-record index entries that projections read
        (:mod:`graph.model.record_index`), kept in step with the record graphs by each load.

        >>> Iris("https://example.org/kg/").index_graph
        'https://example.org/kg/graph/index'
        """
        return f"{self.base}graph/index"

    @property
    def mesh_graph(self) -> str:
        return f"{self.base}graph/mesh"

    @property
    def provenance_graph(self) -> str:
        return f"{self.base}graph/provenance"

    @property
    def summaries_graph(self) -> str:
        """Counts derived from the rest of the store for the saved queries
        (:mod:`graph.store.summaries`), rebuilt after each build.

        >>> Iris("https://example.org/kg/").summaries_graph
        'https://example.org/kg/graph/summaries'
        """
        return f"{self.base}graph/summaries"

    @property
    def derived_graphs(self) -> tuple[str, str]:
        """The graphs computed from the others (the record index, the query summaries):
        exports and pushes leave them out unless named, and the store rebuilds them.

        >>> Iris("https://example.org/kg/").derived_graphs
        ('https://example.org/kg/graph/index', 'https://example.org/kg/graph/summaries')
        """
        return (self.index_graph, self.summaries_graph)

    def metrics_graph(self, network: str) -> str:
        """Network metrics written back to the store, one graph per projection kind.

        >>> Iris("https://example.org/kg/").metrics_graph("citation")
        'https://example.org/kg/graph/metrics/citation'
        """
        return f"{self.base}graph/metrics/{iri_segment(network)}"

    # external vocabularies
    @staticmethod
    def mesh(ui: str | None, qualifier_ui: str | None = None) -> str | None:
        """A MeSH term or descriptor-qualifier pair; None when a UI is no MeSH UI.

        >>> Iris.mesh("D000818", "Q000000981"), Iris.mesh("D000818 x")
        ('http://id.nlm.nih.gov/mesh/D000818Q000000981', None)
        """
        ui = normalize_mesh_ui(ui)
        if ui is None:
            return None
        if qualifier_ui is None:
            return f"{MESH}{ui}"
        qualifier = normalize_mesh_ui(qualifier_ui)
        return f"{MESH}{ui}{qualifier}" if qualifier is not None else None

    @staticmethod
    def pubmed_page(pmid: str) -> str:
        return f"{PUBMED_PAGE}{pmid}/"

    @staticmethod
    def language(code: str) -> str | None:
        """The Library of Congress IRI of an ISO 639-2 code; None for anything else.

        >>> Iris.language("ENG"), Iris.language("en GB")
        ('http://id.loc.gov/vocabulary/iso639-2/eng', None)
        """
        normalized = normalize_language(code)
        return f"{LANGUAGE}{normalized}" if normalized is not None else None
