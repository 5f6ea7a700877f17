"""`compare`: the downstream grid (data sets x embeddings x cells x directions) in one resumable run.

Every cell of the grid is `runs.run_model` (several seeds, mean and spread) on one data set; its
result is written to ``OUT/cells/<data set>__<key>.json`` the moment it finishes, so a run that is
stopped and started again trains only what is missing, and several invocations (one data set or
a few embeddings each) can fill one report folder. A cell file records the settings it was
trained with; when they differ from the ones asked for (other seeds, epochs, ...), the cell is
trained again rather than mixed into a table it does not belong to.

Evaluation (`cv`): "kim" evaluates as Kim (2014) did: 10-fold cross-validation for the sets with
no standard test split (MR, SUBJ, CR, MPQA), the standard split otherwise (SST, TREC); an integer
K: K folds for every set; None: the fixed seeded split (`splits.split_data`).

At the end `OUT` holds ``results.md``, ``results.csv``, ``results.json`` and ``results.png``,
all written atomically (`report.CompareReport`).

Example:
    >>> from embedkit.downstream.grid import compare
    >>> report = compare(["mr", "cr"], ["random", "glove-6b-50d", "nbsvm"], ["lstm"], out="report")
    >>> print(report.markdown())
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..errors import EmbedkitError
from ..outputs import atomic_output, check_output, check_writable, write_error
from . import estimate
from .report import CompareReport, plus_minus
from .runs import is_baseline, label as baseline_label, vectors_source

PLAIN = ("onehot", "random")  # embeddings that are not read from vectors
TUNINGS = ("frozen", "finetuned")
DIRECTIONS = {"no": (False,), "yes": (True,), "both": (False, True)}
KIM_FOLDS = 10


@dataclass(frozen=True)
class Cell:
    """One configuration of the grid."""

    embeddings: str
    tuning: str          # "frozen" | "finetuned" | "" (onehot: always frozen; random: always trained; baselines)
    cell: str            # rnn | lstm | gru | "" for a baseline
    bidirectional: bool

    @property
    def key(self) -> str:
        source = vectors_source(self.embeddings)
        name = os.path.basename(source) if source else self.embeddings
        if is_baseline(self.embeddings) and source:
            name = f"avg-{name}"
        parts = [re.sub(r"[^A-Za-z0-9_.-]+", "_", name), self.tuning, self.cell, "bi" if self.bidirectional else ""]
        return "-".join(p for p in parts if p)

    @property
    def label(self) -> str:
        if is_baseline(self.embeddings):
            return baseline_label(self.embeddings)
        name = os.path.basename(self.embeddings)
        tuning = f" {self.tuning}" if self.tuning else ""
        return f"{'Bi' if self.bidirectional else ''}{self.cell.upper()} {name}{tuning}"


def grid(embeddings, cells, bidirectional: str = "no", tunings=TUNINGS) -> list[Cell]:
    """The cells to train on each data set, in table order: embeddings outermost, then tuning,
    cell, direction.

    `onehot` is frozen by definition and `random` is always trained, so only vectors files and
    pretrained names are crossed with `tunings`; ``SPEC@frozen`` or ``SPEC@finetuned`` trains that
    one spec one way only. A baseline (bow, nbsvm, avg:VECTORS) is one cell with no recurrence.
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
        if spec.startswith("avg:") and not vectors_source(spec):
            raise EmbedkitError("--embeddings avg:VECTORS needs the vectors after 'avg:' "
                                "(avg:glove-6b-50d, avg:vectors.vec)")
        if is_baseline(spec):
            out.append(Cell(spec, "", "", False))
            continue
        spec, at, only = spec.rpartition("@") if spec.endswith(("@frozen", "@finetuned")) else (spec, "", "")
        for tuning in ([""] if spec in PLAIN else [only] if at else tunings):
            for c in cells:
                for bi in DIRECTIONS[bidirectional]:
                    out.append(Cell(spec, tuning, c, bi))
    if len({c.key for c in out}) != len(out):
        raise EmbedkitError("two embeddings in the grid have the same file name; rename one")
    return out


def folds_for(data, cv) -> int | None:
    """The folds a data set is evaluated with: `cv` "kim" (10 without a standard test split, else
    the standard split: None), an integer, or None (the fixed seeded split)."""
    if cv == "kim":
        return KIM_FOLDS if data.test is None else None
    if cv is not None and (not isinstance(cv, int) or cv < 2):
        raise EmbedkitError(f"cv must be 'kim', None or a number of folds of at least 2, got {cv!r}")
    return cv


def protocol(data, folds: int | None) -> str:
    if folds:
        return f"{folds}-fold cross-validation"
    if data.test is None:
        return "a fixed seeded 10% test and 10% dev split"
    return "the standard split" + ("" if data.dev is not None else " (dev: a seeded 10% of train)")


