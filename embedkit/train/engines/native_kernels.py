"""numba kernels of the native skip-gram engine: one call trains one piece of the corpus.

The model is word2vec's skip-gram with negative sampling as gensim trains it: for a center
word o and each context word c in its (dynamic) window, the *input* vector v_c predicts o
through the *output* vector u_o against k noise words. Following Ji et al. (2016),
"Parallelizing Word2Vec in Shared and Distributed Memory", the noise words are drawn once per
center word and shared by its whole window, so one center word is one small block:

    V = W_in[contexts]            (B, D)   B = 2 * effective window (fewer at sentence ends)
    U = W_out[o, n_1 .. n_k]      (T, D)   T = 1 + k (negatives equal to o are dropped)
    G = lr * (labels - sigmoid(V @ U.T))   (B, T)   labels = 1 for o, 0 for the negatives
    W_in[contexts] += G @ U ;  W_out[o, n_1..n_k] += G.T @ V

i.e. one gradient step on the block's negative-sampling loss (both updates use the old values).
word2vec.c and gensim instead draw k fresh negatives for every (center, context) pair and update
pair by pair; the block form reads 1 + k output rows per center word instead of B * (1 + k),
draws B times fewer random numbers, and its three B x T x D products run from L1 cache.
As in word2vec.c, sigmoid is looked up in a table; noise words come from an alias table
(Walker), one random number each, where gensim bisects a cumulative table.

Everything is float32; each kernel call owns its scratch buffers and its random stream, so
several threads can run kernels at once on the shared matrices (Hogwild).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# 'fast' minus nnan/ninf: lets LLVM reassociate the float32 dot products into SIMD lanes (without
# it the block update takes twice as long: bench/native_kernel.py), but keeps inf/nan semantics.
FASTMATH = {"reassoc", "contract", "nsz", "arcp", "afn"}

_U32 = np.uint64(32)
_MASK32 = np.uint64(0xFFFFFFFF)


# -- random numbers -------------------------------------------------------------------------------

@njit(cache=True, inline="always")
def splitmix64(x):
    """One step of splitmix64: a well-mixed uint64 from any uint64 (used to seed streams)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def xorshift(state):
    """xorshift64*: returns (new state, 64 random bits). The state must never be 0."""
    state ^= state >> np.uint64(12)
    state ^= state << np.uint64(25)
    state ^= state >> np.uint64(27)
    return state, state * np.uint64(0x2545F4914F6CDD1D)


@njit(cache=True, inline="always")
def draw_noise(bits, alias_threshold, alias_index):
    """A word drawn from the noise distribution by the alias method, from 64 random bits."""
    n = np.uint64(alias_threshold.shape[0])
    slot = ((bits >> _U32) * n) >> _U32            # uniform in 0..n-1 from the high 32 bits
    if (bits & _MASK32) < alias_threshold[slot]:  # low 32 bits: stay, or take the alias
        return np.int64(slot)
    return np.int64(alias_index[slot])


@njit(cache=True, inline="always")
def new_stream(seed):
    """The first state of the xorshift stream seeded with `seed` (any integer; the state is never 0)."""
    return splitmix64(np.uint64(seed)) | np.uint64(1)


@njit(cache=True, inline="always")
def draw_negatives(center, negative, alias_threshold, alias_index, state, targets):
    """targets = [center, the `negative` noise words drawn that are not center]: (count, state)."""
    targets[0] = center
    n_targets = 1
    for _ in range(negative):
        state, bits = xorshift(state)
        noise = draw_noise(bits, alias_threshold, alias_index)
        if noise != center:
            targets[n_targets] = noise
            n_targets += 1
    return n_targets, state


@njit(cache=True, nogil=True)
def draw_many(seed, count, alias_threshold, alias_index):
    """`count` noise words from a stream seeded with `seed` (for tests of the distribution)."""
    out = np.empty(count, dtype=np.int64)
    state = new_stream(seed)
    for i in range(count):
        state, bits = xorshift(state)
        out[i] = draw_noise(bits, alias_threshold, alias_index)
    return out


