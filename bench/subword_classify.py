"""Whole-word vs subword vectors downstream: `classify mr` and `classify sst2`, BiLSTM, 3 seeds.

Both sets of vectors are trained by embedkit's native engine on the same corpus with the same
options (bench/subword_speed.py's: dim 100, window 5, negative 5, min-count 5, sample 1e-3,
5 epochs, 2 threads, seed 1, its noise exponent); the subword set adds character n-grams 3-6 in
2M buckets. The results recorded were measured with both sets at noise exponent 0.75 (the
subword set: subword_speed.py's run of seed 1 at 0.75). The
classifier is the one `embedkit classify --bidirectional` trains (fine-tuned vectors, defaults
of `ClassifierConfig`), the split fixed, seeds 1..N.

Coverage, two ways: "train cover" is what classify prints (training-set words with a vector;
with subwords a word outside the vocabulary gets one composed from its n-grams), "test tokens"
the share of test-set tokens that get a vector rather than <unk>'s row.

    W=/tmp/embedkit-subword-bench
    flock /tmp/embedkit-bench.lock python bench/subword_classify.py --train-whole --work $W   # whole.ekv
    flock /tmp/embedkit-bench.lock python bench/subword_classify.py --dataset mr --work $W
    flock /tmp/embedkit-bench.lock python bench/subword_classify.py --dataset sst2 --work $W

Each dataset run appends its rows to bench/results/subword_classify.txt (the subword vectors
are bench/subword_speed.py --engine embedkit's $W/embedkit-subwords.ekv).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results" / "subword_classify.txt"
HEADER = (f"{'data':<5} {'vectors':<22} {'accuracy':>14}  {'macro-F1':>14}  {'runs':>4}  {'train cover':>11}  "
          f"{'composed':>8}  {'test tokens':>11}  {'epochs':>8}  {'wall/run':>8}  {'cpu/run':>7}")


def train_whole(work: Path) -> None:
    """Whole-word vectors with subword_speed's options, minus the n-grams: $work/whole.ekv."""
    from subword_speed import OPTIONS, corpus_file

    o, out = OPTIONS, work / "whole.ekv"
    corpus, _ = corpus_file(work, 7)
    command = [sys.executable, "-m", "embedkit", "train", str(corpus), "-o", str(out),
               "--vector-size", str(o["dim"]), "--window", str(o["window"]), "--negative", str(o["negative"]),
               "--min-count", str(o["min_count"]), "--sample", str(o["sample"]), "--alpha", str(o["alpha"]),
               "--epochs", "5", "--workers", str(o["threads"]), "--seed", str(o["seed"]),
               "--ns-exponent", str(o["ns_exponent"]), "--no-lowercase", "-q"]
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    print(f"{shlex.join(['python', *command[1:]])}: {time.perf_counter() - start:.1f} s")


def test_token_cover(data, vectors, lowercase: bool) -> float:
    """Share of the test set's tokens that get a vector (their row, or composed from n-grams)."""
    from embedkit.downstream.tokenizer import sentence_tokens

    tokens = [t for text in data.test.texts for t in sentence_tokens(text, lowercase)]
    known = {t for t in set(tokens) if t in vectors.index}
    if getattr(vectors, "subwords", None) is not None:
        known.update(vectors.composed(set(tokens) - known))
    return sum(t in known for t in tokens) / max(1, len(tokens))


def classify(args) -> None:
    import torch

    from embedkit import io
    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.datasets import load_classification
    from embedkit.downstream.training import run_seeds

    torch.set_num_threads(args.threads)
    work = Path(args.work)
    from embedkit.downstream.splits import split_data

    data = split_data(load_classification(args.dataset, mirror=str(DATA)))  # the test split run_seeds uses
    config = ClassifierConfig(bidirectional=True, cell="lstm")
    lines = [] if RESULTS.exists() else [f"# see bench/subword_classify.py; torch {torch.__version__}, "
                                         f"{args.threads} thread(s); BiLSTM, fine-tuned vectors; test split: SST-2 "
                                         "standard, MR seeded 10%", HEADER]
    lines.append(f"# {shlex.join(['python', *sys.argv])}  ({time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())})")
    for label, path in (("embedkit whole-word", work / "whole.ekv"), ("embedkit subwords", work / "embedkit-subwords.ekv")):
        vectors = io.load(path)
        start, cpu = time.perf_counter(), time.process_time()
        result = run_seeds(data, replace(config, embeddings=str(path)), tuple(range(1, args.seeds + 1)),
                           vectors=vectors, progress=False)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        runs, c = result["runs"], result["coverage"]
        lines.append(f"{args.dataset:<5} {label:<22} {100 * result['accuracy_mean']:6.2f} +- "
                     f"{100 * result['accuracy_std']:4.2f}  {100 * result['macro_f1_mean']:6.2f} +- "
                     f"{100 * result['macro_f1_std']:4.2f}  {len(runs):>4}  {100 * c['fraction']:10.1f}%  "
                     f"{c.get('composed', 0):>8,}  {100 * test_token_cover(data, vectors, config.lowercase):10.1f}%  "
                     f"{'/'.join(str(r['epochs']) for r in runs):>8}  {wall / len(runs):8.1f}  {cpu / len(runs):7.1f}")
        print(lines[-1], flush=True)
    with open(RESULTS, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="/tmp/embedkit-subword-bench", help="the folder of subword_speed.py's runs")
    parser.add_argument("--train-whole", action="store_true", help="train $work/whole.ekv and stop")
    parser.add_argument("--dataset", choices=["mr", "sst2"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not (args.train_whole or args.dataset):
        parser.error("give --train-whole or --dataset")
    if args.train_whole:
        return train_whole(Path(args.work))
    classify(args)


if __name__ == "__main__":
    main()
