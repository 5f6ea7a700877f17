"""Alignments of an encoder-decoder: scored against the truth, drawn as heatmaps (matplotlib, the
terminal, a self-contained HTML page).

An alignment is a (target words, source words) array: row j holds the attention weights over
the source words while target word j was written (rows sum to 1). A true alignment has the same
shape, row j spreading 1 over the source words target word j translates.
"""

from __future__ import annotations

import html

import numpy as np


def agreement(weights: np.ndarray, truth: np.ndarray) -> float:
    """Share of target words whose most attended source word is one they translate."""
    if len(truth) == 0:
        return float("nan")
    rows = min(len(weights), len(truth))
    hits = truth[np.arange(rows), np.argmax(weights[:rows], axis=1)] > 0
    return float(hits.sum() / len(truth))


def mass(weights: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each target word's attention that falls on the source words it translates."""
    if len(truth) == 0:
        return float("nan")
    rows = min(len(weights), len(truth))
    return float((weights[:rows] * (truth[:rows] > 0)).sum() / len(truth))


def heatmap(ax, weights: np.ndarray, source: list[str], target: list[str], title: str) -> None:
    """Draw `weights` (len(target) x len(source)) on a matplotlib axis, words as tick labels."""
    ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(source)), source, rotation=90, fontsize=7)
    ax.set_yticks(range(len(target)), target, fontsize=7)
    ax.set_xlabel("source")
    ax.set_title(title, fontsize=9)


def _rows(result: dict) -> tuple[list[str], np.ndarray]:
    """The target labels (the translation, then </s>) and the weights to show."""
    weights = result["alignment"]
    labels = list(result["translation"]) + ["</s>"]
    return labels[:len(weights)], weights


def _blue(weight: float) -> tuple[int, int, int]:
    t = min(1.0, max(0.0, float(weight)))
    return (int(255 - 222 * t), int(255 - 153 * t), int(255 - 74 * t))  # white to rgb(33, 102, 181)


def render_terminal(result: dict, color: bool = True) -> str:
    """The alignment as a text grid: source words written downwards as column heads, one line per
    target word; each cell the weight in percent (blank under 5%), shaded when `color`."""
    source = result["source"]
    labels, weights = _rows(result)
    left = max(len(w) for w in labels) + 1
    tall = max(len(w) for w in source)
    lines = []
    for k in range(tall):
        lines.append(" " * left + "".join(f"{w[k] if k < len(w) else ' ':>3}" for w in source))
    for label, row in zip(labels, weights):
        cells = []
        for w in row:
            text = f"{round(100 * w):3d}" if w >= 0.05 else "   "
            if color:
                r, g, b = _blue(w)
                ink = "255;255;255" if w > 0.5 else "0;0;0"
                text = f"\x1b[48;2;{r};{g};{b}m\x1b[38;2;{ink}m{text}\x1b[0m"
            cells.append(text)
        lines.append(f"{label:<{left}}" + "".join(cells))
    return "\n".join(lines)


def table_html(result: dict) -> str:
    """One alignment as an HTML table: source words as column heads, target words as row heads,
    each cell shaded by its weight (hover: the weight); every word escaped."""
    labels, weights = _rows(result)
    head = "".join(f'<th class="c"><div>{html.escape(w)}</div></th>' for w in result["source"])
    body = []
    for label, row in zip(labels, weights):
        cells = []
        for w in row:
            r, g, b = _blue(w)
            ink = "#fff" if w > 0.5 else "#000"
            text = f"{round(100 * w)}" if w >= 0.05 else ""
            cells.append(f'<td style="background:rgb({r},{g},{b});color:{ink}" title="{w:.3f}">{text}</td>')
        body.append(f"<tr><th>{html.escape(label)}</th>{''.join(cells)}</tr>")
    return f'<table class="a"><tr><th></th>{head}</tr>{"".join(body)}</table>'


def render_html(results: list[dict], title: str) -> str:
    """A self-contained page: per result its source, translation and alignment table."""
    parts = []
    for r in results:
        parts.append(f'<p><b>source:</b> {html.escape(" ".join(r["source"]))}<br><b>translation:</b> '
                     f'{html.escape(" ".join(r["translation"]))}</p>{table_html(r)}')
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.escape(title) + "</title>"
            "<style>body{font:15px/1.5 sans-serif;max-width:70em;margin:2em auto}"
            "table.a{border-collapse:collapse;margin-bottom:2em}table.a td{width:2.2em;height:1.6em;"
            "text-align:center;font-size:11px;border:1px solid #eee}table.a th{font-weight:normal;"
            "text-align:right;padding-right:.4em}th.c{vertical-align:bottom;height:7em}"
            "th.c div{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>Row: a word of the translation (and the end, &lt;/s&gt;); column: "
            "a source word; shade and number: the attention weight in percent while that word was written "
            "(rows sum to 100; blank under 5). Hover a cell for its weight.</p>\n"
            + "\n".join(parts) + "\n</body></html>\n")
