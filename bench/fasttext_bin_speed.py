"""Reading a fastText .bin model: embedkit.io.fasttext against gensim's load_facebook_vectors.

Writes a .bin of realistic shape into a temporary folder (--words synthetic words of 2 to 15
letters, --dim, --bucket n-gram rows, every row random as in a trained model: 100k x 100 with
2M buckets is 880 MB), then times, each task in a fresh Python process (best of --repeat; the
file is in the page cache after the first run):

  embedkit read              header + dictionary parsed, both matrices memory-mapped
  embedkit read + vectors    ... and every word's vector composed (what gensim's load computes)
  embedkit + 1000 OOV        read, then 1000 out-of-vocabulary vectors
  gensim load_facebook_vectors, gensim load_facebook_vectors + 1000 OOV, gensim load_facebook_model

Each time counts the call alone (the imports before it are not counted; numba loading its
cached kernels is). "peak MB" is the growth of the process's peak resident memory over the call
(memory-mapped file pages it touched included: they are the page cache, shared and reclaimable);
"anon MB" is the private memory the call left allocated, with its result still held. The composed
vectors of both libraries are compared at the end.

    flock /tmp/embedkit-bench.lock python bench/fasttext_bin_speed.py [--words 100000] [--dim 100]
        [--bucket 2000000] [--repeat 3] | tee bench/results/fasttext_bin_speed.txt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's embedkit

OOV_WORDS = 1000


def synthetic_words(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
    p = 1.0 / np.arange(1, 27)
    p /= p.sum()
    words, seen = [], set()
    while len(words) < n:
        for length in rng.integers(2, 16, size=n):
            word = "".join(rng.choice(letters, length, p=p))
            if word not in seen:
                seen.add(word)
                words.append(word)
    return words[:n]


def build(path: Path, words: int, dim: int, bucket: int) -> None:
    from embedkit.io import fasttext as fasttext_bin
    from embedkit.subwords import NgramSettings, SubwordModel

    vocab = synthetic_words(words + OOV_WORDS)[:words]
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((words + bucket, dim), dtype=np.float32)
    matrix *= np.float32(0.1)
    model = SubwordModel(vocab, matrix, NgramSettings(3, 6, bucket))
    output = rng.standard_normal((words, dim), dtype=np.float32)
    counts = np.sort(rng.zipf(1.3, words).clip(5, 10**7))[::-1]
    fasttext_bin.write(path, model, counts=counts, output_matrix=output,
                       args=fasttext_bin.FastTextArgs(dim=dim, bucket=bucket, t=1e-4))


def memory() -> dict[str, float]:
    """Peak resident, and private resident, memory of this process in MB (Linux)."""
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmHWM", "RssAnon")}


def task(name: str, path: str, oov: list[str]) -> dict:
    """Run one task in this process; return its seconds and memory."""
    import gensim.models.fasttext as gensim_fasttext

    from embedkit.io import fasttext as fasttext_bin

    base = memory()
    start = time.perf_counter()
    if name == "embedkit read":
        found = fasttext_bin.read(path)
        result = len(found.words)
    elif name == "embedkit read + vectors":
        result = fasttext_bin.read(path).model().word_vectors()
    elif name == "embedkit + 1000 OOV":
        result = fasttext_bin.read(path).model().vectors(oov)
    elif name == "gensim load_facebook_vectors":
        result = gensim_fasttext.load_facebook_vectors(path).vectors
    elif name == "gensim + 1000 OOV":
        kv = gensim_fasttext.load_facebook_vectors(path)
        result = np.array([kv[w] for w in oov])
    elif name == "gensim load_facebook_model":
        result = gensim_fasttext.load_facebook_model(path).wv.vectors
    else:
        raise SystemExit(f"unknown task {name!r}")
    seconds = time.perf_counter() - start
    after = memory()
    out = {"seconds": seconds, "peak_mb": after["VmHWM"] - base["VmHWM"], "anon_mb": after["RssAnon"] - base["RssAnon"]}
    if isinstance(result, np.ndarray):
        np.save(Path(path).with_suffix(f".{name.replace(' ', '_').replace('+', 'and')}.npy"), result)
    return out


def run(name: str, path: Path, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--task", name, "--file", str(path)],
                              capture_output=True, text=True, check=True)
        found = json.loads(proc.stdout.strip().splitlines()[-1])
        if best is None or found["seconds"] < best["seconds"]:
            best = found
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000, help="vocabulary size")
    parser.add_argument("--dim", type=int, default=100, help="vector dimension")
    parser.add_argument("--bucket", type=int, default=2_000_000, help="n-gram buckets")
    parser.add_argument("--repeat", type=int, default=3, help="runs per task; the best counts")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    oov = synthetic_words(args.words + OOV_WORDS)[-OOV_WORDS:] if args.task and "OOV" in args.task else []
    if args.task:
        print(json.dumps(task(args.task, args.file, oov)))
        return

    import gensim

    print("command: " + " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv]))
    print(f"Python {platform.python_version()}, numpy {np.__version__}, gensim {gensim.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, best of {args.repeat}, "
          "each task in a fresh process")
    with tempfile.TemporaryDirectory(prefix="embedkit-ftbin-") as folder:
        path = Path(folder) / "model.bin"
        start = time.perf_counter()
        build(path, args.words, args.dim, args.bucket)
        print(f"wrote {path.name}: {args.words:,} words x {args.dim} dims + {args.bucket:,} buckets, "
              f"{path.stat().st_size / 1e6:,.0f} MB, in {time.perf_counter() - start:.1f} s (embedkit's writer)\n")
        names = ["embedkit read", "embedkit read + vectors", "embedkit + 1000 OOV",
                 "gensim load_facebook_vectors", "gensim + 1000 OOV", "gensim load_facebook_model"]
        results = {name: run(name, path, args.repeat) for name in names}
        print(f"{'task':32} {'seconds':>9} {'peak MB':>9} {'anon MB':>9}")
        for name in names:
            found = results[name]
            print(f"{name:32} {found['seconds']:9.3f} {found['peak_mb']:9.0f} {found['anon_mb']:9.0f}")
        gensim_vectors = results["gensim load_facebook_vectors"]["seconds"]
        print(f"\ngensim load_facebook_vectors / embedkit read + vectors: "
              f"{gensim_vectors / results['embedkit read + vectors']['seconds']:.1f}x")
        print(f"gensim load_facebook_vectors / embedkit read:           "
              f"{gensim_vectors / results['embedkit read']['seconds']:.1f}x")
        print(f"gensim + 1000 OOV / embedkit + 1000 OOV:                 "
              f"{results['gensim + 1000 OOV']['seconds'] / results['embedkit + 1000 OOV']['seconds']:.1f}x")

        def saved(name):
            return np.load(path.with_suffix(f".{name.replace(' ', '_').replace('+', 'and')}.npy"))

        same = np.allclose(saved("embedkit read + vectors"), saved("gensim load_facebook_vectors"),
                           rtol=1e-5, atol=1e-6)
        same_oov = np.allclose(saved("embedkit + 1000 OOV"), saved("gensim + 1000 OOV"), rtol=1e-5, atol=1e-6)
        print(f"check: in-vocabulary vectors {'equal' if same else 'DIFFERENT'} to gensim's, "
              f"OOV vectors {'equal' if same_oov else 'DIFFERENT'} (float32 tolerance)")


if __name__ == "__main__":
    main()
