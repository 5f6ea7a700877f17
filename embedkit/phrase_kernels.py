"""numba kernels of `embedkit.phrases`: words from UTF-8 bytes, their ids, the count table, the phrases.

Every table is a 2-D int64 array, open addressing with linear probing, grown by the caller (or
returned enlarged) before it passes `_LOAD` full; strings, counts and trie nodes are described
where they are defined below and in `embedkit.phrases`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_FREE = 0                 # a free row of a table (its second key column; keys are stored + 1)
_MAX_IDS = 1 << 31        # distinct words and pieces: a key holds two ids in 64 bits
_LOW32 = 0xFFFFFFFF
_UNSET = -3               # a word's inner pieces not yet looked up in the trie
_MISSING = -4             # a middle the trie does not hold: nothing with it was counted
_LOAD = 0.7               # tables grow beyond this fill

# columns of the per-string matrix: one row (one cache line) per distinct word or piece
W_OFFSET, W_BYTES, W_PIECES, W_NPIECES, W_CONNECTOR, W_MIDDLE, W_COUNT, W_HASH = range(8)
# the state vector
S_ENTRIES, S_MIN_REDUCE, S_WORDS, S_NODES, S_PRUNES, S_ROWS, S_STRINGS, S_TEXT, S_POOL = range(9)


# -- numba: bytes to words -----------------------------------------------------------------------

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


# -- numba: the count table ----------------------------------------------------------------------
# A table is an (capacity, 3) int64 array of rows (key1, key2 + 1, value), open addressing with
# linear probing; a 0 in column 1 (_FREE) marks a free row. The count table's keys are
# (first piece << 32 | last piece, middle node) of strings of two or more pieces; one-piece words
# are counted in their own row of `words` (W_COUNT): a one-piece string is never a candidate.
# The trie's keys are (parent node, piece), its value the child node.

@njit(cache=True, inline="always")
def _hash(key1, key2):
    x = np.uint64(key1) ^ (np.uint64(key2) * np.uint64(0x9E3779B97F4A7C15))
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


@njit(cache=True, inline="always")
def _slot(table, key1, key2):
    """The row holding (key1, stored key2 = key2 + 1), or the free row where it would go."""
    mask = np.uint64(table.shape[0] - 1)
    i = np.int64(_hash(key1, key2) & mask)
    while table[i, 1] != _FREE and (table[i, 0] != key1 or table[i, 1] != key2):
        i = np.int64((np.uint64(i) + np.uint64(1)) & mask)
    return i


@njit(cache=True)
def _rehash(table, capacity):
    new = np.zeros((capacity, 3), np.int64)
    for i in range(table.shape[0]):
        if table[i, 1] != _FREE:
            j = _slot(new, table[i, 0], table[i, 1])
            new[j, 0], new[j, 1], new[j, 2] = table[i, 0], table[i, 1], table[i, 2]
    return new


@njit(cache=True, inline="always")
def _child(trie, node, parent, piece, state, insert):
    """The trie node of middle `parent` + `piece`; made when `insert`, else _MISSING when missing."""
    if parent == _MISSING:
        return np.int64(_MISSING)
    i = _slot(trie, parent, piece + 1)
    if trie[i, 1] != _FREE:
        return trie[i, 2]
    if not insert:
        return np.int64(_MISSING)
    state[S_NODES] += 1
    made = state[S_NODES]
    trie[i, 0], trie[i, 1], trie[i, 2] = parent, piece + 1, made
    node[made, 0], node[made, 1] = parent, piece
    return made


@njit(cache=True, inline="always")
def _word_key(t, words, pool, trie, node, state, insert):
    """The count-table key of word t's own string (t of two or more pieces)."""
    first, n = words[t, W_PIECES], words[t, W_NPIECES]
    middle = words[t, W_MIDDLE]
    if middle == _UNSET:
        middle = 0
        for k in range(first + 1, first + n - 1):
            middle = _child(trie, node, middle, pool[k], state, insert)
        if middle != _MISSING:
            words[t, W_MIDDLE] = middle
    return (pool[first] << 32) | pool[first + n - 1], middle


