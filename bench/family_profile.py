"""Where the native engine's time goes in the hierarchical-softmax and CBOW modes, one thread.

On the shared corpus (decompressed by bench/family_speed.py into --workdir), encoded once by
the corpus pass, the mode's real kernel first trains --warm pieces (so that the weights are
those of a model in training, not zeros), then on the next --pieces pieces, each measured in
process CPU-seconds per trained center word:

  kernel          the shipped piece trainer (`family_kernels.train_piece_sg` / `_cbow`)
  kernel, 2 threads  the same pieces shared by two threads on the same matrices, as training runs
  walk only       the same walk (subsampling, windows, negatives, the path copied) without any
                  update: the corpus pass of the kernel
  replay          the same blocks (window, path, negatives) recorded, then replayed through the
                  shipped step: with the real rows, and with every row id folded into 512 rows
                  (the same arithmetic on rows that stay in cache: the memory part is the
                  difference)

and per trained center word: the window's size, the path's depth (HS), and the share of the
(context, node) coefficients that are exactly 0 (logit beyond +-6 with the right sign: the
sigmoid table gives 0 or 1, the step moves nothing) or saturated the wrong way (beyond +-6 with
the wrong sign: word2vec.c and gensim skip those nodes, this engine takes the full step).

    python bench/family_profile.py --modes sg-hs,cbow-hs,cbow-ns
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from embedkit.train import SkipGramConfig  # noqa: E402
from embedkit.train.corpus import Corpus  # noqa: E402
from embedkit.train.engines import family, family_kernels, native  # noqa: E402
from embedkit.train.engines.native_kernels import (  # noqa: E402
    FASTMATH, alias_table, sigmoid_table, walk_piece)
from embedkit.train.fastcorpus import scan_corpus  # noqa: E402

MODES = {"sg-hs": (True, True), "sg-ns": (True, False), "cbow-hs": (False, True), "cbow-ns": (False, False)}
FOLD = 512
MAX_BLOCKS = 3_000_000


@njit(cache=False, inline="always", fastmath=FASTMATH, error_model="numpy")
def _record_step(center, contexts, n_contexts, lr, state, extra):
    """Copy the block (window, path, negatives) into the record and count its coefficients."""
    w_in, syn1, w_out, table, noise, tree, record, stats, sg = extra
    n_targets, depth, _, state = family_kernels._outputs(center, state, noise, tree)
    rec_contexts, rec_targets, rec_path, rec_labels, sizes = record
    i = stats[0]
    if i < sizes.shape[0]:
        sizes[i, 0], sizes[i, 1], sizes[i, 2] = n_contexts, n_targets, depth
        for b in range(n_contexts):
            rec_contexts[i, b] = contexts[b]
        for t in range(n_targets):
            rec_targets[i, t] = noise[3][t]
        for k in range(depth):
            rec_path[i, k] = tree[4][k]
            rec_labels[i, k] = tree[5][k]
        stats[0] += 1
    stats[1] += n_contexts
    stats[2] += depth
    dim = w_in.shape[1]
    rows = n_contexts if sg else 1
    for k in range(depth):
        idle = True
        for b in range(rows):
            x = np.float32(0.0)
            if sg:
                for d in range(dim):
                    x += w_in[contexts[b], d] * syn1[tree[4][k], d]
            else:
                for c in range(n_contexts):
                    for d in range(dim):
                        x += w_in[contexts[c], d] * syn1[tree[4][k], d] / np.float32(n_contexts)
            label = tree[5][k]
            stats[3] += 1
            if (x >= 6.0 and label == 1.0) or (x <= -6.0 and label == 0.0):
                stats[4] += 1
            else:
                idle = False
                if x >= 6.0 or x <= -6.0:
                    stats[5] += 1
        stats[6] += 1
        stats[7] += idle
    return state


@njit(cache=False, nogil=True, fastmath=FASTMATH, error_model="numpy")
def record_piece(ids, starts, raw_before, first, stop, keep, alpha, words_total, seed, window, sentence, contexts,
                 w_in, syn1, w_out, table, noise, tree, record, stats, sg):
    return walk_piece(ids, starts, raw_before, first, stop, keep, alpha, alpha, 0, words_total, seed, window, True,
                      sentence, contexts, _record_step, (w_in, syn1, w_out, table, noise, tree, record, stats, sg))


@njit(cache=False, inline="always", fastmath=FASTMATH, error_model="numpy")
def _walk_step(center, contexts, n_contexts, lr, state, extra):
    noise, tree, sink = extra
    n_targets, depth, _, state = family_kernels._outputs(center, state, noise, tree)
    sink[0] += n_targets + depth + contexts[n_contexts - 1]
    return state


@njit(cache=False, nogil=True, fastmath=FASTMATH, error_model="numpy")
def walk_only(ids, starts, raw_before, first, stop, keep, alpha, words_total, seed, window, sentence, contexts,
              noise, tree, sink):
    return walk_piece(ids, starts, raw_before, first, stop, keep, alpha, alpha, 0, words_total, seed, window, True,
                      sentence, contexts, _walk_step, (noise, tree, sink))


@njit(cache=False, nogil=True, fastmath=FASTMATH, error_model="numpy")
def replay(n, w_in, syn1, w_out, record, fold, lr, table, labels, coef, grad_in, sg, cbow_mean):
    """The recorded blocks through the shipped step (`sg_update` / `cbow_update`); fold > 0 folds row ids."""
    rec_contexts, rec_targets, rec_path, rec_labels, sizes = record
    contexts = np.empty(rec_contexts.shape[1], np.int32)
    targets = np.empty(rec_targets.shape[1], np.int32)
    path = np.empty(rec_path.shape[1], np.int32)
    no_hot = np.empty((0, w_in.shape[1]), np.float32)
    for i in range(n):
        n_contexts, n_targets, depth = sizes[i, 0], sizes[i, 1], sizes[i, 2]
        for b in range(n_contexts):
            contexts[b] = rec_contexts[i, b] % fold if fold else rec_contexts[i, b]
        for t in range(n_targets):
            targets[t] = rec_targets[i, t] % fold if fold else rec_targets[i, t]
        for k in range(depth):
            path[k] = rec_path[i, k] % fold if fold else rec_path[i, k]
        if sg:
            family_kernels.sg_update(w_in, contexts, n_contexts, syn1, path, rec_labels[i], depth, w_out, targets,
                                     labels, n_targets, lr, table, coef, grad_in, no_hot, 0)
        else:
            family_kernels.cbow_update(w_in, contexts, n_contexts, cbow_mean, syn1, path, rec_labels[i], depth,
                                       w_out, targets, labels, n_targets, lr, table, grad_in[0], grad_in[1], coef[0],
                                       no_hot, 0)
    return n


def cpu(function, *args):
    started = time.process_time()
    result = function(*args)
    return time.process_time() - started, result


def profile(mode: str, corpus, vocab, args) -> None:
    sg, hs = MODES[mode]
    config = SkipGramConfig(negative=0 if hs else 5, workers=1, epochs=1, seed=1)
    options = family.FamilyOptions(sg=sg, hs=hs)
    weights = family._initial_weights(vocab.counts, config, options, seed=1)
    keep = native.keep_thresholds(vocab.keep_probabilities(config.sample))
    thresholds, aliases = alias_table(vocab.noise_distribution())
    kernel = family._FamilyKernel(corpus, weights, keep, thresholds, aliases, config, options)
    pieces = corpus.pieces()
    scratch = kernel.scratch()
    for number in range(args.warm):
        kernel(*pieces[number], 0, native.piece_seed(1, 0, number), scratch)
    measured = range(args.warm, args.warm + args.pieces)
    words = sum(int(corpus.raw_before[b] - corpus.raw_before[a]) for a, b in (pieces[i] for i in measured))
    saved = [m.copy() if m is not None else None for m in (weights.w_in, weights.syn1neg, weights.syn1)]

    def restore():
        for live, copy in zip((weights.w_in, weights.syn1neg, weights.syn1), saved):
            if live is not None:
                live[...] = copy

    seconds = centers = 0
    for number in measured:
        t, n = cpu(kernel, *pieces[number], 0, native.piece_seed(1, 0, number), scratch)
        seconds, centers = seconds + t, centers + n
    restore()
    two_threads = {}
    for hot in ([int(h) for h in args.hot.split(",")] if hs else [0]):
        kernel.hot, kernel.period = min(hot, kernel.syn1.shape[0]), args.period
        two = [kernel.scratch(), kernel.scratch()]

        def share(i):
            for number in list(measured)[i::2]:
                kernel(*pieces[number], 0, native.piece_seed(1, 0, number), two[i])

        threads = [threading.Thread(target=share, args=(i,)) for i in range(2)]
        started = time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        two_threads[hot] = time.process_time() - started
        restore()
    kernel.hot = 0

    table = sigmoid_table()
    window = config.window
    sentence, contexts = scratch[0], scratch[1]
    targets = np.empty(1 + config.negative, np.int32)
    path_scratch, label_scratch = scratch[6], scratch[7]
    noise = (config.negative, thresholds, aliases, targets)
    tree = (hs, *kernel.tree_arrays, path_scratch, label_scratch, kernel.syn1.shape[0])
    depth = max(1, kernel.depth)
    blocks = min(MAX_BLOCKS, centers + 1)
    record = (np.zeros((blocks, 2 * window), np.int32), np.zeros((blocks, 1 + config.negative), np.int32),
              np.zeros((blocks, depth), np.int32), np.zeros((blocks, depth), np.float32), np.zeros((blocks, 3), np.int64))
    stats = np.zeros(8, np.int64)
    sink = np.zeros(1, np.int64)
    walk_seconds = 0.0
    alpha = np.float32(config.alpha)
    for number in measured:
        first, stop = pieces[number]
        seed = native.piece_seed(1, 0, number)
        common = (corpus.ids, corpus.starts, corpus.raw_before, first, stop, keep, float(alpha),
                  corpus.total_words, seed, window, sentence, contexts)
        t, _ = cpu(walk_only, *common, noise, tree, sink)
        walk_seconds += t
        record_piece(*common, weights.w_in, kernel.syn1, kernel.w_out, table, noise, tree, record, stats, sg)
    n = int(stats[0])
    labels = np.zeros(1 + config.negative, np.float32)
    labels[0] = 1.0
    coef = np.empty((2 * window, max(1 + config.negative, depth)), np.float32)
    grad_in = np.empty((2 * window, config.vector_size), np.float32)
    replayed = {}
    for fold in (0, FOLD, 0, FOLD):
        restore()
        t, _ = cpu(replay, n, weights.w_in, kernel.syn1, kernel.w_out, record, fold, alpha, table, labels, coef,
                   grad_in, sg, True)
        replayed[fold] = min(replayed.get(fold, t), t)
    restore()
    us = 1e6 / centers
    print(f"{mode}: {args.pieces} pieces, {words:,} corpus words, {centers:,} centers trained; one thread")
    print(f"  kernel          {seconds:7.2f} CPU s  {seconds * us:6.3f} us/center  {words / seconds / 1e3:7.0f}k words/CPU-s")
    for hot, two_seconds in two_threads.items():
        print(f"  kernel, 2 threads {two_seconds:5.2f} CPU s  {two_seconds * us:6.3f} us/center  "
              f"{words / two_seconds / 1e3:7.0f}k words/CPU-s (Hogwild on the same rows, as training runs)"
              + (f"; each thread's copy of the {hot} heaviest nodes, synced every {args.period} centers" if hot else ""))
    print(f"  walk only       {walk_seconds:7.2f} CPU s  {walk_seconds * us:6.3f} us/center")
    us_replay = 1e6 / n
    print(f"  replay (real)   {replayed[0] * us_replay:6.3f} us/center   replay (rows folded into {FOLD}) "
          f"{replayed[FOLD] * us_replay:6.3f} us/center   ({n:,} blocks)")
    print(f"  per center: window {stats[1] / centers:.2f} rows" + (f", depth {stats[2] / centers:.2f} nodes" if hs else ""))
    if hs:
        print(f"  (row, node) coefficients: {stats[4] / stats[3]:.1%} exactly 0 (saturated right), "
              f"{stats[5] / stats[3]:.1%} saturated wrong; nodes whose every coefficient is 0: {stats[7] / stats[6]:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=7)
    parser.add_argument("--modes", default="sg-hs,cbow-hs,cbow-ns")
    parser.add_argument("--warm", type=int, default=60, help="pieces trained before measuring")
    parser.add_argument("--pieces", type=int, default=20, help="pieces measured")
    parser.add_argument("--hot", default="0,64,256,1024", help="HS: sizes of each thread's copy of the top nodes")
    parser.add_argument("--period", type=int, default=1024, help="HS: center words between two syncs of the copies")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "embedkit-family-bench")
    args = parser.parse_args()
    path = args.workdir / f"corpus-{args.parts}.txt"
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        result = scan_corpus(Corpus(str(path)), Path(folder), min_count=5)
        print(f"{path}: {result.total_words:,} words, {len(result.vocab):,} kept")
        for mode in args.modes.split(","):
            profile(mode.strip(), result.corpus, result.vocab, args)


if __name__ == "__main__":
    main()
