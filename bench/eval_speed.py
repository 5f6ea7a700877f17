"""embedkit's intrinsic evaluation against gensim's, on GloVe 6B 50d: same scores, and how much faster.

Analogies: the 19,544 Google questions with the vocabulary restricted to the 30,000 most frequent
words, embedkit's `analogy_scores` against gensim's ``evaluate_word_analogies(restrict_vocab=30000)``
(per-section counts must be identical). Word pairs: embedkit's `similarity_score` against gensim's
``evaluate_word_pairs(restrict_vocab=len(kv))`` on WS-353 and SimLex-999 (and MEN, RW, ... when a
mirror is given), with both OOV policies.

Run from the repository root (gensim's part takes a couple of minutes):

    python bench/eval_speed.py [--mirror ../shared/datasets] [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embedkit import Vectors, registry  # noqa: E402
from embedkit.evaluation import read_analogies, read_similarity  # noqa: E402
from embedkit.evaluation import analogy_scores, similarity_score  # noqa: E402
from embedkit.io.pretrained import resolve  # noqa: E402


def fresh(glove: Vectors) -> Vectors:
    """A new Vectors on the same matrix, so that the unit-length cache is rebuilt and timed."""
    return Vectors(glove.words, glove.matrix, meta=glove.meta, check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default=None, help="dataset mirror for MEN, RW, SimVerb-3500, ...")
    parser.add_argument("--repeat", type=int, default=3, help="embedkit timings: best of N")
    parser.add_argument("--restrict", type=int, default=30000)
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.WARNING)

    glove = resolve("glove-6b-50d")
    kv = KeyedVectors(glove.dim)
    kv.add_vectors(glove.words, glove.matrix)
    print(f"GloVe 6B 50d: {len(glove):,} words x {glove.dim}; numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, python {platform.python_version()}")

    # -- analogies ---------------------------------------------------------------------------
    path = registry.path("google")
    ours_times = []
    for _ in range(args.repeat):
        vectors = fresh(glove)
        start = time.perf_counter()
        ours = analogy_scores(vectors, read_analogies(path), restrict=args.restrict)
        ours_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    _, theirs = kv.evaluate_word_analogies(str(path), restrict_vocab=args.restrict)
    gensim_time = time.perf_counter() - start

    print(f"\nGoogle analogies, 3CosAdd, restrict {args.restrict:,}: correct / covered per section")
    print(f"{'section':30} {'embedkit':>15} {'gensim':>15}  same")
    same_all = True
    for mine, their in zip(ours, theirs[:-1]):
        g_correct, g_covered = len(their["correct"]), len(their["correct"]) + len(their["incorrect"])
        same = (mine.correct, mine.covered) == (g_correct, g_covered)
        same_all &= same
        print(f"{mine.name:30} {mine.correct:>6} / {mine.covered:<6} {g_correct:>6} / {g_covered:<6}  {'yes' if same else 'NO'}")
    correct, covered = sum(r.correct for r in ours), sum(r.covered for r in ours)
    g_total = theirs[-1]
    g_correct, g_covered = len(g_total["correct"]), len(g_total["correct"]) + len(g_total["incorrect"])
    print(f"{'total':30} {correct:>6} / {covered:<6} {g_correct:>6} / {g_covered:<6}  "
          f"{'yes' if (correct, covered) == (g_correct, g_covered) else 'NO'}")
    print(f"accuracy: embedkit {correct / covered:.6f}, gensim {g_correct / g_covered:.6f}")

    # -- word pairs --------------------------------------------------------------------------
    names = ["ws353", "simlex999"]
    if args.mirror:
        names += [e.name for e in registry.entries("similarity") if e.name not in names]
    print(f"\nWord pairs: Spearman rho, embedkit vs gensim evaluate_word_pairs(restrict_vocab={len(kv)})")
    print(f"{'benchmark':12} {'oov':6} {'covered':>11} {'embedkit':>10} {'gensim':>10} {'|diff|':>9}")
    pair_time = 0.0
    worst = 0.0
    for name in names:
        file = registry.path(name, args.mirror)
        for oov in ("skip", "dummy"):
            vectors = fresh(glove)
            start = time.perf_counter()
            mine = similarity_score(vectors, read_similarity(file), oov=oov)
            pair_time += time.perf_counter() - start
            their = kv.evaluate_word_pairs(str(file), restrict_vocab=len(kv), dummy4unknown=oov == "dummy")[1][0]
            worst = max(worst, abs(mine.value - their))
            print(f"{name:12} {oov:6} {mine.covered:>5}/{mine.total:<5} {mine.value:>10.6f} {their:>10.6f} "
                  f"{abs(mine.value - their):>9.1e}")

    best = min(ours_times)
    print(f"\nTime for the 19,544 Google questions (restrict {args.restrict:,}), reading the file included:")
    print(f"  embedkit  {best:8.2f} s  (best of {args.repeat}: {', '.join(f'{t:.2f}' for t in ours_times)})")
    print(f"  gensim    {gensim_time:8.2f} s")
    print(f"  ratio     {gensim_time / best:8.1f} x faster")
    print(f"Analogy counts identical to gensim in every section: {'yes' if same_all else 'NO'}")
    print(f"Largest Spearman difference from gensim: {worst:.1e}")


if __name__ == "__main__":
    main()
