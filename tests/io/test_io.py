"""embedkit.io: round trips, gensim interoperability, detection, containers, malformed input."""

from __future__ import annotations

import bz2
import gzip
import io as pyio
import json
import lzma
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from embedkit import io
from embedkit.io import word2vec as w2vfile
from embedkit.errors import EmbedkitError, FormatError
from embedkit.vectors import Vectors

GLOVE_WORDS = ["the", "nan", "null", "none", "-", "1", "inf", "1e5", "#", '"', "'s", "naïve", "東京"]


def bits(matrix) -> np.ndarray:
    """The float32 bit patterns, so that -0.0, subnormals and NaN compare exactly."""
    return np.asarray(matrix.toarray() if sp.issparse(matrix) else matrix, dtype=np.float32).view(np.uint32)


def same(a: Vectors, b: Vectors) -> None:
    assert a.words == b.words
    assert a.shape == b.shape
    assert np.array_equal(bits(a.matrix), bits(b.matrix))


def vectors(words, dim=3, seed=0, **kw) -> Vectors:
    rng = np.random.default_rng(seed)
    return Vectors(words, rng.standard_normal((len(words), dim)).astype(np.float32), **kw)


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# -- round trips ----------------------------------------------------------------------------------

def words_for(fmt):
    banned = {"embedkit": "\t\n", "projector": "\t\n\r"}.get(fmt, w2vfile.FORBIDDEN)
    word = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=banned),
                   min_size=1, max_size=6)
    return st.lists(word, min_size=1, max_size=6, unique=True)


def matrices(n):
    dim = st.integers(1, 5)
    finite = st.floats(width=32, allow_nan=False, allow_infinity=False)
    return dim.flatmap(lambda d: hnp.arrays(np.float32, (n, d), elements=finite))


FILES = {"embedkit": "v.ekv", "word2vec": "v.vec", "word2vec-binary": "v.bin", "glove": "v.glove",
         "projector": "proj"}


WHOLE_WORD_FORMATS = [f for f in io.WRITE_FORMATS if f != "fasttext"]  # fasttext: tests/io/test_subword_files.py


