"""`search`: scores for many queries at once (3CosAdd or 3CosMul), one matrix product per chunk,
ranked by `top_k`; the routine under every query and the analogy evaluation. Many dense cosine
queries go through `fused.cosine_top_k` (the product and the top-k per cache-sized block)."""

from __future__ import annotations

from numbers import Integral
from typing import Iterable, Sequence
import numpy as np
import scipy.sparse as sp
from ..errors import EmbedkitError
from ..vectors import Vectors
from . import fused
from .topk import top_k_rows


METHODS = ("3cosadd", "3cosmul")


# the spellings each method goes by: `embedkit analogy --method add|mul`, `evaluate --method 3cosadd|3cosmul`
METHOD_NAMES = {"add": "3cosadd", "3cosadd": "3cosadd", "mul": "3cosmul", "3cosmul": "3cosmul"}


EPSILON = 1e-6           # 3CosMul's guard against a zero denominator (Levy & Goldberg; gensim)


CHUNK_CELLS = 1 << 25   # scores held at once by the batched forms: 32M float32 = 128 MiB


Query = tuple[list[int], list[int]]  # rows of the positive and of the negative words

# A query word without a row (a word composed from subwords, `SubwordVectors`) is row n + j of a
# set of n words: its unit vector is extra[j], an (m, dim) float32 array beside the query. Such
# rows are never answers (answers come from the first `limit` <= n rows).


def limit_rows(vectors: Vectors, restrict) -> int:
    """How many rows (the most frequent words) a query may answer from."""
    if restrict is None:
        return len(vectors)
    if isinstance(restrict, bool) or not isinstance(restrict, Integral) or restrict < 1:
        raise EmbedkitError(f"restrict must be a positive number of words, got {restrict!r}")
    return min(int(restrict), len(vectors))


def check_topn(topn) -> int:
    if isinstance(topn, bool) or not isinstance(topn, Integral) or topn < 0:
        raise EmbedkitError(f"topn must be a number of answers >= 0, got {topn!r}")
    return int(topn)


def method_name(method: str) -> str:
    """The method's canonical name ("3cosadd" or "3cosmul") from any of `METHOD_NAMES`."""
    if method not in METHOD_NAMES:
        raise EmbedkitError(f"unknown method {method!r}; expected one of: add, mul (also spelt 3cosadd, 3cosmul)")
    return METHOD_NAMES[method]


def unit_rows(vectors: Vectors, rows, extra: np.ndarray | None = None) -> np.ndarray:
    """Dense unit vectors of `rows`, float32 (len(rows), dim); row n + j is extra[j]."""
    rows = np.asarray(rows, dtype=np.int64)
    n = len(vectors)
    outside = rows >= n
    if extra is not None and outside.any():
        out = np.empty((len(rows), vectors.dim), dtype=np.float32)
        out[~outside] = unit_rows(vectors, rows[~outside])
        out[outside] = extra[rows[outside] - n]
        return out
    unit = vectors.unit[rows]
    return unit.toarray() if sp.issparse(unit) else np.asarray(unit)


def normalise(q: np.ndarray) -> np.ndarray:
    """Rows of `q` (b, dim) scaled to unit length in float64, zero rows left zero; float32 out."""
    norms = np.linalg.norm(q, axis=1, keepdims=True)
    return np.divide(q, norms, out=np.zeros_like(q), where=norms > 0).astype(np.float32)


def mean_targets(vectors: Vectors, queries: Sequence[Query], extra: np.ndarray | None = None) -> np.ndarray:
    """Each query's normalised mean of +unit(positive) and -unit(negative) words, (b, dim).

    This is gensim's `most_similar` target: the weighted mean of unit vectors, made unit.
    `extra`: unit vectors of the query words without a row (see `Query`).
    """
    q = np.zeros((len(queries), vectors.dim), dtype=np.float64)
    for i, (positive, negative) in enumerate(queries):
        rows = positive + negative
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))
        q[i] = weights @ unit_rows(vectors, rows, extra) / len(rows)
    return normalise(q)


def cosines(vectors: Vectors, q: np.ndarray, limit: int, out: np.ndarray | None = None) -> np.ndarray:
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


def _cosmul(vectors: Vectors, queries: Sequence[Query], limit: int, out: np.ndarray | None = None,
            extra: np.ndarray | None = None) -> np.ndarray:
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
    shifted = cosines(vectors, unit_rows(vectors, rows, extra), limit, out[len(queries):])  # (len(rows), limit)
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


def chunks(vectors: Vectors, n_queries: int, limit: int, width: int = 1
            ) -> tuple[np.ndarray | None, Iterable[slice]]:
    """A score buffer (None for sparse vectors) and the slices of queries that fill it, with
    `width` buffer rows per query."""
    # a sparse (one-hot) set's query vectors are dense rows as long as its dimension: count them too
    cells = max(limit, 3 * vectors.dim if vectors.is_sparse else 0, 1) * width
    step = max(1, min(n_queries, CHUNK_CELLS // cells))
    buffer = None if vectors.is_sparse else np.empty((step * width, limit), dtype=np.float32)
    return buffer, (slice(start, min(start + step, n_queries)) for start in range(0, n_queries, step))


def search(vectors: Vectors, queries: Sequence[Query], topn: int, restrict=None, method: str = "3cosadd",
           exclude: Sequence[Sequence[int]] | None = None, extra: np.ndarray | None = None
           ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The best rows for many queries at once: one score matrix per chunk of queries.

    Args:
        queries: (positive rows, negative rows) per query.
        topn: answers per query.
        restrict: answer only from the first `restrict` rows.
        method: "3cosadd" ("add") or "3cosmul" ("mul"); see `most_similar`.
        exclude: more rows per query that may not answer, besides the query's own words.
        extra: (m, dim) unit vectors of query words without a row: row len(vectors) + j is extra[j].

    Returns:
        (rows int64, scores float32) per query, best first (ties: the lower row).
    """
    topn, method = check_topn(topn), method_name(method)
    limit = limit_rows(vectors, restrict)
    if not queries:
        return []
    if method == "3cosmul" and not all(positive for positive, _ in queries):
        raise EmbedkitError("3CosMul needs at least one positive word")
    if method == "3cosadd" and topn and not vectors.is_sparse and len(queries) >= fused.MIN_QUERIES:
        banned = [[*positive, *negative, *(exclude[i] if exclude is not None else ())]
                  for i, (positive, negative) in enumerate(queries)]
        return fused.cosine_top_k(vectors.unit, mean_targets(vectors, queries, extra), limit, topn, banned)
    answers = []
    width = 1 if method == "3cosadd" else 1 + max(len(p) + len(n) for p, n in queries)
    buffer, parts = chunks(vectors, len(queries), limit, width)
    for part in parts:
        chunk = queries[part]
        if method == "3cosadd":
            scores = cosines(vectors, mean_targets(vectors, chunk, extra), limit, buffer)
        else:
            scores = _cosmul(vectors, chunk, limit, buffer, extra)
        banned = [[r for r in (*positive, *negative, *(exclude[part.start + i] if exclude is not None else ()))
                   if r < limit] for i, (positive, negative) in enumerate(chunk)]
        scores[np.repeat(np.arange(len(chunk)), [len(b) for b in banned]),
               np.fromiter((r for b in banned for r in b), dtype=np.int64)] = -np.inf
        for row, best in zip(scores, top_k_rows(scores, topn)):
            answers.append((best, row[best].copy()))
    return answers
