"""Character n-grams, their hashes and composed vectors, checked against gensim's FastText."""

import numpy as np
import pytest
from gensim.models.fasttext import FastText, ft_ngram_hashes
from gensim.models.fasttext_inner import compute_ngrams_bytes, ft_hash_bytes
from hypothesis import given, settings as hypothesis_settings, strategies as st

from embedkit.errors import EmbedkitError, UnknownWordError
from embedkit.subwords import (
    NgramSettings,
    SubwordModel,
    bucket_lists,
    ft_hash,
    ngram_buckets,
    ngram_bytes,
    ngrams,
    subword_rows,
)

WORDS = ["where", "the", "a", "I", "naïve", "где", "東京都", "straße", "🙂ok", "x🙂", "l'été", "co-op",
         "aaaaaaa", "<>", "supercalifragilistic"]


def test_the_ngrams_of_where_are_fasttexts():
    assert ngrams("where", 3, 6) == ["<wh", "<whe", "<wher", "<where", "whe", "wher", "where", "where>",
                                     "her", "here", "here>", "ere", "ere>", "re>"]
    assert "<where>" not in ngrams("where", 3, 6)         # 7 characters: longer than max-n
    assert ngrams("the", 3, 6)[:3] == ["<th", "<the", "<the>"]  # short words: the wrapped word is one


def test_ngrams_count_characters_not_bytes():
    assert ngrams("где", 3, 3) == ["<гд", "где", "де>"]
    assert ngrams("x🙂", 2, 2) == ["<x", "x🙂", "🙂>"]
    assert ngram_bytes("é", 1, 1) == ["é".encode()]       # a lone boundary mark is never a 1-gram
    assert ngram_bytes("</s>", 3, 6) == []                 # fastText's sentence end has none


@pytest.mark.parametrize("min_n, max_n", [(3, 6), (1, 2), (1, 1), (2, 4), (5, 5), (4, 3)])
def test_ngram_bytes_equal_gensims(min_n, max_n):
    for word in WORDS:
        assert ngram_bytes(word, min_n, max_n) == compute_ngrams_bytes(word, min_n, max_n), word


def test_hashes_equal_gensims_ft_hash_bytes():
    """fastText's hash takes bytes as signed chars: non-ASCII bytes are where a plain FNV-1a differs."""
    grams = {g for w in WORDS for g in ngram_bytes(w, 1, 6)} | {w.encode() for w in WORDS} | {b"", b"\xff"}
    for gram in grams:
        assert ft_hash(gram) == ft_hash_bytes(gram), gram
    plain = 2166136261
    for byte in "é".encode():
        plain = ((plain ^ byte) * 16777619) & 0xFFFFFFFF
    assert ft_hash("é".encode()) != plain


@pytest.mark.parametrize("settings", [NgramSettings(3, 6, 2_000_000), NgramSettings(1, 3, 97),
                                      NgramSettings(2, 5, 1), NgramSettings(3, 6, 0), NgramSettings(4, 3, 10)])
def test_bulk_buckets_equal_word_by_word_and_gensims(settings):
    words = WORDS + ["</s>", ""]
    offsets, buckets = bucket_lists(words, settings)
    assert offsets.dtype == np.int64 and buckets.dtype == np.int32 and offsets.shape == (len(words) + 1,)
    for w, word in enumerate(words):
        mine = buckets[offsets[w]:offsets[w + 1]].tolist()
        assert mine == ngram_buckets(word, settings).tolist(), word
        if settings.enabled and word != "</s>":
            assert mine == ft_ngram_hashes(word, settings.min_n, settings.max_n, settings.bucket), word


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=8), st.integers(1, 4), st.integers(0, 6))
def test_bulk_buckets_equal_gensims_on_any_text(words, min_n, max_n):
    settings = NgramSettings(min_n, max_n, 1009)
    offsets, buckets = bucket_lists(words, settings)
    for w, word in enumerate(words):
        expected = [] if word == "</s>" or max_n < min_n else ft_ngram_hashes(word, min_n, max_n, 1009)
        assert buckets[offsets[w]:offsets[w + 1]].tolist() == expected


def test_subword_rows_list_the_word_then_its_ngrams_in_a_compact_range():
    settings = NgramSettings(3, 6, 2_000_000)
    words = ["where", "here", "the", "</s>"]
    rows = subword_rows(words, settings)
    offsets, buckets = bucket_lists(words, settings)
    assert rows.buckets.tolist() == sorted(set(buckets.tolist()))     # only the buckets used
    assert rows.rows.dtype == np.int32 and rows.words == 4
    for w in range(4):
        mine = rows.rows[rows.offsets[w]:rows.offsets[w + 1]]
        assert mine[0] == w
        assert (rows.buckets[mine[1:] - 4]).tolist() == buckets[offsets[w]:offsets[w + 1]].tolist()
    assert rows.offsets[4] - rows.offsets[3] == 1                     # '</s>': its own row only
    full = subword_rows(words, settings, compact=False)
    assert full.buckets is None and (full.rows[1:15] - 4).tolist() == buckets[:14].tolist()


