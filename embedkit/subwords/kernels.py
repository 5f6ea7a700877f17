"""numba kernels of the subword model: the n-gram buckets of a whole vocabulary, and mean rows.

Imported on first use, so that reading vectors does not load numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .ngrams import FNV_OFFSET, FNV_PRIME


@njit(cache=True, nogil=True)
def hash_all(data, starts, min_n, max_n, bucket, offsets, out, fill):
    """Count (fill=False: into offsets[w + 1]) or write (fill=True: into out) the n-gram buckets
    of every wrapped word data[starts[w]:starts[w + 1]], as `ngram_bytes` + `ft_hash` do."""
    mask = np.uint64(0xFFFFFFFF)
    for w in range(starts.shape[0] - 1):
        first, end = starts[w], starts[w + 1]
        k = offsets[w]
        count = 0
        for i in range(first, end):
            if (data[i] & 0xC0) == 0x80:
                continue
            h = np.uint64(FNV_OFFSET)
            j, n = i, 1
            while j < end and n <= max_n:
                b = np.uint64(data[j])
                h = ((h ^ (b | np.uint64(0xFFFFFF00) if b >= 128 else b)) * np.uint64(FNV_PRIME)) & mask
                j += 1
                while j < end and (data[j] & 0xC0) == 0x80:
                    b = np.uint64(data[j])
                    h = ((h ^ (b | np.uint64(0xFFFFFF00))) * np.uint64(FNV_PRIME)) & mask
                    j += 1
                if n >= min_n and not (n == 1 and (i == first or j == end)):
                    if fill:
                        out[k + count] = np.int32(h % np.uint64(bucket))
                    count += 1
                n += 1
        if not fill:
            offsets[w + 1] = count


@njit(cache=True, nogil=True)
def mean_rows(matrix, offsets, rows, out):
    """out[w] = mean of matrix[rows[offsets[w]:offsets[w + 1]]], a row -1 counting as zeros.

    float32, rows added in order, then divided by their number (gensim's `adjust_vectors`).
    A word without rows gets zeros.
    """
    dim = matrix.shape[1]
    for w in range(offsets.shape[0] - 1):
        first, stop = offsets[w], offsets[w + 1]
        for d in range(dim):
            out[w, d] = np.float32(0.0)
        for p in range(first, stop):
            r = rows[p]
            if r >= 0:
                for d in range(dim):
                    out[w, d] += matrix[r, d]
        if stop > first:
            count = np.float32(stop - first)
            for d in range(dim):
                out[w, d] /= count
