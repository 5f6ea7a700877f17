"""`CompareReport`: the tables (Markdown, CSV, JSON), the conclusions and the chart of a compare grid.

One data set: one row per cell with accuracy, macro-F1, parameters, coverage and seconds per
epoch. Several: the layout of Kim (2014), Table 2 (a row per model, a column per data set), then
what each vector set was trained on and how many of each data set's training words it covers,
the published reference rows if asked for, and the one-data-set table of each. A mean from a
single run is printed without a spread, and no conclusion compares a gap with a spread that
does not exist.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from ..outputs import atomic_output

# how Kim (2014) heads the columns of the registry's sets
DISPLAY = {"mr": "MR", "sst5": "SST-1", "sst2": "SST-2", "subj": "Subj", "trec": "TREC", "cr": "CR", "mpqa": "MPQA"}


def display(name: str) -> str:
    return DISPLAY.get(name, name)


def runs_of(row: dict) -> int:
    """How many runs a row's mean is over (rows written before "runs" was recorded: their seeds)."""
    return int(row.get("runs") or len(row.get("seeds") or ()) or 1)


def plus_minus(mean, std, runs: int = 2) -> str:
    """"81.2 ± 0.4" in percent; the mean alone for a single run, which has no spread."""
    return f"{100 * mean:.1f}" if runs == 1 else f"{100 * mean:.1f} ± {100 * std:.1f}"


def _name(row: dict) -> str:
    """The embedding (and tuning) a row belongs to, as conclusions and chart groups call it."""
    if not row.get("cell"):
        return row["model"]
    return " ".join(p for p in (os.path.basename(row["embeddings"]), row.get("tuning")) if p)