@pytest.mark.parametrize("fmt", WHOLE_WORD_FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_is_exact(tmp_path_factory, fmt, data):
    words = data.draw(words_for(fmt))
    matrix = data.draw(matrices(len(words)))
    original = Vectors(words, matrix)
    out = tmp_path_factory.mktemp("rt") / FILES[fmt]
    io.save(original, out, fmt)
    same(io.load(out, fmt), original)


@pytest.mark.parametrize("name", ["v.vec.gz", "v.bin.bz2", "v.glove.xz", "v.txt.gz"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_compressed(tmp_path_factory, name, data):
    words = data.draw(words_for("word2vec"))
    original = Vectors(words, data.draw(matrices(len(words))))
    out = tmp_path_factory.mktemp("gz") / name
    io.save(original, out)
    fmt = io.output_format(out)[0]
    same(io.load(out, fmt), original)


def test_seven_digits_never_claims_too_much():
    rng = np.random.default_rng(1)
    patterns = rng.integers(0, 2**32, 200_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    scaled = rng.standard_normal(100_000) * 10.0 ** rng.integers(-9, 5, 100_000)
    decimals = np.array([float("%.6g" % x) for x in scaled], dtype=np.float32)  # GloVe-like
    values = np.concatenate([patterns[np.isfinite(patterns)], decimals,
                             np.float32([0.01, 0.1, 1e-7, 9999999.0, 0.5, -0.0])])
    ok = w2vfile.seven_digits_enough(values[:, None])  # one value per row
    back = np.array([float("%.7g" % v) for v in values[ok]], dtype=np.float32)
    assert np.array_equal(back.view(np.uint32), values[ok].view(np.uint32))
    assert ok[-len(decimals) - 6:-6].mean() > 0.99  # short decimals do get the short form


def test_glove_values_keep_their_short_form(tmp_path):
    v = Vectors(["the"], np.float32([[0.418, 0.24968, -0.41242, 0.01, -0.00066023]]))
    io.save(v, tmp_path / "g.glove")
    assert (tmp_path / "g.glove").read_text() == "the 0.418 0.24968 -0.41242 0.01 -0.00066023\n"


def test_glove_words_that_look_like_numbers_or_nothing(tmp_path):
    original = vectors(GLOVE_WORDS, dim=4)
    io.save(original, tmp_path / "g.glove")
    assert io.detect_format(tmp_path / "g.glove") == "glove"
    same(io.load(tmp_path / "g.glove"), original)


def test_embedkit_keeps_counts_meta_and_maps_the_matrix(tmp_path):
    meta = {"training": {"window": 5, "seed": np.int64(3)}, "source": Path("corpus.txt")}
    original = vectors(["a", "b", "c"], counts=[10, 5, 0], meta=meta)
    out = io.save(original, tmp_path / "v.ekv")
    assert sorted(p.name for p in out.iterdir()) == ["meta.json", "vectors.npy", "vocab.tsv"]
    assert (out / "vocab.tsv").read_text() == "a\t10\nb\t5\nc\t0\n"
    loaded = io.load(out)
    same(loaded, original)
    assert loaded.counts.tolist() == [10, 5, 0]
    assert loaded.meta == {"training": {"window": 5, "seed": 3}, "source": "corpus.txt"}
    assert not loaded.matrix.flags.writeable  # memory-mapped, read-only
    assert io.load(out, mmap=False).matrix.flags.writeable


def test_embedkit_unknown_counts_are_empty_fields(tmp_path):
    out = io.save(vectors(["a", "b"]), tmp_path / "v.ekv")
    assert (out / "vocab.tsv").read_text() == "a\t\nb\t\n"
    assert io.load(out).counts is None


def test_sparse_one_hot_stays_sparse(tmp_path):
    words = ["a", "b", "c", "d"]
    onehot = Vectors(words, sp.identity(4, format="csr"), counts=[4, 3, 2, 1])
    out = io.save(onehot, tmp_path / "onehot.ekv")
    assert (out / "vectors.npz").is_file() and not (out / "vectors.npy").exists()
    loaded = io.load(out)
    assert loaded.is_sparse
    same(loaded, onehot)
    assert loaded.counts.tolist() == [4, 3, 2, 1]
    io.save(onehot, tmp_path / "onehot.vec")  # text formats write sparse rows densely
    assert np.array_equal(io.load(tmp_path / "onehot.vec").matrix, np.eye(4))


def test_projector_header_only_with_counts(tmp_path):
    io.save(vectors(["a", "b"]), tmp_path / "plain", "projector")
    assert (tmp_path / "plain" / "metadata.tsv").read_text() == "a\nb\n"
    io.save(vectors(["a", "b"], counts=[7, 1]), tmp_path / "counted", "projector")
    assert (tmp_path / "counted" / "metadata.tsv").read_text() == "word\tcount\na\t7\nb\t1\n"
    loaded = io.load(tmp_path / "counted")
    assert loaded.counts.tolist() == [7, 1]
    assert len((tmp_path / "counted" / "vectors.tsv").read_text().splitlines()[0].split("\t")) == 3


def test_projector_as_a_tsv_file_pair(tmp_path):
    original = vectors(["x", "y"])
    io.save(original, tmp_path / "emb.tsv")
    assert (tmp_path / "emb_metadata.tsv").read_text() == "x\ny\n"
    assert io.detect_format(tmp_path / "emb.tsv") == "projector"
    same(io.load(tmp_path / "emb.tsv"), original)


# -- gensim ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_what_we_write(tmp_path, binary):
    from gensim.models import KeyedVectors

    original = vectors(["the", "naïve", "東京", "nan", "-"], dim=7)
    out = io.save(original, tmp_path / ("v.bin" if binary else "v.vec"))
    kv = KeyedVectors.load_word2vec_format(str(out), binary=binary)
    assert list(kv.index_to_key) == original.words
    assert np.array_equal(bits(kv.vectors), bits(original.matrix))


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_what_gensim_writes(tmp_path, binary):
    from gensim.models import KeyedVectors

    original = vectors(["the", "naïve", "東京", "nan", "-"], dim=7, seed=4)
    kv = KeyedVectors(7)
    kv.add_vectors(original.words, original.matrix)
    out = tmp_path / ("g.bin" if binary else "g.vec")
    kv.save_word2vec_format(str(out), binary=binary)
    assert io.detect_format(out) == ("word2vec-binary" if binary else "word2vec")
    same(io.load(out), original)


def test_gensim_test_data_files():
    from gensim.test.utils import datapath

    assert io.load(datapath("euclidean_vectors.bin")).shape == (2747, 10)  # word2vec.c: newline after vectors
    high = io.load(datapath("high_precision.kv.bin"))  # gensim: no newline
    assert high.words == ["kangaroo.n.01", "horse.n.01"]
    glove = io.load(datapath("test_glove.txt"))
    assert glove.shape == (76, 50) and glove.words[:2] == ["the", "ö"]
    assert io.load(datapath("word2vec_pre_kv_c")).shape == (1750, 10)  # text with trailing spaces


@pytest.fixture
def w2v_model(tmp_path):
    from gensim.models import Word2Vec

    sentences = [["cat", "sat", "on", "the", "mat"], ["the", "dog", "sat"]] * 5
    model = Word2Vec(sentences, vector_size=8, window=2, min_count=1, epochs=2, seed=1, workers=1)
    model.save(str(tmp_path / "w.model"))
    model.wv.save(str(tmp_path / "w.kv"))
    return model


@pytest.mark.parametrize("name", ["w.model", "w.kv"])
def test_pickles_need_trust(tmp_path, w2v_model, name):
    with pytest.raises(EmbedkitError, match="pickle.*--trust-pickle"):
        io.load(tmp_path / name)
    loaded = io.load(tmp_path / name, trust_pickle=True)
    assert loaded.words == list(w2v_model.wv.index_to_key)
    assert np.array_equal(loaded.matrix, w2v_model.wv.vectors)
    assert loaded.counts.tolist() == [w2v_model.wv.get_vecattr(w, "count") for w in loaded.words]
    if name == "w.model":
        assert loaded.meta["training"]["window"] == 2


class _Trap:
    def __reduce__(self):
        return (Path.touch, (Path(self.target),))


def test_a_hostile_pickle_is_never_opened(tmp_path):
    trap = _Trap()
    trap.target = str(tmp_path / "pwned")
    payload = pickle.dumps(trap, protocol=4)
    pickle.loads(payload)  # the trap works: unpickling it creates the file
    assert (tmp_path / "pwned").exists()
    (tmp_path / "pwned").unlink()
    write(tmp_path / "evil.kv", payload)
    for fmt in (None, "gensim"):
        with pytest.raises(EmbedkitError, match="pickle"):
            io.load(tmp_path / "evil.kv", fmt)
    with pytest.raises(FormatError):
        io.load(tmp_path / "evil.kv", "glove")
    with pytest.raises(EmbedkitError):
        io.info(tmp_path / "evil.kv")
    assert not (tmp_path / "pwned").exists()


# -- detection and containers ---------------------------------------------------------------------

def test_detect_text_formats(tmp_path):
    assert io.detect_format(write(tmp_path / "a.txt", "2 3\nx 1 2 3\ny 4 5 6\n")) == "word2vec"
    assert io.detect_format(write(tmp_path / "b.txt", "x 1 2 3\ny 4 5 6\n")) == "glove"
    assert io.detect_format(write(tmp_path / "c.txt", "1 2.5\n")) == "glove"  # not two whole numbers
    assert io.load(tmp_path / "b.txt").words == ["x", "y"]
    io.save(vectors(["x"]), tmp_path / "d.bin")
    assert io.detect_format(tmp_path / "d.bin") == "word2vec-binary"


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open])
def test_compressed_input_by_magic_bytes(tmp_path, opener):
    with opener(tmp_path / "plain-name.txt", "wb") as f:  # no telling extension
        f.write(b"x 1 2 3\ny 4 5 6\n")
    assert io.detect_format(tmp_path / "plain-name.txt") == "glove"
    assert io.load(tmp_path / "plain-name.txt").matrix.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_gzip_output_names_the_final_file(tmp_path):
    out = io.save(vectors(["x"]), tmp_path / "out.vec.gz")
    raw = out.read_bytes()
    assert raw[:2] == b"\x1f\x8b" and b"out.vec\x00" in raw[:40] and b".tmp" not in raw[:40]


def test_zip_with_one_member_and_with_several(tmp_path):
    with zipfile.ZipFile(tmp_path / "one.zip", "w") as z:
        z.writestr("glove.txt", "x 1 2\ny 3 4\n")
    assert io.load(tmp_path / "one.zip").words == ["x", "y"]
    with zipfile.ZipFile(tmp_path / "glove.6B.zip", "w") as z:
        z.writestr("glove.6B.50d.txt", "x 1 2\n")
        z.writestr("glove.6B.100d.txt", "x 1 2 3\n")
    with pytest.raises(EmbedkitError, match=r"holds 2 files .*glove\.6B\.50d\.txt.*ARCHIVE\.zip:MEMBER"):
        io.load(tmp_path / "glove.6B.zip")
    assert io.load(f"{tmp_path}/glove.6B.zip:glove.6B.100d.txt").dim == 3
    assert io.detect_format(f"{tmp_path}/glove.6B.zip:glove.6B.50d.txt") == "glove"
    with pytest.raises(EmbedkitError, match="holds no file 'nope.txt'"):
        io.load(f"{tmp_path}/glove.6B.zip:nope.txt")


def test_unrecognised_inputs(tmp_path):
    with pytest.raises(EmbedkitError, match="no such file"):
        io.load(tmp_path / "missing.vec")
    np.save(tmp_path / "m.npy", np.zeros((2, 2)))
    with pytest.raises(EmbedkitError, match="bare NumPy array"):
        io.load(tmp_path / "m.npy")
    with pytest.raises(EmbedkitError, match="not a word-vectors file"):
        io.load(write(tmp_path / "x.dat", b"\x01\x02\x03binary"))
    (tmp_path / "folder").mkdir()
    with pytest.raises(EmbedkitError, match="not an embedkit one"):
        io.load(tmp_path / "folder")


# -- malformed input: message and line --------------------------------------------------------------

@pytest.mark.parametrize("text, fmt, line, message", [
    ("a 1 2 3\nb 4 5 6\nc 7 8\n", "glove", 3, "expected a word and 3 numbers, found 2 numbers"),
    ("a 1 2 3\nb 4 5 6 7\n", "glove", 2, "expected a word and 3 numbers, found 4 numbers"),
    ("2 3\na 1 2 3\nb 4 x 6\n", "word2vec", 3, "'x' is not a number"),
    ("a 1 2\nb 3 4\na 5 6\n", "glove", 3, "duplicate word 'a' (first on line 1)"),
    ("3 2\na 1 2\nb 3 4\n", "word2vec", 4, "the header says 3 words but the file ends after 2"),
    ("1 2\na 1 2\nb 3 4\n", "word2vec", 3, "the header says 1 words but the file holds more"),
    ("a 1 2\n\nb 3 4\n", "glove", 2, "empty line"),
    ("two words\n", "word2vec", 1, "expected a header 'WORDS DIM'"),
    ("a 1 2\nb\x00\x00\x80? 3 4\n", "glove", 2, "binary data (NUL bytes) in a text file"),
    ("a 1 2\nb\xff 3 4\n", "glove", 2, "is not valid UTF-8"),
    ("only\n", "glove", 1, "expected a word followed by its numbers"),
])
def test_malformed_text(tmp_path, engine, text, fmt, line, message):
    path = write(tmp_path / "bad.txt", text.encode("latin-1"))
    with pytest.raises(FormatError) as caught:
        io.load(path, fmt)
    assert caught.value.line == line
    assert message in caught.value.reason
    assert str(caught.value).startswith(f"{path}, line {line}: ")


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file(tmp_path, text):
    path = write(tmp_path / "empty.vec", text)
    for fmt in (None, "word2vec", "glove", "word2vec-binary"):
        with pytest.raises(FormatError, match="empty file") as caught:
            io.load(path, fmt)
        assert caught.value.line is None


@pytest.fixture(params=[True, False], ids=["arrow", "numpy"])
def engine(request, monkeypatch):
    """Run a test with pyarrow's parser (where installed) and with np.loadtxt alone."""
    monkeypatch.setattr(w2vfile, "ARROW", request.param)
    return request.param


@settings(max_examples=60, deadline=None)
@given(values=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)),
                         elements=st.floats(allow_nan=False, width=64)),
       digits=st.integers(1, 17), trailing=st.booleans())
