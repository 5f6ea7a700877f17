"""`cosine_top_k`: the best rows for many unit targets, the matrix product fused with the top-k.

The batched cosine queries (`most_similar_batch`, 3CosAdd analogies, `similar_by_vectors`) would
otherwise write a (queries, words) score matrix to memory and read it back for the top-k: for
1,000 queries on 400k words that is 1.6 GB each way, and the product itself, with only `dim`
(50-300) terms a score, runs far below the BLAS peak on such flat shapes. Here the words are
taken `BLOCK_ROWS` at a time: the block is transposed to (dim, BLOCK_ROWS) (the layout the BLAS
multiplies fastest), multiplied by a chunk of `CHUNK_QUERIES` targets into a score block that
stays in the core's L2 cache, and fed at once to each query's heap of the k best
(`topk_kernels.push_rows`). Chunks of queries run on one thread per core, each with a one-thread
BLAS, so no thread waits for another inside a product.

The answers are those of `top_k` on the full score rows: the heaps rank as `top_k` does (higher
score first, equal scores to the lower row, -inf never returned) and see the rows in order; a
query whose scores hold a NaN is answered by `top_k` on its full row.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .topk import top_k

BLOCK_ROWS = 2048      # words a product: (CHUNK_QUERIES, BLOCK_ROWS) float32 scores = 1 MiB, in L2
CHUNK_QUERIES = 128    # targets a product
MIN_QUERIES = 32       # fewer queries than this go through one product and `top_k_rows`


def _threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cosine_top_k(unit: np.ndarray, q: np.ndarray, limit: int, k: int,
                 banned: list[list[int]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The `k` best of the first `limit` rows of `unit` (n, dim) for each target of `q` (b, dim).

    Args:
        unit: dense float32 unit vectors (n, dim).
        q: float32 unit targets (b, dim).
        limit: answer from rows 0..limit-1 only.
        k: answers per query (>= 1).
        banned: per query, rows that may not answer.

    Returns:
        (rows int64, scores float32) per query, best first (ties: the lower row), exactly as
        `top_k` ranks the row q[i] @ unit[:limit].T with the banned rows at -inf.

    Example:
        >>> rows, scores = cosine_top_k(glove.unit, glove.unit[[0]], len(glove), 2, [[0]])[0]
    """
    from threadpoolctl import threadpool_limits

    from .topk_kernels import push_rows, sort_rows

    q = np.ascontiguousarray(q, dtype=np.float32)
    k = min(k, limit)
    banned_at = np.zeros(len(q) + 1, dtype=np.int64)
    banned_at[1:] = np.cumsum([len(b) for b in banned])
    banned_rows = np.fromiter((r for b in banned for r in b), dtype=np.int64, count=int(banned_at[-1]))
    heap_s = np.empty((len(q), max(k, 1)), dtype=np.float32)
    heap_r = np.empty((len(q), max(k, 1)), dtype=np.int64)
    sizes = np.zeros(len(q), dtype=np.int64)

    def chunk(start: int) -> None:
        part = slice(start, min(start + CHUNK_QUERIES, len(q)))
        buffer = np.empty((part.stop - part.start, BLOCK_ROWS), dtype=np.float32)
        at = banned_at[part.start:part.stop + 1] - banned_at[part.start]
        ban = banned_rows[banned_at[part.start]:banned_at[part.stop]]
        for first in range(0, limit, BLOCK_ROWS):
            block = np.ascontiguousarray(unit[first:min(first + BLOCK_ROWS, limit)].T)  # (dim, m)
            scores = np.matmul(q[part], block, out=buffer[:, :block.shape[1]])
            push_rows(scores, first, k, heap_s[part], heap_r[part], sizes[part], at, ban)
        sort_rows(heap_s[part], heap_r[part], sizes[part])

    with threadpool_limits(1, user_api="blas"):
        with ThreadPoolExecutor(_threads()) as pool:  # the kernels and the products run without the GIL
            list(pool.map(chunk, range(0, len(q), CHUNK_QUERIES)))
    answers = []
    for i, size in enumerate(sizes):
        if size < 0:  # a NaN score: `top_k` on the whole row says what it does
            row = unit[:limit] @ q[i]
            row[[r for r in banned[i] if r < limit]] = -np.inf
            best = top_k(row, k)
            answers.append((best, row[best]))
        else:
            answers.append((heap_r[i, :size].copy(), heap_s[i, :size].copy()))
    return answers
