"""Spark on local[2] against embedkit here: training speed and quality, MLlib's partitions, `prepare`.

Three runs, each under 20 minutes on the 2-core machine (run each under the bench lock):

  --run train        MLlib Word2Vec (--engine spark, local[2]) and embedkit's native engine (2 threads),
                     same corpus, vector size, window, min-count, alpha, epochs: words/s, CPU-seconds
                     of the whole process tree (the JVM and Spark's Python workers included), quality
  --run partitions   MLlib's quality and speed as its partitions grow (--partition-list 1,2,4,8)
  --run prepare      `prepare --spark-master local[2]` against the native corpus pass (`prepare`
                     without a master: fastcorpus) and the pass `train CORPUS` makes (train.prepare):
                     words/s, CPU-seconds and peak memory (PSS of the process tree); vocabulary
                     sizes at min-count 5 for 1..7 parts (for the projection in docs/cluster.md)

Every job runs in a fresh process (`--child`); this process samples that process tree's memory.
Quality is embedkit.evaluation: WordSim-353 and SimLex-999 Spearman, Google analogies (3CosAdd,
30k most frequent words). The shared corpus's parts are decompressed once into --workdir (outside
the repository; Spark reads no .xz).

    flock /tmp/embedkit-bench.lock python bench/spark_speed.py --run train --parts 7 --only native,native0,mllib2
    flock /tmp/embedkit-bench.lock python bench/spark_speed.py --run train --parts 7 --only mllib1
    flock /tmp/embedkit-bench.lock python bench/spark_speed.py --run partitions --parts 2 --epochs 1
    flock /tmp/embedkit-bench.lock python bench/spark_speed.py --run prepare --parts 7
    flock /tmp/embedkit-bench.lock python bench/spark_speed.py --run vocabulary --parts 7 --min-counts 1,5
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"
MIRROR = ROOT.parent / "shared" / "datasets"
OPTIONS = dict(vector_size=100, window=5, min_count=5, alpha=0.025, seed=1)


def corpus_parts(workdir: Path, parts: int) -> list[str]:
    """The first `parts` parts of the shared corpus as plain text files in `workdir` (made once)."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, part in enumerate(sorted(CORPUS.glob("enwiki2015_text8style.part*.txt.xz"))[:parts], 1):
        path = workdir / f"part{n:02d}.txt"
        if not path.exists():
            with lzma.open(part, "rb") as src, open(f"{path}.tmp", "wb") as out:
                out.write(src.read())
            os.replace(f"{path}.tmp", path)
        paths.append(str(path))
    return paths


# -- one job, in a fresh process ---------------------------------------------------------------------

def quality(vectors) -> dict:
    from embedkit.evaluation import evaluate

    result = evaluate(vectors, similarity=["ws353", "simlex999"], analogy=["google"], mirror=str(MIRROR))
    return {"ws353": result.score("ws353").value, "simlex": result.score("simlex999").value,
            "google": result.score("google: total").value}


def child(job: dict) -> dict:
    from embedkit.train.engines.spark import process_tree_cpu

    started, cpu = time.perf_counter(), process_tree_cpu()
    out: dict = {}
    if job["kind"] in ("mllib", "native"):
        from embedkit.train import SkipGramConfig, train_skipgram

        if job["kind"] == "mllib":
            from embedkit.spark import session

            session("local[2]")
            out["start_s"] = time.perf_counter() - started
            config = SkipGramConfig(engine="spark", spark_master="local[2]", partitions=job["partitions"],
                                    epochs=job["epochs"], **OPTIONS)
        else:
            config = SkipGramConfig(engine="native", workers=2, epochs=job["epochs"], sample=job.get("sample", 1e-3),
                                    **OPTIONS)
        vectors = train_skipgram(job["paths"], config, progress=False)
        meta = vectors.meta
        out.update(words=meta["corpus_words"], vocab=len(vectors), scan_s=meta["scan_seconds"])
        if job["kind"] == "mllib":
            out.update(train_s=meta["fit_seconds"], train_cpu_s=meta["process_tree_cpu_seconds"],
                       iterations_s=meta["train_seconds"], pass_s=meta["spark_corpus_seconds"])
        else:
            out.update(train_s=meta["train_seconds"], train_cpu_s=meta["train_cpu_seconds"])
        out["total_s"], out["total_cpu_s"] = time.perf_counter() - started, process_tree_cpu() - cpu
        out.update(quality(vectors))
    elif job["kind"] == "prepare-spark" or job["kind"] == "prepare-native":
        from embedkit.train.shards import prepare_folder

        if job["kind"] == "prepare-spark":
            from embedkit.spark import session

            session("local[2]")
            out["start_s"] = time.perf_counter() - started
        with tempfile.TemporaryDirectory(dir=job["workdir"]) as tmp:
            begun, cpu_begun = time.perf_counter(), process_tree_cpu()
            manifest = prepare_folder(job["paths"], Path(tmp) / "prepared", min_count=job.get("min_count", 5),
                                      spark_master="local[2]" if job["kind"] == "prepare-spark" else None,
                                      say=lambda line: None)
            out.update(pass_s=time.perf_counter() - begun, pass_cpu_s=process_tree_cpu() - cpu_begun,
                       words=manifest["total_words"], vocab=manifest["vocabulary"], shards=len(manifest["shards"]))
    elif job["kind"] == "prepare-python":
        from embedkit.train.config import SkipGramConfig
        from embedkit.train.corpus import Corpus
        from embedkit.train.prepare import prepare

        with tempfile.TemporaryDirectory(dir=job["workdir"]) as tmp:
            begun, cpu_begun = time.perf_counter(), process_tree_cpu()
            prepared = prepare(Corpus(job["paths"]), SkipGramConfig(min_count=5), Path(tmp))
            out.update(pass_s=time.perf_counter() - begun, pass_cpu_s=process_tree_cpu() - cpu_begun,
                       words=prepared.total_words, vocab=len(prepared.vocab), shards=1)
    out["total_s"], out["total_cpu_s"] = time.perf_counter() - started, process_tree_cpu() - cpu
    return out


