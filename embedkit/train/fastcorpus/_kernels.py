"""numba kernels of the corpus pass: tokenise UTF-8 bytes, count and number the tokens.

Words get provisional ids in the order they are first seen, from an open-addressing hash table
(linear probing) whose keys are the words' UTF-8 bytes, stored one after another in an arena:

    table[slot]    uint64   (upper 32 bits of the word's hash) << 32 | id, or EMPTY
    hashes[id]     uint64   the word's 64-bit hash (to rehash a grown table)
    key_off[id]    int64    where the word's bytes start in `arena`
    key_len[id]    int64    how many bytes it has
    counts[id]     int64    how often it occurred

Every kernel keeps the running totals in `state` (int64, indices below) and writes each token's
provisional id to `out_ids` and each sentence's end (corpus tokens before it) to `out_bounds`.
When a buffer or the table runs out of room a kernel stops before the token and returns NEED
(the Python side makes room and calls again from state[POS]); nothing is ever half-counted.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._unicode import CONNECTOR, LINE_END, OTHER, SPACE, SPECIAL, WORD

# state[] indices
N_IDS, ARENA, N_OUT, N_BOUNDS, TOTAL, CUR, RUN_START, RUN_TOKENS, POS, RET_A, RET_B, RET_K = range(12)
STATE_SIZE = 12
# kernel results
DONE, NEED, SPECIAL_RUN, INVALID, LONG_RUN = range(5)

# Without numba's reference counting (`_nrt=False`): these kernels allocate nothing, and every
# array handed to an inlined helper would otherwise cost an atomic increment and decrement per
# call, which made the tokenizer four times slower.
_KERNEL = dict(cache=True, nogil=True, _nrt=False)
_INLINE = dict(cache=True, inline="always", _nrt=False)

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MASK32 = np.uint64(0xFFFFFFFF)
_U32 = np.uint64(32)


@njit(**_INLINE)
def _finish(h):
    """Mix the FNV-1a state so that its low bits (the slot) depend on every byte (murmur3 fmix64)."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


@njit(**_INLINE)
def _find_or_add(key, n, h, table, hashes, key_off, key_len, arena, arena_used, n_ids):
    """The id of the word key[:n] (hash h); a new word gets id n_ids (the caller counts it in)."""
    mask = np.uint64(table.size - 1)
    slot = h & mask
    tag = h >> _U32
    while True:
        v = table[slot]
        if v == EMPTY:
            for k in range(n):
                arena[arena_used + k] = key[k]
            key_off[n_ids] = arena_used
            key_len[n_ids] = n
            hashes[n_ids] = h
            table[slot] = (tag << _U32) | np.uint64(n_ids)
            return n_ids
        if (v >> _U32) == tag:
            i = np.int64(v & _MASK32)
            if key_len[i] == n:
                off = key_off[i]
                same = True
                for k in range(n):
                    if arena[off + k] != key[k]:
                        same = False
                        break
                if same:
                    return i
        slot = (slot + np.uint64(1)) & mask


@njit(**_INLINE)
def _no_room(n, n_ids, arena_used, n_out, n_bounds, table, hashes, arena, out_ids, out_bounds):
    return (n_out >= out_ids.size or n_bounds + 2 > out_bounds.size or n_ids >= hashes.size
            or 2 * (n_ids + 1) > table.size or arena_used + n > arena.size)


@njit(**_INLINE)
def _put(tok, n, h, byte):
    tok[n] = byte
    return n + 1, (h ^ np.uint64(byte)) * _FNV_PRIME


