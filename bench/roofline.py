"""This machine's roofline, and where the SGNS block update and the batched query sit on it.

Measures, in one process:

- the float32 GEMM peak through numpy's BLAS (2000 x 2000 x 2000), with all threads and with one;
- memory bandwidth with a numba probe: a sum over a 512 MiB float32 array (read) and a fill
  (write), on one thread and on one thread per core (the probes release the GIL);
- random-access latency: a pointer chase over a random cycle (each load's address is the last
  load's value), from L1-sized to DRAM-sized arrays; and the rate of independent random row
  reads (rows of D float32, as the engine reads W_out rows), which the CPU can overlap;
- the shipped SGNS block update (`native_kernels.block_update`) on one thread, on blocks drawn
  as training draws them (B context rows, T = 1 + negative target rows, D = 100, Zipf ids over
  a 68k-word vocabulary), once with rows that stay in L1 (the same few ids) and once random.

The FLOPs and bytes per center word and per query are derived from the code (docs/performance.md
gives the derivation); the script prints them beside the measurements:

  SGNS block update, per center word: 3 products of B x T x D multiply-adds (V U^T, G U, G^T V)
  = 6 B T D FLOPs, plus B D for adding G U into W_in; rows touched: B input rows (read, then
  written) and T output rows (read, then written), each 4 D bytes.
  Batched cosine query, per query: 2 n D FLOPs (one row of the product); bytes: the (n, D)
  matrix streamed once per chunk of CHUNK_QUERIES queries; unfused, also the n float32 scores
  written and read back.

Run:  python bench/roofline.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.query import fused  # noqa: E402
from embedkit.train.engines.native_kernels import block_update, sigmoid_table  # noqa: E402

VOCAB, DIM, NEGATIVE, WINDOW = 68_000, 100, 5, 5   # the 17M-word corpus at min-count 5


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# -- probes ---------------------------------------------------------------------------------------

@njit(nogil=True, fastmath=True)
def read_sum(a, first, stop):
    total = np.float32(0)
    for i in range(first, stop):
        total += a[i]
    return total


@njit(nogil=True)
def fill(a, first, stop, value):
    for i in range(first, stop):
        a[i] = value


@njit(nogil=True)
def chase(nxt, steps):
    p = 0
    for _ in range(steps):
        p = nxt[p]
    return p


@njit(nogil=True)
def random_rows(matrix, ids):
    """Sum of the rows matrix[ids]: independent loads the CPU can overlap."""
    acc = np.zeros(matrix.shape[1], dtype=np.float32)
    for i in ids:
        for d in range(matrix.shape[1]):
            acc[d] += matrix[i, d]
    return acc


@njit(nogil=True)
def sattolo(n, seed):
    """A random cyclic permutation: following it from 0 visits every slot once."""
    np.random.seed(seed)
    nxt = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = np.random.randint(0, i)
        nxt[i], nxt[j] = nxt[j], nxt[i]
    return nxt


@njit(nogil=True)
def train_blocks(w_in, w_out, contexts, n_contexts, targets, lr, table):
    """block_update on each block of the stream (contexts (N, 2W), n_contexts (N,), targets (N, T))."""
    coef = np.empty((contexts.shape[1], targets.shape[1]), dtype=np.float32)
    grad = np.empty((contexts.shape[1], w_in.shape[1]), dtype=np.float32)
    for i in range(contexts.shape[0]):
        block_update(w_in, w_out, contexts[i], n_contexts[i], targets[i], targets.shape[1], lr, table, coef, grad)


def threaded(fn, parts):
    """fn(first, stop) over `parts` equal slices on as many threads."""
    def run(n):
        bounds = np.linspace(0, n, parts + 1).astype(np.int64)
        with ThreadPoolExecutor(parts) as pool:
            list(pool.map(lambda i: fn(bounds[i], bounds[i + 1]), range(parts)))
    return run


# -- measurements ---------------------------------------------------------------------------------

def gemm_peak(threads_all: int) -> dict:
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).random((2000, 2000), dtype=np.float32)
    flops = 2 * 2000 ** 3
    a @ a
    peak_all = flops / best_of(lambda: a @ a)
    with threadpool_limits(1, user_api="blas"):
        a @ a
        peak_one = flops / best_of(lambda: a @ a)
    print(f"sgemm 2000^3 (numpy BLAS): {peak_all / 1e9:.0f} GFLOP/s on {threads_all} threads, "
          f"{peak_one / 1e9:.0f} GFLOP/s on 1")
    return {"peak_all": peak_all, "peak_one": peak_one}


def bandwidth(threads_all: int, quick: bool) -> dict:
    n = (64 if quick else 512) * 2 ** 20 // 4
    a = np.ones(n, dtype=np.float32)
    read_sum(a, 0, 10), fill(a, 0, 10, np.float32(1))
    out = {}
    for parts in sorted({1, threads_all}):
        r = best_of(lambda: threaded(lambda f, s: read_sum(a, f, s), parts)(n))
        w = best_of(lambda: threaded(lambda f, s: fill(a, f, s, np.float32(2)), parts)(n))
        out[parts] = (4 * n / r, 4 * n / w)
        print(f"bandwidth, {4 * n / 2 ** 20:.0f} MiB array, {parts} thread(s): read {4 * n / r / 1e9:.1f} GB/s, "
              f"write {4 * n / w / 1e9:.1f} GB/s")
    return out


def latency(quick: bool) -> dict:
    out = {}
    sizes = (32, 1024, 16 * 1024, 256 * 1024) if not quick else (32, 1024, 16 * 1024)
    for kib in sizes:
        n = kib * 1024 // 8
        nxt = sattolo(n, 1)
        steps = 2_000_000
        chase(nxt, 10)
        seconds = best_of(lambda: chase(nxt, steps), 2)
        out[kib] = seconds / steps
        print(f"latency, dependent random loads over {kib:>7,} KiB: {1e9 * seconds / steps:6.1f} ns")
    return out


def row_reads(quick: bool) -> dict:
    out = {}
    rng = np.random.default_rng(2)
    for vocab, dim in ((VOCAB, DIM), (400_000, 50)):
        matrix = rng.random((vocab, dim), dtype=np.float32)
        ids = rng.integers(0, vocab, size=2_000_000 if not quick else 200_000)
        random_rows(matrix, ids[:10])
        seconds = best_of(lambda: random_rows(matrix, ids), 2)
        out[(vocab, dim)] = seconds / len(ids)
        print(f"independent random rows of {dim} float32 from {vocab:,} ({matrix.nbytes / 2 ** 20:.0f} MiB): "
              f"{1e9 * seconds / len(ids):.1f} ns a row, {len(ids) * dim * 4 / seconds / 1e9:.1f} GB/s (1 thread)")
    return out


def sgns_blocks(quick: bool, peak_one: float) -> None:
    rng = np.random.default_rng(3)
    n = 200_000 if quick else 1_000_000
    zipf = 1 / np.arange(1, VOCAB + 1) ** 0.75
    ids = rng.choice(VOCAB, size=(n, 2 * WINDOW + 1 + NEGATIVE), p=zipf / zipf.sum())
    reach = rng.integers(1, WINDOW + 1, size=n)                # the shrunk window, as trained
    n_contexts = 2 * reach
    contexts = np.ascontiguousarray(ids[:, :2 * WINDOW])
    targets = np.ascontiguousarray(ids[:, 2 * WINDOW:])        # center + negatives: T = 1 + negative
    table = sigmoid_table()
    w_in = ((rng.random((VOCAB, DIM), dtype=np.float32) - 0.5) / DIM).astype(np.float32)
    w_out = np.zeros((VOCAB, DIM), dtype=np.float32)
    lr = np.float32(0.025)
    b_mean, t = float(n_contexts.mean()), targets.shape[1]
    flops = 6 * b_mean * t * DIM + b_mean * DIM
    touched = (b_mean + t) * DIM * 4 * 2                      # read and written
    train_blocks(w_in, w_out, contexts[:10], n_contexts[:10], targets[:10], lr, table)
    random_s = best_of(lambda: train_blocks(w_in, w_out, contexts, n_contexts, targets, lr, table), 2) / n
    hot = contexts % 64, targets % 64                          # 128 rows: all in L1/L2
    hot_s = best_of(lambda: train_blocks(w_in, w_out, hot[0], n_contexts, hot[1], lr, table), 2) / n
    print(f"SGNS block update, 1 thread, B = {b_mean:.1f} (mean), T = {t}, D = {DIM}: "
          f"{flops:,.0f} FLOPs and {touched:,.0f} bytes of rows touched per center word "
          f"({flops / touched:.1f} FLOP/byte)")
    for label, seconds in (("rows in cache", hot_s), ("random rows", random_s)):
        print(f"  {label:<14} {1e9 * seconds:6.0f} ns a center word, {1 / seconds / 1e6:.2f}M centers/s, "
              f"{flops / seconds / 1e9:5.1f} GFLOP/s ({100 * flops / seconds / peak_one:.0f}% of the "
              f"1-thread sgemm peak), {touched / seconds / 1e9:.1f} GB/s of rows")


def centers_per_word() -> None:
    """Of the corpus words, how many are trained as center words: in the vocabulary (min-count 5)
    and surviving subsampling (sample 1e-3), from part 01's counts; and so FLOPs per corpus word."""
    import lzma
    from collections import Counter

    from embedkit.train.vocab import Vocab

    part = Path(__file__).resolve().parents[2] / "shared/datasets/corpus/enwiki2015_text8style.part01.txt.xz"
    if not part.exists():
        print(f"({part} missing: centers per corpus word not computed)")
        return
    counter: Counter = Counter()
    with lzma.open(part, "rt", encoding="utf-8") as f:
        for line in f:
            counter.update(line.split())
    vocab = Vocab.from_counter(counter, min_count=5)
    kept = float((vocab.counts * vocab.keep_probabilities(1e-3)).sum())
    share = kept / vocab.total_words
    b_mean = 2 * (WINDOW + 1) / 2
    flops = 6 * b_mean * (1 + NEGATIVE) * DIM + b_mean * DIM
    print(f"part 01: {vocab.total_words:,} words, {len(vocab):,} kept types; {share:.3f} of the corpus words are "
          f"trained as centers (in the vocabulary, surviving subsampling) -> {share * flops:,.0f} FLOPs "
          f"per corpus word at D = {DIM}")