# -- the parent: run a job, sample its memory ------------------------------------------------------------

def tree_pss_mb(root: int) -> float:
    """Proportional set size of `root` and its descendants, MB (shared pages counted once in total)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        frontier = [p for p, parent in parents.items() if parent in frontier and p not in tree]
        tree.update(frontier)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def run_job(job: dict) -> dict:
    process = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(job)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.wait(0.25):
            peak[0] = max(peak[0], tree_pss_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"job {job['kind']} failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_mb"] = peak[0]
    result["load"] = os.getloadavg()[0]
    return result


TRAIN_JOBS = {
    "native": ("embedkit native, 2 threads, sample 1e-3", {"kind": "native"}),
    "native0": ("embedkit native, 2 threads, sample 0", {"kind": "native", "sample": 0.0}),
    "mllib1": ("MLlib Word2Vec, local[2], 1 partition", {"kind": "mllib", "partitions": 1}),
    "mllib2": ("MLlib Word2Vec, local[2], 2 partitions", {"kind": "mllib", "partitions": 2}),
    "native5": ("embedkit native, 2 threads, 5 epochs", {"kind": "native", "epochs": 5}),
}


def train_rows(args, paths) -> None:
    """The rows `--only` names; results are kept in the workdir, so the ratios against the native
    engine are printed from every row measured so far on the same parts and epochs."""
    header(args, paths, "train")
    print(f"{'run':<42} {'words':>11} {'vocab':>7} {'train s':>8} {'words/s':>9} {'train CPU s':>11} "
          f"{'words/CPU-s':>11} {'total s':>8} {'total CPU s':>11} {'peak MB':>8} {'WS353':>6} {'SimLex':>6} "
          f"{'Google':>7}")
    kept = args.workdir / f"train-{args.parts}parts-{args.epochs}epochs.json"
    results = json.loads(kept.read_text()) if kept.exists() else {}
    for key in args.only:
        name, job = TRAIN_JOBS[key]
        epochs = job.get("epochs", args.epochs)
        r = results[key] = run_job({**job, "epochs": epochs, "paths": paths})
        kept.write_text(json.dumps(results))
        words = r["words"] * epochs
        print(f"{name:<42} {r['words']:>11,} {r['vocab']:>7,} {r['train_s']:>8.1f} {words / r['train_s']:>9,.0f} "
              f"{r['train_cpu_s']:>11.1f} {words / r['train_cpu_s']:>11,.0f} {r['total_s']:>8.1f} "
              f"{r['total_cpu_s']:>11.1f} {r['peak_mb']:>8.0f} {r['ws353']:>6.3f} {r['simlex']:>6.3f} "
              f"{100 * r['google']:>6.1f}%", flush=True)
        if "pass_s" in r:
            print(f"  {'':<40} Spark start {r['start_s']:.1f} s, corpus pass on Spark {r['pass_s']:.1f} s, "
                  f"MLlib iterations {r['iterations_s']:.1f} s of the fit's {r['train_s']:.1f} s; load {r['load']:.1f}")
    native = results.get("native")
    for key in ("mllib1", "mllib2"):
        if native is None or key not in results:
            continue
        r, name = results[key], TRAIN_JOBS[key][0]
        print(f"native / {name} (rows measured so far): words/s x{r['train_s'] / native['train_s']:.1f}, "
              f"words per CPU-s x{r['train_cpu_s'] / native['train_cpu_s']:.1f}; WS353 "
              f"{native['ws353'] - r['ws353']:+.3f}, SimLex {native['simlex'] - r['simlex']:+.3f}, "
              f"Google {100 * (native['google'] - r['google']):+.1f} points")


def partition_rows(args, paths) -> None:
    header(args, paths, "partitions")
    print(f"{'MLlib partitions':<17} {'train s':>8} {'words/s':>9} {'train CPU s':>11} {'WS353':>6} {'SimLex':>6} "
          f"{'Google':>7} {'load':>5}")
    for partitions in args.partition_list:
        r = run_job({"kind": "mllib", "epochs": args.epochs, "partitions": partitions, "paths": paths})
        print(f"{partitions:<17} {r['train_s']:>8.1f} {r['words'] * args.epochs / r['train_s']:>9,.0f} "
              f"{r['train_cpu_s']:>11.1f} {r['ws353']:>6.3f} {r['simlex']:>6.3f} {100 * r['google']:>6.1f}% "
              f"{r['load']:>5.1f}", flush=True)


def prepare_rows(args, paths) -> None:
    header(args, paths, "prepare")
    print(f"{'pass':<44} {'words':>11} {'vocab':>7} {'shards':>6} {'pass s':>7} {'words/s':>10} {'pass CPU s':>10} "
          f"{'words/CPU-s':>11} {'total s':>8} {'peak MB':>8}")
    rows = [("prepare --spark-master local[2] (Python tokenizer)", "prepare-spark"),
            ("prepare, native corpus pass (fastcorpus)", "prepare-native"),
            ("train CORPUS's own pass (train.prepare)", "prepare-python")]
    for name, kind in rows:
        r = run_job({"kind": kind, "paths": paths, "workdir": str(args.workdir)})
        print(f"{name:<44} {r['words']:>11,} {r['vocab']:>7,} {r['shards']:>6} {r['pass_s']:>7.1f} "
              f"{r['words'] / r['pass_s']:>10,.0f} {r['pass_cpu_s']:>10.1f} {r['words'] / r['pass_cpu_s']:>11,.0f} "
              f"{r['total_s']:>8.1f} {r['peak_mb']:>8.0f}" + (f"  (Spark start {r['start_s']:.1f} s)"
                                                             if "start_s" in r else ""), flush=True)
    print("vocabulary at min-count 5 as the corpus grows (native pass):")
    for parts in range(1, len(paths) + 1):
        r = run_job({"kind": "prepare-native", "paths": paths[:parts], "workdir": str(args.workdir)})
        print(f"  {parts} part(s): {r['words']:>11,} words, {r['vocab']:>7,} words kept", flush=True)


def vocabulary_rows(args, paths) -> None:
    """Words kept at each of --min-counts as the corpus grows (the native pass): for the projection."""
    header(args, paths, "vocabulary")
    print(f"{'parts':<6} {'words':>11} " + " ".join(f"{f'min-count {m}':>12}" for m in args.min_counts))
    for parts in range(1, len(paths) + 1):
        kept = [run_job({"kind": "prepare-native", "paths": paths[:parts], "workdir": str(args.workdir),
                         "min_count": m}) for m in args.min_counts]
        print(f"{parts:<6} {kept[0]['words']:>11,} " + " ".join(f"{r['vocab']:>12,}" for r in kept), flush=True)


def header(args, paths, run) -> None:
    print(f"$ flock /tmp/embedkit-bench.lock python bench/spark_speed.py {' '.join(sys.argv[1:])}")
    print(f"run {run}: {len(paths)} part(s) of the shared corpus; vector 100, window 5, min-count 5, alpha 0.025, "
          f"seed 1" + (f", epochs {args.epochs}" if run not in ("prepare", "vocabulary") else "") + f"; {os.cpu_count()} CPUs, load "
          f"average before {' '.join(f'{x:.2f}' for x in os.getloadavg())}; CPU s: the process tree (JVM and "
          "Python workers included); peak MB: PSS of the tree", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", choices=["train", "partitions", "prepare", "vocabulary"])
    parser.add_argument("--parts", type=int, default=1, help="corpus parts to use (1-7, ~2.47M words each)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(TRAIN_JOBS),
                        help=f"--run train: the rows to measure, of {','.join(TRAIN_JOBS)} (split a long run)")
    parser.add_argument("--min-counts", type=lambda s: [int(x) for x in s.split(",")], default=[1, 5],
                        help="--run vocabulary: the min-counts to count the vocabulary at")
    parser.add_argument("--partition-list", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4, 8])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "embedkit-spark-bench",
                        help="where the decompressed corpus and temporary outputs go (not the repository)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if args.run is None:
        parser.error("give --run train, partitions or prepare")
    if set(args.only) - set(TRAIN_JOBS):
        parser.error(f"--only takes rows of {','.join(TRAIN_JOBS)}")
    paths = corpus_parts(args.workdir / "corpus", args.parts)
    {"train": train_rows, "partitions": partition_rows, "prepare": prepare_rows,
     "vocabulary": vocabulary_rows}[args.run](args, paths)


if __name__ == "__main__":
    main()
