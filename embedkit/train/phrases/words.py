"""numba kernels of `embedkit.train.phrases`: words from UTF-8 bytes, and their ids (interned strings)."""

from __future__ import annotations

from typing import BinaryIO, Iterator

import numpy as np
from numba import njit

from ...errors import EmbedkitError
from .tables import S_POOL, S_STRINGS, S_TEXT, W_BYTES, W_HASH, W_MIDDLE, W_NPIECES, W_OFFSET, W_PIECES, _FREE, _LOAD, _UNSET

CHUNK_BYTES = 1 << 22     # bytes of a file handled at a time (cut at a line end)



def _byte_classes() -> np.ndarray:
    """Per byte: 0 inside a word, 1 white space, 2 a line end, 3 the first byte of a character
    that may be white space (U+0085, U+00A0, U+1680, U+2000-200A, U+2028/9, U+202F, U+205F, U+3000)."""
    classes = np.zeros(256, np.uint8)
    classes[[9, 11, 12, 28, 29, 30, 31, 32]] = 1
    classes[[10, 13]] = 2
    classes[[0xC2, 0xE1, 0xE2, 0xE3]] = 3
    return classes


_CLASSES = _byte_classes()


@njit(cache=True, inline="always")
def _wide_space(data, i, n):
    """The length of the multi-byte white space starting at data[i], else 0."""
    b = data[i]
    if b == 0xC2:
        return 2 if i + 1 < n and (data[i + 1] == 0x85 or data[i + 1] == 0xA0) else 0
    if i + 2 >= n:
        return 0
    c, d = data[i + 1], data[i + 2]
    if b == 0xE1:
        return 3 if c == 0x9A and d == 0x80 else 0
    if b == 0xE3:
        return 3 if c == 0x80 and d == 0x80 else 0
    if c == 0x80 and (0x80 <= d <= 0x8A or d == 0xA8 or d == 0xA9 or d == 0xAF):
        return 3
    return 3 if c == 0x81 and d == 0x9F else 0


