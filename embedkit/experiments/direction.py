"""Bidirectional vs unidirectional: forward-only, backward-only and bidirectional cells, read by
where in the sentence the deciding word sits.

With last-state pooling, a forward network classifies from the state after the last word, a
backward one (`reverse=True`) from the state after the first word, and a bidirectional one from
both. Where the deciding word sits:

- synthetic (`position_task`): the marker's position, known exactly;
- real data: the position of the most label-indicative word of each test sentence (largest
  |log-odds| between classes, counted on the training split), relative to the sentence length.

Test sentences are bucketed into the first, middle and last third by that position.

Besides the trained cells, ``leaky`` is a simple RNN whose recurrence is fixed at `LEAKY_MEMORY` x
identity (only its input and output weights learn): a cell with a known short memory. Two inputs
that differ d steps back give states at most 2 x LEAKY_MEMORY^d apart, so it cannot learn to hold a
marker for long, which is what the textbook claim about direction assumes of every cell.
"""

from __future__ import annotations

import numpy as np

from .report import Report, Table, accuracy_axis, aggregate, chance_level, clearly, percent, pm, seeds_note
from .synthetic import GATE_BIAS, synthetic_settings

CELLS = ("leaky", "rnn", "lstm")
LEAKY_MEMORY = 0.98  # the leaky cell's fixed recurrence: a trace halves in about 34 steps (0.98^34 = 0.5)
DIRECTIONS = ("forward", "backward", "bidirectional")
THIRDS = ("start", "middle", "end")
TENTHS = 10  # the plot reads accuracy by tenth of the sentence


def deciding_positions(data, lowercase: bool = True) -> np.ndarray:
    """Relative position (0 = first word, 1 = last) of each test sentence's most label-indicative word."""
    from ..downstream.tokenizer import sentence_tokens as tokenize
    from .data import log_odds

    scores = log_odds(data.train, lowercase=lowercase)
    out = []
    for text in data.test.texts:
        tokens = tokenize(text, lowercase)
        if not tokens:
            out.append(0.5)
            continue
        values = [scores.get(t, 0.0) for t in tokens]
        out.append(int(np.argmax(values)) / max(1, len(tokens) - 1))
    return np.array(out)


def third(relative: np.ndarray) -> np.ndarray:
    """0, 1, 2: start, middle, end third of each relative position."""
    return np.minimum((np.asarray(relative) * 3).astype(int), 2)


def _worst(row: dict) -> str:
    """The third where `row` (an aggregated direction) is least accurate."""
    return min(THIRDS, key=lambda t: row[t])


NEAR_CHANCE = 0.1  # a model within 10 points of chance overall has learned too little to read by thirds


def conclusion(rows: list[dict], chance: float = 0.5) -> str:
    """From (cell, direction, accuracy, start, middle, end) rows, with spreads when there are
    several seeds: per cell, whether forward-only missed early deciding words (start below end by
    more than the spread), backward-only late ones, and bidirectional got both (its worst third
    above both one-directional models' worst thirds by more than the spread). A model within
    `NEAR_CHANCE` of `chance` overall (the share of the largest test class) counts for no part."""
    parts = []
    for cell in dict.fromkeys(r["cell"] for r in rows):
        by = {r["direction"]: r for r in rows if r["cell"] == cell}
        text, shown = [], 0
        low = [d for d in DIRECTIONS if d in by and by[d]["accuracy"] < chance + NEAR_CHANCE]
        for d in low:
            text.append(f"{d}{'-only' if d != 'bidirectional' else ''} near chance ({pm(by.pop(d), 'accuracy')} "
                        f"overall, chance {percent(chance)})")
        if "forward" in by:
            f = by["forward"]
            missed = clearly(f, {"start": f["end"], "start ±": f.get("end ±", 0.0)}, "start") < 0
            shown += missed
            text.append(f"forward-only {pm(f, 'start')} with the deciding word in the first third vs "
                        f"{pm(f, 'end')} in the last ({'missed early words' if missed else 'no difference larger than the spread'})")
        if "backward" in by:
            b = by["backward"]
            missed = clearly(b, {"end": b["start"], "end ±": b.get("start ±", 0.0)}, "end") < 0
            shown += missed
            text.append(f"backward-only {pm(b, 'start')} vs {pm(b, 'end')} "
                        f"({'missed late words' if missed else 'no difference larger than the spread'})")
        if "bidirectional" in by:
            bi = by["bidirectional"]
            worst = _worst(bi)
            others = [by[d] for d in ("forward", "backward") if d in by]
            better = len(others) == 2 and all(
                clearly({"x": bi[worst], "x ±": bi.get(worst + " ±", 0.0)},
                        {"x": o[_worst(o)], "x ±": o.get(_worst(o) + " ±", 0.0)}, "x") > 0 for o in others)
            shown += better
            text.append(f"bidirectional at least {pm(bi, worst)} everywhere ({pm(bi, 'accuracy')} overall; "
                        + ("better in its worst third than each one-directional model in theirs)" if better else
                           "not clearly better in its worst third than the one-directional models in theirs)"))
        verdict = ("the textbook pattern showed" if shown == 3 else "the textbook pattern did not show"
                   if shown == 0 else f"the textbook pattern showed in {shown} of its 3 parts")
        parts.append(f"{cell.upper()}: " + ", ".join(text) + f"; {verdict}")
    return "; ".join(parts) + "."


