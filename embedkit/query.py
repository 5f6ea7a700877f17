"""Cosine-similarity queries over `Vectors`: nearest words, similarity, analogies, odd one out.

Pure functions: they take a `Vectors`, return plain Python values and never print. All of them
work on `vectors.unit`, the unit-normalised float32 matrix computed once per `Vectors`, and agree
with gensim's `KeyedVectors` (`most_similar`, `most_similar_cosmul`, `similarity`,
`doesnt_match`) to float32 rounding, with three deliberate differences:

- a zero vector has cosine 0 with everything (gensim divides by its zero norm and returns NaN);
- equal scores are ordered by row, the more frequent word first (gensim's order is arbitrary);
- an unknown word raises `UnknownWordError` with close spellings (gensim: `KeyError`, and
  `doesnt_match` drops it silently).

Sparse vectors (the one-hot baseline) work too, without ever densifying a vocabulary x vocabulary
matrix. For very large vocabularies, `approximate_index` builds a pynndescent graph that
`most_similar`, `similar_by_vector` and the batched forms accept as `index=`.

Example:
    >>> from embedkit import pretrained, query
    >>> glove = pretrained.resolve("glove-6b-50d")
    >>> query.analogy(glove, "man", "king", "woman", topn=1)   # man : king :: woman : ?
    [('queen', 0.852360...)]
"""

from __future__ import annotations

from numbers import Integral
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .ann import ApproximateIndex, approximate_index
from .errors import EmbedkitError
from .vectors import Vectors

__all__ = ["most_similar", "most_similar_batch", "similar_by_vector", "similar_by_vectors",
           "similarity", "analogy", "analogy_batch", "rank_by_centrality", "odd_one_out", "search",
           "top_k", "top_k_rows", "approximate_index", "ApproximateIndex", "METHODS", "METHOD_NAMES", "EPSILON"]

METHODS = ("3cosadd", "3cosmul")
# the spellings each method goes by: `embedkit analogy --method add|mul`, `evaluate --method 3cosadd|3cosmul`
METHOD_NAMES = {"add": "3cosadd", "3cosadd": "3cosadd", "mul": "3cosmul", "3cosmul": "3cosmul"}
EPSILON = 1e-6           # 3CosMul's guard against a zero denominator (Levy & Goldberg; gensim)
_CHUNK_CELLS = 1 << 25   # scores held at once by the batched forms: 32M float32 = 128 MiB
_BLOCK = 128             # block size of the top-k prefilter (see `top_k`)

Query = tuple[list[int], list[int]]  # rows of the positive and of the negative words


# -- checking arguments --------------------------------------------------------------------------

def _word_list(words, what: str) -> list[str]:
    if isinstance(words, str):
        return [words]
    words = list(words)
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"{what} must be words (str), got {word!r}")
    return words


def _limit(vectors: Vectors, restrict) -> int:
    """How many rows (the most frequent words) a query may answer from."""
    if restrict is None:
        return len(vectors)
    if isinstance(restrict, bool) or not isinstance(restrict, Integral) or restrict < 1:
        raise EmbedkitError(f"restrict must be a positive number of words, got {restrict!r}")
    return min(int(restrict), len(vectors))


def _topn(topn) -> int:
    if isinstance(topn, bool) or not isinstance(topn, Integral) or topn < 0:
        raise EmbedkitError(f"topn must be a number of answers >= 0, got {topn!r}")
    return int(topn)


def _method(method: str) -> str:
    """The method's canonical name ("3cosadd" or "3cosmul") from any of `METHOD_NAMES`."""
    if method not in METHOD_NAMES:
        raise EmbedkitError(f"unknown method {method!r}; expected one of: add, mul (also spelt 3cosadd, 3cosmul)")
    return METHOD_NAMES[method]


