"""How long a cell of the compare grid takes, estimated before training (`embedkit compare --dry-run`).

A recurrent run costs (expected epochs) x (training tokens x cost per token + training texts x cost
per text, plus the dev set's at the cost of evaluating them). The cost per text is the fixed work of
a batch's time steps, spread over its texts: it dominates on sets of short texts (MPQA, 3 tokens a
text). Both costs were fitted by least squares to the seconds per epoch of 49 BiLSTM cells with 50-d
inputs (`bench/estimate_fit.py`): the fixed-split Kim table, and CR, MPQA and part of MR under 10 folds
(`bench/kim_table.py`, one thread per run, 2 runs at a time on the 2-core benchmark machine, hidden
100), and scale with the directions and the hidden size. A baseline costs a measured time per
thousand texts and fold. The estimate is a guide, not a promise: a busy machine, early stopping and
other hardware move it. No torch here.
"""

from __future__ import annotations

# seconds per training token and epoch, per direction, hidden 100, one thread (backward included);
# LSTM fitted (bench/estimate_fit.py: 24.75 us a token, both directions), GRU and RNN in the ratio to
# it measured before (5 : 10 : 9)
TRAIN_TOKEN_SECONDS = {"rnn": 6.9e-6, "gru": 13.8e-6, "lstm": 12.4e-6}
TRAIN_TEXT_SECONDS = 42e-6  # per training text and epoch, per direction (fitted: 84.0 us, both directions)
ONEHOT_FACTOR = 1.13       # one-hot inputs: the sparse update of the gate-sized lookup (SST-2 BiLSTM: 3.41 CPU s
                           # an epoch against 3.01 for 50-d inputs, bench/results/onehot_vs_random.txt)
EVAL_SHARE = 0.35          # evaluating a token costs this share of training on it
EVAL_TEXT_SHARE = 0.07     # and a text this share: evaluation batches are 256 texts, not 50
BASELINE_SECONDS_PER_1K = {"bow": 1.0, "nbsvm": 0.35, "avg": 0.8}  # per fold, per 1,000 labelled texts
EXTRA_EPOCHS = 7           # early stopping: about patience + 7 epochs are trained (at most `epochs`)


def tokens(texts) -> int:
    from .tokenizer import sentence_tokens

    return sum(len(sentence_tokens(t)) for t in texts)


def run_sizes(data, folds: int | None) -> tuple[float, float, float, float]:
    """(train tokens, train texts, dev tokens, dev texts) of one run on `data`.

    Under K-fold cross-validation a fold trains on 81% of the texts (dev 9%). Otherwise the
    splits are `splits.split_data`'s: without a test split 80% train and 10% dev of everything,
    without a dev split 90% and 10% of train, else the data set's own.
    """
    every = [t for s in (data.train, data.dev, data.test) if s is not None for t in s.texts]
    if folds:
        n = tokens(every)
        return 0.81 * n, 0.81 * len(every), 0.09 * n, 0.09 * len(every)
    if data.dev is not None:
        return tokens(data.train.texts), len(data.train), tokens(data.dev.texts), len(data.dev)
    train, dev = (0.8, 0.1) if data.test is None else (0.9, 0.1)
    n = tokens(data.train.texts)
    return train * n, train * len(data.train), dev * n, dev * len(data.train)


def cell_seconds(data, cell, config, runs: int, folds: int | None) -> float:
    """Estimated seconds of one grid cell (`grid.Cell`) with `runs` runs on `data`."""
    from .runs import is_baseline

    if is_baseline(cell.embeddings):
        texts = sum(len(s) for s in (data.train, data.dev, data.test) if s is not None)
        kind = cell.embeddings if cell.embeddings in BASELINE_SECONDS_PER_1K else "avg"
        return runs * BASELINE_SECONDS_PER_1K[kind] * texts / 1000
    train, train_texts, dev, dev_texts = run_sizes(data, folds)
    scale = (2 if cell.bidirectional else 1) * config.hidden / 100
    per_token = TRAIN_TOKEN_SECONDS[cell.cell] * scale
    if cell.embeddings == "onehot":
        per_token *= ONEHOT_FACTOR
    per_text = TRAIN_TEXT_SECONDS * scale
    epochs = min(config.epochs, config.patience + EXTRA_EPOCHS)
    return runs * epochs * (per_token * (train + EVAL_SHARE * dev) + per_text * (train_texts + EVAL_TEXT_SHARE * dev_texts))


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