@dataclass
class CompareReport:
    dataset: str                                          # title: the data set, or several joined by ", "
    seeds: list[int]
    rows: list[dict] = field(default_factory=list)        # one per cell (and data set), in grid order
    datasets: list[dict] = field(default_factory=list)    # {"name", "protocol", "chance", "train", "test"}
    vectors: list[dict] = field(default_factory=list)     # {"name", "trained_on", "coverage": {dataset: {...}}}
    published: list[dict] = field(default_factory=list)   # `published.published_rows`
    settings: dict = field(default_factory=dict)          # the shared training settings (chart title)

    COLUMNS = ("model", "embeddings", "tuning", "cell", "bidirectional", "accuracy_mean", "accuracy_std",
               "macro_f1_mean", "macro_f1_std", "parameters", "coverage", "seconds_per_epoch", "seeds",
               "dataset", "runs", "protocol", "seconds")

    # -- tables ---------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The data sets, in order."""
        if self.datasets:
            return [d["name"] for d in self.datasets]
        return list(dict.fromkeys(r.get("dataset") or self.dataset for r in self.rows)) or [self.dataset]

    def rows_of(self, name: str) -> list[dict]:
        return [r for r in self.rows if (r.get("dataset") or self.names()[0]) == name]

    def records(self) -> list[dict]:
        first, out = self.names()[0], []
        for row in self.rows:
            record = {name: row.get(name) for name in self.COLUMNS}
            record["dataset"], record["runs"] = row.get("dataset") or first, runs_of(row)
            out.append(record)
        return out

    def markdown(self) -> str:
        names = self.names()
        if len(names) == 1:
            lines = self._detail(names[0], title=True)
            lines += self._vectors_table(names) + self._published_table(names)
            return "\n".join(lines) + "\n"
        seeds = ", ".join(map(str, self.seeds))
        lines = [f"Test accuracy % on {', '.join(display(n) for n in names)}, mean ± std over runs "
                 f"(seeds {seeds}, times the folds of cross-validation)", ""]
        lines += self._kim_table(names)
        if self.datasets:
            lines += ["", "Evaluation: " + "; ".join(f"{display(d['name'])}: {d['protocol']}"
                                                      for d in self.datasets) + "."]
        lines += self._vectors_table(names) + self._published_table(names)
        lines += ["", "## Conclusions", ""] + [f"- {display(n)}: {self.conclusion(n)}" for n in names]
        for name in names:
            lines += ["", f"## {display(name)}", ""] + self._detail(name, title=False)
        return "\n".join(lines) + "\n"

    def _kim_table(self, names: list[str]) -> list[str]:
        models: dict[str, dict[str, dict]] = {}
        for r in self.rows:
            models.setdefault(r["model"], {})[r.get("dataset") or names[0]] = r
        lines = ["| model | " + " | ".join(display(n) for n in names) + " |",
                 "| --- |" + " ---: |" * len(names)]
        for model, by_set in models.items():
            cells = [plus_minus(by_set[n]["accuracy_mean"], by_set[n]["accuracy_std"], runs_of(by_set[n]))
                     if n in by_set else "" for n in names]
            lines.append(f"| {model} | " + " | ".join(cells) + " |")
        for p in self.published:
            cells = [f"*{100 * p['accuracy'][n]:.1f}*" if n in p["accuracy"] else "–" for n in names]
            lines.append(f"| *{p['model']}* | " + " | ".join(cells) + " |")
        return lines

    def _detail(self, name: str, title: bool) -> list[str]:
        rows = self.rows_of(name)
        lines = []
        if title:
            lines += [f"Test accuracy and macro-F1 on {name}, mean ± std over seeds "
                      f"{', '.join(map(str, self.seeds))}", ""]
        lines += ["| model | accuracy % | macro-F1 % | parameters | coverage | s/epoch |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            n = runs_of(r)
            cov = "" if r.get("coverage") is None else f"{100 * r['coverage']:.1f}%"
            spe = "" if r.get("seconds_per_epoch") is None else f"{r['seconds_per_epoch']:.1f}"
            params = "" if r.get("parameters") is None else f"{r['parameters']:,}"
            lines.append(f"| {r['model']} | {plus_minus(r['accuracy_mean'], r['accuracy_std'], n)} | "
                         f"{plus_minus(r['macro_f1_mean'], r['macro_f1_std'], n)} | {params} | {cov} | {spe} |")
        if any(not r.get("cell") for r in rows):
            lines += ["", "The baselines (bag of words, NBSVM, averaged vectors) are deterministic: one fit "
                          "per fold, so their spread comes from cross-validation folds only."]
        if any(runs_of(r) == 1 for r in rows):
            lines += ["", "A number without ± is a single run: it has no spread."]
        if title:
            lines += ["", self.conclusion(name)]
        return lines

    def _vectors_table(self, names: list[str]) -> list[str]:
        if not self.vectors:
            return []
        lines = ["", "Vectors: what they were trained on, and the share of each data set's distinct training "
                     "words they have (all texts under cross-validation, where every text is a training text "
                     "in all folds but one; the train split otherwise)", "",
                 "| vectors | trained on | " + " | ".join(f"coverage {display(n)}" for n in names) + " |",
                 "| --- | --- |" + " ---: |" * len(names)]
        for v in self.vectors:
            cov = [_coverage_cell(v["coverage"][n]) if n in v.get("coverage", {}) else "" for n in names]
            lines.append(f"| {v['name']} | {v['trained_on']} | " + " | ".join(cov) + " |")
        return lines

    def _published_table(self, names: list[str]) -> list[str]:
        if not self.published:
            return []
        lines = [""]
        if len(names) == 1:
            lines += ["Published (copied from the papers, not measured here):", ""]
            lines += [f"- {p['model']}: {100 * p['accuracy'][names[0]]:.1f}" for p in self.published
                      if names[0] in p["accuracy"]]
            lines.append("")
        else:
            lines += ["Rows in italics are published numbers, copied from the papers, not measured here; "
                      "– : the paper reports none."]
        cited = dict.fromkeys(p["citation"] for p in self.published)
        lines += [f"[{i}] {c}" + ("  " if i < len(cited) else "") for i, c in enumerate(cited, 1)]
        return lines

    def _repr_html_(self) -> str:
        """The table and the conclusion, for notebooks."""
        from ..display import html_table

        rows = [[r["model"], plus_minus(r["accuracy_mean"], r["accuracy_std"]),
                 plus_minus(r["macro_f1_mean"], r["macro_f1_std"]),
                 "" if r.get("parameters") is None else f"{r['parameters']:,}",
                 "" if r.get("coverage") is None else f"{100 * r['coverage']:.1f}%",
                 "" if r.get("seconds_per_epoch") is None else f"{r['seconds_per_epoch']:.1f}"] for r in self.rows]
        return html_table(rows, ["model", "accuracy %", "macro-F1 %", "parameters", "coverage", "s/epoch"],
                          caption=f"Test accuracy and macro-F1 on {self.dataset}, mean \u00b1 std over seeds "
                                  f"{', '.join(map(str, self.seeds))}",
                          notes=[self.conclusion()], align="lrrrrr")

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in self.records():
            writer.writerow({k: (" ".join(map(str, v)) if isinstance(v, list) else v) for k, v in record.items()})
        return buffer.getvalue()

    def conclusion(self, name: str | None = None) -> str:
        """The ordering of the embeddings on one data set (the first by default), computed from the
        best cell of each (never fixed text)."""
        best: dict[str, dict] = {}
        for r in self.rows_of(name or self.names()[0]):
            key = _name(r)
            if key not in best or r["accuracy_mean"] > best[key]["accuracy_mean"]:
                best[key] = r
        if not best:
            return "No cells were trained."
        order = sorted(best.items(), key=lambda item: item[1]["accuracy_mean"])
        chain = " < ".join(f"{key} ({100 * r['accuracy_mean']:.1f}%)" for key, r in order)
        sentence = f"Best cell per embedding, worst to best: {chain}."
        if len(order) > 1:
            (second_name, second), (top_name, top) = order[-2], order[-1]
            gap = top["accuracy_mean"] - second["accuracy_mean"]
            sentence += f" {top_name} leads {second_name} by {100 * gap:.1f} points"
            if runs_of(top) > 1 and runs_of(second) > 1:
                spread = max(top["accuracy_std"], second["accuracy_std"])
                verdict = "more than" if gap > spread else "within"
                sentence += f", {verdict} one standard deviation ({100 * spread:.1f})."
            else:
                singles = [k for k, r in ((top_name, top), (second_name, second)) if runs_of(r) == 1]
                verb = "is a single run" if len(singles) == 1 else "are single runs"
                sentence += f"; {' and '.join(singles)} {verb}, so there is no spread to weigh the gap against."
        return sentence

    # -- files ----------------------------------------------------------------------------

    def payload(self) -> dict:
        return {"dataset": self.dataset, "seeds": self.seeds, "rows": self.records(),
                "conclusion": self.conclusion(), "conclusions": {n: self.conclusion(n) for n in self.names()},
                "datasets": self.datasets, "vectors": self.vectors, "published": self.published,
                "settings": self.settings}

    def write(self, out) -> list[Path]:
        out = Path(out)
        written = []
        for name, text in (("results.md", self.markdown()), ("results.csv", self.csv()),
                           ("results.json", json.dumps(self.payload(), indent=2))):
            with atomic_output(out / name) as tmp:
                tmp.write_text(text, encoding="utf-8")
            written.append(out / name)
        with atomic_output(out / "results.png", suffix=".png") as tmp:
            from .chart import draw

            draw(self, tmp)
        written.append(out / "results.png")
        return written

    def title(self) -> str:
        """The chart's title: what was measured and, when a network is among the rows, its settings."""
        s = self.settings
        runs = f"{len(self.seeds)} seed{'s' if len(self.seeds) != 1 else ''}"
        protocols = sorted({d["protocol"] for d in self.datasets})
        folded = any("cross-validation" in p for p in protocols)
        spread = "± std over the folds" if len(self.seeds) == 1 and folded else f"mean ± std over {runs}"
        what = f"test accuracy, {spread}" + (f" ({'; '.join(protocols)})" if protocols else "")
        if s and any(r.get("cell") for r in self.rows):
            what += (f"\nhidden {s.get('hidden')}, {s.get('pooling')} pooling, dropout {s.get('dropout')}, "
                     f"lr {s.get('lr')}, at most {s.get('epochs')} epochs, patience {s.get('patience')}, "
                     f"batch {s.get('batch_size')}")
        return f"{', '.join(display(n) for n in self.names())}: {what}"


def _coverage_cell(coverage: dict) -> str:
    """"91.0% of 17,819", with "(1,234 composed)" for vectors with subwords."""
    cell = f"{100 * coverage['fraction']:.1f}% of {coverage['vocab']:,}"
    return cell + (f" ({coverage['composed']:,} composed)" if coverage.get("composed") else "")