def _check_index(vectors: Vectors, index, method: str, restrict) -> None:
    if index is None:
        return
    if index.vectors is not vectors:
        raise ValueError("this approximate index was built for other vectors")
    if _method(method) != "3cosadd":
        raise EmbedkitError("an approximate index answers cosine queries only (method 'add')")
    if restrict is not None:
        raise EmbedkitError("restrict does not combine with an approximate index; "
                            "build the index on vectors.head(N) instead")


# -- the core: scores for many queries, best rows of each --------------------------------------

def _unit_rows(vectors: Vectors, rows) -> np.ndarray:
    """Dense unit vectors of `rows`, float32 (len(rows), dim)."""
    unit = vectors.unit[np.asarray(rows, dtype=np.int64)]
    return unit.toarray() if sp.issparse(unit) else np.asarray(unit)


def _normalise(q: np.ndarray) -> np.ndarray:
    """Rows of `q` (b, dim) scaled to unit length in float64, zero rows left zero; float32 out."""
    norms = np.linalg.norm(q, axis=1, keepdims=True)
    return np.divide(q, norms, out=np.zeros_like(q), where=norms > 0).astype(np.float32)


def _means(vectors: Vectors, queries: Sequence[Query]) -> np.ndarray:
    """Each query's normalised mean of +unit(positive) and -unit(negative) words, (b, dim).

    This is gensim's `most_similar` target: the weighted mean of unit vectors, made unit.
    """
    q = np.zeros((len(queries), vectors.dim), dtype=np.float64)
    for i, (positive, negative) in enumerate(queries):
        rows = positive + negative
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))
        q[i] = weights @ _unit_rows(vectors, rows) / len(rows)
    return _normalise(q)


def _cosines(vectors: Vectors, q: np.ndarray, limit: int, out: np.ndarray | None = None) -> np.ndarray:
    """Cosines of the unit targets `q` (b, dim) with the first `limit` rows: float32 (b, limit).

    `out`, a float32 (>= b, limit) buffer reused from chunk to chunk, saves the page faults of
    a fresh 100 MB array each time (they cost as much as the product itself).
    """
    unit = vectors.unit
    if sp.issparse(unit):
        part = unit[:limit] if limit < unit.shape[0] else unit
        return np.ascontiguousarray(np.asarray(part @ q.T).T, dtype=np.float32)
    if out is None:
        return q @ unit[:limit].T
    return np.matmul(q, unit[:limit].T, out=out[:len(q)])


def _cosmul(vectors: Vectors, queries: Sequence[Query], limit: int, out: np.ndarray | None = None
            ) -> np.ndarray:
    """3CosMul scores (Levy & Goldberg 2014, eq. 4), float32 (b, limit).

    Each cosine is shifted to [0, 1] as (1 + cos) / 2; the score is the product over positive
    words divided by (the product over negative words + EPSILON), exactly as gensim's
    `most_similar_cosmul` computes it. `out`: a buffer of >= b + (distinct query words) rows.
    """
    rows = sorted({r for positive, negative in queries for r in positive + negative})
    where = {r: j for j, r in enumerate(rows)}
    if out is None:
        out = np.empty((len(queries) + len(rows), limit), dtype=np.float32)
    scores = out[:len(queries)]
    shifted = _cosines(vectors, _unit_rows(vectors, rows), limit, out[len(queries):])  # (len(rows), limit)
    shifted += 1
    shifted /= 2
    for i, (positive, negative) in enumerate(queries):
        _product(scores[i], [shifted[where[r]] for r in positive])
        if negative:
            bottom = _product(np.empty(limit, dtype=np.float32), [shifted[where[r]] for r in negative])
            bottom += EPSILON
        else:
            bottom = np.float32(1 + EPSILON)
        scores[i] /= bottom
    return scores


