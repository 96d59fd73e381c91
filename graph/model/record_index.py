"""The per-record index: what projections read about a record, as one literal.

Every record graph ``BASE/graph/pubmed/{PMID}`` gets, in the named graph
``BASE/graph/index``, one triple ``<record graph> pg:index "…"`` whose text holds the
record graph's quads for the predicates the network projections read, grouped by
predicate and subject. A projection then decodes one literal per record instead of a
few hundred terms (Oxigraph decodes each term of a result by a key lookup).

It is derived data, written from the exact lines the mapping puts in the record graph:
``pubgraph build`` has its conversion workers add the line to each record's staged output
(never ``pubgraph convert``), and :meth:`graph.store.oxigraph.KnowledgeStore.apply`
replaces a record's entry with its graph, in the same guarded block as the record
digests; a deleted record's entry goes with it.

Format: ``VERSION`` then sections separated by U+001F (which XML 1.0, hence PubMed text,
cannot hold; JSON escapes it), each a JSON object ``{key: {subject: [values]}}`` where the
key is a predicate IRI, or ``a <class IRI>`` for ``rdf:type``. The ``references`` section
maps each cited work to the smallest text of this record's references to it.
"""

from __future__ import annotations

import json
import re

from ..identifiers import normalize_mesh_ui
from ..records import Article, Author
from .iris import MESH, Iris
from .namespaces import PREFIXES
from .terms import literal, scalar_text

__all__ = [
    "INDEX",
    "INDEX_VERSION",
    "SECTIONS",
    "SEPARATOR",
    "article_entry",
    "index_nquad",
    "record_entry",
    "unescape",
]

INDEX = PREFIXES["pg"] + "index"
INDEX_VERSION = "pgindex2"
SEPARATOR = "\u001f"
_P = PREFIXES
_TYPE = _P["rdf"] + "type"
#: section name -> the keys it holds (predicate IRIs, or "a " + class IRI)
SECTIONS: dict[str, tuple[str, ...]] = {
    # what every projection reads (which records are loaded, their years) apart from the rest
    "pages": (_P["foaf"] + "isPrimaryTopicOf", _P["fabio"] + "hasPublicationYear"),
    "articles": (
        _P["dcterms"] + "title",
        _P["prism"] + "doi",
        _P["frbr"] + "partOf",
        _P["owl"] + "sameAs",
        _P["fabio"] + "hasNLMJournalTitleAbbreviation",
        _P["fabio"] + "hasNationalLibraryOfMedicineJournalId",
        _P["prism"] + "issn",
        _P["prism"] + "eIssn",
        _P["fabio"] + "hasIssnL",
        "a " + _P["fabio"] + "Journal",
    ),
    "cites": (_P["cito"] + "cites",),
    "references": (),
    "authors": (
        _P["pro"] + "isDocumentContextFor",
        _P["pro"] + "isHeldBy",
        _P["oco"] + "hasNext",
        _P["schema"] + "position",
        _P["foaf"] + "name",
        _P["schema"] + "name",
        _P["schema"] + "familyName",
        _P["schema"] + "givenName",
        _P["pro"] + "relatesToOrganization",
        "a " + _P["foaf"] + "Person",
    ),
    "terms": (_P["fabio"] + "hasPrimarySubjectTerm", _P["fabio"] + "hasSubjectTerm"),
    "keywords": (_P["prism"] + "keyword",),
}
_SECTION_OF = {key: name for name, keys in SECTIONS.items() for key in keys}
_REFERENCES = (_P["biro"] + "references").encode()
_CONTENT = (_P["c4o"] + "hasContent").encode()
_TYPE_BYTES = _TYPE.encode()
_WANTED = {key.encode(): key for key in _SECTION_OF if not key.startswith("a ")} | {
    _REFERENCES: "",
    _CONTENT: "",
    _TYPE_BYTES: "",
}
_CLASSES = {key[2:] for key in _SECTION_OF if key.startswith("a ")}
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def unescape(text: str) -> str:
    """The value of an N-Triples string body: ECHAR and UCHAR escapes resolved (RDF 1.1
    N-Triples, section 2.4).

    >>> unescape('say \\\\"hi\\\\"\\\\n\\\\u00e9')
    'say "hi"\\né'
    """
    if "\\" not in text:
        return text
    return _ESCAPE_RE.sub(_unescaped, text)


