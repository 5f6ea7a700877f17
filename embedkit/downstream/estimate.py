"""How long a cell of the compare grid takes, estimated before training (`embedkit compare --dry-run`).

A recurrent run costs (expected epochs) x (training tokens x cost per token + dev tokens x the
cost of evaluating one); the cost per token of each cell was measured on one thread of the 2-core
benchmark machine (BiLSTM, hidden 100, ``bench/results/kim_table.txt``) and scales with the
directions and the hidden size. A baseline costs a measured time per thousand texts and fold. The
estimate is a guide, not a promise: a busy machine, early stopping and other hardware move it.
No torch here.
"""

from __future__ import annotations

# seconds per training token and epoch, per direction, hidden 100, one thread (backward included)
TRAIN_TOKEN_SECONDS = {"rnn": 5e-6, "gru": 10e-6, "lstm": 9e-6}
ONEHOT_FACTOR = 2.0        # one-hot inputs: the gate-sized lookup and its sparse update
EVAL_SHARE = 0.35          # evaluating a token costs this share of training on it
BASELINE_SECONDS_PER_1K = {"bow": 1.0, "nbsvm": 0.35, "avg": 0.8}  # per fold, per 1,000 labelled texts
EXTRA_EPOCHS = 7           # early stopping: about patience + 7 epochs are trained (at most `epochs`)


def tokens(texts) -> int:
    from .tokenizer import sentence_tokens

    return sum(len(sentence_tokens(t)) for t in texts)


def cell_seconds(data, cell, config, runs: int, folds: int | None) -> float:
    """Estimated seconds of one grid cell (`grid.Cell`) with `runs` runs on `data`."""
    from .runs import is_baseline

    texts = sum(len(s) for s in (data.train, data.dev, data.test) if s is not None)
    if is_baseline(cell.embeddings):
        kind = cell.embeddings if cell.embeddings in BASELINE_SECONDS_PER_1K else "avg"
        return runs * BASELINE_SECONDS_PER_1K[kind] * texts / 1000
    every = tokens(t for s in (data.train, data.dev, data.test) if s is not None for t in s.texts)
    # under cross-validation a fold trains on 81% of the texts (dev 9%), else on the train split
    train = 0.81 * every if folds else tokens(data.train.texts) * (0.9 if data.dev is None else 1.0)
    dev = 0.09 * every if folds else (tokens(data.dev.texts) if data.dev is not None else 0.1 * train)
    per_token = TRAIN_TOKEN_SECONDS[cell.cell] * (2 if cell.bidirectional else 1) * config.hidden / 100
    if cell.embeddings == "onehot":
        per_token *= ONEHOT_FACTOR
    epochs = min(config.epochs, config.patience + EXTRA_EPOCHS)
    return runs * epochs * per_token * (train + EVAL_SHARE * dev)


def format_seconds(seconds: float) -> str:
    """'45 s', '12 min', '2.3 h'.

    Example:
        >>> format_seconds(42), format_seconds(720), format_seconds(8280)
        ('42 s', '12 min', '2.3 h')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
