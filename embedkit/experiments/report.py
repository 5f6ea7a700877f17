"""What every experiment writes: ``report.md``, ``results.csv``, ``results.json`` and ``plot.png``.

A `Report` holds the measured rows (one dict per row, the same keys), the one-sentence conclusion
(computed by the experiment from those rows, never fixed text), optional extra tables and notes,
a function that draws the figure (and any further figures), and the rows of every single run.

Runs over several seeds are summarised by `aggregate`: a column ``x`` holds the mean over the
seeds and ``x ±`` beside it the sample standard deviation; tables show the pair as one cell,
``0.950 ± 0.010``. `clearly` is the rule every conclusion follows: a difference is claimed only
when it is larger than the two spreads together. `write` puts everything into a temporary folder beside the
output and renames it into place only when all files are written, so an interrupted run leaves the
previous output (or nothing), never half of one.

Example:
    >>> r = Report("demo", "A demo", [{"k": 5, "acc": 0.9}], "acc was 90% at k=5.")
    >>> print(format_table(r.rows))
    k    acc
    5  0.900
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import display
from ..outputs import atomic_output


@dataclass
class Table:
    """A titled table: rows are dicts with the same keys (the columns, in order)."""

    title: str
    rows: list[dict]


@dataclass
class Report:
    """One experiment's result."""

    name: str                       # file-safe name: "length", "cells", ...
    title: str                      # heading of report.md
    rows: list[dict]                # the main table (written to results.csv)
    conclusion: str                 # one sentence computed from the numbers
    extra: list[Table] = field(default_factory=list)   # further tables (in report.md and JSON)
    notes: list[str] = field(default_factory=list)     # paragraphs of report.md (setup, caveats)
    config: dict = field(default_factory=dict)         # what was run: seed, sizes, dataset
    draw: Callable | None = None    # draw(fig) fills a matplotlib Figure
    files: dict[str, str] = field(default_factory=dict)  # extra files: name -> text (HTML pages)
    figures: dict[str, tuple] = field(default_factory=dict)  # extra PNGs: name -> (draw, (width, height) inches)
    runs: list[dict] = field(default_factory=list)     # one row per single run (seed), in results.json

    def _repr_html_(self) -> str:
        """The tables and the conclusion, for notebooks."""
        parts = [_html(self.rows, self.title)] + [_html(table.rows, table.title) for table in self.extra]
        return "".join(parts) + display.html_table([], [], notes=["Result: " + self.conclusion])


def _html(rows: list[dict], title: str) -> str:
    if not rows:
        return display.html_table([], [], caption=title, notes=["(no rows)"])
    columns = list(rows[0])
    numeric = [all(isinstance(row.get(c), (int, float)) for row in rows) for c in columns]
    return display.html_table([[_cell(row.get(c, "")) for c in columns] for row in rows], columns, caption=title,
                              align="".join("r" if n else "l" for n in numeric))


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:.2e}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


SPREAD = " ±"  # the suffix of a column holding the standard deviation of the column before it


def _value(row: dict, column: str) -> str:
    text = _cell(row.get(column, ""))
    spread = row.get(column + SPREAD)
    if isinstance(spread, float) and not math.isnan(spread):
        text += f" ± {_cell(spread)}"
    return text


def format_table(rows: list[dict], markdown: bool = False) -> str:
    """Rows as an aligned text table (`display.format_table`; numbers right-aligned), or as a
    Markdown table. A column ``x ±`` is shown inside ``x``'s cells: ``0.950 ± 0.010``."""
    if not rows:
        return "(no rows)"
    columns = [c for c in rows[0] if not (c.endswith(SPREAD) and c[:-len(SPREAD)] in rows[0])]
    cells = [[_value(row, c) for c in columns] for row in rows]
    numeric = [all(isinstance(row.get(c), (int, float)) for row in rows) for c in columns]
    if markdown:
        lines = ["| " + " | ".join(columns) + " |",
                 "| " + " | ".join("---:" if n else "---" for n in numeric) + " |"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in cells]
        return "\n".join(lines)
    return display.format_table(cells, columns, align="".join("r" if n else "l" for n in numeric))


def markdown(report: Report, image: str | None = "plot.png") -> str:
    """The text of report.md."""
    parts = [f"# {report.title}", ""]
    parts += [note + "\n" for note in report.notes]
    parts += [format_table(report.rows, markdown=True), ""]
    for table in report.extra:
        parts += [f"## {table.title}", "", format_table(table.rows, markdown=True), ""]
    if image:
        parts += [f"![{report.title}]({image})", ""]
    for name in report.figures:
        parts += [f"![{name}]({name})", ""]
    if report.config:
        settings = ", ".join(f"{k}={v}" for k, v in report.config.items())
        parts += [f"Settings: {settings}.", ""]
    parts += ["**Result:** " + report.conclusion, ""]
    return "\n".join(parts)


