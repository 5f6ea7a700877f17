"""Subword skip-gram on the shared 17M-word Wikipedia corpus: embedkit vs gensim FastText vs fastText.

Same options for every engine: dim 100, window 5, negative 5, min-count 5, sample 1e-3, n-grams
3-6 in 2,000,000 buckets, lr 0.05 (fastText's skip-gram default), 5 epochs, 2 threads; the seed
is --seed (1), and the noise words are drawn by counts ** --ns-exponent (0.5: fastText's, which
its tool does not let one change, so --engine fasttext takes 0.5 only; 0.75 is word2vec's and
gensim's default, and embedkit's, and what runs recorded without an exponent used). Each engine runs as its own process, one per invocation (each
well under 20 minutes), and appends one JSON line to --results; --report prints the tables from
those lines: every run, then each (engine, exponent) over its seeds, mean +- sample std.

    W=/tmp/embedkit-subword-bench R=bench/results/subword_speed.jsonl
    flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine embedkit --work $W --results $R
    flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine embedkit --ns-exponent 0.5 --seed 2 \\
        --work $W --results $R
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
               alpha=0.05, threads=2, seed=1, ns_exponent=0.5)
FASTTEXT_NS_EXPONENT = 0.5  # fastText's noise table: counts ** 0.5 (src/loss.cc NegativeSamplingLoss)
ENGINES = ("embedkit", "gensim", "fasttext", "gensim-1")

GENSIM = """
import json, sys, time
from gensim.models import FastText
from gensim.models.fasttext import save_facebook_model
corpus, out, epochs, workers, o = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
t0, c0 = time.perf_counter(), time.process_time()
model = FastText(sg=1, hs=0, vector_size=o["dim"], window=o["window"], negative=o["negative"], min_count=o["min_count"],
                 sample=o["sample"], min_n=o["min_n"], max_n=o["max_n"], bucket=o["bucket"], alpha=o["alpha"],
                 epochs=epochs, workers=workers, seed=o["seed"], ns_exponent=o["ns_exponent"])
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


def run_embedkit(corpus: Path, work: Path, epochs: int, o: dict) -> tuple[dict, Path]:
    out = work / "embedkit-subwords.ekv"
    command = [sys.executable, "-m", "embedkit", "train", str(corpus), "-o", str(out), "--subwords",
               "--vector-size", str(o["dim"]), "--window", str(o["window"]), "--negative", str(o["negative"]),
               "--min-count", str(o["min_count"]), "--sample", str(o["sample"]), "--min-n", str(o["min_n"]),
               "--max-n", str(o["max_n"]), "--bucket", str(o["bucket"]), "--alpha", str(o["alpha"]),
               "--epochs", str(epochs), "--workers", str(o["threads"]), "--seed", str(o["seed"]),
               "--ns-exponent", str(o["ns_exponent"]), "--no-lowercase", "-q"]
    if out.exists():
        import shutil

        shutil.rmtree(out)
    _, wall, cpu = timed(command, cwd=ROOT)
    meta = json.loads((out / "meta.json").read_text())
    m = meta["meta"]
    return {"e2e_wall": wall, "e2e_cpu": cpu, "train_wall": m["train_seconds"], "train_cpu": m["train_cpu_seconds"],
            "vocab": meta["shape"][0], "kernels": m.get("kernels"), "ngram_rows": m.get("ngram_rows"),
            "command": shlex.join(["python", *command[1:]])}, out


def run_gensim(corpus: Path, work: Path, epochs: int, workers: int, o: dict) -> tuple[dict, Path]:
    import gensim

    out = work / f"gensim-{workers}.bin"
    run, wall, cpu = timed([sys.executable, "-c", GENSIM, str(corpus), str(out), str(epochs), str(workers),
                            json.dumps(o)])
    found = json.loads(run.stdout.strip().splitlines()[-1])
    found.update(process_wall=wall, process_cpu=cpu, version=f"gensim {gensim.__version__}",
                 command=f"gensim FastText(sg=1, workers={workers}, {o}); build_vocab + train on corpus_file")
    return found, out


