"""NBSVM-bi's bias: the SVM's whole bias b beside the interpolated weights (as fitted before the fix)
against the bias interpolated with them (beta * b, `embedkit.downstream.nbsvm` now) and no
interpolation at all (beta 1), 10-fold cross-validation, one data set a call:

    python bench/nbsvm_bias.py cr whole      # whole | scaled | beta1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.downstream import nbsvm  # noqa: E402
from embedkit.downstream.datasets import load_classification  # noqa: E402
from embedkit.downstream.scores import prediction_scores  # noqa: E402
from embedkit.downstream.splits import evaluation_splits  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset")
    parser.add_argument("variant", choices=["whole", "scaled", "beta1"])
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    args = parser.parse_args()
    dataset, variant, mirror = args.dataset, args.variant, args.mirror
    beta = 1.0 if variant == "beta1" else nbsvm.BETA
    accuracies = []
    for part in evaluation_splits(load_classification(dataset, mirror=mirror), 10):
        fit = nbsvm.fit_texts(part)
        model = nbsvm.NBSVM(beta=beta).fit(fit.texts, fit.labels)
        if variant == "whole":
            model.b_ = model.b_ / beta  # the SVM's own bias, as before the fix
        accuracies.append(prediction_scores(part.test.labels, model.predict(part.test.texts))["accuracy"])
    print(f"{dataset} {variant}: {100 * np.mean(accuracies):.2f}")


if __name__ == "__main__":
    main()
