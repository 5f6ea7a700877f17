"""Bad combinations and bad inputs of train's family options, --resume/--init and `phrases`: one
`Error:` line each, before any training, and nothing written."""

from __future__ import annotations

import pytest

from tests.hardening.conftest import bad_input, invoke, snapshot, unchanged

CORPUS = "".join(f"a{i % 7} b{i % 5} c{i % 3} d{i % 4}\n" for i in range(200))


@pytest.fixture
def corpus(tmp_cwd):
    (tmp_cwd / "corpus.txt").write_text(CORPUS, encoding="utf-8")
    return tmp_cwd / "corpus.txt"


@pytest.fixture
def model(corpus, tmp_cwd):
    result = invoke("train", corpus, "-o", "model.ekv", "--vector-size", 8, "--epochs", 1, "--min-count", 1, "-q")
    assert result.exit_code == 0, result.output
    return tmp_cwd / "model.ekv"


@pytest.mark.parametrize("command, args, message", [
    ("train", ["--negative", "0"], "negative 0 needs hs (hierarchical softmax): with neither, nothing is trained"),
    ("train", ["--negative", "0", "--cbow"], "negative 0 needs hs (hierarchical softmax)"),
    ("train", ["--engine", "gensim", "--negative", "0"], "negative 0 needs hs"),
    ("train", ["--init", "vectors.vec", "--resume", "model.ekv"], "give --resume (continue a model) or --init"),
    ("train", ["--resume", "missing.ekv"], "missing.ekv"),
    ("train", ["--init", "missing.vec"], "missing.vec"),
    ("train", ["--keep-words", "nowhere.txt"], "nowhere.txt"),
    ("phrases", ["--scoring", "npmi", "--threshold", "2"],
     "threshold must be between -1 and 1 for npmi scoring, got 2.0"),
    ("phrases", ["--threshold", "-1"], "threshold must be positive for default scoring, got -1.0"),
    ("phrases", ["--delimiter", " "], "delimiter must be one ASCII character other than white space"),
    ("phrases", ["--connector-words", "nowhere.txt"], "nowhere.txt"),
])
def test_bad_combinations_are_refused_before_any_work(corpus, tmp_cwd, command, args, message):
    before = snapshot(tmp_cwd)
    error = bad_input(command, corpus, "-o", "out.ekv" if command == "train" else "out.txt", *args,
                      contains=[message])
    assert "epoch" not in error
    unchanged(tmp_cwd, before)


def test_a_word_list_with_two_words_on_a_line_names_the_file_and_line(corpus, tmp_cwd):
    (tmp_cwd / "keep.txt").write_text("fine\nnot fine\n", encoding="utf-8")
    bad_input("train", corpus, "-o", "out.ekv", "--keep-words", "keep.txt", names=["keep.txt"], line=2,
              contains=["one word per line, found 'not fine'"])
    assert not (tmp_cwd / "out.ekv").exists()


def test_a_word_both_kept_and_dropped_is_refused(corpus, tmp_cwd):
    (tmp_cwd / "keep.txt").write_text("a1\nb2\n", encoding="utf-8")
    (tmp_cwd / "drop.txt").write_text("B2\n", encoding="utf-8")
    bad_input("train", corpus, "-o", "out.ekv", "--keep-words", "keep.txt", "--drop-words", "drop.txt",
              contains=["'b2' is both a word to keep and a word to drop"])


def test_resume_refuses_vectors_embedkit_did_not_train(corpus, tmp_cwd):
    (tmp_cwd / "plain.vec").write_text("2 3\na1 1 2 3\nb2 3 2 1\n", encoding="utf-8")
    bad_input("train", corpus, "-o", "out.ekv", "--resume", "plain.vec", names=["plain.vec"],
              contains=["not a model embedkit trained (no counts or config); --init starts from any vectors"])


def test_resume_refuses_another_vector_size(model, corpus, tmp_cwd):
    bad_input("train", corpus, "-o", "out.ekv", "--resume", model, "--vector-size", 12, names=["model.ekv"],
              contains=["the model's vectors have 8 dimensions, vector-size is 12"])
    assert not (tmp_cwd / "out.ekv").exists()


def test_resume_refuses_a_model_without_its_output_weights(model, corpus, tmp_cwd):
    import json

    (model / "syn1neg.npy").unlink()
    header = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    del header["state"]  # as an .ekv written by vectors without state
    (model / "meta.json").write_text(json.dumps(header), encoding="utf-8")
    bad_input("train", corpus, "-o", "out.ekv", "--resume", model, names=["model.ekv"],
              contains=["holds no output weights (syn1neg.npy, syn1.npy)"])


def test_a_damaged_state_file_names_it(model, corpus, tmp_cwd):
    (model / "syn1neg.npy").write_bytes(b"\x93NUMPY garbage")
    bad_input("train", corpus, "-o", "out.ekv", "--resume", model, names=["syn1neg.npy"])


def test_init_refuses_another_vector_size(corpus, tmp_cwd):
    (tmp_cwd / "given.vec").write_text("2 3\na1 1 2 3\nb2 3 2 1\n", encoding="utf-8")
    bad_input("train", corpus, "-o", "out.ekv", "--init", "given.vec", "--vector-size", 4, names=["given.vec"],
              contains=["its vectors have 3 dimensions, vector-size is 4"])


def test_init_refuses_vectors_sharing_no_word(corpus, tmp_cwd):
    (tmp_cwd / "given.vec").write_text("2 3\nzz 1 2 3\nyy 3 2 1\n", encoding="utf-8")
    bad_input("train", corpus, "-o", "out.ekv", "--init", "given.vec", names=["given.vec"],
              contains=["holds none of the corpus's"])


