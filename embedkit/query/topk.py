"""`top_k`: the best rows of a score vector, the one selection routine behind every ranked answer.

Rows of float scores go through one numba pass each (`topk_kernels`: the scores are counted a
block at a time against the current k-th best, and only the few blocks that beat it are looked
at score by score), several rows on several threads. The numpy routine `_reference` ranks the
same way; it defines what NaN scores do and takes the rows that hold one.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np


_BLOCK = 128             # block size of the reference's prefilter (see `_reference`)
PARALLEL_CELLS = 1 << 20  # scores from which top_k_rows splits the rows among threads


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


def _reference(scores: np.ndarray, k: int) -> np.ndarray:
    """`top_k` in numpy: a prefilter, then `_best` on the candidates.

    On long rows the prefilter keeps only the candidates worth partitioning: the k-th largest of
    the block maxima (blocks of `_BLOCK` scores) is a score that at least k scores reach, so
    every top-k score is >= it.
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


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the `k` best `scores` (n,), best first, ties to the lower row; -inf never returned.

    The one selection routine behind every ranked answer in embedkit: queries, analogy
    evaluation, the neighbours of plotted words and the projection's neighbour graph.

    Args:
        scores: (n,) scores.
        k: how many rows (fewer come back where fewer than k scores are above -inf).

    Returns:
        int64 rows, best first.

    Example:
        >>> top_k(np.array([0.5, 0.9, 0.5, -np.inf]), 3).tolist()
        [1, 0, 2]
    """
    return top_k_rows(np.asarray(scores)[None, :], k)[0]


def top_k_rows(scores: np.ndarray, k: int) -> list[np.ndarray]:
    """`top_k` of every row of `scores` (b, n): one int64 array per row, best first.

    A row holds fewer than `k` rows where fewer than `k` of its scores are above -inf. For k=1
    the whole block is one argmax.

    Example:
        >>> [r.tolist() for r in top_k_rows(np.array([[1.0, 3.0, 2.0], [0.0, 0.0, -1.0]]), 2)]
        [[1, 2], [0, 1]]
    """
    scores = np.asarray(scores)
    b, n = scores.shape
    if k == 1 and n:
        best = scores.argmax(axis=1)
        found = scores[np.arange(b), best] > -np.inf
        return [best[i:i + 1] if found[i] else best[:0] for i in range(b)]
    k = max(0, min(int(k), n))
    if k == 0 or b == 0 or scores.dtype not in (np.float32, np.float64):
        return [_reference(row, k) for row in scores]
    from .topk_kernels import top_k_block

    scores = np.ascontiguousarray(scores)
    rows = np.empty((b, k), dtype=np.int64)
    counts = np.empty(b, dtype=np.int64)
    threads = min(b, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if threads > 1 and b * n >= PARALLEL_CELLS:  # the kernel runs without the GIL
        bounds = np.linspace(0, b, threads + 1).astype(int)
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda i: top_k_block(scores, bounds[i], bounds[i + 1], k, rows, counts), range(threads)))
    else:
        top_k_block(scores, 0, b, k, rows, counts)
    return [rows[i, :counts[i]] if counts[i] >= 0 else _reference(scores[i], k) for i in range(b)]