def _unescaped(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ECHAR.get(match.group(3), match.group(0))


class _Record:
    """The indexed quads of one record graph, as they stream past."""

    __slots__ = ("contents", "facts", "references", "texts")

    def __init__(self) -> None:
        self.facts: dict[str, dict[str, list[str]]] = {}
        self.references: dict[str, list[str]] = {}
        self.contents: dict[str, list[str]] = {}
        self.texts: dict[str, str] | None = None  # work -> smallest reference text, when known

    def add(self, subject: str, key: str, value: str) -> None:
        self.facts.setdefault(key, {}).setdefault(subject, []).append(value)

    def entry(self) -> str:
        sections: dict[str, dict[str, dict[str, list[str]]]] = {name: {} for name in SECTIONS}
        for key, by_subject in self.facts.items():
            sections[_SECTION_OF[key]][key] = by_subject
        roles = {role for roles in self.facts.get(_P["pro"] + "isDocumentContextFor", {}).values() for role in roles}
        positions = sections["authors"].get(_P["schema"] + "position")
        if positions is not None:  # references are positioned too; only bylines are read
            sections["authors"][_P["schema"] + "position"] = {s: v for s, v in positions.items() if s in roles}
        texts: dict[str, str] = {} if self.texts is None else self.texts
        for reference, works in self.references.items():
            for text in self.contents.get(reference, ()):
                for work in works:
                    if work not in texts or text < texts[work]:
                        texts[work] = text
        sections["references"] = {"": {work: [text] for work, text in texts.items()}}
        return SEPARATOR.join(
            [
                INDEX_VERSION,
                *(json.dumps(sections[name], ensure_ascii=False, separators=(",", ":")) for name in SECTIONS),
            ]
        )


def record_entry(data: bytes, graph: str) -> str:
    """The index text of one record: from ``data`` (its mapped N-Quads), the lines in its
    own named graph ``graph``.

    >>> line = (b'<https://w3id.org/pubgraph/article/1> <http://purl.org/spar/cito/cites> '
    ...     b'<https://w3id.org/pubgraph/article/2> <https://w3id.org/pubgraph/graph/pubmed/1> .\\n')
    >>> record_entry(line, "https://w3id.org/pubgraph/graph/pubmed/1").split(SEPARATOR)[3]
    '{"http://purl.org/spar/cito/cites":{"https://w3id.org/pubgraph/article/1":["https://w3id.org/pubgraph/article/2"]}}'
    """
    own = f" <{graph}> .".encode()
    record = _Record()
    wanted, add = _WANTED, record.add
    for line in data.split(b"\n"):
        if not line.endswith(own):
            continue
        end = line.find(b"> <")
        predicate = line[end + 3 : line.find(b">", end + 3)]
        if predicate not in wanted:
            continue
        subject = line[1:end].decode()
        value = _object(line, end + 5 + len(predicate), len(line) - len(own))
        if predicate == _REFERENCES:
            record.references.setdefault(subject, []).append(value)
        elif predicate == _CONTENT:
            record.contents.setdefault(subject, []).append(value)
        elif predicate == _TYPE_BYTES:
            if value in _CLASSES:
                add(subject, "a " + value, value)
        else:
            add(subject, wanted[predicate], value)
    return record.entry()


def index_nquad(article: Article, iris: Iris) -> bytes:
    """The N-Quads line ``<record graph> pg:index "…"`` of one record, in the index graph.

    >>> from graph.records import Article
    >>> index_nquad(Article("1"), Iris("http://x.org/")).split(b" ")[:2]
    [b'<http://x.org/graph/pubmed/1>', b'<https://w3id.org/pubgraph/ontology/index>']
    """
    entry = article_entry(article, iris)
    return f"<{iris.record_graph(article.pmid)}> <{INDEX}> {literal(entry)} <{iris.index_graph}> .\n".encode()


_F, _S, _PRO = _P["foaf"], _P["schema"], _P["pro"]
_PERSON, _POSITION, _HELD = "a " + _F + "Person", _S + "position", _PRO + "isHeldBy"
_FABIO = _P["fabio"]


def article_entry(article: Article, iris: Iris) -> str:
    """The index text of one record, from the record itself: equal to :func:`record_entry`
    of the lines :func:`graph.model.mapping.article_nquads` writes for it (tested on every
    real sample), at a small part of the cost of reading those lines back.

    >>> from graph.records import Article
    >>> pages, articles = article_entry(Article("1", title="A"), Iris("http://x.org/")).split(SEPARATOR)[1:3]
    >>> pages
    '{"http://xmlns.com/foaf/0.1/isPrimaryTopicOf":{"http://x.org/article/1":["https://pubmed.ncbi.nlm.nih.gov/1/"]}}'
    >>> articles
    '{"http://purl.org/dc/terms/title":{"http://x.org/article/1":["A"]}}'
    """
    record, s, pmid = _Record(), iris.article(article.pmid), article.pmid
    add = record.add
    add(s, _F + "isPrimaryTopicOf", iris.pubmed_page(pmid))
    if article.title:
        add(s, _P["dcterms"] + "title", article.title)
    if article.doi:
        add(s, _P["prism"] + "doi", article.doi)
        add(s, _P["owl"] + "sameAs", iris.work_doi(article.doi))
    if article.year is not None:
        add(s, _FABIO + "hasPublicationYear", f"{article.year:04d}")
    _venue(record, s, article, iris)
    _authors(record, s, article, iris)
    _subjects(record, s, article)
    _citations(record, s, article, iris)
    entry = record.entry()
    try:
        entry.encode()
    except UnicodeEncodeError:  # lone surrogates: what the mapping's encoding writes instead
        entry = scalar_text(entry)
    return entry


def _venue(record: _Record, s: str, article: Article, iris: Iris) -> None:
    journal = article.journal
    container = iris.journal(journal) if journal is not None else None
    if journal is None or container is None:
        return
    if journal.volume:
        container = iris.volume(container, journal.volume)
    if journal.issue:
        container = iris.issue(container, journal.issue)
    record.add(s, _P["frbr"] + "partOf", container)


def _authors(record: _Record, s: str, article: Article, iris: Iris) -> None:
    add, pmid = record.add, article.pmid
    previous = None
    for position, author in enumerate(article.authors, start=1):
        role = iris.authorship(pmid, position)
        agent = _agent(record, pmid, position, author, iris)
        add(s, _PRO + "isDocumentContextFor", role)
        add(role, _HELD, agent)
        add(role, _POSITION, str(position))
        if author.collective_name is not None:
            add(role, _S + "name", author.collective_name)
        else:
            if author.name:
                add(role, _S + "name", author.name)
            if author.family:
                add(role, _S + "familyName", author.family)
            if author.given:
                add(role, _S + "givenName", author.given)
        for affiliation in author.affiliations:  # their statements' texts and positions are not read
            add(role, _PRO + "relatesToOrganization", iris.affiliation(affiliation))
        if previous is not None:
            add(previous, _P["oco"] + "hasNext", role)
        previous = role
    for position, investigator in enumerate(article.investigators, start=1):
        _agent(record, pmid, f"i{position}", investigator, iris)


def _agent(record: _Record, pmid: str, position: int | str, author: Author, iris: Iris) -> str:
    if author.collective_name is not None:
        return iris.group(author.collective_name)
    person = iris.person(pmid, position, author)
    if person.startswith(iris.base):  # described in the record's graph
        record.add(person, _PERSON, _F + "Person")
        if author.name:
            record.add(person, _F + "name", author.name)
    return person


def _subjects(record: _Record, s: str, article: Article) -> None:
    term, major = _FABIO + "hasSubjectTerm", _FABIO + "hasPrimarySubjectTerm"
    for heading in article.mesh_headings:
        ui = normalize_mesh_ui(heading.ui)
        if ui is None:
            continue
        record.add(s, term, MESH + ui)
        if heading.major:
            record.add(s, major, MESH + ui)
        for qualifier in heading.qualifiers:
            qualifier_ui = normalize_mesh_ui(qualifier.ui)
            if qualifier_ui is not None:
                record.add(s, term, MESH + ui + qualifier_ui)
                if qualifier.major:
                    record.add(s, major, MESH + ui + qualifier_ui)
    for concept in article.supplementary_concepts:
        if (ui := normalize_mesh_ui(concept.ui)) is not None:
            record.add(s, term, MESH + ui)
    for keyword in article.keywords:
        record.add(s, _P["prism"] + "keyword", keyword.text)


def _citations(record: _Record, s: str, article: Article, iris: Iris) -> None:
    cites: list[str] = []
    texts: dict[str, str] = {}
    prefix = iris.article("")
    for reference in article.references:  # the references' own positions are not read
        pmid = reference.pmid
        if pmid and pmid != article.pmid and pmid.isdigit() and pmid.isascii():
            cited = prefix + pmid
        elif reference.doi:
            cited = iris.work_doi(reference.doi)
        elif reference.pmcid and (pmc := iris.work_pmc(reference.pmcid)) is not None:
            cited = pmc
        else:
            continue
        cites.append(cited)
        text = reference.citation
        if text and (cited not in texts or text < texts[cited]):
            texts[cited] = text
    if cites:
        record.facts[_P["cito"] + "cites"] = {s: cites}
    record.texts = texts


def _object(line: bytes, start: int, graph: int) -> str:
    """The plain value of the object term from ``start`` to the graph at ``graph``: an
    IRI's text, or a literal's lexical form (its datatype or language dropped, as
    projections read it)."""
    if line[start : start + 1] == b"<":
        return line[start + 1 : line.index(b">", start)].decode()
    close = line.rfind(b'"', start, graph)
    return unescape(line[start + 1 : close].decode())