def _settings(config, seeds, folds, spec: str) -> dict:
    """What a cell file must match to be reused: every setting the cell's result depends on."""
    if is_baseline(spec):  # deterministic, no seeds, none of the network's settings
        return {"baseline": spec, "cv": folds, "lowercase": config.lowercase}
    settings = asdict(config)
    for name in ("embeddings", "freeze", "cell", "bidirectional", "device", "seed"):
        settings.pop(name, None)
    settings["seeds"] = list(seeds)
    settings["cv"] = folds
    return settings


def load_datasets(datasets, mirror=None) -> list:
    """Read every data set (a registry name or a file/folder), refusing two of the same name."""
    from .datasets import load_classification

    loaded = [load_classification(d, mirror=mirror) for d in datasets]
    names = [d.name for d in loaded]
    if len(set(names)) != len(names):
        raise EmbedkitError(f"two data sets are both called {next(n for n in names if names.count(n) > 1)!r}; "
                            "rename one")
    return loaded


def compare(dataset, embeddings, cells=("lstm",), *, out, bidirectional: str = "no", tunings=TUNINGS,
            seeds=(1, 2, 3), cv="kim", config=None, mirror=None, progress: bool = True,
            echo=None, allow_nonfinite: bool = False, jobs: int = 1, published: bool = False,
            spark_master: str | None = None, spark: bool = False) -> CompareReport:
    """Train every cell of the grid on every data set that `out` does not hold yet, then write the
    tables and chart.

    Args:
        dataset: a registry name (`mr`, `sst2`, ...) or a labelled file/folder (`load_classification`),
            or a list of them.
        embeddings: specs as `classify` takes them (`onehot`, `random`, a vectors file, a pretrained
            name) and the baselines `bow`, `nbsvm`, `avg:VECTORS`.
        cells: recurrent cells, among rnn, lstm, gru.
        out: report folder; created if missing; `out/cells/` makes the run resumable. An existing
            folder must be empty or a compare report (`outputs.check_output`).
        bidirectional: "no", "yes" or "both" (each cell trained both ways).
        tunings: for vectors files and pretrained names: "frozen", "finetuned" or both.
        seeds: one training run per seed (and per fold); the table shows their mean and spread.
        cv: "kim", a number of folds, or None (see the module docstring).
        config: a `ClassifierConfig` with the shared settings (epochs, hidden size, ...).
        echo: called with a line of text as each cell starts, is reused, or finishes.
        allow_nonfinite: read vectors files holding NaN or infinity as zero vectors (`io.load`).
        jobs: runs trained at once, each in a process of its own (`training.run_seeds`).
        published: add the published reference rows (`published.PUBLISHED`).
        spark_master, spark: train the cells on Spark, each (cell, fold, seed) a task
            (`spark_grid`); a master implies `spark`. The report and cell files are the same.

    Returns:
        CompareReport, also written to `out`.

    Raises:
        EmbedkitError: bad input; on Spark, cells whose tasks failed every attempt (named, after
            the other cells are saved).
    """
    from .config import ClassifierConfig
    from .embeddings import coverage_of
    from .runs import run_model
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
    sets = load_datasets([dataset] if isinstance(dataset, (str, os.PathLike)) else list(dataset), mirror)
    plan = [(data, folds_for(data, cv), cell) for data in sets for cell in todo]
    done = {(data.name, cell): _reuse(_cell_path(out, data, cell), _settings(config, seeds, folds, cell.embeddings))
            for data, folds, cell in plan}
    sources = list(dict.fromkeys(s for s in (vectors_source(c.embeddings) for c in todo) if s))
    loaded = {source: resolve(source, allow_nonfinite=allow_nonfinite) for source in sources}
    report = CompareReport(", ".join(d.name for d in sets), seeds, settings=_shared(config))
    for data in sets:
        folds = folds_for(data, cv)
        report.datasets.append({"name": data.name, "protocol": protocol(data, folds), "folds": folds,
                                "chance": _chance(data, folds), "classes": len(data.classes),
                                "texts": sum(len(s) for s in (data.train, data.dev, data.test) if s is not None)})
    plain = dict.fromkeys(c.embeddings for c in todo if c.embeddings in PLAIN)
    report.vectors = [_vectors_info(spec, loaded, sets, cv, coverage_of, config.dim) for spec in [*plain, *sources]]
    if published:
        from .published import published_rows

        report.published = published_rows([d.name for d in sets])
    said_truncated = False

    def cell_config(cell: Cell):
        return replace(config, embeddings=cell.embeddings, cell=cell.cell or config.cell,
                       bidirectional=cell.bidirectional, freeze=None if not cell.tuning else cell.tuning == "frozen")

    def finish(n: int, data, folds, cell: Cell, result: dict, seconds: float, attempts=None) -> None:
        """Write the cell's file as soon as it is trained, and say its score."""
        nonlocal said_truncated
        cut = result.get("truncated") or {}  # the same for every recurrent cell: said once
        if cut.get("texts") and not said_truncated:
            said_truncated = True
            echo(f"truncated: {cut['texts']:,} of {cut['of']:,} texts cut to their first "
                 f"{cut['max_len']:,} tokens (max_len)")
        row = done[data.name, cell] = _row(data.name, cell, result, seeds, folds, seconds)
        path = _cell_path(out, data, cell)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # OUT/cells
        except OSError as error:
            raise write_error(path.parent, error) from None
        stored = {"settings": _settings(config, seeds, folds, cell.embeddings), "row": row,
                  **({"spark_tasks": attempts} if attempts else {})}
        with atomic_output(path) as tmp:
            tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        echo(f"[{n}/{len(plan)}] {data.name}: {cell.label}: "
             f"{plus_minus(row['accuracy_mean'], row['accuracy_std'], row['runs'])}")

    pending = []
    for n, (data, folds, cell) in enumerate(plan, 1):
        row = done[data.name, cell]
        if row is not None:
            echo(f"[{n}/{len(plan)}] {data.name}: {cell.label}: done before, "
                 f"{plus_minus(row['accuracy_mean'], row['accuracy_std'], row.get('runs', 2))}")
        else:
            pending.append((n, data, folds, cell))
    if spark or spark_master is not None:
        _on_spark(pending, plan, seeds, cell_config, loaded, spark_master, echo, finish, out)
    else:
        for n, data, folds, cell in pending:
            what = "fitting (deterministic, one fit per fold)" if is_baseline(cell.embeddings) else \
                f"training {len(seeds)} seed(s)" + (f" x {folds} folds" if folds else "")
            echo(f"[{n}/{len(plan)}] {data.name}: {cell.label}: {what}")
            start = time.perf_counter()
            result = run_model(data, cell_config(cell), seeds, cv=folds, vectors=loaded.get(vectors_source(cell.embeddings)),
                               progress=progress, jobs=jobs)
            finish(n, data, folds, cell, result, time.perf_counter() - start)
    report.rows.extend(done[data.name, cell] for data, _, cell in plan)
    report.write(out)
    return report


