"""Classification scores: accuracy and macro-F1 of one run, their mean and spread over several.

Shared by the recurrent classifiers (`classify`) and the bag-of-words baseline (`bow`), so both
report the same numbers the same way; no torch here.
"""

from __future__ import annotations

import numpy as np


def prediction_scores(y_true, y_pred) -> dict:
    """{"accuracy", "macro_f1", "n"} of predictions against gold labels (any comparable labels)."""
    from sklearn.metrics import f1_score

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return {"accuracy": float(np.mean(y_true == y_pred)) if len(y_true) else float("nan"),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
            "n": int(len(y_true))}


def summarize(runs: list[dict]) -> dict:
    """Mean and sample standard deviation (0 for a single run) of the runs' accuracy and macro-F1."""
    acc = np.array([r["accuracy"] for r in runs])
    f1 = np.array([r["macro_f1"] for r in runs])

    def std(values):
        return float(values.std(ddof=1)) if len(values) > 1 else 0.0

    return {"accuracy_mean": float(acc.mean()), "accuracy_std": std(acc),
            "macro_f1_mean": float(f1.mean()), "macro_f1_std": std(f1)}
