"""How long `embedkit plot` takes to project 5,000 GloVe words: UMAP's numba compile apart from its run.

numba compiles UMAP's functions the first time a process uses them, so the first fit pays for
compiling and the second one does not. Each UMAP measurement below therefore runs in a fresh
Python process (nothing compiled yet, as for a user typing `embedkit plot`), which:

1. imports umap-learn (timed);
2. either fits twice: first call = compile + run, second call = run, compile = their difference;
   or, as `embedkit plot --verbose` does, fits 64 random points along the same code path first
   (the warm-up, timed as "compile") and then the real fit;
   or, as the reference, fits plain umap-learn twice, which finds neighbours with pynndescent.
   embedkit hands UMAP exact neighbours from a matrix product instead (same metric, same n_neighbors).

Wall-clock seconds depend on what else the machine runs, so the CPU seconds of each UMAP process
are printed too, with the load average: on an idle machine, wall time comes close to CPU time
(a seeded UMAP runs on one thread).

PCA and t-SNE (scikit-learn, nothing to compile) are timed twice in one process.

Usage:  python bench/plot_speed.py [--words 5000] [--skip-tsne]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

CHILD = r"""
import json, sys, time
out = {}
def timed(key, call):
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    out[key] = (time.perf_counter() - wall, time.process_time() - cpu)
timed("import", lambda: __import__("umap"))
from embedkit.io.pretrained import resolve
from embedkit.plotting import project
from embedkit.plotting.projection import warm_up
vectors = resolve("glove-6b-50d").head(int(sys.argv[1]))
if sys.argv[2] == "twice":
    timed("first", lambda: project(vectors, "umap", seed=0))
    timed("second", lambda: project(vectors, "umap", seed=0))
elif sys.argv[2] == "plain":  # the reference: umap-learn finding neighbours itself (pynndescent)
    import umap, warnings
    warnings.simplefilter("ignore")
    fit = lambda: umap.UMAP(metric="cosine", n_neighbors=15, random_state=0).fit_transform(vectors.matrix)
    timed("first", fit)
    timed("second", fit)
else:
    timed("warm_up", lambda: warm_up("umap"))
    timed("fit", lambda: project(vectors, "umap", seed=0))
print(json.dumps(out))
"""


def child(n: int, mode: str) -> dict:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-c", CHILD, str(n), mode], capture_output=True,
                            text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def twice(method: str, vectors) -> list[tuple[float, float]]:
    from embedkit.plotting import project

    times = []
    for _ in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        project(vectors, method, seed=0)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--skip-tsne", action="store_true")
    args = parser.parse_args()
    n = args.words
    print(f"embedkit plot speed: {n:,} most frequent words of glove-6b-50d (50 dims), cosine, seed 0")
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f} at start\n")

    a = child(n, "twice")
    b = child(n, "warm-up")
    ref = child(n, "plain")

    def minus(x, y):
        return (x[0] - y[0], x[1] - y[1])

    def plus(x, y):
        return (x[0] + y[0], x[1] + y[1])

    rows = [
        ("UMAP import umap-learn (fresh process)", a["import"]),
        ("UMAP 1st fit: numba compile + run", a["first"]),
        ("UMAP 2nd fit: run only", a["second"]),
        ("UMAP compile = 1st - 2nd", minus(a["first"], a["second"])),
        ("UMAP total for a user: import + 1st fit", plus(a["import"], a["first"])),
        ("--verbose way: warm-up fit of 64 points", b["warm_up"]),
        ("--verbose way: then the real fit", b["fit"]),
        ("reference: plain umap-learn, import", ref["import"]),
        ("reference: plain umap-learn, 1st fit", ref["first"]),
        ("reference: plain umap-learn, 2nd fit", ref["second"]),
    ]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from embedkit.io.pretrained import resolve

    vectors = resolve("glove-6b-50d").head(n)
    first, second = twice("pca", vectors)
    rows += [("PCA 1st call", first), ("PCA 2nd call", second)]
    if not args.skip_tsne:
        first, second = twice("tsne", vectors)
        rows += [("t-SNE 1st call", first), ("t-SNE 2nd call", second)]

    width = max(len(name) for name, _ in rows)
    print(f"{'step':<{width}}  wall s   CPU s")
    print(f"{'-' * width}  ------  ------")
    for name, (wall, cpu) in rows:
        print(f"{name:<{width}}  {wall:6.1f}  {cpu:6.1f}")
    total = plus(a["import"], a["first"])
    compile_ = minus(a["first"], a["second"])
    print(f"\nUMAP of {n:,} words, everything included: {total[0]:.1f} s wall, {total[1]:.1f} s CPU "
          f"({'within' if total[0] <= 60 else 'OVER'} the 60 s target); compile takes "
          f"{compile_[0] / a['second'][0]:.1f}x the run time.")
    plain = plus(ref["import"], ref["first"])
    print(f"Plain umap-learn (pynndescent neighbours), everything included: {plain[0]:.1f} s wall, "
          f"{plain[1]:.1f} s CPU; embedkit takes {total[0] / plain[0]:.2f}x its wall time and "
          f"{total[1] / plain[1]:.2f}x its CPU time.")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
