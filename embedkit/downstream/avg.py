"""Averaged word vectors + logistic regression, SentEval's protocol (`--embeddings avg:VECTORS`).

A sentence is the mean of the vectors of its tokens (`sentence_tokens`) that the vectors have (the
zero vector when none has one), and an L2-regularised logistic regression (scikit-learn, lbfgs;
multinomial for three classes or more) is fitted on these features. The regularisation strength
C is chosen from 2^-2 .. 2^3 as SentEval (Conneau and Kiela 2018) chooses it: on the standard dev
split where the data set has one (SST), else by an inner 5-fold cross-validation of the training
texts (MR, CR, SUBJ, MPQA under 10-fold cross-validation; TREC), and the model is then refitted
on all training texts with the chosen C. Deterministic: one fit per fold.

Example:
    >>> from embedkit.downstream.datasets import load_classification
    >>> from embedkit.downstream.avg import run_avg
    >>> run_avg(load_classification("cr", mirror="../shared/datasets"), "glove-6b-50d", cv=10)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import time

import numpy as np

from ..vectors import Vectors
from .datasets import ClassificationData
from .embeddings import coverage_of
from .nbsvm import fit_texts
from .scores import prediction_scores, summarize
from .splits import evaluation_splits
from .tokenizer import sentence_tokens

PREFIX = "avg:"  # --embeddings avg:VECTORS names this baseline
C_GRID = tuple(2.0 ** t for t in range(-2, 4))  # SentEval's grid for logistic regression
INNER_FOLDS = 5                                 # SentEval's default kfold


def label(spec: str) -> str:
    return f"averaged {os.path.basename(spec[len(PREFIX):])} + logistic regression"


def sentence_features(texts: list[str], vectors: Vectors, lowercase: bool = True) -> np.ndarray:
    """(n, dim) float32: the mean vector of each text's tokens that `vectors` has (zeros if none).

    Example:
        >>> v = Vectors(["good", "film"], np.array([[1.0, 0.0], [0.0, 1.0]]))
        >>> sentence_features(["A good film", "nothing here"], v).tolist()
        [[0.5, 0.5], [0.0, 0.0]]
    """
    index, matrix = vectors.index, vectors.matrix
    out = np.zeros((len(texts), matrix.shape[1]), dtype=np.float32)
    for i, text in enumerate(texts):
        rows = [index[t] for t in sentence_tokens(text, lowercase) if t in index]
        if rows:
            out[i] = matrix[rows].mean(0)
    return out


def _fit(x, y, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000).fit(x, y)


def choose_c(x: np.ndarray, y: np.ndarray, dev: tuple[np.ndarray, np.ndarray] | None = None,
             folds: int = INNER_FOLDS) -> float:
    """The C of `C_GRID` with the best accuracy on `dev` when given, else over an inner stratified
    `folds`-fold cross-validation of (x, y) (ties: the smaller C)."""
    from sklearn.model_selection import StratifiedKFold

    best = None
    for c in C_GRID:
        if dev is not None:
            score = float(np.mean(_fit(x, y, c).predict(dev[0]) == dev[1]))
        else:
            splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=1111).split(x, y)
            score = float(np.mean([np.mean(_fit(x[a], y[a], c).predict(x[b]) == y[b]) for a, b in splits]))
        if best is None or score > best[1]:
            best = (c, score)
    return best[0]


def run_avg(data: ClassificationData, vectors: Vectors, *, cv: int | None = None, lowercase: bool = True) -> dict:
    """Test accuracy and macro-F1 of averaged `vectors` + logistic regression, in `run_seeds`' shape,
    with the coverage of the words it is fitted on (`embeddings.coverage_of`; the last fold's, as
    `run_seeds` reports it)."""
    has_dev = data.dev is not None  # a standard dev split (SST): C is chosen on it
    runs, coverage = [], []
    for fold, part in enumerate(evaluation_splits(data, cv)):
        start = time.perf_counter()
        if has_dev and not cv:
            x, y = sentence_features(part.train.texts, vectors, lowercase), np.asarray(part.train.labels)
            dev = (sentence_features(part.dev.texts, vectors, lowercase), np.asarray(part.dev.labels))
            c = choose_c(x, y, dev)
        else:
            fit = fit_texts(part)
            x, y = sentence_features(fit.texts, vectors, lowercase), np.asarray(fit.labels)
            c = choose_c(x, y)
        model = _fit(x, y, c)
        predicted = model.predict(sentence_features(part.test.texts, vectors, lowercase))
        runs.append({"seed": None, "fold": fold if cv else None, **prediction_scores(part.test.labels, predicted),
                     "C": c, "seconds": time.perf_counter() - start})
        coverage.append(coverage_of(fit.texts if not (has_dev and not cv) else part.train.texts, vectors, lowercase))
    classes = len(data.classes)
    weights = (1 if classes == 2 else classes) * (vectors.dim + 1)
    return {**summarize(runs), "runs": runs, "parameters": weights, "coverage": coverage[-1],
            "seconds_per_epoch": None}
