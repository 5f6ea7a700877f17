"""Subword skip-gram on the shared 17M-word Wikipedia corpus: embedkit vs gensim FastText vs fastText.

Same options for every engine: dim 100, window 5, negative 5, min-count 5, sample 1e-3, n-grams
3-6 in 2,000,000 buckets, lr 0.05 (fastText's skip-gram default), 5 epochs, 2 threads, seed 1.
Each engine runs as its own process, one per invocation (each well under 20 minutes), and
appends one JSON line to --results; --report prints the table from those lines.

    W=/tmp/embedkit-subword-bench R=bench/results/subword_speed.jsonl
    flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine embedkit --work $W --results $R
    flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine gensim --work $W --results $R
    flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine fasttext --work $W --results $R \\
        --fasttext-bin /work/refbin/fastText/fasttext
    flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine gensim-1 --work $W --results $R
    python bench/subword_speed.py --report $R > bench/results/subword_speed.txt

What is timed, per engine (words = epochs x corpus tokens, the same numerator for all):
- end to end: the whole process (reading the corpus, the vocabulary, training, and writing the
  model: embedkit's .ekv; fastText's .bin and .vec, which it always writes; gensim's time stops
  before its model is saved), wall and CPU seconds (getrusage of the child);
- training: embedkit's epochs (its meta: train_seconds, train_cpu_seconds); gensim's `train`
  call; fastText reports only words/sec/thread of its training, so its training wall time is
  derived from that and its training CPU time is not known.
Quality by one scorer, `embedkit.evaluation.evaluate` on each saved model (fastText's and gensim's
.bin read by embedkit's reader): WS353, SimLex-999, Stanford RW (every pair scored: a word outside
the vocabulary gets its vector composed from n-grams), Google analogies (3CosAdd among the 30,000
most frequent words), semantic and syntactic apart.

`gensim-1` is gensim FastText with one worker thread, the control for gensim's learning-rate
schedule: in corpus_file mode each of W workers decays the rate by its own words against the
whole corpus (gensim's fasttext_corpusfile.pyx `get_next_alpha`), so with 2 workers every epoch
ends at the rate the linear schedule reaches halfway through it.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets"
OPTIONS = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3, min_n=3, max_n=6, bucket=2_000_000,
               alpha=0.05, threads=2, seed=1)
ENGINES = ("embedkit", "gensim", "fasttext", "gensim-1")

GENSIM = """
import json, sys, time
from gensim.models import FastText
from gensim.models.fasttext import save_facebook_model
corpus, out, epochs, workers, o = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
t0, c0 = time.perf_counter(), time.process_time()
model = FastText(sg=1, hs=0, vector_size=o["dim"], window=o["window"], negative=o["negative"], min_count=o["min_count"],
                 sample=o["sample"], min_n=o["min_n"], max_n=o["max_n"], bucket=o["bucket"], alpha=o["alpha"],
                 epochs=epochs, workers=workers, seed=o["seed"])
model.build_vocab(corpus_file=corpus)
t1, c1 = time.perf_counter(), time.process_time()
model.train(corpus_file=corpus, total_words=model.corpus_total_words, epochs=epochs)
t2, c2 = time.perf_counter(), time.process_time()
save_facebook_model(model, out)
print(json.dumps({"train_wall": t2 - t1, "train_cpu": c2 - c1, "e2e_wall": t2 - t0, "e2e_cpu": c2 - c0,
                  "vocab": len(model.wv)}))
