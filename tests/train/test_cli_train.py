"""The training-side commands through click's CliRunner: exit codes, messages, files."""

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit.cli import main


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_train_writes_vectors_that_gensim_can_read(planted_file, tmp_path):
    from gensim.models import KeyedVectors

    corpus, groups = planted_file
    out = tmp_path / "v.vec"
    result = run("train", corpus, "-o", out, "--min-count", 1, "--vector-size", 16, "--epochs", 3,
                 "--workers", 1, "--sample", 0)
    assert result.exit_code == 0, result.output
    assert "epoch 3/3: loss" in result.output and "words/s" in result.output
    kv = KeyedVectors.load_word2vec_format(out)
    assert set(kv.index_to_key) == {w for g in groups for w in g}
    assert kv.vector_size == 16


def test_train_default_format_round_trips_with_config(planted_file, tmp_path):
    from embedkit import io

    corpus, _ = planted_file
    out = tmp_path / "v.ekv"
    assert run("train", corpus, "-o", out, "--min-count", 1, "--epochs", 1, "-q").exit_code == 0
    vectors = io.load(out)
    assert vectors.meta["config"]["epochs"] == 1 and vectors.meta["complete"] is True
    assert vectors.counts is not None


@pytest.mark.parametrize("args,message,code", [
    (["missing.txt"], "missing.txt: no such file", 1),
    (["CORPUS", "--window", "0"], "Invalid value for '--window': 0 is not in the range x>=1", 2),
    (["CORPUS", "--min-count", "1000"], "lower --min-count", 1),
])
def test_train_errors_are_one_line_and_leave_no_file(planted_file, tmp_path, args, message, code):
    corpus, _ = planted_file
    out = tmp_path / "v.vec"
    args = [str(corpus) if a == "CORPUS" else a for a in args]
    result = CliRunner().invoke(main, ["train", *args, "-o", str(out), "-q"])
    assert result.exit_code == code
    assert "Error: " in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["planted.txt"]


def test_train_empty_corpus(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = CliRunner().invoke(main, ["train", str(empty), "-o", str(tmp_path / "v.vec")])
    assert result.exit_code == 1 and "holds no words" in result.output


def test_windows_prints_hand_worked_pairs():
    result = run("windows", "the quick brown fox jumps", "--window", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["center", "context"]
    assert [tuple(l.split()) for l in lines[1:4]] == [("the", "quick"), ("the", "brown"), ("quick", "the")]
    assert len(lines) == 1 + 14


def test_windows_from_file_with_limit(planted_file):
    corpus, _ = planted_file
    result = run("windows", "--file", corpus, "--limit", "7", "--dynamic")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1 + 7


def test_windows_needs_text_or_file():
    result = CliRunner().invoke(main, ["windows"])
    assert result.exit_code == 2 and "give either TEXT or --file" in result.output


def test_onehot_has_cosine_zero_and_dimension_vocab_size(planted_file, tmp_path):
    from embedkit import io

    corpus, groups = planted_file
    out = tmp_path / "onehot.ekv"
    result = run("onehot", corpus, "-o", out)
    assert result.exit_code == 0, result.output
    vectors = io.load(out)
    n = sum(len(g) for g in groups)
    assert vectors.shape == (n, n)
    unit = vectors.unit
    gram = (unit @ unit.T).toarray() if hasattr(unit, "toarray") else unit @ unit.T
    np.testing.assert_array_equal(gram, np.eye(n))


def test_onehot_refuses_huge_dense_text_and_says_how_big(tmp_path):
    corpus = tmp_path / "big.txt"
    corpus.write_text(" ".join(f"w{i}" for i in range(10_001)))
    out = tmp_path / "onehot.vec"
    result = CliRunner().invoke(main, ["onehot", str(corpus), "-o", str(out)])
    assert result.exit_code == 1
    assert "10,001 x 10,001 = 100,020,001 numbers" in result.output and ".ekv" in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]
    assert CliRunner().invoke(main, ["onehot", str(corpus), "-o", str(tmp_path / "o.ekv")]).exit_code == 0
