"""The training vocabulary (`Vocab`) and the rules that choose it from the counts (`VocabRules`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

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
                     total_words: int | None = None, rules: "VocabRules | None" = None) -> "Vocab":
        """Keep words seen at least `min_count` times, at most `max_vocab` of them (or as `rules` say)."""
        rules = rules if rules is not None else VocabRules(min_count=min_count, max_vocab=max_vocab)
        keys = list(counter)
        counts = np.fromiter(counter.values(), dtype=np.int64, count=len(keys))
        total = int(counts.sum()) if total_words is None else total_words
        vocab, _ = rules.select(counts, lambda ids: [keys[i] for i in ids.tolist()], total)
        return vocab

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


@dataclass(frozen=True)
class VocabRules:
    """Which counted words become the vocabulary, and in which order.

    Applied in this order:

    1. `max_final_vocab` (gensim's): min_count rises to one more than the count of the
       (max_final_vocab + 1)-th most frequent word, so that at most max_final_vocab words pass it
       (fewer when words tie at the cut, as in gensim);
    2. words seen at least that often are kept, words of `drop` never;
    3. most frequent first, ties in first-appearance order; at most `max_vocab` of them;
    4. words of `keep` that occur are kept whatever their count, on top of `max_vocab`, and take
       their place by count;
    5. with a `base` vocabulary (continued training), its words come first, in its order, all of
       them, their counts raised by the new ones; the new corpus's words the rules keep follow.

    Attributes:
        min_count: words seen fewer times are left out.
        max_vocab: at most this many words (the most frequent), besides `keep`.
        max_final_vocab: gensim's rule, see 1.
        keep, drop: words always kept (when they occur), never kept.
        base: the vocabulary of the model training continues, or None.

    Example:
        >>> rules = VocabRules(min_count=1, max_final_vocab=2, keep=frozenset({"d"}))
        >>> vocab, remap = rules.select(np.array([5, 3, 3, 1]), lambda ids: ["abcd"[i] for i in ids], 12)
        >>> vocab.words, remap.tolist()
        (['a', 'd'], [0, -1, -1, 1])
    """

    min_count: int = 5
    max_vocab: int | None = None
    max_final_vocab: int | None = None
    keep: frozenset = frozenset()
    drop: frozenset = frozenset()
    base: Vocab | None = None

    @classmethod
    def from_config(cls, config, base: Vocab | None = None) -> "VocabRules":
        """The rules a `SkipGramConfig` sets (min_count, max_vocab, max_final_vocab, keep/drop_words)."""
        return cls(min_count=config.min_count, max_vocab=config.max_vocab,
                   max_final_vocab=getattr(config, "max_final_vocab", None),
                   keep=frozenset(getattr(config, "keep_words", ())), drop=frozenset(getattr(config, "drop_words", ())),
                   base=base)

    def effective_min_count(self, counts: np.ndarray) -> int:
        """min_count raised by max_final_vocab (gensim's `effective_min_count`)."""
        counts = np.asarray(counts, dtype=np.int64)
        if self.max_final_vocab is None or self.max_final_vocab >= counts.shape[0]:
            return self.min_count
        cut = np.partition(-counts, self.max_final_vocab)[self.max_final_vocab]  # the (m+1)-th largest, negated
        return max(self.min_count, int(-cut) + 1)

    def select(self, counts, words: Callable[[np.ndarray], list[str]], total_words: int) -> tuple[Vocab, np.ndarray]:
        """The vocabulary of counted words, and each counted word's id in it.

        Args:
            counts: (n,) counts of the distinct words, in first-appearance order.
            words: words(ids) -> the strings of those positions (called only for what is needed).
            total_words: tokens in the corpus, kept or not.

        Returns:
            (Vocab, remap): remap (n,) int32 is each counted word's id in the vocabulary, -1 if left out.
        """
        counts = np.asarray(counts, dtype=np.int64)
        n = counts.shape[0]
        minimum = self.effective_min_count(counts)
        chosen = counts >= minimum
        names = words(np.arange(n)) if (self.keep or self.drop or self.base is not None) else None
        keep = np.zeros(n, bool)
        if self.drop:
            chosen &= ~np.fromiter((w in self.drop for w in names), bool, n)
        if self.keep:
            keep = np.fromiter((w in self.keep for w in names), bool, n)
        order = np.flatnonzero(chosen)
        order = order[np.argsort(-counts[order], kind="stable")]   # ids are in first-appearance order
        if self.max_vocab is not None:
            order = order[:self.max_vocab]
        if keep.any():
            extra = np.setdiff1d(np.flatnonzero(keep), order)
            order = np.concatenate([order, extra])
            order = order[np.lexsort((order, -counts[order]))]
        remap = np.full(n, -1, np.int32)
        if self.base is None:
            remap[order] = np.arange(order.shape[0], dtype=np.int32)
            picked = [names[i] for i in order.tolist()] if names is not None else words(order)
            vocab = Vocab(picked, counts[order], total_words, minimum, self.max_vocab)
            return vocab, remap
        base = self.base
        old = np.fromiter((base.index.get(w, -1) for w in names), np.int64, n)   # (n,) id in base or -1
        present = np.flatnonzero(old >= 0)
        new = order[old[order] < 0]
        merged = base.counts.copy()
        np.add.at(merged, old[present], counts[present])
        remap[present] = old[present]
        remap[new] = len(base) + np.arange(new.shape[0], dtype=np.int32)
        vocab = Vocab(base.words + [names[i] for i in new.tolist()], np.concatenate([merged, counts[new]]),
                      total_words, minimum, self.max_vocab)
        return vocab, remap
