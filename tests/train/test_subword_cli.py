"""`embedkit train --subwords` through the CLI: the native engine and gensim's FastText, their
files (.ekv with n-gram rows, fastText .bin), and one worker + a seed giving identical files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from gensim.models.fasttext import load_facebook_vectors

from embedkit import io
from embedkit.cli import main
from embedkit.subwords import SubwordVectors
from tests.train.test_subword_engine import morphology_corpus

OPTIONS = ["--vector-size", "12", "--min-count", "1", "--epochs", "2", "--workers", "1", "--seed", "3",
           "--min-n", "3", "--max-n", "5", "--bucket", "20000"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "morphology.txt"
    stems = morphology_corpus(path)
    return path, [form for *_, form in stems.values() if form]


def train(*args):
    result = CliRunner().invoke(main, ["train", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def test_native_subwords_write_the_ngram_rows_and_repeat_with_a_seed(corpus, tmp_path):
    path, held_out = corpus
    output = train(path, "-o", tmp_path / "a.ekv", "--subwords", *OPTIONS)
    train(path, "-o", tmp_path / "b.ekv", "--subwords", *OPTIONS)
    a, b = io.load(tmp_path / "a.ekv"), io.load(tmp_path / "b.ekv")
    assert isinstance(a, SubwordVectors) and (a.subwords.settings.min_n, a.subwords.settings.max_n) == (3, 5)
    rows = a.subwords.ngram_matrix.shape[0]
    assert output.splitlines()[-1] == (f"wrote {len(a)} vectors of dimension 12 and {rows:,} n-gram rows to "
                                       f"{tmp_path / 'a.ekv'}")
    assert 0 < rows <= 20000 and a.subwords.buckets.max() < 20000
    np.testing.assert_array_equal(a.subwords.input_matrix, b.subwords.input_matrix)
    np.testing.assert_array_equal(a.matrix, b.matrix)
    assert a.composed(held_out) == held_out and not any(w in a.index for w in held_out)
    meta = json.loads((tmp_path / "a.ekv" / "meta.json").read_text())["meta"]
    assert meta["engine"] == "native" and meta["ngram_rows"] == rows
    train(path, "-o", tmp_path / "c.ekv", "--subwords", *OPTIONS, "--seed", "4")  # the last --seed counts
    assert not np.array_equal(io.load(tmp_path / "c.ekv").matrix, a.matrix)


def test_gensim_fasttext_behind_the_same_options(corpus, tmp_path):
    path, held_out = corpus
    train(path, "-o", tmp_path / "g.bin", "--subwords", "--engine", "gensim", *OPTIONS)
    kv = load_facebook_vectors(str(tmp_path / "g.bin"))
    assert (kv.min_n, kv.max_n, kv.bucket, kv.vector_size) == (3, 5, 20000, 12)
    ours = io.load(tmp_path / "g.bin")
    assert isinstance(ours, SubwordVectors) and ours.words == kv.index_to_key
    np.testing.assert_allclose(ours.vectors_of(held_out), np.array([kv[w] for w in held_out]), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("engine", ["native", "gensim"])
def test_ns_exponent_reaches_the_subword_engines(corpus, tmp_path, monkeypatch, engine):
    """--subwords takes --ns-exponent (fastText draws by counts ** 0.5); the engine trains with it."""
    from embedkit.train.engines import gensim_subword, native_kernels

    seen, table, fit = [], native_kernels.alias_table, gensim_subword.fit
    monkeypatch.setattr(native_kernels, "alias_table", lambda p: seen.append(np.array(p)) or table(p))

    def spy(*args, **options):
        model, ordered = fit(*args, **options)
        seen.append(model.ns_exponent)
        return model, ordered

    monkeypatch.setattr(gensim_subword, "fit", spy)
    path, _ = corpus
    train(path, "-o", tmp_path / "half.ekv", "--subwords", "--engine", engine, *OPTIONS, "--ns-exponent", "0.5")
    train(path, "-o", tmp_path / "default.ekv", "--subwords", "--engine", engine, *OPTIONS)
    half, default = io.load(tmp_path / "half.ekv"), io.load(tmp_path / "default.ekv")
    config = json.loads((tmp_path / "half.ekv" / "meta.json").read_text())["meta"]["config"]
    assert config["ns_exponent"] == 0.5 and config["subwords"] is True
    assert not np.array_equal(half.matrix, default.matrix)
    if engine == "gensim":
        assert seen == [0.5, 0.75]
    else:
        counts = half.counts.astype(np.float64)
        np.testing.assert_allclose(seen[-1], counts ** 0.75 / (counts ** 0.75).sum(), rtol=1e-12)
        np.testing.assert_allclose(seen[-3], counts ** 0.5 / (counts ** 0.5).sum(), rtol=1e-12)
