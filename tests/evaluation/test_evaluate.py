"""Intrinsic evaluation: known scores on hand-made files, agreement with gensim, the one-hot baseline."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import scipy.sparse as sp
from gensim.models import KeyedVectors

from embedkit import Vectors
from embedkit.evaluation import read_analogies, read_similarity
from embedkit.errors import EmbedkitError
from embedkit.evaluation import CONSTANT, analogy_scores, evaluate, similarity_score
from tests.shared_data import SHARED, needs_shared

pytestmark = pytest.mark.usefixtures("isolated_home")  # every test: an empty embedkit home



def angles(degrees: dict[str, float]) -> Vectors:
    """2-d unit vectors at the given angles: cosines are the cosines of the angle differences."""
    rad = np.radians(list(degrees.values()))
    return Vectors(list(degrees), np.stack([np.cos(rad), np.sin(rad)], axis=1), meta={"name": "angles"})


def royal() -> Vectors:
    """king - man + woman = queen exactly in direction; apple/pear are a distractor pair."""
    s = 1 / np.sqrt(2)
    rows = {"man": [1, 0, 0, 0], "woman": [0, 1, 0, 0], "king": [s, 0, s, 0], "queen": [0, s, s, 0],
            "apple": [0, 0, 0, 1], "pear": [0, 0, 0.1, 1]}
    return Vectors(list(rows), np.array(list(rows.values())), meta={"name": "royal"})


@pytest.fixture
def pairs_file(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("a\tb\t4\na\tc\t2\nA\tD\t3\na\te\t1\na\tzzz\t5\n")
    return path


@pytest.fixture
def questions_file(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": royal\nMan Woman King Queen\nman king woman queen\n"
                    ": gram-fruit\napple pear man woman\nman woman boy girl\n")
    return path


# -- hand-made files with known answers ----------------------------------------------------------


def test_spearman_on_a_hand_made_file(pairs_file):
    vectors = angles({"a": 0, "b": 10, "c": 40, "d": 70, "e": 100})
    # cosine ranks 4 3 2 1 against human ranks 4 2 3 1: one adjacent swap, rho = 1 - 6*2/(4*15)
    skip = similarity_score(vectors, read_similarity(pairs_file))
    assert (skip.value, skip.covered, skip.total) == (pytest.approx(0.8), 4, 5)
    # dummy: (a, zzz) scores cosine 0: ranks 5 4 3 1 2 against 4 2 3 1 5, rho = 1 - 6*14/(5*24)
    dummy = similarity_score(vectors, read_similarity(pairs_file), oov="dummy")
    assert (dummy.value, dummy.covered, dummy.total) == (pytest.approx(0.3), 4, 5)


def test_analogy_accuracy_on_a_hand_made_file(questions_file):
    sections = read_analogies(questions_file)
    results = analogy_scores(royal(), sections, restrict=None)
    assert [(r.name, r.correct, r.covered, r.total) for r in results] == [("royal", 2, 2, 2),
                                                                            ("gram-fruit", 0, 1, 2)]
    result = evaluate(royal(), similarity=[], analogy=[questions_file], restrict=None)
    assert [r.benchmark for r in result.rows] == ["questions: semantic", "questions: syntactic", "questions: total"]
    total = result.score("questions: total")
    assert (total.value, total.correct, total.covered, total.total) == (pytest.approx(2 / 3), 2, 3, 4)
    assert result.score("questions: syntactic").value == 0.0
    dummy = evaluate(royal(), similarity=[], analogy=[questions_file], restrict=None, oov="dummy")
    assert dummy.score("questions: total").value == 0.5  # the unknown question counts as wrong


def test_restrict_limits_questions_and_answers(questions_file):
    sections = read_analogies(questions_file)
    results = analogy_scores(royal(), sections, restrict=3)  # man, woman, king: queen is out of reach
    assert [(r.correct, r.covered) for r in results] == [(0, 0), (0, 0)]
    cell = evaluate(royal(), similarity=[], analogy=[questions_file], restrict=3).score("questions: total")
    assert math.isnan(cell.value) and "n/a (0/4)" in str(evaluate(royal(), similarity=[], analogy=[questions_file],
                                                                   restrict=3))


def test_3cosmul_on_the_hand_made_file(questions_file):
    results = analogy_scores(royal(), read_analogies(questions_file), restrict=None, method="3cosmul")
    assert [(r.correct, r.covered) for r in results] == [(2, 2), (0, 1)]


# -- agreement with gensim -----------------------------------------------------------------------


def _random_setup(tmp_path, seed=0, n=300, dim=12):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    words[150] = "W3"  # a case variant of w3, later (less frequent): gensim keeps w3's vector
    matrix = rng.normal(size=(n, dim)).astype(np.float32)
    vocab = words + ["zz1", "zz2"]  # two words no vectors have
    with open(tmp_path / "q.txt", "w") as f:
        for section in ("capitals", "gram1-things", "family"):
            f.write(f": {section}\n")
            for _ in range(400):
                q = rng.choice(vocab, 4, replace=False)
                f.write(" ".join(w.upper() if rng.random() < 0.1 else w for w in q) + "\n")
    with open(tmp_path / "p.txt", "w") as f:
        f.write("# Word 1\tWord 2\tHuman (mean)\n")
        for _ in range(200):
            a, b = rng.choice(vocab, 2, replace=False)
            f.write(f"{a}\t{b.upper() if rng.random() < 0.1 else b}\t{rng.uniform(0, 10):.2f}\n")
    kv = KeyedVectors(dim)
    kv.add_vectors(words, matrix)
    return Vectors(words, matrix), kv


@pytest.mark.parametrize("oov", ["skip", "dummy"])
@pytest.mark.parametrize("restrict", [200, 300])
def test_analogies_agree_with_gensim(tmp_path, oov, restrict):
    vectors, kv = _random_setup(tmp_path)
    ours = analogy_scores(vectors, read_analogies(tmp_path / "q.txt"), restrict=restrict, oov=oov)
    score, theirs = kv.evaluate_word_analogies(str(tmp_path / "q.txt"), restrict_vocab=restrict,
                                               dummy4unknown=oov == "dummy")
    assert [r.correct for r in ours] == [len(s["correct"]) for s in theirs[:-1]]
    if oov == "dummy":
        assert [r.total for r in ours] == [len(s["correct"]) + len(s["incorrect"]) for s in theirs[:-1]]
    else:
        assert [r.covered for r in ours] == [len(s["correct"]) + len(s["incorrect"]) for s in theirs[:-1]]
    assert sum(r.correct for r in ours) > 0  # random vectors still get a few right by luck


@pytest.mark.parametrize("oov", ["skip", "dummy"])
def test_word_pairs_agree_with_gensim(tmp_path, oov):
    vectors, kv = _random_setup(tmp_path, seed=1)
    ours = similarity_score(vectors, read_similarity(tmp_path / "p.txt"), oov=oov)
    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(str(tmp_path / "p.txt"), restrict_vocab=len(kv),
                                                          dummy4unknown=oov == "dummy")
    assert ours.value == pytest.approx(spearman.statistic, abs=1e-9)
    assert oov_ratio == pytest.approx(100 * (ours.total - ours.covered) / ours.total)


def test_other_case_spellings_of_the_question_words_are_never_the_answer(questions_file):
    base = royal()
    offset = base["woman"] - base["man"] + base["king"]
    words, matrix = base.words + ["Woman"], np.vstack([base.matrix, offset])  # 'Woman' sits on the answer
    ours = analogy_scores(Vectors(words, matrix), read_analogies(questions_file), restrict=None)
    kv = KeyedVectors(4)
    kv.add_vectors(words, matrix)
    _, theirs = kv.evaluate_word_analogies(str(questions_file), restrict_vocab=len(words))
    assert [r.correct for r in ours] == [len(s["correct"]) for s in theirs[:-1]] == [2, 0]
    sensitive = analogy_scores(Vectors(words, matrix), read_analogies(questions_file), restrict=None,
                               case_insensitive=False)
    assert sensitive[0].covered == 1  # 'Man Woman King Queen' needs case folding; 'Woman' is wrong there


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's most_similar_cosmul calls init_sims
def test_3cosmul_agrees_with_gensim_most_similar_cosmul(tmp_path):
    vectors, kv = _random_setup(tmp_path, seed=2)
    sections = read_analogies(tmp_path / "q.txt")
    questions = [q for q in sections[0].questions if all(w.lower() in kv.key_to_index for w in q)
                 and "W3" not in [w.upper() for w in q]][:40]
    ours = analogy_scores(vectors, [type(sections[0])("s", [tuple(w.lower() for w in q) for q in questions])],
                          restrict=None, method="3cosmul")
    expected = sum(kv.most_similar_cosmul(positive=[b.lower(), c.lower()], negative=[a.lower()], topn=1)[0][0]
                   == d.lower() for a, b, c, d in questions)
    assert ours[0].correct == expected and ours[0].covered == len(questions)


# -- sparse vectors and the one-hot baseline -----------------------------------------------------


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_sparse_and_dense_give_the_same_answers(tmp_path, method):
    rng = np.random.default_rng(3)
    n = 120
    dense = sp.random(n, 40, density=0.08, random_state=4, format="csr").toarray()
    dense[dense != 0] -= 0.5  # signed entries, so cosines can be negative
    words = [f"w{i}" for i in range(n)]
    with open(tmp_path / "q.txt", "w") as f:
        f.write(": s\n" + "".join(" ".join(rng.choice(words, 4, replace=False)) + "\n" for _ in range(300)))
    sections = read_analogies(tmp_path / "q.txt")
    a = analogy_scores(Vectors(words, dense), sections, restrict=100, method=method)
    b = analogy_scores(Vectors(words, sp.csr_matrix(dense)), sections, restrict=100, method=method)
    assert [(r.correct, r.covered) for r in a] == [(r.correct, r.covered) for r in b]


def onehot(words) -> Vectors:
    return Vectors(words, sp.identity(len(words), format="csr"), meta={"name": "onehot"})


def test_onehot_scores_zero_and_the_table_says_why(pairs_file, questions_file):
    vectors = onehot(["a", "b", "c", "d", "e", "man", "woman", "king", "queen", "apple", "pear"])
    result = evaluate(vectors, similarity=[pairs_file], analogy=[questions_file], restrict=None)
    cell = result.score("pairs", "onehot")
    assert (cell.value, cell.covered, cell.note) == (0.0, 4, CONSTANT)
    table = str(result)
    assert "pairs                 spearman  0.000* (4/5)" in table
    assert f"* {CONSTANT}" in table
    assert result.score("questions: total").value == 0.0
    assert json.loads(result.to_json())["rows"][0]["scores"]["onehot"]["note"] == CONSTANT


def test_onehot_analogies_on_a_large_vocabulary_stay_sparse(tmp_path):
    n = 200_000  # dense, this would be 160 GB
    words = [f"w{i}" for i in range(n)]
    rng = np.random.default_rng(5)
    with open(tmp_path / "q.txt", "w") as f:
        f.write(": s\n")
        for ids in (rng.choice(np.arange(10, n), 4, replace=False) for _ in range(500)):
            f.write(" ".join(words[i] for i in ids) + "\n")
    results = analogy_scores(onehot(words), read_analogies(tmp_path / "q.txt"), restrict=None)
    assert (results[0].correct, results[0].covered) == (0, 500)  # every answer is w0, the first free word


# -- the result object ---------------------------------------------------------------------------


def test_result_renders_as_table_json_and_csv(pairs_file, questions_file):
    result = evaluate({"angles": angles({"a": 0, "b": 10, "c": 40, "d": 70, "e": 100}), "royal": royal()},
                      similarity=[pairs_file], analogy=[questions_file], restrict=None)
    lines = str(result).splitlines()
    assert lines[0].split() == ["benchmark", "metric", "angles", "royal"]
    assert lines[1].split() == ["pairs", "spearman", "0.800", "(4/5)", "n/a*", "(0/5)"]
    assert lines[4].split() == ["questions:", "total", "accuracy", "n/a", "(0/4)", "0.667", "(3/4)"]
    data = json.loads(result.to_json())
    assert data["columns"] == ["angles", "royal"] and data["settings"]["oov"] == "skip"
    assert data["rows"][0]["scores"]["royal"]["value"] is None
    assert data["rows"][3]["scores"]["royal"]["sections"]["royal"] == {"correct": 2, "covered": 2, "total": 2}
    csv_lines = result.to_csv().splitlines()
    assert csv_lines[0] == "benchmark,kind,metric,vectors,value,covered,total,correct,note"
    assert csv_lines[1] == "pairs,similarity,spearman,angles,0.800000,4,5,,"
    assert len(csv_lines) == 1 + 4 * 2
    assert "* no pair has both words in the vocabulary" in lines


def test_defaults_use_gensim_offline_and_say_what_is_missing():
    vectors = angles({"tiger": 0, "cat": 20, "love": 50, "sex": 60, "old": 80, "new": 100})
    result = evaluate(vectors)
    assert [r.benchmark for r in result.rows] == ["ws353", "simlex999", "google: semantic", "google: syntactic", "google: total"]
    assert result.notes == ["Left out, not on this machine: men, rw (embedkit corpora fetch men rw, "
                            "or --mirror DIR)."]


@needs_shared
def test_defaults_with_the_shared_mirror():
    vectors = angles({"tiger": 0, "cat": 20, "love": 50, "sex": 60, "old": 80, "new": 100})
    result = evaluate(vectors, mirror=SHARED)
    assert [r.benchmark for r in result.rows] == ["ws353", "simlex999", "men", "rw", "google: semantic",
                                                  "google: syntactic", "google: total"]
    assert result.notes == [] and result.score("men").total == 3000


def test_bad_arguments():
    vectors = royal()
    with pytest.raises(EmbedkitError, match=r"nope: no such file, and not a known similarity benchmark \(ws353"):
        evaluate(vectors, similarity=["nope"])
    with pytest.raises(EmbedkitError, match=r"google is an analogy dataset, not a similarity benchmark; "
                                            r"pass it with --analogy"):
        evaluate(vectors, similarity=["google"])
    with pytest.raises(EmbedkitError, match=r"oov must be 'skip'"):
        evaluate(vectors, oov="zero")
