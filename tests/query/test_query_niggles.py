"""The prompt reads `king-man+woman`, and one-hot answers say that their cosines all tie at 0."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from embedkit import Vectors, io
from embedkit.cli import main
from embedkit.errors import EmbedkitError
from embedkit.query.prompt import QuerySession, parse_expression
from embedkit.query.ties import ONE_HOT_TIES

VOCABULARY = {"king", "man", "woman", "queen", "-", "--", "x-ray", "well-known", "+"}


@pytest.mark.parametrize("line, expected", [
    ("king-man+woman", (["king", "woman"], ["man"])),
    ("king - man+woman", (["king", "woman"], ["man"])),
    ("king+woman-man", (["king", "woman"], ["man"])),
    ("-man", ([], ["man"])),
    ("x-ray", (["x-ray"], [])),                    # a word of the vocabulary is never cut
    ("x-ray-man", (["x-ray"], ["man"])),           # the longest known run is kept whole
    ("well-known+king", (["well-known", "king"], [])),
    ("king - --", (["king"], ["--"])),             # '--' is a word
    ("-", (["-"], [])),
    ("+", (["+"], [])),
    ("qeen-man", (["qeen"], ["man"])),             # unknown words are cut too, and reported by the query
])
def test_signs_inside_tokens(line, expected):
    assert parse_expression(line, VOCABULARY) == expected


@pytest.mark.parametrize("line, message", [
    ("king+-man", "two operators in a row in 'king+-man'"),
    ("king-", "'king-' ends with '-'; expected a word after it"),
])
def test_bad_expressions(line, message):
    with pytest.raises(EmbedkitError, match=message.replace("+", r"\+")):
        parse_expression(line, VOCABULARY)


def toy() -> Vectors:
    return Vectors(["king", "man", "woman", "queen"], np.array([[1, 1, 0], [0, 1, 0], [0, 1, 1], [1, 1, 1.1]]))


def test_the_prompt_answers_king_minus_man_plus_woman_without_spaces():
    session = QuerySession(toy(), topn=1)
    assert session.answer("king-man+woman") == session.answer("king - man + woman")
    assert session.answer("king-man+woman").splitlines()[1].split()[1] == "queen"


@pytest.fixture
def onehot(tmp_path):
    path = tmp_path / "onehot.ekv"
    io.save(Vectors(["a", "b", "c", "d"], sp.identity(4, format="csr"), meta={"kind": "onehot"}), path)
    return path


def test_neighbors_on_one_hot_vectors_say_the_cosines_tie(onehot, tmp_path):
    result = CliRunner().invoke(main, ["neighbors", str(onehot), "b", "--topn", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["rank  word  cosine", "   1  a     0.0000", "   2  c     0.0000",
                                          f"Note: {ONE_HOT_TIES}."]
    json_out = CliRunner().invoke(main, ["neighbors", str(onehot), "b", "--json"])
    assert "Note" not in json_out.output  # JSON stays JSON
    dense = tmp_path / "dense.vec"
    io.save(toy(), dense)
    assert "Note" not in CliRunner().invoke(main, ["neighbors", str(dense), "king"]).output


def test_the_prompt_says_so_too(onehot):
    session = QuerySession(io.load(onehot), topn=2)
    assert session.answer("a").splitlines()[-1] == f"Note: {ONE_HOT_TIES}."
    assert "Note" not in QuerySession(toy()).answer("king")
