"""`embedkit classify` through click's CliRunner: output, --json, --save, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("torch")

from embedkit.cli import main  # noqa: E402


@pytest.fixture(autouse=True)
def _threads():
    import torch

    torch.set_num_threads(1)


@pytest.fixture
def tsv(tmp_path):
    """120 label<TAB>text lines; the label is decided by one keyword."""
    rng = np.random.default_rng(0)
    filler = [f"w{i}" for i in range(15)]
    lines = []
    for i in range(120):
        label, keyword = ("pos", "great") if i % 2 else ("neg", "awful")
        words = list(rng.choice(filler, int(rng.integers(2, 8))))
        words.insert(int(rng.integers(0, len(words) + 1)), keyword)
        lines.append(f"{label}\t{' '.join(words)}")
    path = tmp_path / "tiny.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, expected: str):
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_classify_prints_accuracy_over_seeds(tsv):
    result = invoke("classify", tsv, "--epochs", 6, "--seeds", 2, "--hidden", 16, "--lr", 0.01, "-q")
    assert result.exit_code == 0, result.output
    assert "tiny, random: test accuracy" in result.output and "+-" in result.output and "(2 runs)" in result.output
    assert "parameters:" in result.output and "seconds per epoch:" in result.output


def test_classify_json(tsv):
    result = invoke("classify", tsv, "--embeddings", "onehot", "--epochs", 8, "--seeds", 2, "--hidden", 8,
                    "--lr", 0.01, "--pooling", "max", "--bidirectional", "-q", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["dataset"] == "tiny" and payload["embeddings"] == "onehot"
    assert len(payload["runs"]) == 2 and {r["seed"] for r in payload["runs"]} == {1, 2}
    assert 0 <= payload["accuracy_std"] and 0 <= payload["accuracy_mean"] <= 1
    assert payload["runs"][0]["n"] == 12  # the seeded 10% test split of 120 lines
    assert payload["coverage"] is None and payload["parameters"] > 0


def test_classify_pretrained_file_reports_coverage_and_saves(tsv, tmp_path):
    vectors = tmp_path / "small.vec"
    words = ["great", "awful", "w1", "w2"]
    vectors.write_text(f"{len(words)} 3\n" + "".join(f"{w} 0.{i} 0.5 -0.{i}\n" for i, w in enumerate(words)),
                       encoding="utf-8")
    result = invoke("classify", tsv, "--embeddings", vectors, "--freeze", "--epochs", 2, "--seeds", 1,
                    "--hidden", 8, "-q", "--save", tmp_path / "model")
    assert result.exit_code == 0, result.output
    assert "coverage: 4 of 17 training words have vectors (23.5%)" in result.output
    from embedkit.downstream.classifier import TrainedClassifier

    loaded = TrainedClassifier.load(tmp_path / "model")
    assert loaded.config.freeze is True and loaded.classes == ["neg", "pos"]


def test_classify_bow_and_cv(tsv):
    result = invoke("classify", tsv, "--embeddings", "bow", "--cv", 3, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [r["fold"] for r in payload["runs"]] == [0, 1, 2]
    assert payload["accuracy_mean"] >= 0.9


def test_unknown_dataset(tmp_path):
    one_line_error(invoke("classify", "imdb-nope"), "imdb-nope: no such file, and not a classification set")


def test_malformed_file_names_the_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("pos\tgood film\nneg\tbad film\njust text without a tab\n", encoding="utf-8")
    one_line_error(invoke("classify", path), "bad.tsv, line 3: expected 'label<TAB>text'")


def test_unknown_embeddings(tsv):
    one_line_error(invoke("classify", tsv, "--embeddings", "glove-nope", "-q"), "glove-nope")


def test_onehot_finetune_refused(tsv):
    one_line_error(invoke("classify", tsv, "--embeddings", "onehot", "--finetune"), "fixed by definition")


def test_cuda_missing_is_an_error(tsv):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    one_line_error(invoke("classify", tsv, "--device", "cuda", "-q"), "no CUDA device")


def test_help_does_not_import_torch():
    code = "import sys, embedkit.cli; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    result = invoke("classify", "--help")
    assert result.exit_code == 0 and "Example:" in result.output
