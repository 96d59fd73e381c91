"""A realistic synthetic PubMed corpus for benchmarks, the size of a baseline file.

Records follow the PubMed DTD: ~6 authors (some with ORCID and several affiliations),
~10 MeSH headings with qualifiers, keywords, grants, a structured abstract and ~25
references with PMIDs, DOIs or text only. Generation is seeded, so runs compare.

Run as a script to write a file: ``python benchmarks/corpus.py 30000 output/bench.xml.gz``.
"""

from __future__ import annotations

import gzip
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["write_corpus"]

_WORDS = [
    "spinal",
    "tumor",
    "recurrence",
    "resection",
    "vertebral",
    "cord",
    "compression",
    "hemangiopericytoma",
    "solitary",
    "fibrous",
    "outcome",
    "surgical",
    "cohort",
    "patients",
    "imaging",
    "therapy",
    "radiation",
    "survival",
    "analysis",
    "bone",
    "metastasis",
    "thoracic",
    "lumbar",
    "fixation",
    "instrumentation",
    "biopsy",
    "histology",
    "marker",
    "expression",
]
_FAMILY = [
    "Onoki",
    "Kanno",
    "Aizawa",
    "Hashimoto",
    "Itoi",
    "Ozawa",
    "Tomita",
    "Kawahara",
    "Smith",
    "Müller",
    "García",
    "Rossi",
    "Chen",
    "Wang",
    "Kim",
    "Novak",
]
_GIVEN = [
    "Takahiro",
    "Haruo",
    "Toshimi",
    "Ko",
    "Eiji",
    "Hiroshi",
    "Anna",
    "Maria",
    "John",
    "Wei",
    "Jun",
    "Lukas",
    "Sofia",
    "Pedro",
]
_QUALIFIERS = (
    ("Q000601", "surgery"),
    ("Q000000981", "diagnostic imaging"),
    ("Q000473", "pathology"),
    ("Q000532", "radiotherapy"),
)


def _orcid(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(15)]
    total = 0
    for digit in digits:
        total = (total + digit) * 2
    check = (12 - total % 11) % 11
    text = "".join(map(str, digits)) + ("X" if check == 10 else str(check))
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _author(rng: random.Random) -> str:
    family, given = rng.choice(_FAMILY), rng.choice(_GIVEN)
    orcid = f'<Identifier Source="ORCID">{_orcid(rng)}</Identifier>' if rng.random() < 0.3 else ""
    affiliations = "".join(
        f"<AffiliationInfo><Affiliation>Department {rng.randrange(50)}, University {rng.randrange(400)}, City, Country.</Affiliation></AffiliationInfo>"
        for _ in range(rng.choice((1, 1, 2)))
    )
    return (
        f'<Author ValidYN="Y"><LastName>{escape(family)}</LastName><ForeName>{given}</ForeName>'
        f"<Initials>{given[0]}</Initials>{orcid}{affiliations}</Author>"
    )


def _mesh(rng: random.Random) -> str:
    ui = f"D{rng.randrange(1000, 20000):06d}"
    major = "Y" if rng.random() < 0.3 else "N"
    qualifiers = "".join(
        f'<QualifierName UI="{q}" MajorTopicYN="N">{name}</QualifierName>'
        for q, name in rng.sample(_QUALIFIERS, rng.choice((0, 1, 1, 2)))
    )
    return f'<MeshHeading><DescriptorName UI="{ui}" MajorTopicYN="{major}">Term {ui}</DescriptorName>{qualifiers}</MeshHeading>'


def _reference(rng: random.Random, pmid: int) -> str:
    cited = rng.randrange(1_000_000, pmid)
    kind = rng.random()
    ids = f'<ArticleId IdType="pubmed">{cited}</ArticleId>' if kind < 0.8 else ""
    if kind > 0.6:
        ids += f'<ArticleId IdType="doi">10.{rng.randrange(1000, 9999)}/j.x.{cited}</ArticleId>'
    id_list = f"<ArticleIdList>{ids}</ArticleIdList>" if ids else ""
    return f"<Reference><Citation>{_sentence(rng, 8)} J Test. {rng.randrange(1950, 2024)};{rng.randrange(1, 99)}:1-9.</Citation>{id_list}</Reference>"


def _record(rng: random.Random, pmid: int) -> str:
    year = rng.randrange(1990, 2025)
    authors = "".join(_author(rng) for _ in range(max(1, int(rng.gauss(6, 2)))))
    mesh = "".join(_mesh(rng) for _ in range(max(1, int(rng.gauss(10, 3)))))
    references = "".join(_reference(rng, pmid) for _ in range(max(0, int(rng.gauss(25, 8)))))
    keywords = "".join(f'<Keyword MajorTopicYN="N">{rng.choice(_WORDS)}</Keyword>' for _ in range(4))
    abstract = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{label}">{_sentence(rng, 40)}</AbstractText>'
        for label in ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
    )
    journal_id = rng.randrange(100)
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>
<Article PubModel="Print-Electronic"><Journal><ISSN IssnType="Print">{1000 + journal_id:04d}-000{journal_id % 10}</ISSN>
<JournalIssue CitedMedium="Internet"><Volume>{rng.randrange(1, 80)}</Volume><Issue>{rng.randrange(1, 12)}</Issue>
<PubDate><Year>{year}</Year><Month>{rng.choice(("Jan", "Feb", "Mar", "Jul", "Oct"))}</Month></PubDate></JournalIssue>
<Title>Journal of Testing {journal_id}</Title><ISOAbbreviation>J Test {journal_id}</ISOAbbreviation></Journal>
<ArticleTitle>{_sentence(rng, 12)}</ArticleTitle><Pagination><MedlinePgn>{rng.randrange(1, 900)}-{rng.randrange(1, 99)}</MedlinePgn></Pagination>
<ELocationID EIdType="doi" ValidYN="Y">10.1000/test.{pmid}</ELocationID><Abstract>{abstract}</Abstract>
<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>
<GrantList CompleteYN="Y"><Grant><GrantID>R01 CA{rng.randrange(100000, 999999)}</GrantID><Acronym>CA</Acronym><Agency>NCI NIH HHS</Agency><Country>United States</Country></Grant></GrantList>
<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
<ArticleDate DateType="Electronic"><Year>{year}</Year><Month>01</Month><Day>15</Day></ArticleDate></Article>
<MedlineJournalInfo><Country>England</Country><MedlineTA>J Test {journal_id}</MedlineTA><NlmUniqueID>{9000000 + journal_id}</NlmUniqueID><ISSNLinking>{1000 + journal_id:04d}-000{journal_id % 10}</ISSNLinking></MedlineJournalInfo>
<MeshHeadingList>{mesh}</MeshHeadingList><KeywordList Owner="NOTNLM">{keywords}</KeywordList></MedlineCitation>
<PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
<ArticleId IdType="doi">10.1000/test.{pmid}</ArticleId></ArticleIdList><ReferenceList>{references}</ReferenceList></PubmedData></PubmedArticle>
"""


def write_corpus(path: Path, records: int, seed: int = 26) -> Path:
    """Write ``records`` synthetic PubmedArticle records to ``path`` (gzip if it ends .gz)."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as out:  # type: ignore[operator]
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet SYSTEM "http://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
        )
        for index in range(records):
            out.write(_record(rng, 30_000_000 + index))
        out.write("</PubmedArticleSet>\n")
    return path


if __name__ == "__main__":
    write_corpus(Path(sys.argv[2]), int(sys.argv[1]))
