"""The query page of pubgraph's SPARQL endpoint: one self-contained HTML file.

Everything it needs is inline (no script, style, font or prefix list from another
server), so it works offline and on machines that must not call out. The prefixes it
shows are the ones the endpoint predeclares; the examples are pubgraph's saved queries.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping

__all__ = ["query_page"]

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:baseline}
header h1{font-size:18px;margin:0}header span{opacity:.8}
main{padding:14px 18px}
textarea{width:100%;box-sizing:border-box;height:190px;font:13px/1.45 ui-monospace,monospace;padding:8px;
border:1px solid #b8c0cc;border-radius:4px;background:#fff}
.bar{display:flex;gap:10px;align-items:center;margin:8px 0 12px}
button{background:#1f6feb;color:#fff;border:0;border-radius:4px;padding:7px 16px;font-size:14px;cursor:pointer}
button:disabled{background:#8aa9d6}select{padding:5px}#status{color:#4a5568}
#error{display:none;white-space:pre-wrap;background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0;
padding:8px;border-radius:4px;margin-bottom:10px}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #d5dae1;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#e9edf2;position:sticky;top:0}td .iri{color:#1f5fbf;cursor:pointer}
td .lit small{color:#7a8494}pre{background:#fff;border:1px solid #d5dae1;padding:8px;overflow:auto}
details{margin:6px 0 10px}details code{display:block;font-size:12px}
"""

_SCRIPT = r"""
(function () {
  const config = JSON.parse(document.getElementById("page-data").textContent);
  const $ = (id) => document.getElementById(id);
  const editor = $("query"), run = $("run"), examples = $("examples");
  config.examples.forEach((ex, i) => {
    const option = document.createElement("option");
    option.value = String(i); option.textContent = ex.title; examples.appendChild(option);
  });
  examples.addEventListener("change", () => {
    if (examples.value !== "") editor.value = config.examples[Number(examples.value)].text;
  });
  const short = (iri) => {
    for (const [prefix, ns] of Object.entries(config.prefixes)) {
      if (iri.startsWith(ns) && /^[\w.-]*$/.test(iri.slice(ns.length))) return prefix + ":" + iri.slice(ns.length);
    }
    return "<" + iri + ">";
  };
  const cell = (term) => {
    const td = document.createElement("td");
    if (!term) return td;
    const span = document.createElement("span");
    if (term.type === "uri") {
      span.className = "iri"; span.textContent = short(term.value); span.title = term.value;
      span.addEventListener("click", () => {
        editor.value = "SELECT ?p ?o WHERE {\n  <" + term.value + "> ?p ?o\n}\nLIMIT 200";
        execute();
      });
    } else {
      span.className = "lit"; span.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
      const note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? " " + short(term.datatype) : "";
      if (note) { const small = document.createElement("small"); small.textContent = note; span.append(small); }
    }
    td.appendChild(span);
    return td;
  };
  const show = (answer) => {
    const out = $("results"); out.textContent = "";
    if (answer.boolean !== undefined) { out.textContent = "ASK: " + answer.boolean; return 1; }
    const table = document.createElement("table"), head = table.insertRow();
    answer.head.vars.forEach((v) => {
      const th = document.createElement("th"); th.textContent = "?" + v; head.appendChild(th);
    });
    answer.results.bindings.forEach((row) => {
      const tr = table.insertRow(); answer.head.vars.forEach((v) => tr.appendChild(cell(row[v])));
    });
    out.appendChild(table);
    return answer.results.bindings.length;
  };
  async function execute() {
    run.disabled = true; $("error").style.display = "none"; $("status").textContent = "running…";
    const started = performance.now();
    try {
      const response = await fetch("query", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded",
                  "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        body: new URLSearchParams({query: editor.value}),
      });
      const text = await response.text();
      if (!response.ok) throw new Error("HTTP " + response.status + ": " + text);
      let count;
      if ((response.headers.get("Content-Type") || "").includes("json")) count = show(JSON.parse(text));
      else { const pre = document.createElement("pre"); pre.textContent = text; $("results").replaceChildren(pre);
             count = text.split("\n").filter((l) => l.trim()).length + " lines"; }
      $("status").textContent = count + (typeof count === "number" ? " results" : "") + " in " +
        ((performance.now() - started) / 1000).toFixed(2) + " s";
    } catch (err) {
      $("error").textContent = String(err.message || err); $("error").style.display = "block";
      $("status").textContent = "";
    } finally { run.disabled = false; }
  }
  run.addEventListener("click", execute);
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); execute(); }
  });
  window.pubgraphEndpoint = {ready: true, execute};
})();
"""

_DEFAULT_QUERY = """SELECT ?article ?year ?title WHERE {
  ?article a fabio:JournalArticle ;
           fabio:hasPublicationYear ?year ;
           dcterms:title ?title .
}
ORDER BY DESC(?year)
LIMIT 20"""


def query_page(
    prefixes: Mapping[str, str], examples: Iterable[tuple[str, str]], *, timeout: float, writable: bool
) -> bytes:
    """The page, with ``prefixes`` listed and ``examples`` (title, query text) to pick from.

    >>> page = query_page({"ex": "http://example.org/"}, [("Everything", "SELECT * {}")], timeout=5, writable=False)
    >>> b"<script src" in page, b"Everything" in page
    (False, True)
    """
    data = {"prefixes": dict(prefixes), "examples": [{"title": t, "text": q} for t, q in examples]}
    # "<" escaped so that no string in the data can close the script element.
    embedded = json.dumps(data).replace("<", "\\u003c")
    listed = "".join(f"<code>PREFIX {html.escape(p)}: &lt;{html.escape(ns)}&gt;</code>" for p, ns in prefixes.items())
    mode = "read-write" if writable else "read-only"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pubgraph SPARQL endpoint</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body><header><h1>pubgraph SPARQL endpoint</h1>
<span>{mode}; default graph: the union of the named graphs; queries stop after {timeout:g} s</span></header>
<main>
<details><summary>Prefixes every query may use without declaring them</summary>{listed}</details>
<textarea id="query" spellcheck="false" aria-label="SPARQL query">{html.escape(_DEFAULT_QUERY)}</textarea>
<div class="bar"><button id="run" type="button">Run (Ctrl+Enter)</button>
<select id="examples" aria-label="Saved queries"><option value="">Saved queries…</option></select>
<span id="status"></span></div>
<div id="error" role="alert"></div>
<div id="results"></div>
</main>
<script type="application/json" id="page-data">{embedded}</script>
<script>{_SCRIPT}</script>
</body></html>
""".encode()