@njit(**_INLINE)
def _put_code_point(tok, n, h, cp):
    """Append the UTF-8 bytes of `cp` to tok[:n], hashing them."""
    if cp < 0x80:
        n, h = _put(tok, n, h, cp)
    elif cp < 0x800:
        n, h = _put(tok, n, h, 0xC0 | (cp >> 6))
        n, h = _put(tok, n, h, 0x80 | (cp & 0x3F))
    elif cp < 0x10000:
        n, h = _put(tok, n, h, 0xE0 | (cp >> 12))
        n, h = _put(tok, n, h, 0x80 | ((cp >> 6) & 0x3F))
        n, h = _put(tok, n, h, 0x80 | (cp & 0x3F))
    else:
        n, h = _put(tok, n, h, 0xF0 | (cp >> 18))
        n, h = _put(tok, n, h, 0x80 | ((cp >> 12) & 0x3F))
        n, h = _put(tok, n, h, 0x80 | ((cp >> 6) & 0x3F))
        n, h = _put(tok, n, h, 0x80 | (cp & 0x3F))
    return n, h


@njit(**_INLINE)
def _count_token(key, n, h, max_len, table, hashes, key_off, key_len, arena, counts, out_ids, out_bounds,
                 n_ids, arena_used, n_out, n_bounds, total, cur):
    """Count the token key[:n] (hash h, room checked by `_no_room`), write its id, end a sentence of
    `max_len` tokens; the updated (n_ids, arena_used, n_out, n_bounds, total, cur)."""
    word = _find_or_add(key, n, _finish(h), table, hashes, key_off, key_len, arena, arena_used, n_ids)
    if word == n_ids:
        n_ids += 1
        arena_used += n
    counts[word] += 1
    out_ids[n_out] = word
    n_out += 1
    total += 1
    cur += 1
    if cur == max_len:
        out_bounds[n_bounds] = total
        n_bounds += 1
        cur = 0
    return n_ids, arena_used, n_out, n_bounds, total, cur


@njit(**_INLINE)
def _char(buf, i, limit, ascii_class, uni_class):
    """(class, code point, bytes) of the character at buf[i]; bytes 0: not valid UTF-8."""
    b = buf[i]
    if b < 128:
        return np.int64(ascii_class[b]), np.int64(b), 1
    cp, width = _decode(buf, i, limit)
    if width == 0:
        return np.int64(OTHER), cp, 0
    return np.int64(uni_class[cp]), cp, width