def run_fasttext(corpus: Path, work: Path, epochs: int, binary: str, o: dict) -> tuple[dict, Path]:
    out = work / "fasttext"
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
    options = dict(OPTIONS, seed=args.seed)
    if args.engine == "fasttext":
        if not args.fasttext_bin:
            sys.exit("--engine fasttext needs --fasttext-bin")
        if args.ns_exponent not in (None, FASTTEXT_NS_EXPONENT):
            sys.exit(f"fastText draws its noise words by counts ** {FASTTEXT_NS_EXPONENT}; it takes no other exponent")
        options["ns_exponent"] = FASTTEXT_NS_EXPONENT
    elif args.ns_exponent is not None:
        options["ns_exponent"] = args.ns_exponent
    corpus, tokens = corpus_file(work, args.parts)
    if args.engine == "embedkit":
        found, model = run_embedkit(corpus, work, args.epochs, options)
    elif args.engine in ("gensim", "gensim-1"):
        workers = 1 if args.engine == "gensim-1" else options["threads"]
        found, model = run_gensim(corpus, work, args.epochs, workers, options)
    else:
        found, model = run_fasttext(corpus, work, args.epochs, args.fasttext_bin, options)
        if found["words_per_sec_thread"]:  # fastText's own training rate: tokens / training wall
            found["train_wall"] = args.epochs * tokens / (found["words_per_sec_thread"] * options["threads"])
    found.update(engine=args.engine, parts=args.parts, tokens=tokens, epochs=args.epochs, options=options,
                 load_before=load, load_after=os.getloadavg()[0], when=time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
                 quality=quality(model))
    with open(args.results, "a", encoding="utf-8") as out:
        out.write(json.dumps(found) + "\n")
    print(json.dumps(found, indent=1))


NAMES = {"embedkit": "embedkit native", "gensim": "gensim FastText", "fasttext": "fastText (C++)",
         "gensim-1": "gensim FastText, 1 worker"}


QUALITY = (("ws353", "WS353"), ("simlex999", "SimLex"), ("rw", "RW"), ("google: semantic", "G sem"),
           ("google: syntactic", "G syn"))


def exponent(run: dict) -> float:
    """The run's noise exponent; runs recorded before it was an option used each engine's default."""
    default = FASTTEXT_NS_EXPONENT if run["engine"] == "fasttext" else 0.75
    return run["options"].get("ns_exponent", default)


def latest_runs(path: Path) -> list[dict]:
    """The runs of the JSONL file, the latest of each (engine, exponent, seed, parts, epochs), in file order."""
    runs = {}
    for line in path.read_text().splitlines():
        if line.strip():
            run = json.loads(line)
            runs.pop(key := (run["engine"], exponent(run), run["options"]["seed"], run["parts"], run["epochs"]), None)
            runs[key] = run
    return list(runs.values())


def rates(run: dict) -> tuple[float, float, float | None]:
    """(words/s, words per CPU-second end to end, words per training CPU-second or None)."""
    words = run["epochs"] * run["tokens"]
    train_cpu = run.get("train_cpu")
    return words / run["e2e_wall"], words / run["e2e_cpu"], words / train_cpu if train_cpu else None


def _score(values: list[float], percent: bool) -> str:
    """Mean (and sample std when there are several) of a score, as a number or a percentage."""
    scale, digits, sign = (100, 1, "%") if percent else (1, 3, "")
    mean = sum(values) / len(values)
    text = f"{scale * mean:.{digits}f}{sign}"
    if len(values) > 1:
        std = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
        text += f" +- {scale * std:.{digits}f}"
    return text


