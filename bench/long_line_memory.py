"""Peak memory of `embedkit train` and of the corpus pass alone on a corpus that is one long line.

Writes a one-line corpus of MEGABYTES MB (Zipf-distributed words from a 20,000-word vocabulary)
into a temp folder, then runs, each in a fresh process so that peaks do not mix:

  prepare   embedkit.train.prepare: the counting pass, the tokenised copy, the loss sample
  train     embedkit train CORPUS -o OUT --epochs 1 --workers 1 -q (the whole command)

and prints the peak resident memory of each. The loss sample's reservoir holds at most 400,000
tokens, so `prepare` stays near 120 MB whatever the length of the line.

    python bench/long_line_memory.py --megabytes 50
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

PREPARE = """
import resource, sys, tempfile
from pathlib import Path
from embedkit.train import Corpus
from embedkit.train import SkipGramConfig
from embedkit.train.prepare import prepare
with tempfile.TemporaryDirectory() as folder:
    prepared = prepare(Corpus(sys.argv[1]), SkipGramConfig(workers=1, epochs=1), Path(folder))
print(len(prepared.loss_sample))
"""


def write_corpus(path: Path, megabytes: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(20_000)])
    p = 1 / np.arange(1, 20_001)
    p /= p.sum()
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < megabytes * 1_000_000:
            block = " ".join(words[rng.choice(20_000, size=100_000, p=p)]) + " "
            out.write(block)
            written += len(block)
        out.write("\n")


def peak_of(command: list[str]) -> tuple[float, float]:
    """(peak resident MB, seconds) of one child process."""
    start = time.perf_counter()
    pid = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                           stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"{' '.join(command)} failed ({status})")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "one-line.txt"
        write_corpus(corpus, args.megabytes)
        size = corpus.stat().st_size / 1e6
        mb, seconds = peak_of([sys.executable, "-c", PREPARE, str(corpus)])
        print(f"prepare  {size:.1f} MB, 1 line: peak {mb:,.0f} MB ({seconds:.1f} s)")
        mb, seconds = peak_of([sys.executable, "-m", "embedkit", "train", str(corpus), "-o",
                               str(Path(folder) / "out.vec"), "--epochs", "1", "--workers", "1", "-q"])
        print(f"train    {size:.1f} MB, 1 line: peak {mb:,.0f} MB ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
