"""Speed and quality of `--engine native` against gensim: same corpus, options, machine and run.

Trains, interleaved and repeated, on parts of the shared Wikipedia corpus (decompressed once
into a temp folder), all with the same options:

  plain gensim              Word2Vec(corpus_file=...): its own build_vocab, then train
  embedkit --engine gensim  train_skipgram(...): gensim on embedkit's vocabulary
  embedkit --engine native  train_skipgram(...): embedkit's numba engine

words/s = epochs x corpus words / training seconds (wall clock, all threads together); the
shared corpus pass, the native engine's one-off encoding to word ids and its kernel compile are
left out of "train s" and printed apart. CPU s is the CPU time of the process during training
(all threads), a second view that depends less on what else runs on the machine. Quality, with
gensim's evaluation code on each model's input vectors: WordSim-353 and SimLex-999 Spearman,
Google analogies (3CosAdd, 30k most frequent words).

    python bench/train_speed.py --parts 1 --epochs 5                 # 2.5M words
    nice -n 10 python bench/train_speed.py --parts 7 --epochs 5      # the full 17M words

With --end-to-end, whole processes instead, from process start to vectors file written, in the
same run one after the other: `python -m embedkit train CORPUS -o out.bin --format
word2vec-binary` (native engine) against a python process that trains gensim's
Word2Vec(corpus_file=...) and saves the same format. Wall seconds, and the CPU seconds of the
child process (all its threads; resource.getrusage(RUSAGE_CHILDREN)); quality from the written
files. --seeds repeats both per seed (the spread of quality over seeds is the noise):

    python bench/train_speed.py --end-to-end --parts 7 --epochs 2 --seeds 1 2 3
    python bench/train_speed.py --end-to-end --parts 7 --epochs 2 --before ../embedkit-old   # vs an earlier version
"""

from __future__ import annotations

import argparse
import json
import logging
import lzma
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"


def quality(keyed_vectors) -> dict:
    from gensim.test.utils import datapath

    ws = keyed_vectors.evaluate_word_pairs(datapath("wordsim353.tsv"))[1][0]
    simlex = keyed_vectors.evaluate_word_pairs(datapath("simlex999.txt"))[1][0]
    analogies = keyed_vectors.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=30000)[0]
    return {"ws353": float(ws), "simlex": float(simlex), "analogy": float(analogies)}


def plain_gensim(path: Path, opts: dict) -> dict:
    from gensim.models import Word2Vec

    model = Word2Vec(sg=1, hs=0, vector_size=opts["vector_size"], window=opts["window"],
                     min_count=opts["min_count"], sample=opts["sample"], negative=opts["negative"],
                     alpha=opts["alpha"], min_alpha=opts["min_alpha"], epochs=opts["epochs"],
                     workers=opts["workers"], seed=opts["seed"])
    model.build_vocab(corpus_file=str(path))
    wall, cpu = time.perf_counter(), time.process_time()
    model.train(corpus_file=str(path), total_words=model.corpus_total_words,
                total_examples=model.corpus_count, epochs=model.epochs)
    return {"train_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
            "words": model.corpus_total_words * model.epochs, "vocab": len(model.wv),
            "loss": float("nan"), **quality(model.wv)}


def embedkit_engine(path: Path, opts: dict, engine: str) -> dict:
    from gensim.models import KeyedVectors

    from embedkit.train import SkipGramConfig, train_skipgram

    vectors = train_skipgram(path, SkipGramConfig(engine=engine, **opts), progress=False)
    meta = vectors.meta
    keyed = KeyedVectors(vectors.dim)
    keyed.add_vectors(vectors.words, vectors.matrix)
    return {"train_s": meta["train_seconds"], "cpu_s": meta["train_cpu_seconds"],
            "words": meta["corpus_words"] * opts["epochs"], "vocab": len(vectors),
            "loss": meta["epoch_loss"][-1], "scan_s": meta["scan_seconds"],
            "encode_s": meta.get("encode_seconds"), "compile_s": meta.get("compile_seconds"),
            **quality(keyed)}


def cold_compile_seconds() -> tuple[float, float]:
    """Kernel compile time with an empty numba cache, then the cache-load time, in fresh processes."""
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from embedkit.train.engines.native import compile_kernels\n"
            "from embedkit.train import SkipGramConfig\n"
            "seconds, how = compile_kernels(SkipGramConfig(vector_size=100))\n"
            "print(seconds, how.replace(' ', '_'))" % str(ROOT))
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                               check=True).stdout.split() for _ in range(2)]
    assert runs[0][1] == "compiled" and runs[1][1] == "loaded_from_cache", runs
    return float(runs[0][0]), float(runs[1][0])


GENSIM_SCRIPT = """
import logging, sys
from gensim.models import Word2Vec
logging.getLogger("gensim").setLevel(logging.ERROR)
corpus, out, o = sys.argv[1], sys.argv[2], eval(sys.argv[3])
model = Word2Vec(corpus_file=corpus, sg=1, hs=0, vector_size=o["vector_size"], window=o["window"],
                 min_count=o["min_count"], sample=o["sample"], negative=o["negative"], alpha=o["alpha"],
                 min_alpha=o["min_alpha"], epochs=o["epochs"], workers=o["workers"], seed=o["seed"])
model.wv.save_word2vec_format(out, binary=True)
"""


