"""The queries users call: nearest words, similarity, analogies, odd one out (all through `search`).

Pure functions: they take a `Vectors`, return plain Python values and never print. All of them
work on `vectors.unit`, the unit-normalised float32 matrix computed once per `Vectors`, and agree
with gensim's `KeyedVectors` (`most_similar`, `most_similar_cosmul`, `similarity`,
`doesnt_match`) to float32 rounding, with three deliberate differences:

- a zero vector has cosine 0 with everything (gensim divides by its zero norm and returns NaN);
- equal scores are ordered by row, the more frequent word first (gensim's order is arbitrary);
- an unknown word raises `UnknownWordError` with close spellings (gensim: `KeyError`, and
  `doesnt_match` drops it silently).

A word outside the vocabulary of `SubwordVectors` (vectors trained with character n-grams) is
asked about with the vector composed from its n-grams (`Vectors.vectors_of`); answers are always
vocabulary words. `Vectors.composed(words)` says which query words were composed.

Sparse vectors (the one-hot baseline) work too, without ever densifying a vocabulary x vocabulary
matrix. For very large vocabularies, `approximate_index` builds a pynndescent graph that
`most_similar`, `similar_by_vector` and the batched forms accept as `index=`.

Example:
    >>> from embedkit import io, query
    >>> glove = io.resolve("glove-6b-50d")
    >>> query.analogy(glove, "man", "king", "woman", topn=1)   # man : king :: woman : ?
    [('queen', 0.852360...)]
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from ..errors import EmbedkitError
from ..vectors import Vectors
from .engine import Query, chunks, check_topn, cosines, limit_rows, mean_targets, method_name, normalise, search, unit_rows
from . import fused
from .topk import top_k

# -- checking arguments --------------------------------------------------------------------------

def _word_list(words, what: str) -> list[str]:
    if isinstance(words, str):
        return [words]
    words = list(words)
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"{what} must be words (str), got {word!r}")
    return words


def _check_index(vectors: Vectors, index, method: str, restrict) -> None:
    if index is None:
        return
    if index.vectors is not vectors:
        raise ValueError("this approximate index was built for other vectors")
    if method_name(method) != "3cosadd":
        raise EmbedkitError("an approximate index answers cosine queries only (method 'add')")
    if restrict is not None:
        raise EmbedkitError("restrict does not combine with an approximate index; "
                            "build the index on vectors.head(N) instead")


# -- the core: scores for many queries, best rows of each --------------------------------------


def _search(vectors: Vectors, queries: Sequence[Query], topn: int, restrict, method: str,
            index=None, extra: np.ndarray | None = None) -> list[list[tuple[str, float]]]:
    """Answers to many queries as (word, score) lists, from `search` or an approximate index."""
    method = method_name(method)
    _check_index(vectors, index, method, restrict)
    if index is not None:
        n = len(vectors)
        excluded = [[r for r in positive + negative if r < n] for positive, negative in queries]
        return index.search(mean_targets(vectors, queries, extra), check_topn(topn), excluded)
    words = vectors.words
    return [[(words[r], float(score)) for r, score in zip(rows, scores)]
            for rows, scores in search(vectors, queries, topn, restrict, method, extra=extra)]


def _lookup(vectors: Vectors, words: list[str]) -> tuple[list[int], np.ndarray | None]:
    """Rows of `words`; a word without a row but with a composed vector gets row len(vectors) + j,
    its unit vector extra[j] (see `engine.Query`). Returns (rows, extra or None).

    Raises `UnknownWordError` for a word with no vector at all.
    """
    index, n = vectors.index, len(vectors)
    unknown = list(dict.fromkeys(w for w in words if w not in index))
    if not unknown:
        return [index[w] for w in words], None
    extra = normalise(vectors.vectors_of(unknown).astype(np.float64))  # (m, dim)
    where = {w: n + j for j, w in enumerate(unknown)}
    return [index[w] if w in index else where[w] for w in words], extra


def _query(vectors: Vectors, positive, negative) -> tuple[Query, np.ndarray | None]:
    positive = _word_list(positive, "positive")
    negative = _word_list(negative, "negative")
    if not positive and not negative:
        raise EmbedkitError("a query needs at least one word")
    rows, extra = _lookup(vectors, positive + negative)
    return (rows[:len(positive)], rows[len(positive):]), extra


# -- the public functions -----------------------------------------------------------------------

def most_similar(vectors: Vectors, positive, negative=(), topn: int = 10, restrict: int | None = None,
                 method: str = "add", index=None) -> list[tuple[str, float]]:
    """The `topn` words closest to the positive words and farthest from the negative ones.

    Args:
        vectors: the words to search.
        positive: a word or a list of words that pull towards them.
        negative: a word or a list of words that push away.
        topn: how many answers (0 gives []).
        restrict: answer only from the first `restrict` rows, the most frequent words in files
            embedkit writes (gensim's `restrict_vocab`).
        method: "add" ranks by cosine with the normalised mean of the unit vectors of the
            positive words and the negated negative ones (3CosAdd, gensim's `most_similar`);
            "mul" by 3CosMul (gensim's `most_similar_cosmul`), see `analogy`.
        index: an `ApproximateIndex` from `approximate_index(vectors)` (method "add" only).

    Returns:
        [(word, score)], best first, without the query words; scores are cosines for "add".

    Raises:
        UnknownWordError: a query word is not in the vocabulary (with close spellings).

    Example:
        >>> [(word, round(cos, 4)) for word, cos in most_similar(glove, "frog", topn=3)]
        [('snake', 0.8445), ('ape', 0.7938), ('toad', 0.7908)]
        >>> [word for word, cos in most_similar(glove, ["king", "woman"], ["man"], topn=2)]
        ['queen', 'throne']
    """
    query, extra = _query(vectors, positive, negative)
    return _search(vectors, [query], topn, restrict, method, index, extra)[0]


def most_similar_batch(vectors: Vectors, words: Iterable[str], topn: int = 10,
                       restrict: int | None = None, index=None) -> list[list[tuple[str, float]]]:
    """`most_similar(vectors, word, ...)` for many words at once, one matrix product per chunk.

    Returns one answer list per word, in the order given: the same words as one-by-one
    `most_similar` calls, the same scores to float32 rounding (a matrix-matrix product sums in
    another order than a matrix-vector one).

    Example:
        >>> [answers[0][0] for answers in most_similar_batch(glove, ["tokyo", "monday"], topn=1)]
        ['osaka', 'tuesday']
    """
    rows, extra = _lookup(vectors, _word_list(words, "words"))
    return _search(vectors, [([r], []) for r in rows], topn, restrict, "add", index, extra)


def similar_by_vector(vectors: Vectors, vector, topn: int = 10, restrict: int | None = None,
                      index=None) -> list[tuple[str, float]]:
    """The `topn` words whose cosine with `vector` (shape (dim,)) is largest; nothing excluded.

    Example:
        >>> [(word, round(cos, 4)) for word, cos in similar_by_vector(glove, glove["king"], topn=2)]
        [('king', 1.0), ('prince', 0.8236)]
    """
    vector = np.asarray(vector.toarray() if sp.issparse(vector) else vector, dtype=np.float64)
    return similar_by_vectors(vectors, vector.reshape(1, -1), topn, restrict, index)[0]


def similar_by_vectors(vectors: Vectors, matrix, topn: int = 10, restrict: int | None = None,
                       index=None) -> list[list[tuple[str, float]]]:
    """`similar_by_vector` for each row of `matrix` (b, dim), batched."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != vectors.dim:
        raise ValueError(f"expected vectors of shape (b, {vectors.dim}), got {matrix.shape}")
    topn = check_topn(topn)
    _check_index(vectors, index, "add", restrict)
    q = normalise(matrix)
    if index is not None:
        return index.search(q, topn, [[] for _ in q])
    limit, answers = limit_rows(vectors, restrict), []
    if topn and not vectors.is_sparse and len(q) >= fused.MIN_QUERIES:
        return [[(vectors.words[r], float(s)) for r, s in zip(*best)]
                for best in fused.cosine_top_k(vectors.unit, q, limit, topn, [[] for _ in q])]
    buffer, parts = chunks(vectors, len(q), limit)
    for part in parts:
        for row in cosines(vectors, q[part], limit, buffer):
            answers.append([(vectors.words[r], float(row[r])) for r in top_k(row, topn)])
    return answers


def similarity(vectors: Vectors, a: str, b: str) -> float:
    """Cosine similarity of two words (0.0 when either vector is zero).

    Example:
        >>> round(similarity(glove, "cat", "dog"), 4)
        0.9218
    """
    u = unit_rows(vectors, *_lookup(vectors, [a, b]))
    return float(u[0] @ u[1])


def analogy(vectors: Vectors, a: str, b: str, c: str, method: str = "add", topn: int = 5,
            restrict: int | None = None, index=None) -> list[tuple[str, float]]:
    """"`a` is to `b` as `c` is to ?": the best answers, never `a`, `b` or `c` themselves.

    Args:
        method: "add" (3CosAdd, Mikolov et al. 2013): cosine with b - a + c (of unit vectors);
            "mul" (3CosMul, Levy & Goldberg 2014): cos'(x, b) * cos'(x, c) / (cos'(x, a) + 1e-6)
            with cos' = (1 + cos) / 2, which keeps one large similarity from dominating.
        topn, restrict, index: as in `most_similar`.

    Returns:
        [(word, score)], best first.

    Example:
        >>> analogy(glove, "man", "king", "woman", method="mul", topn=1)
        [('queen', 0.928890...)]
    """
    return most_similar(vectors, [b, c], [a], topn, restrict, method, index)


def analogy_batch(vectors: Vectors, triples: Iterable[Sequence[str]], method: str = "add",
                  topn: int = 1, restrict: int | None = None, index=None
                  ) -> list[list[tuple[str, float]]]:
    """`analogy` for many (a, b, c) triples at once; one answer list per triple, in order."""
    words = []
    for triple in triples:
        if isinstance(triple, str) or len(triple) != 3:
            raise EmbedkitError(f"an analogy needs three words (a, b, c), got {triple!r}")
        words += _word_list(triple, "an analogy")
    rows, extra = _lookup(vectors, words)
    queries = [([b, c], [a]) for a, b, c in zip(rows[0::3], rows[1::3], rows[2::3])]
    return _search(vectors, queries, topn, restrict, method, index, extra)


def rank_by_centrality(vectors: Vectors, words: Sequence[str]) -> list[tuple[str, float]]:
    """The words with their cosine to the normalised mean of their unit vectors, most central first.

    Ordered as gensim's `rank_by_centrality` orders them (by cosine, then by word, descending).
    """
    words = _word_list(words, "words")
    if not words:
        raise EmbedkitError("no words to rank")
    unit = unit_rows(vectors, *_lookup(vectors, words)).astype(np.float64)  # (m, dim)
    centre = normalise(unit.mean(axis=0, keepdims=True))[0].astype(np.float64)
    cosines = (unit @ centre).astype(np.float32)
    return [(word, float(cos)) for cos, word in sorted(zip(cosines, words), reverse=True)]


def odd_one_out(vectors: Vectors, words: Sequence[str]) -> str:
    """The word least like the others: the farthest from their mean (gensim's `doesnt_match`).

    Example:
        >>> odd_one_out(glove, ["breakfast", "lunch", "dinner", "car"])
        'car'
    """
    words = _word_list(words, "words")
    if len(words) < 3:
        raise EmbedkitError(f"odd one out needs at least 3 words, got {len(words)}")
    return rank_by_centrality(vectors, words)[-1][0]
