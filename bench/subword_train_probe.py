"""A quick probe of subword skip-gram training: embedkit's subword kernels, gensim's FastText and,
when given, Facebook's fastText, on the same parts of the shared Wikipedia corpus, same options.

Not the full benchmark (the whole 17M-word corpus, 5 epochs, analogies, classifiers): a few
parts and epochs, to see speed and whether quality is in the same range. Options for all three:
dim 100, window 5, negative 5, min-count 5, sample 1e-3, n-grams 3-6 in 2M buckets, lr 0.05
(fastText's skip-gram default), 2 threads. "train s" and "CPU s" count training alone
(embedkit: its kernels, after the counting pass and the encoding, both of its modes; gensim: `train` after
`build_vocab`; fastText: `train_unsupervised`, which also reads the vocabulary: counted in).
Quality: Spearman x 100 on WS353 and Stanford RW with every pair scored (unknown words composed
from n-grams), on 2 of the 3 only when a word has no vector.

    flock /tmp/embedkit-bench.lock python bench/subword_train_probe.py --parts 1 --epochs 1 \\
        [--fasttext-python /path/to/python-with-fasttext]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "datasets"
OPTIONS = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3, min_n=3, max_n=6, bucket=2_000_000,
               alpha=0.05, threads=2)

FASTTEXT = """
import json, resource, sys, time
import fasttext, numpy as np
corpus, out, words, epochs, o = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5])
cpu = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
model = fasttext.train_unsupervised(corpus, model="skipgram", dim=o["dim"], ws=o["window"], neg=o["negative"],
    minCount=o["min_count"], t=o["sample"], minn=o["min_n"], maxn=o["max_n"], bucket=o["bucket"], lr=o["alpha"],
    epoch=epochs, thread=o["threads"], verbose=0)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF)
wanted = open(words, encoding="utf-8").read().split("\\n")
np.save(out, np.array([model.get_word_vector(w) for w in wanted], dtype=np.float32))
print(json.dumps({"seconds": seconds, "cpu": after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime,
                  "vocab": len(model.words)}))
