"""A pretrained name works wherever a command takes VECTORS: every such command is run with one.

The pretrained set is replaced by a small one behind the same name (its loader and its files), so
the test needs no 400,000-word download and checks the one mechanism every command goes through.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import Vectors
from embedkit.cli import main
from embedkit.io import pretrained

NAME = "glove-6b-50d"


@pytest.fixture
def small_glove(monkeypatch, tmp_path):
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "apple", "pear", "car"] + [f"w{i}" for i in range(40)]
    vectors = Vectors(words, rng.normal(size=(len(words), 6)).astype(np.float32),
                      meta={"source": NAME, "source_format": "glove"})
    (tmp_path / "index.parquet").write_bytes(b"x" * 100)
    (tmp_path / "emb.npy").write_bytes(b"y" * 23)
    monkeypatch.setitem(pretrained._LOADERS, NAME, lambda: vectors)
    monkeypatch.setitem(pretrained._FILES, NAME, lambda: (tmp_path / "index.parquet", tmp_path / "emb.npy"))
    (tmp_path / "pairs.txt").write_text("king\tqueen\t8\nman\twoman\t7\napple\tcar\t1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return vectors


COMMANDS = {
    "info": ["info", NAME, "--json"],
    "convert": ["convert", NAME, "out.vec"],
    "neighbors": ["neighbors", NAME, "king", "--topn", "2"],
    "similarity": ["similarity", NAME, "king", "queen"],
    "analogy": ["analogy", NAME, "man", "king", "woman", "--topn", "1"],
    "odd-one-out": ["odd-one-out", NAME, "apple", "pear", "king"],
    "query": ["query", NAME],
    "plot": ["plot", NAME, "-o", "out.png", "--method", "pca"],
    "evaluate": ["evaluate", NAME, "-s", "pairs.txt"],
}


def test_every_command_that_takes_vectors_is_listed():
    takes = {name for name, command in main.commands.items()
             if any(param.name in ("vectors", "source", "path") for param in command.params)}
    assert takes == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_pretrained_name_works(small_glove, name, tmp_path):
    result = CliRunner().invoke(main, COMMANDS[name], input="king\n")
    assert result.exit_code == 0, result.output
    if name == "info":
        summary = json.loads(result.output)
        assert summary["path"] == NAME and summary["words"] == len(small_glove) and summary["dim"] == 6
        assert summary["format"] == "glove" and summary["file_bytes"] == 123
    if name == "convert":
        assert result.output == f"out.vec: {len(small_glove):,} words x 6 dims (word2vec)\n"
        assert (tmp_path / "out.vec").read_text().splitlines()[0] == f"{len(small_glove)} 6"


def test_a_file_of_that_name_is_read_as_a_file(small_glove, tmp_path):
    from embedkit import io

    io.save(Vectors(["a", "b"], np.eye(2)), tmp_path / NAME, "word2vec")
    result = CliRunner().invoke(main, ["info", NAME, "--json"])
    assert json.loads(result.output)["words"] == 2
