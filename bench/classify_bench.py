"""Downstream accuracy of the recurrent classifier on MR and SST-2, against the targets set for it (MR 78, SST-2 82).

Grid per dataset: bag-of-words logistic regression; BiLSTM (last-state pooling, defaults of
`ClassifierConfig`) with random embeddings, GloVe 6B 50d frozen, GloVe 6B 50d fine-tuned.
Writes the table (test accuracy and macro-F1, mean +- std over seeds, wall and CPU seconds) to
bench/results/classify_accuracy.txt, row by row as runs finish.

    python bench/classify_bench.py --seeds 3 --mirror ../shared/datasets
    python bench/classify_bench.py --profile     # cProfile of one MR run -> results/classify_profile.txt

Uses at most 2 threads (the benchmark machine is shared; CPU seconds are recorded beside wall time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from embedkit.downstream.bow import run_bow
from embedkit.downstream.config import ClassifierConfig
from embedkit.downstream.training import run_seeds
from embedkit.downstream.datasets import load_classification
from embedkit.io.pretrained import resolve

RESULTS = Path(__file__).parent / "results"
BASE = ClassifierConfig(bidirectional=True, cell="lstm")
GRID = [("random", replace(BASE, embeddings="random")),
        ("glove-6b-50d frozen", replace(BASE, embeddings="glove-6b-50d", freeze=True)),
        ("glove-6b-50d fine-tuned", replace(BASE, embeddings="glove-6b-50d", freeze=False))]
# --grid tuned: the same three with a higher learning rate and more patience (frozen vectors
# underfit at lr 1e-3 / patience 3: early stopping ends them while dev accuracy still climbs)
TUNED = [(f"{label}, lr 3e-3 pat 5", replace(config, lr=3e-3, patience=5, epochs=30)) for label, config in GRID]


def _row(dataset, model, result, wall, cpu) -> str:
    runs = result["runs"]
    epochs = "/".join(str(r["epochs"]) for r in runs) if runs[0].get("epochs") else "-"
    spe = f"{result['seconds_per_epoch']:.1f}" if result["seconds_per_epoch"] else "-"
    cov = f"{100 * result['coverage']['fraction']:.1f}%" if result["coverage"] else "-"
    return (f"{dataset:<6} {model:<34} {100 * result['accuracy_mean']:6.2f} +- {100 * result['accuracy_std']:4.2f}  "
            f"{100 * result['macro_f1_mean']:6.2f} +- {100 * result['macro_f1_std']:4.2f}  {len(runs):>4}  "
            f"{result['parameters']:>9,}  {cov:>7}  {epochs:>9}  {spe:>6}  {wall / len(runs):7.1f}  {cpu / len(runs):7.1f}")


def accuracy(args) -> None:
    out = RESULTS / "classify_accuracy.txt"
    grid = TUNED if args.grid == "tuned" else GRID
    header = (f"{'data':<6} {'model (BiLSTM unless BoW)':<34} {'accuracy':>14}  {'macro-F1':>14}  {'runs':>4}  "
              f"{'params':>9}  {'cover':>7}  {'epochs':>9}  {'s/ep':>6}  {'wall/run':>7}  {'cpu/run':>7}")
    lines = [out.read_text().rstrip("\n") + "\n"] if args.grid == "tuned" and out.exists() else []
    lines += [f"# {' '.join(sys.argv)}", f"# torch {torch.__version__}, {torch.get_num_threads()} threads; "
             f"test split: SST-2 standard, MR seeded 10% (split_data seed 0); seeds {args.seeds}", header]
    glove = resolve("glove-6b-50d")
    for name in args.datasets:
        data = load_classification(name, mirror=args.mirror)
        if args.grid == "default":
            start, cpu = time.perf_counter(), time.process_time()
            result = run_bow(data)
            lines.append(_row(name, "bag-of-words LR (1-2 grams)", result, time.perf_counter() - start,
                              time.process_time() - cpu))
            print(lines[-1], flush=True)
            out.write_text("\n".join(lines) + "\n")
        for label, config in grid:
            start, cpu = time.perf_counter(), time.process_time()
            result = run_seeds(data, config, tuple(range(1, args.seeds + 1)), vectors=glove, progress=False)
            lines.append(_row(name, label, result, time.perf_counter() - start, time.process_time() - cpu))
            print(lines[-1], flush=True)
            out.write_text("\n".join(lines) + "\n")


def profile(args) -> None:
    data = load_classification("mr", mirror=args.mirror)
    config = replace(GRID[2][1], epochs=args.profile_epochs, patience=99)
    glove = resolve("glove-6b-50d")
    profiler = cProfile.Profile()
    start, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    result = run_seeds(data, config, (1,), vectors=glove, progress=False)
    profiler.disable()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
    report = (f"# python bench/classify_bench.py --profile --profile-epochs {args.profile_epochs}\n"
              f"# one MR run, BiLSTM, glove-6b-50d fine-tuned, {args.profile_epochs} epochs, "
              f"{torch.get_num_threads()} threads: {wall:.1f} s wall, {cpu:.1f} s CPU, "
              f"{result['seconds_per_epoch']:.1f} s per epoch (train + dev evaluation)\n\n" + text.getvalue())
    (RESULTS / "classify_profile.txt").write_text(report)
    print(report[:4000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--datasets", nargs="+", default=["mr", "sst2"])
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--grid", choices=["default", "tuned"], default="default",
                        help="tuned: lr 3e-3, patience 5, 30 epochs; appended to the existing table")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-epochs", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    RESULTS.mkdir(exist_ok=True)
    (profile if args.profile else accuracy)(args)


if __name__ == "__main__":
    main()
