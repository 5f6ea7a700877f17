"""`top_k`: the best rows of a score vector, the one selection routine behind every ranked answer."""

from __future__ import annotations

import numpy as np


_BLOCK = 128             # block size of the top-k prefilter (see `top_k`)


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
