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

With --warm-cli it measures instead what a user waits for: the whole command
`embedkit plot glove-6b-50d -o OUT --top N` (N = --words), each run a fresh process, one after the
other: the first may compile umap-learn's numba code and write it to numba's cache, the next ones
load it (warm); then the same command with that caching switched off, as embedkit ran before it
cached umap-learn's kernels (they compile in every process).

Usage:  python bench/plot_speed.py [--words 5000] [--skip-tsne]
        python bench/plot_speed.py --warm-cli --words 2000 [--runs 3]
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


CLI = r"""
import sys
if sys.argv[1] == "uncached":  # umap-learn's kernels compiled in every process, as before they were cached
    import embedkit.plotting.projection as projection
    projection.cache_umap_kernels = lambda umap: 0
from embedkit.cli import main
main(sys.argv[2:])
"""


def cli_run(mode: str, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the child's user + system) of one `embedkit ARGS` in a fresh process."""
    import resource

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([sys.executable, "-c", CLI, mode, *args], env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def warm_cli(n: int, runs: int) -> None:
    import tempfile

    folder = tempfile.mkdtemp(prefix="embedkit-plot-")
    print(f"embedkit plot glove-6b-50d --top {n:,}: the whole command, each run a fresh process")
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f} at start\n")
    rows = []
    for i in range(runs):
        out = os.path.join(folder, f"run{i}.png")
        rows.append((f"-o OUT.png, run {i + 1}" + (" (may compile and cache)" if i == 0 else " (warm)"),
                     cli_run("cached", ["plot", "glove-6b-50d", "-o", out, "--top", str(n)])))
    rows.append(("-o OUT.html, warm", cli_run("cached", ["plot", "glove-6b-50d", "-o",
                                                          os.path.join(folder, "page.html"), "--top", str(n)])))
    rows.append(("-o OUT.png, kernels not cached (before)",
                 cli_run("uncached", ["plot", "glove-6b-50d", "-o", os.path.join(folder, "old.png"), "--top", str(n)])))
    width = max(len(name) for name, _ in rows)
    print(f"{'run':<{width}}  wall s   CPU s")
    print(f"{'-' * width}  ------  ------")
    for name, (wall, cpu) in rows:
        print(f"{name:<{width}}  {wall:6.1f}  {cpu:6.1f}")
    warm = [wall for name, (wall, _) in rows[1:runs]]
    best = min(warm) if warm else rows[0][1][0]
    before = rows[-1][1]
    print(f"\nwarm PNG: {best:.1f} s wall at best ({'within' if best <= 12 else 'OVER'} the 12 s target); "
          f"without the kernel cache {before[0]:.1f} s wall, {before[1]:.1f} s CPU.")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


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
    parser.add_argument("--warm-cli", action="store_true", help="Time the whole `embedkit plot` command instead.")
    parser.add_argument("--runs", type=int, default=3, help="--warm-cli: runs with the kernel cache.")
    args = parser.parse_args()
    n = args.words
    if args.warm_cli:
        warm_cli(n, args.runs)
        return
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
