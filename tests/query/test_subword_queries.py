"""Queries on vectors with subwords: a word outside the vocabulary gets its composed vector in
neighbors, similarity, analogy, odd-one-out and the prompt, and every answer says so."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import io, query
from embedkit.cli import main
from tests.io.test_subword_files import WORDS, make_vectors

NOTE = "'{}' is not in the vocabulary: its vector is composed from its character n-grams"


@pytest.fixture
def path(tmp_path):
    io.save(make_vectors(), tmp_path / "v.ekv")
    return tmp_path / "v.ekv"


def run(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert result.exit_code == 0, result.output
    return result.output


def unit(m):
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


def test_neighbors_of_an_unseen_word_rank_by_its_composed_vector(path):
    vectors = make_vectors()
    scores = unit(vectors.matrix) @ unit(vectors.vectors_of(["walks"])[0])
    expected = [WORDS[i] for i in np.argsort(-scores)[:3]]
    answers = query.most_similar(io.load(path), ["walks"], topn=3)
    assert [w for w, _ in answers] == expected
    np.testing.assert_allclose([s for _, s in answers], np.sort(scores)[::-1][:3], rtol=1e-5)
    lines = run("neighbors", path, "walks", "--topn", "3").splitlines()
    assert lines[0] == NOTE.format("walks") and lines[1].split() == ["rank", "word", "cosine"]
    assert [line.split()[1] for line in lines[2:]] == expected
    found = json.loads(run("neighbors", path, "walks", "walk", "--topn", "3", "--json"))
    assert [(r["query"], r["composed"]) for r in found["results"]] == [("walks", True), ("walk", False)]
    assert [n["word"] for n in found["results"][0]["neighbors"]] == expected


def test_a_word_in_the_vocabulary_gets_no_note(path):
    output = run("neighbors", path, "walk", "--topn", "2")
    assert "composed" not in output and output.splitlines()[0].split() == ["rank", "word", "cosine"]


def test_similarity_analogy_and_odd_one_out_say_which_words_were_composed(path):
    vectors = make_vectors()
    a, b = unit(vectors.vectors_of(["walks", "talked"]))
    found = json.loads(run("similarity", path, "walks", "talked", "--json"))
    assert found["composed"] == ["walks", "talked"]
    assert found["cosine"] == pytest.approx(float(a @ b), rel=1e-5)
    text = run("similarity", path, "walks", "walk").splitlines()
    assert text[0] == NOTE.format("walks") and text[1].split() == ["word1", "word2", "cosine"]
    lines = run("analogy", path, "walk", "walks", "talk", "--topn", "2").splitlines()
    assert lines[:2] == ["walk : walks :: talk : ?  (3CosAdd)", NOTE.format("walks")]
    assert json.loads(run("analogy", path, "walk", "walks", "talk", "--json"))["composed"] == ["walks"]
    odd = json.loads(run("odd-one-out", path, "walk", "talked", "überall", "--json"))
    assert odd["composed"] == ["talked", "überall"] and odd["odd"] in ("walk", "talked", "überall")
    assert run("odd-one-out", path, "walk", "talked", "überall").splitlines()[:2] == \
        [NOTE.format("talked"), NOTE.format("überall")]


def test_the_prompt_notes_composed_words(path):
    output = run("query", path, "--topn", "2", input="walks\nsim walk talked\nwalk\n")
    lines = output.splitlines()
    assert lines[:2] == ["> walks", NOTE.format("walks")]  # from a pipe the question is echoed first
    assert lines.count(NOTE.format("talked")) == 1 and len([x for x in lines if "composed" in x]) == 2


def test_a_word_without_a_trained_ngram_is_still_unknown(path):
    result = CliRunner().invoke(main, ["neighbors", str(path), "xy"])  # <xy, xy>, <xy>: no trained bucket
    assert result.exit_code == 1
    assert result.output.startswith("Error: word 'xy' is not in the vocabulary")
