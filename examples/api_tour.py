"""A tour of pubgraph's Python API on the bundled sample corpus.

Run: ``python examples/api_tour.py`` (writes under output/example-store).
"""

from __future__ import annotations

from pathlib import Path

import graph
from graph import run_query

STORE = Path("output") / "example-store"


def main() -> None:
    # Records: typed dataclasses straight from PubMed XML, no RDF involved.
    baseline, update = graph.sample_files()
    article = next(r for r in graph.read_records(baseline) if r.pmid == "28993889")
    print(article.title)
    print(
        ", ".join(a.name for a in article.authors),
        "|",
        article.journal.iso_abbreviation,
        article.year,
    )

    # Quads: the RDF model of one record, as N-Triples terms.
    quads = graph.article_quads(article, graph.Iris())
    print(f"{len(quads)} quads, e.g. {quads[0][:3]}")

    # Build: baseline then update into a persistent store (idempotent, replaces records).
    summary = graph.build([baseline, update], STORE, jobs=1)
    print(f"{summary.records} records, {summary.deletions} deletion(s), store holds {summary.store_quads} quads")

    # Query: SPARQL with the common prefixes predeclared; rows as plain dicts.
    result = run_query(
        """SELECT ?pmid ?title WHERE {
             ?citing cito:cites ?cited ; fabio:hasPubMedId ?pmid ; dcterms:title ?title .
             ?cited fabio:hasPubMedId "28993889" .
           } ORDER BY ?pmid""",
        STORE,
    )
    for row in result.values()[:5]:
        print(row["pmid"], row["title"])


if __name__ == "__main__":
    main()
