"""Vectors in memory, to and from gensim, torch and dicts, and as notebooks show them."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from embedkit import Vectors, io
from embedkit.errors import EmbedkitError


def planted() -> Vectors:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    return Vectors(words, rng.normal(size=(30, 8)).astype(np.float32), counts=np.arange(300, 0, -10),
                   meta={"name": "planted"})


def keyed_vectors():
    from gensim.models import KeyedVectors

    v = planted()
    kv = KeyedVectors(v.dim)
    kv.add_vectors(v.words, v.matrix.copy())
    for word, count in zip(v.words, v.counts):
        kv.set_vecattr(word, "count", int(count))
    return kv


# -- gensim ----------------------------------------------------------------------------------------

def test_from_gensim_shares_the_matrix_and_keeps_order_and_counts():
    kv = keyed_vectors()
    v = Vectors.from_gensim(kv)
    assert v.words == kv.index_to_key and np.shares_memory(v.matrix, kv.vectors)
    assert v.counts.tolist() == [kv.get_vecattr(w, "count") for w in kv.index_to_key]
    assert v.meta == {"name": "gensim KeyedVectors", "source_format": "gensim", "gensim_class": "KeyedVectors"}
    assert Vectors.from_gensim(kv, name="mine").name == "mine"


def test_to_gensim_shares_the_matrix_and_answers_as_embedkit_does():
    from embedkit import query

    v = planted()
    kv = v.to_gensim()
    assert kv.index_to_key == v.words and kv.key_to_index == v.index and np.shares_memory(kv.vectors, v.matrix)
    assert [kv.get_vecattr(w, "count") for w in v.words] == v.counts.tolist()
    ours = query.most_similar(v, "w3", topn=5)
    theirs = kv.most_similar("w3", topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-6)


def test_round_trip_through_gensim_is_the_identity():
    v = planted()
    back = Vectors.from_gensim(v.to_gensim())
    assert back.words == v.words and np.array_equal(back.matrix, v.matrix) and back.counts.tolist() == v.counts.tolist()


def test_from_a_word2vec_model_takes_its_wv_and_training_settings():
    from gensim.models import Word2Vec

    sentences = [["a", "b", "c", "d"], ["b", "c", "d", "e"]] * 20
    model = Word2Vec(sentences, vector_size=6, window=2, min_count=1, epochs=1, seed=1, workers=1)
    v = Vectors.from_gensim(model)
    assert v.words == model.wv.index_to_key and np.shares_memory(v.matrix, model.wv.vectors)
    assert v.meta["gensim_class"] == "Word2Vec" and v.meta["training"]["window"] == 2
    assert v.counts.tolist() == [model.wv.get_vecattr(w, "count") for w in v.words]


def test_from_gensim_refuses_what_holds_no_keyed_vectors():
    with pytest.raises(EmbedkitError, match="expected gensim KeyedVectors or a model with .wv, got dict"):
        Vectors.from_gensim({"a": [1.0]})


def test_sparse_one_hot_vectors_become_dense_keyed_vectors():
    v = Vectors(["a", "b", "c"], sp.identity(3, format="csr"))
    kv = v.to_gensim()
    assert np.array_equal(kv.vectors, np.eye(3, dtype=np.float32)) and kv.similarity("a", "b") == 0.0


def test_a_memory_mapped_ekv_goes_to_gensim_without_a_copy(tmp_path):
    io.save(planted(), tmp_path / "v.ekv")
    v = io.load(tmp_path / "v.ekv")
    assert isinstance(v.matrix, np.memmap) or not v.matrix.flags.writeable
    kv = v.to_gensim()
    assert np.shares_memory(kv.vectors, v.matrix) and kv.most_similar("w1", topn=1)


# -- torch -----------------------------------------------------------------------------------------

def test_to_torch_frozen_shares_memory_trainable_copies():
    torch = pytest.importorskip("torch")
    v = planted()
    frozen = v.to_torch()
    assert isinstance(frozen, torch.nn.Embedding) and not frozen.weight.requires_grad
    assert frozen.weight.shape == (30, 8) and np.shares_memory(frozen.weight.detach().numpy(), v.matrix)
    rows = torch.tensor(v.rows(["w4", "w0"]))
    assert np.array_equal(frozen(rows).detach().numpy(), v.matrix[[4, 0]])
    trainable = v.to_torch(freeze=False)
    assert trainable.weight.requires_grad and not np.shares_memory(trainable.weight.detach().numpy(), v.matrix)
    with torch.no_grad():
        trainable.weight.add_(1.0)  # training it leaves the vectors alone
    assert np.array_equal(v.matrix, planted().matrix)


def test_to_torch_of_read_only_and_sparse_vectors(tmp_path):
    pytest.importorskip("torch")
    io.save(planted(), tmp_path / "v.ekv")
    mapped = io.load(tmp_path / "v.ekv")
    assert np.array_equal(mapped.to_torch().weight.numpy(), planted().matrix)
    onehot = Vectors(["a", "b"], sp.identity(2, format="csr"))
    assert onehot.to_torch().weight.numpy().tolist() == [[1.0, 0.0], [0.0, 1.0]]


# -- dicts -----------------------------------------------------------------------------------------

def test_from_dict_keeps_the_order_and_checks_lengths_and_counts():
    v = Vectors.from_dict({"dog": [0.0, 1.0], "cat": (1, 0)}, counts={"cat": 3, "dog": 5}, meta={"name": "pets"})
    assert v.words == ["dog", "cat"] and v.matrix.dtype == np.float32 and v.counts.tolist() == [5, 3]
    assert v.matrix.tolist() == [[0.0, 1.0], [1.0, 0.0]] and v.name == "pets"
    with pytest.raises(ValueError, match=r"the vectors have different lengths: \[2, 3\]"):
        Vectors.from_dict({"a": [1, 2], "b": [1, 2, 3]})
    with pytest.raises(ValueError, match="counts has no count for 'b'"):
        Vectors.from_dict({"a": [1], "b": [2]}, counts={"a": 1})
    assert Vectors.from_dict(planted()).words == planted().words  # a Vectors is a mapping too


# -- notebooks -------------------------------------------------------------------------------------

def test_vectors_show_as_an_html_table_with_escaped_words():
    v = Vectors(["<b>", "a&b"] + [f"w{i}" for i in range(10)], np.ones((12, 8)), counts=range(12, 0, -1))
    html = v._repr_html_()
    assert "&lt;b&gt;" in html and "a&amp;b" in html and "<b>&lt;" not in html.replace("<b>vectors", "")
    assert "vectors: 12 words x 8 dims, dense float32" in html
    assert html.count("<tr>") == 1 + 8 and "and 4 more words" in html
    assert "<th style=\"text-align:right\">count</th>" in html and "2.828" in html  # the norm of 8 ones


def test_evaluation_and_report_tables_show_as_html():
    from embedkit.downstream.report import CompareReport
    from embedkit.evaluation.table import EvaluationResult, Row, Score
    from embedkit.experiments.report import Report, Table

    result = EvaluationResult(["v<1>"], [Row("ws353", "similarity", "spearman", "f", [Score(0.5, 3, 4)])],
                              {"restrict": None, "oov": "skip", "method": "3cosadd", "case_insensitive": True}, [])
    html = result._repr_html_()
    assert "v&lt;1&gt;" in html and "0.500 (3/4)" in html and "left out (gensim&#x27;s default)" in html
    row = {"model": "bow", "embeddings": "bow", "tuning": None, "accuracy_mean": 0.75, "accuracy_std": 0.0,
           "macro_f1_mean": 0.7, "macro_f1_std": 0.0, "parameters": 1234, "coverage": None, "seconds_per_epoch": None}
    html = CompareReport("mr", [1], [row])._repr_html_()
    assert "<td style=\"text-align:left\">bow</td>" in html and "75.0 ± 0.0" in html and "1,234" in html
    report = Report("x", "Cells", [{"cell": "lstm", "accuracy": 0.5}], "LSTM wins.", extra=[Table("More", [{"a": 1}])])
    html = report._repr_html_()
    assert "<b>Cells</b>" in html and "<b>More</b>" in html and "Result: LSTM wins." in html and "0.500" in html
