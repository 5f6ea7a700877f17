"""What continued training (--resume) and given start vectors (--init) move, measured.

On the shared Wikipedia corpus, with `embedkit train` (native engine, gensim's defaults):

  A        train on part 1
  A+B      --resume A on part 2 (the model's words first, part 2's new words added), at the
           first run's learning rate and at a fifth of it
  scratch  train on parts 1 and 2 together, from word2vec's random start
  B only   train on part 2 alone

and reports, for the words of A: how far their vectors moved (cosine of each word's vector
before and after, by frequency band), how many of their 10 nearest neighbours (among A's words)
stay, and the quality of every model (WS-353, SimLex-999, Google analogies, one scorer). Then
`--init glove-6b-50d` against a random start at dimension 50 on part 1, both scored the same way.

    python bench/continued_training.py                      # skip-gram with negative sampling
    python bench/continued_training.py --mode "--cbow --hs"
"""

from __future__ import annotations

import argparse
import lzma
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"
PROBES = ["king", "paris", "music", "war", "computer", "river", "france", "football", "church", "science"]


def train(corpus: list[Path], out: Path, extra: list[str], args) -> float:
    command = [sys.executable, "-m", "embedkit", "train", *map(str, corpus), "-o", str(out), "-q",
               "--epochs", str(args.epochs), "--workers", str(args.workers), *extra]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return time.perf_counter() - started


def quality(vectors) -> str:
    from embedkit.evaluation import evaluate

    result = evaluate(vectors, similarity=["ws353", "simlex999"], analogy=["google"])
    return (f"WS353 {result.score('ws353').value:.3f}  SimLex {result.score('simlex999').value:.3f}  "
            f"Google {100 * result.score('google: total').value:5.2f}")


def unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def neighbours(matrix: np.ndarray, rows: np.ndarray, k: int = 10) -> np.ndarray:
    scores = unit(matrix[rows]) @ unit(matrix).T
    scores[np.arange(len(rows)), rows] = -np.inf
    return np.argsort(-scores, axis=1)[:, :k]


def moved(before, after) -> list[str]:
    """How A's words moved in A+B: cosine and neighbour overlap per frequency band, and a few probes."""
    old = len(before)
    a, b = np.asarray(before.matrix), np.asarray(after.matrix[:old])
    cosine = np.sum(unit(a) * unit(b), axis=1)
    lines = ["  frequency band (rank in A)   words   median cosine(before, after)   neighbours kept (of 10)"]
    rng = np.random.default_rng(0)
    for low, high in ((0, 1000), (1000, 10000), (10000, old)):
        rows = np.arange(low, min(high, old))
        sample = rng.choice(rows, size=min(300, len(rows)), replace=False)
        kept = [len(set(x) & set(y)) for x, y in zip(neighbours(a, sample), neighbours(b, sample))]
        lines.append(f"  {low + 1:>6}-{min(high, old):<6}              {len(rows):6}   {np.median(cosine[rows]):.3f}"
                     f"                          {np.mean(kept):.1f}")
    for word in PROBES:
        if word in before:
            row = before.index[word]
            x, y = neighbours(a, np.array([row]), 5)[0], neighbours(b, np.array([row]), 5)[0]
            lines.append(f"  {word:9} before: {', '.join(before.words[i] for i in x)}")
            lines.append(f"  {'':9} after:  {', '.join(before.words[i] for i in y)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", default="", help="extra train options, e.g. '--cbow --hs --negative 0'")
    args = parser.parse_args()
    from embedkit import io

    extra = args.mode.split()
    print(f"load before: {os.getloadavg()[0]:.2f}; {args.epochs} epochs, {args.workers} threads, "
          f"options: {args.mode or '(skip-gram, negative sampling)'}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        parts = []
        for number in (1, 2):
            path = tmp / f"part{number}.txt"
            path.write_bytes(lzma.open(CORPUS / f"enwiki2015_text8style.part0{number}.txt.xz").read())
            parts.append(path)
        runs = {"A (part 1)": ([parts[0]], []), "A+B (--resume A on part 2)": ([parts[1]], ["--resume", tmp / "A.ekv"]),
                "A+B, --alpha 0.005": ([parts[1]], ["--resume", tmp / "A.ekv", "--alpha", "0.005"]),
                "scratch (parts 1+2)": (parts, []), "B only (part 2)": ([parts[1]], [])}
        names = {"A (part 1)": "A", "A+B (--resume A on part 2)": "AB", "A+B, --alpha 0.005": "AB5",
                 "scratch (parts 1+2)": "S", "B only (part 2)": "B"}
        models = {}
        for label, (corpus, more) in runs.items():
            out = tmp / f"{names[label]}.ekv"
            seconds = train(corpus, out, extra + [str(m) for m in more], args)
            models[label] = io.load(out)
            print(f"{label:28} {len(models[label]):6} words  {seconds:5.1f} s  {quality(models[label])}", flush=True)
        before, after = models["A (part 1)"], models["A+B (--resume A on part 2)"]
        print(f"\nA+B kept A's {len(before):,} words in their order and added {len(after) - len(before):,} "
              f"of part 2; how A's words moved:")
        print("\n".join(moved(before, after)))
        print("  the same, resumed with --alpha 0.005 (a fifth of the first run's rate):")
        print("\n".join(moved(before, models["A+B, --alpha 0.005"])[:4]))
        new = after.words[len(before):len(before) + 5]
        print("  new words (the most frequent of part 2 that part 1 lacked) and their neighbours in A+B:")
        for word in new:
            rows = neighbours(np.asarray(after.matrix), np.array([after.index[word]]), 5)[0]
            print(f"  {word:12} {', '.join(after.words[i] for i in rows)}")

        print("\n--init: part 1 at dimension 50, GloVe 6B 50d start vs word2vec's random start")
        for label, more in (("random start", []), ("--init glove-6b-50d", ["--init", "glove-6b-50d"])):
            out = tmp / "init.ekv"
            seconds = train([parts[0]], out, extra + ["--vector-size", "50", *more], args)
            vectors = io.load(out)
            print(f"  {label:22} {seconds:5.1f} s  {quality(vectors)}  ({vectors.meta.get('started_from', 'random')})")
        glove = io.resolve("glove-6b-50d")
        print(f"  {'GloVe 6B 50d itself':22}          {quality(glove.subset([w for w in vectors.words if w in glove]))}"
              "  (on the words of part 1's vocabulary)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
