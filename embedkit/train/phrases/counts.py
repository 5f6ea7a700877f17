"""numba kernels of `embedkit.train.phrases`: the count table of words and bigrams, scores, the phrases.

Every table is a 2-D int64 array, open addressing with linear probing, grown by the caller (or
returned enlarged) before it passes `_LOAD` full; strings, counts and trie nodes are described
where they are defined below and in `embedkit.train.phrases`.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from .tables import S_ENTRIES, S_MIN_REDUCE, S_NODES, S_PRUNES, S_ROWS, S_STRINGS, S_WORDS, W_CONNECTOR, W_COUNT, W_MIDDLE, W_NPIECES, W_PIECES, _FREE, _LOAD, _LOW32, _MISSING, _UNSET


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