SYNTHETIC_LR = 3e-3  # synthetic: the length experiment's settings (lr, fixed N(0, 1) vectors, fresh sequences, gate bias)


def run(dataset: str = "synthetic", *, mirror=None, cells=CELLS, dim: int = 50, hidden: int = 64,
        epochs: int | None = None, length: int = 60, seeds=(1, 2, 3), quick: bool = False) -> Report:
    """Train each cell forward-only, backward-only and bidirectional on `dataset`, once per seed;
    accuracy by third (mean ± std over the seeds).

    `epochs`: by default 30 on the synthetic task, 8 on real sentences. The synthetic sequences are
    `length` words long: by default 60, past the 20-30 words over which the simple RNN held a marker
    in the length experiment and within the LSTM's 100; at 100 words the simple RNN stays near chance."""
    if epochs is None:
        epochs = 30 if dataset == "synthetic" else 8
    if quick:
        epochs, hidden, dim, length = 2, 16, 16, 20
    runs = []
    for seed in seeds:
        data, positions, setting = _one_seed(runs, dataset, mirror, cells, dim, hidden, epochs, length, seed, quick)
    rows = aggregate(runs, ["cell", "direction"], ["accuracy", *THIRDS])
    where = third(positions)
    return _report(dataset, data, rows, runs, where, positions, setting, cells, hidden, epochs, length, seeds, quick)


def _one_seed(runs, dataset, mirror, cells, dim, hidden, epochs, length, seed, quick):
    """Train every cell and direction with `seed`; append their rows to `runs`."""
    from ..downstream.config import ClassifierConfig
    from ..downstream.training import train_classifier
    from .data import load

    data = load(dataset, mirror=mirror, seed=seed if dataset == "synthetic" else 1, quick=quick,
                synthetic_length=length)
    vectors = resample = None
    if dataset == "synthetic":
        from . import synthetic

        positions = np.array([t.split().index(m) for t in data.test.texts
                              for m in ("a", "b") if m in t.split()]) / max(1, length - 1)
        lr, dropout, freeze, batch = SYNTHETIC_LR, 0.0, True, 25
        dim, hidden = (dim, hidden) if quick else (16, 32)  # as in the length experiment
        vectors = synthetic.fixed_vectors(dim, seed=seed)  # and, as there, fixed N(0, 1) word vectors

        def resample(epoch):  # fresh training sequences every epoch, as in the length experiment
            return synthetic.position_task(length, len(data.train), seed=seed + 100 + epoch).split()
    else:
        positions = deciding_positions(data)
        lr, dropout, freeze, batch = 1e-3, 0.5, None, 50
    where = third(positions)
    gold = np.array(data.test.labels)
    for cell in cells:
        for direction in DIRECTIONS:
            config = ClassifierConfig(
                embeddings="random", freeze=freeze, batch_size=batch, dim=dim, cell="rnn" if cell == "leaky" else cell,
                memory=LEAKY_MEMORY if cell == "leaky" else None, hidden=hidden,
                pooling="last", bidirectional=direction == "bidirectional", reverse=direction == "backward",
                dropout=dropout, embed_dropout=0.25 if dropout else 0.0, lr=lr, epochs=epochs, patience=epochs,
                seed=seed, device="cpu")
            if vectors is not None:
                config = synthetic_settings(config)
            trained = train_classifier(data, config, progress=False, vectors=vectors, resample=resample)
            right = np.array(trained.predict(data.test.texts)) == gold
            row = {"cell": cell, "direction": direction, "seed": seed, "accuracy": float(right.mean())}
            for i, name in enumerate(THIRDS):
                row[name] = float(right[where == i].mean()) if (where == i).any() else float("nan")
            tenth = np.minimum((positions * TENTHS).astype(int), TENTHS - 1)
            row["by tenth"] = [float(right[tenth == i].mean()) if (tenth == i).any() else None for i in range(TENTHS)]
            runs.append(row)
    return data, positions, {"dim": dim, "hidden": hidden, "lr": lr, "synthetic": vectors is not None}


