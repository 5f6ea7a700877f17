"""classify with vectors with subwords: every word with a trained n-gram gets a vector (training
words and test-only words alike), the composed ones counted in the coverage line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("torch")

from embedkit import io  # noqa: E402
from embedkit.cli import main  # noqa: E402
from embedkit.downstream.batches import build_vocab, embedding_matrix  # noqa: E402
from embedkit.downstream.config import ClassifierConfig  # noqa: E402
from embedkit.downstream.datasets import ClassificationData, LabelledTexts  # noqa: E402
from tests.io.test_subword_files import WORDS, make_vectors  # noqa: E402

UNSEEN = ["walks", "talked", "überall", "walker"]


@pytest.fixture(autouse=True)
def _threads():
    import torch

    torch.set_num_threads(1)


def tiny_set(path):
    """120 lines of known and unseen words; the label is decided by 'walk' or 'talk'."""
    rng = np.random.default_rng(0)
    lines = []
    for i in range(120):
        label, keyword = ("pos", "walk") if i % 2 else ("neg", "talk")
        words = [keyword, *rng.choice(WORDS[2:] + UNSEEN, int(rng.integers(2, 6)))]
        lines.append(f"{label}\t{' '.join(words)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_training_word_gets_a_vector(tmp_path):
    io.save(make_vectors(), tmp_path / "v.ekv")
    io.save(make_vectors().head(7), tmp_path / "whole.vec")
    data = tiny_set(tmp_path / "tiny.tsv")
    args = [str(data), "--epochs", "1", "--seeds", "1", "--hidden", "4", "-q"]
    result = CliRunner().invoke(main, ["classify", *args, "--embeddings", str(tmp_path / "v.ekv")])
    assert result.exit_code == 0, result.output
    vocab = len(set(WORDS[2:] + UNSEEN + ["walk", "talk"]))
    assert f"coverage: {vocab} of {vocab} training words have vectors (100.0%; 4 composed from character n-grams)" \
        in result.output
    whole = CliRunner().invoke(main, ["classify", *args, "--embeddings", str(tmp_path / "whole.vec"), "--json"])
    assert json.loads(whole.output)["coverage"] == {"found": vocab - 4, "vocab": vocab,
                                                    "fraction": (vocab - 4) / vocab}


def test_composed_rows_and_test_only_words():
    vectors = make_vectors()
    texts = ["walk walks", "talk talked"]
    data = ClassificationData("tiny", LabelledTexts(texts, ["a", "b"]), None, LabelledTexts(["überall walker xy"], ["a"]),
                              ["a", "b"], "")
    words = build_vocab(data, ClassifierConfig(), vectors)
    assert words == ["<pad>", "<unk>", "talk", "talked", "walk", "walks", "überall", "walker"]  # xy: <unk>
    matrix, coverage = embedding_matrix(words, vectors, seed=0)
    assert coverage == {"found": 6, "vocab": 6, "fraction": 1.0, "composed": 4}
    np.testing.assert_array_equal(matrix[2:], vectors.vectors_of(words[2:]))


def test_the_report_counts_composed_words_and_names_the_subword_model():
    from embedkit.downstream.embeddings import coverage_of
    from embedkit.downstream.grid import trained_on
    from embedkit.downstream.report import _coverage_cell

    vectors = make_vectors()
    coverage = coverage_of(["walk walks", "talk talked xy"], vectors)
    assert coverage == {"found": 4, "vocab": 5, "fraction": 0.8, "composed": 2}  # xy has no trained n-gram
    assert _coverage_cell(coverage) == "80.0% of 5 (2 composed)"
    whole = coverage_of(["walk walks", "talk talked xy"], vectors.head(7))
    assert whole == {"found": 2, "vocab": 5, "fraction": 0.4} and _coverage_cell(whole) == "40.0% of 5"
    vectors.meta.update(corpus_words=1000, corpus="c.txt", trained_with="embedkit", engine="native")
    assert "embedkit native skip-gram with character n-grams (fastText's model)" in trained_on(vectors)
    plain = vectors.head(7)
    plain.meta.update(corpus_words=1000, corpus="c.txt", trained_with="embedkit", engine="native")
    assert "embedkit native skip-gram, 7 words x 6" in trained_on(plain)
