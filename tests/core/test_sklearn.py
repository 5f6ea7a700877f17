"""`embedkit.sklearn.MeanEmbedding`: texts become mean vectors, inside a Pipeline and a grid search."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from embedkit import Vectors, io
from embedkit.sklearn import MeanEmbedding


def planted(seed: int = 0):
    """Vectors with two planted groups (good words, bad words) and noise words; texts of two noise
    words to one group word, five each: the label is the group of its group words."""
    rng = np.random.default_rng(seed)
    good, bad, noise = [f"good{i}" for i in range(15)], [f"bad{i}" for i in range(15)], [f"n{i}" for i in range(40)]
    centre_good, centre_bad = rng.normal(size=12), rng.normal(size=12)
    matrix = np.vstack([centre_good + 0.3 * rng.normal(size=(15, 12)), centre_bad + 0.3 * rng.normal(size=(15, 12)),
                        rng.normal(size=(40, 12))])
    vectors = Vectors(good + bad + noise, matrix)
    texts, labels = [], []
    for i in range(240):
        label = "pos" if i % 2 else "neg"
        words = list(rng.choice(good if label == "pos" else bad, 2)) + list(rng.choice(noise, 5))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return vectors, texts, labels


def test_mean_of_the_known_words_and_zero_for_a_text_without_any():
    v = Vectors(["good", "bad"], np.array([[1.0, 0.0], [0.0, 1.0]]))
    out = MeanEmbedding(v).fit_transform(["Good good GOOD bad", "nothing known", "bad, bad!"])
    assert out.dtype == np.float32 and out.shape == (3, 2)
    assert out.tolist() == [[0.75, 0.25], [0.0, 0.0], [0.0, 1.0]]
    assert MeanEmbedding(v, lowercase=False).fit_transform(["Good bad"]).tolist() == [[0.0, 1.0]]


def test_normalize_averages_unit_vectors_and_coverage_is_measured_at_fit():
    v = Vectors(["long", "short"], np.array([[10.0, 0.0], [0.0, 1.0]]))
    model = MeanEmbedding(v, normalize=True).fit(["long short", "long unknown"])
    assert model.transform(["long short"]).tolist() == [[0.5, 0.5]]
    assert model.coverage_ == 0.75 and model.n_features_out_ == 2
    assert list(model.get_feature_names_out()) == ["dim0", "dim1"]


def test_in_a_pipeline_on_a_planted_set():
    vectors, texts, labels = planted()
    model = make_pipeline(MeanEmbedding(vectors), LogisticRegression(max_iter=1000)).fit(texts[:160], labels[:160])
    assert model.score(texts[160:], labels[160:]) >= 0.95
    # the noise words alone carry no label: a classifier on them is at chance
    noise_only = [" ".join(w for w in t.split() if w.startswith("n")) for t in texts]
    baseline = make_pipeline(MeanEmbedding(vectors), LogisticRegression(max_iter=1000)).fit(noise_only[:160], labels[:160])
    assert baseline.score(noise_only[160:], labels[160:]) <= 0.7


def test_in_a_grid_search_over_its_own_and_the_models_parameters():
    vectors, texts, labels = planted(1)
    grid = GridSearchCV(make_pipeline(MeanEmbedding(vectors), LogisticRegression(max_iter=1000)),
                        {"meanembedding__normalize": [False, True], "logisticregression__C": [0.01, 1.0]}, cv=3)
    grid.fit(texts[:180], labels[:180])
    assert set(grid.cv_results_["param_meanembedding__normalize"]) == {False, True}
    assert grid.best_params_["logisticregression__C"] == 1.0 and grid.score(texts[180:], labels[180:]) >= 0.95
    assert grid.best_estimator_[0].vectors is vectors  # the grid never copied the matrix


def test_clone_shares_the_vectors():
    vectors, _, _ = planted()
    copy = clone(MeanEmbedding(vectors, normalize=True))
    assert copy.vectors is vectors and copy.normalize is True and not hasattr(copy, "vectors_")


def test_a_file_or_pretrained_name_is_read_at_fit(tmp_path):
    vectors, texts, labels = planted()
    io.save(vectors, tmp_path / "v.ekv")
    model = MeanEmbedding(str(tmp_path / "v.ekv")).fit(texts)
    assert model.vectors_.words == vectors.words
    assert np.allclose(model.transform(texts[:3]), MeanEmbedding(vectors).fit(texts).transform(texts[:3]))


def test_bad_input():
    vectors, _, _ = planted()
    with pytest.raises(NotFittedError):
        MeanEmbedding(vectors).transform(["good0"])
    with pytest.raises(TypeError, match=r"MeanEmbedding takes a list of texts, not one string: wrap it as \[text\]"):
        MeanEmbedding(vectors).fit("good0 bad0")
    with pytest.raises(TypeError, match="MeanEmbedding takes texts \\(str\\), got a int: 3"):
        MeanEmbedding(vectors).fit(["good0", 3])
    assert MeanEmbedding(vectors).fit(np.array(["good0", "bad1"])).transform(np.array(["good0"])).shape == (1, 12)
