"""Vectors with subwords in files: .ekv keeps the n-gram rows (memory-mapped, no pickle), .vec
exports the whole-word rows gensim reads, .bin round-trips through `io` and gensim, damaged
n-gram parts of an .ekv folder are refused naming the file."""

import json

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.models.fasttext import load_facebook_vectors

from embedkit import io
from embedkit.errors import EmbedkitError, FormatError
from embedkit.subwords import SubwordVectors, subword_vectors
from embedkit.subwords import NgramSettings, SubwordModel, subword_rows
from embedkit.vectors import Vectors

WORDS = ["walk", "walked", "walking", "talk", "talks", "über", "где"]
UNSEEN = ["walks", "talked", "überall"]


def make_vectors(seed=0, dim=6) -> SubwordVectors:
    settings = NgramSettings(3, 5, 5000)
    rows = subword_rows(WORDS, settings)
    matrix = np.random.default_rng(seed).normal(size=(len(WORDS) + rows.buckets.size, dim)).astype(np.float32)
    return subword_vectors(SubwordModel(WORDS, matrix, settings, rows.buckets), counts=np.arange(70, 0, -10))


def test_ekv_keeps_the_ngram_rows_and_settings(tmp_path):
    original = make_vectors()
    io.save(original, tmp_path / "v.ekv")
    assert sorted(p.name for p in (tmp_path / "v.ekv").iterdir()) == \
        ["buckets.npy", "input_matrix.npy", "meta.json", "vectors.npy", "vocab.tsv"]
    header = json.loads((tmp_path / "v.ekv" / "meta.json").read_text())
    assert header["subwords"] == {"min_n": 3, "max_n": 5, "bucket": 5000,
                                  "ngram_rows": int(original.subwords.buckets.size), "compact": True}
    for name in ("input_matrix.npy", "buckets.npy", "vectors.npy"):
        np.load(tmp_path / "v.ekv" / name, allow_pickle=False)  # plain arrays: no pickle in the folder
    found = io.load(tmp_path / "v.ekv")
    assert isinstance(found, SubwordVectors) and found.words == WORDS
    assert isinstance(found.subwords.input_matrix, np.memmap)
    assert found.subwords.settings == original.subwords.settings
    np.testing.assert_array_equal(found.matrix, original.matrix)
    np.testing.assert_array_equal(found.subwords.buckets, original.subwords.buckets)
    assert found.composed(UNSEEN + WORDS) == UNSEEN
    np.testing.assert_array_equal(found.vectors_of(UNSEEN), original.vectors_of(UNSEEN))


def test_a_subset_of_subword_vectors_is_plain_vectors(tmp_path):
    head = make_vectors().head(3)
    assert type(head) is Vectors and head.words == WORDS[:3]
    io.save(head, tmp_path / "h.ekv")
    assert not (tmp_path / "h.ekv" / "input_matrix.npy").exists()
    assert type(io.load(tmp_path / "h.ekv")) is Vectors


def test_vec_export_writes_the_whole_word_rows_gensim_reads(tmp_path):
    original = make_vectors()
    io.save(original, tmp_path / "v.vec")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "v.vec"))
    assert kv.index_to_key == WORDS
    np.testing.assert_allclose(kv.vectors, original.matrix, rtol=1e-6, atol=1e-7)
    again = io.load(tmp_path / "v.vec")
    assert type(again) is Vectors and "walks" not in again.index


def test_bin_round_trip_through_io_and_gensim(tmp_path):
    original = make_vectors()
    io.save(original, tmp_path / "v.bin")
    assert io.detect_format(tmp_path / "v.bin") == "fasttext"
    kv = load_facebook_vectors(str(tmp_path / "v.bin"))
    assert kv.index_to_key == WORDS and (kv.min_n, kv.max_n, kv.bucket) == (3, 5, 5000)
    np.testing.assert_allclose(np.array([kv[w] for w in WORDS + UNSEEN]), original.vectors_of(WORDS + UNSEEN),
                               rtol=1e-5, atol=1e-6)
    found = io.load(tmp_path / "v.bin")
    assert isinstance(found, SubwordVectors) and found.words == WORDS
    assert found.counts.tolist() == original.counts.tolist()
    np.testing.assert_allclose(found.vectors_of(WORDS + UNSEEN), original.vectors_of(WORDS + UNSEEN),
                               rtol=1e-6, atol=1e-7)


def test_a_whole_word_set_cannot_be_written_as_bin(tmp_path):
    with pytest.raises(EmbedkitError) as error:
        io.save(make_vectors().head(3), tmp_path / "w.bin", fmt="fasttext")
    assert str(error.value) == (f"{tmp_path / 'w.bin'}: the fasttext format holds vectors with character n-grams; "
                                "these have none (train with --subwords, or write another format)")
    assert not (tmp_path / "w.bin").exists()


def test_a_missing_ngram_matrix_is_named(tmp_path):
    io.save(make_vectors(), tmp_path / "v.ekv")
    (tmp_path / "v.ekv" / "input_matrix.npy").unlink()
    with pytest.raises(EmbedkitError) as error:
        io.load(tmp_path / "v.ekv")
    assert str(error.value) == f"{tmp_path / 'v.ekv' / 'input_matrix.npy'}: No such file or directory"


@pytest.mark.parametrize("damage, message", [
    (lambda f: np.save(f / "input_matrix.npy", np.zeros((3, 6), np.float32)), "input_matrix.npy"),
    (lambda f: np.save(f / "buckets.npy", np.array([5, 3, 1])), "buckets.npy"),
    (lambda f: (f / "buckets.npy").write_bytes(b"not an array"), "buckets.npy"),
])
def test_damaged_ngram_parts_are_refused_naming_the_file(tmp_path, damage, message):
    io.save(make_vectors(), tmp_path / "v.ekv")
    damage(tmp_path / "v.ekv")
    with pytest.raises(FormatError, match=message):
        io.load(tmp_path / "v.ekv")
