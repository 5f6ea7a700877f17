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


# -- translation tasks with a known alignment ------------------------------------------------------


@dataclass
class TranslationTask:
    """Source and target sentences (lists of words) and, per pair, the true alignment: a
    (target words, source words) matrix whose row j spreads 1 over the source words target word j
    translates (one 1 for a word-for-word translation, two halves for a word that stands for two)."""

    name: str
    sources: list[list[str]]
    targets: list[list[str]]
    alignments: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.sources)


def reversal_task(n: int, *, min_len: int = 3, max_len: int = 30, vocab: int = 20, seed: int = 0) -> TranslationTask:
    """`n` random sequences of `min_len`..`max_len` symbols ``s0 .. s{vocab-1}`` and their reversal.

    The alignment is the anti-diagonal: target word j is source word L-1-j.

    Example:
        >>> task = reversal_task(1, min_len=3, max_len=3, seed=0)
        >>> task.targets[0] == task.sources[0][::-1]
        True
    """
    if not 1 <= min_len <= max_len or vocab < 1 or n < 1:
        raise EmbedkitError(f"reversal needs 1 <= min_len <= max_len, vocab >= 1 and n >= 1; got "
                            f"min_len={min_len}, max_len={max_len}, vocab={vocab}, n={n}")
    rng = np.random.default_rng(seed)
    sources, targets, alignments = [], [], []
    for _ in range(n):
        size = int(rng.integers(min_len, max_len + 1))
        words = [f"s{i}" for i in rng.integers(0, vocab, size)]
        sources.append(words)
        targets.append(words[::-1])
        alignments.append(np.eye(size)[::-1].copy())
    return TranslationTask("reversal", sources, targets, alignments)


# A toy English -> French pair: the adjective follows the noun ("the black cat" -> "le chat noir"),
# "of the" and "to the" become one word ("du", "au"), every other word is translated word for word.
NOUNS = {"cat": "chat", "dog": "chien", "house": "maison", "car": "voiture", "bird": "oiseau", "tree": "arbre",
         "book": "livre", "child": "enfant", "garden": "jardin", "river": "rivière"}
ADJECTIVES = {"big": "grand", "small": "petit", "red": "rouge", "green": "vert", "old": "vieux",
              "new": "neuf", "happy": "heureux", "black": "noir"}
VERBS = {"sees": "voit", "likes": "aime", "takes": "prend", "finds": "trouve", "eats": "mange", "follows": "suit"}
DETERMINERS = {"the": "le", "a": "un"}
PREPOSITIONS = {"with": "avec", "in": "dans", "of": "de", "to": "à"}
CONTRACTIONS = {("of", "the"): "du", ("to", "the"): "au"}  # two English words, one French word


def _noun_phrase(rng, words: list[str], french: list[tuple[str, list[int]]], prep: str | None = None) -> None:
    """Append [prep] det [adj] noun to `words` and its translation, each French word with the
    positions of the English words it translates, to `french`."""
    det = str(rng.choice(list(DETERMINERS)))
    adjective = str(rng.choice(list(ADJECTIVES))) if rng.random() < 0.5 else None
    noun = str(rng.choice(list(NOUNS)))
    at = len(words)
    if prep is not None:
        words.append(prep)
        if (prep, det) in CONTRACTIONS:
            french.append((CONTRACTIONS[prep, det], [at, at + 1]))
        else:
            french += [(PREPOSITIONS[prep], [at]), (DETERMINERS[det], [at + 1])]
        at += 1
    else:
        french.append((DETERMINERS[det], [at]))
    words.append(det)
    if adjective is None:
        words.append(noun)
        french.append((NOUNS[noun], [at + 1]))
    else:  # English: adjective noun; French: noun adjective
        words += [adjective, noun]
        french += [(NOUNS[noun], [at + 2]), (ADJECTIVES[adjective], [at + 1])]


def pair_sentence(rng: np.random.Generator, clauses: int) -> tuple[list[str], list[str], np.ndarray]:
    """One English sentence of `clauses` clauses joined by "and" (clause: NP verb NP [prep NP]),
    its French translation and their alignment."""
    words: list[str] = []
    french: list[tuple[str, list[int]]] = []
    for c in range(clauses):
        if c:
            french.append(("et", [len(words)]))
            words.append("and")
        _noun_phrase(rng, words, french)
        verb = str(rng.choice(list(VERBS)))
        french.append((VERBS[verb], [len(words)]))
        words.append(verb)
        _noun_phrase(rng, words, french)
        if rng.random() < 0.5:
            _noun_phrase(rng, words, french, prep=str(rng.choice(list(PREPOSITIONS))))
    alignment = np.zeros((len(french), len(words)))
    for j, (_, sources) in enumerate(french):
        alignment[j, sources] = 1.0 / len(sources)
    return words, [w for w, _ in french], alignment


def pair_task(n: int, *, max_clauses: int = 4, seed: int = 0) -> TranslationTask:
    """`n` English sentences of 1..`max_clauses` clauses (5 to about 11 words each) and their French.

    Example:
        >>> task = pair_task(1, max_clauses=1, seed=3)
        >>> len(task.alignments[0]) == len(task.targets[0])
        True
    """
    if n < 1 or max_clauses < 1:
        raise EmbedkitError(f"the language pair needs n >= 1 and max_clauses >= 1; got n={n}, max_clauses={max_clauses}")
    rng = np.random.default_rng(seed)
    sources, targets, alignments = [], [], []
    for _ in range(n):
        words, french, alignment = pair_sentence(rng, int(rng.integers(1, max_clauses + 1)))
        sources.append(words)
        targets.append(french)
        alignments.append(alignment)
    return TranslationTask("pair", sources, targets, alignments)


TRANSLATION_TASKS = {"reversal": reversal_task, "pair": pair_task}
