# After citation-counts (and its rest): keep only the counts top-cited lists, those of
# the 100 most cited works and ties, so that its fast form reads them without a
# threshold (which would make Oxigraph look up every work's description).
BASE <https://w3id.org/pubgraph/>
PREFIX pg: <https://w3id.org/pubgraph/ontology/>

DELETE { GRAPH <graph/summaries> { ?work pg:citationCount ?count } }
WHERE {
  {
    SELECT (MIN(?top) AS ?threshold)
    WHERE {
      { SELECT ?top WHERE { GRAPH <graph/summaries> { ?any pg:citationCount ?top } } ORDER BY DESC(?top) LIMIT 100 }
    }
  }
  GRAPH <graph/summaries> { ?work pg:citationCount ?count }
  FILTER(?count < ?threshold)
}
