"""`CompareReport`: the table (Markdown, CSV, JSON), the conclusion and the chart of a compare grid."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from ..outputs import atomic_output
from .bow import SPEC as BASELINE


@dataclass
class CompareReport:
    dataset: str
    seeds: list[int]
    rows: list[dict] = field(default_factory=list)   # one per cell, in grid order

    # -- tables ---------------------------------------------------------------------------

    COLUMNS = ("model", "embeddings", "tuning", "cell", "bidirectional", "accuracy_mean", "accuracy_std",
               "macro_f1_mean", "macro_f1_std", "parameters", "coverage", "seconds_per_epoch", "seeds")

    def records(self) -> list[dict]:
        return [{name: row.get(name) for name in self.COLUMNS} for row in self.rows]

    def markdown(self) -> str:
        lines = [f"Test accuracy and macro-F1 on {self.dataset}, mean ± std over seeds "
                 f"{', '.join(map(str, self.seeds))}", "",
                 "| model | accuracy % | macro-F1 % | parameters | coverage | s/epoch |",
                 "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in self.rows:
            cov = "" if r.get("coverage") is None else f"{100 * r['coverage']:.1f}%"
            spe = "" if r.get("seconds_per_epoch") is None else f"{r['seconds_per_epoch']:.1f}"
            params = "" if r.get("parameters") is None else f"{r['parameters']:,}"
            lines.append(f"| {r['model']} | {plus_minus(r['accuracy_mean'], r['accuracy_std'])} | "
                         f"{plus_minus(r['macro_f1_mean'], r['macro_f1_std'])} | {params} | {cov} | {spe} |")
        if any(r["embeddings"] == BASELINE for r in self.rows):
            lines += ["", "The bag-of-words baseline is deterministic: one fit per fold, so its spread "
                          "comes from cross-validation folds only."]
        lines += ["", self.conclusion()]
        return "\n".join(lines) + "\n"

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

    def conclusion(self) -> str:
        """The ordering of the embeddings, computed from the best cell of each (never fixed text)."""
        best: dict[str, dict] = {}
        for r in self.rows:
            name = r["embeddings"] if not r["tuning"] else f"{os.path.basename(r['embeddings'])} {r['tuning']}"
            if name not in best or r["accuracy_mean"] > best[name]["accuracy_mean"]:
                best[name] = r
        if not best:
            return "No cells were trained."
        order = sorted(best.items(), key=lambda item: item[1]["accuracy_mean"])
        chain = " < ".join(f"{name} ({100 * r['accuracy_mean']:.1f}%)" for name, r in order)
        top_name, top = order[-1]
        sentence = f"Best cell per embedding, worst to best: {chain}."
        if len(order) > 1:
            second_name, second = order[-2]
            gap = top["accuracy_mean"] - second["accuracy_mean"]
            spread = max(top["accuracy_std"], second["accuracy_std"])
            verdict = "more than" if gap > spread else "within"
            sentence += (f" {top_name} leads {second_name} by {100 * gap:.1f} points, {verdict} one "
                         f"standard deviation ({100 * spread:.1f}).")
        return sentence

    # -- files ----------------------------------------------------------------------------

    def write(self, out) -> list[Path]:
        out = Path(out)
        written = []
        for name, text in (("results.md", self.markdown()), ("results.csv", self.csv()),
                           ("results.json", json.dumps({"dataset": self.dataset, "seeds": self.seeds,
                                                        "rows": self.records(),
                                                        "conclusion": self.conclusion()}, indent=2))):
            with atomic_output(out / name) as tmp:
                tmp.write_text(text, encoding="utf-8")
            written.append(out / name)
        with atomic_output(out / "results.png", suffix=".png") as tmp:
            self.chart(tmp)
        written.append(out / "results.png")
        return written

    def chart(self, path) -> None:
        """Grouped bars: one group per embedding (and tuning), one bar per cell, std as error bars."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        groups: dict[str, list[dict]] = {}
        for r in self.rows:
            name = "BoW logreg" if r["embeddings"] == BASELINE else \
                " ".join(p for p in (os.path.basename(r["embeddings"]), r["tuning"]) if p)
            groups.setdefault(name, []).append(r)
        variants = list(dict.fromkeys(_variant(r) for r in self.rows))
        width = 0.8 / max(1, len(variants))
        fig, ax = plt.subplots(figsize=(min(14.0, max(6.0, 1.7 * len(groups) + 1.5)), 4.5))
        colours = plt.get_cmap("tab10")
        placed: dict[str, tuple[list, list, list]] = {v: ([], [], []) for v in variants}
        for i, rows in enumerate(groups.values()):
            present = [v for v in variants if any(_variant(r) == v for r in rows)]
            for r in rows:  # the group's bars centred on its tick, whichever variants it has
                k = present.index(_variant(r))
                xs, ys, es = placed[_variant(r)]
                xs.append(i + (k - (len(present) - 1) / 2) * width)
                ys.append(100 * r["accuracy_mean"])
                es.append(100 * r["accuracy_std"])
        for j, (variant, (xs, ys, es)) in enumerate(placed.items()):
            bars = ax.bar(xs, ys, width * 0.95, yerr=es, capsize=3, label=variant, color=colours(j % 10))
            ax.bar_label(bars, labels=[f"{y:.1f}" for y in ys], fontsize=7, padding=2)
        ax.set_xticks(range(len(groups)), list(groups), rotation=15, ha="right")
        accs = [100 * r["accuracy_mean"] for r in self.rows]
        low = max(0.0, math.floor(min(accs) / 5) * 5 - 5) if accs else 0
        top = min(100.0, max(accs) + 8) if accs else 100
        ax.set_ylim(low, top)
        ax.set_ylabel("test accuracy % (mean ± std)")
        ax.set_title(f"{self.dataset}: {len(self.seeds)} seed(s) per bar")
        ax.legend(fontsize=8, loc="upper left", ncol=len(variants), frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=120, format="png")
        plt.close(fig)


def _variant(row: dict) -> str:
    if row["embeddings"] == BASELINE:
        return "bag of words"
    return f"{'Bi' if row['bidirectional'] else ''}{row['cell'].upper()}"


def plus_minus(mean, std) -> str:
    return f"{100 * mean:.1f} ± {100 * std:.1f}"