def test_both_number_parsers_agree_with_python(values, digits, trailing):
    text = "\n".join(" ".join(f"%.{digits}g" % v for v in row) + " " * trailing for row in values)
    with np.errstate(over="ignore"):  # beyond float32 is inf
        expected = np.array([[float(f"%.{digits}g" % v) for v in row] for row in values], np.float32)
    for arrow in (True, False):
        w2vfile.ARROW = arrow
        try:
            got = w2vfile.parse_numbers(text.encode(), *values.shape)
        finally:
            w2vfile.ARROW = True
        assert got is not None and np.array_equal(bits(got), bits(expected))


def test_errors_name_the_right_line_across_blocks(engine):
    lines = [f"w{i} {i} {i + 1}" for i in range(500)]
    good = "\n".join(lines).encode() + b"\n"
    words, matrix = w2vfile.read_text(pyio.BytesIO(good), "f", header=False, block_bytes=64)
    assert words == [f"w{i}" for i in range(500)] and matrix[499].tolist() == [499, 500]
    lines[437] = "w437 1 oops"
    with pytest.raises(FormatError, match="'oops' is not a number") as caught:
        w2vfile.read_text(pyio.BytesIO("\n".join(lines).encode()), "f", header=False, block_bytes=64)
    assert caught.value.line == 438


