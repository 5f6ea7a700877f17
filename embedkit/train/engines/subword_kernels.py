"""numba kernels of skip-gram with subwords (fastText's model): one call trains one piece.

As in fastText, the center word o is the input: its hidden vector is the mean of its rows of the
input matrix W (its own row and its character n-gram rows, `subwords.subword_rows`), and it
predicts each context word c_1..c_B of its (dynamic) window through the output vectors U, each
pair (o, c_b) against k noise words n_j:

    h = mean(W[rows(o)])                                           (D,)   rows(o): n rows
    pair loss  l_b = -log sigmoid(h . u_cb) - sum_{j: n_j != c_b} log sigmoid(-h . u_nj)

fastText (and gensim) give every row of rows(o) the hidden vector's whole gradient (s = 1 below;
fastText divides by n only for its supervised model), so h moves as far as a whole-word vector
would. `normalize=True` divides by n instead (s = 1/n): the exact gradient, as h is a mean.
Two ways to train one center word, both reading its n rows once and writing them once:

* `pair_steps` (the default): fresh noise words for every pair, and one gradient step per pair,
  one after the other, as fastText does; h is kept in scratch and moved by s x each step's
  gradient, which is exactly how fastText's per-pair writes of the n rows move it, so only the
  sum of the steps is written to the rows. fastText instead recomputes h from the n rows and
  writes them back for every pair.
* `subword_block` (`shared_negatives=True`): the k noise words drawn once for the window (Ji et al.
  2016, as the whole-word engine does) and one gradient step on the block loss L = sum_b l_b:

      targets t: the B contexts (label 1, weight 1), then the negatives (label 0, weight
                 m_j = number of contexts other than n_j: the pairs that count n_j as noise)
      g_t = lr * m_t * (label_t - sigmoid(h . u_t));  U[t] += g_t h;  W[rows(o)] += s sum_t g_t u_t

  It is about twice as fast as the pairs, but learns worse vectors: with one input vector per
  window, sharing cuts the noise words that input sees from B * k to k (in the whole-word engine
  each of the B inputs still sees its own k), and one step of B pairs' size overshoots where B
  sequential steps would not (bench/subword_train_probe.py measures both).

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

from .native_kernels import FASTMATH, draw_noise, sigmoid, walk_piece, xorshift


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _mean_rows(w_in, rows, first, stop, hidden):
    """hidden = mean of w_in[rows[first:stop]]; returns 1 / (stop - first)."""
    dim = w_in.shape[1]
    for d in range(dim):
        hidden[d] = np.float32(0.0)
    for p in range(first, stop):
        r = rows[p]
        for d in range(dim):
            hidden[d] += w_in[r, d]
    inverse = np.float32(1.0) / np.float32(stop - first)
    for d in range(dim):
        hidden[d] *= inverse
    return inverse


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def pair_steps(w_in, w_out, rows, first, stop, targets, n_contexts, negative, lr, normalize, table,
               hidden, grad, total):
    """One gradient step of size `lr` per pair of one center word, the pairs in window order.

    rows[first:stop] are the center word's rows of `w_in` (n of them, repeats allowed);
    targets[:n_contexts] the contexts, targets[n_contexts + b * negative:][:negative] the noise
    words of context b (one equal to its context is skipped, as gensim does). `normalize`:
    s = 1/n instead of fastText's s = 1. hidden, grad and total are the caller's (D,) scratch.
    With distinct rows the result is that of fastText's per-pair updates of the rows. As in
    fastText, each output row is updated as soon as its term is done, so a noise word drawn twice
    for one pair sees its first update (an O(lr^2) difference from the exact gradient step).
    """
    dim = w_in.shape[1]
    zero, one = np.float32(0.0), np.float32(1.0)
    inverse = _mean_rows(w_in, rows, first, stop, hidden)
    scale = inverse if normalize else one
    for d in range(dim):
        total[d] = zero
    for b in range(n_contexts):
        c = targets[b]
        for d in range(dim):
            grad[d] = zero
        base = n_contexts + b * negative
        for t in range(-1, negative):                      # -1: the context itself, label 1
            q = c if t < 0 else targets[base + t]
            if t >= 0 and q == c:
                continue
            x = zero
            for d in range(dim):
                x += hidden[d] * w_out[q, d]
            g = lr * ((one if t < 0 else zero) - sigmoid(x, table))
            for d in range(dim):                           # grad from the old u, u from the old h
                grad[d] += g * w_out[q, d]
                w_out[q, d] += g * hidden[d]
        for d in range(dim):                               # the rows' move, applied to h now
            hidden[d] += scale * grad[d]
            total[d] += grad[d]
    for p in range(first, stop):                           # ... and to the rows once
        r = rows[p]
        for d in range(dim):
            w_in[r, d] += scale * total[d]


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def subword_block(w_in, w_out, rows, first, stop, targets, n_positive, n_targets, weights, lr, normalize,
                  table, hidden, grad):
    """One gradient step of size `lr` on one center word's block loss (shared negatives; see the module).

    rows[first:stop] are the center word's rows of `w_in` (n of them, repeats allowed);
    targets[:n_targets] rows of `w_out`: the first `n_positive` are the contexts (label 1), the
    rest the negatives (label 0), each weighted by weights[t] (overwritten). `normalize`:
    s = 1/n (the exact gradient) instead of fastText's s = 1. hidden and grad: (D,) scratch.
    """
    dim = w_in.shape[1]
    zero, one = np.float32(0.0), np.float32(1.0)
    inverse = _mean_rows(w_in, rows, first, stop, hidden)
    for d in range(dim):
        grad[d] = zero
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


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def _subword_step(center, targets, n_contexts, lr, state, extra):
    """`walk_piece`'s step of this engine: the window is already in targets[:n_contexts]."""
    (w_in, w_out, sub_offsets, sub_rows, normalize, shared_negatives, alias_threshold, alias_index, table,
     negative, weights, hidden, grad, total) = extra
    for b in range(n_contexts):
        weights[b] = np.float32(1.0)
    first_row, stop_row = sub_offsets[center], sub_offsets[center + 1]
    if not shared_negatives:
        for k in range(n_contexts, n_contexts * (1 + negative)):   # fresh for every pair
            state, bits = xorshift(state)
            targets[k] = draw_noise(bits, alias_threshold, alias_index)
        pair_steps(w_in, w_out, sub_rows, first_row, stop_row, targets, n_contexts, negative, lr,
                   normalize, table, hidden, grad, total)
        return state
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
    subword_block(w_in, w_out, sub_rows, first_row, stop_row, targets, n_contexts, n_targets, weights,
                  lr, normalize, table, hidden, grad)
    return state


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def train_piece(ids, starts, raw_before, first, stop, w_in, w_out, sub_offsets, sub_rows, normalize,
                shared_negatives, keep_threshold, alias_threshold, alias_index, table, window, negative,
                alpha, min_alpha, words_before, words_total, seed, sentence, targets, weights, hidden, grad,
                total):
    """Train on sentences first..stop-1 of the encoded corpus; return the center words trained.

    The walk over the corpus (subsampling, windows, learning rate, the random stream of `seed`)
    is `native_kernels.walk_piece`'s, as for the whole-word engine; it writes each window into
    targets[:n_contexts], after which the noise words go. Word w's input rows are
    sub_rows[sub_offsets[w]:sub_offsets[w + 1]] (`subwords.SubwordRows`). `shared_negatives`
    trains each center word with `subword_block`, else with `pair_steps`; `normalize` as there.
    sentence, targets, weights, hidden, grad and total are scratch of at least (longest
    sentence,), (2 window (1 + negative),) twice, and (D,) three times.
    """
    return walk_piece(ids, starts, raw_before, first, stop, keep_threshold, alpha, min_alpha, words_before,
                      words_total, seed, window, True, sentence, targets, _subword_step,
                      (w_in, w_out, sub_offsets, sub_rows, normalize, shared_negatives, alias_threshold,
                       alias_index, table, negative, weights, hidden, grad, total))
