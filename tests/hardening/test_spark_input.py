"""Bad input for the Spark engine, `prepare`, prepared folders and the compare grid on Spark: one
`Error:` line each, before Spark starts where it can be told before, and nothing written."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from .conftest import bad_input, invoke, snapshot, unchanged

pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[spark]'")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def corpus(tmp_cwd):
    Path("c.txt").write_text("the cat sat on the mat\nthe dog sat on the log\n" * 5, encoding="utf-8")
    return tmp_cwd


def spark_train(*extra, source="c.txt"):
    return ("train", source, "-o", "v.ekv", "--engine", "spark", *extra)


# -- master URLs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("url, says", [
    ("foo://x", "--spark-master 'foo://x' is not a Spark master URL: use local[N], spark://HOST:PORT, yarn"),
    ("local[0]", "--spark-master 'local[0]' is not a Spark master URL"),
    ("local[two]", "--spark-master 'local[two]' is not a Spark master URL"),
    ("spark://127.0.0.1:9", "--spark-master spark://127.0.0.1:9: no Spark master answers (127.0.0.1:9: "),
])
def test_bad_master_url_is_one_line_before_anything_runs(corpus, url, says):
    before = snapshot(corpus)
    assert says in bad_input(*spark_train("--spark-master", url))
    assert says in bad_input("prepare", "c.txt", "-o", "prep", "--spark-master", url)
    unchanged(corpus, before)


def test_yarn_needs_the_cluster_configuration(corpus, monkeypatch):
    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    monkeypatch.delenv("YARN_CONF_DIR", raising=False)
    assert "set HADOOP_CONF_DIR or YARN_CONF_DIR" in bad_input(*spark_train("--spark-master", "yarn"))


def test_compare_with_a_bad_master_creates_nothing(corpus):
    pytest.importorskip("embedkit.downstream.training")
    Path("toy.tsv").write_text("pos\tgreat film\nneg\tawful film\n" * 10, encoding="utf-8")
    before = snapshot(corpus)
    error = bad_input("compare", "toy.tsv", "-e", "bow", "-o", "rep", "--spark-master", "spark://127.0.0.1:9")
    assert "no Spark master answers" in error
    unchanged(corpus, before)


def test_spark_options_need_the_spark_engine(corpus):
    error = bad_input("train", "c.txt", "-o", "v.ekv", "--spark-master", "local[2]")
    assert error == "Error: spark-master and partitions are options of the Spark engine (--engine spark)"
    assert "options of the Spark engine" in bad_input("train", "c.txt", "-o", "v.ekv", "--partitions", "3")


# -- Java and pyspark -----------------------------------------------------------------------------

def _run_without_java(tmp_path, env_change, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_GATEWAY_PORT")}
    env.update(PATH=str(tmp_path / "no-java-here"), PYTHONPATH=str(ROOT), **env_change)
    return subprocess.run([sys.executable, "-m", "embedkit", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)


@pytest.mark.parametrize("env_change, says", [
    ({}, "Error: Spark needs Java, and no java is on PATH (JAVA_HOME is not set): install a Java runtime, "
         "17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), or set JAVA_HOME to one"),
    ({"JAVA_HOME": "/no/such/jdk"}, "Error: Spark needs Java, and JAVA_HOME=/no/such/jdk holds no bin/java: "),
])
def test_missing_java_is_one_line(tmp_path, env_change, says):
    (tmp_path / "c.txt").write_text("a b c\n", encoding="utf-8")
    for args in (["train", "c.txt", "-o", "v.ekv", "--engine", "spark"],
                 ["prepare", "c.txt", "-o", "prep", "--spark-master", "local[2]"]):
        result = _run_without_java(tmp_path, env_change, *args)
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert result.returncode == 1 and len(errors) == 1 and errors[0].startswith(says), result.stderr
        assert "Traceback" not in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


def test_missing_pyspark_says_how_to_install_it(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now fails
    assert bad_input(*spark_train()) == ("Error: Spark needs pyspark, which is not installed: pip install pyspark  "
                                         "(or, in a checkout of embedkit: pip install -e '.[spark]')")


# -- options MLlib cannot honour ---------------------------------------------------------------------

@pytest.mark.parametrize("option, value, why", [
    ("--negative", "10", "MLlib's Word2Vec trains with hierarchical softmax, not negative sampling"),
    ("--negative", "5", "MLlib's Word2Vec trains with hierarchical softmax"),  # asked for, even at the default
    ("--sample", "0.0001", "MLlib's Word2Vec does not subsample frequent words"),
    ("--min-alpha", "0.001", "MLlib's Word2Vec decays the learning rate to alpha x 0.0001"),
])
def test_options_mllib_cannot_honour_are_refused(corpus, option, value, why):
    error = bad_input(*spark_train(option, value))
    assert error.startswith(f"Error: {option} {value}: the Spark engine cannot honour it: {why}")
    assert error.endswith("leave it out, or train with --engine native")


def test_subwords_are_refused_before_any_work(corpus):
    before = snapshot(corpus)
    error = bad_input(*spark_train("--subwords", "--spark-master", "local[2]"))
    assert error == ("Error: --subwords: the Spark engine cannot honour it: MLlib's Word2Vec has no character "
                     "n-grams (fastText's model); leave it out, or train with --engine native")
    assert bad_input(*spark_train("--min-n", "2")) == "Error: --min-n needs --subwords"
    unchanged(corpus, before)


def test_library_refuses_the_same_settings(corpus):
    from embedkit.errors import EmbedkitError
    from embedkit.train import SkipGramConfig

    with pytest.raises(EmbedkitError, match=r"^--negative 10: the Spark engine cannot honour it"):
        SkipGramConfig(engine="spark", negative=10).check()
    with pytest.raises(EmbedkitError, match=r"^--subwords: the Spark engine cannot honour it: MLlib's Word2Vec has no"):
        SkipGramConfig(engine="spark", subwords=True).check()
    SkipGramConfig(engine="spark", sample=0).check()  # no subsampling is what MLlib does


def test_workers_with_a_master_is_refused(corpus):
    error = bad_input(*spark_train("--spark-master", "local[2]", "--workers", "2"))
    assert error == ("Error: --workers: with --spark-master the master decides the cores (local[N], "
                     "or the cluster's executors)")


# -- corpus paths Spark would read otherwise than embedkit ------------------------------------------

def _write(name, data: bytes):
    Path(name).write_bytes(data)
    return name


@pytest.mark.parametrize("make, says", [
    (lambda: "missing.txt", "missing.txt: no such file or folder"),
    (lambda: "nothing-*.txt", "nothing-*.txt: no file matches"),
    (lambda: _write("c.txt.xz", lzma.compress(b"a b\n")), "c.txt.xz: xz-compressed, which Spark cannot read"),
    (lambda: _write("packed.txt", gzip.compress(b"a b\n")),
     "packed.txt: gzip data in a file not named .gz: Spark chooses the decompressor by the name; rename it to "
     "packed.txt.gz"),
    (lambda: _write("plain.bz2", b"a b\n"), "plain.bz2: named .bz2 but not bz2 data"),
    (lambda: _write("latin.txt", "café au lait\n".encode("latin-1")),
     "latin.txt: not UTF-8 (the native engine reads it as Latin-1); Spark reads text as UTF-8"),
    (lambda: _write("bin.txt", b"a b\n\x00\x01"), "bin.txt, line 2: binary data (NUL bytes), not a text file"),
    (lambda: _write("a,b.txt", b"a b\n"), "a,b.txt: Spark reads lists of paths split at commas"),
    (lambda: _write("bad.txt.gz", gzip.compress(b"a b\n" * 100)[:20]), "bad.txt.gz"),
])
def test_corpus_paths_spark_cannot_read_as_embedkit_does(corpus, make, says):
    source = make()
    before = snapshot(corpus)
    assert says in bad_input(*spark_train(source=source), names=[source])
    assert says in bad_input("prepare", source, "-o", "prep", "--spark-master", "local[2]")
    unchanged(corpus, before)


def test_an_unreadable_file_is_named(corpus, monkeypatch):
    from embedkit import files

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(files, "compression", denied)  # root reads every file: deny it the way the OS would
    assert bad_input(*spark_train()) == "Error: c.txt: cannot read: Permission denied"


def test_bzip2_and_gzip_named_so_are_read(corpus):
    from embedkit.train.spark_corpus import spark_sources

    Path("c.txt.bz2").write_bytes(bz2.compress(b"a b\n"))
    Path("c.txt.gz").write_bytes(gzip.compress(b"a b\n"))
    uris, description = spark_sources(["c.txt.bz2", "c.txt.gz"])
    assert uris == [f"file://{corpus.resolve() / 'c.txt.bz2'}", f"file://{corpus.resolve() / 'c.txt.gz'}"]
    assert description == "c.txt.bz2, c.txt.gz"


def test_what_only_spark_can_tell_is_one_line(spark, corpus):
    missing = corpus.resolve() / "missing.txt"
    assert bad_input(*spark_train("--spark-master", "local[2]", source=f"file://{missing}")) == (
        f"Error: reading file://{missing} on Spark: file:{missing}: no such file or folder "
        "(Spark: input path does not exist)")
    Path("empty.txt").write_text("... !!!\n", encoding="utf-8")
    assert bad_input(*spark_train("--spark-master", "local[2]", source="empty.txt")) == \
        "Error: empty.txt: the corpus holds no words"
    error = bad_input(*spark_train("--spark-master", "local[2]", "--min-count", "1", "--vector-size", "400000000"))
    assert error == ("Error: MLlib's Word2Vec holds vocabulary x dimension in one array of at most 2^31 - 1 floats: "
                     "7 words x 400000000 = 2,800,000,000; raise --min-count, set --max-vocab (at most 5) or lower "
                     "--vector-size")
    assert not Path("v.ekv").exists()


# -- prepared folders --------------------------------------------------------------------------------

@pytest.fixture
def prepared(corpus):
    result = invoke("prepare", "c.txt", "-o", "prep", "--min-count", "1", "-q")
    assert result.exit_code == 0, result.output
    return corpus / "prep"


def test_prepared_folder_trains_with_the_native_engine_and_its_own_vocabulary(prepared):
    assert bad_input("train", "prep", "-o", "v.ekv", "--engine", "gensim") == (
        "Error: prep is a prepared corpus: the native engine trains from it (--engine native), not gensim")
    assert bad_input("train", "prep", "-o", "v.ekv", "--min-count", "3", "--no-lowercase") == (
        "Error: prep is a prepared corpus whose vocabulary is fixed: --no-lowercase (prepared with --lowercase); "
        "--min-count 3 (prepared with --min-count 1); leave these options out, or prepare it again")
    assert bad_input("train", "prep", "c.txt", "-o", "v.ekv") == (
        "Error: prep is a prepared corpus: train it alone, not with other paths")


@pytest.mark.parametrize("damage, says", [
    (lambda d: (d / "shards" / "part-00000.ids.int32").write_bytes(b"\x00" * 8),
     "part-00000.ids.int32: 8 bytes, prepared.json says 240"),
    (lambda d: np.full(60, 99, np.int32).tofile(d / "shards" / "part-00000.ids.int32"),
     "part-00000: word ids outside the vocabulary of 7 (damaged shard)"),
    (lambda d: (d / "vocab.txt").write_text("the 20\ncat\n", encoding="utf-8"),
     "vocab.txt, line 2: expected 'word count', got 'cat'"),
    (lambda d: (d / "shards" / "part-00000.starts.int64").unlink(), "part-00000.starts.int64: cannot read"),
])
def test_a_damaged_prepared_folder_is_named_not_trained(prepared, damage, says):
    damage(prepared)
    assert says in bad_input("train", "prep", "-o", "v.ekv")
    assert not Path("v.ekv").exists()


def test_prepare_refuses_a_folder_it_did_not_write_and_a_corpus_without_words(corpus):
    Path("mine").mkdir()
    Path("mine", "notes.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(corpus)
    assert "mine: a folder embedkit did not write (it holds notes.txt); refusing to replace it" in \
        bad_input("prepare", "c.txt", "-o", "mine")
    Path("empty.txt").write_text("!!!\n", encoding="utf-8")
    assert bad_input("prepare", "empty.txt", "-o", "prep") == "Error: empty.txt: the corpus holds no words"
    assert not Path("prep").exists()
    Path("empty.txt").unlink()
    unchanged(corpus, before)


# -- the word2vec family beside Spark and prepared folders -------------------------------------------

@pytest.mark.parametrize("extra, says", [
    (("--cbow",), "--cbow: the Spark engine cannot honour it: MLlib's Word2Vec is skip-gram only (no CBOW)"),
    (("--phrases",), "--phrases: the Spark engine cannot honour it: phrase detection runs in the native pass"),
    (("--max-final-vocab", "3"), "--max-final-vocab 3: the Spark engine cannot honour it: embedkit's vocabulary rules run in the native pass"),
])
def test_family_options_the_spark_engine_cannot_honour(corpus, extra, says):
    before = snapshot(corpus)
    assert says in bad_input(*spark_train(*extra))
    unchanged(corpus, before)


def test_resume_on_spark_and_phrases_of_a_prepared_folder_are_refused(corpus):
    assert invoke("train", "c.txt", "-o", "m.ekv", "--min-count", "1", "--epochs", "1", "-q").exit_code == 0
    assert "--resume: MLlib's Word2Vec starts from its own random vectors" in bad_input(
        *spark_train("--resume", "m.ekv", "--min-count", "1"))
    assert invoke("prepare", "c.txt", "-o", "prep", "--min-count", "1", "-q").exit_code == 0
    assert "prep is a prepared corpus, its vocabulary fixed: --phrases needs the text itself" in bad_input(
        "train", "prep", "-o", "v.ekv", "--phrases")
    assert "--resume needs the text itself" in bad_input("train", "prep", "-o", "v2.ekv", "--resume", "m.ekv")