def _json_safe(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write(report: Report, folder) -> Path:
    """Write report.md, results.csv, results.json and plot.png (if `draw`) into `folder`, atomically.

    Missing folders above `folder` are created. An existing `folder` is replaced only when it is
    empty or an experiment report (`fsutil.check_output`).

    Raises:
        EmbedkitError: `folder` is a file or a folder of something else; writing fails.
    """
    folder = Path(folder)
    with atomic_output(folder, folder="experiment", parents=True) as tmp:
        tmp.mkdir()
        (tmp / "report.md").write_text(markdown(report, "plot.png" if report.draw else None), encoding="utf-8")
        with open(tmp / "results.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(report.rows[0]) if report.rows else [])
            writer.writeheader()
            writer.writerows(report.rows)
        payload = {"name": report.name, "title": report.title, "conclusion": report.conclusion,
                   "config": report.config, "rows": report.rows,
                   "tables": {t.title: t.rows for t in report.extra}, "runs": report.runs}
        (tmp / "results.json").write_text(json.dumps(_json_safe(payload), indent=1) + "\n", encoding="utf-8")
        pictures = dict(report.figures)
        if report.draw is not None:
            pictures["plot.png"] = (report.draw, (10, 4.2))
        for name, (draw, size) in pictures.items():
            figure_of(draw, size).savefig(tmp / name)
        for name, text in report.files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    return folder


def chance_level(labels) -> float:
    """The accuracy of always answering the most frequent label: what a model must beat.

    Example:
        >>> chance_level(["pos", "neg", "pos", "pos"])
        0.75
    """
    labels = list(labels)
    if not labels:
        return 0.0
    return max(labels.count(label) for label in set(labels)) / len(labels)


def accuracy_axis(ax, chance: float, values=(), *, legend_label: bool = True) -> None:
    """Set `ax`'s y axis for accuracies: from a little below chance (or below the lowest value) up to
    100%, with chance drawn as a dotted line, so that a few points of noise around chance look as
    small as they are instead of filling the plot."""
    values = [v for v in values if v == v]  # NaN (no sentence in a bucket) left out
    low = min([chance, *values]) - 0.08
    ax.set_ylim(max(0.0, math.floor(low * 20) / 20), 1.02)
    ax.axhline(chance, color="grey", linestyle=":", label=f"chance ({100 * chance:.0f}%)" if legend_label else None)


def figure_of(draw: Callable, size: tuple = (10, 4.2)):
    """A matplotlib Figure of `size` inches at 100 dpi (constrained layout), filled by `draw(fig)`:
    how `write` draws every picture of a report."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100, layout="constrained")
    draw(fig)
    return fig


def percent(x: float) -> str:
    """0.953 -> '95%' (one decimal under 10%)."""
    return f"{100 * x:.0f}%" if abs(x) >= 0.1 else f"{100 * x:.1f}%"


def aggregate(runs: list[dict], keys: list[str], metrics: list[str]) -> list[dict]:
    """One row per distinct value of `keys` (in order of first appearance): the keys, "seeds" (the
    number of runs), and per metric its mean and, in ``metric ±``, the sample standard deviation
    (0.0 for a single run). NaN values (a bucket a run did not fill) are left out of both.

    Example:
        >>> aggregate([{"cell": "rnn", "acc": 0.6}, {"cell": "rnn", "acc": 0.8}], ["cell"], ["acc"])
        [{'cell': 'rnn', 'seeds': 2, 'acc': 0.7, 'acc ±': 0.14142135623730945}]
    """
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault(tuple(run[k] for k in keys), []).append(run)
    rows = []
    for key, members in groups.items():
        row = dict(zip(keys, key))
        row["seeds"] = len(members)
        for m in metrics:
            values = [float(r[m]) for r in members if r.get(m) is not None and not math.isnan(float(r[m]))]
            row[m] = sum(values) / len(values) if values else float("nan")
            if len(values) > 1:
                mean = row[m]
                row[m + SPREAD] = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
            else:
                row[m + SPREAD] = 0.0 if values else float("nan")
        rows.append(row)
    return rows


def spread(row: dict, metric: str) -> float:
    """The standard deviation beside `metric` in an aggregated row (0.0 when there is none)."""
    value = row.get(metric + SPREAD, 0.0)
    return 0.0 if value is None or math.isnan(value) else float(value)


def clearly(a: dict, b: dict, metric: str) -> int:
    """+1 when `a`'s mean `metric` is above `b`'s by more than their two spreads together, -1 when
    below by more, 0 when the difference is within the spread (or either mean is missing)."""
    x, y = a.get(metric), b.get(metric)
    if x is None or y is None or math.isnan(x) or math.isnan(y):
        return 0
    margin = spread(a, metric) + spread(b, metric)
    return 1 if x - y > margin else -1 if y - x > margin else 0


def pm(row: dict, metric: str, show=None) -> str:
    """'95% ± 2%' (`percent` by default) for an aggregated row; just '95%' when the spread is 0."""
    show = show or percent
    s = spread(row, metric)
    return show(row[metric]) + (f" ± {show(s)}" if s > 0 else "")


def seeds_note(seeds) -> str:
    """'Mean ± standard deviation over 3 seeds (1, 2, 3).' or the one-seed caveat."""
    seeds = list(seeds)
    if len(seeds) == 1:
        return (f"One seed ({seeds[0]}): no spread was measured, so every difference below is a single "
                "run's (use --seeds 3 or more).")
    return (f"Mean ± sample standard deviation over {len(seeds)} seeds ({', '.join(map(str, seeds))}); a "
            "difference is claimed only when it is larger than the two spreads together.")