"""


def spearman(a, b) -> float:
    from scipy.stats import spearmanr

    return 100 * float(spearmanr(a, b).correlation)


def score(vectors: dict[str, np.ndarray], pairs) -> str:
    """Spearman x 100 over the pairs both of whose words have a vector."""
    kept = [p for p in pairs if p.w1 in vectors and p.w2 in vectors]
    cos = [float(vectors[p.w1] @ vectors[p.w2] / (np.linalg.norm(vectors[p.w1]) * np.linalg.norm(vectors[p.w2]) + 1e-30))
           for p in kept]
    return f"{spearman(cos, [p.score for p in kept]):5.1f} ({len(kept)}/{len(pairs)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=1, help="corpus parts (about 2.5M words each)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--fasttext-python", help="a Python that can import fasttext (PyPI), to run it too")
    args = parser.parse_args()

    import gensim
    from gensim.models import FastText

    from embedkit.evaluation import read_similarity
    from embedkit.train import Corpus
    from embedkit.train.engines import subword
    from embedkit.subwords import NgramSettings
    from embedkit.train import SkipGramConfig
    from embedkit.train.prepare import prepare

    print("command: " + " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv]))
    print(f"gensim {gensim.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"options {OPTIONS}, epochs {args.epochs}")
    benchmarks = {"ws353": read_similarity(DATA / "wordsim" / "EN-WS-353-ALL.txt"),
                  "rw": read_similarity(DATA / "wordsim" / "EN-RW-STANFORD.txt")}
    wanted = sorted({w for pairs in benchmarks.values() for p in pairs for w in (p.w1, p.w2)})
    o = OPTIONS
    rows = []
    with tempfile.TemporaryDirectory(prefix="embedkit-subword-probe-") as folder:
        folder = Path(folder)
        corpus = folder / "corpus.txt"
        with open(corpus, "w", encoding="utf-8") as out:
            for part in sorted((DATA / "corpus").glob("*.xz"))[:args.parts]:
                with lzma.open(part, "rt", encoding="utf-8") as lines:
                    for line in lines:
                        out.write(line)
        words = sum(len(line.split()) for line in open(corpus, encoding="utf-8"))
        print(f"corpus: {args.parts} part(s), {words:,} words\n")

        config = SkipGramConfig(vector_size=o["dim"], window=o["window"], negative=o["negative"],
                                min_count=o["min_count"], sample=o["sample"], alpha=o["alpha"], epochs=args.epochs,
                                workers=o["threads"], seed=1)
        prepared = prepare(Corpus(corpus), config, folder)
        timing = {}

        class Monitor:
            engine_info: dict = {}

            def say(self, line):
                pass

            def start(self, w_in, w_out):
                timing["start"] = (time.perf_counter(), time.process_time())

            def progress(self, epoch, words):
                pass

            def end_epoch(self, epoch, w_in, w_out):
                timing["end"] = (time.perf_counter(), time.process_time())

        for shared, name in ((False, "embedkit subword (pair steps)"), (True, "embedkit subword (shared negatives)")):
            model, _ = subword.train(prepared, config, Monitor(), NgramSettings(o["min_n"], o["max_n"], o["bucket"]),
                                     shared_negatives=shared)
            seconds, cpu = (timing["end"][0] - timing["start"][0]), (timing["end"][1] - timing["start"][1])
            rows.append((name, seconds, cpu, len(model.words), _vectors(model, wanted)))

        ft = FastText(sg=1, vector_size=o["dim"], window=o["window"], negative=o["negative"], min_count=o["min_count"],
                      sample=o["sample"], min_n=o["min_n"], max_n=o["max_n"], bucket=o["bucket"], alpha=o["alpha"],
                      epochs=args.epochs, workers=o["threads"], seed=1)
        ft.build_vocab(corpus_file=str(corpus))
        start, cpu_start = time.perf_counter(), time.process_time()
        ft.train(corpus_file=str(corpus), total_words=ft.corpus_total_words, epochs=args.epochs)
        rows.append(("gensim FastText", time.perf_counter() - start, time.process_time() - cpu_start, len(ft.wv),
                     {w: ft.wv[w] for w in wanted}))

        if args.fasttext_python:
            (folder / "words.txt").write_text("\n".join(wanted), encoding="utf-8")
            run = subprocess.run([args.fasttext_python, "-c", FASTTEXT, str(corpus), str(folder / "ft.npy"),
                                  str(folder / "words.txt"), str(args.epochs), json.dumps(o)],
                                 capture_output=True, text=True, check=True)
            found = json.loads(run.stdout.strip().splitlines()[-1])
            vectors = np.load(folder / "ft.npy")
            rows.append(("fastText (PyPI 0.9.3, -O3 build)", found["seconds"], found["cpu"], found["vocab"],
                         {w: v for w, v in zip(wanted, vectors) if np.any(v)}))

    print(f"{'engine':36} {'train s':>8} {'CPU s':>8} {'words/s':>10} {'words/CPU-s':>12} {'vocab':>7}  "
          f"{'WS353':>14}  {'RW':>16}")
    for name, seconds, cpu, vocab, vectors in rows:
        done = words * args.epochs
        print(f"{name:36} {seconds:8.1f} {cpu:8.1f} {done / seconds:10,.0f} {done / cpu:12,.0f} {vocab:7,}  "
              f"{score(vectors, benchmarks['ws353']):>14}  {score(vectors, benchmarks['rw']):>16}")


def _vectors(model, words) -> dict[str, np.ndarray]:
    """The words that get a vector: known, or with at least one trained n-gram."""
    from embedkit.errors import UnknownWordError

    out = {}
    for word in words:
        try:
            out[word] = model.vector(word)
        except UnknownWordError:
            pass
    return out


if __name__ == "__main__":
    main()
