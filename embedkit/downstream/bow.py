"""The non-recurrent one-hot baseline: bag-of-words logistic regression (scikit-learn).

Each sentence becomes the binary bag of its unigrams and bigrams (the tokens of
`embedkit.downstream.sentence_tokens`, vocabulary from the training split), and an L2-regularised
logistic regression (liblinear) is fitted on it; the regularisation strength C is chosen on the
dev split from a small grid. With three classes or more it is one-vs-rest: one binary regression
per class, the highest score wins (liblinear fits binary models only; an explicit
`OneVsRestClassifier` gives the same model in every scikit-learn version, and for two classes it
is the one binary regression itself). The same fixed splits as the recurrent classifiers are used, so the numbers compare.

Example:
    >>> from embedkit.downstream.datasets import load_classification
    >>> from embedkit.downstream.bow import run_bow
    >>> run_bow(load_classification("mr", mirror="../shared/datasets"))["accuracy_mean"]  # doctest: +SKIP
"""

from __future__ import annotations

import time
from functools import partial


from .datasets import ClassificationData
from .scores import prediction_scores, summarize
from .splits import evaluation_splits, split_data
from .tokenizer import sentence_tokens

SPEC = "bow"  # what --embeddings names this baseline
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)


def train_bow(data: ClassificationData, *, lowercase: bool = True, ngrams: int = 2, seed: int = 0):
    """Fit on `data.train`, pick C on `data.dev` (missing splits filled by `split_data(seed=0)`).

    Returns:
        (pipeline, info): a fitted scikit-learn Pipeline (`predict` takes raw texts), and
        {"C", "dev_accuracy", "features", "seconds"}.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    data = split_data(data, seed=0)  # fills in missing splits; checks every class is in train and test
    start = time.perf_counter()
    vectorizer = CountVectorizer(tokenizer=partial(sentence_tokens, lowercase=lowercase), lowercase=False,
                                 token_pattern=None, ngram_range=(1, ngrams), binary=True)
    x_train = vectorizer.fit_transform(data.train.texts)
    x_dev = vectorizer.transform(data.dev.texts)
    best = None
    for c in C_GRID:
        classifier = OneVsRestClassifier(LogisticRegression(C=c, solver="liblinear", random_state=seed))
        classifier.fit(x_train, data.train.labels)
        dev = prediction_scores(data.dev.labels, classifier.predict(x_dev))["accuracy"]
        if best is None or dev > best[1]:
            best = (classifier, dev, c)
    classifier, dev, c = best
    model = make_pipeline(vectorizer, classifier)
    features = len(model[0].vocabulary_)
    return model, {"C": c, "dev_accuracy": dev, "features": features, "seconds": time.perf_counter() - start}


def run_bow(data: ClassificationData, *, cv: int | None = None, lowercase: bool = True, status=None) -> dict:
    """Test accuracy and macro-F1 of the baseline, in `run_seeds`' shape (the fit is deterministic,
    so runs differ only by fold with `cv=K`; without it there is one run).

    `status`, when given, is called with a line of text as each fit starts (a fit of MR takes a few
    seconds, of SST-2 with its phrases half a minute)."""
    folds = evaluation_splits(data, cv)
    runs = []
    for fold, part in enumerate(folds):
        if status:
            which = f" (fold {fold + 1} of {len(folds)})" if cv else ""
            status(f"bow: fitting a bag-of-words logistic regression on {len(part.train.texts):,} texts{which}, "
                   f"C chosen on the dev split from {len(C_GRID)} values ...")
        model, info = train_bow(part, lowercase=lowercase)
        runs.append({"seed": None, "fold": fold if cv else None,
                     **prediction_scores(part.test.labels, model.predict(part.test.texts)), **info})
    n_classes = len(data.classes)
    return {**summarize(runs), "runs": runs,
            "parameters": runs[0]["features"] * (1 if n_classes == 2 else n_classes) + (1 if n_classes == 2 else n_classes),
            "coverage": None, "seconds_per_epoch": None}