def test_invalid_utf8_can_be_replaced(tmp_path):
    path = write(tmp_path / "latin.txt", "café 1 2\nx 3 4\n".encode("latin-1"))
    with pytest.raises(FormatError, match="--unicode-errors replace"):
        io.load(path)
    assert io.load(path, unicode_errors="replace").words == ["caf\ufffd", "x"]


def test_lenient_text_variants(tmp_path, engine):
    crlf = write(tmp_path / "crlf.vec", "\ufeff2 2\r\nx 1 2 \r\ny 3  4\r\n\r\n\n")
    assert io.load(crlf).matrix.tolist() == [[1, 2], [3, 4]]
    spaced = write(tmp_path / "840b.txt", "x 1 2\nat name@domain.com 3 4\n. . . 5 6\n")
    assert io.load(spaced).words == ["x", "at name@domain.com", ". . ."]
    stuck = write(tmp_path / "stuck.txt", "x 1 2\ny 1 2 3\n")  # one number too many, not a spaced word
    with pytest.raises(FormatError, match="found 3 numbers"):
        io.load(stuck)


def test_binary_truncated_and_overlong(tmp_path):
    io.save(vectors(["a", "b", "c"], dim=4), tmp_path / "v.bin")
    raw = (tmp_path / "v.bin").read_bytes()
    with pytest.raises(FormatError, match=r"ends inside word 3 of 3 \(byte \d+\): truncated"):
        io.load(write(tmp_path / "cut.bin", raw[:-5]))
    with pytest.raises(FormatError, match="the header says 2 words but the file holds more"):
        io.load(write(tmp_path / "long.bin", raw.replace(b"3 4\n", b"2 4\n", 1)))
    with pytest.raises(FormatError, match="not word2vec binary; use --format word2vec"):
        io.load(write(tmp_path / "t.vec", "1 2\nx 1 2\n"), "word2vec-binary")


