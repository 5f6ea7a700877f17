"""The interactive page: one self-contained HTML file (plotly.js inlined) that works offline.

Zoom and pan come from plotly; hovering a point shows the word and its nearest words in the
original space (computed in Python beforehand, not in the 2-D picture); a search box rings a word
and its nearest words (those plotted), zooms to the word and the neighbours that landed near it,
and labels them where each label is clear of the others (the status line names the rest).
`page.html#king` opens with "king" searched, which makes a view shareable and lets a headless
browser test the search box (the body's data-found, data-labels and data-label-boxes say what
the search showed).
"""

from __future__ import annotations

import html
import json

import numpy as np

from ..errors import EmbedkitError

# Above this many points, draw with WebGL (scattergl): SVG gets slow to pan.
WEBGL_FROM = 5000

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="embedkit">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 12px 18px; color: #222; }}
  #ek-bar {{ display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 4px 0 6px; }}
  #ek-word {{ font-size: 15px; padding: 4px 8px; width: 16em; }}
  #ek-bar button {{ font-size: 14px; padding: 4px 10px; }}
  #ek-status {{ color: #444; font-size: 14px; }}
  #ek-frame {{ width: 100%; height: calc(100vh - 70px); min-height: 480px; }}
  #ek-frame > div, #ek-plot {{ width: 100%; height: 100%; }}
</style>
</head>
<body data-found="">
<form id="ek-search" autocomplete="off">
  <div id="ek-bar">
    <input id="ek-word" list="ek-words" placeholder="find a word ({n:,} plotted)" aria-label="word to find">
    <button type="submit">Find</button>
    <button type="button" id="ek-reset">Reset view</button>
    <span id="ek-status" role="status"></span>
  </div>
</form>
<datalist id="ek-words">{options}</datalist>
<script id="ek-data" type="application/json">{data}</script>
<div id="ek-frame">{plot}</div>
</body>
</html>
"""

# Runs once plotly has drawn the figure ({plot_id} is the plot's div).
_SEARCH = """
var gd = document.getElementById('{plot_id}');
var data = JSON.parse(document.getElementById('ek-data').textContent);
var form = document.getElementById('ek-search'), input = document.getElementById('ek-word');
var status = document.getElementById('ek-status');
var mark = gd.data.length - 1;  // the last trace is the search highlight
var home = {x: gd.layout.xaxis.range.slice(), y: gd.layout.yaxis.range.slice()};
var arrows = (gd.layout.annotations || []).slice();  // the analogy arrows, kept under the labels
var SPOTS = ['top center', 'bottom center', 'middle right', 'middle left',
             'top right', 'top left', 'bottom right', 'bottom left'];
