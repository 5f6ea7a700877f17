"""Downstream commands on valid but unusual data, and on bad input: classify, compare, explain.

Multi-class bag of words, vectors a classifier cannot start from (sparse, NaN/inf, empty), saved
models that are damaged or are not what `classify --save` writes, data sets with one class or a
class missing from a split, and texts cut by `--max-len`. The data sets are planted: three classes
whose words tell them apart, so even one epoch of a tiny model runs in about a second.
"""

from __future__ import annotations

import json
import pickle
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.hardening.conftest import bad_input, invoke, snapshot, unchanged

ROOT = Path(__file__).resolve().parents[2]
MIRROR = ROOT.parent / "shared" / "datasets"
FAST = ("--epochs", 1, "--seeds", 1, "--hidden", 4, "--dim", 4, "--batch-size", 32, "--threads", 1, "-q")
CUES = {"a": ["apple", "avocado", "apricot"], "b": ["banana", "berry", "bean"], "c": ["cherry", "coconut", "carrot"]}


def planted_rows(n: int = 240, seed: int = 0, classes=("a", "b", "c")) -> list[tuple[str, str]]:
    """(label, text) rows: every text holds two cue words of its class among filler words."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = classes[i % len(classes)]
        words = [rng.choice(["the", "of", "and", "a", "to"]) for _ in range(6)]
        for at in rng.sample(range(6), 2):
            words[at] = rng.choice(CUES[label])
        rows.append((label, " ".join(words)))
    return rows


def write_tsv(path: Path, rows) -> Path:
    path.write_text("".join(f"{label}\t{text}\n" for label, text in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    return write_tsv(tmp_path_factory.mktemp("data") / "three.tsv", planted_rows())


# -- bag of words with three classes or more ---------------------------------------------------------


def test_bow_classifies_three_classes(three):
    result = invoke("classify", three, "--embeddings", "bow")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("three, bow: test accuracy ")
    assert float(first.split("test accuracy ")[1].split()[0].rstrip(",")) >= 90.0  # the cue words decide the class


def test_bow_three_classes_json_and_cv(three):
    result = invoke("classify", three, "--embeddings", "bow", "--cv", 3, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert len(payload["runs"]) == 3 and payload["accuracy_mean"] >= 0.9


def test_bow_binary_fit_is_the_plain_liblinear_regression(tmp_path):
    """Two classes: the same predictions as one LogisticRegression(liblinear), the model before."""
    from sklearn.linear_model import LogisticRegression

    from embedkit.downstream.bow import train_bow
    from embedkit.downstream.datasets import load_classification
    from embedkit.downstream.splits import split_data

    rows = planted_rows(300, seed=3, classes=("a", "b"))
    rng = random.Random(5)  # some noise, so that C matters
    rows = [(rng.choice("ab") if rng.random() < 0.2 else label, text) for label, text in rows]
    data = split_data(load_classification(write_tsv(tmp_path / "two.tsv", rows)), seed=0)
    model, info = train_bow(data)
    vectorizer = model[0]
    plain = LogisticRegression(C=info["C"], solver="liblinear", random_state=0)
    plain.fit(vectorizer.transform(data.train.texts), data.train.labels)
    texts = data.test.texts + data.dev.texts
    assert list(model.predict(texts)) == list(plain.predict(vectorizer.transform(texts)))


def test_compare_with_bow_on_three_classes(three, tmp_cwd):
    result = invoke("compare", three, "-e", "bow", "-o", "report", "-q")
    assert result.exit_code == 0, result.output
    assert "bag-of-words logistic regression" in (tmp_cwd / "report" / "results.md").read_text()


@pytest.mark.skipif(not (MIRROR / "classification" / "trec").is_dir(), reason="shared TREC data not present")
def test_bow_on_trec():
    from embedkit.downstream.bow import run_bow
    from embedkit.downstream.datasets import load_classification

    result = run_bow(load_classification("trec", mirror=MIRROR))
    assert result["accuracy_mean"] == pytest.approx(0.886, abs=0.01)  # 6 classes, one-vs-rest


# -- vectors a classifier cannot start from ---------------------------------------------------------


def test_onehot_vectors_file_is_refused(three, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(text for _, text in planted_rows(30)) + "\n")
    assert invoke("onehot", corpus, "-o", tmp_path / "onehot.ekv").exit_code == 0
    bad_input("classify", three, "--embeddings", tmp_path / "onehot.ekv", *FAST,
              names=[tmp_path / "onehot.ekv"], contains=["sparse vectors", "--embeddings onehot"])


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_vectors_with_non_finite_values_are_refused(three, tmp_path, value):
    vectors = tmp_path / "bad.vec"
    vectors.write_text(f"3 2\napple 0.1 0.2\nthe 0.3 {value}\nberry 0.5 0.6\n")
    bad_input("classify", three, "--embeddings", vectors, *FAST, names=[vectors])


def test_vectors_with_no_words_are_refused(three, tmp_path):
    vectors = tmp_path / "none.vec"
    vectors.write_text("0 5\n")
    bad_input("classify", three, "--embeddings", vectors, *FAST, names=[vectors])


def test_check_vectors_messages():
    from embedkit.downstream.embeddings import check_vectors
    from embedkit.errors import EmbedkitError
    from embedkit.vectors import Vectors

    matrix = np.ones((3, 2), np.float32)
    matrix[1, 0], matrix[2, 1] = np.nan, np.inf
    with pytest.raises(EmbedkitError) as caught:
        check_vectors(Vectors(["a", "b", "c"], matrix), "v.vec")
    assert str(caught.value) == ("v.vec: 2 of 3 vectors hold NaN or infinite values (the first: 'b'); "
                                 "fix or drop them before training on them")
    with pytest.raises(EmbedkitError, match="^v.vec: holds 0 words x 4 dimensions; "):
        check_vectors(Vectors([], np.zeros((0, 4), np.float32)), "v.vec")
    check_vectors(Vectors(["a", "b"], np.eye(2, dtype=np.float32)), "v.vec")


def test_vectors_passed_from_python_are_checked_too(three):
    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.training import train_classifier
    from embedkit.downstream.datasets import load_classification
    from embedkit.errors import EmbedkitError
    from embedkit.vectors import Vectors

    vectors = Vectors(["apple", "berry"], np.array([[0.1, np.nan], [0.2, 0.3]], np.float32))
    config = ClassifierConfig(embeddings="mine", epochs=1, hidden=4)
    with pytest.raises(EmbedkitError, match="^mine: 1 of 2 vectors hold NaN"):
        train_classifier(load_classification(three), config, progress=False, vectors=vectors)


# -- explain: saved models that are not what `classify --save` writes -----------------------------------


class NotAStateDict:
    """A pickled object of a class of its own: torch.load(weights_only=True) refuses it."""


@pytest.fixture(scope="module")
def saved(three, tmp_path_factory) -> Path:
    model = tmp_path_factory.mktemp("models") / "model"
    result = invoke("classify", three, "--pooling", "attention", *FAST, "--save", model)
    assert result.exit_code == 0, result.output
    return model


def damaged(saved: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(saved, copy)
    return copy


def test_explain_reads_the_saved_model(saved):
    result = invoke("explain", saved, "apple and the banana")
    assert result.exit_code == 0, result.output
    assert "predicted: " in result.output


def test_explain_pickled_object_never_suggests_loading_it_unsafely(saved, tmp_path):
    import torch

    model = damaged(saved, tmp_path, "pickled")
    torch.save(NotAStateDict(), model / "weights.pt")
    error = bad_input("explain", model, "apple", names=[model / "weights.pt"])
    result = invoke("explain", model, "apple")
    assert "weights_only" not in result.output and "torch.load" not in result.output
    assert error == (f"Error: {model / 'weights.pt'}: not a state dict of tensors as `classify --save` writes; "
                     "embedkit reads only tensors from it, never pickled objects")


@pytest.mark.parametrize("content, message", [
    ([1, 2], "holds a list, not a state dict (names -> tensors)"),
    ({"embedding.weight": 1}, "holds a dict, not a state dict (names -> tensors)"),
    ({"something.else": np.zeros(2)}, None),
    (b"", "not a state dict of tensors"),
    (b"PK\x03\x04 cut short", "not a state dict of tensors"),
])
def test_explain_weights_that_are_not_a_state_dict(saved, tmp_path, content, message):
    import torch

    model = damaged(saved, tmp_path, "weights")
    if isinstance(content, bytes):
        (model / "weights.pt").write_bytes(content)
    elif isinstance(content, dict) and "something.else" in content:
        torch.save({"something.else": torch.zeros(2)}, model / "weights.pt")
        message = "no 2-D embedding.weight"
    else:
        torch.save(content, model / "weights.pt")
    bad_input("explain", model, "apple", names=[model / "weights.pt"], contains=[message])


def test_explain_truncated_weights(saved, tmp_path):
    model = damaged(saved, tmp_path, "truncated")
    data = (model / "weights.pt").read_bytes()
    (model / "weights.pt").write_bytes(data[: len(data) // 2])
    bad_input("explain", model, "apple", names=[model / "weights.pt"], contains=["not a state dict of tensors"])


@pytest.mark.parametrize("name", ["config.json", "vocab.txt", "weights.pt"])
def test_explain_missing_file_is_named(saved, tmp_path, name):
    model = damaged(saved, tmp_path, "missing")
    (model / name).unlink()
    bad_input("explain", model, "apple", names=[model / name], contains=["missing; not a saved classifier"])


def test_explain_folder_without_any_file(tmp_path):
    (tmp_path / "nothing").mkdir()
    bad_input("explain", tmp_path / "nothing", "apple", names=[tmp_path / "nothing"],
              contains=["not a saved classifier"])


def edit_config(model: Path, change) -> None:
    meta = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps(change(meta)))


@pytest.mark.parametrize("change, message", [
    (lambda meta: [1, 2], "holds a JSON list, not the object a saved classifier has"),
    (lambda meta: "text", "holds a JSON str, not the object"),
    (lambda meta: {k: v for k, v in meta.items() if k != "config"}, "no 'config' (the classifier settings)"),
    (lambda meta: {**meta, "config": [1]}, "'config' must be an object of classifier settings, found a JSON list"),
    (lambda meta: {**meta, "format": "other"}, "not a saved classifier (format 'other'"),
    (lambda meta: {**meta, "classes": "abc"}, "'classes' must be a list of class names"),
    (lambda meta: {**meta, "config": {**meta["config"], "hidden": "many"}}, "its config does not describe"),
    (lambda meta: {**meta, "config": {**meta["config"], "cell": "cnn"}}, "unknown cell 'cnn'"),
])
def test_explain_config_that_is_not_a_saved_config(saved, tmp_path, change, message):
    model = damaged(saved, tmp_path, "config")
    edit_config(model, change)
    bad_input("explain", model, "apple", names=[model / "config.json"], contains=[message])


@pytest.mark.parametrize("change, tensor", [
    (lambda meta: {**meta, "config": {**meta["config"], "hidden": 7}}, "rnn.weight_ih_l0 has shape"),
    (lambda meta: {**meta, "classes": ["a", "b"]}, "output.weight has shape (3, 4), config.json and vocab.txt need (2, 4)"),
])
def test_explain_weights_that_do_not_fit_the_config(saved, tmp_path, change, tensor):
    model = damaged(saved, tmp_path, "misfit")
    edit_config(model, change)
    bad_input("explain", model, "apple", names=[model / "weights.pt"], contains=[tensor])


def test_explain_vocabulary_too_short(saved, tmp_path):
    model = damaged(saved, tmp_path, "vocab")
    (model / "vocab.txt").write_text("<pad>\n")
    bad_input("explain", model, "apple", names=[model / "vocab.txt"])


def test_explain_config_not_json(saved, tmp_path):
    model = damaged(saved, tmp_path, "json")
    (model / "config.json").write_text("{")
    bad_input("explain", model, "apple", names=[model / "config.json"], contains=["not JSON"])


def test_explain_failure_writes_no_page(saved, tmp_path):
    model = damaged(saved, tmp_path, "nopage")
    (model / "weights.pt").write_bytes(pickle.dumps([1]))
    before = snapshot(tmp_path)
    bad_input("explain", model, "apple", "--html", tmp_path / "page.html", names=[model / "weights.pt"])
    unchanged(tmp_path, before)


# -- classes: at least two, each in train and test -------------------------------------------------


@pytest.mark.parametrize("embeddings", ["bow", "random"])
def test_one_class_is_refused(tmp_path, embeddings):
    data = write_tsv(tmp_path / "one.tsv", [("pos", f"good film {i}") for i in range(60)])
    error = bad_input("classify", data, "--embeddings", embeddings, *FAST[:-1], names=["one"])
    assert error == "Error: one: 1 class ('pos'); a classifier needs at least 2"


@pytest.mark.parametrize("embeddings", ["bow", "random"])
def test_class_missing_from_the_test_split_is_named(tmp_path, embeddings):
    rows = planted_rows(60, classes=("a", "b")) + [("c", "cherry coconut carrot")]
    data = write_tsv(tmp_path / "rare.tsv", rows)
    error = bad_input("classify", data, "--embeddings", embeddings, *FAST[:-1], names=["rare"])
    assert error == ("Error: rare: class 'c' has no text in the test split (6 texts); "
                     "every class needs texts in both train and test")


def test_class_missing_from_the_training_split_is_named(tmp_path):
    folder = tmp_path / "splits"
    folder.mkdir()
    write_tsv(folder / "train.tsv", planted_rows(60, classes=("a", "b")))
    write_tsv(folder / "test.tsv", planted_rows(30, classes=("a", "b", "c")))
    error = bad_input("classify", folder, "--embeddings", "bow", names=["splits"])
    assert error == ("Error: splits: class 'c' has no text in the train split (54 texts); "
                     "every class needs texts in both train and test")


def test_class_missing_from_a_cross_validation_fold_is_named(tmp_path):
    rows = planted_rows(60, classes=("a", "b")) + [("c", "cherry coconut carrot")]
    data = write_tsv(tmp_path / "rare.tsv", rows)
    bad_input("classify", data, "--embeddings", "bow", "--cv", 3, names=["rare"],
              contains=["class 'c' has no text in the test split of fold 1 of 3"])


def test_compare_refuses_one_class_before_creating_the_report(tmp_path, tmp_cwd):
    data = write_tsv(tmp_path / "one.tsv", [("pos", f"good film {i}") for i in range(60)])
    bad_input("compare", data, "-e", "bow", "-o", "report", "-q", names=["one"], contains=["at least 2"])


# -- --max-len ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_long_text(tmp_path_factory) -> Path:
    rows = planted_rows(120) + [("a", " ".join(["apple", "the"] * 150))]  # one text of 300 tokens
    return write_tsv(tmp_path_factory.mktemp("long") / "long.tsv", rows)


def test_max_len_cuts_long_texts_and_says_so(with_long_text):
    result = invoke("classify", with_long_text, *FAST, "--max-len", 50)
    assert result.exit_code == 0, result.output
    assert "truncated: 1 of 121 texts cut to their first 50 tokens (--max-len)" in result.output.splitlines()


def test_max_len_default_keeps_short_texts_whole_and_says_nothing(three):
    result = invoke("classify", three, *FAST, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["truncated"] == {"texts": 0, "of": 240, "max_len": 400}
    assert "truncated" not in invoke("classify", three, *FAST).output


def test_max_len_zero_keeps_every_token(with_long_text):
    result = invoke("classify", with_long_text, *FAST, "--max-len", 0, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["truncated"] == {"texts": 0, "of": 121, "max_len": None}


def test_encode_cuts_and_counts():
    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.batches import encode

    split = encode(["a b c d e", "a b"], None, {"a": 2, "b": 3}, ["x"], ClassifierConfig(max_len=3))
    assert split.ids == [[2, 3, 1], [2, 3]] and split.truncated == 1


def test_compare_says_how_many_texts_were_cut(with_long_text, tmp_cwd):
    result = invoke("compare", with_long_text, "-e", "random", "--seeds", 1, "--epochs", 1, "--hidden", 4,
                    "--threads", 1, "--max-len", 50, "-o", "report", "-q")
    assert result.exit_code == 0, result.output
    assert "truncated: 1 of 121 texts cut to their first 50 tokens (max_len)" in result.output


@pytest.mark.skipif(not (MIRROR / "classification").is_dir(), reason="shared data sets not present")
def test_max_len_default_cuts_no_sentence_of_the_shared_sets():
    from embedkit.downstream.datasets import load_classification
    from embedkit.downstream.tokenizer import sentence_tokens

    for name in ("mr", "sst2", "sst5", "subj", "trec", "cr", "mpqa"):
        data = load_classification(name, mirror=MIRROR)
        longest = max(len(sentence_tokens(text)) for split in (data.train, data.dev, data.test)
                      if split is not None for text in split.texts)
        assert longest <= 400 // 3, (name, longest)  # the default has a margin of 3x
