"""The baselines without a recurrent network: NBSVM-bi, bag of words for any number of classes,
averaged word vectors + logistic regression; and their dispatch from an --embeddings spec.

Planted data sets decide what each model must get right: a label that only bigrams can tell
("not good" against "not bad"), three classes told apart by their cue words, vectors that put
the classes on two axes. No torch here.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from embedkit.downstream.avg import choose_c, run_avg, sentence_features
from embedkit.downstream.bow import run_bow
from embedkit.downstream.config import ClassifierConfig
from embedkit.downstream.datasets import ClassificationData, LabelledTexts
from embedkit.downstream.nbsvm import NBSVM, log_count_ratio, run_nbsvm
from embedkit.downstream.runs import is_baseline, run_model, vectors_source
from embedkit.errors import EmbedkitError
from embedkit.vectors import Vectors

FILLER = ["the", "film", "was", "plot", "and", "it", "a", "this"]


def negation(n: int, seed: int) -> LabelledTexts:
    """pos: "not bad" or "good"; neg: "not good" or "bad". Every unigram (not, good, bad) is in both
    classes about equally often, so only the bigrams tell them apart."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = ["neg", "pos"][i % 2]
        cue = rng.choice({"pos": ["not bad", "good not"], "neg": ["not good", "bad not"]}[label])
        words = [rng.choice(FILLER) for _ in range(rng.randint(3, 7))]
        words.insert(rng.randrange(len(words) + 1), cue)
        texts.append(" ".join(words))
        labels.append(label)
    return LabelledTexts(texts, labels)


def three_classes(n: int, seed: int) -> LabelledTexts:
    cues = {"a": ["apple", "apricot"], "b": ["banana", "berry"], "c": ["cherry", "carrot"]}
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = "abc"[i % 3]
        words = [rng.choice(FILLER) for _ in range(5)]
        words.insert(rng.randrange(6), rng.choice(cues[label]))
        texts.append(" ".join(words))
        labels.append(label)
    return LabelledTexts(texts, labels)