function show(text) { status.textContent = text; }
// Pixel boxes of a label of `chars` characters (16 px text) at each spot around a ring of radius r.
function box(px, py, chars, r, spot) {
  var w = 9.5 * chars + 4, h = 20, v = spot.split(' ')[0], s = spot.split(' ')[1];
  var x0 = s === 'center' ? px - w / 2 : s === 'right' ? px + r + 2 : px - r - 2 - w;
  var y0 = v === 'middle' ? py - h / 2 : v === 'top' ? py - r - 2 - h : py + r + 2;
  return [x0, y0, x0 + w, y0 + h];
}
function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }
// Greedy label spots, the searched word first: each label takes the first spot (next to its ring,
// then farther out) that covers no other label and no other ring, inside the view; a label with no
// free spot is left out (the status line names every neighbour). Labels are annotations placed
// in pixels from their point.
function place(xs, ys, names, sizes, xr, yr) {
  var W = gd._fullLayout.xaxis._length, H = gd._fullLayout.yaxis._length;
  var px = xs.map(function (x) { return (x - xr[0]) / (xr[1] - xr[0]) * W; });
  var py = ys.map(function (y) { return (yr[1] - y) / (yr[1] - yr[0]) * H; });
  var rings = px.map(function (x, i) { var r = sizes[i] / 2; return [x - r, py[i] - r, x + r, py[i] + r]; });
  var placed = [], notes = [], shown = [];
  for (var i = 0; i < xs.length; i++) {
    var inside = px[i] >= 0 && px[i] <= W && py[i] >= 0 && py[i] <= H, chosen = null;
    for (var s = 0; inside && s < 5 * SPOTS.length && chosen === null; s++) {
      var away = sizes[i] / 2 + 16 * Math.floor(s / SPOTS.length);
      var b = box(px[i], py[i], names[i].length, away, SPOTS[s % SPOTS.length]);
      var clear = b[0] >= 0 && b[2] <= W && b[1] >= 0 && b[3] <= H;
      for (var j = 0; clear && j < placed.length; j++) clear = !overlaps(b, placed[j]);
      for (var k = 0; clear && k < rings.length; k++) clear = k === i || !overlaps(b, rings[k]);
      if (clear) chosen = b;
    }
    if (!chosen) continue;
    placed.push(chosen);
    shown.push(names[i]);
    notes.push({x: xs[i], y: ys[i], xref: 'x', yref: 'y', text: names[i], showarrow: false,
                xanchor: 'center', yanchor: 'middle', font: {size: 16, color: '#c00'},
                xshift: (chosen[0] + chosen[2]) / 2 - px[i], yshift: py[i] - (chosen[1] + chosen[3]) / 2});
  }
  document.body.dataset.labels = shown.join(',');
  document.body.dataset.labelBoxes = JSON.stringify(placed.map(function (b) { return b.map(Math.round); }));
  return notes;
}
function find(raw) {
  var word = raw.trim(), has = Object.prototype.hasOwnProperty;
  if (!has.call(data.points, word) && has.call(data.points, word.toLowerCase())) word = word.toLowerCase();
  if (!word) return;
  if (!has.call(data.points, word)) {
    Plotly.restyle(gd, {x: [[]], y: [[]], text: [[]]}, [mark]);
    Plotly.relayout(gd, {annotations: arrows});
    document.body.dataset.found = '';
    show('\\u201c' + word + '\\u201d is not among the ' + data.n + ' plotted words');
    return;
  }
  var p = data.points[word];
  // ring the word, and its nearest words (original space) where they landed, if plotted; zoom to
  // the word and those that landed near it (within a quarter of the picture): the others are ringed
  // where they lie and named in the status line
  var xs = [p[0]], ys = [p[1]], names = [word], sizes = [24], far = [];
  var reach = 0.25 * Math.hypot(home.x[1] - home.x[0], home.y[1] - home.y[0]);
  var nx = [p[0]], ny = [p[1]];
  var missing = [];
  p[3].forEach(function (w) {
    if (!has.call(data.points, w)) { missing.push(w); return; }
    var q = data.points[w];
    xs.push(q[0]); ys.push(q[1]); names.push(w); sizes.push(14);
    if (Math.hypot(q[0] - p[0], q[1] - p[1]) <= reach) { nx.push(q[0]); ny.push(q[1]); } else far.push(w);
  });
  // the zoom: the near points with a margin, at least 6% of the whole picture across
  var x0 = Math.min.apply(null, nx), x1 = Math.max.apply(null, nx);
  var y0 = Math.min.apply(null, ny), y1 = Math.max.apply(null, ny);
  var mx = Math.max((x1 - x0) * 0.35, (home.x[1] - home.x[0]) * 0.03);
  var my = Math.max((y1 - y0) * 0.35, (home.y[1] - home.y[0]) * 0.03);
  var xr = [x0 - mx, x1 + mx], yr = [y0 - my, y1 + my];
  Plotly.restyle(gd, {x: [xs], y: [ys], text: [names], 'marker.size': [sizes]}, [mark]).then(function () {
    return Plotly.relayout(gd, {'xaxis.range': xr, 'yaxis.range': yr});
  }).then(function () {
    var labels = place(xs, ys, names, sizes, gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range);
    return Plotly.relayout(gd, {annotations: arrows.concat(labels)});
  }).then(function () {
    document.body.dataset.found = word;
    show(word + (p[2] ? ' \\u2014 nearest: ' + p[2] : '') +
         (far.length ? ' (elsewhere in the picture: ' + far.join(', ') + ')' : '') +
         (missing.length ? ' (not plotted: ' + missing.join(', ') + ')' : ''));
  });
}
// the plot fills its frame whatever the window does (no empty band below it): redrawn at once at
// the frame's size (plotly's own resizing waits for a timer)
var frame = document.getElementById('ek-frame');
function fit() {
  var done = Promise.resolve();
  if (Math.abs(frame.clientHeight - gd._fullLayout.height) > 1 || Math.abs(frame.clientWidth - gd._fullLayout.width) > 1)
    done = Plotly.relayout(gd, {width: frame.clientWidth, height: frame.clientHeight});
  done.then(function () {  // for a headless browser: the frame and the plot, in pixels
    document.body.dataset.frame = frame.clientWidth + 'x' + frame.clientHeight;
    document.body.dataset.plot = gd._fullLayout.width + 'x' + gd._fullLayout.height;
  });
}
fit();
window.addEventListener('resize', fit);
if (window.ResizeObserver) new ResizeObserver(fit).observe(frame);
form.addEventListener('submit', function (event) { event.preventDefault(); find(input.value); });
document.getElementById('ek-reset').addEventListener('click', function () {
  Plotly.relayout(gd, {'xaxis.range': home.x, 'yaxis.range': home.y, annotations: arrows});
  Plotly.restyle(gd, {x: [[]], y: [[]], text: [[]]}, [mark]);
});
if (location.hash.length > 1) {
  input.value = decodeURIComponent(location.hash.slice(1).replace(/^search=/, ''));
  form.requestSubmit ? form.requestSubmit() : find(input.value);
}
"""


def page(p, *, labels: int = 40) -> str:
    """The interactive HTML page of the `Picture` `p`, as a string (about 5 MB: plotly.js inlined).

    Args:
        labels: write the names of this many words on the picture (query words first, then
            informative words, spread over the clusters); every word shows on hover and can be
            searched.

    Raises:
        EmbedkitError: plotly is not installed.
    """
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise EmbedkitError("the interactive page needs plotly: pip install plotly") from None
    from .figure import GREY, palette

    n = len(p)
    near = [", ".join(f"{w} {s:.2f}" for w, s in row) for row in p.neighbours] if p.neighbours else [""] * n
    def esc(text):
        return html.escape(text, quote=False)  # plotly decodes &lt; &gt; &amp; but not &quot;

    hover = [f"<b>{esc(w)}</b>" + (f"<br>nearest (cosine): {esc(s)}" if s else "") for w, s in zip(p.words, near)]
    anchor = np.isin(p.words, p.anchors)
    shown = _spread(p, anchor, labels)
    colours = palette(len(p.group_names))
    Scatter = go.Scattergl if n >= WEBGL_FROM else go.Scatter
    fig = go.Figure()
    groups = list(range(len(p.group_names))) + ([-1] if (p.group < 0).any() else [])
    for g in groups:
        rows = np.flatnonzero(p.group == g)
        fig.add_trace(Scatter(
            x=p.coords[rows, 0], y=p.coords[rows, 1], mode="markers+text",
            name=esc(p.group_names[g] if g >= 0 else "other"),
            text=[esc(p.words[i]) if i in shown else "" for i in rows],
            textposition="top center", textfont=dict(size=11, color="#333"),
            hovertext=[hover[i] for i in rows], hoverinfo="text",
            marker=dict(color=colours[g] if g >= 0 else GREY, opacity=0.85,
                        size=[12 if anchor[i] else 6 for i in rows],
                        line=dict(width=[1.5 if anchor[i] else 0 for i in rows], color="black"))))
    index = {w: i for i, w in enumerate(p.words)}
    arrows = [dict(x=p.coords[index[b], 0], y=p.coords[index[b], 1], ax=p.coords[index[a], 0],
                   ay=p.coords[index[a], 1], xref="x", yref="y", axref="x", ayref="y", text="",
                   showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.4, arrowcolor="#333")
              for a, b in p.arrows]
    # the search highlight: a red ring, empty until a word is searched
    # (its labels are annotations, placed clear of each other when a word is searched)
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name="search", showlegend=False,
                             hoverinfo="skip",
                             marker=dict(size=22, color="rgba(0,0,0,0)", line=dict(width=3, color="#c00"))))
    lo, hi = p.coords.min(axis=0), p.coords.max(axis=0)
    pad = np.maximum((hi - lo) * 0.05, 1e-3)
    fig.update_layout(
        title=dict(text=f"{esc(p.title)}<br><sup>{esc(p.subtitle)}</sup>", x=0.01),
        template="plotly_white", hovermode="closest", dragmode="pan", annotations=arrows,
        legend=dict(itemsizing="constant"), showlegend=len(groups) > 1,
        xaxis=dict(range=[lo[0] - pad[0], hi[0] + pad[0]], showticklabels=False, zeroline=False,
                   showgrid=False, title=dict(text=esc(p.axes[0]) if p.axes else "", font=dict(size=12))),
        # arrows keep their true angles only when a unit is as long across as up
        yaxis=dict(range=[lo[1] - pad[1], hi[1] + pad[1]], showticklabels=False, zeroline=False,
                   showgrid=False, title=dict(text=esc(p.axes[1]) if p.axes else "", font=dict(size=12)),
                   **(dict(scaleanchor="x", scaleratio=1) if p.equal_aspect else {})),
        margin=dict(l=30 if p.axes else 10, r=10, t=70, b=40 if p.axes else 10))
    body = fig.to_html(full_html=False, include_plotlyjs=True, include_mathjax=False,
                       div_id="ek-plot", post_script=_SEARCH, default_width="100%",
                       default_height="100%",
                       config=dict(scrollZoom=True, displaylogo=False, responsive=True))
    near_words = [[w for w, _ in row] for row in p.neighbours] if p.neighbours else [[]] * n
    points = {w: [round(float(x), 5), round(float(y), 5), s, nw]
              for w, (x, y), s, nw in zip(p.words, p.coords, near, near_words)}
    data = json.dumps({"n": n, "points": points}, ensure_ascii=True).replace("</", "<\\/")
    options = "".join(f'<option value="{html.escape(w, quote=True)}">' for w in p.words)
    return _PAGE.format(title=html.escape(p.title), n=n, options=options, data=data, plot=body)


def _spread(p, anchor: np.ndarray, limit: int, canvas=(1200.0, 700.0)) -> set[int]:
    """Up to `limit` words to name on the page (query words always, then by `p.label_order`:
    informative words spread over the clusters),
    skipping any whose name would overlap one already chosen on a `canvas`-pixel view of the
    whole picture. Plotly cannot move labels, so crowded ones are left to hover and search.
    """
    lo, hi = p.coords.min(axis=0), p.coords.max(axis=0)
    xy = (p.coords - lo) / np.maximum(hi - lo, 1e-9) * np.array(canvas)  # (n, 2) pixels
    boxes = np.empty((0, 4))
    chosen: set[int] = set()
    for i in p.label_order:
        if len(chosen) >= max(limit, int(anchor.sum())):
            break
        w, h = 7.0 * len(p.words[i]) + 4, 16.0  # 11 px text, label centred above its point
        box = np.array([xy[i, 0] - w / 2, xy[i, 1] + 2, xy[i, 0] + w / 2, xy[i, 1] + 2 + h])
        clash = len(boxes) and np.any((box[0] < boxes[:, 2]) & (box[2] > boxes[:, 0])
                                      & (box[1] < boxes[:, 3]) & (box[3] > boxes[:, 1]))
        if clash and not anchor[i]:
            continue
        boxes = np.vstack([boxes, box])
        chosen.add(int(i))
    return chosen
