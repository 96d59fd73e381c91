"""pubgraph's knowledge graph through rdflib, notebook style.

Run it whole (``python examples/rdflib_notebook.py [STORE]``) or cell by cell: editors
such as VS Code, Spyder and Jupytext read the ``# %%`` markers as notebook cells. The
store defaults to ``output/example-store`` and is built from the bundled sample.
"""

# %% Build the bundled sample into a store
from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

import graph
from graph import run_query
from graph.rdflib_views import dataset, record_graph, records_graph

STORE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("output") / "example-store"
summary = graph.build(graph.sample_files(), STORE, jobs=1)
print(f"store {STORE}: {summary.store_quads} quads")

# %% The whole store as an rdflib Dataset: nothing is copied
kg = graph.KnowledgeStore.open(STORE, read_only=True)
ds = dataset(kg)  # the default graph is the union of the named graphs, as in pubgraph query
named = [g.identifier for g in ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]
print(f"{len(ds)} triples in {len(named)} named graphs")

# %% rdflib's own SPARQL engine, reading the store's quads by pattern
JOURNALS = """
SELECT ?journal (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?article a fabio:JournalArticle ; frbr:partOf+ ?venue .
  ?venue a fabio:Journal ; dcterms:title ?journal .
} GROUP BY ?journal ORDER BY DESC(?articles) ?journal LIMIT 3
"""
for row in ds.query(JOURNALS, use_store_provided=False):
    print(f"journal: {row.journal} ({row.articles})")

# %% One record's named graph as an rdflib Graph, over the same store
pmid = run_query("SELECT ?id WHERE { ?a a fabio:JournalArticle ; fabio:hasPubMedId ?id } ORDER BY ?id LIMIT 1", kg)
first = str(pmid.values()[0]["id"])
record = record_graph(kg, first)
print(f"record {first}: {len(record)} triples")
print(record.serialize(format="turtle").splitlines()[-1])

# %% SHACL: validate the store against pubgraph's shapes with pyshacl
shapes_file = Path(__file__).resolve().parents[1] / "ontologies" / "shapes.ttl"
try:
    import pyshacl
except ImportError:
    print("shapes: pyshacl is not installed (pip install pyshacl)")
else:
    conforms, _, _ = pyshacl.validate(ds, shacl_graph=Graph().parse(shapes_file), inference="none")
    print(f"shapes: {'conforms' if conforms else 'violations found'}")

# %% CONSTRUCT answers and records as in-memory rdflib graphs
cites = run_query("CONSTRUCT { ?a cito:cites ?b } WHERE { ?a cito:cites ?b }", kg).to_rdflib()
print(f"citation graph: {len(cites)} links")
memory = records_graph(graph.read_records(graph.sample_files()[0]))
print(f"records in memory: {len(memory)} triples")
kg.close()
