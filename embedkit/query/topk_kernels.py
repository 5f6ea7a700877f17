"""numba kernels of `topk.top_k_rows` (the k best scores of each row in one pass over it) and of
`fused.cosine_top_k` (the same heaps fed one score block at a time, `push_rows`, then `sort_rows`).

Each row is read once, in blocks of `BLOCK` scores: a block is first only checked (does a score
beat the current k-th best, or is one NaN: two comparisons a score, summed without a branch, which
LLVM turns into SIMD), and only a block that passes is walked one score at a time into a heap of
the k best so far. After the first few blocks almost none does, so the pass runs
at the speed the scores can be read.

Order, as `topk.top_k` ranks: higher score first, equal scores to the lower row, -inf never
returned. A score enters the heap only when strictly above the heap's worst, so of equal scores
the first seen (the lower row) stays. A row holding a NaN is flagged (-1) and left to
`topk.top_k`, which defines what NaN does.
"""

from __future__ import annotations

import numpy as np
from numba import njit

BLOCK = 64   # scores counted at a time before any is looked at alone


@njit(cache=True, nogil=True, inline="always")
def _worse(s_a, r_a, s_b, r_b):
    """(s_a, row r_a) ranks below (s_b, row r_b): a lower score, or the same and a higher row."""
    return s_a < s_b or (s_a == s_b and r_a > r_b)


@njit(cache=True, nogil=True, inline="always")
def _sift_down(heap_s, heap_r, size, i):
    """Restore the heap (worst at 0) below slot i."""
    while True:
        child = 2 * i + 1
        if child >= size:
            return
        if child + 1 < size and _worse(heap_s[child + 1], heap_r[child + 1], heap_s[child], heap_r[child]):
            child += 1
        if not _worse(heap_s[child], heap_r[child], heap_s[i], heap_r[i]):
            return
        heap_s[i], heap_s[child] = heap_s[child], heap_s[i]
        heap_r[i], heap_r[child] = heap_r[child], heap_r[i]
        i = child


@njit(cache=True, nogil=True, inline="always")
def _beaten(block, floor):
    """Whether a score of `block` (BLOCK,) is above `floor` or NaN: one SIMD pass, no branch."""
    hits = np.int32(0)
    for i in range(BLOCK):
        x = block[i]
        hits += np.int32(x > floor) | np.int32(x != x)
    return hits > 0


@njit(cache=True, nogil=True)
def _push(scores, offset, k, heap_s, heap_r, size):
    """Scores (n,) of rows offset.. into a heap of the best so far holding `size` (the worst at
    0); returns the new size, or -1 at a NaN. Rows must come in increasing order across calls."""
    n = scores.shape[0]
    if size < k:
        heap_s[size] = -np.inf
        floor = heap_s[size]  # what a score must beat to enter (in the scores' type): -inf until the heap is full
    else:
        floor = heap_s[0]
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        if stop - start == BLOCK and not _beaten(scores[start:stop], floor):
            continue
        for i in range(start, stop):
            x = scores[i]
            if x != x:
                return -1
            if x > floor:
                if size < k:          # fill: add at the end, sift up
                    j = size
                    heap_s[j], heap_r[j] = x, offset + i
                    size += 1
                    while j > 0:
                        parent = (j - 1) // 2
                        if not _worse(heap_s[j], heap_r[j], heap_s[parent], heap_r[parent]):
                            break
                        heap_s[j], heap_s[parent] = heap_s[parent], heap_s[j]
                        heap_r[j], heap_r[parent] = heap_r[parent], heap_r[j]
                        j = parent
                else:                 # replace the worst
                    heap_s[0], heap_r[0] = x, offset + i
                    _sift_down(heap_s, heap_r, size, 0)
                if size == k:
                    floor = heap_s[0]
    return size


@njit(cache=True, nogil=True)
def _sort(heap_s, heap_r, size):
    """Heap sort in place: heap_r[:size] best first (the worst goes to the end each time)."""
    for end in range(size - 1, 0, -1):
        heap_s[0], heap_s[end] = heap_s[end], heap_s[0]
        heap_r[0], heap_r[end] = heap_r[end], heap_r[0]
        _sift_down(heap_s, heap_r, end, 0)


@njit(cache=True, nogil=True)
def _row(scores, k, heap_s, heap_r):
    """The k best of `scores` (n,) into heap_r[:count], best first; returns count, or -1 for a NaN."""
    size = _push(scores, 0, k, heap_s, heap_r, 0)
    if size > 0:
        _sort(heap_s, heap_r, size)
    return size


@njit(cache=True, nogil=True)
def top_k_block(scores, first, stop, k, out_rows, counts):
    """`_row` of rows first..stop-1 of `scores` (b, n): out_rows[r, :counts[r]] best first."""
    heap_s = np.empty(max(k, 1), dtype=scores.dtype)
    heap_r = np.empty(max(k, 1), dtype=np.int64)
    for r in range(first, stop):
        count = _row(scores[r], k, heap_s, heap_r)
        counts[r] = count
        for j in range(max(count, 0)):
            out_rows[r, j] = heap_r[j]


@njit(cache=True, nogil=True)
def push_rows(scores, offset, k, heap_s, heap_r, sizes, banned_at, banned):
    """Score block `scores` (b, m) of rows offset..offset+m-1 into each query's heap (b, k).

    Query r's banned rows, banned[banned_at[r]:banned_at[r + 1]], are set to -inf first. A query
    whose size is -1 (a NaN seen) is skipped from then on.
    """
    m = scores.shape[1]
    for r in range(scores.shape[0]):
        if sizes[r] < 0:
            continue
        for j in range(banned_at[r], banned_at[r + 1]):
            if offset <= banned[j] < offset + m:
                scores[r, banned[j] - offset] = -np.inf
        sizes[r] = _push(scores[r], offset, k, heap_s[r], heap_r[r], sizes[r])


@njit(cache=True, nogil=True)
def sort_rows(heap_s, heap_r, sizes):
    """`_sort` of each query's heap: heap_r[r, :sizes[r]] and heap_s[r, :sizes[r]] best first."""
    for r in range(heap_s.shape[0]):
        if sizes[r] > 1:
            _sort(heap_s[r], heap_r[r], sizes[r])
