"""Speed and quality of the word2vec family: embedkit vs gensim vs word2vec.c, per mode, end to end.

For each of skip-gram / CBOW x negative sampling / hierarchical softmax, trains on the shared
Wikipedia corpus (all 7 parts, 17M words, decompressed once into --workdir) with the same
options, every run in a process of its own, from process start to vectors written:

  embedkit      `python -m embedkit train CORPUS -o OUT.ekv` (native engine; --cbow, --hs --negative 0)
  gensim        Word2Vec(corpus_file=CORPUS): build_vocab, train, save_word2vec_format
  gensim-iter   Word2Vec(LineSentence(CORPUS)): gensim's iterable mode, its Python job queue
  word2vec      the reference C program, `-threads` = --workers (only with --word2vec-bin)

Reported per run: end-to-end CPU seconds (user + system of the whole process, every thread:
start-up, imports, corpus pass, vocabulary, training, writing) and words per end-to-end
CPU-second; training CPU seconds (embedkit: the epochs, from the metadata; gensim: train()) and
words per training CPU-second (word2vec.c cannot be timed apart: n/a); wall seconds of the whole
process; quality by one scorer, embedkit.evaluation: WordSim-353 and SimLex-999 Spearman, Google
analogies (3CosAdd among the 30k most frequent words). Options are gensim's defaults (vector
size 100, window 5, min-count 5, sample 1e-3, 5 negatives, alpha 0.025 for every mode, also
word2vec.c's CBOW, whose own default is 0.05), 2 epochs, 2 threads.

gensim's corpus_file mode decays the learning rate per worker thread over its share of the
file but against the whole corpus, so with 2 threads each epoch's rate falls only half as far as
planned: its vectors train at a higher rate than embedkit's, word2vec.c's and gensim's own
iterable mode, which have the planned linear decay (gensim-iter is there to show what that
changes).

Runs are split so that each invocation stays short (the machine is shared): --save appends
each run's numbers to a JSON-lines file, --report prints the table and the ratios of all runs
saved there.

    python bench/family_speed.py --modes sg-ns --save rows.jsonl --word2vec-bin /work/refbin/word2vec/word2vec
    python bench/family_speed.py --report rows.jsonl
    python bench/family_speed.py --parts 1 --epochs 1 --modes cbow-ns --engines embedkit,gensim   # a quick look

word2vec.c is not built by this script. Build it from its source (word2vec.c of
github.com/tmikolov/word2vec) with

    gcc word2vec.c -o word2vec -lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result

and pass --word2vec-bin ./word2vec.
"""

from __future__ import annotations

import argparse
import json
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
ENGINES = ("embedkit", "gensim", "gensim-iter", "word2vec")
BUILD = "gcc word2vec.c -o word2vec -lm -pthread -O3 -march=native -Wall -funroll-loops -Wno-unused-result"
OPTIONS = dict(vector_size=100, window=5, min_count=5, sample=1e-3, negative=5, alpha=0.025, min_alpha=0.0001,
               seed=1)

GENSIM_CHILD = """
import json, logging, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
logging.getLogger("gensim").setLevel(logging.ERROR)
corpus, out, iterable, options = sys.argv[1], sys.argv[2], sys.argv[3] == "1", json.loads(sys.argv[4])
model = Word2Vec(**options)
source = dict(corpus_iterable=LineSentence(corpus)) if iterable else dict(corpus_file=corpus)
model.build_vocab(**source)
cpu = time.process_time()
model.train(**source, total_words=model.corpus_total_words, total_examples=model.corpus_count, epochs=model.epochs)
train_cpu = time.process_time() - cpu
model.wv.save_word2vec_format(out, binary=True)
print(json.dumps({"train_cpu": train_cpu, "words": model.corpus_total_words}))
"""


