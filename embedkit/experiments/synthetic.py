"""Synthetic tasks with a known answer: the label is decided by one marker word at a known place.

Every sequence is made of *distractor* words ``w0 .. w{V-1}``, drawn uniformly and independently
of the label, plus one *marker*: ``a`` for class ``A`` or ``b`` for class ``B``. The markers occur
nowhere else, so the marker alone decides the label and the distractors carry no signal. Classes
are balanced exactly (n // 2 each, shuffled).

- `length_task`: the marker sits exactly `k` positions from the end (k=1: the last word), after a
  random prefix of 1..`prefix` distractors. A forward recurrent network that classifies from its
  last state must carry the marker through k steps.
- `position_task`: sequences of a fixed length with the marker anywhere (uniformly); the position
  is returned so that accuracy can be read by where the deciding word sits.

Example:
    >>> task = length_task(k=3, n=4, seed=0)
    >>> [t.split()[-3] for t in task.texts] == [label.lower() for label in task.labels]
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..downstream.datasets import ClassificationData, LabelledTexts
from ..errors import EmbedkitError

CLASSES = ("A", "B")
GATE_BIAS = 5.0  # LSTM forget / GRU update gates start open: a memory time scale of about e^5 = 150 steps
MARKERS = {"A": "a", "B": "b"}


@dataclass
class SyntheticTask:
    """Texts, labels and where each marker sits (0-based index from the start, and length)."""

    texts: list[str]
    labels: list[str]
    positions: list[int]   # index of the marker in each sequence
    lengths: list[int]     # number of words in each sequence

    def split(self) -> LabelledTexts:
        return LabelledTexts(list(self.texts), list(self.labels))


def _labels(n: int, rng: np.random.Generator) -> list[str]:
    if n < 2:
        raise EmbedkitError(f"a synthetic task needs at least 2 sequences, got {n}")
    labels = np.array([CLASSES[i % 2] for i in range(n - n % 2)] + ([CLASSES[0]] if n % 2 else []))
    rng.shuffle(labels)
    return labels.tolist()


def _distractors(rng: np.random.Generator, count: int, vocab: int) -> list[str]:
    return [f"w{i}" for i in rng.integers(0, vocab, count)]


def length_task(k: int, n: int = 1000, *, prefix: int = 10, vocab: int = 20, seed: int = 0) -> SyntheticTask:
    """`n` sequences whose label is the marker placed `k` words from the end (see the module doc).

    Args:
        k: distance of the marker from the end, at least 1 (1 = the last word).
        n: number of sequences (classes balanced: n // 2 each).
        prefix: distractors before the marker: 1..prefix, uniformly (so the marker's index from
            the start varies and only its distance from the end is fixed).
        vocab: number of distinct distractor words.
        seed: seeds everything.
    """
    if k < 1:
        raise EmbedkitError(f"k must be at least 1 (1 = the last word), got {k}")
    if vocab < 1 or prefix < 1:
        raise EmbedkitError("vocab and prefix must be at least 1")
    rng = np.random.default_rng(seed)
    labels = _labels(n, rng)
    texts, positions, lengths = [], [], []
    for label in labels:
        before = int(rng.integers(1, prefix + 1))
        words = _distractors(rng, before, vocab) + [MARKERS[label]] + _distractors(rng, k - 1, vocab)
        texts.append(" ".join(words))
        positions.append(before)
        lengths.append(len(words))
    return SyntheticTask(texts, labels, positions, lengths)


def position_task(length: int = 40, n: int = 1000, *, vocab: int = 20, seed: int = 0) -> SyntheticTask:
    """`n` sequences of `length` words with the marker at a uniformly random position."""
    if length < 1:
        raise EmbedkitError(f"length must be at least 1, got {length}")
    rng = np.random.default_rng(seed)
    labels = _labels(n, rng)
    texts, positions = [], []
    for label in labels:
        at = int(rng.integers(0, length))
        words = _distractors(rng, length, vocab)
        words[at] = MARKERS[label]
        texts.append(" ".join(words))
        positions.append(at)
    return SyntheticTask(texts, labels, positions, [length] * len(labels))


def fixed_vectors(dim: int, *, vocab: int = 20, seed: int = 0):
    """`Vectors` for the markers and the `vocab` distractor words, drawn once from N(0, 1).

    Used frozen: unit-scale inputs, so the marker stands out from the recurrent state at the start
    of training (the classifier's own random embeddings are uniform in +-0.25), and fixed, so no
    cell can mute the distractors by shrinking their vectors: only gates can keep them out.
    """
    from ..vectors import Vectors

    words = list(MARKERS.values()) + [f"w{i}" for i in range(vocab)]
    return Vectors(words, np.random.default_rng(seed).standard_normal((len(words), dim)))


def synthetic_settings(config):
    """`config` for a synthetic marker task: the fixed N(0, 1) word vectors (`fixed_vectors`, passed
    to `train_classifier` as `vectors`) and, for LSTM and GRU, gates that start open."""
    from dataclasses import replace

    return replace(config, embeddings="given", freeze=True,
                   forget_bias=0.0 if config.cell == "rnn" else GATE_BIAS)


def as_data(train: SyntheticTask, dev: SyntheticTask, test: SyntheticTask, name: str) -> ClassificationData:
    """Three tasks (drawn with different seeds) as a `ClassificationData` for `train_classifier`."""
    return ClassificationData(name, train.split(), dev.split(), test.split(), list(CLASSES),
                              "synthetic marker task (embedkit.experiments.synthetic)")
