import bz2
import gzip
import lzma
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedkit.train import Corpus, Vocab, tokenize
from embedkit.train.corpus import read_lines
from embedkit.errors import EmbedkitError, EmbedkitWarning


def test_tokenize_keeps_inword_apostrophes_and_hyphens():
    assert tokenize("Don't stop: state-of-the-art, 'quoted' -dash- end.") == [
        "don't", "stop", "state-of-the-art", "quoted", "dash", "end"]
    assert tokenize("Paris IS big", lowercase=False) == ["Paris", "IS", "big"]


@pytest.mark.parametrize("opener,suffix", [(open, ".txt"), (gzip.open, ".gz"), (bz2.open, ".bz2"), (lzma.open, ".xz")])
def test_reads_plain_and_compressed(tmp_path, opener, suffix):
    path = tmp_path / f"c{suffix}"
    with opener(path, "wb") as f:
        f.write(b"The cat sat\n\nthe dog ran\n")
    assert list(Corpus(path)) == [["the", "cat", "sat"], ["the", "dog", "ran"]]


def test_compression_recognised_by_content_not_name(tmp_path):
    path = tmp_path / "looks-plain.txt"
    with gzip.open(path, "wb") as f:
        f.write(b"a b c\n")
    assert list(Corpus(path)) == [["a", "b", "c"]]


def test_folder_is_walked_in_sorted_order_skipping_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two\n")
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / ".hidden").write_text("secret\n")
    assert list(Corpus(tmp_path)) == [["one"], ["two"]]


def test_a_file_that_is_not_utf8_is_read_as_latin1_and_said(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 ok\n\xff\xfe more\n")
    with pytest.warns(EmbedkitWarning, match="bad.txt: not UTF-8, read as Latin-1"):
        assert list(Corpus(path)) == [["café", "ok"], ["ÿþ", "more"]]


def test_missing_file_and_empty_folder_are_clear_errors(tmp_path):
    with pytest.raises(EmbedkitError, match="no such file"):
        Corpus(tmp_path / "nope.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmbedkitError, match="holds no files"):
        Corpus(tmp_path / "empty")


def test_one_huge_line_is_cut_into_bounded_sentences(tmp_path):
    # 250k tokens on one line without a newline: about 1.5 MB, more than one read chunk
    words = [f"w{i % 997}" for i in range(250_000)]
    path = tmp_path / "text8.txt"
    path.write_text(" ".join(words))
    sentences = list(Corpus(path, max_sentence_length=10_000))
    assert [len(s) for s in sentences] == [10_000] * 25
    assert [w for s in sentences for w in s] == words


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "bb", "ccc", "dé", "e-f"]), min_size=0, max_size=30), max_size=20),
       st.integers(min_value=3, max_value=40))
def test_small_chunks_never_split_or_lose_tokens(tmp_path_factory, lines, chunk):
    path = tmp_path_factory.mktemp("c") / "c.txt"
    path.write_text("\n".join(" ".join(line) for line in lines), encoding="utf-8")
    pieces = list(read_lines(path, chunk_chars=chunk))
    tokens = [t for text, _ in pieces for t in text.split()]
    assert tokens == [t for line in lines for t in line]
    # every token comes out whole: pieces are cut at whitespace
    assert all(t in {"a", "bb", "ccc", "dé", "e-f"} for t in tokens)


def test_vocab_counts_min_count_max_vocab_and_order():
    sentences = [["b", "a", "c", "a"], ["c", "d", "a", "e", "e"]]
    vocab = Vocab.build(sentences, min_count=2)
    assert vocab.words == ["a", "c", "e"]            # a:3, then c:2 and e:2 in first-seen order
    assert vocab.counts.tolist() == [3, 2, 2]
    assert vocab.total_words == 9
    assert Vocab.build(sentences, min_count=1, max_vocab=2).words == ["a", "c"]
    assert vocab.encode(["a", "zzz", "e"]).tolist() == [0, 2]


def test_keep_probabilities_follow_mikolov_formula():
    counts = Counter({"the": 10_000, "cat": 100, "rare": 1})
    vocab = Vocab.from_counter(counts, min_count=1)
    sample = 1e-3
    t = sample * 10_101
    expected = [min(1.0, (np.sqrt(c / t) + 1) * t / c) for c in (10_000, 100, 1)]
    np.testing.assert_allclose(vocab.keep_probabilities(sample), expected)
    assert vocab.keep_probabilities(sample)[0] < 0.2      # frequent words are dropped often
    assert vocab.keep_probabilities(sample)[2] == 1.0     # rare words always kept
    assert np.all(vocab.keep_probabilities(0) == 1.0)


def test_keep_probabilities_match_gensim():
    from gensim.models import Word2Vec

    counts = {f"w{i}": int(5 + 3 ** (i % 11)) for i in range(200)}
    model = Word2Vec(min_count=1, sample=1e-3)
    model.build_vocab_from_freq(counts)
    vocab = Vocab.from_counter(Counter(counts), min_count=1)
    gensim_keep = np.array([model.wv.get_vecattr(w, "sample_int") for w in vocab.words]) / 2**32
    np.testing.assert_allclose(vocab.keep_probabilities(1e-3), gensim_keep, atol=1e-9)


def test_noise_distribution_is_unigram_to_three_quarters():
    vocab = Vocab(["a", "b"], [16, 1])
    np.testing.assert_allclose(vocab.noise_distribution(), np.array([8.0, 1.0]) / 9.0)
