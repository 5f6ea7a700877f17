"""NBSVM-bi (Wang and Manning 2012): a linear SVM on naive-Bayes-scaled uni+bigram features.

Each sentence becomes the binary bag of its unigrams and bigrams, f (the tokens of
`embedkit.downstream.sentence_tokens`, vocabulary from the training texts). With p = alpha + the
sum of f over the texts of the class and q = alpha + the sum over the others, the log-count ratio
is r = log((p / |p|_1) / (q / |q|_1)), and the SVM (L2-regularised, squared hinge loss,
liblinear: scikit-learn's `LinearSVC`) is trained on r * f. Its weights w are then interpolated
with their mean magnitude, w' = (1 - beta) * mean(|w|) + beta * w, which mixes the SVM with the
naive-Bayes scores that r * f already holds. The settings are the paper's for sentences: alpha 1,
C 1, beta 0.25; there is nothing to tune, so the model is fitted on the train and dev texts of a
split together. With three classes or more it is one-vs-rest (one r and one SVM per class, the
highest score wins).

Wang and Manning (2012), "Baselines and Bigrams: Simple, Good Sentiment and Topic Classification",
ACL, Table 2 (10-fold cross-validation): MR 79.4, CR 81.8, SUBJ 93.2, MPQA 86.3.

Example:
    >>> from embedkit.downstream.datasets import load_classification
    >>> from embedkit.downstream.nbsvm import run_nbsvm
    >>> run_nbsvm(load_classification("mr", mirror="../shared/datasets"), cv=10)["accuracy_mean"]  # doctest: +SKIP
    0.79...
"""

from __future__ import annotations

import time
from functools import partial

import numpy as np

from .datasets import ClassificationData, LabelledTexts
from .scores import prediction_scores, summarize
from .splits import evaluation_splits
from .tokenizer import sentence_tokens

SPEC = "nbsvm"  # what --embeddings names this baseline
LABEL = "NBSVM-bi (uni+bigrams)"
ALPHA, C, BETA = 1.0, 1.0, 0.25  # Wang and Manning's settings for the sentence tasks


def log_count_ratio(x, positive: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """r = log((p / |p|_1) / (q / |q|_1)) with p = alpha + the feature sums over the `positive`
    rows of `x` (n x V, binary) and q = alpha + the sums over the other rows.

    Example:
        >>> import numpy as np
        >>> x = np.array([[1, 0], [1, 1], [0, 1]])
        >>> log_count_ratio(x, np.array([True, True, False])).round(3).tolist()  # p=(3,2), q=(1,2)
        [0.588, -0.511]
    """
    positive = np.asarray(positive, dtype=bool)
    p = alpha + np.asarray(x[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[~positive].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


class NBSVM:
    """The classifier: `fit(texts, labels)` then `predict(texts)` (scikit-learn's conventions).

    Learned state: `vectorizer_`, `classes_`, and per binary problem the ratio `r_`, the
    interpolated weights `w_` and the bias `b_` (one row per class for 3+ classes, one for 2).
    """

    def __init__(self, *, ngrams: int = 2, alpha: float = ALPHA, C: float = C, beta: float = BETA,
                 lowercase: bool = True):
        self.ngrams, self.alpha, self.C, self.beta, self.lowercase = ngrams, alpha, C, beta, lowercase

    def fit(self, texts: list[str], labels: list[str]) -> "NBSVM":
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.svm import LinearSVC

        self.vectorizer_ = CountVectorizer(tokenizer=partial(sentence_tokens, lowercase=self.lowercase),
                                           lowercase=False, token_pattern=None, ngram_range=(1, self.ngrams),
                                           binary=True)
        x = self.vectorizer_.fit_transform(texts).tocsr()  # (n, V) binary
        labels = np.asarray(labels)
        self.classes_ = sorted(set(labels.tolist()))
        targets = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        self.r_, self.w_, self.b_ = [], [], []
        for target in targets:  # one binary problem: target against the rest
            positive = labels == target
            r = log_count_ratio(x, positive, self.alpha)
            svm = LinearSVC(C=self.C, loss="squared_hinge", dual=True, max_iter=10_000, random_state=0)
            svm.fit(x.multiply(r).tocsr(), positive.astype(int))
            w = svm.coef_.ravel()
            self.r_.append(r)
            self.w_.append((1 - self.beta) * np.abs(w).mean() + self.beta * w)
            self.b_.append(float(svm.intercept_[0]))
        self.r_, self.w_, self.b_ = np.array(self.r_), np.array(self.w_), np.array(self.b_)
        return self

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """(n, problems) scores: (r * f) . w' + b for each binary problem."""
        x = self.vectorizer_.transform(texts).tocsr()
        return np.column_stack([x.multiply(r).tocsr() @ w + b for r, w, b in zip(self.r_, self.w_, self.b_)])

    def predict(self, texts: list[str]) -> list[str]:
        scores = self.decision_function(texts)
        if len(self.classes_) == 2:
            return [self.classes_[int(s > 0)] for s in scores[:, 0]]
        return [self.classes_[i] for i in scores.argmax(1)]


def fit_texts(split: ClassificationData) -> LabelledTexts:
    """The train and dev texts of a split together: what a model with nothing to tune is fitted on."""
    dev = split.dev or LabelledTexts([], [])
    return LabelledTexts(split.train.texts + dev.texts, split.train.labels + dev.labels)


def run_nbsvm(data: ClassificationData, *, cv: int | None = None, lowercase: bool = True) -> dict:
    """Test accuracy and macro-F1 in `run_seeds`' shape: one deterministic fit per fold with
    `cv=K` (the paper's protocol with K=10), else one fit on the fixed split."""
    runs = []
    for fold, part in enumerate(evaluation_splits(data, cv)):
        start = time.perf_counter()
        fit = fit_texts(part)
        model = NBSVM(lowercase=lowercase).fit(fit.texts, fit.labels)
        runs.append({"seed": None, "fold": fold if cv else None,
                     **prediction_scores(part.test.labels, model.predict(part.test.texts)),
                     "features": len(model.vectorizer_.vocabulary_), "seconds": time.perf_counter() - start})
    problems = 1 if len(data.classes) == 2 else len(data.classes)
    return {**summarize(runs), "runs": runs, "parameters": problems * (runs[0]["features"] + 1),
            "coverage": None, "seconds_per_epoch": None}
