"""`compare`: the downstream grid (embeddings x cells x directions) in one resumable run.

Every cell of the grid is `embedkit.classify.run_seeds` (several seeds, mean and spread); its
result is written to ``OUT/cells/<key>.json`` the moment it finishes, so a run that is stopped
and started again trains only what is missing. A cell file records the settings it was trained
with; when they differ from the ones asked for (other seeds, epochs, ...), the cell is trained
again rather than mixed into a table it does not belong to.

At the end `OUT` holds ``results.md``, ``results.csv``, ``results.json`` and ``results.png``
(accuracy with error bars, one group of bars per embedding), all written atomically.

Example:
    >>> from embedkit.compare import compare
    >>> report = compare("mr", ["random", "glove-6b-50d"], ["lstm"], out="report-mr")
    >>> print(report.markdown())
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .errors import EmbedkitError
from .fsutil import atomic_output, check_output, check_writable, write_error

BASELINE = "bow"             # the bag-of-words logistic regression, no recurrence
PLAIN = ("onehot", "random")  # embeddings that are not read from vectors
TUNINGS = ("frozen", "finetuned")
DIRECTIONS = {"no": (False,), "yes": (True,), "both": (False, True)}


@dataclass(frozen=True)
class Cell:
    """One configuration of the grid."""

    embeddings: str
    tuning: str          # "frozen" | "finetuned" | "" (onehot: always frozen; random: always trained; bow)
    cell: str            # rnn | lstm | gru | "" for bow
    bidirectional: bool

    @property
    def key(self) -> str:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", os.path.basename(self.embeddings))
        parts = [name, self.tuning, self.cell, "bi" if self.bidirectional else ""]
        return "-".join(p for p in parts if p)

    @property
    def label(self) -> str:
        if self.embeddings == BASELINE:
            return "bag-of-words logistic regression"
        name = os.path.basename(self.embeddings)
        tuning = f" {self.tuning}" if self.tuning else ""
        return f"{'Bi' if self.bidirectional else ''}{self.cell.upper()} {name}{tuning}"


def grid(embeddings, cells, bidirectional: str = "no", tunings=TUNINGS) -> list[Cell]:
    """The cells to train, in table order: embeddings outermost, then tuning, cell, direction.

    `onehot` is frozen by definition and `random` is always trained, so only vectors files and
    pretrained names are crossed with `tunings`; `bow` is one cell with no recurrence.
    """
    if bidirectional not in DIRECTIONS:
        raise EmbedkitError(f"bidirectional must be one of {', '.join(DIRECTIONS)}, got {bidirectional!r}")
    unknown = sorted(set(tunings) - set(TUNINGS))
    if unknown or not tunings:
        raise EmbedkitError(f"tunings must be among {', '.join(TUNINGS)}, got {', '.join(tunings) or 'none'}")
    known_cells = ("rnn", "lstm", "gru")
    for c in cells:
        if c not in known_cells:
            raise EmbedkitError(f"unknown cell {c!r}; expected one of {', '.join(known_cells)}")
    out = []
    for spec in embeddings:
        if spec == BASELINE:
            out.append(Cell(BASELINE, "", "", False))
            continue
        for tuning in ([""] if spec in PLAIN else tunings):
            for c in cells:
                for bi in DIRECTIONS[bidirectional]:
                    out.append(Cell(spec, tuning, c, bi))
    if len({c.key for c in out}) != len(out):
        raise EmbedkitError("two embeddings in the grid have the same file name; rename one")
    return out


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
            lines.append(f"| {r['model']} | {_pm(r['accuracy_mean'], r['accuracy_std'])} | "
                         f"{_pm(r['macro_f1_mean'], r['macro_f1_std'])} | {params} | {cov} | {spe} |")
        if any(r["embeddings"] == BASELINE for r in self.rows):
            lines += ["", "The bag-of-words baseline is deterministic: one fit per fold, so its spread "
                          "comes from cross-validation folds only."]
        lines += ["", self.conclusion()]
        return "\n".join(lines) + "\n"

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


def _pm(mean, std) -> str:
    return f"{100 * mean:.1f} ± {100 * std:.1f}"


def _settings(config, seeds, cv) -> dict:
    """What a cell file must match to be reused: every training setting but the grid's own."""
    settings = asdict(config)
    for name in ("embeddings", "freeze", "cell", "bidirectional", "device", "seed"):
        settings.pop(name, None)
    settings["seeds"] = list(seeds)
    settings["cv"] = cv
    return settings


