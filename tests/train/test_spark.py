"""The Spark engine and `prepare` on local[2]: the same sentences, vocabulary, counts and word ids
as the native pass; planted groups recovered through `--engine spark`; `prepare` + `train DIR`
gives the vectors `train CORPUS` gives."""

from __future__ import annotations

import bz2
import gzip
import json

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import io
from embedkit.cli import main
from embedkit.train.corpus import Corpus, tokenize
from embedkit.train.vocab import Vocab

from .test_train import nearest

LONG = " ".join(f"w{i % 9}" for i in range(25))  # cut into sentences of 7 tokens below


@pytest.fixture
def messy_corpus(tmp_path):
    """Files that exercise every rule: CRLF and CR line ends, a BOM, blank lines, a line longer than
    the sentence limit, Unicode case (İ, Σ), in-word ' and -, ties in frequency first seen in later
    files, gzip and bzip2, a folder walked in order with a hidden file left out."""
    (tmp_path / "a.txt").write_bytes("The cat sat.\r\nİstanbul ΣΟΦΊΑ don't state-of-the-art\rthe THE cat\n\n"
                                     f"{LONG}\n".encode())
    (tmp_path / "b.txt").write_bytes("\ufeffthe dog, the Dog!\nemu emu yak\n".encode())
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress("yak gnu gnu\nowl\n".encode()))
    (tmp_path / "d.txt.bz2").write_bytes(bz2.compress("owl emu ΣΟΦΊΑ\n".encode()))
    sub = tmp_path / "sub"
    (sub / "inner").mkdir(parents=True)
    (sub / "z.txt").write_text("gnu yak\n", encoding="utf-8")
    (sub / "inner" / "y.txt").write_text("cat cat cat\n", encoding="utf-8")
    (sub / ".hidden.txt").write_text("never read\n", encoding="utf-8")
    return [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt.gz", tmp_path / "d.txt.bz2", sub]


@pytest.mark.parametrize("min_count, max_vocab, lowercase", [(1, None, True), (2, 4, False)])
def test_spark_vocabulary_counts_and_ids_equal_the_native_ones(spark, messy_corpus, tmp_path, min_count,
                                                                max_vocab, lowercase):
    from embedkit.train.fastcorpus import scan
    from embedkit.train.spark_corpus import read

    found = read(spark, messy_corpus, lowercase=lowercase, max_sentence_length=7, min_count=min_count,
                 max_vocab=max_vocab, say=lambda line: None)
    try:
        native = Corpus([str(p) for p in messy_corpus], lowercase=lowercase, max_sentence_length=7)
        vocab = Vocab.build(native, min_count=min_count, max_vocab=max_vocab)
        assert found.vocab.words == vocab.words
        assert found.vocab.counts.tolist() == vocab.counts.tolist()
        assert found.total_words == vocab.total_words == sum(len(s) for s in native)
        assert found.sentences == sum(1 for _ in native)
        if lowercase:
            assert set(tokenize("İstanbul ΣΟΦΊΑ state-of-the-art")) <= set(found.vocab.words)
            assert "never" not in found.vocab.words
        # the word ids: the partitions one after another are the native pass's arrays
        parts = list(found.encoded())
        assert [p[0] for p in parts] == list(range(found.partitions))
        (tmp_path / "scan").mkdir()
        reference = scan(messy_corpus, tmp_path / "scan", lowercase=lowercase, min_count=min_count,
                         max_vocab=max_vocab, max_sentence_length=7).corpus
        assert np.array_equal(np.concatenate([p[1] for p in parts]), reference.ids)
        sizes = np.cumsum([0] + [p[1].shape[0] for p in parts])
        words = np.cumsum([0] + [p[3][-1] for p in parts])
        starts = np.concatenate([[0]] + [p[2][1:] + sizes[i] for i, p in enumerate(parts)])
        raw = np.concatenate([[0]] + [p[3][1:] + words[i] for i, p in enumerate(parts)])
        assert np.array_equal(starts, reference.starts) and np.array_equal(raw, reference.raw_before)
    finally:
        found.release()


def test_planted_groups_are_recovered_through_engine_spark(spark, planted_file, tmp_path):
    path, groups = planted_file
    out = tmp_path / "spark.ekv"
    result = CliRunner().invoke(main, ["train", str(path), "-o", str(out), "--engine", "spark", "--spark-master",
                                       "local[2]", "--vector-size", "24", "--window", "3", "--min-count", "1",
                                       "--epochs", "8", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "spark: counting words: stage" in result.output
    assert [f"MLlib iteration {k}/8" in result.output for k in range(1, 9)] == [True] * 8
    vectors = io.load(out)
    for group in groups:
        for word in group:
            assert set(nearest(vectors, word, len(group) - 1)) == set(group) - {word}
    native = Vocab.build(Corpus(path), min_count=1)
    assert vectors.words == native.words and vectors.counts.tolist() == native.counts.tolist()
    meta = vectors.meta
    assert meta["engine"] == "spark" and meta["spark_master"] == "local[2,4]"
    assert meta["mllib"] == {"vectorSize": 24, "windowSize": 3, "minCount": 1, "maxIter": 8, "stepSize": 0.025,
                             "seed": 3, "numPartitions": 1, "maxSentenceLength": 10000}
    assert meta["corpus_words"] == native.total_words and meta["epochs_completed"] == 8


def test_prepare_then_train_dir_gives_the_vectors_of_train_corpus(spark, messy_corpus, planted_file, tmp_path):
    path, _ = planted_file
    corpus = [str(path), *map(str, messy_corpus)]  # several files: several shards
    options = ["--min-count", "2", "--workers", "1", "--seed", "5", "--epochs", "2", "--vector-size", "16", "-q"]
    runner = CliRunner()
    result = runner.invoke(main, ["prepare", *corpus, "-o", str(tmp_path / "on-spark"), "--spark-master", "local[2]",
                                  "--min-count", "2"])
    assert result.exit_code == 0, result.output
    assert "spark: encoding: stage" in result.output
    manifest = json.loads((tmp_path / "on-spark" / "prepared.json").read_text())
    assert len(manifest["shards"]) > 1 and manifest["prepared_with"] == "spark local[2,4]"
    result = runner.invoke(main, ["prepare", *corpus, "-o", str(tmp_path / "here"), "--min-count", "2", "-q"])
    assert result.exit_code == 0, result.output
    for source, name in ((corpus, "raw"), ([str(tmp_path / "on-spark")], "spark"), ([str(tmp_path / "here")], "here")):
        result = runner.invoke(main, ["train", *source, "-o", str(tmp_path / f"{name}.ekv"), *options])
        assert result.exit_code == 0, result.output
    raw, on_spark, here = (io.load(tmp_path / f"{name}.ekv") for name in ("raw", "spark", "here"))
    assert raw.words == on_spark.words == here.words
    assert raw.counts.tolist() == on_spark.counts.tolist()
    assert np.array_equal(raw.matrix, on_spark.matrix) and np.array_equal(raw.matrix, here.matrix)
    assert on_spark.meta["corpus"].endswith(f"(prepared in {tmp_path / 'on-spark'})")
    # the vocabulary file says what the folder holds
    lines = (tmp_path / "on-spark" / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [f"{raw.words[0]} {raw.counts[0]}", f"{raw.words[1]} {raw.counts[1]}"]


def test_meta_and_engine_on_in_memory_sentences(spark, planted):
    from embedkit.train import SkipGramConfig, train_skipgram

    sentences, groups = planted
    config = SkipGramConfig(engine="spark", spark_master="local[2]", vector_size=16, window=3, min_count=1,
                            epochs=2, seed=1, max_vocab=20, partitions=2)
    vectors = train_skipgram(sentences, config, progress=False)
    assert len(vectors) == 20 and vectors.meta["mllib"]["numPartitions"] == 2
    assert vectors.meta["corpus"] == "600 in-memory sentences"
    assert vectors.words == Vocab.build(sentences, min_count=1, max_vocab=20).words
