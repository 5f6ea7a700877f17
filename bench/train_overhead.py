"""Overhead of `embedkit train --engine gensim` against plain gensim, same corpus and options.

Runs, interleaved and repeated, on the same plain-text corpus (parts of the shared Wikipedia
corpus, decompressed once into a temp folder):

  plain gensim, corpus_file   Word2Vec(corpus_file=...): build_vocab + train
  plain gensim, LineSentence  Word2Vec(LineSentence(...)): build_vocab + train (the usual way)
  embedkit --engine gensim    train_skipgram(...): tokenising pass + train

words/s = epochs x corpus words / seconds. "train" counts only the training epochs; "total"
counts everything from reading the corpus to having vectors. The overhead target is < 10%.

    python bench/train_overhead.py --parts 1 --epochs 3 --repeats 2
"""

from __future__ import annotations

import argparse
import lzma
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"


def plain_gensim(path: Path, opts: dict, mode: str) -> dict:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    start, cpu_start = time.perf_counter(), time.process_time()
    model = Word2Vec(sg=1, hs=0, **opts)
    if mode == "corpus_file":
        model.build_vocab(corpus_file=str(path))
    else:
        model.build_vocab(LineSentence(str(path)))
    vocab_done, cpu_vocab_done = time.perf_counter(), time.process_time()
    if mode == "corpus_file":
        model.train(corpus_file=str(path), total_words=model.corpus_total_words,
                    total_examples=model.corpus_count, epochs=model.epochs)
    else:
        model.train(LineSentence(str(path)), total_examples=model.corpus_count, epochs=model.epochs)
    end, cpu_end = time.perf_counter(), time.process_time()
    words = model.corpus_total_words * model.epochs
    return {"train_s": end - vocab_done, "total_s": end - start, "train_cpu": cpu_end - cpu_vocab_done,
            "total_cpu": cpu_end - cpu_start, "words": words, "vocab": len(model.wv)}


def embedkit_gensim(path: Path, opts: dict) -> dict:
    from embedkit.train import SkipGramConfig, train_skipgram

    config = SkipGramConfig(engine="gensim", **opts)
    start, cpu_start = time.perf_counter(), time.process_time()
    vectors = train_skipgram(path, config, progress=False)
    end, cpu_end = time.perf_counter(), time.process_time()
    words = vectors.meta["corpus_words"] * config.epochs
    return {"train_s": vectors.meta["train_seconds"], "total_s": end - start,
            "train_cpu": vectors.meta["train_cpu_seconds"], "total_cpu": cpu_end - cpu_start,
            "words": words, "vocab": len(vectors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=1, help="corpus parts to use (1-7, ~2.47M words each)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    opts = dict(vector_size=100, window=5, min_count=5, sample=1e-3, negative=5, alpha=0.025,
                min_alpha=0.0001, epochs=args.epochs, workers=args.workers, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.txt"
        with open(path, "wb") as out:
            for part in sorted(CORPUS.glob("enwiki2015_text8style.part*.txt.xz"))[: args.parts]:
                with lzma.open(part, "rb") as f:
                    out.write(f.read())
        runs = {"plain gensim, corpus_file": [], "plain gensim, LineSentence": [], "embedkit --engine gensim": []}
        for _ in range(args.repeats):  # interleaved, so machine load hits all alike
            runs["plain gensim, corpus_file"].append(plain_gensim(path, opts, "corpus_file"))
            runs["plain gensim, LineSentence"].append(plain_gensim(path, opts, "iterable"))
            runs["embedkit --engine gensim"].append(embedkit_gensim(path, opts))

    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    words = runs["embedkit --engine gensim"][0]["words"]
    print(f"corpus: {args.parts} part(s), {words // args.epochs:,} words; epochs {args.epochs}, "
          f"workers {args.workers}, repeats {args.repeats} (median); load average {' '.join(load)}")
    print(f"{'run':<28} {'vocab':>7} {'train words/s':>14} {'total words/s':>14} {'train s':>8} {'total s':>8} "
          f"{'train CPU s':>11} {'total CPU s':>11}")
    keys = ("train_s", "total_s", "train_cpu", "total_cpu")
    medians = {}
    for name, results in runs.items():
        m = {k: statistics.median(r[k] for r in results) for k in keys}
        medians[name] = m
        print(f"{name:<28} {results[0]['vocab']:>7,} {results[0]['words'] / m['train_s']:>14,.0f} "
              f"{results[0]['words'] / m['total_s']:>14,.0f} {m['train_s']:>8.1f} {m['total_s']:>8.1f} "
              f"{m['train_cpu']:>11.1f} {m['total_cpu']:>11.1f}")
    ours = medians["embedkit --engine gensim"]
    for ref in ("plain gensim, corpus_file", "plain gensim, LineSentence"):
        base = medians[ref]
        print(f"embedkit vs {ref}: words/s ratio train {base['train_s'] / ours['train_s']:.3f}, "
              f"total {base['total_s'] / ours['total_s']:.3f}; per CPU second train "
              f"{base['train_cpu'] / ours['train_cpu']:.3f}, total {base['total_cpu'] / ours['total_cpu']:.3f} "
              "(>1 = embedkit faster; overhead = 1 - ratio)")


if __name__ == "__main__":
    main()