@njit(cache=True, inline="always")
def _pair_key(tokens, a, b, words, pool, trie, node, state, insert):
    """The count-table key of the candidate tokens[a] ... tokens[b] (connector words between)."""
    wa, wb = tokens[a], tokens[b]
    fa, na, fb, nb = words[wa, W_PIECES], words[wa, W_NPIECES], words[wb, W_PIECES], words[wb, W_NPIECES]
    middle = np.int64(0)
    for k in range(fa + 1, fa + na):
        middle = _child(trie, node, middle, pool[k], state, insert)
    for p in range(a + 1, b):
        w = tokens[p]
        for k in range(words[w, W_PIECES], words[w, W_PIECES] + words[w, W_NPIECES]):
            middle = _child(trie, node, middle, pool[k], state, insert)
    for k in range(fb, fb + nb - 1):
        middle = _child(trie, node, middle, pool[k], state, insert)
    return (pool[fa] << 32) | pool[fb + nb - 1], middle


@njit(cache=True, inline="always")
def _add_one(table, key1, key2, state):
    i = _slot(table, key1, key2 + 1)
    if table[i, 1] == _FREE:
        table[i, 0], table[i, 1], table[i, 2] = key1, key2 + 1, 0
        state[S_ENTRIES] += 1
        state[S_ROWS] += 1
    table[i, 2] += 1


@njit(cache=True, inline="always")
def _lookup(table, key1, key2):
    if key2 == _MISSING:
        return np.int64(0)
    i = _slot(table, key1, key2 + 1)
    return table[i, 2] if table[i, 1] != _FREE else np.int64(0)


@njit(cache=True)
def _prune(words, table, min_reduce, state):
    """Drop the entries counted fewer than min_reduce times (gensim's utils.prune_vocab)."""
    removed = 0
    for i in range(state[S_STRINGS]):
        if 0 < words[i, W_COUNT] < min_reduce:
            words[i, W_COUNT] = 0
            removed += 1
    kept = 0
    for i in range(table.shape[0]):
        if table[i, 1] != _FREE and table[i, 2] >= min_reduce:
            kept += 1
    saved = np.empty((kept, 3), np.int64)
    k = 0
    for i in range(table.shape[0]):
        if table[i, 1] != _FREE:
            if table[i, 2] >= min_reduce:
                saved[k, 0], saved[k, 1], saved[k, 2] = table[i, 0], table[i, 1], table[i, 2]
                k += 1
            else:
                removed += 1
            table[i, 1] = _FREE
    for k in range(kept):
        i = _slot(table, saved[k, 0], saved[k, 1])
        table[i, 0], table[i, 1], table[i, 2] = saved[k, 0], saved[k, 1], saved[k, 2]
    state[S_ENTRIES] -= removed
    state[S_ROWS] = kept


@njit(cache=True)
def _count(tokens, ends, first_sentence, words, pool, table, trie, node, state, max_vocab_size):
    """Count sentences first_sentence.. of a chunk; return where it stopped (the end, or a
    sentence the tables may have no room for: the caller grows them and calls again)."""
    capacity, trie_capacity = table.shape[0], trie.shape[0]
    s = first_sentence
    while s < ends.shape[0] - 1:
        begin, end = ends[s], ends[s + 1]
        pieces = 0
        for p in range(begin, end):
            pieces += 3 * words[tokens[p], W_NPIECES]   # bounds the trie nodes one sentence can make
        if state[S_ROWS] + 2 * (end - begin) + 1 > _LOAD * capacity or \
                state[S_NODES] + pieces + 1 > _LOAD * trie_capacity:
            return s
        previous = -1                              # the last word that was not a connector
        for p in range(begin, end):
            t = tokens[p]
            if not words[t, W_CONNECTOR]:
                if words[t, W_NPIECES] == 1:
                    if words[t, W_COUNT] == 0:
                        state[S_ENTRIES] += 1
                    words[t, W_COUNT] += 1
                else:
                    key1, key2 = _word_key(t, words, pool, trie, node, state, True)
                    _add_one(table, key1, key2, state)
                if previous >= 0:
                    key1, key2 = _pair_key(tokens, previous, p, words, pool, trie, node, state, True)
                    _add_one(table, key1, key2, state)
                previous = p
            state[S_WORDS] += 1
        if state[S_ENTRIES] > max_vocab_size:
            _prune(words, table, state[S_MIN_REDUCE], state)
            state[S_MIN_REDUCE] += 1
            state[S_PRUNES] += 1
        s += 1
    return s