def test_phrases_of_a_missing_or_empty_corpus(tmp_cwd):
    bad_input("phrases", "missing.txt", "-o", "out.txt", contains=["missing.txt: no such file or folder"])
    (tmp_cwd / "empty.txt").write_text("", encoding="utf-8")
    bad_input("phrases", "empty.txt", "-o", "out.txt", contains=["the corpus holds no words"])
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["empty.txt"]


def test_phrases_refuses_to_replace_a_folder(corpus, tmp_cwd):
    (tmp_cwd / "out").mkdir()
    bad_input("phrases", corpus, "-o", "out", names=["out"])


@pytest.mark.parametrize("args, message", [
    (["--cbow"], "--subwords trains skip-gram with negative sampling (fastText's model); it does not take --cbow"),
    (["--hs"], "it does not take --hs"),
    (["--hs", "--negative", "0"], "it does not take --hs"),
    (["--cbow", "--hs"], "it does not take --cbow, --hs"),
    (["--no-shrink-windows"], "it does not take --no-shrink-windows"),
    (["--ns-exponent", "0.5", "--hs"], "it does not take --hs"),
    (["--init", "given.vec"], "--init is for whole-word models; --subwords trains from word2vec's random start"),
    (["--resume", "model.ekv"], "--resume is for whole-word models; --subwords trains from word2vec's random start"),
])
def test_subwords_with_what_no_subword_engine_trains_is_refused(model, corpus, tmp_cwd, args, message):
    (tmp_cwd / "given.vec").write_text("2 8\na1 1 2 3 4 5 6 7 8\nb2 8 7 6 5 4 3 2 1\n", encoding="utf-8")
    before = snapshot(tmp_cwd)
    for engine in ("native", "gensim"):
        error = bad_input("train", corpus, "-o", "out.ekv", "--subwords", "--vector-size", 8, "--engine", engine,
                          *args, contains=[message])
        assert "epoch" not in error and "corpus:" not in error
    unchanged(tmp_cwd, before)


def test_resume_refuses_a_subword_model(corpus, tmp_cwd):
    result = invoke("train", corpus, "-o", "sub.ekv", "--subwords", "--bucket", 1000, "--vector-size", 8,
                    "--epochs", 1, "--min-count", 1, "-q")
    assert result.exit_code == 0, result.output
    before = snapshot(tmp_cwd)
    bad_input("train", corpus, "-o", "out.ekv", "--resume", "sub.ekv", names=["sub.ekv"],
              contains=["a model with subwords (character n-grams); continued training continues whole-word "
                        "models only"])
    unchanged(tmp_cwd, before)


@pytest.mark.parametrize("args, said, why", [
    (["--cbow"], "--cbow", "MLlib's Word2Vec trains skip-gram, not CBOW"),
    (["--hs"], "--hs", "MLlib's Word2Vec trains hierarchical softmax alone, in its own tree"),
    (["--ns-exponent", "0.5"], "--ns-exponent 0.5", "MLlib's Word2Vec draws no noise words"),
    (["--no-shrink-windows"], "--no-shrink-windows", "MLlib's Word2Vec always shrinks its windows"),
    (["--max-final-vocab", "3"], "--max-final-vocab 3", "the vocabulary on Spark is cut by --min-count"),
    (["--keep-words", "keep.txt"], "--keep-words", "the vocabulary on Spark is cut by --min-count"),
    (["--phrases"], "--phrases", "phrases are joined by embedkit's own corpus pass, not on Spark"),
    (["--init", "given.vec"], "--init", "MLlib's Word2Vec starts from its own random vectors"),
    (["--resume", "model.ekv"], "--resume", "MLlib's Word2Vec starts from its own random vectors"),
])
def test_the_spark_engine_refuses_what_mllib_cannot_train(model, corpus, tmp_cwd, args, said, why):
    (tmp_cwd / "keep.txt").write_text("a1\n", encoding="utf-8")
    (tmp_cwd / "given.vec").write_text("1 8\na1 1 2 3 4 5 6 7 8\n", encoding="utf-8")
    before = snapshot(tmp_cwd)
    error = bad_input("train", corpus, "-o", "out.ekv", "--engine", "spark", "--vector-size", 8, *args,
                      contains=[f"{said}: the Spark engine cannot honour it: {why}",
                                "leave it out, or train with --engine native"])
    assert "corpus:" not in error   # refused before the corpus is read or Spark starts
    unchanged(tmp_cwd, before)


@pytest.mark.parametrize("args, fixed", [
    (["--resume", "model.ekv"], "--resume"),
    (["--phrases"], "--phrases"),
    (["--keep-words", "keep.txt", "--max-final-vocab", "3"], "--max-final-vocab, --keep-words"),
])
def test_a_prepared_folder_refuses_what_would_change_its_vocabulary(model, corpus, tmp_cwd, args, fixed):
    (tmp_cwd / "keep.txt").write_text("a1\n", encoding="utf-8")
    result = invoke("prepare", corpus, "-o", "prepared", "--min-count", 1, "-q")
    assert result.exit_code == 0, result.output
    before = snapshot(tmp_cwd)
    bad_input("train", "prepared", "-o", "out.ekv", "--vector-size", 8, *args, names=["prepared"],
              contains=[f"is a prepared corpus whose vocabulary is fixed: {fixed} cannot change it; "
                        "train on the text instead"])
    unchanged(tmp_cwd, before)
