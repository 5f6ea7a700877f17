"""numba kernels of `io.fasttext`: scan, split and pack the dictionary entries of a .bin file.

Kept apart so that importing `embedkit.io` does not load numba; `io.fasttext` imports this
module when it first reads or writes a dictionary.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .fasttext import _ENTRY_TAIL


@njit(cache=True, nogil=True)
def entry_ends(data, start, count, ends):
    """The offset of each dictionary entry's NUL; returns how many complete entries there are."""
    size = data.shape[0]
    pos = start
    for i in range(count):
        while pos < size and data[pos] != 0:
            pos += 1
        if pos + 1 + _ENTRY_TAIL > size:
            return i
        ends[i] = pos
        pos += 1 + _ENTRY_TAIL
    return count


@njit(cache=True, nogil=True)
def unpack_entries(data, start, ends, joined, counts, types):
    """Split the entries ending at `ends`: joined = the words, each followed by NUL; their
    little-endian int64 counts; their type bytes."""
    dst, pos = 0, start
    for i in range(ends.shape[0]):
        end = ends[i]
        for k in range(pos, end + 1):
            joined[dst] = data[k]
            dst += 1
        count = np.uint64(0)
        for k in range(8):
            count |= np.uint64(data[end + 1 + k]) << np.uint64(8 * k)
        counts[i] = np.int64(count)
        types[i] = data[end + 9]
        pos = end + 1 + _ENTRY_TAIL


@njit(cache=True, nogil=True)
def pack_entries(joined, lengths, count_bytes, out):
    """out = word 0's bytes, NUL, its 8 count bytes, type 0, word 1's bytes, ... (out starts zeroed)."""
    src = dst = 0
    for w in range(lengths.shape[0]):
        for k in range(lengths[w]):
            out[dst + k] = joined[src + k]
        src += lengths[w]
        dst += lengths[w] + 1
        for k in range(8):
            out[dst + k] = count_bytes[8 * w + k]
        dst += _ENTRY_TAIL
