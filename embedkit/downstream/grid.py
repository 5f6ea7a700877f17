"""`compare`: the downstream grid (embeddings x cells x directions) in one resumable run.

Every cell of the grid is `runs.run_model` (several seeds, mean and spread); its
result is written to ``OUT/cells/<key>.json`` the moment it finishes, so a run that is stopped
and started again trains only what is missing. A cell file records the settings it was trained
with; when they differ from the ones asked for (other seeds, epochs, ...), the cell is trained
again rather than mixed into a table it does not belong to.

At the end `OUT` holds ``results.md``, ``results.csv``, ``results.json`` and ``results.png``
(accuracy with error bars, one group of bars per embedding), all written atomically.

Example:
    >>> from embedkit.downstream.grid import compare
    >>> report = compare("mr", ["random", "glove-6b-50d"], ["lstm"], out="report-mr")
    >>> print(report.markdown())
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..errors import EmbedkitError
from ..outputs import atomic_output, check_output, check_writable, write_error
from .bow import SPEC as BASELINE
from .report import CompareReport, plus_minus

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
            echo=None, allow_nonfinite: bool = False, spark_master: str | None = None,
            spark: bool = False) -> CompareReport:
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
        spark_master, spark: train the cells on Spark, each (cell, fold, seed) a task
            (`spark_grid`); a master implies `spark`. The report and cell files are the same.

    Raises:
        EmbedkitError: bad input; on Spark, cells whose tasks failed every attempt (named, after
            the other cells are saved).
    """
    from .config import ClassifierConfig
    from .runs import run_model
    from .datasets import load_classification
    from ..io.pretrained import resolve

    echo = echo or (lambda line: None)
    config = config or ClassifierConfig()
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise EmbedkitError("give at least one seed")
    todo = grid(list(embeddings), list(cells), bidirectional, tuple(tunings))
    if spark or spark_master is not None:
        from ..spark import check_ready

        check_ready(spark_master)
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

    def cell_config(cell: Cell):
        return replace(config, embeddings=cell.embeddings, cell=cell.cell or config.cell,
                       bidirectional=cell.bidirectional, freeze=None if not cell.tuning else cell.tuning == "frozen")

    def finish(n: int, cell: Cell, result: dict, attempts=None) -> None:
        """Write the cell's file as soon as it is trained, and say its score."""
        nonlocal said_truncated
        cut = result.get("truncated") or {}  # the same for every recurrent cell: said once
        if cut.get("texts") and not said_truncated:
            said_truncated = True
            echo(f"truncated: {cut['texts']:,} of {cut['of']:,} texts cut to their first "
                 f"{cut['max_len']:,} tokens (max_len)")
        row = done[cell] = _row(cell, result, seeds)
        stored = {"settings": settings, "row": row, **({"spark_tasks": attempts} if attempts else {})}
        with atomic_output(out / "cells" / f"{cell.key}.json") as tmp:
            tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        echo(f"[{n}/{len(todo)}] {cell.label}: {plus_minus(row['accuracy_mean'], row['accuracy_std'])}")

    pending = []
    for n, cell in enumerate(todo, 1):
        row = done[cell]
        if row is not None:
            echo(f"[{n}/{len(todo)}] {cell.label}: done before, {plus_minus(row['accuracy_mean'], row['accuracy_std'])}")
        else:
            pending.append((n, cell))
    if spark or spark_master is not None:
        from .spark_grid import run as run_on_spark

        failures = run_on_spark(pending, data, seeds, cv, cell_config, loaded, master=spark_master, echo=echo,
                                finish=finish, total=len(todo))
        if failures:
            raise EmbedkitError(f"{len(failures)} of {len(todo)} cells failed on Spark ({'; '.join(failures)}); "
                                f"the {len(todo) - len(failures)} others are in {out / 'cells'}: run again to retry")
    else:
        for n, cell in pending:
            what = "fitting (deterministic, one run)" if cell.embeddings == BASELINE else \
                f"training {len(seeds)} seed(s)" + (f" x {cv} folds" if cv else "")
            echo(f"[{n}/{len(todo)}] {cell.label}: {what}")
            finish(n, cell, run_model(data, cell_config(cell), seeds, cv=cv, vectors=loaded.get(cell.embeddings),
                                      progress=progress))
    report.rows.extend(done[cell] for cell in todo)
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
