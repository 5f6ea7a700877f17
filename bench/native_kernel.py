"""The native engine's block update against the alternatives it was chosen over, in one run.

Times one call of each variant per center word on the same stream of random blocks (window of
2..10 context rows, 1 + 5 target rows, Zipf-distributed word ids over a 24k vocabulary, D = 100):

  shipped             native_kernels.block_update: sigmoid table, tiles of 2 contexts x 2 targets
  1 x 2 rows per pass   the same with one context x two targets (or two contexts x one target)
                      per pass over D, the kernel shipped before the tiles
  shipped, no fastmath  the same code compiled without fastmath (strict float order: no SIMD sums)
  one row per pass    the straightforward loops: one dot / axpy per (context, target), exact sigmoid
  BLAS sgemm          gather V and U into contiguous scratch, three np.dot (OpenBLAS sgemm) calls
                      into scratch, scatter-add the two gradients (level-3 BLAS, no allocation)

    OPENBLAS_NUM_THREADS=1 python bench/native_kernel.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.train.engines.native_kernels import FASTMATH, block_update, sigmoid, sigmoid_table

VOCAB, DIM, BLOCKS, NEGATIVE = 24_000, 100, 200_000, 5
_ONE = np.ones(1, dtype=np.float32)


@njit(nogil=True, fastmath=FASTMATH)
def one_row_per_pass(w_in, w_out, contexts, n_contexts, targets, n_targets, lr, table, coef, scratch):
    dim = w_in.shape[1]
    one = np.float32(1.0)
    for b in range(n_contexts):
        r = contexts[b]
        for t in range(n_targets):
            q = targets[t]
            x = np.float32(0.0)
            for d in range(dim):
                x += w_in[r, d] * w_out[q, d]
            coef[b, t] = lr * ((one if t == 0 else np.float32(0.0)) - one / (one + np.exp(-x)))
    for b in range(n_contexts):
        for d in range(dim):
            scratch[b, d] = np.float32(0.0)
        for t in range(n_targets):
            c, q = coef[b, t], targets[t]
            for d in range(dim):
                scratch[b, d] += c * w_out[q, d]
    for t in range(n_targets):
        q = targets[t]
        for b in range(n_contexts):
            c, r = coef[b, t], contexts[b]
            for d in range(dim):
                w_out[q, d] += c * w_in[r, d]
    for b in range(n_contexts):
        r = contexts[b]
        for d in range(dim):
            w_in[r, d] += scratch[b, d]


@njit(nogil=True, fastmath=FASTMATH, error_model="numpy")
def _part_1x2(w_in, w_out, contexts, n_contexts, targets, labels, n_labeled, n_targets, lr, table, coef, grad_in,
              accumulate):
    """The previous `native_kernels.block_part`, for blocks with at least one target."""
    zero, dim = np.float32(0.0), w_in.shape[1]
    for b in range(n_contexts):                     # coef = lr * (labels - sigmoid(V U^T))  (B, T)
        r = contexts[b]
        for t in range(0, n_targets, 2):
            q0, q1 = targets[t], targets[min(t + 1, n_targets - 1)]
            x0 = x1 = zero
            for d in range(dim):
                x0 += w_in[r, d] * w_out[q0, d]
                x1 += w_in[r, d] * w_out[q1, d]
            coef[b, t] = lr * ((labels[t] if t < n_labeled else zero) - sigmoid(x0, table))
            if t + 1 < n_targets:
                coef[b, t + 1] = lr * ((labels[t + 1] if t + 1 < n_labeled else zero) - sigmoid(x1, table))
    for b in range(n_contexts):                     # grad_in (+)= coef @ U  (B, D), from the old U
        for t in range(0, n_targets, 2):
            q0, q1 = targets[t], targets[min(t + 1, n_targets - 1)]
            c0, c1 = coef[b, t], (coef[b, t + 1] if t + 1 < n_targets else zero)
            if t == 0 and not accumulate:
                for d in range(dim):
                    grad_in[b, d] = c0 * w_out[q0, d] + c1 * w_out[q1, d]
            else:
                for d in range(dim):
                    grad_in[b, d] += c0 * w_out[q0, d] + c1 * w_out[q1, d]
    for t in range(n_targets):                      # U += coef^T @ V, from the old V
        q = targets[t]
        for b in range(0, n_contexts, 2):
            r0, r1 = contexts[b], contexts[min(b + 1, n_contexts - 1)]
            c0, c1 = coef[b, t], (coef[b + 1, t] if b + 1 < n_contexts else zero)
            for d in range(dim):
                w_out[q, d] += c0 * w_in[r0, d] + c1 * w_in[r1, d]


@njit(nogil=True, fastmath=FASTMATH, error_model="numpy")
def rows_1x2(w_in, w_out, contexts, n_contexts, targets, n_targets, lr, table, coef, grad_in):
    """The block update with one context x two targets (or two contexts x one target) per pass over D."""
    _part_1x2(w_in, w_out, contexts, n_contexts, targets, _ONE, 1, n_targets, lr, table, coef, grad_in, False)
    for b in range(n_contexts):
        r = contexts[b]
        for d in range(w_in.shape[1]):
            w_in[r, d] += grad_in[b, d]


@njit(nogil=True, fastmath=FASTMATH)
def blas_sgemm(w_in, w_out, contexts, n_contexts, targets, n_targets, lr, table, coef, scratch):
    """scratch rows: [0, 10) V, [10, 20) U, [20, 30) V's gradient, [30, 40) U's gradient."""
    one = np.float32(1.0)
    v, u = scratch[0:n_contexts], scratch[10:10 + n_targets]              # (B, D), (T, D) gathered
    d_in, d_out = scratch[20:20 + n_contexts], scratch[30:30 + n_targets]
    for b in range(n_contexts):
        v[b] = w_in[contexts[b]]
    for t in range(n_targets):
        u[t] = w_out[targets[t]]
    g = coef.ravel()[:n_contexts * n_targets].reshape((n_contexts, n_targets))
    g_t = coef.ravel()[64:64 + n_contexts * n_targets].reshape((n_targets, n_contexts))
    np.dot(v, u.T, g)                                                     # (B, T) logits
    for b in range(n_contexts):
        for t in range(n_targets):
            g[b, t] = lr * ((one if t == 0 else np.float32(0.0)) - sigmoid(g[b, t], table))
            g_t[t, b] = g[b, t]
    np.dot(g, u, d_in)                                                    # (B, D)
    np.dot(g_t, v, d_out)                                                 # (T, D)
    for b in range(n_contexts):
        w_in[contexts[b]] += d_in[b]
    for t in range(n_targets):
        w_out[targets[t]] += d_out[t]


def driver(kernel):
    @njit(nogil=True)
    def run(w_in, w_out, contexts, sizes, targets, table, coef, grad_in):
        for i in range(contexts.shape[0]):
            kernel(w_in, w_out, contexts[i], sizes[i], targets[i], targets.shape[1], np.float32(0.001),
                   table, coef, grad_in)
    return run


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    rng = np.random.default_rng(0)
    sizes = 2 * rng.integers(1, 6, BLOCKS)                               # 2 x effective window
    contexts = (rng.zipf(1.3, (BLOCKS, 10)) % VOCAB).astype(np.int32)
    targets = (rng.zipf(1.5, (BLOCKS, 1 + NEGATIVE)) % VOCAB).astype(np.int32)
    table = sigmoid_table()
    strict = njit(nogil=True, error_model="numpy")(block_update.py_func)
    variants = {"shipped": block_update, "1 x 2 rows per pass": rows_1x2, "shipped, no fastmath": strict,
                "one row per pass": one_row_per_pass, "BLAS sgemm": blas_sgemm}
    runners = {name: driver(kernel) for name, kernel in variants.items()}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(3):  # interleaved repeats
        for name, run in runners.items():
            w_in = ((rng.random((VOCAB, DIM), dtype=np.float32) - 0.5) / DIM).astype(np.float32)
            w_out = np.zeros((VOCAB, DIM), np.float32)
            coef, grad_in = np.zeros((16, 16), np.float32), np.zeros((40, DIM), np.float32)
            run(w_in, w_out, contexts[:10], sizes[:10], targets[:10], table, coef, grad_in)  # compile
            start = time.process_time()
            run(w_in, w_out, contexts, sizes, targets, table, coef, grad_in)
            times[name].append(time.process_time() - start)
    print(f"{BLOCKS:,} blocks, D = {DIM}, {sizes.mean():.1f} context rows x {1 + NEGATIVE} target rows on "
          f"average; CPU time, median of 3; load average {os.getloadavg()[0]:.2f}")
    base = statistics.median(times["shipped"])
    for name, values in times.items():
        seconds = statistics.median(values)
        print(f"  {name:<22} {seconds / BLOCKS * 1e9:7.0f} ns per block   x{seconds / base:.2f} the shipped time")


if __name__ == "__main__":
    main()