@njit(cache=True, inline="always")
def _score(count_a, count_b, count_ab, vocab_size, corpus_words, min_count, npmi):
    """gensim's original_scorer or npmi_scorer, in the same float64 operations."""
    if npmi:
        if count_ab < min_count:
            return -np.inf
        pa = count_a / corpus_words
        pb = count_b / corpus_words
        pab = count_ab / corpus_words
        return np.log(pab / (pa * pb)) / -np.log(pab)
    if count_a <= (np.int64(0x7FFFFFFFFFFFFFFF) // max(count_b, 1)):
        denominator = np.float64(count_a * count_b)   # exact, then rounded once, as Python's float(int)
    else:
        denominator = np.float64(count_a) * np.float64(count_b)
    return (count_ab - min_count) / denominator * vocab_size


@njit(cache=True, inline="always")
def _word_count(t, words, pool, table, trie, node, state):
    if words[t, W_NPIECES] == 1:
        return words[t, W_COUNT]
    key1, key2 = _word_key(t, words, pool, trie, node, state, False)
    return _lookup(table, key1, key2)


@njit(cache=True)
def _key_table(table, rows):
    """A table of the keys table[rows] (value 1), at most half full."""
    capacity = 16
    while capacity < 2 * rows.shape[0]:
        capacity *= 2
    keys = np.zeros((capacity, 3), np.int64)
    for i in rows:
        j = _slot(keys, table[i, 0], table[i, 1])
        keys[j, 0], keys[j, 1], keys[j, 2] = table[i, 0], table[i, 1], 1
    return keys


@njit(cache=True)
def _apply(tokens, ends, words, pool, table, phrases, trie, vocab_size, corpus_words, min_count, threshold, npmi,
           frozen, joins):
    """Mark joins[i] = 1 where word i and i + 1 belong to one phrase (gensim's analyze_sentence).

    `phrases` holds the keys `_phrase_scores` finds: a candidate is a phrase when its key is
    there, scored by the first and last piece of its string (FrozenPhrases), which for words of
    one piece each is Phrases' score too; Phrases' candidates with longer words are scored from
    the count table.
    """
    state = np.zeros(9, np.int64)                  # lookups insert nothing: these stay unused
    node = np.zeros((1, 2), np.int64)
    for s in range(ends.shape[0] - 1):
        previous = -1
        for p in range(ends[s], ends[s + 1]):
            t = tokens[p]
            if words[t, W_CONNECTOR]:
                continue
            if previous >= 0:
                wa = tokens[previous]
                key1, key2 = _pair_key(tokens, previous, p, words, pool, trie, node, state, False)
                if frozen or (words[wa, W_NPIECES] == 1 and words[t, W_NPIECES] == 1):
                    phrase = _lookup(phrases, key1, key2) > 0
                else:
                    phrase = False
                    count_ab = _lookup(table, key1, key2)
                    if count_ab > 0:
                        count_a = _word_count(wa, words, pool, table, trie, node, state)
                        count_b = _word_count(t, words, pool, table, trie, node, state)
                        if count_a > 0 and count_b > 0:
                            score = _score(count_a, count_b, count_ab, vocab_size, corpus_words, min_count, npmi)
                            phrase = score > threshold
                if phrase:
                    for q in range(previous, p):
                        joins[q] = 1
                    previous = -1
                    continue
            previous = p
    return joins


@njit(cache=True)
def _phrase_scores(words, table, vocab_size, corpus_words, min_count, threshold, npmi):
    """Rows and scores of the count-table entries scoring above the threshold, each scored by
    its first and last piece (gensim's export_phrases)."""
    rows = np.empty(table.shape[0], np.int64)
    scores = np.empty(table.shape[0], np.float64)
    found = 0
    for i in range(table.shape[0]):
        if table[i, 1] == _FREE:
            continue
        count_a, count_b = words[table[i, 0] >> 32, W_COUNT], words[table[i, 0] & _LOW32, W_COUNT]
        if count_a <= 0 or count_b <= 0:
            continue
        score = _score(count_a, count_b, table[i, 2], vocab_size, corpus_words, min_count, npmi)
        if score > threshold:
            rows[found], scores[found] = i, score
            found += 1
    return rows[:found], scores[:found]
