"""Parameters of the cells: counted from the models, checked against the formulas, with accuracy.

A recurrent layer of `hidden` units reading `input` features has, per direction, G weight blocks
(gates), each an input matrix (hidden x input), a recurrent matrix (hidden x hidden) and, in torch,
two bias vectors (b_ih and b_hh, hidden each):

    params = G * (hidden * input + hidden * hidden + 2 * hidden)       G = 1 RNN, 3 GRU, 4 LSTM

Bidirectional layers double it; layer 2 and above read the previous layer's output, hidden
(x 2 when bidirectional) features wide.
"""

from __future__ import annotations

import time

from ..errors import EmbedkitError
from .report import Report, Table, accuracy_axis, aggregate, chance_level, pm, seeds_note

CELLS = ("rnn", "gru", "lstm")
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def formula(cell: str, input_size: int, hidden: int, layers: int = 1, bidirectional: bool = False,
            bias: bool = True) -> int:
    """Trainable parameters of a torch RNN/GRU/LSTM, from the formula in the module docstring."""
    if cell not in GATES:
        raise EmbedkitError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}")
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        width = input_size if layer == 0 else hidden * directions
        block = hidden * width + hidden * hidden + (2 * hidden if bias else 0)
        total += directions * GATES[cell] * block
    return total


def counted(cell: str, input_size: int, hidden: int, layers: int = 1, bidirectional: bool = False) -> int:
    """Trainable parameters of a freshly built torch.nn.RNN/GRU/LSTM, counted from its tensors."""
    from ..downstream.model import count_parameters
    from ..downstream.needs_torch import require_torch

    torch = require_torch()

    module = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell](
        input_size, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    return count_parameters(module)


GRID = [(50, 100, 1, False), (50, 100, 1, True), (50, 100, 2, False), (300, 256, 2, True)]


def conclusion(rows: list[dict], grid_rows: list[dict]) -> str:
    """One sentence from the rows (cell, formula, counted, accuracy, s/epoch)."""
    by = {r["cell"]: r for r in rows}
    agree = sum(r["counted"] == r["formula"] for r in grid_rows + rows)
    total = len(grid_rows) + len(rows)
    parts = []
    if "rnn" in by:
        base = by["rnn"]["counted"]
        ratios = [f"{c.upper()} has {by[c]['counted'] / base:.1f}x" for c in ("gru", "lstm") if c in by]
        if ratios:
            parts.append(" and ".join(ratios) + " the recurrent parameters of the simple RNN")
    verdict = (f"the formula matches the count in {agree} of {total} configurations" if agree == total
               else f"the formula disagrees with the count in {total - agree} of {total} configurations")
    runs = ", ".join(f"{r['cell'].upper()} {pm(r, 'accuracy')} at {pm(r, 's/epoch', lambda x: f'{x:.2f}')} s/epoch"
                     for r in rows)
    head = "; ".join(parts + [verdict])
    return f"{head[0].upper()}{head[1:]}; accuracy: {runs}."


def run(dataset: str = "synthetic", *, mirror=None, cells=CELLS, dim: int = 50, hidden: int = 100,
        layers: int = 1, bidirectional: bool = False, epochs: int = 5, seeds=(1, 2, 3),
        quick: bool = False) -> Report:
    """Count each cell's parameters, check them against `formula`, train it on `dataset` once per seed."""
    from ..downstream.config import ClassifierConfig
    from ..downstream.model import count_parameters
    from ..downstream.training import train_classifier
    from .data import load

    if quick:
        epochs, hidden, dim = min(epochs, 2), min(hidden, 32), min(dim, 16)
    data = load(dataset, mirror=mirror, seed=seeds[0], quick=quick)
    runs = []
    for seed, cell in ((seed, cell) for seed in seeds for cell in cells):
        config = ClassifierConfig(embeddings="random", dim=dim, cell=cell, hidden=hidden, layers=layers,
                                  bidirectional=bidirectional, pooling="last", epochs=epochs, patience=epochs,
                                  seed=seed, device="cpu")
        started = time.perf_counter()
        trained = train_classifier(data, config, progress=False)
        seconds = time.perf_counter() - started
        history = trained.history or [{}]
        per_epoch = [h.get("seconds") for h in history if h.get("seconds") is not None]
        runs.append({
            "cell": cell, "gates": GATES[cell], "seed": seed,
            "formula": formula(cell, dim, hidden, layers, bidirectional),
            "counted": count_parameters(trained.model.rnn),  # the recurrent layer of the trained model
            "model params": count_parameters(trained.model),
            "accuracy": float(trained.evaluate(data.test)["accuracy"]),
            "s/epoch": sum(per_epoch) / len(per_epoch) if per_epoch else seconds / max(1, len(history)),
        })
    rows = aggregate(runs, ["cell", "gates", "formula", "counted", "model params"], ["accuracy", "s/epoch"])
    grid_rows = []
    for input_size, size, n_layers, bi in GRID:
        for cell in CELLS:
            grid_rows.append({"cell": cell, "input": input_size, "hidden": size, "layers": n_layers,
                              "bidirectional": bi, "counted": counted(cell, input_size, size, n_layers, bi),
                              "formula": formula(cell, input_size, size, n_layers, bi)})

    def draw(fig):
        left, right = fig.subplots(1, 2)
        names = [r["cell"].upper() for r in rows]
        left.bar(names, [r["counted"] for r in rows], color="#48c", label="counted")
        left.plot(names, [r["formula"] for r in rows], "o", color="#c44", label="formula")
        left.set_ylabel("trainable parameters of the recurrent layer")
        left.set_title(f"input {dim}, hidden {hidden}, {layers} layer(s){', bidirectional' if bidirectional else ''}")
        left.legend()
        right.errorbar([r["s/epoch"] for r in rows], [r["accuracy"] for r in rows], xerr=[r["s/epoch ±"] for r in rows],
                       yerr=[r["accuracy ±"] for r in rows], fmt="o", markersize=8, capsize=4, color="#48c")
        for i, r in enumerate(rows):  # stepped up, so that cells of equal accuracy and time stay legible
            right.annotate(r["cell"].upper(), (r["s/epoch"], r["accuracy"]), textcoords="offset points",
                           xytext=(6, 4 + 11 * i))
        accuracy_axis(right, chance_level(data.test.labels),
                      [r["accuracy"] - r["accuracy ±"] for r in rows])
        right.legend(loc="lower right", fontsize=8)
        right.set_xlabel("seconds per epoch")
        right.set_ylabel(f"test accuracy ({data.name})")
        right.set_title("accuracy against time")

    return Report(
        "cells", "Parameters of the RNN, GRU and LSTM cells", rows, conclusion(rows, grid_rows),
        extra=[Table("Counted against the formula for other sizes", grid_rows)],
        notes=["formula / counted: trainable parameters of the recurrent layer; model params: the whole classifier "
               "(embeddings and output layer too). params = G x (hidden x input + hidden x hidden + 2 x hidden) per layer and direction, "
               "G = 1 (RNN), 3 (GRU), 4 (LSTM); torch keeps two bias vectors per block. "
               f"Trained on {data.name} ({len(data.train):,} train / {len(data.test):,} test texts), "
               "last-state pooling, random embeddings. " + seeds_note(seeds)],
        config={"dataset": dataset, "dim": dim, "hidden": hidden, "layers": layers,
                "bidirectional": bidirectional, "epochs": epochs, "seeds": list(seeds), "quick": quick},
        draw=draw, runs=runs)
