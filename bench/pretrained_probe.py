"""Why do pretrained vectors barely beat random ones? One setting changed at a time, measured.

BiLSTM (the classifier's defaults unless a variant changes them) on MR, CR, SUBJ and MPQA, the
fixed seeded split (`split_data(seed=0)`: 80/10/10), seeds 1..N: random embeddings against GloVe
6B 50d fine-tuned (and frozen, and embedkit-trained vectors where asked). Each row is written as
it finishes to bench/results/pretrained_probe.jsonl; a rerun skips the rows it holds, so the
probe runs as several invocations of a few variants each under the bench lock:

    python bench/pretrained_probe.py --variants default edrop0 --jobs 2
    python bench/pretrained_probe.py --variants w2v --vectors w2v50=wiki50.ekv w2v300=wiki300.ekv
    python bench/pretrained_probe.py --table          # -> bench/results/pretrained_probe.txt
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.downstream import ClassifierConfig, load_classification  # noqa: E402
from embedkit.downstream.training import run_seeds  # noqa: E402
from embedkit.io import load  # noqa: E402
from embedkit.io.pretrained import resolve  # noqa: E402

RESULTS = Path(__file__).parent / "results"
ROWS = RESULTS / "pretrained_probe.jsonl"
BASE = ClassifierConfig(bidirectional=True)
# variant -> (what it changes, config changes, embeddings it trains)
VARIANTS = {
    "default": ("the defaults (lr 1e-3, embedding dropout 0.25, patience 3, last-state pooling)", {},
                ["random", "glove", "glove-frozen"]),
    "edrop0": ("no dropout on the embedded tokens", {"embed_dropout": 0.0}, ["random", "glove"]),
    "edrop50": ("embedding dropout 0.5", {"embed_dropout": 0.5}, ["random", "glove"]),
    "elr0.1": ("embedding lr 1e-4 (a tenth of the rest)", {"embed_lr": 1e-4}, ["glove"]),
    "elr0.3": ("embedding lr 3e-4", {"embed_lr": 3e-4}, ["glove"]),
    "pat6": ("patience 6, at most 30 epochs", {"patience": 6, "epochs": 30}, ["random", "glove"]),
    "max": ("max-over-time pooling", {"pooling": "max"}, ["random", "glove"]),
    "max-elr0.1": ("max pooling, embedding lr 1e-4", {"pooling": "max", "embed_lr": 1e-4}, ["glove"]),
    "w2v": ("embedkit skip-gram vectors of the 17M-word Wikipedia corpus, fine-tuned", {}, ["w2v50", "w2v300"]),
}


def done_rows() -> list[dict]:
    if not ROWS.exists():
        return []
    return [json.loads(line) for line in ROWS.read_text().splitlines() if line.strip()]


def embedding_config(name: str, config: ClassifierConfig) -> ClassifierConfig:
    if name == "random":
        return replace(config, embeddings="random")
    return replace(config, embeddings="given", freeze=name.endswith("-frozen"))


def probe(args) -> None:
    vectors = {"glove": resolve("glove-6b-50d")}
    for pair in args.vectors:
        key, _, path = pair.partition("=")
        vectors[key] = load(path)
    have = {(r["variant"], r["embeddings"], r["dataset"]) for r in done_rows()}
    seeds = tuple(range(1, args.seeds + 1))
    for variant in args.variants:
        _, changes, embeddings = VARIANTS[variant]
        for dataset in args.datasets:
            data = load_classification(dataset, mirror=args.mirror)
            for name in embeddings:
                if (variant, name, dataset) in have:
                    continue
                config = embedding_config(name, replace(BASE, **changes))
                start, cpu = time.perf_counter(), time.process_time()
                result = run_seeds(data, config, seeds, vectors=vectors.get(name.removesuffix("-frozen")),
                                   progress=False, jobs=args.jobs)
                row = {"variant": variant, "embeddings": name, "dataset": dataset,
                       "accuracy": [r["accuracy"] for r in result["runs"]],
                       "epochs": [r["epochs"] for r in result["runs"]],
                       "best_epoch": [r["best_epoch"] for r in result["runs"]],
                       "seconds_per_epoch": result["seconds_per_epoch"], "wall": time.perf_counter() - start,
                       "cpu_parent": time.process_time() - cpu, "coverage": result["coverage"]}
                with ROWS.open("a") as stream:
                    stream.write(json.dumps(row) + "\n")
                print(f"{variant:<12} {name:<13} {dataset:<5} {100 * np.mean(row['accuracy']):.2f} "
                      f"+- {100 * np.std(row['accuracy'], ddof=1):.2f}  epochs {row['epochs']}  "
                      f"{row['wall']:.0f} s", flush=True)


def table(args) -> None:
    rows = done_rows()
    lines = ["# python bench/pretrained_probe.py " + " ".join(sys.argv[1:]),
             "# BiLSTM, fixed seeded split (80/10/10), test accuracy % mean +- std over seeds; "
             "gap = embeddings minus random of the same variant (default's random where the variant has none)",
             f"{'variant':<12} {'embeddings':<13} " + "  ".join(f"{d:>21}" for d in args.datasets)]
    by = {(r["variant"], r["embeddings"], r["dataset"]): r for r in rows}
    for variant, (what, _, _) in VARIANTS.items():
        names = sorted({r["embeddings"] for r in rows if r["variant"] == variant},
                       key=lambda n: (n != "random", n))
        for name in names:
            cells = []
            for d in args.datasets:
                r = by.get((variant, name, d))
                if r is None:
                    cells.append(f"{'-':>21}")
                    continue
                acc = 100 * np.array(r["accuracy"])
                base = by.get((variant, "random", d)) or by.get(("default", "random", d))
                gap = f"{acc.mean() - 100 * np.mean(base['accuracy']):+5.1f}" if base and name != "random" else "     "
                cells.append(f"{acc.mean():6.2f} +- {acc.std(ddof=1):4.2f} {gap}")
            lines.append(f"{variant:<12} {name:<13} " + "  ".join(cells))
        if names:
            lines.append(f"{'':<12} ({what})")
    (RESULTS / "pretrained_probe.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", nargs="+", default=["default"], choices=list(VARIANTS))
    parser.add_argument("--datasets", nargs="+", default=["mr", "cr", "subj", "mpqa"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--vectors", nargs="*", default=[], metavar="NAME=PATH")
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--table", action="store_true", help="write the table of the rows measured so far")
    args = parser.parse_args()
    torch.set_num_threads(1)
    (table if args.table else probe)(args)


if __name__ == "__main__":
    main()