def data_of(make, n=300) -> ClassificationData:
    train, dev, test = make(n, 0), make(n // 5, 1), make(n // 3, 2)
    return ClassificationData("planted", train, dev, test, sorted(set(train.labels)), "")


def test_log_count_ratio_by_hand():
    x = np.array([[1, 0, 1], [1, 1, 0], [0, 1, 1]])
    r = log_count_ratio(x, np.array([True, True, False]), alpha=1.0)
    p, q = np.array([3, 2, 2]), np.array([1, 2, 2])  # 1 + column sums of the positive / other rows
    np.testing.assert_allclose(r, np.log((p / 7) / (q / 5)))
    assert r[0] > 0 > r[1]  # a feature of the positive rows leans positive, and the other way round


def test_nbsvm_needs_its_bigrams():
    data = data_of(negation)
    bigrams = NBSVM().fit(data.train.texts, data.train.labels)
    unigrams = NBSVM(ngrams=1).fit(data.train.texts, data.train.labels)
    accuracy = lambda model: np.mean(np.array(model.predict(data.test.texts)) == np.array(data.test.labels))  # noqa: E731
    assert accuracy(bigrams) == 1.0
    assert accuracy(unigrams) < 0.75  # "good"/"bad"/"not" alone cannot tell the classes apart


def test_nbsvm_interpolation_is_the_papers():
    from sklearn.svm import LinearSVC

    data = data_of(negation, 120)
    model = NBSVM(beta=0.25).fit(data.train.texts, data.train.labels)
    x = model.vectorizer_.transform(data.train.texts)
    positive = np.array(data.train.labels) == "pos"
    r = log_count_ratio(x, positive)
    np.testing.assert_allclose(model.r_[0], r)
    w = LinearSVC(C=1.0, dual=True, max_iter=10_000, random_state=0).fit(x.multiply(r).tocsr(), positive).coef_.ravel()
    np.testing.assert_allclose(model.w_[0], 0.75 * np.abs(w).mean() + 0.25 * w, rtol=1e-6)


def test_nbsvm_three_classes_one_vs_rest():
    data = data_of(three_classes)
    model = NBSVM().fit(data.train.texts, data.train.labels)
    assert model.w_.shape[0] == 3 and model.classes_ == ["a", "b", "c"]
    assert model.predict(data.test.texts) == data.test.labels


def test_run_nbsvm_cv_is_one_fit_per_fold_on_train_and_dev():
    data = data_of(negation)
    result = run_nbsvm(data, cv=5)
    assert [r["fold"] for r in result["runs"]] == [0, 1, 2, 3, 4]
    assert result["accuracy_mean"] == 1.0 and result["accuracy_std"] == 0.0
    assert result["coverage"] is None and result["seconds_per_epoch"] is None


def test_bow_three_classes_is_one_vs_rest_whichever_scikit_learn():
    """Three classes: one binary liblinear regression per class; the same model in every scikit-learn
    the dependency range allows (bench/sklearn_range.py runs this file under each)."""
    from embedkit.downstream.bow import train_bow

    data = data_of(three_classes)
    model, info = train_bow(data)
    classifier = model[-1]
    assert len(classifier.estimators_) == 3
    assert list(classifier.classes_) == ["a", "b", "c"]
    assert run_bow(data)["accuracy_mean"] == 1.0


def test_sentence_features_average_the_known_tokens():
    vectors = Vectors(["good", "film", "bad"], np.array([[1, 0], [0, 2], [-1, 0]], dtype=np.float32))
    x = sentence_features(["a good film", "bad bad", "unknown words only"], vectors)
    np.testing.assert_allclose(x, [[0.5, 1.0], [-1.0, 0.0], [0.0, 0.0]])


def _axis_vectors() -> Vectors:
    """Cue words of class a on axis 0, of b on axis 1, of c on -(axis 0 + axis 1); filler near 0."""
    words = ["apple", "apricot", "banana", "berry", "cherry", "carrot", *FILLER]
    rng = np.random.default_rng(0)
    matrix = np.vstack([[4, 0], [4, 0], [0, 4], [0, 4], [-4, -4], [-4, -4], *rng.normal(0, 0.1, (len(FILLER), 2))])
    return Vectors(words, matrix.astype(np.float32))


def test_avg_learns_from_the_vectors_and_reports_coverage():
    data = data_of(three_classes)
    result = run_avg(data, _axis_vectors())
    assert result["accuracy_mean"] == 1.0 and len(result["runs"]) == 1
    assert result["coverage"]["fraction"] == 1.0
    partial = run_avg(data, Vectors(["apple", "banana"], np.eye(2, dtype=np.float32)))
    assert partial["coverage"]["found"] == 2 and partial["coverage"]["vocab"] == len(FILLER) + 6


def test_choose_c_on_dev_when_given():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    y = (x[:, 0] > 0).astype(int)
    dev = (x[:20], y[:20])
    assert choose_c(x, y, dev) == 0.25  # separable: every C is perfect; the tie goes to the smallest
    assert choose_c(x, y) == 0.25


def test_specs_of_the_baselines():
    assert is_baseline("bow") and is_baseline("nbsvm") and is_baseline("avg:glove-6b-50d")
    assert not is_baseline("random") and not is_baseline("glove-6b-50d")
    assert vectors_source("avg:dir/v.vec") == "dir/v.vec" and vectors_source("random") is None


def test_run_model_dispatches_every_baseline(tmp_path):
    data = data_of(three_classes)
    path = tmp_path / "axis.vec"
    vectors = _axis_vectors()
    path.write_text(f"{len(vectors)} 2\n" + "".join(f"{w} {a} {b}\n" for w, (a, b) in zip(vectors.words, vectors.matrix)))
    for spec in ("bow", "nbsvm", f"avg:{path}"):
        result = run_model(data, ClassifierConfig(embeddings=spec))
        assert result["accuracy_mean"] == 1.0, spec
    with pytest.raises(EmbedkitError, match=r"avg:VECTORS needs the vectors after 'avg:'"):
        run_model(data, ClassifierConfig(embeddings="avg:"))
    with pytest.raises(EmbedkitError, match="saving a model is for the recurrent classifiers, not --embeddings nbsvm"):
        run_model(data, ClassifierConfig(embeddings="nbsvm"), keep_models=True)