def dry_run(dataset, embeddings, cells=("lstm",), *, out=None, bidirectional: str = "no", tunings=TUNINGS,
            seeds=(1, 2, 3), cv="kim", config=None, mirror=None, jobs: int = 1) -> dict:
    """What `compare` with these arguments would do, trained nothing: the cells, the runs, which
    of them `out` already holds, and an estimate of the time the rest takes (`estimate`).

    Returns:
        {"cells", "done", "runs", "seconds", "jobs", "by_dataset": {name: {"cells", "done", "seconds"}}}.
    """
    from .config import ClassifierConfig

    config = config or ClassifierConfig()
    seeds = [int(s) for s in seeds]
    todo = grid(list(embeddings), list(cells), bidirectional, tuple(tunings))
    sets = load_datasets([dataset] if isinstance(dataset, (str, os.PathLike)) else list(dataset), mirror)
    summary = {"cells": 0, "done": 0, "runs": 0, "seconds": 0.0, "jobs": jobs, "by_dataset": {}}
    for data in sets:
        folds = folds_for(data, cv)
        mine = summary["by_dataset"].setdefault(data.name, {"cells": 0, "done": 0, "seconds": 0.0})
        for cell in todo:
            mine["cells"] += 1
            if out is not None and _reuse(_cell_path(Path(out), data, cell),
                                          _settings(config, seeds, folds, cell.embeddings)) is not None:
                mine["done"] += 1
                continue
            runs = (folds or 1) * (1 if is_baseline(cell.embeddings) else len(seeds))
            summary["runs"] += runs
            mine["seconds"] += estimate.cell_seconds(data, cell, config, runs, folds)
        for key in ("cells", "done", "seconds"):
            summary[key] += mine[key]
    summary["seconds"] /= max(1, min(jobs, os.cpu_count() or 1))
    return summary


def _cell_path(out: Path, data, cell: Cell) -> Path:
    """OUT/cells/<data set>__<cell key>.json."""
    return out / "cells" / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', data.name)}__{cell.key}.json"


def _shared(config) -> dict:
    keep = ("hidden", "pooling", "dropout", "embed_dropout", "lr", "epochs", "patience", "batch_size", "max_len")
    return {k: getattr(config, k) for k in keep}


def _chance(data, folds) -> float | None:
    """The majority class's share of the texts tested on (all texts under cross-validation)."""
    from collections import Counter

    from .splits import split_data

    if folds:
        labels = [lab for s in (data.train, data.dev, data.test) if s is not None for lab in s.labels]
    else:
        labels = split_data(data, seed=0).test.labels
    return max(Counter(labels).values()) / len(labels) if labels else None