@njit(**_KERNEL)
def scan_block(buf, pos, limit, final, lowercase, ascii_class, ascii_byte, uni_class, uni_lower,
               max_len, run_cap, table, hashes, key_off, key_len, arena, counts, out_ids, out_bounds,
               tok, state):
    """Tokenise buf[pos:limit] as `corpus.tokenize` does, counting and numbering every token.

    buf[limit - 1] must be ASCII whitespace unless `final` (the end of the file), so no token and
    no UTF-8 sequence is cut. Lines end at \\n and \\r; a sentence ends at a line end or after
    `max_len` tokens. Returns DONE; NEED (state[POS]: where to resume, state[RET_A]: arena
    bytes wanted); SPECIAL_RUN (state[RET_A:RET_B] is the whitespace-delimited run holding a
    character the tables cannot lower-case, state[RET_K] of its tokens are already counted);
    INVALID (not UTF-8); LONG_RUN (a run of `run_cap` bytes or more without space, tab or line
    end, where the reference reader may cut a word).
    """
    n_ids, arena_used, n_out, n_bounds = state[N_IDS], state[ARENA], state[N_OUT], state[N_BOUNDS]
    total, cur, run_start, run_tokens = state[TOTAL], state[CUR], state[RUN_START], state[RUN_TOKENS]
    status = DONE
    i = pos
    while i < limit:
        c, cp, width = _char(buf, i, limit, ascii_class, uni_class)
        if c != WORD:
            if width == 0:
                status = INVALID
                break
            if c == SPECIAL:
                status = SPECIAL_RUN
                break
            if c == SPACE or c == LINE_END:
                if i - run_start >= run_cap:
                    status = LONG_RUN
                    break
                if c == LINE_END and cur > 0:
                    out_bounds[n_bounds] = total
                    n_bounds += 1
                    cur = 0
                run_start, run_tokens = i + 1, 0
            i += width
            continue
        # a token starts at i: word characters, and a connector wherever a word character follows
        tok_start, n, h = i, 0, _FNV_OFFSET
        while True:
            while i < limit:
                b = buf[i]
                if b < 128:
                    if ascii_class[b] != WORD:
                        break
                    n, h = _put(tok, n, h, ascii_byte[b])
                    i += 1
                    continue
                c, cp, width = _char(buf, i, limit, ascii_class, uni_class)
                if c != WORD:
                    if width == 0:
                        status = INVALID
                    elif c == SPECIAL:
                        status = SPECIAL_RUN
                    break
                n, h = _put_code_point(tok, n, h, np.int64(uni_lower[cp]) if lowercase else cp)
                i += width
            if status != DONE or i >= limit:
                break
            c, cp, width = _char(buf, i, limit, ascii_class, uni_class)
            if c != CONNECTOR or i + width >= limit:
                break
            c2, cp2, width2 = _char(buf, i + width, limit, ascii_class, uni_class)
            if c2 != WORD:
                if width2 == 0:
                    status = INVALID
                elif c2 == SPECIAL:
                    status = SPECIAL_RUN
                break
            for j in range(width):  # a connector is its own lower case
                n, h = _put(tok, n, h, buf[i + j])
            i += width
        if status != DONE:
            break
        if _no_room(n, n_ids, arena_used, n_out, n_bounds, table, hashes, arena, out_ids, out_bounds):
            state[POS], state[RET_A] = tok_start, n
            status = NEED
            break
        n_ids, arena_used, n_out, n_bounds, total, cur = _count_token(
            tok, n, h, max_len, table, hashes, key_off, key_len, arena, counts, out_ids, out_bounds,
            n_ids, arena_used, n_out, n_bounds, total, cur)
        run_tokens += 1
    if status == SPECIAL_RUN:
        end = i
        while end < limit and not _is_space(buf[end]):
            end += 1
        state[RET_A], state[RET_B], state[RET_K] = run_start, end, run_tokens
    elif status == DONE:
        state[POS] = limit
        if final and limit - run_start >= run_cap:
            status = LONG_RUN
    state[N_IDS], state[ARENA], state[N_OUT], state[N_BOUNDS] = n_ids, arena_used, n_out, n_bounds
    state[TOTAL], state[CUR], state[RUN_START], state[RUN_TOKENS] = total, cur, run_start, run_tokens
    return status


@njit(**_INLINE)
def _decode(buf, i, limit):
    """(code point, bytes) of the UTF-8 sequence at buf[i] (>= 0x80), or (0, 0) if it is invalid.

    Strict as Python's decoder: no overlong forms, no surrogates, nothing above U+10FFFF.
    """
    b = np.int64(buf[i])
    if b < 0xC2:
        return 0, 0
    if b < 0xE0:
        width, cp, lo, hi = 2, b & 0x1F, 0x80, 0xBF
    elif b < 0xF0:
        width, cp = 3, b & 0x0F
        lo = 0xA0 if b == 0xE0 else 0x80
        hi = 0x9F if b == 0xED else 0xBF
    elif b < 0xF5:
        width, cp = 4, b & 0x07
        lo = 0x90 if b == 0xF0 else 0x80
        hi = 0x8F if b == 0xF4 else 0xBF
    else:
        return 0, 0
    if i + width > limit:
        return 0, 0
    second = np.int64(buf[i + 1])
    if second < lo or second > hi:
        return 0, 0
    cp = (cp << 6) | (second & 0x3F)
    for k in range(2, width):
        nxt = np.int64(buf[i + k])
        if nxt < 0x80 or nxt > 0xBF:
            return 0, 0
        cp = (cp << 6) | (nxt & 0x3F)
    return cp, width