def _product(out: np.ndarray, factors: list[np.ndarray]) -> np.ndarray:
    """`out` = factors[0] * factors[1] * ..., multiplied left to right as np.prod does."""
    np.copyto(out, factors[0])
    for factor in factors[1:]:
        out *= factor
    return out


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` largest `scores` (n,), best first; equal scores: lower position first."""
    n = scores.shape[0]
    if k >= n:
        top = np.arange(n)
    else:
        top = np.argpartition(scores, n - k)[n - k:]
        kth = scores[top].min()
        if np.count_nonzero(scores == kth) != np.count_nonzero(scores[top] == kth):
            # Some words scoring exactly `kth` were left out: keep the lowest rows among them.
            above = np.flatnonzero(scores > kth)
            top = np.concatenate([above, np.flatnonzero(scores == kth)[:k - len(above)]])
    return top[np.lexsort((top, -scores[top]))]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the `k` best `scores` (n,), best first, ties to the lower row; -inf never returned.

    The one selection routine behind every ranked answer in embedkit: queries, analogy
    evaluation, the neighbours of plotted words and the projection's neighbour graph.

    On long rows a prefilter keeps only the candidates worth partitioning: the k-th largest of
    the block maxima (blocks of `_BLOCK` scores) is a score that at least k scores reach, so
    every top-k score is >= it. `_best` then partitions those few candidates.
    """
    n = scores.shape[0]
    k = min(k, n)
    if k == 0:
        return np.empty(0, dtype=np.int64)
    blocks = n // _BLOCK
    if blocks > 4 * k:
        maxima = scores[:blocks * _BLOCK].reshape(blocks, _BLOCK).max(axis=1)
        if blocks * _BLOCK < n:
            maxima = np.append(maxima, scores[blocks * _BLOCK:].max())
        floor = np.partition(maxima, len(maxima) - k)[len(maxima) - k]
        candidates = np.flatnonzero(scores >= floor)
        top = candidates[_best(scores[candidates], k)]
    else:
        top = _best(scores, k)
    return top[scores[top] > -np.inf]


def top_k_rows(scores: np.ndarray, k: int) -> list[np.ndarray]:
    """`top_k` of every row of `scores` (b, n): one int64 array per row, best first.

    A row holds fewer than `k` rows where fewer than `k` of its scores are finite. For k=1 the
    whole block is one argmax.
    """
    scores = np.asarray(scores)
    if k == 1 and scores.shape[1]:
        best = scores.argmax(axis=1)
        found = scores[np.arange(len(scores)), best] > -np.inf
        return [best[i:i + 1] if found[i] else best[:0] for i in range(len(scores))]
    return [top_k(row, k) for row in scores]


def _chunks(vectors: Vectors, n_queries: int, limit: int, width: int = 1
            ) -> tuple[np.ndarray | None, Iterable[slice]]:
    """A score buffer (None for sparse vectors) and the slices of queries that fill it, with
    `width` buffer rows per query."""
    # a sparse (one-hot) set's query vectors are dense rows as long as its dimension: count them too
    cells = max(limit, 3 * vectors.dim if vectors.is_sparse else 0, 1) * width
    step = max(1, min(n_queries, _CHUNK_CELLS // cells))
    buffer = None if vectors.is_sparse else np.empty((step * width, limit), dtype=np.float32)
    return buffer, (slice(start, min(start + step, n_queries)) for start in range(0, n_queries, step))


def search(vectors: Vectors, queries: Sequence[Query], topn: int, restrict=None, method: str = "3cosadd",
           exclude: Sequence[Sequence[int]] | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The best rows for many queries at once: one score matrix per chunk of queries.

    Args:
        queries: (positive rows, negative rows) per query.
        topn: answers per query.
        restrict: answer only from the first `restrict` rows.
        method: "3cosadd" ("add") or "3cosmul" ("mul"); see `most_similar`.
        exclude: more rows per query that may not answer, besides the query's own words.

    Returns:
        (rows int64, scores float32) per query, best first (ties: the lower row).
    """
    topn, method = _topn(topn), _method(method)
    limit = _limit(vectors, restrict)
    if not queries:
        return []
    if method == "3cosmul" and not all(positive for positive, _ in queries):
        raise EmbedkitError("3CosMul needs at least one positive word")
    answers = []
    width = 1 if method == "3cosadd" else 1 + max(len(p) + len(n) for p, n in queries)
    buffer, parts = _chunks(vectors, len(queries), limit, width)
    for part in parts:
        chunk = queries[part]
        if method == "3cosadd":
            scores = _cosines(vectors, _means(vectors, chunk), limit, buffer)
        else:
            scores = _cosmul(vectors, chunk, limit, buffer)
        banned = [[r for r in (*positive, *negative, *(exclude[part.start + i] if exclude is not None else ()))
                   if r < limit] for i, (positive, negative) in enumerate(chunk)]
        scores[np.repeat(np.arange(len(chunk)), [len(b) for b in banned]),
               np.fromiter((r for b in banned for r in b), dtype=np.int64)] = -np.inf
        for row, best in zip(scores, top_k_rows(scores, topn)):
            answers.append((best, row[best].copy()))
    return answers


def _search(vectors: Vectors, queries: Sequence[Query], topn: int, restrict, method: str,
            index=None) -> list[list[tuple[str, float]]]:
    """Answers to many queries as (word, score) lists, from `search` or an approximate index."""
    method = _method(method)
    _check_index(vectors, index, method, restrict)
    if index is not None:
        excluded = [positive + negative for positive, negative in queries]
        return index.search(_means(vectors, queries), _topn(topn), excluded)
    words = vectors.words
    return [[(words[r], float(score)) for r, score in zip(rows, scores)]
            for rows, scores in search(vectors, queries, topn, restrict, method)]


def _query(vectors: Vectors, positive, negative) -> Query:
    positive = _word_list(positive, "positive")
    negative = _word_list(negative, "negative")
    if not positive and not negative:
        raise EmbedkitError("a query needs at least one word")
    return list(vectors.rows(positive)), list(vectors.rows(negative))


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
    return _search(vectors, [_query(vectors, positive, negative)], topn, restrict, method, index)[0]


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
    queries = [([r], []) for r in vectors.rows(_word_list(words, "words"))]
    return _search(vectors, queries, topn, restrict, "add", index)


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
    topn = _topn(topn)
    _check_index(vectors, index, "add", restrict)
    q = _normalise(matrix)
    if index is not None:
        return index.search(q, topn, [[] for _ in q])
    limit, answers = _limit(vectors, restrict), []
    buffer, parts = _chunks(vectors, len(q), limit)
    for part in parts:
        for row in _cosines(vectors, q[part], limit, buffer):
            answers.append([(vectors.words[r], float(row[r])) for r in top_k(row, topn)])
    return answers


def similarity(vectors: Vectors, a: str, b: str) -> float:
    """Cosine similarity of two words (0.0 when either vector is zero).

    Example:
        >>> round(similarity(glove, "cat", "dog"), 4)
        0.9218
    """
    u = _unit_rows(vectors, vectors.rows([a, b]))
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
    queries = []
    for triple in triples:
        if isinstance(triple, str) or len(triple) != 3:
            raise EmbedkitError(f"an analogy needs three words (a, b, c), got {triple!r}")
        a, b, c = vectors.rows(_word_list(triple, "an analogy"))
        queries.append(([b, c], [a]))
    return _search(vectors, queries, topn, restrict, method, index)


def rank_by_centrality(vectors: Vectors, words: Sequence[str]) -> list[tuple[str, float]]:
    """The words with their cosine to the normalised mean of their unit vectors, most central first.

    Ordered as gensim's `rank_by_centrality` orders them (by cosine, then by word, descending).
    """
    words = _word_list(words, "words")
    if not words:
        raise EmbedkitError("no words to rank")
    unit = _unit_rows(vectors, vectors.rows(words)).astype(np.float64)  # (m, dim)
    centre = _normalise(unit.mean(axis=0, keepdims=True))[0].astype(np.float64)
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