@pytest.fixture(scope="module")
def gensim_model():
    rng = np.random.default_rng(3)
    stems = ["walk", "talk", "jump", "play", "über", "café"]
    forms = [s + x for s in stems for x in ["", "s", "ed", "ing"]]
    sentences = [list(rng.choice(forms, 8)) for _ in range(300)]
    return FastText(sentences, vector_size=12, window=3, min_count=1, bucket=3001, min_n=2, max_n=5,
                    epochs=2, workers=1, seed=1)


def full_layout(model) -> SubwordModel:
    wv = model.wv
    matrix = np.vstack([wv.vectors_vocab, wv.vectors_ngrams]).astype(np.float32)
    return SubwordModel(wv.index_to_key, matrix, NgramSettings(wv.min_n, wv.max_n, wv.bucket))


OOV = ["walker", "cafétéria", "überplay", "talkative", "walkxq", "jumpin"]


def test_vectors_equal_gensims_for_known_and_unknown_words(gensim_model):
    wv = gensim_model.wv
    assert not set(OOV) & set(wv.key_to_index)
    model = full_layout(gensim_model)
    np.testing.assert_allclose(model.word_vectors(), wv.vectors, rtol=1e-5, atol=1e-6)
    for word in wv.index_to_key[:5] + OOV:
        np.testing.assert_allclose(model.vector(word), wv[word], rtol=1e-5, atol=1e-6, err_msg=word)
        assert model.is_composed(word) == (word not in wv.key_to_index)
    np.testing.assert_allclose(model.vectors(OOV), np.array([wv[w] for w in OOV]), rtol=1e-5, atol=1e-6)


def test_the_compact_layout_gives_the_same_vectors_where_its_rows_exist(gensim_model):
    wv = gensim_model.wv
    settings = NgramSettings(wv.min_n, wv.max_n, wv.bucket)
    rows = subword_rows(wv.index_to_key, settings)
    vocab = len(wv.index_to_key)
    matrix = np.vstack([wv.vectors_vocab, wv.vectors_ngrams[rows.buckets]]).astype(np.float32)
    model = SubwordModel(wv.index_to_key, matrix, settings, rows.buckets)
    assert matrix.shape[0] < vocab + wv.bucket
    np.testing.assert_allclose(model.word_vectors(), wv.vectors, rtol=1e-5, atol=1e-6)
    for word in OOV:
        grams = ngram_buckets(word, settings)
        used = np.isin(grams, rows.buckets)
        expected = wv.vectors_ngrams[grams[used]].sum(axis=0) / len(grams)  # unused buckets: zeros
        np.testing.assert_allclose(model.vector(word), expected, rtol=1e-5, atol=1e-6, err_msg=word)
    assert not np.isin(ngram_buckets("walkxq", settings), rows.buckets).all()  # some n-grams have no row
    block = model.ngram_block(0, wv.bucket)                                # the full layout, rebuilt
    np.testing.assert_array_equal(block[rows.buckets], wv.vectors_ngrams[rows.buckets])
    assert not np.delete(block, rows.buckets, axis=0).any()
    np.testing.assert_array_equal(model.ngram_block(100, 200), block[100:200])


def test_a_word_without_trained_ngrams_is_unknown():
    settings = NgramSettings(5, 5, 1000)
    rows = subword_rows(["house", "mouse"], settings)
    model = SubwordModel(["house", "mouse"], np.ones((2 + rows.buckets.size, 3), np.float32), settings, rows.buckets)
    with pytest.raises(UnknownWordError, match="word 'ab' is not in the vocabulary"):
        model.vector("ab")                          # '<ab>' is 4 characters: no 5-gram at all
    with pytest.raises(UnknownWordError, match="'zzzzzz'"):
        model.vector("zzzzzz")                      # n-grams, but no row was trained for any
    assert model.vector("mouse").tolist() == [1.0, 1.0, 1.0]


def test_settings_and_shapes_are_checked():
    with pytest.raises(EmbedkitError, match="min-n must be at least 1, got 0"):
        NgramSettings(0, 6, 10).check()
    with pytest.raises(EmbedkitError, match="bucket must be between 0 and 2147483647, got -1"):
        NgramSettings(3, 6, -1).check()
    with pytest.raises(ValueError, match="2 words and 10 n-gram rows need 12 rows, got a matrix of shape"):
        SubwordModel(["a", "b"], np.zeros((5, 2), np.float32), NgramSettings(3, 6, 10))
    with pytest.raises(ValueError, match="buckets must be distinct"):
        SubwordModel(["a", "b"], np.zeros((4, 2), np.float32), NgramSettings(3, 6, 10), np.array([3, 3]))


def test_the_docstring_examples_run():
    import doctest

    from embedkit.io import fasttext as fasttext_bin
    from embedkit import subwords

    assert doctest.testmod(subwords).failed == 0 and doctest.testmod(fasttext_bin).failed == 0
