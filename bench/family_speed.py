"""Speed and quality of the word2vec family: embedkit native vs gensim vs word2vec.c, per mode.

For each of skip-gram / CBOW x negative sampling / hierarchical softmax, trains on parts of the
shared Wikipedia corpus (decompressed once into a temp folder) with the same options:

  embedkit   engines.family.train_family on one corpus pass (train.prepare), 2 threads
  gensim     Word2Vec(corpus_file=...): its own build_vocab, then train
  word2vec.c the reference C program, `-threads` as --workers (only with --word2vec-bin)

Reported per run: training CPU seconds (all threads; embedkit: the epochs only, gensim: train()
only) and words per training CPU-second; the end-to-end CPU seconds (vocabulary pass, encoding,
training; word2vec.c can only be timed end to end, saving included) and words per end-to-end
CPU-second; wall seconds of training; quality by one scorer, embedkit.evaluation.intrinsic: WordSim-353 and
SimLex-999 Spearman, Google analogies (3CosAdd among the 30k most frequent words). Options are
gensim's defaults (vector size 100, window 5, min-count 5, sample 1e-3, 5 negatives, alpha
0.025 for every mode, also word2vec.c's CBOW, whose own default is 0.05).

gensim's corpus_file mode decays the learning rate per worker thread over its share of the
file but against the whole corpus, so with 2 threads each epoch's rate falls only half as far as
planned (to 0.0125 at the end of a single epoch): its vectors train with a higher rate than
embedkit's and word2vec.c's, which helps short runs (on 1 part, 1 epoch, CBOW with NS: gensim
iterable mode, with the planned decay, 0.097 WS-353; embedkit 0.117; gensim corpus_file 0.185).

word2vec.c is not built by this script. Build it from its source (word2vec.c of
github.com/tmikolov/word2vec) with

    gcc word2vec.c -o word2vec -lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result

and pass --word2vec-bin ./word2vec.

    python bench/family_speed.py --parts 2 --epochs 1 --word2vec-bin /tmp/word2vec
    nice -n 10 python bench/family_speed.py                           # all 7 parts, 17M words
"""

from __future__ import annotations

import argparse
import logging
import lzma
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"
MODES = {"sg-ns": (1, 0), "sg-hs": (1, 1), "cbow-ns": (0, 0), "cbow-hs": (0, 1)}   # name: (sg, hs)
BUILD = "gcc word2vec.c -o word2vec -lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result"


def quality(words, matrix) -> dict:
    from embedkit.evaluation import evaluate
    from embedkit.vectors import Vectors

    result = evaluate(Vectors(list(words), matrix), similarity=["ws353", "simlex999"], analogy=["google"])
    return {"ws353": result.score("ws353").value, "simlex": result.score("simlex999").value,
            "google": result.score("google: total").value}


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_embedkit(prepared, scan_cpu, opts, sg, hs) -> dict:
    from embedkit.train.engines.family import FamilyOptions, train_family
    from embedkit.train.monitor import Monitor
    from embedkit.train import SkipGramConfig

    config = SkipGramConfig(**{k: v for k, v in opts.items() if k != "negative"}, negative=0 if hs else opts["negative"])
    monitor = Monitor(prepared, config, progress=False)
    cpu = time.process_time()
    weights = train_family(prepared, config, monitor, FamilyOptions(sg=bool(sg), hs=bool(hs)))
    total_cpu = time.process_time() - cpu - monitor.engine_info["compile_seconds"] + scan_cpu
    return {"train_cpu": sum(monitor.epoch_cpu_seconds), "total_cpu": total_cpu, "wall": monitor.train_seconds,
            "words": prepared.total_words * opts["epochs"], **quality(prepared.vocab.words, weights.w_in)}


def run_gensim(path, opts, sg, hs) -> dict:
    from gensim.models import Word2Vec

    cpu = time.process_time()
    model = Word2Vec(sg=sg, hs=hs, negative=0 if hs else opts["negative"], vector_size=opts["vector_size"],
                     window=opts["window"], min_count=opts["min_count"], sample=opts["sample"], alpha=opts["alpha"],
                     min_alpha=opts["min_alpha"], epochs=opts["epochs"], workers=opts["workers"], seed=opts["seed"])
    model.build_vocab(corpus_file=str(path))
    wall, train_cpu = time.perf_counter(), time.process_time()
    model.train(corpus_file=str(path), total_words=model.corpus_total_words, total_examples=model.corpus_count,
                epochs=model.epochs)
    end = time.process_time()
    return {"train_cpu": end - train_cpu, "total_cpu": end - cpu, "wall": time.perf_counter() - wall,
            "words": model.corpus_total_words * model.epochs, **quality(model.wv.index_to_key, model.wv.vectors)}


def run_word2vec(binary, path, opts, sg, hs, words) -> dict:
    from embedkit import io

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vectors.bin"
        command = [str(binary), "-train", str(path), "-output", str(out), "-cbow", str(1 - sg),
                   "-size", str(opts["vector_size"]), "-window", str(opts["window"]),
                   "-negative", str(0 if hs else opts["negative"]), "-hs", str(hs), "-sample", str(opts["sample"]),
                   "-threads", str(opts["workers"]), "-binary", "1", "-iter", str(opts["epochs"]),
                   "-min-count", str(opts["min_count"]), "-alpha", str(opts["alpha"])]
        cpu, wall = cpu_children(), time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        total_cpu, wall = cpu_children() - cpu, time.perf_counter() - wall
        vectors = io.load(out)
    return {"train_cpu": float("nan"), "total_cpu": total_cpu, "wall": wall, "words": words * opts["epochs"],
            **quality(vectors.words, vectors.matrix)}


