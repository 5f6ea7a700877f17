"""train.prepare on files (fastcorpus) against the Python pass: same vectors, text, loss sample, errors."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import embedkit.train.skipgram as skipgram
from embedkit.errors import EmbedkitError
from embedkit.train import Corpus, SkipGramConfig, train_skipgram
from embedkit.train.engines import native
from embedkit.train.prepare import prepare

SMALL = dict(vector_size=16, window=3, min_count=2, sample=1e-3, negative=4, epochs=2, workers=1, seed=5)


def planted_with_rare_words(path, planted):
    """The planted corpus plus words seen once (left out by min-count 2) and one very long line."""
    sentences, _ = planted
    rng = np.random.default_rng(2)
    long_line = " ".join(f"g0w{i} once{j}" for j, i in enumerate(rng.integers(0, 6, 700)))
    path.write_text("\n".join(" ".join(s) + f" rare{n}" for n, s in enumerate(sentences)) + "\n" + long_line + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["native", "gensim"])
def test_a_file_trains_the_same_vectors_as_the_python_pass(tmp_path, planted, monkeypatch, engine):
    path = planted_with_rare_words(tmp_path / "corpus.txt", planted)
    config = SkipGramConfig(engine=engine, **SMALL)
    fast = train_skipgram(path, config, progress=False)
    monkeypatch.setattr(skipgram, "prepare", functools.partial(prepare, fast=False))
    python = train_skipgram(path, config, progress=False)
    assert fast.words == python.words and fast.counts.tolist() == python.counts.tolist()
    assert np.array_equal(fast.matrix, python.matrix)
    for key in ("corpus", "corpus_words", "corpus_sentences", "initial_loss", "epoch_loss"):
        assert fast.meta[key] == python.meta[key], key


def test_the_text_for_gensim_is_the_python_pass_copy(tmp_path, planted):
    path = planted_with_rare_words(tmp_path / "corpus.txt", planted)
    config = SkipGramConfig(**SMALL)
    folders = tmp_path / "fast", tmp_path / "python"
    for folder in folders:
        folder.mkdir()
    fast = prepare(Corpus(path), config, folders[0])
    python = prepare(Corpus(path), config, folders[1], fast=False)
    assert fast.encoded is not None and python.encoded is None
    assert not (folders[0] / "tokens.txt").exists()  # written only when an engine asks for it
    assert fast.path.read_bytes() == python.path.read_bytes()
    encoded = native.encode(python.path, python.vocab, folders[1])
    for name in ("ids", "starts", "raw_before"):
        assert getattr(fast.encoded, name).tolist() == getattr(encoded, name).tolist()


CORPORA = {
    "empty": ("... ,,,\n\n", {}, "the corpus holds no words"),
    "one word a line": ("".join(f"w{i % 7}\n" for i in range(100)), {"min_count": 1},
                        "no training pairs: no line holds two words (skip-gram learns from words that share a line)"),
    "no two frequent words on a line": ("".join(f"a x{i}\nb y{i}\n" for i in range(50)), {"min_count": 2},
                                        "no training pairs: no line holds two words that occur at least min-count=2 "
                                        "times; lower --min-count or use a larger corpus"),
    "one frequent word": ("a b c\na d e\na f\n", {"min_count": 3},
                          "only 1 word(s) occur at least min-count=3 times in 8 tokens; lower --min-count or "
                          "use a larger corpus"),
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_errors_are_the_python_pass_errors(tmp_path, name):
    text, options, message = CORPORA[name]
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    errors = []
    for fast in (True, False):
        folder = tmp_path / str(fast)
        folder.mkdir()
        with pytest.raises(EmbedkitError) as caught:
            prepare(Corpus(path), SkipGramConfig(**options), folder, fast=fast)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] == f"{path}: {message}"


def test_pieces_read_from_the_files_equal_the_memory_maps(tmp_path, planted, monkeypatch):
    path = planted_with_rare_words(tmp_path / "corpus.txt", planted)
    prepared = prepare(Corpus(path, max_sentence_length=7), SkipGramConfig(**SMALL), tmp_path)
    corpus = prepared.encoded
    maps = native.EncodedCorpus(corpus.ids, corpus.starts, corpus.raw_before)  # no folder: slices of the maps
    pieces = maps.pieces(words=50)
    monkeypatch.setattr(native, "SCAN_CHUNK", 3)
    assert corpus.pieces(words=50) == pieces and len(pieces) > 10
    assert corpus.longest() == maps.longest() == int(np.diff(corpus.starts).max())
    for first, stop in pieces + [(0, corpus.sentences), (4, 4)]:
        for got, expected in zip(corpus.read(first, stop), maps.read(first, stop)):
            assert got.tolist() == expected.tolist() and not got.flags.writeable
            assert got.dtype == expected.dtype
        ids, starts, raw_before = corpus.read(first, stop)
        assert starts[0] == 0 and ids.tolist() == corpus.ids[corpus.starts[first]:corpus.starts[stop]].tolist()
        assert raw_before.tolist() == corpus.raw_before[first:stop + 1].tolist()


def test_a_prepared_folder_trains_the_vectors_of_its_text_with_subwords_too(tmp_path, planted):
    from embedkit.train.shards import open_prepared, prepare_folder

    path = planted_with_rare_words(tmp_path / "corpus.txt", planted)
    prepare_folder([path], tmp_path / "prepared", min_count=SMALL["min_count"], say=lambda line: None)
    for subwords in (False, True):
        config = SkipGramConfig(**SMALL, subwords=subwords, min_n=3, max_n=4, bucket=5000)
        raw = train_skipgram([str(path)], config, progress=False)
        prepared = train_skipgram([str(tmp_path / "prepared")], config, progress=False)
        assert prepared.words == raw.words and prepared.counts.tolist() == raw.counts.tolist()
        assert np.array_equal(prepared.matrix, raw.matrix)
        if subwords:
            assert np.array_equal(prepared.subwords.ngram_matrix, raw.subwords.ngram_matrix)
    # the loss sample: drawn from the shards' words the way training on the text draws it (the
    # units are cut at 200 kept words there, 200 corpus tokens here: a few pairs differ)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    first, _ = open_prepared(tmp_path / "prepared", SkipGramConfig(**SMALL), scratch)
    again, _ = open_prepared(tmp_path / "prepared", SkipGramConfig(**SMALL), scratch)
    text = prepare(Corpus(str(path)), SkipGramConfig(**SMALL), scratch)
    assert 0.95 < first.loss_sample.inputs.shape[0] / text.loss_sample.inputs.shape[0] < 1.05
    assert np.array_equal(first.loss_sample.inputs, again.loss_sample.inputs)
    assert int(first.loss_sample.inputs.max()) < len(first.vocab)