def alias_table(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias table of a distribution: (thresholds uint64 in 0..2^32, aliases int32).

    Slot i is chosen uniformly; it yields i when 32 random bits fall below thresholds[i], else
    aliases[i]. Built by Vose's method in float64, so each word's probability is exact to ~2^-32.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    n = p.shape[0]
    scaled = p * n / p.sum()
    threshold = np.ones(n)
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, l = small.pop(), large.pop()
        threshold[s], alias[s] = scaled[s], l
        scaled[l] -= 1.0 - scaled[s]
        (small if scaled[l] < 1.0 else large).append(l)
    thresholds = np.minimum(np.round(threshold * 2.0 ** 32), 2.0 ** 32).astype(np.uint64)
    return thresholds, alias


# -- one block: a center word, its window, shared negatives ------------------------------------

MAX_EXP = 6.0        # logits beyond +-MAX_EXP saturate the sigmoid (word2vec.c, gensim)
SIGMOID_BINS = 1000  # the size of word2vec.c's and gensim's EXP_TABLE


def sigmoid_table(bins: int = SIGMOID_BINS) -> np.ndarray:
    """sigmoid at the centers of `bins` equal bins over [-MAX_EXP, MAX_EXP], float32 (bins,).

    Looked up instead of calling exp (word2vec.c's EXP_TABLE); a bin is 12/bins wide, so with
    1000 bins the looked-up value is within 0.0015 of the exact sigmoid.
    """
    centers = (np.arange(bins) + 0.5) / bins * 2 * MAX_EXP - MAX_EXP
    return (1.0 / (1.0 + np.exp(-centers))).astype(np.float32)


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def sigmoid(x, table):
    """sigmoid(x) from `table` (see sigmoid_table), 0 or 1 beyond +-MAX_EXP."""
    if x >= np.float32(MAX_EXP):
        return np.float32(1.0)
    if x <= np.float32(-MAX_EXP):
        return np.float32(0.0)
    slot = np.int64((x + np.float32(MAX_EXP)) * np.float32(table.shape[0] / (2 * MAX_EXP)))
    return table[min(slot, table.shape[0] - 1)]  # x just below MAX_EXP may round up to the end


_CENTER_LABEL = np.ones(1, dtype=np.float32)  # negative sampling's labels: 1 for the center word, 0 after


@njit(cache=True, inline="always")
def _tile(coef, b, t, last_b, last_t):
    """coef[b:b + 2, t:t + 2] as four numbers, 0 past the last row or column."""
    zero = np.float32(0.0)
    right = t < last_t
    below = b < last_b
    return (coef[b, t], coef[b, t + 1] if right else zero, coef[b + 1, t] if below else zero,
            coef[b + 1, t + 1] if right and below else zero)


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def block_part(w_in, w_out, contexts, n_contexts, targets, labels, n_labeled, n_targets, lr, table, coef, grad_in,
               accumulate):
    """One output matrix's part of a block step; the input rows are not moved here.

    The rows contexts[:n_contexts] of `w_in` (V, B x D) against the rows targets[:n_targets] of
    `w_out` (U, T x D), target t labeled labels[t] for t < n_labeled and 0 after (negative
    sampling: labels [1], n_labeled 1; an HS path: every target labeled):
    coef = lr * (labels - sigmoid(V U^T)) (B, T), then grad_in (+)= coef @ U from the old U (set,
    or added to when `accumulate`), then U += coef^T @ V. The caller adds grad_in to the context
    rows after every matrix's part (`add_rows`), so each part sees the old input vectors. `coef`
    (at least B x T) and `grad_in` (at least B x D) are the caller's scratch.

    The three products are loops over D that LLVM turns into SIMD, taken in tiles of two
    contexts x two targets: each pass over D loads four rows for four multiply-adds per element
    (one row per pass would load two for one), keeps four sums in registers for the logits, and
    reads and writes two rows of the result for two loaded rows in the other products. A tile
    at an odd end repeats its last row with coefficient 0; nothing is written outside
    coef[:B, :T] and grad_in[:B].
    """
    dim = w_in.shape[1]
    zero = np.float32(0.0)
    if n_targets == 0:
        if not accumulate:
            for b in range(n_contexts):
                for d in range(dim):
                    grad_in[b, d] = zero
        return
    last_b, last_t = n_contexts - 1, n_targets - 1
    for b in range(0, n_contexts, 2):               # coef = lr * (labels - sigmoid(V U^T))  (B, T)
        r0, r1 = contexts[b], contexts[min(b + 1, last_b)]
        for t in range(0, n_targets, 2):
            q0, q1 = targets[t], targets[min(t + 1, last_t)]
            x00 = x01 = x10 = x11 = zero
            for d in range(dim):
                a0, a1, u0, u1 = w_in[r0, d], w_in[r1, d], w_out[q0, d], w_out[q1, d]
                x00 += a0 * u0
                x01 += a0 * u1
                x10 += a1 * u0
                x11 += a1 * u1
            y0 = labels[t] if t < n_labeled else zero
            y1 = labels[t + 1] if t + 1 < n_labeled else zero
            coef[b, t] = lr * (y0 - sigmoid(x00, table))
            if t < last_t:
                coef[b, t + 1] = lr * (y1 - sigmoid(x01, table))
            if b < last_b:
                coef[b + 1, t] = lr * (y0 - sigmoid(x10, table))
                if t < last_t:
                    coef[b + 1, t + 1] = lr * (y1 - sigmoid(x11, table))
    for b in range(0, n_contexts, 2):               # grad_in (+)= coef @ U  (B, D), from the old U
        pair = b < last_b
        for t in range(0, n_targets, 2):
            q0, q1 = targets[t], targets[min(t + 1, last_t)]
            c00, c01, c10, c11 = _tile(coef, b, t, last_b, last_t)
            first = t == 0 and not accumulate
            if pair and first:
                for d in range(dim):
                    u0, u1 = w_out[q0, d], w_out[q1, d]
                    grad_in[b, d] = c00 * u0 + c01 * u1
                    grad_in[b + 1, d] = c10 * u0 + c11 * u1
            elif pair:
                for d in range(dim):
                    u0, u1 = w_out[q0, d], w_out[q1, d]
                    grad_in[b, d] += c00 * u0 + c01 * u1
                    grad_in[b + 1, d] += c10 * u0 + c11 * u1
            elif first:
                for d in range(dim):
                    grad_in[b, d] = c00 * w_out[q0, d] + c01 * w_out[q1, d]
            else:
                for d in range(dim):
                    grad_in[b, d] += c00 * w_out[q0, d] + c01 * w_out[q1, d]
    for t in range(0, n_targets, 2):                # U += coef^T @ V, from the old V
        q0, q1 = targets[t], targets[min(t + 1, last_t)]
        for b in range(0, n_contexts, 2):
            r0, r1 = contexts[b], contexts[min(b + 1, last_b)]
            c00, c01, c10, c11 = _tile(coef, b, t, last_b, last_t)
            if q0 == q1:                            # a noise word drawn twice, or the odd end
                for d in range(dim):
                    w_out[q0, d] += (c00 + c01) * w_in[r0, d] + (c10 + c11) * w_in[r1, d]
            else:
                for d in range(dim):
                    a0, a1 = w_in[r0, d], w_in[r1, d]
                    w_out[q0, d] += c00 * a0 + c10 * a1
                    w_out[q1, d] += c01 * a0 + c11 * a1


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def add_rows(w_in, contexts, n_contexts, grad_in):
    """w_in[contexts[b]] += grad_in[b] for b < n_contexts (repeated rows add up)."""
    dim = w_in.shape[1]
    for b in range(n_contexts):
        r = contexts[b]
        for d in range(dim):
            w_in[r, d] += grad_in[b, d]


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def block_update(w_in, w_out, contexts, n_contexts, targets, n_targets, lr, table, coef, grad_in):
    """One gradient step of size `lr` on the negative-sampling loss of one center word's block.

    contexts[:n_contexts] are rows of `w_in` (V, B x D: the window), targets[:n_targets] rows of
    `w_out` (U, T x D: the center word first, label 1, then the negatives, label 0). The block
    loss is sum over b, t of -log sigmoid(+-v_b . u_t), the terms gensim trains on pair by pair;
    sigmoid is looked up in `table`. `coef` (at least B x T) and `grad_in` (at least B x D)
    are the caller's scratch. The products are `block_part`'s.
    """
    block_part(w_in, w_out, contexts, n_contexts, targets, _CENTER_LABEL, 1, n_targets, lr, table, coef, grad_in,
               False)
    add_rows(w_in, contexts, n_contexts, grad_in)


# -- one piece of the corpus: whole sentences ------------------------------------------------------

@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def walk_piece(ids, starts, raw_before, first, stop, keep_threshold, alpha, min_alpha, words_before, words_total,
               seed, window, shrink_windows, sentence, contexts, step, extra):
    """Call `step` on every center word of sentences first..stop-1 that has a context; return how many.

    The walk every engine's piece shares: the random stream seeded with `seed`; per sentence s
    the learning rate, falling linearly from `alpha` to `min_alpha` over `words_total` words
    (epochs x corpus words) and set from `words_before` (the words of the finished epochs) +
    raw_before[s], so it does not depend on which thread runs the piece; frequent-word
    subsampling of ids[starts[s]:starts[s + 1]] into `sentence` (a word w survives when 32
    random bits fall below keep_threshold[w], 2^32 = always); per position the window, its
    reach drawn in 1..window when `shrink_windows`, else `window`, copied into `contexts`.
    Then `state = step(center, contexts, n_contexts, lr, state, extra)` trains the center word
    (`extra`: the step's own arguments, a tuple) and returns the stream after its own draws.
    """
    always = np.uint64(1) << _U32
    state = new_stream(seed)
    trained = 0
    for s in range(first, stop):
        progress = (words_before + raw_before[s]) / words_total
        lr = np.float32(max(min_alpha, alpha - (alpha - min_alpha) * progress))
        n = 0
        for p in range(starts[s], starts[s + 1]):   # frequent-word subsampling
            word = ids[p]
            threshold = keep_threshold[word]
            if threshold < always:
                state, bits = xorshift(state)
                if (bits >> _U32) >= threshold:
                    continue
            sentence[n] = word
            n += 1
        for i in range(n):
            reach = window
            if shrink_windows:
                state, bits = xorshift(state)
                reach = window - np.int64(((bits >> _U32) * np.uint64(window)) >> _U32)  # 1..window
            n_contexts = 0
            for j in range(max(0, i - reach), min(n, i + reach + 1)):
                if j != i:
                    contexts[n_contexts] = sentence[j]
                    n_contexts += 1
            if n_contexts == 0:
                continue
            state = step(sentence[i], contexts, n_contexts, lr, state, extra)
            trained += 1
    return trained


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def _negative_sampling_step(center, contexts, n_contexts, lr, state, extra):
    """`walk_piece`'s step of this engine: shared negatives, then `block_update`."""
    w_in, w_out, alias_threshold, alias_index, table, negative, targets, coef, grad_in = extra
    n_targets, state = draw_negatives(center, negative, alias_threshold, alias_index, state, targets)  # the window's
    block_update(w_in, w_out, contexts, n_contexts, targets, n_targets, lr, table, coef, grad_in)
    return state


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def train_piece(ids, starts, raw_before, first, stop, w_in, w_out, keep_threshold,
                alias_threshold, alias_index, table, window, negative, alpha, min_alpha,
                words_before, words_total, seed, sentence, contexts, targets, coef, grad_in):
    """Train on sentences first..stop-1 of the encoded corpus; return the center words trained.

    ids[starts[s]:starts[s + 1]] are the word ids of sentence s (out-of-vocabulary words already
    dropped), raw_before[s] the corpus words before it in its epoch, out-of-vocabulary included;
    subsampling (keep_threshold), the learning rate (alpha, min_alpha, words_before, words_total)
    and the random stream (`seed`) are `walk_piece`'s, with shrinking windows. Noise words come
    from the alias table (alias_threshold, alias_index), sigmoid from `table`. sentence,
    contexts, targets, coef and grad_in are scratch of at least (longest sentence,), (2 window,),
    (1 + negative,), (2 window, 1 + negative) and (2 window, D).
    """
    return walk_piece(ids, starts, raw_before, first, stop, keep_threshold, alpha, min_alpha, words_before,
                      words_total, seed, window, True, sentence, contexts, _negative_sampling_step,
                      (w_in, w_out, alias_threshold, alias_index, table, negative, targets, coef, grad_in))