def compare(dataset, embeddings, cells=("lstm",), *, out, bidirectional: str = "no", tunings=TUNINGS,
            seeds=(1, 2, 3), cv: int | None = None, config=None, mirror=None, progress: bool = True,
            echo=None, allow_nonfinite: bool = False) -> CompareReport:
    """Train every cell of the grid that `out` does not hold yet, then write the tables and chart.

    Args:
        dataset: a registry name (`mr`, `sst2`, ...) or a labelled file/folder (`load_classification`).
        embeddings: specs as `classify` takes them (`onehot`, `random`, a vectors file, a pretrained
            name) plus `bow`, the bag-of-words logistic regression baseline.
        cells: recurrent cells, among rnn, lstm, gru.
        out: report folder; created if missing; `out/cells/*.json` make the run resumable. An
            existing folder must be empty or a compare report (`fsutil.check_output`).
        bidirectional: "no", "yes" or "both" (each cell trained both ways).
        tunings: for vectors files and pretrained names: "frozen", "finetuned" or both.
        seeds: one training run per seed (and per fold); the table shows their mean and spread.
        cv: K-fold cross-validation instead of the fixed seeded split (datasets without a test split).
        config: a `ClassifierConfig` with the shared settings (epochs, hidden size, ...).
        echo: called with a line of text as each cell starts, is reused, or finishes.
        allow_nonfinite: read vectors files holding NaN or infinity as zero vectors (`io.load`).
    """
    from . import bow, classify
    from .datasets import load_classification
    from .pretrained import resolve

    echo = echo or (lambda line: None)
    config = config or classify.ClassifierConfig()
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise EmbedkitError("give at least one seed")
    todo = grid(list(embeddings), list(cells), bidirectional, tuple(tunings))
    out = check_output(out, folder="compare", parents=True)
    for inside in (out, out / "cells"):  # a report that is resumed is written in place
        if inside.is_dir():
            check_writable(inside)
    # every input is read before anything is created: bad data or vectors leave no folder behind
    data = load_classification(dataset, mirror=mirror)
    settings = _settings(config, seeds, cv)
    done = {cell: _reuse(out / "cells" / f"{cell.key}.json", settings) for cell in todo}
    needed = dict.fromkeys(cell.embeddings for cell in todo
                           if done[cell] is None and cell.embeddings not in (*PLAIN, BASELINE))
    loaded = {spec: resolve(spec, allow_nonfinite=allow_nonfinite) for spec in needed}
    try:
        (out / "cells").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(out / "cells", error) from None
    report = CompareReport(data.name + (f" ({cv}-fold cross-validation)" if cv else ""), seeds)
    said_truncated = False
    for n, cell in enumerate(todo, 1):
        path = out / "cells" / f"{cell.key}.json"
        row = done[cell]
        if row is not None:
            echo(f"[{n}/{len(todo)}] {cell.label}: done before, {_pm(row['accuracy_mean'], row['accuracy_std'])}")
        else:
            what = "fitting (deterministic, one run)" if cell.embeddings == BASELINE else \
                f"training {len(seeds)} seed(s)" + (f" x {cv} folds" if cv else "")
            echo(f"[{n}/{len(todo)}] {cell.label}: {what}")
            if cell.embeddings == BASELINE:
                result = bow.run_bow(data, cv=cv)
            else:
                vectors = loaded.get(cell.embeddings)
                cell_config = replace(config, embeddings=cell.embeddings, cell=cell.cell,
                                      bidirectional=cell.bidirectional,
                                      freeze=None if not cell.tuning else cell.tuning == "frozen")
                result = classify.run_seeds(data, cell_config, seeds, vectors=vectors, progress=progress, cv=cv)
                cut = result.get("truncated") or {}
                if cut.get("texts") and not said_truncated:  # the same for every recurrent cell: said once
                    said_truncated = True
                    echo(f"truncated: {cut['texts']:,} of {cut['of']:,} texts cut to their first "
                         f"{cut['max_len']:,} tokens (max_len)")
            row = _row(cell, result, seeds)
            with atomic_output(path) as tmp:
                tmp.write_text(json.dumps({"settings": settings, "row": row}, indent=2), encoding="utf-8")
            echo(f"[{n}/{len(todo)}] {cell.label}: {_pm(row['accuracy_mean'], row['accuracy_std'])}")
        report.rows.append(row)
    report.write(out)
    return report


def _row(cell: Cell, result: dict, seeds) -> dict:
    coverage = result.get("coverage")
    if isinstance(coverage, dict):
        coverage = coverage.get("fraction")
    return {"model": cell.label, "embeddings": cell.embeddings, "tuning": cell.tuning, "cell": cell.cell,
            "bidirectional": cell.bidirectional,
            "accuracy_mean": float(result["accuracy_mean"]), "accuracy_std": float(result["accuracy_std"]),
            "macro_f1_mean": float(result["macro_f1_mean"]), "macro_f1_std": float(result["macro_f1_std"]),
            "parameters": result.get("parameters"), "coverage": coverage,
            "seconds_per_epoch": result.get("seconds_per_epoch"), "seeds": list(seeds)}


def _reuse(path: Path, settings: dict) -> dict | None:
    """The row stored in `path` if it was trained with `settings`; None if absent, stale or unreadable."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("settings") != settings or "row" not in stored:
        return None
    return stored["row"]