def _report(dataset, data, rows, runs, where, positions, setting, cells, hidden, epochs, length, seeds, quick):
    dim, hidden, lr = setting["dim"], setting["hidden"], setting["lr"]
    chance = chance_level(data.test.labels)
    share = [{"deciding word in": name, "test sentences": int((where == i).sum()),
              "share": float((where == i).mean())} for i, name in enumerate(THIRDS)]

    def draw(fig):
        axes = np.atleast_1d(fig.subplots(1, len(cells), sharey=True, squeeze=False)[0])
        x = (np.arange(TENTHS) + 0.5) / TENTHS * 100
        for ax, cell in zip(axes, cells):
            for direction, color in zip(DIRECTIONS, ("#1f77b4", "#d62728", "#2ca02c")):
                curves = np.array([[np.nan if v is None else v for v in r["by tenth"]] for r in runs
                                   if r["cell"] == cell and r["direction"] == direction], dtype=float)
                mean = np.nanmean(curves, 0)
                spread = np.nanstd(curves, 0, ddof=1) if len(curves) > 1 else np.zeros_like(mean)
                ax.errorbar(x, mean, yerr=spread, color=color, marker="o", ms=3, capsize=2, label=direction)
            lows = [r for r in runs if r["cell"] == cell]
            accuracy_axis(ax, chance, [v for r in lows for v in r["by tenth"] if v is not None])
            ax.set_title(f"{cell.upper()}" + (f" (fixed memory {LEAKY_MEMORY})" if cell == "leaky" else ""))
            ax.set_xlim(0, 100)
        axes[0].set_ylabel("test accuracy" + (f" (mean ± std, {len(seeds)} seeds)" if len(seeds) > 1 else ""))
        fig.supxlabel("where the deciding word sits (% of the sentence; 0 = first word, 100 = last)", fontsize=10)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside right center", fontsize=9)

    how = ("the marker's exact position" if dataset == "synthetic" else
           "the position of the word with the largest |log-odds| between the classes (training counts)")
    return Report(
        "direction", f"Bidirectional vs unidirectional on {data.name}", rows, conclusion(rows, chance),
        extra=[Table("Where the deciding words sit", share)],
        notes=[f"{data.name}: {len(data.train):,} train / {len(data.test):,} test sentences; last-state pooling "
               f"(forward: state after the last word; backward: after the first); "
               + (f"fixed N(0, 1) {dim}-d word vectors, fresh training sequences every epoch, LSTM forget / GRU "
                  f"update gate bias {GATE_BIAS:g} at the start, Adam at {lr}, " if setting["synthetic"] else
                  f"random {dim}-d embeddings, ")
               + f"{hidden} hidden units, up to {epochs} epochs. "
               + (f"LEAKY: a simple RNN whose recurrent weights are fixed at {LEAKY_MEMORY} x identity (a known "
                  f"short memory: a word's trace halves in about {np.log(0.5) / np.log(LEAKY_MEMORY):.0f} steps). "
                  if "leaky" in cells else "")
               + f"Deciding word: {how}. Columns start/middle/end: "
               "accuracy on the test sentences whose deciding word is in that third. " + seeds_note(seeds)],
        config={"dataset": dataset, "cells": list(cells), "dim": dim, "hidden": hidden, "epochs": epochs,
                "length": length if dataset == "synthetic" else None, "seeds": list(seeds), "quick": quick},
        draw=draw, runs=runs)
