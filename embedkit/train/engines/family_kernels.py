"""numba kernels of the rest of the word2vec family: hierarchical softmax and CBOW.

Two objectives predict a word o from an input vector h:

* negative sampling (NS): output vectors `w_out` (V x D), o against k noise words,
      loss = -log sigmoid(h . u_o) - sum_j log sigmoid(-h . u_nj)
* hierarchical softmax (HS): output vectors `syn1` (V - 1 x D), one per inner node of the
  Huffman tree (`embedkit.train.huffman`); o is reached by the decisions code_1..code_L at the inner
  nodes point_1..point_L of its path, and
      loss = -log prod_d sigmoid((1 - 2 code_d) h . syn1[point_d]),
  i.e. a logistic loss per inner node with label 1 - code_d, as word2vec.c trains it.

Both have the same update per output row q with label y: g = lr * (y - sigmoid(h . u_q)),
u_q += g h, and h's gradient sum_q g u_q. With both on (word2vec.c's and gensim's `hs=1` with
`negative > 0`), the step is one gradient step on the sum of the two losses: all coefficients
are computed from the old values, then both output matrices and the input vectors move (gensim
applies the HS step, then the NS step on the moved vectors: the same to first order in lr).

Two ways to form h:

* skip-gram: h is the input vector v_c of each context word c of a center word o, predicting o.
  The center word's path (HS) and negatives (NS) are shared by its whole window, so one center
  word is one block, as in `native_kernels` (Ji et al. 2016): V = W_in[contexts] (B x D),
  U = output rows (T x D), G = lr * (labels - sigmoid(V U^T)) (B x T); W_in[contexts] += G U,
  U += G^T V. For HS this is exactly gensim's `train_sg_pair` with hs for every pair of the
  window, with each pair's step computed from the values before the block (gensim moves them
  pair by pair). Skip-gram with NS alone is `native_kernels.block_update`.
* CBOW: h is the mean (cbow_mean) or the sum of the window's input vectors, predicting the
  center word; the output rows move by minus lr times their gradient, and every context row of
  the window (a word twice in it: twice) receives the gradient with respect to h, divided by
  the window's size when h is the sum (gensim's `cbow_mean=0`), undivided when h is the mean
  (word2vec.c, gensim's `cbow_mean=1`). Measured against the loss as a function of each row,
  that is count x the gradient for the mean and gradient / count for the sum.

Beyond +-6 the sigmoid table gives exactly 0 or 1 and the step is taken (word2vec.c's rule for
NS); word2vec.c skips HS nodes whose logit is beyond +-6, and gensim skips them for both, so a
confidently wrong decision moves here and not there.

With several threads (Hogwild), the rows of the top of the tree are on every path, so each step
writes them and the other core's next step has to fetch them back. The piece trainers take a
thread's copy of the K heaviest inner nodes, syn1[-K:] (Huffman numbers inner nodes by weight,
so a path's nodes fall from the root: the hot ones are its first n_hot), train those rows in the
copy and add what they moved by to syn1 every sync[1] center words and at the end (`sync_hot`);
a thread sees the other threads' moves of those rows at its next sync. Each step is the same
gradient step either way (the tests check both); K = 0 trains syn1 alone.

Noise words, random streams and sigmoid come from `native_kernels` (alias table, xorshift64*,
word2vec.c's table). numba's cache does not notice edits to that module: after changing it,
delete the cached kernels of this one (`__pycache__/family_kernels.*.nbi`, `.nbc`).

Everything is float32; each call owns its scratch buffers and random stream (Hogwild threads).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .native_kernels import FASTMATH, add_rows, block_part, block_update, draw_negatives, sigmoid, walk_piece


# -- the steps: one center word ---------------------------------------------------------------------

@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def sg_update(w_in, contexts, n_contexts, syn1, path, path_labels, depth, w_out, targets, labels, n_targets,
              lr, table, coef, grad_in, hot_rows, n_hot):
    """One skip-gram block step on the HS loss along path[:depth] plus the NS loss of targets[:n_targets].

    path/path_labels: the center word's inner nodes and 1 - code, the first n_hot of them rows of
    `hot_rows` (the thread's copy of the heaviest inner nodes, `sync_hot`), the rest rows of
    `syn1`; targets/labels: the center word (label 1) and its negatives (0) in `w_out`. depth = 0
    leaves HS out, n_targets = 0 leaves NS out. Scratch: coef (B x max(T, depth)), grad_in (B x D).
    Each output matrix's part is `native_kernels.block_part`; the context rows move once, after all.
    """
    block_part(w_in, hot_rows, contexts, n_contexts, path, path_labels, n_hot, n_hot, lr, table, coef, grad_in,
               False)
    block_part(w_in, syn1, contexts, n_contexts, path[n_hot:], path_labels[n_hot:], depth - n_hot, depth - n_hot,
               lr, table, coef, grad_in, True)
    block_part(w_in, w_out, contexts, n_contexts, targets, labels, n_targets, n_targets, lr, table, coef, grad_in,
               True)
    add_rows(w_in, contexts, n_contexts, grad_in)


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def hidden_step(hidden, w_out, targets, labels, n_targets, lr, table, g, work, accumulate, unique):
    """One output matrix's part of a CBOW step: the rows targets[:n_targets] of `w_out` predict from `hidden`.

    g[t] = lr * (labels[t] - sigmoid(hidden . u_t)) from the old rows, work (+)= sum_t g[t] u_t
    (set, or added to when `accumulate`), then u_t += g[t] hidden. A row listed twice (a noise
    word drawn twice) moves once, by the sum of its coefficients, so that every product uses the
    old row; `unique` (an HS path) skips that check. `g` (T,) and `work` (D,) are the caller's
    scratch. Rows are taken two at a time for the products, and each row is read once for its
    share of work and its update.
    """
    dim = hidden.shape[0]
    zero = np.float32(0.0)
    if not accumulate:
        for d in range(dim):
            work[d] = zero
    for t in range(0, n_targets, 2):
        q0, q1 = targets[t], targets[min(t + 1, n_targets - 1)]
        x0 = x1 = zero
        for d in range(dim):
            x0 += hidden[d] * w_out[q0, d]
            x1 += hidden[d] * w_out[q1, d]
        g[t] = lr * (labels[t] - sigmoid(x0, table))
        if t + 1 < n_targets:
            g[t + 1] = lr * (labels[t + 1] - sigmoid(x1, table))
    for t in range(n_targets):
        q, c = targets[t], g[t]
        if not unique:
            seen = False
            for e in range(t):
                if targets[e] == q:
                    seen = True
                    break
            if seen:
                continue
            for e in range(t + 1, n_targets):
                if targets[e] == q:
                    c += g[e]
        for d in range(dim):
            u = w_out[q, d]
            work[d] += c * u
            w_out[q, d] = u + c * hidden[d]


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def cbow_update(w_in, contexts, n_contexts, cbow_mean, syn1, path, path_labels, depth, w_out, targets, labels,
                n_targets, lr, table, hidden, work, g, hot_rows, n_hot):
    """One CBOW step: the window contexts[:n_contexts] predicts the center word by HS and/or NS.

    hidden = mean (cbow_mean) or sum of the context rows of `w_in`; HS along path[:depth], its
    first n_hot nodes rows of `hot_rows`, the rest of `syn1`, NS for targets[:n_targets] in
    `w_out` (see `sg_update`); then every context row gets the gradient with respect to hidden,
    divided by n_contexts for the sum. Scratch: hidden and work (D,), g (max(T, depth),).
    """
    dim = w_in.shape[1]
    zero = np.float32(0.0)
    for d in range(dim):
        hidden[d] = zero
    for b in range(n_contexts):
        r = contexts[b]
        for d in range(dim):
            hidden[d] += w_in[r, d]
    inverse = np.float32(1.0) / np.float32(n_contexts)
    if cbow_mean:
        for d in range(dim):
            hidden[d] *= inverse
    hidden_step(hidden, hot_rows, path, path_labels, n_hot, lr, table, g, work, False, True)
    hidden_step(hidden, syn1, path[n_hot:], path_labels[n_hot:], depth - n_hot, lr, table, g, work, True, True)
    hidden_step(hidden, w_out, targets, labels, n_targets, lr, table, g, work, True, False)
    scale = np.float32(1.0) if cbow_mean else inverse
    for b in range(n_contexts):
        r = contexts[b]
        for d in range(dim):
            w_in[r, d] += scale * work[d]


# -- the heaviest inner nodes: a copy per thread -------------------------------------------------

@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def sync_hot(syn1, hot_rows, hot_base):
    """Add the thread's moves of the hot rows to `syn1`'s last rows, then copy those rows again.

    hot_rows (K, D) is the thread's copy of syn1[-K:] (the K heaviest inner nodes: Huffman
    numbers inner nodes by weight, the root last), hot_base the values it was copied from: each
    row of syn1 gains hot_rows - hot_base (what this thread moved it by since the last copy;
    another thread's moves in the meantime stay), and both copies take the sum. With K = 0
    nothing happens.
    """
    first = syn1.shape[0] - hot_rows.shape[0]
    for j in range(hot_rows.shape[0]):
        for d in range(syn1.shape[1]):
            value = syn1[first + j, d] + (hot_rows[j, d] - hot_base[j, d])
            syn1[first + j, d] = value
            hot_rows[j, d] = value
            hot_base[j, d] = value


@njit(cache=True, nogil=True, inline="always")
def _load_hot(syn1, hot_rows, hot_base, sync):
    """Copy syn1[-K:] into both copies and restart the count of center words since the last sync."""
    first = syn1.shape[0] - hot_rows.shape[0]
    for j in range(hot_rows.shape[0]):
        for d in range(syn1.shape[1]):
            hot_rows[j, d] = hot_base[j, d] = syn1[first + j, d]
    sync[0] = 0


@njit(cache=True, nogil=True, inline="always")
def _count_center(syn1, hot_rows, hot_base, sync):
    """After each center word: `sync_hot` every sync[1] of them (never without hot rows)."""
    if hot_rows.shape[0] == 0:
        return
    sync[0] += 1
    if sync[0] >= sync[1]:
        sync_hot(syn1, hot_rows, hot_base)
        sync[0] = 0


# -- what a piece needs per center word ---------------------------------------------------------

@njit(cache=True, nogil=True, inline="always")
def _path(word, code_offsets, codes, points, path, path_labels, first_hot):
    """Copy word's inner nodes and labels (1 - code) into path, path_labels; return (depth, n_hot).

    The nodes from `first_hot` on (the hot rows) come first on every path, the root being the
    heaviest node: those n_hot are written as rows of the hot copy (node - first_hot).
    """
    start = code_offsets[word]
    depth = code_offsets[word + 1] - start
    n_hot = 0
    for k in range(depth):
        node = points[start + k]
        if node >= first_hot:
            node -= first_hot
            n_hot += 1
        path[k] = node
        path_labels[k] = np.float32(1.0) - np.float32(codes[start + k])
    return depth, n_hot


@njit(cache=True, nogil=True, inline="always")
def _outputs(center, state, noise, tree):
    """The center word's output rows: its negatives (NS, none when negative is 0) and its path (HS).

    noise = (negative, alias_threshold, alias_index, targets); tree = (hs, code_offsets, codes,
    points, path, path_labels, first_hot). Returns (n_targets, depth, n_hot, state); depth and
    n_hot are 0 without hs.
    """
    negative, alias_threshold, alias_index, targets = noise
    hs, code_offsets, codes, points, path, path_labels, first_hot = tree
    n_targets = 0
    if negative > 0:                                 # shared by the whole window
        n_targets, state = draw_negatives(center, negative, alias_threshold, alias_index, state, targets)
    depth = n_hot = 0
    if hs:
        depth, n_hot = _path(center, code_offsets, codes, points, path, path_labels, first_hot)
    return n_targets, depth, n_hot, state


@njit(cache=True, nogil=True, inline="always")
def _ns_labels(labels):
    """labels = [1, 0, 0, ...]: the center word, then its negatives."""
    labels[0] = np.float32(1.0)
    for t in range(1, labels.shape[0]):
        labels[t] = np.float32(0.0)


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def _sg_step(center, contexts, n_contexts, lr, state, extra):
    """`walk_piece`'s skip-gram step: one block on the window (`sg_update`, or `block_update` for NS alone)."""
    w_in, w_out, syn1, labels, table, coef, grad_in, noise, tree, hot = extra
    n_targets, depth, n_hot, state = _outputs(center, state, noise, tree)
    targets, path, path_labels = noise[3], tree[4], tree[5]
    if tree[0]:
        sg_update(w_in, contexts, n_contexts, syn1, path, path_labels, depth, w_out, targets, labels, n_targets,
                  lr, table, coef, grad_in, hot[0], n_hot)
        _count_center(syn1, hot[0], hot[1], hot[2])
    else:
        block_update(w_in, w_out, contexts, n_contexts, targets, n_targets, lr, table, coef, grad_in)
    return state


@njit(cache=True, inline="always", fastmath=FASTMATH, error_model="numpy")
def _cbow_step(center, contexts, n_contexts, lr, state, extra):
    """`walk_piece`'s CBOW step: the window predicts the center word (`cbow_update`)."""
    w_in, w_out, syn1, labels, table, cbow_mean, hidden, work, g, noise, tree, hot = extra
    n_targets, depth, n_hot, state = _outputs(center, state, noise, tree)
    cbow_update(w_in, contexts, n_contexts, cbow_mean, syn1, tree[4], tree[5], depth, w_out, noise[3], labels,
                n_targets, lr, table, hidden, work, g, hot[0], n_hot)
    _count_center(syn1, hot[0], hot[1], hot[2])
    return state


# -- one piece of the corpus: whole sentences ---------------------------------------------------

@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy", _nrt=False)
def train_piece_sg(ids, starts, raw_before, first, stop, w_in, w_out, keep_threshold,
                   alias_threshold, alias_index, table, window, negative, alpha, min_alpha,
                   words_before, words_total, seed, sentence, contexts, targets, coef, grad_in,
                   syn1, code_offsets, codes, points, hs, shrink_windows, labels, path, path_labels,
                   hot_rows, hot_base, sync):
    """Skip-gram on sentences first..stop-1 with HS (`hs`) and/or NS (`negative` > 0); return centers trained.

    The arguments up to grad_in are `native_kernels.train_piece`'s, with the same meaning and the
    same random draws (`native_kernels.walk_piece`); with hs off and shrink_windows on this trains
    exactly what train_piece trains. Then: syn1 (V - 1, D) the HS output vectors; code_offsets,
    codes, points the Huffman tree (`embedkit.train.huffman.HuffmanTree`); shrink_windows: draw
    each window's reach in 1..window (gensim's default), else always `window`; scratch labels
    (1 + negative,) float32, path (depth,) int32, path_labels (depth,) float32, and coef at least
    (2 window, max(1 + negative, depth)). hot_rows and hot_base (K, D) float32: the thread's copy
    of the K heaviest inner nodes (K = 0: none), added back to syn1 every sync[1] center words
    (`sync_hot`) and at the end; sync (2,) int64.
    """
    _ns_labels(labels)
    _load_hot(syn1, hot_rows, hot_base, sync)
    noise = (negative, alias_threshold, alias_index, targets)
    tree = (hs, code_offsets, codes, points, path, path_labels, syn1.shape[0] - hot_rows.shape[0])
    trained = walk_piece(ids, starts, raw_before, first, stop, keep_threshold, alpha, min_alpha, words_before,
                         words_total, seed, window, shrink_windows, sentence, contexts, _sg_step,
                         (w_in, w_out, syn1, labels, table, coef, grad_in, noise, tree, (hot_rows, hot_base, sync)))
    sync_hot(syn1, hot_rows, hot_base)
    return trained


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy", _nrt=False)
def train_piece_cbow(ids, starts, raw_before, first, stop, w_in, w_out, keep_threshold,
                     alias_threshold, alias_index, table, window, negative, alpha, min_alpha,
                     words_before, words_total, seed, sentence, contexts, targets, coef, grad_in,
                     syn1, code_offsets, codes, points, hs, shrink_windows, labels, path, path_labels,
                     hot_rows, hot_base, sync, cbow_mean):
    """CBOW on sentences first..stop-1 with HS (`hs`) and/or NS (`negative` > 0); return centers trained.

    Arguments as `train_piece_sg`'s, plus cbow_mean (the window's mean, else its sum). Scratch:
    coef's first row holds the step sizes (at least max(1 + negative, depth) wide) and grad_in's
    first two rows the window's hidden vector and its gradient (grad_in at least 2 x D).
    """
    _ns_labels(labels)
    _load_hot(syn1, hot_rows, hot_base, sync)
    noise = (negative, alias_threshold, alias_index, targets)
    tree = (hs, code_offsets, codes, points, path, path_labels, syn1.shape[0] - hot_rows.shape[0])
    trained = walk_piece(ids, starts, raw_before, first, stop, keep_threshold, alpha, min_alpha, words_before,
                         words_total, seed, window, shrink_windows, sentence, contexts, _cbow_step,
                         (w_in, w_out, syn1, labels, table, cbow_mean, grad_in[0], grad_in[1], coef[0], noise, tree,
                          (hot_rows, hot_base, sync)))
    sync_hot(syn1, hot_rows, hot_base)
    return trained
