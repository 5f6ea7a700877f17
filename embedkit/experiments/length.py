"""Sequence length and vanishing gradients: RNN vs LSTM vs GRU as the deciding word moves away.

Synthetic (`DATASET = synthetic`): for each k, a marker task whose label is set by the word k
positions from the end (`synthetic.length_task`); each cell is trained with last-state pooling,
so the marker must travel k steps through the recurrence. Besides accuracy, the norm of the
gradient of the loss with respect to the embedded inputs is measured at the first 5 time steps
(far from the classifier) and the last 5 (next to it) on test sequences.

Real data (`DATASET` a classification set): each cell trained once, test accuracy read by
sentence length (quartile buckets), and the same gradient norms on the longest test sentences.
"""

from __future__ import annotations

import numpy as np

from .report import Report, Table, accuracy_axis, aggregate, chance_level, clearly, pm, seeds_note
from .synthetic import GATE_BIAS, synthetic_settings

CELLS = ("rnn", "lstm", "gru")
KS = (5, 10, 20, 30, 50, 70, 100)
LSTM_FORGET_BIAS = 1.0  # real sentences: Keras's default (unit_forget_bias); PyTorch starts at 0
EDGE = 5  # "first time steps": positions 0..4; "last": the 5 positions before the end


def _config(cell: str, *, dim: int, hidden: int, epochs: int, seed: int, lr: float, dropout: float,
            patience: int | None = None, freeze: bool | None = None, batch_size: int = 50):
    from ..downstream.config import ClassifierConfig

    patience = epochs if patience is None else patience
    return ClassifierConfig(embeddings="random", freeze=freeze, batch_size=batch_size, dim=dim, cell=cell,
                            hidden=hidden, pooling="last", forget_bias=LSTM_FORGET_BIAS if cell == "lstm" else 0.0,
                            dropout=dropout, embed_dropout=0.25 if dropout else 0.0, epochs=epochs, patience=patience, lr=lr, seed=seed, device="cpu")


def _edge_norms(norms: np.ndarray, lengths: np.ndarray) -> tuple[float, float]:
    """Mean gradient norm over the first EDGE positions and over the last EDGE of each sequence."""
    first = norms[:, :EDGE].mean()
    last = np.mean([norms[i, max(0, n - EDGE):n].mean() for i, n in enumerate(lengths)])
    return float(first), float(last)


def by_distance(norms: np.ndarray, lengths: np.ndarray, span: int) -> np.ndarray:
    """Mean gradient norm by distance from the end (index 0 = the last word), `span` distances."""
    out = np.full(span, np.nan)
    for d in range(span):
        values = [norms[i, n - 1 - d] for i, n in enumerate(lengths) if n - 1 - d >= 0]
        if values:
            out[d] = float(np.mean(values))
    return out


