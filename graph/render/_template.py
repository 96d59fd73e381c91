"""The page template: HTML, CSS and the script that draws the network with vis-network.

The script reads every text from the JSON data block and puts it into the page with
``textContent`` or canvas ``fillText`` only, never as markup, so data cannot inject HTML.
The Content-Security-Policy forbids any request the page could make (no ``src``/``href`` to
fetch, no ``connect``), which also proves the page needs no network.
"""

from __future__ import annotations

__all__ = ["PAGE"]

_CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;color:#222;background:#fafafa;
  font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{display:flex;flex-direction:column}
header{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;padding:8px 14px;
  border-bottom:1px solid #ddd;background:#fff}
header h1{font-size:16px;margin:0;font-weight:600}
#pg-notice{margin:0;color:#8a4b00;font-size:13px}
#pg-notice:empty{display:none}
form,#pg-years{display:flex;gap:6px;align-items:center;margin:0}
input{font:inherit;padding:3px 6px;border:1px solid #bbb;border-radius:4px}
#pg-search{width:260px}
#pg-years input{width:74px}
button{font:inherit;padding:3px 10px;border:1px solid #999;border-radius:4px;background:#f0f0f0;cursor:pointer}
.pg-status{color:#555;font-size:12px;min-width:90px}
main{position:relative;flex:1;min-height:0}
#pg-network{position:absolute;inset:0}
aside{position:absolute;background:rgba(255,255,255,.95);border:1px solid #ddd;border-radius:6px;
  padding:8px 10px;font-size:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
#pg-legend{top:10px;left:10px;max-width:300px;max-height:70%;overflow:auto}
#pg-legend h2,#pg-details h2{font-size:13px;margin:0 0 4px}
#pg-legend ul{list-style:none;margin:0;padding:0}
#pg-legend li{display:flex;gap:6px;align-items:center;margin:2px 0}
.pg-swatch{display:inline-block;width:12px;height:12px;border-radius:50%;flex:none;border:1px solid rgba(0,0,0,.2)}
#pg-legend p{margin:6px 0 0;color:#555}
#pg-details{top:10px;right:10px;width:340px;max-height:80%;overflow:auto}
#pg-tooltip{position:fixed;pointer-events:none;max-width:360px;background:#fff;border:1px solid #bbb;
  border-radius:5px;padding:6px 8px;font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.15);z-index:10}
.pg-card h3{font-size:13px;margin:0 0 4px}
.pg-card p{margin:2px 0}
.pg-card dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:4px 0}
.pg-card dt{color:#666}
.pg-card dd{margin:0}
.pg-card a{color:#0b57d0}
.pg-records{margin:4px 0;padding-left:16px}
.pg-records li{margin:4px 0}
.pg-ends,.pg-where{color:#555}
[hidden]{display:none!important}
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  var N = data.nodes, E = data.edges, count = N.id.length;
  var byId = function (id) { return document.getElementById(id); };

  function text(el, value) { el.textContent = value == null ? "" : String(value); return el; }
  function make(tag, value, cls) {
    var el = text(document.createElement(tag), value);
    if (cls) el.className = cls;
    return el;
  }

  var items = new Array(count);
  for (var i = 0; i < count; i++) {
    items[i] = {id: i, x: N.x[i], y: N.y[i], size: N.size[i], color: data.palette[N.color[i]]};
  }
  var links = new Array(E.from.length);
  for (var j = 0; j < E.from.length; j++) {
    links[j] = {id: j, from: E.from[j], to: E.to[j]};
    if (E.width) links[j].width = E.width[j];
  }
  var nodes = new vis.DataSet(items), edges = new vis.DataSet(links);
  var big = count + links.length > 6000;
  var options = {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
    nodes: {shape: "dot", borderWidth: 1, font: {size: 13, strokeWidth: 3, strokeColor: "#fff"}},
    edges: {smooth: false, width: 0.7, selectionWidth: 2, hoverWidth: 1.5,
            color: {color: "#9aa3ad", opacity: 0.45, highlight: "#d62728", hover: "#d62728"},
            arrows: data.directed ? {to: {enabled: true, scaleFactor: 0.35}} : {to: {enabled: false}}}
  };
  var network = new vis.Network(byId("pg-network"), {nodes: nodes, edges: edges}, options);
  var state = {query: "", matches: [], next: 0, hidden: 0};
  var api = {network: network, nodes: nodes, edges: edges, data: data, ready: false};
  window.pubgraph = api;
  network.once("afterDrawing", function () {
    fitBesideLegend();
    api.ready = true;
    api.readyAt = performance.now();
  });
  // The opening view fits the nodes in the part of the frame the legend leaves free.
  function fitBesideLegend() {
    var frame = byId("pg-network"), legend = byId("pg-legend");
    var left = legend.offsetWidth + 20, width = frame.clientWidth - left, height = frame.clientHeight;
    if (!count || width < 200) return;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (var i = 0; i < count; i++) {
      x0 = Math.min(x0, N.x[i] - N.size[i]); x1 = Math.max(x1, N.x[i] + N.size[i]);
      y0 = Math.min(y0, N.y[i] - N.size[i]); y1 = Math.max(y1, N.y[i] + N.size[i] + 16);
    }
    var room = data.axis ? 56 : 0;  // screen pixels kept above the nodes for the year labels
    var scale = Math.min(1.5, 0.95 * Math.min(width / Math.max(x1 - x0, 1), (height - room) / Math.max(y1 - y0, 1)));
    var centre = {x: (x0 + x1) / 2 - left / 2 / scale, y: (y0 + y1) / 2 - room / 2 / scale};
    network.moveTo({position: centre, scale: scale, animation: false});
  }

  function card(i, withLinks) {
    var box = make("div", null, "pg-card");
    box.appendChild(make("h3", N.title[i]));
    if (N.authors[i]) box.appendChild(make("p", N.authors[i]));
    var where = [N.journal[i], N.year[i]].filter(function (v) { return v != null && v !== ""; }).join(" \u00b7 ");
    if (where) box.appendChild(make("p", where));
    var dl = document.createElement("dl");
    data.facts.names.forEach(function (name, k) {
      var value = data.facts.values[k][i];
      if (value == null || value === "") return;
      dl.appendChild(make("dt", name));
      dl.appendChild(make("dd", value));
    });
    if (dl.childNodes.length) box.appendChild(dl);
    if (withLinks) addLinks(box, i);
    return box;
  }
  function addLinks(box, i) {
    var p = document.createElement("p");
    if (/^[0-9]+$/.test(N.pmid[i] || "")) {
      var a = make("a", "PubMed " + N.pmid[i]);
      a.href = "https://pubmed.ncbi.nlm.nih.gov/" + N.pmid[i] + "/";
      a.target = "_blank"; a.rel = "noopener noreferrer";
      p.appendChild(a); p.appendChild(document.createTextNode(" "));
    }
    if (N.doi[i]) {
      var d = make("a", "doi:" + N.doi[i]);
      d.href = "https://doi.org/" + encodeURI(N.doi[i]);
      d.target = "_blank"; d.rel = "noopener noreferrer";
      p.appendChild(d);
    }
    if (p.childNodes.length) box.appendChild(p);
  }

  var tooltip = byId("pg-tooltip"), details = byId("pg-details");
  network.on("hoverNode", function (params) {
    tooltip.replaceChildren(card(params.node, false));
    var rect = byId("pg-network").getBoundingClientRect(), at = params.pointer.DOM;
    tooltip.style.left = Math.min(rect.left + at.x + 14, window.innerWidth - 370) + "px";
    tooltip.style.top = (rect.top + at.y + 14) + "px";
    tooltip.hidden = false;
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  function show(i) {
    details.replaceChildren(make("h2", "Selected"), card(i, true));
    details.hidden = false;
  }
  network.on("selectNode", function (params) { tooltip.hidden = true; show(params.nodes[0]); });
  network.on("deselectNode", function () { details.hidden = true; });

  // A click on a link shows the records behind it (see graph.render.drill): the records
  // both ends share, a journal link's own list, or, for a citation, the two works.
  var D = data.drill || {mode: "ends", kind: "", heading: "", nouns: ["record", "records"]};
  function linkRecords(j) {
    if (D.mode === "listed") return D.links[j];
    if (D.mode !== "shared") return null;
    var a = D.members[E.from[j]], b = D.members[E.to[j]], inB = {}, found = [], k;
    for (k = 0; k < b.length; k++) inB[b[k]] = true;
    for (k = 0; k < a.length; k++) if (inB[a[k]]) found.push(a[k]);
    return found;
  }
  function recordItem(r) {
    var R = D.records, li = document.createElement("li");
    li.appendChild(make("strong", R.label[r]));
    li.appendChild(document.createTextNode(" " + R.title[r] + " "));
    var where = [R.journal[r], R.year[r]].filter(function (v) { return v != null && v !== ""; }).join(" \u00b7 ");
    if (where) li.appendChild(make("span", "(" + where + ") ", "pg-where"));
    if (/^[0-9]+$/.test(R.pmid[r] || "")) {
      var a = make("a", "PubMed " + R.pmid[r]);
      a.href = "https://pubmed.ncbi.nlm.nih.gov/" + R.pmid[r] + "/";
      a.target = "_blank"; a.rel = "noopener noreferrer";
      li.appendChild(a);
    } else if (R.doi[r]) {
      var d = make("a", "doi:" + R.doi[r]);
      d.href = "https://doi.org/" + encodeURI(R.doi[r]);
      d.target = "_blank"; d.rel = "noopener noreferrer";
      li.appendChild(d);
    }
    return li;
  }
  api.showLink = function (j) {
    var records = linkRecords(j), a = E.from[j], b = E.to[j];
    details.replaceChildren();
    if (records === null) {
      var citation = D.kind === "citation";
      details.appendChild(make("h2", citation ? "Citing" : "Linked"));
      details.appendChild(card(a, true));
      details.appendChild(make("h2", citation ? "cites" : "and" + (E.weight ? " (weight " + E.weight[j] + ")" : "")));
      details.appendChild(card(b, true));
    } else {
      var noun = D.nouns[records.length === 1 ? 0 : 1];
      details.appendChild(make("h2", D.heading.replace("{n}", records.length).replace("{noun}", noun)));
      details.appendChild(make("p", N.label[a] + " \u2013 " + N.label[b], "pg-ends"));
      var list = make("ul", null, "pg-records");
      records.slice(0, D.shown).forEach(function (r) { list.appendChild(recordItem(r)); });
      details.appendChild(list);
      if (records.length > D.shown) {
        details.appendChild(make("p", "and " + (records.length - D.shown) + " more (a page lists " + D.shown +
                                      " per link; pubgraph query finds them all)"));
      }
    }
    details.hidden = false;
    if (records === null) return [N.key[a], N.key[b]];
    return records.map(function (r) { return D.records.pmid[r] || D.records.label[r]; });
  };
  network.on("click", function (params) {
    if (!params.nodes.length && params.edges.length) { tooltip.hidden = true; api.showLink(params.edges[0]); }
    else if (!params.nodes.length) details.hidden = true;
  });

  function visible(i) { var item = nodes.get(i); return !(item && item.hidden); }
  function find(query) {
    var q = query.trim().toLowerCase(), found = [], i;
    if (!q) return found;
    if (/^[0-9]+$/.test(q)) for (i = 0; i < count; i++) if (N.pmid[i] === q) found.push(i);
    if (!found.length) {
      var words = q.split(/\s+/);
      for (i = 0; i < count; i++) {
        var hay = (N.title[i] + " " + (N.label[i] || "") + " " + N.key[i]).toLowerCase();
        if (words.every(function (w) { return hay.indexOf(w) >= 0; })) found.push(i);
      }
    }
    if (!found.length) {
      for (i = 0; i < count; i++) if ((N.authors[i] || "").toLowerCase().indexOf(q) >= 0) found.push(i);
    }
    // Titles holding the words as a phrase first, then works by that first author, then the biggest.
    var rank = function (k) {
      if (N.title[k].toLowerCase().indexOf(q) >= 0) return 0;
      return (N.authors[k] || "").toLowerCase().indexOf(q) === 0 ? 1 : 2;
    };
    found.sort(function (a, b) { return rank(a) - rank(b) || N.size[b] - N.size[a] || a - b; });
    return found.filter(visible);
  }
  function focus(i) {
    network.selectNodes([i]);
    network.focus(i, {scale: Math.max(network.getScale(), 1.0), animation: false});
    show(i);
  }
  api.search = function (query) {
    if (query !== state.query) { state.query = query; state.matches = find(query); state.next = 0; }
    var status = byId("pg-search-status"), m = state.matches;
    if (!m.length) { text(status, query.trim() ? "no match" : ""); return null; }
    var i = m[state.next % m.length];
    text(status, (state.next % m.length + 1) + " of " + m.length);
    state.next += 1;
    focus(i);
    return N.key[i];
  };
  byId("pg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api.search(byId("pg-search").value);
  });

  var from = byId("pg-year-from"), to = byId("pg-year-to");
  if (data.years) {
    from.min = to.min = from.value = data.years[0];
    from.max = to.max = to.value = data.years[1];
  } else {
    byId("pg-years").hidden = true;
  }
  api.filterYears = function (low, high) {
    var changes = [], shown = 0;
    var whole = low <= data.years[0] && high >= data.years[1];
    for (var i = 0; i < count; i++) {
      var y = N.year[i], hide = !whole && (y == null || y < low || y > high);
      if (hide !== Boolean(items[i].hidden)) { items[i].hidden = hide; changes.push({id: i, hidden: hide}); }
      if (!hide) shown++;
    }
    if (changes.length) nodes.update(changes);
    state.query = "";
    text(byId("pg-year-status"), shown + " of " + count + " shown");
    return shown;
  };
  function onYears() {
    var low = parseInt(from.value, 10), high = parseInt(to.value, 10);
    if (!isNaN(low) && !isNaN(high)) api.filterYears(low, high);
  }
  from.addEventListener("change", onYears);
  to.addEventListener("change", onYears);

  var legend = byId("pg-legend-items");
  data.legend.forEach(function (entry) {
    var li = document.createElement("li"), swatch = make("span", null, "pg-swatch");
    swatch.style.background = data.palette[entry[1]];
    li.appendChild(swatch);
    li.appendChild(make("span", entry[0]));
    legend.appendChild(li);
  });
  text(byId("pg-legend-title"), data.colorTitle);
  text(byId("pg-legend-size"), data.sizeTitle);
  text(byId("pg-notice"), data.notice);

  // Labels are drawn here, not by vis-network: largest nodes first, each only where it
  // collides with no label already drawn, at a fixed screen size, so zooming in shows more.
  var FONT = 12, PAD_X = 4, PAD_Y = 2, MAX_LABELS = 350, ALWAYS = 40;
  var order = N.id.slice().sort(function (a, b) { return N.size[b] - N.size[a] || a - b; });
  var widths = (function () {
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = FONT + "px system-ui, sans-serif";
    return N.label.map(function (label) { return label ? measure.measureText(label).width : 0; });
  })();
  api.labels = [];
  function collides(grid, box, cell) {
    for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
        var here = grid[gx + "," + gy];
        if (!here) continue;
        for (var m = 0; m < here.length; m++) {
          var o = here[m];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return true;
        }
      }
    }
    return false;
  }
  function remember(grid, box, cell) {
    for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
        (grid[gx + "," + gy] = grid[gx + "," + gy] || []).push(box);
      }
    }
  }
  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale(), frame = byId("pg-network");
    var width = frame.clientWidth, height = frame.clientHeight, grid = {}, drawn = [], boxes = [];
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.scale(window.devicePixelRatio || 1, window.devicePixelRatio || 1);
    ctx.font = FONT + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.fillStyle = "#222";
    for (var k = 0; k < count && drawn.length < MAX_LABELS; k++) {
      var i = order[k], body = network.body.nodes[i];
      if (!N.label[i] || !body || items[i].hidden) continue;
      if (k >= ALWAYS && N.size[i] * scale < 2.5) break;
      var at = network.canvasToDOM({x: body.x, y: body.y}), r = N.size[i] * scale;
      var top = at.y + r + 1, half = widths[i] / 2;
      var box = [at.x - half - PAD_X, top - PAD_Y, at.x + half + PAD_X, top + FONT + PAD_Y];
      if (box[2] < 0 || box[0] > width || box[3] < 0 || box[1] > height || collides(grid, box, 64)) continue;
      remember(grid, box, 64);
      drawn.push(i);
      boxes.push(box);
      ctx.strokeText(N.label[i], at.x, top);
      ctx.fillText(N.label[i], at.x, top);
    }
    ctx.restore();
    api.labels = drawn;
    api.labelBoxes = boxes;
  });

  if (data.axis) {
    network.on("beforeDrawing", function (ctx) {
      var scale = network.getScale(), top = data.bounds[0] - 40 / scale;
      var bottom = data.band == null ? data.bounds[1] + 30 : data.band - 30;
      var last = data.axis.length - 1;
      ctx.save();
      ctx.strokeStyle = "rgba(0,0,0,0.07)";
      ctx.lineWidth = 1 / scale;
      ctx.fillStyle = "#555";
      ctx.font = (13 / scale) + "px system-ui, sans-serif";
      ctx.textAlign = "center";
      data.axis.forEach(function (tick) {
        ctx.beginPath(); ctx.moveTo(tick[0], top + 8 / scale); ctx.lineTo(tick[0], bottom); ctx.stroke();
      });
      if (data.band != null) {
        // Works without a year sit in a band of their own, under a rule and its caption.
        var left = data.axis.length ? data.axis[0][0] : 0, right = data.axis.length ? data.axis[last][0] : 400;
        ctx.strokeStyle = "rgba(0,0,0,0.25)";
        ctx.beginPath(); ctx.moveTo(left - 20, data.band - 12); ctx.lineTo(right + 20, data.band - 12); ctx.stroke();
        ctx.textAlign = "left";
        ctx.fillText("No year", left - 20, data.band - 18);
      }
      ctx.restore();
    });
    // Year labels in screen space: above the nodes, kept in view when panning down, and
    // never under the legend (a label that would be is not drawn).
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale(), last = data.axis.length - 1, legend = byId("pg-legend");
      var spacing = last > 0 ? (data.axis[last][0] - data.axis[0][0]) / last : 1;
      var every = Math.max(1, Math.ceil(44 / Math.max(spacing * scale, 1)));
      var y = Math.max(6, network.canvasToDOM({x: 0, y: data.bounds[0]}).y - 34);
      var keepOut = [legend.offsetLeft - 4, legend.offsetTop - 4,
                     legend.offsetLeft + legend.offsetWidth + 4, legend.offsetTop + legend.offsetHeight + 4];
      var boxes = [];
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.scale(window.devicePixelRatio || 1, window.devicePixelRatio || 1);
      ctx.font = "13px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(250,250,250,0.9)";
      ctx.fillStyle = "#555";
      data.axis.forEach(function (tick, k) {
        if (k % every !== 0) return;
        var x = network.canvasToDOM({x: tick[0], y: 0}).x, half = ctx.measureText(tick[1]).width / 2;
        var box = [x - half, y, x + half, y + 15];
        if (box[0] < keepOut[2] && keepOut[0] < box[2] && box[1] < keepOut[3] && keepOut[1] < box[3]) return;
        ctx.strokeText(String(tick[1]), x, y);
        ctx.fillText(String(tick[1]), x, y);
        boxes.push(box);
      });
      ctx.restore();
      api.axisBoxes = boxes;
    });
  }
})();
"""

PAGE = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline';
  style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pubgraph">
<title>@@TITLE@@</title>
<style>@@VIS_CSS@@</style>
<style>"""
    + _CSS
    + """</style>
</head>
<body>
<header>
  <h1>@@TITLE@@</h1>
  <p id="pg-notice"></p>
  <form id="pg-search-form" role="search">
    <input id="pg-search" type="search" placeholder="PMID, title words or author" aria-label="Find a node">
    <button type="submit">Find</button>
    <span id="pg-search-status" class="pg-status" aria-live="polite"></span>
  </form>
  <div id="pg-years">
    <label for="pg-year-from">Years</label>
    <input id="pg-year-from" type="number" aria-label="From year"> &ndash;
    <input id="pg-year-to" type="number" aria-label="To year">
    <span id="pg-year-status" class="pg-status"></span>
  </div>
</header>
<main>
  <div id="pg-network"></div>
  <aside id="pg-legend" aria-label="Legend">
    <h2 id="pg-legend-title"></h2>
    <ul id="pg-legend-items"></ul>
    <p id="pg-legend-size"></p>
  </aside>
  <aside id="pg-details" hidden></aside>
</main>
<div id="pg-tooltip" hidden></div>
<script id="pg-data" type="application/json">@@DATA@@</script>
<script>@@VIS_JS@@</script>
<script>"""
    + _SCRIPT
    + """</script>
</body>
</html>
"""
)