def test_projector_malformed(tmp_path):
    folder = io.save(vectors(["a", "b"]), tmp_path / "p", "projector")
    write(folder / "metadata.tsv", "a\nb\nc\n")
    with pytest.raises(FormatError, match="3 words for the 2 vectors"):
        io.load(folder)
    write(folder / "metadata.tsv", "a\nb\n")
    write(folder / "vectors.tsv", "1\t2\t3\n4\tfive\t6\n")
    with pytest.raises(FormatError, match="'five' is not a number") as caught:
        io.load(folder)
    assert caught.value.line == 2


def test_embedkit_folder_malformed(tmp_path):
    folder = io.save(vectors(["a", "b", "c"], counts=[3, 2, 1]), tmp_path / "v.ekv")
    write(folder / "vocab.tsv", "a\t3\nb 2\nc\t1\n")
    with pytest.raises(FormatError, match="expected word TAB count") as caught:
        io.load(folder)
    assert caught.value.line == 2 and caught.value.path.endswith("vocab.tsv")
    write(folder / "vocab.tsv", "a\t3\nb\ttwo\nc\t1\n")
    with pytest.raises(FormatError, match="'two' is not a whole number"):
        io.load(folder)
    write(folder / "vocab.tsv", "a\t3\nb\t2\n")
    with pytest.raises(FormatError, match="2 lines for the 3 rows"):
        io.load(folder)
    meta = json.loads((folder / "meta.json").read_text())
    write(folder / "meta.json", json.dumps({**meta, "version": 99}))
    with pytest.raises(EmbedkitError, match="newer embedkit"):
        io.load(folder)
    write(folder / "meta.json", "{oops")
    with pytest.raises(FormatError, match="not valid JSON"):
        io.load(folder)