@njit(**_KERNEL)
def add_tokens(blob, pos, max_len, table, hashes, key_off, key_len, arena, counts, out_ids, out_bounds,
               state):
    """Count and number tokens given as UTF-8 text: separated by b' ', a sentence ends at b'\\n'.

    Tokens are taken as they are (already lower-cased where wanted). Returns DONE, or NEED with
    state[POS] where to resume.
    """
    n_ids, arena_used, n_out, n_bounds = state[N_IDS], state[ARENA], state[N_OUT], state[N_BOUNDS]
    total, cur = state[TOTAL], state[CUR]
    status = DONE
    i = pos
    size = blob.size
    while i < size:
        j, h = i, _FNV_OFFSET
        while j < size and blob[j] != 32 and blob[j] != 10:
            h = (h ^ np.uint64(blob[j])) * _FNV_PRIME
            j += 1
        n = j - i
        if n > 0:
            if _no_room(n, n_ids, arena_used, n_out, n_bounds, table, hashes, arena, out_ids, out_bounds):
                state[POS], state[RET_A] = i, n
                status = NEED
                break
            n_ids, arena_used, n_out, n_bounds, total, cur = _count_token(
                blob[i:j], n, h, max_len, table, hashes, key_off, key_len, arena, counts, out_ids, out_bounds,
                n_ids, arena_used, n_out, n_bounds, total, cur)
        if j < size and blob[j] == 10 and cur > 0:
            out_bounds[n_bounds] = total
            n_bounds += 1
            cur = 0
        i = j + 1
    if status == DONE:
        state[POS] = size
    state[N_IDS], state[ARENA], state[N_OUT], state[N_BOUNDS] = n_ids, arena_used, n_out, n_bounds
    state[TOTAL], state[CUR] = total, cur
    return status


@njit(**_INLINE)
def _is_space(b):
    return b == 32 or b == 9 or b == 10 or b == 13


@njit(**_KERNEL)
def last_space(buf, end):
    """Index of the last space, tab, \\n or \\r in buf[:end], or -1."""
    for i in range(end - 1, -1, -1):
        if _is_space(buf[i]):
            return i
    return -1


@njit(**_KERNEL)
def rehash(table, hashes, n_ids):
    """Insert ids 0 .. n_ids-1 (in that order) into the empty `table`."""
    mask = np.uint64(table.size - 1)
    for word in range(n_ids):
        h = hashes[word]
        slot = h & mask
        while table[slot] != EMPTY:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = ((h >> _U32) << _U32) | np.uint64(word)


@njit(**_KERNEL)
def forget(table, hashes, first, n_ids):
    """Remove ids n_ids-1 down to `first` from `table`: the newest first, so probing stays valid."""
    mask = np.uint64(table.size - 1)
    for word in range(n_ids - 1, first - 1, -1):
        slot = hashes[word] & mask
        while (table[slot] & _MASK32) != np.uint64(word):
            slot = (slot + np.uint64(1)) & mask
        table[slot] = EMPTY


@njit(**_KERNEL)
def uncount(ids, counts):
    for word in ids:
        counts[word] -= 1


@njit(**_KERNEL)
def remap_step(prov, n_prov, remap, bounds, n_bounds, out_ids, out_starts, state):
    """Merge the provisional ids with the sentence ends into final ids and sentence starts.

    state = [next in prov, next in bounds, filled out_ids, filled out_starts, ids kept so far,
    tokens read so far]. Returns 1: prov used up; 2: bounds used up; 3: out_ids full;
    4: out_starts full.
    """
    i, j, n_ids, n_starts, kept, t = state[0], state[1], state[2], state[3], state[4], state[5]
    status = 2
    while j < n_bounds:
        r = bounds[j]
        while t < r:
            if i == n_prov:
                status = 1
                break
            if n_ids == out_ids.size:
                status = 3
                break
            v = remap[prov[i]]
            i += 1
            t += 1
            if v >= 0:
                out_ids[n_ids] = v
                n_ids += 1
                kept += 1
        if t < r:
            break
        if n_starts == out_starts.size:
            status = 4
            break
        out_starts[n_starts] = kept
        n_starts += 1
        j += 1
    state[0], state[1], state[2], state[3], state[4], state[5] = i, j, n_ids, n_starts, kept, t
    return status
