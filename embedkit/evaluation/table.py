"""The result table of an evaluation: one `Score` per cell, printed, or exported as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field


@dataclass
class Score:
    """One cell of the table: a benchmark scored on one set of vectors."""

    value: float                  # Spearman rho, or accuracy in [0, 1]; nan when nothing was covered
    covered: int                  # pairs / questions whose words are all known
    total: int                    # pairs / questions in the benchmark
    correct: int | None = None    # analogies: questions answered right
    note: str | None = None
    sections: dict[str, dict] | None = None  # analogies: per-section counts
    composed: int | None = None   # vectors with subwords: covered pairs with a composed word

    def to_dict(self) -> dict:
        out = {"value": None if math.isnan(self.value) else self.value, "covered": self.covered,
               "total": self.total}
        for key in ("correct", "note", "sections", "composed"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass
class Row:
    """A benchmark (or a part of one, such as Google's semantic sections) across all columns."""

    benchmark: str
    kind: str                     # "similarity" | "analogy"
    metric: str                   # "spearman" | "accuracy"
    source: str                   # the file it was read from
    scores: list[Score] = field(default_factory=list)


class EvaluationResult:
    """Scores of several vectors on several benchmarks: prints as a table, exports JSON and CSV.

    Attributes:
        columns: the vectors' names, one column each.
        rows: one `Row` per benchmark (Google analogies: semantic, syntactic, total).
        settings: restrict, oov, method, case_insensitive.
        notes: what was left out and why.
    """

    def __init__(self, columns: list[str], rows: list[Row], settings: dict, notes: list[str]):
        self.columns, self.rows, self.settings, self.notes = columns, rows, settings, notes

    def score(self, benchmark: str, column: str | int = 0) -> Score:
        """The cell for `benchmark` (a row label, e.g. 'ws353' or 'google: total') and `column`."""
        j = column if isinstance(column, int) else self.columns.index(column)
        for row in self.rows:
            if row.benchmark == benchmark:
                return row.scores[j]
        raise KeyError(f"no benchmark {benchmark!r}; rows: {', '.join(r.benchmark for r in self.rows)}")

    def to_dict(self) -> dict:
        return {"columns": self.columns, "settings": self.settings,
                "rows": [{"benchmark": r.benchmark, "kind": r.kind, "metric": r.metric, "source": r.source,
                          "scores": {c: s.to_dict() for c, s in zip(self.columns, r.scores)}}
                         for r in self.rows],
                "notes": self.notes}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_csv(self) -> str:
        """One line per cell: benchmark, kind, metric, vectors, value, covered, total, correct, note."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["benchmark", "kind", "metric", "vectors", "value", "covered", "total", "correct", "note"])
        for r in self.rows:
            for column, s in zip(self.columns, r.scores):
                value = "" if math.isnan(s.value) else f"{s.value:.6f}"
                writer.writerow([r.benchmark, r.kind, r.metric, column, value, s.covered, s.total,
                                 "" if s.correct is None else s.correct, s.note or ""])
        return out.getvalue()

    def __str__(self) -> str:
        marks: dict[str, str] = {}
        table = [["benchmark", "metric", *self.columns]]
        for r in self.rows:
            cells = []
            for s in r.scores:
                mark = marks.setdefault(s.note, "*" * (len(marks) + 1)) if s.note else ""
                value = "n/a" if math.isnan(s.value) else f"{s.value:.3f}"
                made = f", {s.composed} composed" if s.composed else ""
                cells.append(f"{value}{mark} ({s.covered}/{s.total}{made})")
            table.append([r.benchmark, r.metric, *cells])
        widths = [max(len(row[j]) for row in table) for j in range(len(table[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
        lines += [f"{mark} {note}" for note, mark in marks.items()]
        lines.append(self._legend())
        lines += self.notes
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The table for notebooks: a row per benchmark, a column per vectors, coverage beside each score."""
        from ..display import html_table

        marks: dict[str, str] = {}
        rows = []
        for r in self.rows:
            cells = []
            for s in r.scores:
                mark = marks.setdefault(s.note, "*" * (len(marks) + 1)) if s.note else ""
                cells.append(f"{'n/a' if math.isnan(s.value) else f'{s.value:.3f}'}{mark} ({s.covered}/{s.total})")
            rows.append([r.benchmark, r.metric, *cells])
        notes = [f"{mark} {note}" for note, mark in marks.items()] + self._legend().split("\n") + self.notes
        return html_table(rows, ["benchmark", "metric", *self.columns], notes=notes,
                          align="ll" + "r" * len(self.columns))

    def __repr__(self) -> str:
        return f"EvaluationResult({len(self.rows)} benchmarks x {len(self.columns)} vectors)"

    def _legend(self) -> str:
        s = self.settings
        policy = ("left out (gensim's default)" if s["oov"] == "skip"
                  else "scored as cosine 0 / wrong (gensim's dummy4unknown)")
        method = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}[s["method"]]
        among = f"the {s['restrict']:,} most frequent words" if s["restrict"] else "the whole vocabulary"
        case = "case-insensitively, as gensim does" if s["case_insensitive"] else "case-sensitively"
        analogies = f"Analogies: {method} among {among}. " if any(r.kind == "analogy" for r in self.rows) else ""
        composed = ("\n(..., N composed): N of the covered pairs have a word outside the vocabulary, its vector "
                    "composed from its character n-grams (subwords)."
                    if any(s.composed for r in self.rows for s in r.scores) else "")
        return (f"(covered/total): pairs or questions whose words are all known; the others are {policy}.\n"
                f"{analogies}Words matched {case}.{composed}")