# -- writing ------------------------------------------------------------------------------------------

def test_output_format_from_extension():
    assert io.output_format("a.ekv") == ("embedkit", None)
    assert io.output_format("a.vec.gz") == ("word2vec", ".gz")
    assert io.output_format("a.bin") == ("word2vec-binary", None)
    assert io.output_format("a.glove.xz") == ("glove", ".xz")
    assert io.output_format("folder", "projector") == ("projector", None)
    with pytest.raises(EmbedkitError, match=r"cannot tell the format.*embedkit, word2vec.*\.ekv"):
        io.output_format("a.dat")
    with pytest.raises(EmbedkitError, match="cannot be compressed"):
        io.output_format("a.ekv.gz")
    with pytest.raises(EmbedkitError, match="cannot write format 'gensim'"):
        io.output_format("a.kv", "gensim")


@pytest.mark.parametrize("fmt, word", [("word2vec", "new york"), ("glove", "tab\there"),
                                       ("word2vec-binary", "line\nbreak"), ("embedkit", "a\tb")])
def test_words_a_format_cannot_hold(tmp_path, fmt, word):
    with pytest.raises(EmbedkitError, match=rf"cannot write word .* \(row 1\) in the {fmt} format"):
        io.save(vectors(["ok", word]), tmp_path / "out", fmt)
    assert list(tmp_path.iterdir()) == []


def test_failed_writes_leave_nothing(tmp_path, monkeypatch):
    def explode(stream, *args, **kwargs):
        stream.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(w2vfile, "write_text", explode)
    with pytest.raises(KeyboardInterrupt):
        io.save(vectors(["a"]), tmp_path / "out.vec")
    assert list(tmp_path.iterdir()) == []