def _training_texts(data, folds) -> list[str]:
    """The texts models train on: all under cross-validation (each trains 9 of 10 folds), else the
    train split of the fixed split."""
    from .splits import split_data

    if folds:
        return [t for s in (data.train, data.dev, data.test) if s is not None for t in s.texts]
    return split_data(data, seed=0).train.texts


def _vectors_info(spec: str, loaded: dict, sets, cv, coverage_of, dim: int) -> dict:
    if spec in PLAIN:
        what = ("nothing: one-hot vectors over each data set's training words" if spec == "onehot" else
                f"nothing: {dim}-d, learned from each data set's training texts alone")
        return {"name": spec, "trained_on": what, "coverage": {}}
    vectors = loaded[spec]
    coverage = {data.name: coverage_of(_training_texts(data, folds_for(data, cv)), vectors) for data in sets}
    return {"name": os.path.basename(spec), "trained_on": trained_on(vectors), "words": len(vectors),
            "dim": vectors.dim, "coverage": coverage}


def trained_on(vectors) -> str:
    """What a vector set was trained on, from what its file records (`vectors.META_KEYS`)."""
    meta = vectors.meta
    size = f"{len(vectors):,} words x {vectors.dim}"
    if meta.get("corpus_words"):
        corpus = str(meta.get("corpus", ""))
        files = os.path.basename(corpus.split(",")[0].strip()) + (" ..." if "," in corpus else "")
        model = "skip-gram with character n-grams (fastText's model)" if getattr(vectors, "subwords", None) is not None else "skip-gram"
        how = f"embedkit {meta.get('engine', '')} {model}".replace("  ", " ") if meta.get("trained_with") else ""
        return f"{meta['corpus_words']:,} corpus words ({files}); {how + ', ' if how else ''}{size}"
    if meta.get("description"):
        return f"{meta['description']}; {size}"
    return f"not recorded in {meta.get('source', 'the file')}; {size}"


def _on_spark(pending, plan, seeds, cell_config, loaded, master, echo, finish, out) -> None:
    """Train the pending cells on Spark, one `spark_grid.run` per data set; raise naming the failures.

    A cell's time is the sum of its runs' training seconds (its tasks run side by side).
    """
    from .spark_grid import run as run_on_spark

    failures = []
    for data in {id(data): data for _, data, _, _ in pending}.values():
        mine = [(n, cell) for n, d, _, cell in pending if d is data]
        folds = next(f for _, d, f, _ in pending if d is data)
        by_spec = {cell.embeddings: loaded[vectors_source(cell.embeddings)] for _, cell in mine
                   if vectors_source(cell.embeddings)}

        def done(n, cell, result, attempts, data=data, folds=folds):
            seconds = sum(run.get("seconds") or 0.0 for run in result["runs"])
            finish(n, data, folds, cell, result, seconds, attempts)

        failures += [f"{data.name}: {line}" for line in
                     run_on_spark(mine, data, seeds, folds, cell_config, by_spec, master=master, echo=echo,
                                  finish=done, total=len(plan))]
    if failures:
        raise EmbedkitError(f"{len(failures)} of {len(plan)} cells failed on Spark ({'; '.join(failures)}); "
                            f"the {len(plan) - len(failures)} others are in {out / 'cells'}: run again to retry")


def _row(dataset: str, cell: Cell, result: dict, seeds, folds, seconds: float) -> dict:
    coverage = result.get("coverage")
    if isinstance(coverage, dict):
        coverage = coverage.get("fraction")
    return {"model": cell.label, "embeddings": cell.embeddings, "tuning": cell.tuning, "cell": cell.cell,
            "bidirectional": cell.bidirectional, "dataset": dataset,
            "accuracy_mean": float(result["accuracy_mean"]), "accuracy_std": float(result["accuracy_std"]),
            "macro_f1_mean": float(result["macro_f1_mean"]), "macro_f1_std": float(result["macro_f1_std"]),
            "parameters": result.get("parameters"), "coverage": coverage,
            "seconds_per_epoch": result.get("seconds_per_epoch"), "seeds": list(seeds),
            "runs": len(result["runs"]), "protocol": f"{folds}-fold" if folds else "split", "seconds": seconds,
            "epochs": [r.get("epochs") for r in result["runs"]] if not is_baseline(cell.embeddings) else None}


def _reuse(path: Path, settings: dict) -> dict | None:
    """The row stored in `path` if it was trained with `settings`; None if absent, stale or unreadable."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("settings") != settings or "row" not in stored:
        return None
    return stored["row"]


__all__ = ["Cell", "compare", "dry_run", "grid"]