def report(args) -> None:
    runs = latest_runs(Path(args.report))
    print(f"# {' '.join(['python', *sys.argv])}")
    first = runs[0]
    print(f"# each run: flock /tmp/embedkit-bench.lock python bench/subword_speed.py --engine ENGINE --parts "
          f"{first['parts']} --epochs {first['epochs']} --seed S [--ns-exponent E] --work W --results {args.report} "
          "[--fasttext-bin /path/to/fasttext]")
    shared = {k: v for k, v in first["options"].items() if k not in ("seed", "ns_exponent")}
    print(f"# corpus: {first['parts']} parts, {first['tokens']:,} tokens; {first['epochs']} epochs; options {shared}")
    for run in runs:
        print(f"# {run['engine']} ns {exponent(run):g} seed {run['options']['seed']}: {run['when']}, load "
              f"{run['load_before']:.1f} -> {run['load_after']:.1f}; "
              f"{run.get('version', 'embedkit ' + str(run.get('kernels')))}: {run['command']}")
    print("\nEvery run:\n")
    header = (f"{'engine':<27} {'ns':>4} {'seed':>4} {'e2e wall':>8} {'e2e CPU':>8} {'words/s':>9} {'w/CPU-s':>9} "
              f"{'train wall':>10} {'train CPU':>9} {'tr w/CPU-s':>10} {'vocab':>7}  {'WS353':>6} {'SimLex':>6} "
              f"{'RW':>6} {'RW cover':>19} {'G sem':>6} {'G syn':>6}")
    print(header)
    print("-" * len(header))
    groups: dict[tuple[str, float], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["engine"], exponent(run)), []).append(run)
        q, (per_s, per_cpu, per_train) = run["quality"], rates(run)
        rw = q["rw"]
        cover = f"{rw['covered']}/{rw['total']}" + (f" ({rw['composed']} c)" if rw.get("composed") else "")
        tw = f"{run['train_wall']:10.1f}" if run.get("train_wall") else f"{'n/a':>10}"
        tc = f"{run['train_cpu']:9.1f}" if run.get("train_cpu") else f"{'n/a':>9}"
        tr = f"{per_train:10,.0f}" if per_train else f"{'n/a':>10}"
        print(f"{NAMES[run['engine']]:<27} {exponent(run):4g} {run['options']['seed']:4} {run['e2e_wall']:8.1f} "
              f"{run['e2e_cpu']:8.1f} {per_s:9,.0f} {per_cpu:9,.0f} {tw} {tc} {tr} {run['vocab'] or 0:7,}  "
              f"{q['ws353']['value']:6.3f} {q['simlex999']['value']:6.3f} {q['rw']['value']:6.3f} {cover:>19} "
              f"{100 * q['google: semantic']['value']:5.1f}% {100 * q['google: syntactic']['value']:5.1f}%")
    print("\n(RW cover: pairs scored / pairs, 'c': pairs with a word composed from n-grams; analogies: accuracy over "
          "the questions whose words are among the 30,000 most frequent)")
    print("\nEach engine and noise exponent over its seeds (mean +- sample std; speed: mean):\n")
    header = (f"{'engine':<27} {'ns':>4} {'seeds':>9} {'words/s':>9} {'w/CPU-s':>9} {'tr w/CPU-s':>10}  "
              + " ".join(f"{label:>15}" for _, label in QUALITY))
    print(header)
    print("-" * len(header))
    means = {}
    for (engine, power), members in groups.items():
        speed = [rates(run) for run in members]
        train = [r[2] for r in speed if r[2]]
        means[engine, power] = (sum(r[1] for r in speed) / len(speed), sum(train) / len(train) if train else None)
        seeds = ",".join(str(run["options"]["seed"]) for run in members)
        tr = f"{means[engine, power][1]:10,.0f}" if train else f"{'n/a':>10}"
        scores = " ".join(f"{_score([run['quality'][name]['value'] for run in members], name.startswith('google')):>15}"
                          for name, _ in QUALITY)
        print(f"{NAMES[engine]:<27} {power:4g} {seeds:>9} {sum(r[0] for r in speed) / len(speed):9,.0f} "
              f"{means[engine, power][0]:9,.0f} {tr}  {scores}")
    print("\nembedkit / reference at the same noise exponent, mean words per CPU-second of the runs above:")
    for (engine, power), mine in means.items():
        for (other_engine, other_power), other in means.items():
            if engine != "embedkit" or other_engine == "embedkit" or other_power != power:
                continue
            train = f", training {mine[1] / other[1]:.2f}x" if mine[1] and other[1] else ""
            print(f"  ns {power:g}: embedkit / {NAMES[other_engine]:<27} end to end {mine[0] / other[0]:.2f}x{train}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES)
    parser.add_argument("--work", default="/tmp/embedkit-subword-bench", help="folder for the corpus copy and models")
    parser.add_argument("--results", default=str(ROOT / "bench" / "results" / "subword_speed.jsonl"))
    parser.add_argument("--parts", type=int, default=7, help="corpus parts (7: all 17M tokens)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--fasttext-bin", help="the fasttext binary (built from source)")
    parser.add_argument("--seed", type=int, default=OPTIONS["seed"])
    parser.add_argument("--ns-exponent", type=float, default=None,
                        help=f"noise words by counts ** E (default {OPTIONS['ns_exponent']}, fastText's and the "
                             "only one it takes)")
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
