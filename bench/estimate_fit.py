"""Fit the cost per token and per text of `embedkit.downstream.estimate` to measured BiLSTM cells.

    python bench/estimate_fit.py --report /tmp/kim-split /tmp/kim-report --mirror ../shared/datasets
    # -> bench/results/estimate_fit.txt

Reads every BiLSTM cell file with 50-d inputs of the compare reports (each holds the mean seconds
per epoch of its runs; cells of 300-d vectors, named so, are left out; a cell in two reports counts
once), counts the training and dev tokens and texts of a run under the cell's protocol as the
estimate does (`estimate.run_sizes`), and fits seconds per epoch = a x (train tokens + 0.35 dev
tokens) + b x (train texts + 0.07 dev texts) by least squares. It prints the fit, then each cell
measured against the fit and against the estimate as it is in embedkit now.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.downstream import estimate, load_classification  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", nargs="+", default=["/tmp/kim-split"])
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--out", default=str(RESULTS / "estimate_fit.txt"))
    args = parser.parse_args()
    sizes, rows, seen = {}, [], set()
    for report in args.report:
        for path in sorted(Path(report, "cells").glob("*-lstm-bi.json")):
            name, key = path.stem.split("__")
            if "300d" in key:
                continue
            stored = json.loads(path.read_text())
            folds = stored["settings"].get("cv")
            if (name, key, folds) in seen:  # the same cell in two reports (a copied standard split)
                continue
            seen.add((name, key, folds))
            if (name, folds) not in sizes:
                sizes[name, folds] = estimate.run_sizes(load_classification(name, mirror=args.mirror), folds)
            row = stored["row"]
            rows.append((name, f"{key}{f' ({folds} folds)' if folds else ''}", row["seconds_per_epoch"],
                         *sizes[name, folds]))
    X = np.array([[tt + estimate.EVAL_SHARE * dt, nt + estimate.EVAL_TEXT_SHARE * nd] for *_, tt, nt, dt, nd in rows])
    y = np.array([r[2] for r in rows])
    (a, b), *_ = np.linalg.lstsq(X, y, rcond=None)
    now = X @ (2 * np.array([estimate.TRAIN_TOKEN_SECONDS["lstm"], estimate.TRAIN_TEXT_SECONDS]))
    lines = [f"# python bench/estimate_fit.py {' '.join(sys.argv[1:])}",
             f"# {len(rows)} BiLSTM cells (50-d inputs, hidden 100, both directions) from {', '.join(args.report)}",
             f"fit: {a * 1e6:.2f} us per token, {b * 1e6:.1f} us per text (both directions)",
             f"median |error|: fit {np.median(np.abs(X @ (a, b) / y - 1)) * 100:.0f}%, "
             f"estimate as it is {np.median(np.abs(now / y - 1)) * 100:.0f}%",
             "dataset  cell  measured s/epoch  fit  estimate as it is"]
    lines += [f"{r[0]}  {r[1]}  {r[2]:.2f}  {f:.2f}  {e:.2f}" for r, f, e in zip(rows, X @ (a, b), now)]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
