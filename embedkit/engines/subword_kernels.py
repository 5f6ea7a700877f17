"""numba kernels of skip-gram with subwords (fastText's model): one call trains one piece.

As in fastText, the center word o is the input: its hidden vector is the mean of its rows of the
input matrix W (its own row and its character n-gram rows, `subwords.subword_rows`), and it
predicts each context word c_1..c_B of its (dynamic) window through the output vectors U. As in
the whole-word engine (Ji et al. 2016), the k noise words are drawn once per center word and
shared by its whole window, so one center word is one small block:

    h = mean(W[rows(o)])                                   (D,)   rows(o): n rows
    targets t: the B contexts (label 1, weight 1), then the negatives n_j (label 0, weight
               m_j = number of contexts other than n_j: the pairs that count n_j as noise)
    g_t = lr * m_t * (label_t - sigmoid(h . u_t))          (T,)   T = B + k
    U[t] += g_t * h ;  W[r] += s * sum_t g_t u_t  for r in rows(o)   (both from the old values)

which is one gradient step on the block loss, the sum of the pair losses gensim and fastText
train on, each pair (o, c_b) against the window's negatives:

    L = sum_b [ -log sigmoid(h . u_cb) - sum_{j: n_j != c_b} log sigmoid(-h . u_nj) ]

when s = 1/n (h is a mean: `normalize=True`). fastText and gensim train skip-gram with s = 1:
every subword row receives the hidden vector's whole gradient (fastText divides by n only for
its supervised model), so the hidden vector moves as far as a whole-word vector would; training
uses s = 1 unless told otherwise. fastText computes h, and writes the n rows, once per
(center, context) pair, each pair with k fresh negatives; the block does both once per center
word, and reads 1 + k output rows per pair fewer.

Subsampling, learning-rate decay, the sigmoid table, the alias noise table and the per-piece
xorshift streams are the whole-word engine's (`native_kernels`), so `train_piece` here takes the
same corpus, seeds and thresholds as `native_kernels.train_piece`. Everything is float32; each
call owns its scratch and its random stream, so threads share the matrices Hogwild-style.
numba caches each kernel with the helpers it inlines from native_kernels; after editing those,
clear the cache (__pycache__/*.nbi, *.nbc) so these kernels pick the change up.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .native_kernels import FASTMATH, _U32, draw_noise, sigmoid, splitmix64, xorshift


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def subword_block(w_in, w_out, rows, first, stop, targets, n_positive, n_targets, weights, lr, normalize,
                  table, hidden, grad):
    """One gradient step of size `lr` on one center word's block loss (see the module).

    rows[first:stop] are the center word's rows of `w_in` (n of them, repeats allowed);
    targets[:n_targets] rows of `w_out`: the first `n_positive` are the contexts (label 1), the
    rest the negatives (label 0), each weighted by weights[t] (overwritten). `normalize`: s = 1/n (the exact
    gradient) instead of fastText's s = 1. hidden and grad are the caller's (D,) scratch.
    """
    dim = w_in.shape[1]
    n_rows = stop - first
    zero, one = np.float32(0.0), np.float32(1.0)
    for d in range(dim):                                   # h = mean(W[rows])
        hidden[d] = zero
        grad[d] = zero
    for p in range(first, stop):
        r = rows[p]
        for d in range(dim):
            hidden[d] += w_in[r, d]
    inverse = one / np.float32(n_rows)
    for d in range(dim):
        hidden[d] *= inverse
    for t in range(n_targets):                             # g_t; grad = sum_t g_t u_t, old U
        q = targets[t]
        x = zero
        for d in range(dim):
            x += hidden[d] * w_out[q, d]
        label = one if t < n_positive else zero
        g = lr * weights[t] * (label - sigmoid(x, table))
        weights[t] = g                                     # the weights are spent: keep g there
        for d in range(dim):
            grad[d] += g * w_out[q, d]
    for t in range(n_targets):                             # U[t] += g_t h
        q = targets[t]
        g = weights[t]
        for d in range(dim):
            w_out[q, d] += g * hidden[d]
    if normalize:
        for d in range(dim):
            grad[d] *= inverse
    for p in range(first, stop):                           # W[rows] += s grad
        r = rows[p]
        for d in range(dim):
            w_in[r, d] += grad[d]


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def train_piece(ids, starts, raw_before, first, stop, w_in, w_out, sub_offsets, sub_rows, normalize,
                keep_threshold, alias_threshold, alias_index, table, window, negative, alpha, min_alpha,
                words_before, words_total, seed, sentence, targets, weights, hidden, grad):
    """Train on sentences first..stop-1 of the encoded corpus; return the center words trained.

    The corpus, subsampling, noise, learning rate and `seed` are as in `native_kernels.train_piece`.
    Word w's input rows are sub_rows[sub_offsets[w]:sub_offsets[w + 1]] (`subwords.SubwordRows`);
    `normalize` as in `subword_block`. sentence, targets, weights, hidden and grad are scratch of
    at least (longest sentence,), (2 window + negative,) twice, (D,) and (D,).
    """
    always = np.uint64(1) << _U32
    state = splitmix64(np.uint64(seed)) | np.uint64(1)
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
            state, bits = xorshift(state)
            reach = window - np.int64(((bits >> _U32) * np.uint64(window)) >> _U32)  # 1..window
            n_contexts = 0
            for j in range(max(0, i - reach), min(n, i + reach + 1)):
                if j != i:
                    targets[n_contexts] = sentence[j]
                    weights[n_contexts] = np.float32(1.0)
                    n_contexts += 1
            if n_contexts == 0:
                continue
            n_targets = n_contexts
            for _ in range(negative):                # shared by the whole window
                state, bits = xorshift(state)
                noise = draw_noise(bits, alias_threshold, alias_index)
                pairs = n_contexts                   # the pairs that count this draw as noise
                for b in range(n_contexts):
                    if targets[b] == noise:
                        pairs -= 1
                if pairs > 0:
                    targets[n_targets] = noise
                    weights[n_targets] = np.float32(pairs)
                    n_targets += 1
            center = sentence[i]
            subword_block(w_in, w_out, sub_rows, sub_offsets[center], sub_offsets[center + 1], targets,
                          n_contexts, n_targets, weights, lr, normalize, table, hidden, grad)
            trained += 1
    return trained
