"""No silent waits: on a terminal, a status line before each long step without a progress bar;
in a pipe or a log, nothing but the results and the errors."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import Vectors, io
from embedkit.cli import main
from embedkit.cli import options


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    io.save(Vectors(words, rng.normal(size=(60, 8))), tmp_path / "v.ekv")
    (tmp_path / "pairs.txt").write_text("w1\tw2\t5\nw3\tw4\t1\nw5\tw9\t3\n", encoding="utf-8")
    (tmp_path / "set.tsv").write_text("".join(f"{'pos' if i % 2 else 'neg'}\t{'good' if i % 2 else 'bad'} film {i}\n"
                                              for i in range(100)), encoding="utf-8")
    return tmp_path


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(options, "_stderr_is_terminal", lambda: True)


def test_evaluate_says_what_it_reads_and_scores(files, terminal):
    v = str(files / "v.ekv")
    result = CliRunner().invoke(main, ["evaluate", v, v, "-s", str(files / "pairs.txt"), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"[1/2] reading {v} ...", "[1/2] scoring its 60 words on 1 benchmark ...",
                                          f"[2/2] reading {v} ...", "[2/2] scoring its 60 words on 1 benchmark ..."]


def test_bow_says_it_is_fitting(files, terminal):
    result = CliRunner().invoke(main, ["classify", str(files / "set.tsv"), "--embeddings", "bow"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["bow: fitting a bag-of-words logistic regression on 80 texts, C chosen on "
                                          "the dev split from 5 values ..."]
    quiet = CliRunner().invoke(main, ["classify", str(files / "set.tsv"), "--embeddings", "bow", "-q"])
    assert quiet.stderr == ""


def test_plot_says_umap_is_importing_and_compiling(files, terminal):
    result = CliRunner().invoke(main, ["plot", str(files / "v.ekv"), "-o", str(files / "v.png")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == ("UMAP of 60 words: importing umap-learn and loading its numba code "
                                             "(compiled on the first run only) ...")
    pca = CliRunner().invoke(main, ["plot", str(files / "v.ekv"), "-o", str(files / "p.png"), "--method", "pca"])
    assert pca.stderr.splitlines()[0] == "PCA of 60 words ..."


def test_nothing_but_results_when_stderr_is_not_a_terminal(files):
    result = CliRunner().invoke(main, ["evaluate", str(files / "v.ekv"), "-s", str(files / "pairs.txt")])
    assert result.exit_code == 0 and result.stderr == ""
