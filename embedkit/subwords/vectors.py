"""`SubwordVectors`: `Vectors` that also hold fastText's n-gram rows, so every word gets a vector.

The rows of `matrix` are the vocabulary's composed vectors (each word's own row and its n-gram
rows averaged, `SubwordModel.word_vectors`): what a whole-word file (.vec) holds and what every
query, plot and classifier reads. `subwords`, the `SubwordModel` beside it, composes a vector
for a word outside the vocabulary from its character n-grams (`vectors_of`, `vector`); only a
word none of whose n-grams was trained stays unknown (`UnknownWordError`).

Membership keeps its meaning: ``word in vectors`` and `row` are about the vocabulary; a composed
word has no row, and `is_composed` says which words are so. New sets made with `take`, `subset`
or `head` hold rows only (plain `Vectors`): their vocabulary is not the one the n-grams were
trained with.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from .ngrams import SubwordModel
from ..vectors import Vectors


class SubwordVectors(Vectors):
    """Word vectors with fastText's n-gram rows: a vector for any word with a trained n-gram.

    Args:
        words: the vocabulary, in row order (the same words, in the same order, as `subwords`).
        matrix: (n, dim) the words' composed vectors; default `subwords.word_vectors()`.
        counts, meta, check: as for `Vectors`.
        subwords: the `SubwordModel` (input matrix, n-gram settings) the vectors come from.

    Raises:
        ValueError: `subwords` holds other words, or another dimension, than `words` and `matrix`.

    Example:
        >>> from embedkit.subwords import NgramSettings, subword_rows
        >>> settings = NgramSettings(3, 3, 1000)
        >>> rows = subword_rows(["ab", "ba"], settings)
        >>> model = SubwordModel(["ab", "ba"], np.arange(12, dtype=np.float32).reshape(6, 2), settings, rows.buckets)
        >>> vectors = SubwordVectors(["ab", "ba"], subwords=model)
        >>> "aba" in vectors, vectors.is_composed("aba"), vectors["aba"].tolist()
        (False, True, [5.333333492279053, 6.0])
    """

    def __init__(self, words: Sequence[str], matrix=None, counts=None, meta: dict | None = None,
                 check: bool = True, *, subwords: SubwordModel, state: dict | None = None):
        super().__init__(words, subwords.word_vectors() if matrix is None else matrix, counts, meta, check,
                         state=state)
        if len(subwords.words) != len(self.words) or (check and subwords.words != self.words):
            raise ValueError("the n-gram model's vocabulary differs from the vectors' words")
        if subwords.dim != self.dim:
            raise ValueError(f"the n-gram model has dimension {subwords.dim}, the vectors {self.dim}")
        self.subwords = subwords

    def __repr__(self) -> str:
        s = self.subwords.settings
        head = ", ".join(self.words[:5]) + (", ..." if len(self) > 5 else "")
        return (f"SubwordVectors({len(self)} words x {self.dim} dims, float32: {head}; n-grams "
                f"{s.min_n}-{s.max_n} in {self.subwords.ngram_matrix.shape[0]:,} of {s.bucket:,} buckets)")

    def is_composed(self, word: str) -> bool:
        """True when `word` is outside the vocabulary and one of its n-grams has a trained row."""
        return word not in self.index and bool(self.subwords.has_vector([word])[0])

    def composed(self, words: Iterable[str]) -> list[str]:
        """The words among `words` whose vectors are composed from n-grams, in order, once each."""
        unknown = list(dict.fromkeys(w for w in words if w not in self.index))
        if not unknown:
            return []
        return [w for w, ok in zip(unknown, self.subwords.has_vector(unknown)) if ok]

    def vectors_of(self, words: Iterable[str]) -> np.ndarray:
        """The vector of each word, (n, dim) float32: its row, or composed from its n-grams.

        Raises `UnknownWordError` for a word outside the vocabulary with no trained n-gram.
        """
        words = list(words)
        rows = np.fromiter((self.index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        out = np.empty((len(words), self.dim), dtype=np.float32)
        known = rows >= 0
        out[known] = self.matrix[rows[known]]
        if not known.all():
            out[~known] = self.subwords.vectors([w for w, k in zip(words, known) if not k])
        return out

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of `word`, (dim,): its row, or composed from its n-grams."""
        if word in self.index:
            return self.matrix[self.index[word]]
        return self.vectors_of([word])[0]


def subword_vectors(model: SubwordModel, counts=None, meta: dict | None = None) -> SubwordVectors:
    """`SubwordVectors` of a trained or loaded `SubwordModel`: its words, their composed vectors."""
    return SubwordVectors(model.words, model.word_vectors(), counts, meta, check=False, subwords=model)

