"""Garbage that used to be accepted with exit 0: binary data as a corpus, a Latin-1 corpus read
as if it were UTF-8, NaN and infinity in vectors, `info --json` printing NaN. Binary input and
non-finite vectors are refused in one `Error:` line naming the file (and line); a Latin-1 corpus
is read as Latin-1 and said so; `--allow-nonfinite` reads NaN rows as zeros, said once."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import scipy.sparse as sp

from embedkit import io
from embedkit.errors import EmbedkitWarning, FormatError
from embedkit.vectors import Vectors

from .conftest import bad_input, invoke, snapshot, unchanged

RANDOM = np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes()
CONTROLS = bytes(np.random.default_rng(1).choice(list(range(1, 9)) + list(range(14, 32)) + [97, 98, 32],
                                                 3000).astype(np.uint8))
TEXT = b"the cat sat on the mat\nthe dog sat on the log\n"
RANDOM_NUL_LINE = RANDOM[:RANDOM.index(0)].count(b"\n") + 1


def _train(corpus, *extra):
    return ("train", corpus, "-o", "out.vec", "--min-count", "1", "--epochs", "1", "-q",
            "--tmp-dir", "work", *extra)


# -- binary data as a corpus ------------------------------------------------------------------------

BINARY_CORPORA = [
    ("random-bytes", "corpus.txt", RANDOM, "binary data (NUL bytes)", RANDOM_NUL_LINE),
    ("control-bytes", "corpus.txt", CONTROLS, "are control characters", None),
    ("gzipped-random", "corpus.gz", gzip.compress(RANDOM), "binary data (NUL bytes)", RANDOM_NUL_LINE),
    ("nul-on-line-41", "corpus.txt", TEXT * 20 + b"a \x00 b\n", "binary data (NUL bytes)", 41),
    ("nul-after-a-block", "corpus.txt", TEXT * 3000 + RANDOM, "binary data", None),
    # the first MiB decides the encoding (UTF-8); the binary block after it is refused
    ("invalid-utf8-after-a-block", "corpus.txt", TEXT * 25_000 + bytes(range(0x80, 0xC0)) * 2000,
     "are not UTF-8", None),
]


@pytest.mark.parametrize("name, data, message, line", [c[1:] for c in BINARY_CORPORA],
                         ids=[c[0] for c in BINARY_CORPORA])
def test_train_refuses_binary_corpus(tmp_cwd, name, data, message, line):
    (tmp_cwd / name).write_bytes(data)
    (tmp_cwd / "work").mkdir()
    before = snapshot(tmp_cwd)
    bad_input(*_train(name), names=[name], line=line, contains=[message, "not a text file"])
    unchanged(tmp_cwd, before)


def test_binary_file_inside_a_corpus_folder_is_named(tmp_cwd):
    (tmp_cwd / "corpus").mkdir()
    (tmp_cwd / "corpus" / "a.txt").write_bytes(TEXT)
    (tmp_cwd / "corpus" / "b.bin").write_bytes(RANDOM)
    (tmp_cwd / "work").mkdir()
    before = snapshot(tmp_cwd)
    bad_input(*_train("corpus"), names=["corpus/b.bin"], contains=["binary data"])
    unchanged(tmp_cwd, before)


@pytest.mark.parametrize("command", [("onehot", "corpus.bin", "-o", "out.ekv"),
                                     ("windows", "--file", "corpus.bin")])
def test_other_corpus_commands_refuse_binary(tmp_cwd, command):
    (tmp_cwd / "corpus.bin").write_bytes(RANDOM)
    before = snapshot(tmp_cwd)
    bad_input(*command, names=["corpus.bin"], contains=["binary data"])
    unchanged(tmp_cwd, before)


def test_evaluate_refuses_a_binary_similarity_file(tmp_cwd):
    io.save(Vectors(["the", "cat"], np.eye(2)), tmp_cwd / "v.vec")
    (tmp_cwd / "pairs.txt").write_bytes(RANDOM)
    bad_input("evaluate", "v.vec", "-s", "pairs.txt", names=["pairs.txt"], contains=["binary data"])


# -- Latin-1 corpora ------------------------------------------------------------------------------

# Twelve words that Latin-1 holds, in lines that vary: enough words and pairs to train on, so
# that the only warning left is the one about the encoding.
ACCENTED = ["café", "naïve", "résumé", "über", "façade", "déjà", "crème", "brûlée", "señor", "año", "niño", "jalapeño"]
ACCENTED_TEXT = "".join(" ".join(ACCENTED[(i * 5 + j * 7) % 12] for j in range(8)) + "\n" for i in range(240))


def test_latin1_corpus_trains_on_its_words_and_says_how_it_was_read(tmp_cwd):
    (tmp_cwd / "corpus.txt").write_bytes(ACCENTED_TEXT.encode("latin-1"))
    (tmp_cwd / "work").mkdir()
    result = invoke(*_train("corpus.txt"))
    assert result.exit_code == 0, result.output
    assert sorted(io.load(tmp_cwd / "out.vec").words) == sorted(ACCENTED)
    notes = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert notes == ["Warning: corpus.txt: not UTF-8, read as Latin-1 (ISO-8859-1)"]


def test_utf8_corpus_is_read_without_a_word(tmp_cwd):
    (tmp_cwd / "corpus.txt").write_bytes(ACCENTED_TEXT.encode())
    (tmp_cwd / "work").mkdir()
    result = invoke(*_train("corpus.txt"))
    assert result.exit_code == 0 and "Warning" not in result.output, result.output
    assert sorted(io.load(tmp_cwd / "out.vec").words) == sorted(ACCENTED)


def test_late_invalid_bytes_in_a_utf8_corpus_are_replaced_and_said(tmp_path):
    from embedkit.train import Corpus

    path = tmp_path / "c.txt"
    path.write_bytes("naïve\n".encode() * 200_000 + b"caf\xe9 ok\n")  # \xe9 after the first MiB
    with pytest.warns(EmbedkitWarning, match=r"c.txt: bytes that are not UTF-8 \(the first on line 200001\)"):
        sentences = list(Corpus(path))
    assert sentences[-1] == ["caf", "ok"]


def test_corpus_and_benchmark_readers_decide_the_encoding_alike(tmp_path):
    from embedkit import files
    from embedkit.train.corpus import read_lines

    data = "Äpfel und Birnen\ncafé\n".encode("latin-1")
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    with pytest.warns(EmbedkitWarning):
        streamed = [text for text, _ in read_lines(path)]
    assert streamed == files.read_lines(path) == ["Äpfel und Birnen", "café"]


# -- NaN and infinity in vectors ----------------------------------------------------------------

def _nan_vectors(sparse=False):
    matrix = np.array([[0.1, 0.2, 0.3], [0.4, np.nan, 0.6], [0.7, 0.8, np.inf], [1.0, 1.1, 1.2]],
                      dtype=np.float32)
    words = ["the", "cat", "sat", "mat"]
    if sparse:
        return Vectors(words, sp.csr_matrix(matrix))
    return Vectors(words, matrix)


def _text(header: bool, rows: list[str]) -> bytes:
    return ((f"{len(rows)} 3\n" if header else "") + "".join(row + "\n" for row in rows)).encode()


ROWS = ["the 0.1 0.2 0.3", "cat 0.4 nan 0.6", "sat 0.7 0.8 inf", "mat 1 1.1 1.2"]

NONFINITE = [
    ("word2vec", "v.vec", lambda d: (d / "v.vec").write_bytes(_text(True, ROWS)), "v.vec", 3),
    ("glove", "v.glove", lambda d: (d / "v.glove").write_bytes(_text(False, ROWS)), "v.glove", 2),
    ("glove-minus-inf", "v.txt",
     lambda d: (d / "v.txt").write_bytes(_text(False, ["the 1 2 3", "cat 4 5 6", "sat -inf 1 1"])), "v.txt", 3),
    ("glove-overflow", "v.txt",
     lambda d: (d / "v.txt").write_bytes(_text(False, ["the 1 2 3", "cat 4 5 1e39"])), "v.txt", 2),
    ("word2vec-gzip", "v.vec.gz", lambda d: (d / "v.vec.gz").write_bytes(gzip.compress(_text(True, ROWS))),
     "v.vec.gz", 3),
    ("word2vec-binary", "v.bin", lambda d: io.save(_nan_vectors(), d / "v.bin"), "v.bin", None),
    ("ekv", "v.ekv", lambda d: io.save(_nan_vectors(), d / "v.ekv"), "v.ekv/vectors.npy", None),
    ("ekv-sparse", "v.ekv", lambda d: io.save(_nan_vectors(sparse=True), d / "v.ekv"), "v.ekv/vectors.npz", None),
    ("projector", "proj", lambda d: io.save(_nan_vectors(), d / "proj", "projector"), "proj/vectors.tsv", 2),
]


@pytest.mark.parametrize("spec, make, names, line", [c[1:] for c in NONFINITE], ids=[c[0] for c in NONFINITE])
def test_nonfinite_vectors_are_refused_at_load(tmp_cwd, spec, make, names, line):
    make(tmp_cwd)
    before = snapshot(tmp_cwd)
    error = bad_input("neighbors", spec, "the", names=[names], line=line,
                      contains=["holds NaN or infinity", "--allow-nonfinite"])
    if line is None:
        assert "(row 2)" in error
    bad_input("convert", spec, "out.ekv", names=[names], line=line)
    unchanged(tmp_cwd, before)


@pytest.mark.parametrize("command", [
    ("similarity", "v.vec", "the", "mat"),
    ("analogy", "v.vec", "the", "mat", "the"),
    ("odd-one-out", "v.vec", "the", "cat", "mat"),
    ("plot", "v.vec", "-o", "p.png", "--method", "pca"),
    ("evaluate", "v.vec", "-s", "pairs.txt"),
    ("classify", "data.tsv", "--embeddings", "v.vec", "--epochs", "1", "--seeds", "1", "-q"),
])
def test_every_command_that_loads_vectors_refuses_nonfinite(tmp_cwd, command):
    (tmp_cwd / "v.vec").write_bytes(_text(True, ROWS))
    (tmp_cwd / "pairs.txt").write_text("the\tmat\t5\ncat\tsat\t3\n")
    (tmp_cwd / "data.tsv").write_text("pos\tthe cat\nneg\tthe mat\n" * 10)
    before = snapshot(tmp_cwd)
    bad_input(*command, names=["v.vec"], line=3, contains=["holds NaN or infinity"])
    unchanged(tmp_cwd, before)


def test_allow_nonfinite_reads_zeros_and_says_so_once(tmp_cwd):
    (tmp_cwd / "v.vec").write_bytes(_text(True, ROWS))
    result = invoke("neighbors", "v.vec", "the", "--allow-nonfinite", "--json")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    assert notes == ["Warning: v.vec, line 3: the vector of 'cat' holds NaN or infinity (and 1 more); "
                     "read as zero vectors"]
    payload = json.loads(result.output[result.output.index("{"):])
    assert {n["word"]: n["cosine"] for n in payload["results"][0]["neighbors"]} == {
        "mat": pytest.approx(0.68 / np.sqrt(0.14 * 3.65), abs=1e-4), "cat": 0.0, "sat": 0.0}


@pytest.mark.parametrize("sparse", [False, True])
def test_load_allow_nonfinite_zeroes_exactly_those_rows(tmp_path, sparse):
    path = io.save(_nan_vectors(sparse), tmp_path / "v.ekv")
    with pytest.raises(FormatError, match=r"vectors.np[yz]: the vector of 'cat' \(row 2\) holds NaN"):
        io.load(path)
    with pytest.warns(EmbedkitWarning, match="read as zero vectors"):
        vectors = io.load(path, allow_nonfinite=True)
    dense = vectors.matrix.toarray() if sparse else vectors.matrix
    expected = np.array([[0.1, 0.2, 0.3], [0, 0, 0], [0, 0, 0], [1.0, 1.1, 1.2]], dtype=np.float32)
    np.testing.assert_array_equal(dense, expected)


def test_resolve_takes_the_same_policy(tmp_path):
    from embedkit.io.pretrained import resolve

    (tmp_path / "v.vec").write_bytes(_text(True, ROWS))
    with pytest.raises(FormatError, match="line 3"):
        resolve(tmp_path / "v.vec")
    with pytest.warns(EmbedkitWarning):
        assert not resolve(tmp_path / "v.vec", allow_nonfinite=True).matrix[1:3].any()


def test_info_counts_nonfinite_vectors_and_names_the_first(tmp_cwd):
    (tmp_cwd / "v.vec").write_bytes(_text(True, ROWS))
    result = invoke("info", "v.vec")
    assert result.exit_code == 0, result.output
    assert "NaN/inf vectors 2 (the first: 'cat', line 3)" in result.output
    summary = json.loads(invoke("info", "v.vec", "--json").output)
    assert summary["non_finite_vectors"] == 2
    assert summary["first_non_finite"] == {"word": "cat", "row": 2, "line": 3}
    assert summary["norms"]["min"] == pytest.approx(np.sqrt(0.14), rel=1e-6)


def _strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_info_json_is_json_when_the_metadata_holds_nan(tmp_cwd):
    vectors = Vectors(["a", "b"], np.eye(2), meta={"epoch_loss": [float("nan")], "initial_loss": float("inf"),
                                                   "training": {"alpha": float("nan")}})
    io.save(vectors, tmp_cwd / "v.ekv")
    result = invoke("info", "v.ekv", "--json")
    assert result.exit_code == 0, result.output
    summary = _strict_json(result.output)
    assert summary["meta"]["epoch_loss"] == [None] and summary["meta"]["initial_loss"] is None
    assert summary["training"] == {"alpha": None}
    assert "NaN" not in result.output and "Infinity" not in result.output
    assert invoke("info", "v.ekv").exit_code == 0  # the table still shows them


def test_nonfinite_check_costs_one_pass_and_no_copy():
    from embedkit.vectors import nonfinite_rows

    matrix = np.ones((1000, 8), np.float32)
    matrix.setflags(write=False)
    assert nonfinite_rows(matrix).tolist() == []
    big = np.full((4, 2), 3e38, np.float32)  # finite, but a float32 sum overflows: the exact pass decides
    assert nonfinite_rows(big).tolist() == []
    big[2, 1] = np.nan
    assert nonfinite_rows(big).tolist() == [2]
