"""fastText .bin files: round trips with gensim, every way a file can be bad, and a fuzz."""

import gzip
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gensim.models.fasttext import FastText, load_facebook_model, load_facebook_vectors, save_facebook_model
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from embedkit.io import fasttext as fasttext_bin
from embedkit.errors import EmbedkitError, FormatError
from embedkit.io.fasttext import FastTextArgs, is_fasttext_bin, read, write
from embedkit.subwords import NgramSettings, SubwordModel, subword_rows

ROOT = Path(__file__).resolve().parents[2]
OOV = ["walker", "überall", "гдеж", "talkative", "zzzq"]


@pytest.fixture(scope="module")
def gensim_model():
    rng = np.random.default_rng(0)
    forms = [s + x for s in ["walk", "talk", "über", "где", "jump"] for x in ["", "s", "ed", "ing"]]
    sentences = [list(rng.choice(forms, 8)) for _ in range(200)]
    return FastText(sentences, vector_size=10, window=3, min_count=1, bucket=2000, min_n=2, max_n=5, epochs=1,
                    workers=1, seed=2)


@pytest.fixture(scope="module")
def gensim_file(gensim_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("gensim") / "model.bin"
    save_facebook_model(gensim_model, str(path))
    return path


def test_reading_what_gensim_wrote_gives_gensims_vectors(gensim_model, gensim_file):
    wv = gensim_model.wv
    found = read(gensim_file)
    assert found.version == 12 and found.words == wv.index_to_key
    assert found.counts.tolist() == [wv.get_vecattr(w, "count") for w in wv.index_to_key]
    assert found.args == FastTextArgs(dim=10, ws=3, epoch=1, min_count=1, neg=5, word_ngrams=1, loss=2, model=1,
                                      bucket=2000, minn=2, maxn=5, lr_update_rate=100, t=0.001)
    assert found.ntokens == gensim_model.corpus_total_words
    assert found.input_matrix.shape == (len(wv) + 2000, 10) and not found.input_matrix.flags.writeable
    np.testing.assert_array_equal(found.output_matrix, gensim_model.syn1neg)
    model = found.model()
    np.testing.assert_allclose(model.word_vectors(), wv.vectors, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.vectors(OOV), np.array([wv[w] for w in OOV]), rtol=1e-5, atol=1e-7)
    theirs = load_facebook_vectors(str(gensim_file))
    np.testing.assert_allclose(model.vectors(OOV), np.array([theirs[w] for w in OOV]), rtol=1e-5, atol=1e-7)


def test_our_writer_writes_gensims_bytes(gensim_file, tmp_path):
    found = read(gensim_file)
    out = write(tmp_path / "again.bin", found.model(), counts=found.counts, output_matrix=found.output_matrix,
                args=found.args, ntokens=found.ntokens)
    assert out.read_bytes() == gensim_file.read_bytes()


DATA = Path(__file__).resolve().parent / "data"


def test_a_file_fasttext_wrote_gives_fasttexts_vectors(tmp_path):
    """tests/io/data/fasttext_tiny.bin was trained by Facebook's fastText (make_fasttext_tiny.py), the
    .json holds what its get_word_vector said: for known words, '</s>' (no n-grams) and unknown ones."""
    expected = json.loads((DATA / "fasttext_tiny.json").read_text(encoding="utf-8"))
    found = read(DATA / "fasttext_tiny.bin")
    assert found.args.model == 2 and (found.args.minn, found.args.maxn, found.args.bucket) == (2, 4, 1000)
    assert found.words[:2] == ["the", "</s>"] and found.counts[:2].tolist() == [3500, 2000]
    model = found.model()
    for word, vector in expected["vectors"].items():
        assert model.is_composed(word) == (word not in expected["known"])
        np.testing.assert_allclose(model.vector(word), vector, rtol=1e-6, atol=1e-7, err_msg=word)
    again = write(tmp_path / "again.bin", model, counts=found.counts, output_matrix=found.output_matrix,
                  args=found.args, ntokens=found.ntokens)
    assert again.read_bytes() == (DATA / "fasttext_tiny.bin").read_bytes()


def compact_model(seed=0):
    words = ["walk", "walked", "talk", "über", "где", "</s>", "a"]
    settings = NgramSettings(3, 5, 5000)
    rows = subword_rows(words, settings)
    matrix = np.random.default_rng(seed).normal(size=(len(words) + rows.buckets.size, 6)).astype(np.float32)
    return SubwordModel(words, matrix, settings, rows.buckets)


def test_gensim_reads_what_we_wrote(tmp_path, monkeypatch):
    monkeypatch.setattr(fasttext_bin, "WRITE_ROWS", 7)  # many blocks of the full bucket layout
    model = compact_model()
    output = np.random.default_rng(1).normal(size=(len(model.words), 6)).astype(np.float32)
    counts = np.arange(len(model.words), 0, -1) * 10
    path = write(tmp_path / "ours.bin", model, counts=counts, output_matrix=output,
                 args=FastTextArgs(ws=4, epoch=3, t=1e-3))
    kv = load_facebook_vectors(str(path))
    assert kv.index_to_key == model.words and (kv.min_n, kv.max_n, kv.bucket) == (3, 5, 5000)
    mine = model.word_vectors()
    for i, word in enumerate(model.words):
        if word != "</s>":  # gensim gives '</s>' n-grams; fastText (and embedkit) give it none
            np.testing.assert_allclose(kv[word], mine[i], rtol=1e-5, atol=1e-6, err_msg=word)
    np.testing.assert_array_equal(model.vector("</s>"), model.input_matrix[5])
    np.testing.assert_allclose(np.array([kv[w] for w in OOV[:4]]), model.vectors(OOV[:4]), rtol=1e-5, atol=1e-6)
    full = load_facebook_model(str(path))
    assert (full.window, full.epochs, full.sample, full.sg) == (4, 3, 1e-3, 1)
    np.testing.assert_array_equal(full.syn1neg, output)
    assert [full.wv.get_vecattr(w, "count") for w in model.words] == counts.tolist()
    again = read(path)
    assert again.counts.tolist() == counts.tolist() and again.ntokens == counts.sum()
    np.testing.assert_array_equal(again.model().word_vectors(), mine)
    np.testing.assert_array_equal(again.input_matrix[len(model.words) + model.buckets], model.ngram_matrix)


def test_a_compressed_file_reads_the_same(gensim_file, tmp_path):
    packed = tmp_path / "model.bin.gz"
    packed.write_bytes(gzip.compress(gensim_file.read_bytes()))
    plain, found = read(gensim_file), read(packed)
    assert found.words == plain.words and np.array_equal(found.input_matrix, plain.input_matrix)
    assert is_fasttext_bin(gensim_file) and not is_fasttext_bin(packed) and not is_fasttext_bin(tmp_path)


def test_writing_refuses_what_fasttext_cannot_store(tmp_path):
    model = compact_model()
    with pytest.raises(EmbedkitError, match="word 'a' has count 0; a fastText model needs counts of at least 1"):
        write(tmp_path / "x.bin", model, counts=[1, 1, 1, 1, 1, 1, 0])
    with pytest.raises(EmbedkitError, match=r"output matrix has shape \(2, 6\), expected \(7, 6\)"):
        write(tmp_path / "x.bin", model, output_matrix=np.zeros((2, 6), np.float32))
    bad = SubwordModel(["ok", "a\0b"], np.zeros((2, 3), np.float32), NgramSettings(3, 6, 0))
    with pytest.raises(EmbedkitError, match=r"word 'a\\x00b' cannot be stored in a fastText model"):
        write(tmp_path / "x.bin", bad)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    model = compact_model()
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")

    def broken(first, stop):
        raise OSError("disk full")

    monkeypatch.setattr(model, "ngram_block", broken)
    with pytest.raises(EmbedkitError, match=r"x\.bin: cannot write: disk full"):
        write(target, model)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.bin"]


# -- bad files ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    """A small valid file and the offsets of its parts."""
    model = compact_model()
    path = write(tmp_path_factory.mktemp("small") / "small.bin", model, counts=np.arange(7, 0, -1))
    data = path.read_bytes()
    dictionary = 8 + 56                                      # magic, version, args
    input_flag = dictionary + 28 + sum(len(w.encode()) + 10 for w in model.words)
    output_flag = input_flag + 17 + (7 + 5000) * 6 * 4
    return data, {"dictionary": dictionary, "input": input_flag, "output": output_flag}


def bad(tmp_path, data: bytes, name="bad.bin") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FormatError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message[len(str(path)) + 2:]


def patched(data: bytes, offset: int, fmt: str, *values) -> bytes:
    return data[:offset] + struct.pack(fmt, *values) + data[offset + struct.calcsize(fmt):]


def test_wrong_magic_version_and_kind(small_file, tmp_path):
    data, at = small_file
    assert bad(tmp_path, patched(data, 0, "<i", 12345)) == \
        "not a fastText .bin model (magic number 12345, expected 793712314)"
    assert bad(tmp_path, patched(data, 4, "<i", 13)) == "fastText format version 13 is not supported (versions 11, 12 are)"
    assert bad(tmp_path, patched(data, 4, "<i", 10)).startswith("fastText format version 10 is not supported")
    assert read(write_version(tmp_path, data, 11)).version == 11
    assert bad(tmp_path, patched(data, 8 + 28, "<i", 3)) == \
        "supervised (classifier) model: only word-vector models (cbow, skipgram) are read"
    assert bad(tmp_path, patched(data, at["dictionary"] + 8, "<i", 2)) == \
        "supervised (classifier) model with 2 labels: only word vectors are read"
    assert bad(tmp_path, patched(data, at["input"], "<?", True)) == \
        "quantized model (.ftz): not supported; use the full .bin model"
    assert bad(tmp_path, patched(data, at["dictionary"] + 20, "<q", 0)) == \
        "pruned dictionary in a model that is not quantized (fastText refuses it too)"
    assert bad(tmp_path, b"GIF89a" + data[6:]).startswith("not a fastText .bin model (magic number")


def write_version(tmp_path, data, version):
    path = tmp_path / f"v{version}.bin"
    path.write_bytes(patched(data, 4, "<i", version))
    return path


def test_truncated_files_say_where_they_end(small_file, tmp_path):
    data, at = small_file
    assert bad(tmp_path, data[:5]) == "truncated: 5 bytes, not a fastText .bin model"
    assert bad(tmp_path, data[:30]) == "truncated: the file ends inside the args (needs 64 bytes, has 30)"
    assert bad(tmp_path, data[:at["dictionary"] + 10]) == \
        "truncated: the file ends inside the dictionary header (needs 92 bytes, has 74)"
    assert bad(tmp_path, data[:at["dictionary"] + 28 + 75]) == \
        "truncated: the file ends inside the dictionary (entry 6 of 7)"
    assert bad(tmp_path, data[:at["input"] + 5]).startswith("truncated: the file ends inside the input matrix header")
    assert bad(tmp_path, data[:at["input"] + 100]) == \
        f"truncated: the file ends inside the input matrix (needs {at['output']:,} bytes, has {at['input'] + 100:,})"
    assert bad(tmp_path, data[:-1]).startswith("truncated: the file ends inside the output matrix")
    assert bad(tmp_path, data + b"\0\0\0") == "3 unexpected bytes after the output matrix"
    assert bad(tmp_path, b"") == "empty file, expected a fastText .bin model"


def test_inconsistent_headers(small_file, tmp_path):
    data, at = small_file
    assert bad(tmp_path, patched(data, at["input"] + 1, "<q", 7)) == \
        "input matrix is 7 x 6, expected 7 words + 5000 buckets x 6"
    assert bad(tmp_path, patched(data, at["output"] + 9, "<q", 5)) == "output matrix is 7 x 5, expected 7 x 6"
    assert bad(tmp_path, patched(data, at["dictionary"], "<i", -1)) == "bad dictionary header: -1 entries, 7 words"
    assert bad(tmp_path, patched(data, at["dictionary"], "<2i", 2**31 - 1, 2**31 - 1)).startswith(
        "truncated: the file ends inside the dictionary (needs 21,474,836,562 bytes")
    assert bad(tmp_path, patched(data, 8 + 32, "<i", -5)) == "bad args: dim 6, bucket -5, minn 3, maxn 5"
    type_byte = at["dictionary"] + 28 + len("walk") + 9
    assert bad(tmp_path, patched(data, type_byte, "<b", 1)) == "dictionary entry 1 has type 1, expected 0 (a word)"


def test_a_repeated_word_is_refused(tmp_path):
    model = SubwordModel(["ab", "ab"], np.zeros((2, 2), np.float32), NgramSettings(3, 6, 0))
    path = write(tmp_path / "twice.bin", model)
    assert bad(tmp_path, path.read_bytes()) == "the word 'ab' is in the dictionary twice"


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(EmbedkitError, match=r"nope.bin: no such file"):
        read(tmp_path / "nope.bin")
    with pytest.raises(EmbedkitError, match=r"is a folder, expected a file"):
        read(tmp_path)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 10**9), flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=3))
def test_fuzz_truncated_or_corrupted_files_raise_only_embedkit_errors(small_file, tmp_path, cut, flips):
    data, at = small_file
    head = at["input"] + 17                        # header and dictionary: where bytes are parsed
    broken = bytearray(data)
    for where, value in flips:
        broken[where % head] = value
    broken = bytes(broken[:cut % (len(data) + 1)])
    path = tmp_path / "fuzz.bin"
    path.write_bytes(broken)
    try:
        found = read(path)
    except EmbedkitError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert len(broken) == len(data) and len(found.words) == 7
        found.model().word_vectors()


def test_the_benchmark_script_runs():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "fasttext_bin_speed.py"), "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "usage: fasttext_bin_speed.py" in result.stdout