def table(rows: list[tuple[str, str, dict]]) -> str:
    head = (f"{'mode':8} {'engine':9} {'train CPU s':>11} {'words/train-CPU-s':>17} {'total CPU s':>11} "
            f"{'words/total-CPU-s':>17} {'train wall s':>12} {'ws353':>6} {'simlex':>6} {'google':>6}")
    lines = [head, "-" * len(head)]
    for mode, engine, r in rows:
        timed = r["train_cpu"] == r["train_cpu"]          # word2vec.c: end to end only
        train_cpu = f"{r['train_cpu']:11.1f}" if timed else f"{'n/a':>11}"
        per_train = f"{r['words'] / r['train_cpu'] / 1e3:16.0f}k" if timed else f"{'n/a':>17}"
        lines.append(f"{mode:8} {engine:9} {train_cpu} {per_train} {r['total_cpu']:11.1f} "
                     f"{r['words'] / r['total_cpu'] / 1e3:16.0f}k {r['wall']:12.1f} {r['ws353']:6.3f} "
                     f"{r['simlex']:6.3f} {100 * r['google']:6.2f}")
    return "\n".join(lines)


def ratios(rows: list[tuple[str, str, dict]]) -> str:
    lines = ["embedkit / reference, words per CPU-second (train only for gensim; end to end for both):"]
    by = {(m, e): r for m, e, r in rows}
    for mode in dict.fromkeys(m for m, _, _ in rows):
        ours = by.get((mode, "embedkit"))
        if ours is None:
            continue
        parts = []
        gensim = by.get((mode, "gensim"))
        if gensim:
            parts.append(f"gensim train {gensim['train_cpu'] / ours['train_cpu']:.2f}x, "
                         f"end to end {gensim['total_cpu'] / ours['total_cpu']:.2f}x")
        c = by.get((mode, "word2vec"))
        if c:
            parts.append(f"word2vec.c end to end {c['total_cpu'] / ours['total_cpu']:.2f}x")
        lines.append(f"  {mode:8} " + "; ".join(parts))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=7, help="corpus parts to use (1-7, ~2.47M words each)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--engines", default="embedkit,gensim,word2vec", help="comma-separated, of "
                        "embedkit, gensim, word2vec")
    parser.add_argument("--word2vec-bin", type=Path, help="the compiled word2vec.c (see above for how to build it)")
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.ERROR)
    modes = [m.strip() for m in args.modes.split(",")]
    engines = [e.strip() for e in args.engines.split(",")]
    if unknown := [m for m in modes if m not in MODES] + [e for e in engines if e not in ("embedkit", "gensim", "word2vec")]:
        parser.error(f"unknown mode or engine: {', '.join(unknown)}")
    if "word2vec" in engines and args.word2vec_bin is None:
        print(f"no --word2vec-bin: word2vec.c left out. Build it from word2vec.c with:\n  {BUILD}", file=sys.stderr)
        engines.remove("word2vec")

    from embedkit.train import Corpus
    from embedkit.train import SkipGramConfig
    from embedkit.train.prepare import prepare

    opts = dict(vector_size=100, window=5, min_count=5, sample=1e-3, negative=5, alpha=0.025, min_alpha=0.0001,
                epochs=args.epochs, workers=args.workers, seed=1)
    print(f"load before: {os.getloadavg()[0]:.2f}; {args.parts} parts, {args.epochs} epochs, {args.workers} threads")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.txt"
        with open(path, "wb") as out:
            for part in sorted(CORPUS.glob("enwiki2015_text8style.part*.txt.xz"))[: args.parts]:
                with lzma.open(part, "rb") as f:
                    out.write(f.read())
        with open(path, encoding="utf-8") as lines:
            words = sum(len(line.split()) for line in lines)
        prepared, scan_cpu = None, 0.0
        if "embedkit" in engines:
            work = Path(tmp) / "embedkit"
            work.mkdir()
            cpu = time.process_time()
            prepared = prepare(Corpus(path), SkipGramConfig(**opts), work)
            scan_cpu = time.process_time() - cpu
            print(f"embedkit corpus pass: {prepared.total_words:,} words, {len(prepared.vocab):,} kept, "
                  f"{scan_cpu:.1f} CPU s")
        for mode in modes:
            sg, hs = MODES[mode]
            for engine in engines:
                if engine == "embedkit":
                    result = run_embedkit(prepared, scan_cpu, opts, sg, hs)
                elif engine == "gensim":
                    result = run_gensim(path, opts, sg, hs)
                else:
                    result = run_word2vec(args.word2vec_bin, path, opts, sg, hs, words)
                rows.append((mode, engine, result))
                print(f"{mode} {engine}: {result['total_cpu']:.1f} CPU s", flush=True)
    print()
    print(table(rows))
    print()
    print(ratios(rows))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