def query_model(peak_all: float, bw_read: float) -> None:
    n, dim, chunk = 400_000, 50, fused.CHUNK_QUERIES
    flops = 2 * n * dim
    streamed = n * dim * 4 / chunk
    scores = n * 4 * 2
    print(f"cosine query on {n:,} x {dim}: {flops / 1e6:.0f} MFLOP a query; bytes a query: the matrix once "
          f"per chunk of {chunk} = {streamed / 1e3:.0f} kB (fused, {flops / streamed:.0f} FLOP/byte); "
          f"unfused also {scores / 1e6:.1f} MB of scores written and read ({flops / (streamed + scores):.1f} FLOP/byte)")
    print(f"  bounds for 1,000 queries: compute {1000 * flops / peak_all:.3f} s at the sgemm peak; memory, fused "
          f"{1000 * streamed / bw_read:.3f} s, unfused {1000 * (streamed + scores) / bw_read:.3f} s at the read bandwidth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller arrays (a smoke test)")
    args = parser.parse_args()
    threads_all = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.machine()}, {threads_all} cores, numpy {np.__version__}; "
          f"load average before {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    peaks = gemm_peak(threads_all)
    bw = bandwidth(threads_all, args.quick)
    latency(args.quick)
    row_reads(args.quick)
    sgns_blocks(args.quick, peaks["peak_one"])
    centers_per_word()
    query_model(peaks["peak_all"], bw[max(bw)][0])
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