@njit(cache=True)
def _split_text(data, classes):
    """Word boundaries and sentence ends (as word counts) of text, split as str.split() splits
    it; lines end at \n, \r or \r\n."""
    n = data.shape[0]
    starts = np.empty(n // 2 + 1, np.int64)
    stops = np.empty(n // 2 + 1, np.int64)
    ends = np.empty(n + 2, np.int64)
    ends[0] = 0
    words = lines = 0
    i = 0
    inside = False
    while i < n:
        kind = classes[data[i]]
        width = 1
        if kind == 3:
            width = _wide_space(data, i, n)
            kind = 1 if width else 0
            width = max(width, 1)
        if kind == 0:
            if not inside:
                starts[words] = i
                inside = True
            i += 1
            continue
        if inside:
            stops[words] = i
            words += 1
            inside = False
        if kind == 2:
            lines += 1
            ends[lines] = words
            if data[i] == 13 and i + 1 < n and data[i + 1] == 10:
                width = 2
        i += width
    if inside:
        stops[words] = n
        words += 1
    if n and data[n - 1] != 10 and data[n - 1] != 13:
        lines += 1                                 # a last line without its line end
        ends[lines] = words
    return starts[:words], stops[:words], ends[:lines + 1]


@njit(cache=True)
def _split_simple(data, sentences):
    """Word boundaries of sentences joined by \\n, words by one space (in-memory sentences)."""
    n = data.shape[0]
    starts = np.empty(n // 2 + 1, np.int64)
    stops = np.empty(n // 2 + 1, np.int64)
    ends = np.zeros(sentences + 1, np.int64)
    words = lines = 0
    begin = 0
    for i in range(n + 1):
        if i == n or data[i] == 32 or data[i] == 10:
            if i > begin:
                starts[words], stops[words] = begin, i
                words += 1
            begin = i + 1
            if i == n or data[i] == 10:
                lines += 1
                if lines <= sentences:
                    ends[lines] = words
    return starts[:words], stops[:words], ends


@njit(cache=True, inline="always")
def _bytes_hash(data, a, b):
    """FNV-1a, 64 bits, of data[a:b]."""
    h = np.uint64(0xCBF29CE484222325)
    for i in range(a, b):
        h = (h ^ np.uint64(data[i])) * np.uint64(0x100000001B3)
    return np.int64(h & np.uint64(0x7FFFFFFFFFFFFFFF))


@njit(cache=True, inline="always")
def _string_row(strings, words, text, data, a, b, h):
    """The row of `strings` holding data[a:b] (hash h), or the free row where it would go."""
    mask = strings.shape[0] - 1
    i = h & mask
    size = b - a
    while strings[i, 1] != _FREE:
        if strings[i, 0] == h:
            w = strings[i, 1] - 1
            if words[w, W_BYTES] == size:
                offset = words[w, W_OFFSET]
                same = True
                for k in range(size):
                    if text[offset + k] != data[a + k]:
                        same = False
                        break
                if same:
                    return i
        i = (i + 1) & mask
    return i


@njit(cache=True, inline="always")
def _add_string(strings, row, words, text, state, data, a, b, h):
    """A new id for data[a:b] (at the free `row`); its pieces are the caller's to set."""
    w = state[S_STRINGS]
    state[S_STRINGS] += 1
    offset = state[S_TEXT]
    text[offset:offset + b - a] = data[a:b]
    state[S_TEXT] += b - a
    words[w, W_OFFSET], words[w, W_BYTES], words[w, W_HASH] = offset, b - a, h
    words[w, W_MIDDLE] = _UNSET
    strings[row, 0], strings[row, 1] = h, w + 1
    return w


@njit(cache=True)
def _rehash_strings(strings, capacity):
    new = np.zeros((capacity, 2), np.int64)
    mask = capacity - 1
    for i in range(strings.shape[0]):
        if strings[i, 1] != _FREE:
            j = strings[i, 0] & mask
            while new[j, 1] != _FREE:
                j = (j + 1) & mask
            new[j, 0], new[j, 1] = strings[i, 0], strings[i, 1]
    return new


@njit(cache=True)
def _enlarged(array, size):
    shape = (size,) + array.shape[1:]
    bigger = np.zeros(shape, array.dtype)
    bigger[:array.shape[0]] = array
    return bigger


@njit(cache=True)
def _intern(data, starts, stops, words, text, pool, strings, state, delimiter):
    """The ids of the words data[starts[k]:stops[k]]; a new word gets an id, and so do the pieces
    it splits into at `delimiter` (a word without the delimiter is its own single piece).
    Returns (ids, words, text, pool, strings): the tables, enlarged where they had to be."""
    ids = np.empty(starts.shape[0], np.int64)
    for k in range(starts.shape[0]):
        a, b = starts[k], stops[k]
        h = _bytes_hash(data, a, b)
        row = _string_row(strings, words, text, data, a, b, h)
        if strings[row, 1] != _FREE:
            ids[k] = strings[row, 1] - 1
            continue
        cuts = 0
        for i in range(a, b):
            if data[i] == delimiter:
                cuts += 1
        # room for the word, its pieces (cuts + 1), their bytes and their piece lists
        if state[S_STRINGS] + cuts + 2 > words.shape[0]:
            words = _enlarged(words, 2 * (state[S_STRINGS] + cuts + 2))
        if state[S_TEXT] + 2 * (b - a) > text.shape[0]:
            text = _enlarged(text, 2 * (state[S_TEXT] + 2 * (b - a)))
        if state[S_POOL] + 2 * cuts + 2 > pool.shape[0]:
            pool = _enlarged(pool, 2 * (state[S_POOL] + 2 * cuts + 2))
        if state[S_STRINGS] + cuts + 2 > _LOAD * strings.shape[0]:
            capacity = strings.shape[0]
            while state[S_STRINGS] + cuts + 2 > _LOAD * capacity:
                capacity *= 2
            strings = _rehash_strings(strings, capacity)
        if cuts == 0:
            row = _string_row(strings, words, text, data, a, b, h)
            w = _add_string(strings, row, words, text, state, data, a, b, h)
            pool[state[S_POOL]] = w
            words[w, W_PIECES], words[w, W_NPIECES] = state[S_POOL], 1
            state[S_POOL] += 1
            ids[k] = w
            continue
        piece_ids = np.empty(cuts + 1, np.int64)
        begin, count = a, 0
        for i in range(a, b + 1):
            if i == b or data[i] == delimiter:
                ph = _bytes_hash(data, begin, i)
                prow = _string_row(strings, words, text, data, begin, i, ph)
                if strings[prow, 1] != _FREE:
                    piece_ids[count] = strings[prow, 1] - 1
                else:
                    p = _add_string(strings, prow, words, text, state, data, begin, i, ph)
                    pool[state[S_POOL]] = p
                    words[p, W_PIECES], words[p, W_NPIECES] = state[S_POOL], 1
                    state[S_POOL] += 1
                    piece_ids[count] = p
                count += 1
                begin = i + 1
        first_piece = state[S_POOL]               # the word's pieces, after the pieces' own lists
        pool[first_piece:first_piece + cuts + 1] = piece_ids
        state[S_POOL] += cuts + 1
        row = _string_row(strings, words, text, data, a, b, h)
        w = _add_string(strings, row, words, text, state, data, a, b, h)
        words[w, W_PIECES], words[w, W_NPIECES] = first_piece, cuts + 1
        ids[k] = w
    return ids, words, text, pool, strings


@njit(cache=True)
def _render(data, starts, stops, ends, joins, delimiter):
    """The words of each sentence separated by one space, or `delimiter` where joined; \\n after each."""
    out = np.empty(data.shape[0] + ends.shape[0] + 1, np.uint8)
    n = 0
    for s in range(ends.shape[0] - 1):
        for k in range(ends[s], ends[s + 1]):
            size = stops[k] - starts[k]
            out[n:n + size] = data[starts[k]:stops[k]]
            n += size
            if k + 1 < ends[s + 1]:
                out[n] = delimiter if joins[k] else 32
                n += 1
        out[n] = 10
        n += 1
    return out[:n]


def _open(path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as error:
        raise EmbedkitError(f"{path}: cannot read: {error.strerror or error}") from None


def _file_chunks(raw: BinaryIO, size: int | None = None) -> Iterator[np.ndarray]:
    """The bytes of a file as uint8 arrays of about `size`, each cut after a line end.

    A chunk is cut after its last \\n, or after a \\r that is not its last byte (which could be
    the first half of \\r\\n); a line longer than `size` is read whole. `size` defaults to
    `CHUNK_BYTES`, read when called.
    """
    size = size or CHUNK_BYTES
    pending = b""
    while True:
        block = raw.read(size)
        if not block:
            break
        data = pending + block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            cut = data.rfind(b"\r", 0, len(data) - 1) + 1
        if cut == 0:
            pending = data
            continue
        pending = data[cut:]
        yield np.frombuffer(data, np.uint8, cut)
    if pending:
        yield np.frombuffer(pending, np.uint8)
