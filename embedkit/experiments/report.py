"""What every experiment writes: ``report.md``, ``results.csv``, ``results.json`` and ``plot.png``.

A `Report` holds the measured rows (one dict per row, the same keys), the one-sentence conclusion
(computed by the experiment from those rows, never fixed text), optional extra tables and notes,
and a function that draws the figure. `write` puts everything into a temporary folder beside the
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


def format_table(rows: list[dict], markdown: bool = False) -> str:
    """Rows as an aligned text table (`display.format_table`; numbers right-aligned), or as a
    Markdown table."""
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[_cell(row.get(c, "")) for c in columns] for row in rows]
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
                   "tables": {t.title: t.rows for t in report.extra}}
        (tmp / "results.json").write_text(json.dumps(_json_safe(payload), indent=1) + "\n", encoding="utf-8")
        fig = figure_of(report)
        if fig is not None:
            fig.savefig(tmp / "plot.png")
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


def figure_of(report: Report):
    """The report's matplotlib Figure (10 x 4.2 inches at 100 dpi, constrained layout), drawn by
    `report.draw`; None when the report has no picture."""
    if report.draw is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), dpi=100, layout="constrained")
    report.draw(fig)
    return fig


def percent(x: float) -> str:
    """0.953 -> '95%' (one decimal under 10%)."""
    return f"{100 * x:.0f}%" if abs(x) >= 0.1 else f"{100 * x:.1f}%"