def test_replaces_files_and_own_folders_but_not_other_folders(tmp_path):
    io.save(vectors(["a"]), tmp_path / "v.ekv")
    io.save(vectors(["b"]), tmp_path / "v.ekv")
    assert io.load(tmp_path / "v.ekv").words == ["b"]
    home = tmp_path / "home"
    home.mkdir()
    write(home / "precious.txt", "keep me")
    for fmt in ("projector", "word2vec"):
        with pytest.raises(EmbedkitError, match="refusing to replace it"):
            io.save(vectors(["a"]), home, fmt)
    assert (home / "precious.txt").read_text() == "keep me"


# -- info ---------------------------------------------------------------------------------------------

def test_info_summary(tmp_path):
    matrix = np.float32([[3, 4], [0, 0], [1, 0]])
    v = Vectors(["a", "b", "c"], matrix, counts=[5, 4, 3], meta={"training": {"window": 5}})
    out = io.save(v, tmp_path / "v.ekv")
    summary = io.info(out)
    json.dumps(summary)  # serialisable
    assert summary["format"] == "embedkit" and summary["words"] == 3 and summary["dim"] == 2
    assert summary["counts_known"] and not summary["sparse"]
    assert summary["norms"] == {"min": 0.0, "mean": 2.0, "max": 5.0}
    assert summary["zero_vectors"] == 1 and summary["non_finite_vectors"] == 0
    assert summary["training"] == {"window": 5}
    assert summary["first_words"] == ["a", "b", "c"]
    assert summary["file_bytes"] == sum(p.stat().st_size for p in out.iterdir())
    glove = io.info(write(tmp_path / "g.txt", "x 1 2\n"))
    assert glove["format"] == "glove" and not glove["counts_known"] and glove["training"] is None


# -- anything else: an EmbedkitError, never another exception ---------------------------------------

_SEED_FILES = {
    "glove": b"the 0.418 0.24968\nnan -1 2e-3\n",
    "word2vec": b"2 2\nthe 0.418 0.24968\nnan -1 2e-3\n",
    "word2vec-binary": b"2 2\nthe \x00\x00\x80?\x00\x00\x00@\nnan \x00\x00\x80?\x00\x00\x00@\n",
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(sorted(_SEED_FILES)), cut=st.integers(0, 60),
       junk=st.binary(max_size=12), at=st.integers(0, 60), fmt=st.sampled_from([None, *io.FORMATS]))
def test_damaged_files_raise_embedkit_errors_only(tmp_path, seed, cut, junk, at, fmt):
    data = _SEED_FILES[seed][:cut] + junk + _SEED_FILES[seed][cut:]
    data = data[:at] + data[at + len(junk):] if at % 2 else data
    path = write(tmp_path / "damaged", data)
    try:
        loaded = io.load(path, fmt)
    except EmbedkitError:
        return
    assert len(loaded.words) == len(set(loaded.words)) == loaded.matrix.shape[0]


@pytest.mark.parametrize("fmt", WHOLE_WORD_FORMATS)
def test_no_words(tmp_path, fmt):
    empty = Vectors([], np.zeros((0, 3)))
    if fmt in ("glove", "projector"):
        with pytest.raises(EmbedkitError, match="cannot write 0 words"):
            io.save(empty, tmp_path / "out", fmt)
        return
    assert io.load(io.save(empty, tmp_path / "out", fmt), fmt).shape == (0, 3)


def test_repeated_words_are_refused(tmp_path):
    twice = Vectors(["a", "b", "a"], np.zeros((3, 2)), check=False)
    with pytest.raises(EmbedkitError, match=r"cannot write word 'a' \(row 2\) twice"):
        io.save(twice, tmp_path / "v.ekv")
    assert list(tmp_path.iterdir()) == []
