"""TODO."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence
import numpy as np


class Vocab:
    """The training vocabulary: words (most frequent first) and their counts.

    Ties in frequency keep the order of first appearance, as gensim does, so both engines see
    the same word ids.

    Attributes
    ----------
    words : list[str]            kept words, most frequent first
    counts : int64 array (n,)    their corpus counts
    total_words : int            every token in the corpus, kept or not
    min_count, max_vocab         the thresholds that built it
    """

    def __init__(self, words: Sequence[str], counts, total_words: int | None = None,
                 min_count: int = 1, max_vocab: int | None = None):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.total_words = int(self.counts.sum() if total_words is None else total_words)
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def from_counter(cls, counter: Counter, *, min_count: int = 5, max_vocab: int | None = None,
                     total_words: int | None = None) -> "Vocab":
        """Keep words seen at least `min_count` times, at most `max_vocab` of them."""
        kept = [(w, c) for w, c in counter.items() if c >= min_count]
        kept.sort(key=lambda wc: -wc[1])  # stable: ties keep first-appearance order
        if max_vocab is not None:
            kept = kept[:max_vocab]
        total = sum(counter.values()) if total_words is None else total_words
        return cls([w for w, _ in kept], [c for _, c in kept], total, min_count, max_vocab)

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], *, min_count: int = 5,
              max_vocab: int | None = None) -> "Vocab":
        """Count the words of `sentences` (one pass) and keep the frequent ones."""
        counter: Counter = Counter()
        for sentence in sentences:
            counter.update(sentence)
        return cls.from_counter(counter, min_count=min_count, max_vocab=max_vocab)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    @property
    def retained_words(self) -> int:
        """Tokens of the corpus that are in the vocabulary."""
        return int(self.counts.sum())

    def keep_probabilities(self, sample: float) -> np.ndarray:
        """Probability that each word survives frequent-word subsampling, float64 (n,).

        Mikolov et al.'s formula as word2vec.c and gensim compute it, with f the word's count
        and t = sample x (tokens in the vocabulary): p = (sqrt(f / t) + 1) * t / f, capped at 1.
        `sample` = 0 turns subsampling off (all 1).
        """
        if sample <= 0 or len(self) == 0:
            return np.ones(len(self))
        threshold = sample * self.retained_words
        counts = self.counts.astype(np.float64)
        return np.minimum(1.0, (np.sqrt(counts / threshold) + 1.0) * threshold / counts)

    def noise_distribution(self, power: float = 0.75) -> np.ndarray:
        """Negative-sampling distribution: counts**power normalised, float64 (n,)."""
        weights = self.counts.astype(np.float64) ** power
        return weights / weights.sum()

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Word ids of the tokens that are in the vocabulary, int32 (others dropped)."""
        index = self.index
        return np.fromiter((index[t] for t in tokens if t in index), dtype=np.int32)