def conclusion_synthetic(rows: list[dict]) -> str:
    """From (cell, k, accuracy[, first/last]) rows: the largest k each cell held, accuracy at the
    largest k, and how much gradient reached the first steps there."""
    ks = sorted({r["k"] for r in rows})
    acc = {(r["cell"], r["k"]): r["accuracy"] for r in rows}
    row_of = {(r["cell"], r["k"]): r for r in rows}
    cells = [c for c in CELLS if any(r["cell"] == c for r in rows)]
    top = ks[-1]
    held = {c: max((k for k in ks if acc.get((c, k), 0) >= 0.9), default=None) for c in cells}
    order = sorted(cells, key=lambda c: -(held[c] or 0))
    parts = ["largest distance held with at least 90% accuracy: "
             + ", ".join(f"{c.upper()} k={held[c]}" if held[c] else f"{c.upper()} none" for c in order)]
    at_top = sorted(cells, key=lambda c: -acc[(c, top)])
    parts.append(f"at k={top} " + ", ".join(f"{c.upper()} {pm(row_of[(c, top)], 'accuracy')}" for c in at_top)
                 + " (chance 50%)")
    ratio = {r["cell"]: r["first/last"] for r in rows if r["k"] == top and "first/last" in r}
    if len(ratio) > 1:
        shown = ", ".join(f"{ratio[c]:.0e} ({c.upper()})" if ratio[c] > 0 else f"0 ({c.upper()}, underflow)"
                          for c in sorted(ratio, key=lambda c: -ratio[c]))
        parts.append(f"the gradient reaching the first 5 steps was {shown} times that at the last 5")
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def run_synthetic(*, ks=KS, cells=CELLS, n: int = 2000, dim: int = 16, hidden: int = 32, epochs: int = 30,
                  lr: float = 3e-3, seeds=(1, 2, 3), quick: bool = False) -> Report:
    """Train each cell for each k and seed on `synthetic.length_task`; accuracy and gradient norms
    (mean ± std over the seeds; the gradient profile of the first seed)."""
    from ..downstream.training import train_classifier
    from . import synthetic
    from .data import input_gradient_norms

    if quick:
        ks, n, epochs, hidden = tuple(ks)[:2] if ks != KS else (5, 25), 300, 3, 16
    runs, profiles = [], {}
    for seed, k in ((seed, k) for seed in seeds for k in ks):
        vectors = synthetic.fixed_vectors(dim, seed=seed)
        make = synthetic.length_task
        train, dev, test = (make(k, size, seed=seed * 1000 + k * 10 + i) for i, size in
                            enumerate((n, n // 4, min(n // 2, 500))))
        data = synthetic.as_data(train, dev, test, f"synthetic k={k}")

        def resample(epoch, k=k, seed=seed):  # fresh training sequences every epoch: nothing to memorise
            return make(k, n, seed=seed * 1000 + k * 10 + 100 + epoch).split()

        for cell in cells:
            config = synthetic_settings(_config(cell, dim=dim, hidden=hidden, epochs=epochs, seed=seed, lr=lr,
                                                dropout=0.0, batch_size=25))
            trained = train_classifier(data, config, progress=False, vectors=vectors, resample=resample)
            norms = input_gradient_norms(trained, test.texts[:200], test.labels[:200])
            lengths = np.array(test.lengths[:200])
            first, last = _edge_norms(norms, lengths)
            runs.append({"cell": cell, "k": k, "seed": seed, "accuracy": float(trained.evaluate(data.test)["accuracy"]),
                         "grad first 5": first, "grad last 5": last, "first/last": first / last if last else 0.0,
                         "epochs": len(trained.history)})
            if k == max(ks) and seed == seeds[0]:
                profiles[cell] = by_distance(norms, lengths, k + 1)
    rows = aggregate(runs, ["cell", "k"], ["accuracy", "grad first 5", "grad last 5", "first/last", "epochs"])

    def draw(fig):
        left, right = fig.subplots(1, 2)
        for cell in cells:
            mine = [r for r in rows if r["cell"] == cell]
            left.errorbar([r["k"] for r in mine], [r["accuracy"] for r in mine], yerr=[r["accuracy ±"] for r in mine],
                          fmt="o-", capsize=3, label=cell.upper())
        accuracy_axis(left, 0.5, [r["accuracy"] - r["accuracy ±"] for r in rows])
        left.set_xscale("log")
        left.set_xticks(list(ks), [str(k) for k in ks])
        left.minorticks_off()  # only the distances run, not 4x10^0 between them
        left.set_xlabel("k: distance of the deciding word from the end")
        left.set_ylabel("test accuracy")
        left.set_title("accuracy against distance (last-state pooling)")
        left.legend()
        for cell, profile in profiles.items():
            right.plot(np.arange(len(profile)), profile, label=cell.upper())
        right.axvline(max(ks) - 1, color="grey", linestyle=":", label="deciding word")
        right.set_yscale("log")
        right.set_xlabel("distance from the end (time steps)")
        right.set_ylabel("|d loss / d input| (trained model)")
        right.set_title(f"gradient reaching each step, k={max(ks)} (seed {seeds[0]})")
        right.legend()

    return Report(
        "length", "Sequence length and vanishing gradients (synthetic marker task)", rows,
        conclusion_synthetic(rows),
        notes=[f"Each sequence is 1-10 random distractor words (of 20), the marker 'a' or 'b', then k-1 distractors; "
               f"the marker decides the label (A/B, balanced). {n} fresh training sequences every epoch (a model "
               f"cannot pass by memorising them), last-state pooling, fixed N(0, 1) {dim}-d word vectors (no cell "
               f"can silence the distractors by shrinking their vectors: only gates can), {hidden} hidden units; the "
               f"LSTM forget gate and the GRU update gate start with a bias of {GATE_BIAS:g} (open: a memory time "
               f"scale of about e^{GATE_BIAS:g} steps, as chrono initialisation does); {epochs} epochs (Adam, lr {lr}, "
               "batches of 25; the weights of the best dev epoch kept). 'grad first 5': mean norm of d loss / d "
               "embedded input over the first 5 time steps of 200 test sequences; 'grad last 5': over the last 5. "
               + seeds_note(seeds)],
        config={"dataset": "synthetic", "ks": list(ks), "n": n, "dim": dim, "hidden": hidden, "epochs": epochs,
                "lr": lr, "gate_bias": GATE_BIAS, "fresh_sequences": True, "seeds": list(seeds), "quick": quick},
        draw=draw, runs=runs)


def buckets(lengths: list[int], count: int = 4) -> list[tuple[int, int]]:
    """`count` length ranges (inclusive) with about as many sentences each (quantiles)."""
    edges = np.quantile(lengths, np.linspace(0, 1, count + 1))
    out, low = [], int(min(lengths))
    for edge in edges[1:]:
        high = int(np.floor(edge))
        if high >= low:
            out.append((low, high))
            low = high + 1
    if out and out[-1][1] < max(lengths):
        out[-1] = (out[-1][0], int(max(lengths)))
    return out


def conclusion_real(rows: list[dict], name: str) -> str:
    """'On mr, from the shortest (1-10 words) to the longest sentences (35-59), RNN went 72% -> 60% ...'"""
    groups = [r["words"] for r in rows if r["cell"] == rows[0]["cell"]]
    first, last = groups[0], groups[-1]
    changes = []
    for cell in CELLS:
        a = next((r for r in rows if r["cell"] == cell and r["words"] == first), None)
        b = next((r for r in rows if r["cell"] == cell and r["words"] == last), None)
        if a is not None and b is not None:
            changes.append((cell, a, b))
    text = ", ".join(f"{c.upper()} {pm(a, 'accuracy')} -> {pm(b, 'accuracy')}" for c, a, b in changes)
    drops = {c: {"drop": a["accuracy"] - b["accuracy"], "drop ±": (a.get("accuracy ±", 0.0) or 0.0)
                 + (b.get("accuracy ±", 0.0) or 0.0)} for c, a, b in changes}
    order = sorted(drops, key=lambda c: -drops[c]["drop"])
    worst, drop = order[0], 100 * drops[order[0]]["drop"]
    if len(order) > 1 and not clearly(drops[worst], drops[order[1]], "drop"):
        return (f"On {name}, from the shortest ({first} words) to the longest sentences ({last}): {text}; no cell "
                f"lost clearly more than another (the differences are within the spread).")
    change = f"lost the most, {drop:.0f} points" if drop > 0 else f"changed least favourably, {-drop:+.0f} points"
    return f"On {name}, from the shortest ({first} words) to the longest sentences ({last}): {text}; {worst.upper()} {change}."


def run_real(dataset: str, *, mirror=None, cells=CELLS, dim: int = 50, hidden: int = 100, epochs: int = 5,
             seeds=(1, 2, 3), quick: bool = False) -> Report:
    """Train each cell on `dataset` once per seed; test accuracy by sentence-length quartile; gradient norms."""
    from ..downstream.training import train_classifier
    from ..downstream.tokenizer import sentence_tokens as tokenize
    from .data import input_gradient_norms, load

    if quick:
        epochs, hidden, dim = 2, 16, 16
    data = load(dataset, mirror=mirror, seed=seeds[0], quick=quick)  # one split for every seed
    sizes = [len(tokenize(t)) or 1 for t in data.test.texts]
    ranges = buckets(sizes)
    runs, grad_runs = [], []
    longest = np.argsort(sizes)[-100:]
    for seed, cell in ((seed, cell) for seed in seeds for cell in cells):
        trained = train_classifier(data, _config(cell, dim=dim, hidden=hidden, epochs=epochs, seed=seed, lr=1e-3,
                                                 dropout=0.5), progress=False)
        predicted = np.array(trained.predict(data.test.texts))
        gold = np.array(data.test.labels)
        for low, high in ranges:
            inside = np.array([low <= s <= high for s in sizes])
            runs.append({"cell": cell, "words": f"{low}-{high}", "sentences": int(inside.sum()), "seed": seed,
                         "accuracy": float((predicted[inside] == gold[inside]).mean())})
        texts = [data.test.texts[i] for i in longest]
        norms = input_gradient_norms(trained, texts, [data.test.labels[i] for i in longest])
        first, last = _edge_norms(norms, np.array([max(1, len(tokenize(t))) for t in texts]))
        grad_runs.append({"cell": cell, "seed": seed, "grad first 5": first, "grad last 5": last,
                          "first/last": first / last if last else 0.0})
    rows = aggregate(runs, ["cell", "words", "sentences"], ["accuracy"])
    grads = aggregate(grad_runs, ["cell"], ["grad first 5", "grad last 5", "first/last"])

    def draw(fig):
        left, right = fig.subplots(1, 2)
        labels = [f"{low}-{high}" for low, high in ranges]
        for cell in cells:
            mine = [r for r in rows if r["cell"] == cell]
            left.errorbar(labels, [r["accuracy"] for r in mine], yerr=[r["accuracy ±"] for r in mine], fmt="o-",
                          capsize=3, label=cell.upper())
        accuracy_axis(left, chance_level(data.test.labels), [r["accuracy"] - r["accuracy ±"] for r in rows])
        left.set_xlabel("sentence length (words)")
        left.set_ylabel("test accuracy")
        left.set_title(f"{data.name}: accuracy by length (last-state pooling)")
        left.legend()
        right.bar([g["cell"].upper() for g in grads], [g["first/last"] for g in grads], color="#48c",
                  yerr=[g["first/last ±"] for g in grads], capsize=4)
        right.set_yscale("log")
        right.set_ylabel("gradient norm, first 5 / last 5 steps")
        right.set_title("gradient reaching the start (100 longest sentences)")

    return Report(
        "length", f"Sequence length on {data.name}", rows, conclusion_real(rows, data.name),
        extra=[Table("Gradient norm at the first and last 5 time steps (100 longest test sentences)", grads)],
        notes=[f"{data.name}: {len(data.train):,} train / {len(data.test):,} test sentences; random {dim}-d "
               f"embeddings, {hidden} hidden units, last-state pooling, LSTM forget-gate bias {LSTM_FORGET_BIAS:g} at the "
               f"start, {epochs} epochs. " + seeds_note(seeds)],
        config={"dataset": dataset, "dim": dim, "hidden": hidden, "epochs": epochs, "seeds": list(seeds),
                "quick": quick},
        draw=draw, runs=runs + grad_runs)


def run(dataset: str = "synthetic", *, mirror=None, seeds=(1, 2, 3), quick: bool = False, **options) -> Report:
    """`run_synthetic` for ``synthetic``, else `run_real` on the classification set `dataset`."""
    if dataset == "synthetic":
        return run_synthetic(seeds=seeds, quick=quick, **options)
    return run_real(dataset, mirror=mirror, seeds=seeds, quick=quick, **options)
