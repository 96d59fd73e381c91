"""pubgraph's answers and network metrics as pandas DataFrames, notebook style.

Run it whole (``python examples/pandas_notebook.py [STORE]``) or cell by cell (``# %%``
markers). Needs pandas: ``pip install 'pubgraph[pandas]'``. The store defaults to
``output/example-store`` and is built from the bundled sample.
"""

# %% Build the bundled sample into a store
from __future__ import annotations

import sys
from pathlib import Path

import graph
from graph import run_query
from graph.frames import metrics_frame
from graph.network import node_metrics, project

STORE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("output") / "example-store"
graph.build(graph.sample_files(), STORE, jobs=1)

# %% A SELECT answer as a DataFrame: years and counts come typed
ARTICLES = """
SELECT ?pmid ?year (COUNT(?cited) AS ?references) WHERE {
  ?article a fabio:JournalArticle ; fabio:hasPubMedId ?pmid ; fabio:hasPublicationYear ?year .
  OPTIONAL { ?article cito:cites ?cited }
} GROUP BY ?pmid ?year
"""
articles = run_query(ARTICLES, STORE).to_dataframe()
print(articles.dtypes.to_string())
print(f"{len(articles)} articles, {articles['references'].sum()} references")

# %% Ordinary pandas from here on: references per publication year
per_year = articles.groupby("year")["references"].agg(["count", "sum"]).sort_index()
print(per_year.tail(3).to_string())

# %% Network metrics as a DataFrame indexed by node
G = project("citation", STORE)
frame = metrics_frame(G, node_metrics(G, with_betweenness=False))
print(frame.dtypes.to_string())
top = frame.sort_values(["citations", "pagerank"], ascending=False).head(3)
print(top[["first_author", "year", "citations", "pagerank"]].to_string())
