# After author-counts (and its rest): keep only the tallies top-authors lists, those of
# the 100 most prolific authors and ties, so that its fast form reads them without a
# threshold.
BASE <https://w3id.org/pubgraph/>
PREFIX pg: <https://w3id.org/pubgraph/ontology/>

DELETE { GRAPH <graph/summaries> { ?tally ?fact ?value } }
WHERE {
  {
    SELECT (MIN(?top) AS ?threshold)
    WHERE {
      { SELECT ?top WHERE { GRAPH <graph/summaries> { ?any pg:authoredCount ?top } } ORDER BY DESC(?top) LIMIT 100 }
    }
  }
  GRAPH <graph/summaries> { ?tally pg:authoredCount ?count ; ?fact ?value }
  FILTER(?count < ?threshold)
}