def quality(vectors) -> dict:
    from embedkit.evaluation import evaluate

    result = evaluate(vectors, similarity=["ws353", "simlex999"], analogy=["google"])
    return {"ws353": result.score("ws353").value, "simlex": result.score("simlex999").value,
            "google": result.score("google: total").value}


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str]) -> tuple[float, float, str]:
    """(CPU seconds of the child, wall seconds, its stdout); the child imports this checkout's embedkit.

    Children keep compiled bytecode in a folder of their own (PYTHONPYCACHEPREFIX), so that a
    machine that sets PYTHONDONTWRITEBYTECODE does not make every run compile numpy, scipy,
    numba and gensim from source (about 1 CPU-second per Python process, measured here).
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "embedkit-bench-pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu, wall = cpu_children(), time.perf_counter()
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=env)
    return cpu_children() - cpu, time.perf_counter() - wall, done.stdout


def run(engine: str, mode: str, path: Path, tmp: Path, args) -> dict:
    from embedkit import io

    sg, hs = MODES[mode]
    negative = 0 if hs else OPTIONS["negative"]
    if engine == "embedkit":
        out = tmp / "vectors.ekv"
        command = [sys.executable, "-m", "embedkit", "train", str(path), "-o", str(out), "-q",
                   "--epochs", str(args.epochs), "--workers", str(args.workers), "--negative", str(negative),
                   "--vector-size", "100", "--window", "5", "--min-count", "5", "--sample", "0.001",
                   "--alpha", "0.025", "--min-alpha", "0.0001", "--seed", str(args.seed), "--tmp-dir", str(tmp)]
        command += (["--cbow"] if not sg else []) + (["--hs"] if hs else [])
        total_cpu, wall, _ = timed(command)
        vectors = io.load(out)
        meta = vectors.meta
        result = {"train_cpu": meta["train_cpu_seconds"], "words": meta["corpus_words"],
                  "scan_s": meta["scan_seconds"], "compile_s": meta.get("compile_seconds", 0.0)}
    elif engine in ("gensim", "gensim-iter"):
        out = tmp / "vectors.bin"
        options = dict(OPTIONS, sg=sg, hs=hs, negative=negative, epochs=args.epochs, workers=args.workers,
                       seed=args.seed)
        total_cpu, wall, printed = timed([sys.executable, "-c", GENSIM_CHILD, str(path), str(out),
                                          str(int(engine == "gensim-iter")), json.dumps(options)])
        result = json.loads(printed.strip().splitlines()[-1])
        vectors = io.load(out)
    else:
        out = tmp / "vectors.bin"
        command = [str(args.word2vec_bin), "-train", str(path), "-output", str(out), "-cbow", str(1 - sg),
                   "-size", "100", "-window", "5", "-negative", str(negative), "-hs", str(hs), "-sample", "0.001",
                   "-threads", str(args.workers), "-binary", "1", "-iter", str(args.epochs), "-min-count", "5",
                   "-alpha", "0.025"]
        total_cpu, wall, _ = timed(command)
        vectors = io.load(out)
        result = {"train_cpu": float("nan"), "words": args.words}
    result.update(total_cpu=total_cpu, wall=wall, epochs=args.epochs, vocab=len(vectors), **quality(vectors))
    if args.seed != 1:
        result["seed"] = args.seed
    return result


def table(rows: list[dict]) -> str:
    head = (f"{'mode':8} {'engine':11} {'vocab':>6} {'total CPU s':>11} {'words/CPU-s':>11} {'train CPU s':>11} "
            f"{'train w/CPU-s':>13} {'wall s':>7} {'ws353':>6} {'simlex':>6} {'google':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        words = r["words"] * r["epochs"]
        timed_apart = r["train_cpu"] == r["train_cpu"]           # word2vec.c: end to end only
        train_cpu = f"{r['train_cpu']:11.1f}" if timed_apart else f"{'n/a':>11}"
        per_train = f"{words / r['train_cpu'] / 1e3:12.0f}k" if timed_apart else f"{'n/a':>13}"
        lines.append(f"{r['mode']:8} {r['engine']:11} {r['vocab']:6} {r['total_cpu']:11.1f} "
                     f"{words / r['total_cpu'] / 1e3:10.0f}k {train_cpu} {per_train} {r['wall']:7.1f} "
                     f"{r['ws353']:6.3f} {r['simlex']:6.3f} {100 * r['google']:6.2f}")
    return "\n".join(lines)


def ratios(rows: list[dict]) -> str:
    """Per mode: embedkit's words per CPU-second over each reference's, and the quality gaps to the better one."""
    lines = ["embedkit / reference, words per CPU-second end to end (train only in brackets); goal >= 1.5x gensim, "
             ">= 2x word2vec.c;", "quality: embedkit minus the better reference (goal: WS353 >= -0.01, "
             "Google >= -1 point)"]
    by = {(r["mode"], r["engine"]): r for r in rows}
    for mode in dict.fromkeys(r["mode"] for r in rows):
        ours = by.get((mode, "embedkit"))
        if ours is None:
            continue
        parts = []
        for engine in ENGINES[1:]:
            other = by.get((mode, engine))
            if other is None:
                continue
            text = f"{engine} {other['total_cpu'] / ours['total_cpu'] * ours['words'] / other['words']:.2f}x"
            if other["train_cpu"] == other["train_cpu"]:
                text += f" ({other['train_cpu'] / ours['train_cpu'] * ours['words'] / other['words']:.2f}x)"
            parts.append(text)
        references = [by[(mode, e)] for e in ENGINES[1:] if (mode, e) in by]
        if references:
            best_ws = max(r["ws353"] for r in references)
            best_google = max(r["google"] for r in references)
            parts.append(f"WS353 {ours['ws353'] - best_ws:+.3f}, Google {100 * (ours['google'] - best_google):+.2f}")
        lines.append(f"  {mode:8} " + "; ".join(parts))
    return "\n".join(lines)


def corpus_file(workdir: Path, parts: int) -> tuple[Path, int]:
    """The first `parts` parts decompressed into one file in `workdir` (kept for later invocations)."""
    path = workdir / f"corpus-{parts}.txt"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with open(partial, "wb") as out:
            for part in sorted(CORPUS.glob("enwiki2015_text8style.part*.txt.xz"))[:parts]:
                with lzma.open(part, "rb") as f:
                    out.write(f.read())
        partial.rename(path)
    with open(path, encoding="utf-8") as lines:
        words = sum(len(line.split()) for line in lines)
    return path, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=7, help="corpus parts to use (1-7, ~2.47M words each)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--engines", default="embedkit,gensim,word2vec", help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--seed", type=int, default=1, help="embedkit's and gensim's seed (word2vec.c has none)")
    parser.add_argument("--word2vec-bin", type=Path, help="the compiled word2vec.c (see above for how to build it)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "embedkit-family-bench",
                        help="where the decompressed corpus is kept between invocations")
    parser.add_argument("--save", type=Path, help="append each run's numbers to this JSON-lines file")
    parser.add_argument("--report", type=Path, help="print the table and ratios of the runs saved in this file, "
                        "and run nothing")
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.ERROR)
    if args.report:
        rows = [json.loads(line) for line in args.report.read_text().splitlines() if line.strip()]
        order = {m: i for i, m in enumerate(MODES)}
        rows.sort(key=lambda r: (order[r["mode"]], ENGINES.index(r["engine"])))
        print(table(rows))
        print()
        print(ratios(rows))
        return
    modes = [m.strip() for m in args.modes.split(",")]
    engines = [e.strip() for e in args.engines.split(",")]
    if unknown := [m for m in modes if m not in MODES] + [e for e in engines if e not in ENGINES]:
        parser.error(f"unknown mode or engine: {', '.join(unknown)}")
    if "word2vec" in engines and args.word2vec_bin is None:
        print(f"no --word2vec-bin: word2vec.c left out. Build it from word2vec.c with:\n  {BUILD}", file=sys.stderr)
        engines.remove("word2vec")
    args.workdir.mkdir(parents=True, exist_ok=True)
    path, args.words = corpus_file(args.workdir, args.parts)
    print(f"load before: {os.getloadavg()[0]:.2f}; {args.parts} parts ({args.words:,} words), {args.epochs} epochs, "
          f"{args.workers} threads", flush=True)
    rows = []
    for mode in modes:
        for engine in engines:
            with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
                result = dict(mode=mode, engine=engine, parts=args.parts, **run(engine, mode, path, Path(tmp), args))
            rows.append(result)
            print(f"{mode} {engine}: {result['total_cpu']:.1f} CPU s, {result['wall']:.1f} s; load "
                  f"{os.getloadavg()[0]:.2f}", flush=True)
            if args.save:
                with open(args.save, "a") as saved:
                    saved.write(json.dumps(result) + "\n")
    print()
    print(table(rows))
    print()
    print(ratios(rows))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