"""


def corpus_file(work: Path, parts: int) -> tuple[Path, int]:
    """The corpus parts decompressed into one file under `work` (made once), and its tokens."""
    path = work / f"corpus-{parts}.txt"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            for part in sorted((DATA / "corpus").glob("*.xz"))[:parts]:
                with lzma.open(part, "rt", encoding="utf-8") as lines:
                    for line in lines:
                        out.write(line)
        tmp.rename(path)
    with open(path, encoding="utf-8") as lines:
        return path, sum(len(line.split()) for line in lines)


def timed(command: list[str], **kw) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run `command`; (result, wall seconds, CPU seconds of the child and its threads)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        sys.exit(f"{shlex.join(command)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return run, wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def run_embedkit(corpus: Path, work: Path, epochs: int) -> tuple[dict, Path]:
    o, out = OPTIONS, work / "embedkit-subwords.ekv"
    command = [sys.executable, "-m", "embedkit", "train", str(corpus), "-o", str(out), "--subwords",
               "--vector-size", str(o["dim"]), "--window", str(o["window"]), "--negative", str(o["negative"]),
               "--min-count", str(o["min_count"]), "--sample", str(o["sample"]), "--min-n", str(o["min_n"]),
               "--max-n", str(o["max_n"]), "--bucket", str(o["bucket"]), "--alpha", str(o["alpha"]),
               "--epochs", str(epochs), "--workers", str(o["threads"]), "--seed", str(o["seed"]),
               "--no-lowercase", "-q"]
    if out.exists():
        import shutil

        shutil.rmtree(out)
    _, wall, cpu = timed(command, cwd=ROOT)
    meta = json.loads((out / "meta.json").read_text())
    m = meta["meta"]
    return {"e2e_wall": wall, "e2e_cpu": cpu, "train_wall": m["train_seconds"], "train_cpu": m["train_cpu_seconds"],
            "vocab": meta["shape"][0], "kernels": m.get("kernels"), "ngram_rows": m.get("ngram_rows"),
            "command": shlex.join(["python", *command[1:]])}, out


def run_gensim(corpus: Path, work: Path, epochs: int, workers: int) -> tuple[dict, Path]:
    import gensim

    out = work / f"gensim-{workers}.bin"
    run, wall, cpu = timed([sys.executable, "-c", GENSIM, str(corpus), str(out), str(epochs), str(workers),
                            json.dumps(OPTIONS)])
    found = json.loads(run.stdout.strip().splitlines()[-1])
    found.update(process_wall=wall, process_cpu=cpu, version=f"gensim {gensim.__version__}",
                 command=f"gensim FastText(sg=1, workers={workers}, {OPTIONS}); build_vocab + train on corpus_file")
    return found, out


def run_fasttext(corpus: Path, work: Path, epochs: int, binary: str) -> tuple[dict, Path]:
    o, out = OPTIONS, work / "fasttext"
    command = [binary, "skipgram", "-input", str(corpus), "-output", str(out), "-dim", str(o["dim"]),
               "-ws", str(o["window"]), "-neg", str(o["negative"]), "-loss", "ns", "-minCount", str(o["min_count"]),
               "-t", str(o["sample"]), "-minn", str(o["min_n"]), "-maxn", str(o["max_n"]), "-bucket", str(o["bucket"]),
               "-lr", str(o["alpha"]), "-epoch", str(epochs), "-thread", str(o["threads"]), "-seed", str(o["seed"]),
               "-verbose", "2"]
    run, wall, cpu = timed(command)
    rates = re.findall(r"words/sec/thread:\s*(\d+)", run.stdout + run.stderr)
    words = re.findall(r"Number of words:\s*(\d+)", run.stdout + run.stderr)
    per_thread = int(rates[-1]) if rates else None
    return {"e2e_wall": wall, "e2e_cpu": cpu, "words_per_sec_thread": per_thread,
            "vocab": int(words[-1]) if words else None, "command": shlex.join(command),
            "version": "fastText @ 1142dc4, make opt (-O3 -funroll-loops -march=native)"}, Path(f"{out}.bin")


def quality(model: Path) -> dict:
    from embedkit.evaluation import evaluate

    result = evaluate([str(model)], similarity=["ws353", "simlex999", "rw"], analogy=["google"], mirror=DATA)
    scores = {}
    for name in ("ws353", "simlex999", "rw", "google: semantic", "google: syntactic", "google: total"):
        s = result.score(name)
        scores[name] = {"value": s.value, "covered": s.covered, "total": s.total, "composed": s.composed}
    return scores


def measure(args) -> None:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    corpus, tokens = corpus_file(work, args.parts)
    if args.engine == "embedkit":
        found, model = run_embedkit(corpus, work, args.epochs)
    elif args.engine in ("gensim", "gensim-1"):
        found, model = run_gensim(corpus, work, args.epochs, 1 if args.engine == "gensim-1" else OPTIONS["threads"])
    else:
        if not args.fasttext_bin:
            sys.exit("--engine fasttext needs --fasttext-bin")
        found, model = run_fasttext(corpus, work, args.epochs, args.fasttext_bin)
        if found["words_per_sec_thread"]:  # fastText's own training rate: tokens / training wall
            found["train_wall"] = args.epochs * tokens / (found["words_per_sec_thread"] * OPTIONS["threads"])
    found.update(engine=args.engine, parts=args.parts, tokens=tokens, epochs=args.epochs, options=OPTIONS,
                 load_before=load, load_after=os.getloadavg()[0], when=time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
                 quality=quality(model))
    with open(args.results, "a", encoding="utf-8") as out:
        out.write(json.dumps(found) + "\n")
    print(json.dumps(found, indent=1))


NAMES = {"embedkit": "embedkit native", "gensim": "gensim FastText", "fasttext": "fastText (C++)",
         "gensim-1": "gensim FastText, 1 worker"}


def report(args) -> None:
    runs = {}
    for line in Path(args.report).read_text().splitlines():
        if line.strip():
            run = json.loads(line)
            runs[run["engine"]] = run  # the latest run of each engine
    print(f"# {' '.join(['python', *sys.argv])}")
    first = next(iter(runs.values()))
    print(f"# each run: flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine ENGINE --parts "
          f"{first['parts']} --epochs {first['epochs']} --work W --results {args.report} "
          "[--fasttext-bin /path/to/fasttext]")
    print(f"# corpus: {first['parts']} parts, {first['tokens']:,} tokens; {first['epochs']} epochs; options "
          f"{first['options']}")
    for run in runs.values():
        print(f"# {run['engine']}: {run['when']}, load {run['load_before']:.1f} -> {run['load_after']:.1f}; "
              f"{run.get('version', 'embedkit ' + str(run.get('kernels')))}: {run['command']}")
    print()
    header = (f"{'engine':<27} {'e2e wall':>8} {'e2e CPU':>8} {'words/s':>9} {'w/CPU-s':>9} {'train wall':>10} "
              f"{'train CPU':>9} {'tr w/CPU-s':>10} {'vocab':>7}  {'WS353':>6} {'SimLex':>6} {'RW':>6} {'RW cover':>16}"
              f" {'G sem':>6} {'G syn':>6}")
    print(header)
    print("-" * len(header))
    rates = {}
    for engine, run in runs.items():
        words = run["epochs"] * run["tokens"]
        q = run["quality"]
        train_cpu = run.get("train_cpu")
        rates[engine] = (words / run["e2e_cpu"], words / train_cpu if train_cpu else None)
        rw = q["rw"]
        cover = f"{rw['covered']}/{rw['total']}" + (f" ({rw['composed']} c)" if rw.get("composed") else "")
        tw = f"{run['train_wall']:10.1f}" if run.get("train_wall") else f"{'n/a':>10}"
        tc = f"{train_cpu:9.1f}" if train_cpu else f"{'n/a':>9}"
        tr = f"{words / train_cpu:10,.0f}" if train_cpu else f"{'n/a':>10}"
        print(f"{NAMES[engine]:<27} {run['e2e_wall']:8.1f} {run['e2e_cpu']:8.1f} {words / run['e2e_wall']:9,.0f} "
              f"{words / run['e2e_cpu']:9,.0f} {tw} {tc} {tr} {run['vocab'] or 0:7,}  "
              f"{q['ws353']['value']:6.3f} {q['simlex999']['value']:6.3f} {q['rw']['value']:6.3f} {cover:>16} "
              f"{100 * q['google: semantic']['value']:5.1f}% {100 * q['google: syntactic']['value']:5.1f}%")
    print("\n(RW cover: pairs scored / pairs, 'c': pairs with a word composed from n-grams; analogies: accuracy over "
          "the questions whose words are among the 30,000 most frequent)")
    if "embedkit" in rates:
        mine = rates["embedkit"]
        print("\nembedkit / reference, words per CPU-second:")
        for engine in ("gensim", "fasttext", "gensim-1"):
            if engine in rates:
                other = rates[engine]
                train = f", training {mine[1] / other[1]:.2f}x" if mine[1] and other[1] else ""
                print(f"  {NAMES[engine]:<27} end to end {mine[0] / other[0]:.2f}x{train}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES)
    parser.add_argument("--work", default="/tmp/embedkit-subword-bench", help="folder for the corpus copy and models")
    parser.add_argument("--results", default=str(ROOT / "bench" / "results" / "subword_speed.jsonl"))
    parser.add_argument("--parts", type=int, default=7, help="corpus parts (7: all 17M tokens)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--fasttext-bin", help="the fasttext binary (built from source)")
    parser.add_argument("--report", metavar="JSONL", help="print the table of the runs in JSONL")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.report:
        report(args)
    elif args.engine:
        measure(args)
    else:
        parser.error("give --engine or --report")


if __name__ == "__main__":
    main()
