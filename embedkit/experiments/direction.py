"""Bidirectional vs unidirectional: forward-only, backward-only and bidirectional cells, read by
where in the sentence the deciding word sits.

With last-state pooling, a forward network classifies from the state after the last word, a
backward one (`reverse=True`) from the state after the first word, and a bidirectional one from
both. Where the deciding word sits:

- synthetic (`position_task`): the marker's position, known exactly;
- real data: the position of the most label-indicative word of each test sentence (largest
  |log-odds| between classes, counted on the training split), relative to the sentence length.

Test sentences are bucketed into the first, middle and last third by that position.
"""

from __future__ import annotations

import numpy as np

from .report import Report, Table, accuracy_axis, chance_level, percent
from .synthetic import GATE_BIAS, synthetic_settings

CELLS = ("rnn", "lstm")
DIRECTIONS = ("forward", "backward", "bidirectional")
THIRDS = ("start", "middle", "end")


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


def conclusion(rows: list[dict]) -> str:
    """From (cell, direction, accuracy, start, middle, end) rows: who wins where."""
    parts = []
    for cell in dict.fromkeys(r["cell"] for r in rows):
        by = {r["direction"]: r for r in rows if r["cell"] == cell}
        text = []
        if "forward" in by:
            f = by["forward"]
            text.append(f"forward-only {percent(f['start'])} when the deciding word is in the first third vs "
                        f"{percent(f['end'])} in the last")
        if "backward" in by:
            b = by["backward"]
            text.append(f"backward-only {percent(b['start'])} vs {percent(b['end'])}")
        if "bidirectional" in by:
            bi = by["bidirectional"]
            worst = min(bi[t] for t in THIRDS)
            text.append(f"bidirectional at least {percent(worst)} everywhere ({percent(bi['accuracy'])} overall)")
        parts.append(f"{cell.upper()}: " + ", ".join(text))
    return "; ".join(parts) + "."


SYNTHETIC_LR = 3e-3  # synthetic: the length experiment's settings (lr, fixed N(0, 1) vectors, fresh sequences, gate bias)


def run(dataset: str = "synthetic", *, mirror=None, cells=CELLS, dim: int = 50, hidden: int = 64,
        epochs: int | None = None, length: int = 60, seed: int = 1, quick: bool = False) -> Report:
    """Train each cell forward-only, backward-only and bidirectional on `dataset`; accuracy by third.

    `epochs`: by default 30 on the synthetic task, 8 on real sentences."""
    if epochs is None:
        epochs = 30 if dataset == "synthetic" else 8
    from ..downstream.config import ClassifierConfig
    from ..downstream.training import train_classifier
    from .data import load

    if quick:
        epochs, hidden, dim, length = 2, 16, 16, 20
    data = load(dataset, mirror=mirror, seed=seed, quick=quick, synthetic_length=length)
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
    rows = []
    for cell in cells:
        for direction in DIRECTIONS:
            config = ClassifierConfig(
                embeddings="random", freeze=freeze, batch_size=batch, dim=dim, cell=cell, hidden=hidden,
                pooling="last", bidirectional=direction == "bidirectional", reverse=direction == "backward",
                dropout=dropout, embed_dropout=0.25 if dropout else 0.0, lr=lr, epochs=epochs, patience=epochs,
                seed=seed, device="cpu")
            if vectors is not None:
                config = synthetic_settings(config)
            trained = train_classifier(data, config, progress=False, vectors=vectors, resample=resample)
            right = np.array(trained.predict(data.test.texts)) == gold
            row = {"cell": cell, "direction": direction, "accuracy": float(right.mean())}
            for i, name in enumerate(THIRDS):
                row[name] = float(right[where == i].mean()) if (where == i).any() else float("nan")
            rows.append(row)
    share = [{"deciding word in": name, "test sentences": int((where == i).sum()),
              "share": float((where == i).mean())} for i, name in enumerate(THIRDS)]

    def draw(fig):
        left, right = fig.subplots(1, 2)
        x = np.arange(len(THIRDS))
        width = 0.8 / len(rows)
        for i, r in enumerate(rows):
            left.bar(x + i * width - 0.4 + width / 2, [r[t] for t in THIRDS], width,
                     label=f"{r['cell'].upper()} {r['direction']}")
        left.set_xticks(x, [f"{t} third" for t in THIRDS])
        accuracy_axis(left, chance_level(data.test.labels), [r[t] for r in rows for t in THIRDS], legend_label=False)
        left.set_ylabel("test accuracy")
        left.set_title("accuracy by where the deciding word sits")
        left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
        right.hist(positions, bins=20, range=(0, 1), color="#48c")
        right.set_xlabel("relative position of the deciding word (0 = first word, 1 = last)")
        right.set_ylabel("test sentences")
        right.set_title("where the deciding words sit")

    how = ("the marker's exact position" if dataset == "synthetic" else
           "the position of the word with the largest |log-odds| between the classes (training counts)")
    return Report(
        "direction", f"Bidirectional vs unidirectional on {data.name}", rows, conclusion(rows),
        extra=[Table("Where the deciding words sit", share)],
        notes=[f"{data.name}: {len(data.train):,} train / {len(data.test):,} test sentences; last-state pooling "
               f"(forward: state after the last word; backward: after the first); "
               + (f"fixed N(0, 1) {dim}-d word vectors, fresh training sequences every epoch, LSTM forget / GRU "
                  f"update gate bias {GATE_BIAS:g} at the start, Adam at {lr}, " if vectors is not None else
                  f"random {dim}-d embeddings, ")
               + f"{hidden} hidden units, up to {epochs} epochs. Deciding word: {how}. Columns start/middle/end: "
               "accuracy on the test sentences whose deciding word is in that third."],
        config={"dataset": dataset, "cells": list(cells), "dim": dim, "hidden": hidden, "epochs": epochs,
                "length": length if dataset == "synthetic" else None, "seed": seed, "quick": quick},
        draw=draw)
