"""Damaged input files: broken .ekv folders, damaged or truncated compressed files wherever they
are read (vectors, corpora, benchmarks, data sets), a mirror entry that is a folder. Each is one
`Error:` line naming the file, exit 1, no traceback, nothing written."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from embedkit import io
from embedkit.vectors import Vectors

from .conftest import bad_input, snapshot, unchanged

WORDS = ["the", "cat", "sat", "on", "mat"]
DAMAGED = "damaged or truncated compressed data"


def _vectors(sparse: bool = False) -> Vectors:
    matrix = np.arange(15, dtype=np.float32).reshape(5, 3) / 10 + 0.1
    return Vectors(WORDS, sp.csr_matrix(np.eye(5, dtype=np.float32)) if sparse else matrix,
                   counts=[5, 4, 3, 2, 1], meta={"note": "test"})


def _ekv(folder, sparse: bool = False):
    return io.save(_vectors(sparse), folder / "v.ekv")


def _meta(**fields):
    def change(ekv):
        header = json.loads((ekv / "meta.json").read_text())
        header.update(fields)
        (ekv / "meta.json").write_text(json.dumps(header))
    return change


def _npy(array, pickle=False):
    def change(ekv):
        np.save(ekv / "vectors.npy", array, allow_pickle=pickle)
    return change


def _cut(name, keep):
    def change(ekv):
        raw = (ekv / name).read_bytes()
        (ekv / name).write_bytes(raw[:keep(len(raw))])
    return change


def _write(name, data):
    def change(ekv):
        (ekv / name).write_bytes(data)
    return change


def _header_claims(shape):
    """vectors.npy whose header promises `shape` float32 but holds the 60 bytes of (5, 3)."""
    def change(ekv):
        with open(ekv / "vectors.npy", "wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": shape})
            f.write(np.ones((5, 3), np.float32).tobytes())
    return change


# (id, change, the file the error names, a part of the message)
EKV_CASES = [
    ("npy-strings", _npy(np.array([["a", "b", "c"]] * 5)), "vectors.npy", "holds strings"),
    ("npy-bytes", _npy(np.array([[b"a", b"b", b"c"]] * 5)), "vectors.npy", "holds bytes"),
    ("npy-objects", _npy(np.array([[1, "b", None]] * 5, dtype=object), pickle=True), "vectors.npy",
     "holds Python objects"),
    ("npy-complex", _npy(np.ones((5, 3), np.complex64)), "vectors.npy", "holds complex numbers"),
    ("npy-booleans", _npy(np.ones((5, 3), bool)), "vectors.npy", "holds booleans"),
    ("npy-1d", _npy(np.ones(15, np.float32)), "vectors.npy", "holds a (15,) matrix, meta.json says (5, 3)"),
    ("npy-3d", _npy(np.ones((5, 3, 1), np.float32)), "vectors.npy", "holds a (5, 3, 1) matrix"),
    ("npy-truncated", _cut("vectors.npy", lambda n: n - 7), "vectors.npy", "truncated"),
    ("npy-header-only", _cut("vectors.npy", lambda n: 20), "vectors.npy", "not a NumPy .npy array"),
    ("npy-not-numpy", _write("vectors.npy", b"hello, not numpy\n"), "vectors.npy", "not a NumPy .npy array"),
    ("npy-claims-more", _header_claims((500000, 3)), "vectors.npy", "truncated"),
    ("meta-meta-string", _meta(meta="abc"), "meta.json", '"meta" must be an object'),
    ("meta-meta-list", _meta(meta=[1, 2]), "meta.json", '"meta" must be an object'),
    ("meta-meta-number", _meta(meta=3), "meta.json", '"meta" must be an object'),
    ("meta-version-string", _meta(version="1"), "meta.json", '"version" must be a whole number'),
    ("meta-version-bool", _meta(version=True), "meta.json", '"version" must be a whole number'),
    ("meta-version-float", _meta(version=1.5), "meta.json", '"version" must be a whole number'),
    ("meta-shape-bool", _meta(shape=[5, True]), "meta.json", '"shape" must be [words, dim]'),
    ("meta-shape-negative", _meta(shape=[-5, 3]), "meta.json", '"shape" must be [words, dim]'),
    ("meta-sparse-string", _meta(sparse="no"), "meta.json", '"sparse" must be true or false'),
    ("meta-counts-number", _meta(counts=1), "meta.json", '"counts" must be true or false'),
    ("meta-a-list", _write("meta.json", b"[1, 2, 3]"), "meta.json", "not an embedkit meta.json"),
    ("meta-not-json", _write("meta.json", b'{"format": "embedkit",'), "meta.json", "not valid JSON"),
    ("meta-not-utf8", _write("meta.json", b'{"format": "\xff"}'), "meta.json", "not valid JSON"),
    ("vocab-negative-count", _write("vocab.tsv", b"the\t5\ncat\t-4\nsat\t3\non\t2\nmat\t1\n"), "vocab.tsv",
     "count '-4' is not a whole number"),
    ("vocab-huge-count", _write("vocab.tsv", b"the\t5\ncat\t99999999999999999999\nsat\t3\non\t2\nmat\t1\n"),
     "vocab.tsv", "is not a whole number"),
]


@pytest.mark.parametrize("change, names, message", [c[1:] for c in EKV_CASES], ids=[c[0] for c in EKV_CASES])
def test_broken_ekv_folder(tmp_cwd, change, names, message):
    ekv = _ekv(tmp_cwd)
    change(ekv)
    before = snapshot(tmp_cwd)
    bad_input("convert", "v.ekv", "out.vec", names=[f"v.ekv/{names}"], contains=[message])
    bad_input("neighbors", "v.ekv", "the", names=[f"v.ekv/{names}"])
    unchanged(tmp_cwd, before)


SPARSE_CASES = [
    ("npz-random", _write("vectors.npz", b"PK\x03\x04 random bytes, not a zip"), "not a sparse matrix"),
    ("npz-truncated", _cut("vectors.npz", lambda n: n // 2), "not a sparse matrix"),
    ("npz-text", _write("vectors.npz", b"just text\n"), "not a sparse matrix"),
]


def _npz_without(part):
    def change(ekv):
        with zipfile.ZipFile(ekv / "vectors.npz") as old:
            members = {name: old.read(name) for name in old.namelist()}
        with zipfile.ZipFile(ekv / "vectors.npz", "w") as new:
            for name, data in members.items():
                if name != part:
                    new.writestr(name, data)
    return change


def _npz_indices(values):
    def change(ekv):
        with zipfile.ZipFile(ekv / "vectors.npz") as old:
            members = {name: old.read(name) for name in old.namelist()}
        import io as pyio

        buffer = pyio.BytesIO()
        np.save(buffer, np.asarray(values, dtype=np.int32))
        members["indices.npy"] = buffer.getvalue()
        with zipfile.ZipFile(ekv / "vectors.npz", "w") as new:
            for name, data in members.items():
                new.writestr(name, data)
    return change


SPARSE_CASES += [
    ("npz-no-indices", _npz_without("indices.npy"), "no indices"),
    ("npz-index-out-of-range", _npz_indices([0, 1, 2, 3, 99]), "not a consistent sparse matrix"),
]


@pytest.mark.parametrize("change, message", [c[1:] for c in SPARSE_CASES], ids=[c[0] for c in SPARSE_CASES])
def test_broken_sparse_ekv_folder(tmp_cwd, change, message):
    ekv = _ekv(tmp_cwd, sparse=True)
    change(ekv)
    before = snapshot(tmp_cwd)
    bad_input("info", "v.ekv", names=["v.ekv/vectors.npz"], contains=[message])
    unchanged(tmp_cwd, before)


# -- damaged compressed input, wherever it is read ------------------------------------------------

CORPUS = b"the cat sat on the mat\nthe dog sat on the log\n" * 200


def _truncated(compress, data):
    raw = compress(data)
    return raw[: len(raw) // 2]


def _corrupt(compress, data):
    raw = bytearray(compress(data))
    for at in range(len(raw) // 3, len(raw) // 3 + 8):
        raw[at] ^= 0xA5
    return bytes(raw)


COMPRESSED = {
    "gz-truncated": (".gz", _truncated(gzip.compress, CORPUS)),
    "gz-corrupt": (".gz", _corrupt(gzip.compress, CORPUS)),
    "bz2-truncated": (".bz2", _truncated(bz2.compress, CORPUS)),
    "bz2-corrupt": (".bz2", _corrupt(bz2.compress, CORPUS)),
    "xz-truncated": (".xz", _truncated(lzma.compress, CORPUS)),
    "xz-corrupt": (".xz", _corrupt(lzma.compress, CORPUS)),
}


@pytest.mark.parametrize("kind", list(COMPRESSED))
def test_damaged_compressed_corpus_in_train(tmp_cwd, kind):
    suffix, data = COMPRESSED[kind]
    corpus = tmp_cwd / f"corpus.txt{suffix}"
    corpus.write_bytes(data)
    (tmp_cwd / "work").mkdir()
    before = snapshot(tmp_cwd)
    bad_input("train", corpus.name, "-o", "out.vec", "--min-count", "1", "--epochs", "1", "-q",
              "--tmp-dir", "work", names=[corpus.name], contains=[DAMAGED])
    unchanged(tmp_cwd, before)


@pytest.mark.parametrize("command", [["onehot", "{}", "-o", "out.ekv"], ["windows", "--file", "{}"]])
def test_damaged_compressed_corpus_in_other_commands(tmp_cwd, command):
    (tmp_cwd / "corpus.xz").write_bytes(COMPRESSED["xz-corrupt"][1])
    before = snapshot(tmp_cwd)
    bad_input(*[part.format("corpus.xz") for part in command], names=["corpus.xz"], contains=[DAMAGED])
    unchanged(tmp_cwd, before)


@pytest.mark.parametrize("kind", ["gz-truncated", "bz2-corrupt", "xz-truncated"])
def test_damaged_compressed_similarity_file(tmp_cwd, kind):
    io.save(_vectors(), tmp_cwd / "v.vec")
    suffix, _ = COMPRESSED[kind]
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    damage = _truncated if "truncated" in kind else _corrupt
    (tmp_cwd / f"pairs{suffix}").write_bytes(damage(compress, b"the\tcat\t5\nsat\tmat\t3\n" * 300))
    bad_input("evaluate", "v.vec", "-s", f"pairs{suffix}", names=[f"pairs{suffix}"], contains=[DAMAGED])


def test_damaged_compressed_analogy_file(tmp_cwd):
    io.save(_vectors(), tmp_cwd / "v.vec")
    (tmp_cwd / "questions.txt.gz").write_bytes(_truncated(gzip.compress, b": s\nthe cat sat on\n" * 300))
    bad_input("evaluate", "v.vec", "-a", "questions.txt.gz", names=["questions.txt.gz"], contains=[DAMAGED])


def test_damaged_compressed_classification_file(tmp_cwd):
    (tmp_cwd / "data.tsv.gz").write_bytes(_truncated(gzip.compress, b"pos\tgood film\nneg\tbad film\n" * 300))
    bad_input("classify", "data.tsv.gz", "--embeddings", "bow", names=["data.tsv.gz"], contains=[DAMAGED])


@pytest.mark.parametrize("fmt, suffix, compress", [
    ("word2vec", ".vec.gz", gzip.compress), ("word2vec-binary", ".bin.xz", lzma.compress),
    ("glove", ".glove.bz2", bz2.compress)])
def test_damaged_compressed_vectors(tmp_cwd, fmt, suffix, compress):
    plain = io.save(_vectors(), tmp_cwd / f"plain.{fmt}", fmt)
    (tmp_cwd / f"v{suffix}").write_bytes(_truncated(compress, plain.read_bytes() * 50))
    plain.unlink()
    before = snapshot(tmp_cwd)
    bad_input("convert", f"v{suffix}", "out.ekv", names=[f"v{suffix}"], contains=[DAMAGED])
    unchanged(tmp_cwd, before)


def test_damaged_zip_member(tmp_cwd):
    plain = io.save(_vectors(), tmp_cwd / "v.vec")
    with zipfile.ZipFile(tmp_cwd / "v.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("v.vec", plain.read_bytes() * 20)
    raw = bytearray((tmp_cwd / "v.zip").read_bytes())
    for at in range(60, 80):  # inside the deflated data
        raw[at] ^= 0x5A
    (tmp_cwd / "v.zip").write_bytes(bytes(raw))
    bad_input("neighbors", "v.zip", "the", names=["v.zip"])


# -- corpora fetch: a mirror entry that is a folder ------------------------------------------------

def test_mirror_entry_that_is_a_folder(tmp_cwd):
    from embedkit import registry

    entry = registry.get("men")
    (tmp_cwd / "mirror" / entry.files[0].path).mkdir(parents=True)
    home = tmp_cwd / "home"
    bad_input("corpora", "fetch", "men", "--mirror", "mirror", env={"EMBEDKIT_HOME": str(home)},
              names=[f"mirror/{entry.files[0].path}"], contains=["is a folder, expected a file"])
    assert not [p for p in home.rglob("*") if p.is_file()]
