"""Every reader of input files, fed random bytes and random cuts of valid files, plain and
compressed: nothing escapes but `EmbedkitError` (which the CLI prints as one line)."""

from __future__ import annotations

import bz2
import gzip
import io as pyio
import json
import lzma
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedkit import io
from embedkit.io import word2vec as w2vfile
from embedkit.io import projector
from embedkit.io import word2vec_binary
from embedkit.train import Corpus
from embedkit.errors import EmbedkitError
from embedkit.vectors import Vectors

FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COMPRESS = {"plain": lambda data: data, "gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}

WORDS = ["the", "of", "król", "naïve", "x"]
VALID = Vectors(WORDS, np.arange(15, dtype=np.float32).reshape(5, 3) / 7, counts=[9, 7, 5, 3, 1])


def _valid_bytes(fmt: str) -> bytes:
    stream = pyio.BytesIO()
    if fmt == "word2vec-binary":
        word2vec_binary.write_binary(stream, VALID.words, VALID.matrix)
    else:
        w2vfile.write_text(stream, VALID.words, VALID.matrix, header=fmt == "word2vec")
    return stream.getvalue()


def only_embedkit_errors(function, *args, **kwargs):
    """Call `function`; an EmbedkitError is a fine answer to garbage, anything else fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Latin-1 notices, NaN read as zeros: not the point here
        try:
            function(*args, **kwargs)
        except EmbedkitError:
            pass


# -- the stream readers of w2vfile, directly --------------------------------------------------

@FUZZ
@given(st.binary(max_size=600), st.sampled_from(["word2vec", "glove", "word2vec-binary"]))
def test_stream_readers_on_random_bytes(data, fmt):
    if fmt == "word2vec-binary":
        only_embedkit_errors(word2vec_binary.read_binary, pyio.BytesIO(data), "f", block_bytes=64)
    else:
        only_embedkit_errors(w2vfile.read_text, pyio.BytesIO(data), "f", header=fmt == "word2vec",
                             block_bytes=64)
    only_embedkit_errors(projector.read_table, pyio.BytesIO(data), "f", block_bytes=64)


@FUZZ
@given(st.sampled_from(["word2vec", "glove", "word2vec-binary"]), st.data())
def test_stream_readers_on_cut_and_flipped_files(fmt, data):
    raw = bytearray(_valid_bytes(fmt))
    cut = data.draw(st.integers(0, len(raw)))
    raw = raw[:cut]
    for at in data.draw(st.lists(st.integers(0, max(0, len(raw) - 1)), max_size=3)) if raw else []:
        raw[at] = data.draw(st.integers(0, 255))
    stream = pyio.BytesIO(bytes(raw))
    if fmt == "word2vec-binary":
        only_embedkit_errors(word2vec_binary.read_binary, stream, "f", block_bytes=32)
    else:
        only_embedkit_errors(w2vfile.read_text, stream, "f", header=fmt == "word2vec", block_bytes=32)


# -- io.load on files: detection, containers, every format --------------------------------------

@FUZZ
@given(st.binary(max_size=400), st.sampled_from(list(COMPRESS)))
def test_load_random_bytes_in_any_container(tmp_path_factory, data, container):
    path = tmp_path_factory.mktemp("fuzz") / "random.vec"
    path.write_bytes(COMPRESS[container](data))
    only_embedkit_errors(io.load, path)
    only_embedkit_errors(io.info, path)


@FUZZ
@given(st.sampled_from(["word2vec", "glove", "word2vec-binary"]), st.sampled_from(list(COMPRESS)),
       st.data())
def test_load_truncated_valid_files(tmp_path_factory, fmt, container, data):
    whole = COMPRESS[container](_valid_bytes(fmt))
    cut = data.draw(st.integers(0, len(whole) - 1))
    path = tmp_path_factory.mktemp("fuzz") / "cut.bin"
    path.write_bytes(whole[:cut])
    only_embedkit_errors(io.load, path)
    only_embedkit_errors(io.load, path, fmt)


@FUZZ
@given(st.binary(max_size=300), st.data())
def test_load_damaged_zip_members(tmp_path_factory, noise, data):
    import zipfile

    folder = tmp_path_factory.mktemp("fuzz")
    with zipfile.ZipFile(folder / "v.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("v.txt", _valid_bytes("glove") * 3)
    raw = bytearray((folder / "v.zip").read_bytes())
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at:at + len(noise)] = noise
    (folder / "v.zip").write_bytes(bytes(raw))
    only_embedkit_errors(io.load, folder / "v.zip")
    only_embedkit_errors(io.load, f"{folder / 'v.zip'}:v.txt")


# -- the folder formats: each part of a valid folder replaced or cut -----------------------------

EKV_PARTS = ["meta.json", "vocab.tsv", "vectors.npy", "vectors.npz"]


@FUZZ
@given(st.sampled_from(EKV_PARTS), st.booleans(), st.binary(max_size=300), st.data())
def test_ekv_parts_random_or_cut(tmp_path_factory, part, cut, noise, data):
    folder = tmp_path_factory.mktemp("fuzz")
    sparse = part == "vectors.npz"
    vectors = Vectors(VALID.words, VALID.matrix if not sparse else np.eye(5, dtype=np.float32),
                      VALID.counts, {"note": "x"})
    if sparse:
        import scipy.sparse as sp

        vectors = Vectors(vectors.words, sp.csr_matrix(vectors.matrix), vectors.counts, vectors.meta)
    path = io.save(vectors, folder / "v.ekv")
    target = path / part
    raw = target.read_bytes()
    target.write_bytes(raw[:data.draw(st.integers(0, len(raw) - 1))] if cut else noise)
    only_embedkit_errors(io.load, path)
    only_embedkit_errors(io.load, path, mmap=False)
    only_embedkit_errors(io.info, path)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=8)


@FUZZ
@given(st.dictionaries(st.sampled_from(["format", "version", "shape", "sparse", "counts", "meta"]),
                       JSON_VALUES, max_size=6))
def test_ekv_meta_json_fields_of_any_type(tmp_path_factory, fields):
    path = io.save(VALID, tmp_path_factory.mktemp("fuzz") / "v.ekv")
    header = json.loads((path / "meta.json").read_text())
    header.update(fields)
    (path / "meta.json").write_text(json.dumps(header))
    only_embedkit_errors(io.load, path)


@FUZZ
@given(st.sampled_from(["vectors.tsv", "metadata.tsv"]), st.booleans(), st.binary(max_size=300),
       st.data())
def test_projector_parts_random_or_cut(tmp_path_factory, part, cut, noise, data):
    path = io.save(VALID, tmp_path_factory.mktemp("fuzz") / "proj", "projector")
    target = path / part
    raw = target.read_bytes()
    target.write_bytes(raw[:data.draw(st.integers(0, len(raw) - 1))] if cut else noise)
    only_embedkit_errors(io.load, path)


@FUZZ
@given(st.lists(st.sampled_from(["1", "-2", "0x1", "1e3", "nan", "١٢", "99999999999999999999", "", "\t"]),
                min_size=5, max_size=5))
def test_ekv_vocab_counts_of_any_text(tmp_path_factory, counts):
    path = io.save(VALID, tmp_path_factory.mktemp("fuzz") / "v.ekv")
    (path / "vocab.tsv").write_text("".join(f"{w}\t{c}\n" for w, c in zip(WORDS, counts)))
    only_embedkit_errors(io.load, path)


# -- the corpus reader ----------------------------------------------------------------------------

@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(list(COMPRESS)), st.integers(1, 64))
def test_corpus_random_bytes(tmp_path_factory, data, container, chunk):
    path = tmp_path_factory.mktemp("fuzz") / "corpus.txt"
    path.write_bytes(COMPRESS[container](data))
    corpus = Corpus(path)
    only_embedkit_errors(list, corpus)
    from embedkit.train.corpus import read_lines

    only_embedkit_errors(lambda: list(read_lines(path, chunk_chars=chunk)))


@FUZZ
@given(st.sampled_from(["gz", "bz2", "xz"]), st.data())
def test_corpus_truncated_and_flipped_compressed(tmp_path_factory, container, data):
    text = ("the cat sat on the mat\nnaïve café\n" * 40).encode()
    raw = bytearray(COMPRESS[container](text))
    cut = data.draw(st.integers(1, len(raw) - 1))
    raw = raw[:cut]
    for at in data.draw(st.lists(st.integers(0, len(raw) - 1), max_size=3)):
        raw[at] ^= data.draw(st.integers(1, 255))
    path = tmp_path_factory.mktemp("fuzz") / "corpus.gz"
    path.write_bytes(bytes(raw))
    only_embedkit_errors(list, Corpus(path))


@pytest.mark.parametrize("container", ["gz", "bz2", "xz"])
def test_every_cut_of_a_small_compressed_corpus(tmp_path, container):
    """Not random: every prefix of a compressed corpus raises only EmbedkitError (or reads)."""
    raw = COMPRESS[container](b"one two three\nfour five\n" * 5)
    path = tmp_path / "c.txt"
    for cut in range(1, len(raw)):
        path.write_bytes(raw[:cut])
        only_embedkit_errors(list, Corpus(path))