def decompress(parts: int, tmp: str) -> Path:
    """The first `parts` corpus parts as one plain text file in `tmp`."""
    path = Path(tmp) / "corpus.txt"
    with open(path, "wb") as out:
        for part in sorted(CORPUS.glob("enwiki2015_text8style.part*.txt.xz"))[:parts]:
            with lzma.open(part, "rb") as f:
                out.write(f.read())
    return path


def child_run(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, all threads) of one child process run to its end, in `cwd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd)
    if done.returncode:
        sys.exit(f"{command[:4]}... failed with exit status {done.returncode}:\n{done.stderr}")
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def end_to_end(path: Path, opts: dict, seeds: list[int], tmp: str, log: str | None,
               before: Path | None = None) -> None:
    """Each seed: embedkit, gensim and (with `before`, a checkout of an earlier embedkit) that one."""
    from gensim.models import KeyedVectors

    words = sum(len(line.split()) for line in open(path, encoding="utf-8")) * opts["epochs"]
    flags = [f"--{key.replace('_', '-')}={value}" for key, value in opts.items() if key != "seed"]
    runs = []
    for seed in seeds:
        for name in ("embedkit native", "gensim") + (("embedkit before",) if before else ()):
            out = Path(tmp) / f"{name.replace(' ', '-')}-{seed}.bin"
            if name == "gensim":
                command = [sys.executable, "-c", GENSIM_SCRIPT, str(path), str(out), repr(dict(opts, seed=seed))]
            else:
                command = [sys.executable, "-m", "embedkit", "train", str(path), "-o", str(out),
                           "--format", "word2vec-binary", "--engine", "native", "-q", f"--seed={seed}", *flags]
            load = os.getloadavg()[0]
            wall, cpu = child_run(command, before if name == "embedkit before" else ROOT)
            keyed = KeyedVectors.load_word2vec_format(str(out), binary=True)
            run = {"name": name, "seed": seed, "wall_s": wall, "cpu_s": cpu, "words": words, "vocab": len(keyed),
                   "load": load, **quality(keyed)}
            runs.append(run)
            print(f"  seed {seed} {name:<16} wall {wall:6.1f} s  CPU {cpu:6.1f} s  {words / cpu:>9,.0f} words/CPU-s  "
                  f"WS353 {run['ws353']:.3f}  SimLex {run['simlex']:.3f}  analogy {100 * run['analogy']:.1f}%  "
                  f"vocab {len(keyed):,}  load before {load:.1f}", flush=True)
            if log:
                with open(log, "a") as f:
                    f.write(json.dumps(run) + "\n")
    summarise(runs)


def summarise(runs: list[dict]) -> None:
    """Medians over the runs of each side, quality as mean +- std over seeds, and the ratios."""
    med = {}
    print(f"\n{'end to end':<16} {'runs':>4} {'wall s':>7} {'CPU s':>7} {'words/CPU-s':>12} "
          f"{'WS353':>13} {'SimLex':>13} {'analogy %':>13}")
    names = [n for n in ("embedkit native", "gensim", "embedkit before") if any(r["name"] == n for r in runs)]
    for name in names:
        rs = [r for r in runs if r["name"] == name]
        m = {key: statistics.median(r[key] for r in rs) for key in ("wall_s", "cpu_s")}
        med[name] = m
        spread = {key: (statistics.mean(r[key] for r in rs), statistics.pstdev(r[key] for r in rs))
                  for key in ("ws353", "simlex", "analogy")}
        print(f"{name:<16} {len(rs):>4} {m['wall_s']:>7.1f} {m['cpu_s']:>7.1f} {rs[0]['words'] / m['cpu_s']:>12,.0f} "
              f"{spread['ws353'][0]:>6.3f}+-{spread['ws353'][1]:.3f} {spread['simlex'][0]:>6.3f}+-"
              f"{spread['simlex'][1]:.3f} {100 * spread['analogy'][0]:>6.1f}+-{100 * spread['analogy'][1]:.1f}")
    ours, theirs = med["embedkit native"], med["gensim"]
    print(f"embedkit / gensim, end to end: words per CPU-second x{theirs['cpu_s'] / ours['cpu_s']:.2f}, "
          f"words per wall second x{theirs['wall_s'] / ours['wall_s']:.2f} (medians; std over seeds, "
          f"population; quality with gensim's evaluation code on the written files)")
    if "embedkit before" in med:
        earlier = med["embedkit before"]
        print(f"embedkit / embedkit before, end to end: words per CPU-second x{earlier['cpu_s'] / ours['cpu_s']:.2f}, "
              f"words per wall second x{earlier['wall_s'] / ours['wall_s']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=1, help="corpus parts to use (1-7, ~2.47M words each)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--no-plain", action="store_true", help="leave out the plain gensim row")
    parser.add_argument("--end-to-end", action="store_true", help="whole processes, start to file written")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1], help="with --end-to-end: seeds to run")
    parser.add_argument("--log", help="with --end-to-end: append each run as a JSON line to this file")
    parser.add_argument("--summarise", metavar="LOG", help="print the table of the runs in LOG and stop")
    parser.add_argument("--before", type=Path, metavar="CHECKOUT",
                        help="with --end-to-end: also run the embedkit of this checkout (an earlier version)")
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.ERROR)
    if args.summarise:
        summarise([json.loads(line) for line in open(args.summarise)])
        return

    opts = dict(vector_size=100, window=5, min_count=5, sample=1e-3, negative=5, alpha=0.025,
                min_alpha=0.0001, epochs=args.epochs, workers=args.workers, seed=1)
    if args.end_to_end:
        print(f"end to end: {args.parts} part(s), epochs {args.epochs}, workers {args.workers}, seeds {args.seeds}; "
              f"load average before {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
        with tempfile.TemporaryDirectory() as tmp:
            path = decompress(args.parts, tmp)
            end_to_end(path, opts, args.seeds, tmp, args.log, args.before)
        print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    names = (["plain gensim"] if not args.no_plain else []) + ["embedkit gensim", "embedkit native"]
    load_before = os.getloadavg()
    cold, warm = cold_compile_seconds()
    runs: dict[str, list[dict]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        path = decompress(args.parts, tmp)
        for repeat in range(args.repeats):  # interleaved, the order rotating, so load hits all alike
            order = names[repeat % len(names):] + names[: repeat % len(names)]
            for name in order:
                if name == "plain gensim":
                    result = plain_gensim(path, opts)
                else:
                    result = embedkit_engine(path, opts, name.split()[1])
                result["load"] = os.getloadavg()[0]
                runs[name].append(result)
                print(f"  run {repeat + 1} {name:<16} train {result['train_s']:7.1f} s  CPU {result['cpu_s']:7.1f} s  "
                      f"WS353 {result['ws353']:.3f}  SimLex {result['simlex']:.3f}  "
                      f"analogy {100 * result['analogy']:.1f}%  load {result['load']:.1f}", flush=True)

    words = runs["embedkit native"][0]["words"]
    print(f"\ncorpus: {args.parts} part(s), {words // args.epochs:,} words, "
          f"{runs['embedkit native'][0]['vocab']:,} words kept; vector 100, window 5, negative 5, "
          f"min-count 5, sample 1e-3, epochs {args.epochs}, workers {args.workers}; "
          f"{args.repeats} run(s) each, medians")
    print(f"load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    print(f"{'engine':<16} {'train s':>8} {'words/s':>10} {'CPU s':>7} {'words/CPU-s':>12} "
          f"{'WS353':>6} {'SimLex':>6} {'analogy':>8} {'loss':>7}")
    med = {}
    for name, results in runs.items():
        m = {key: statistics.median(r[key] for r in results)
             for key in ("train_s", "cpu_s", "ws353", "simlex", "analogy", "loss")}
        med[name] = m
        print(f"{name:<16} {m['train_s']:>8.1f} {words / m['train_s']:>10,.0f} {m['cpu_s']:>7.1f} "
              f"{words / m['cpu_s']:>12,.0f} {m['ws353']:>6.3f} {m['simlex']:>6.3f} "
              f"{100 * m['analogy']:>7.1f}% {m['loss']:>7.4f}")
    native, gensim = med["embedkit native"], med["embedkit gensim"]
    print(f"native / embedkit gensim: words/s x{gensim['train_s'] / native['train_s']:.2f}, "
          f"words/CPU-s x{gensim['cpu_s'] / native['cpu_s']:.2f}; WS353 {native['ws353'] - gensim['ws353']:+.3f}, "
          f"SimLex {native['simlex'] - gensim['simlex']:+.3f}, "
          f"analogy {100 * (native['analogy'] - gensim['analogy']):+.1f} points")
    if "plain gensim" in med:
        plain = med["plain gensim"]
        print(f"native / plain gensim:    words/s x{plain['train_s'] / native['train_s']:.2f}, "
              f"words/CPU-s x{plain['cpu_s'] / native['cpu_s']:.2f}; WS353 {native['ws353'] - plain['ws353']:+.3f}, "
              f"SimLex {native['simlex'] - plain['simlex']:+.3f}, "
              f"analogy {100 * (native['analogy'] - plain['analogy']):+.1f} points")
    ours = runs["embedkit native"]
    print(f"not in train s: shared corpus pass {statistics.median(r['scan_s'] for r in ours):.1f} s (both embedkit "
          f"engines); native encoding to word ids {statistics.median(r['encode_s'] for r in ours):.1f} s; "
          f"native kernels: {cold:.1f} s to compile with an empty cache, {warm:.2f} s to load from it "
          f"(first run here: {ours[0]['compile_s']:.2f} s)")


if __name__ == "__main__":
    main()
