"""The two folder formats: embedkit's own (NAME.ekv/) and the TensorFlow Embedding Projector's.

NAME.ekv/ holds
  vectors.npy  the (n, dim) float32 matrix, C order, read with `np.load(mmap_mode="r",
               allow_pickle=False)` so that 400k x 50 opens in milliseconds; or, for sparse
               (one-hot) vectors, vectors.npz written by `scipy.sparse.save_npz`
  vocab.tsv    n lines `word TAB count`, the count empty when unknown (words never hold a TAB
               or a newline)
  meta.json    {"format": "embedkit", "version": 1, "shape": [n, dim], "sparse": bool,
               "counts": bool, "meta": Vectors.meta}
Nothing in it is a pickle. A projector export is vectors.tsv (tab-separated numbers, no header)
and metadata.tsv (one word per line, or a header `word TAB count` when counts are known).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import fsutil, w2vfile
from .errors import EmbedkitError, FormatError
from .vectors import Vectors

VERSION = 1


# -- embedkit (.ekv) --------------------------------------------------------------------------

def save_ekv(vectors: Vectors, folder: Path) -> None:
    """Create `folder` and write vectors.npy (or vectors.npz when sparse), vocab.tsv, meta.json."""
    header = {"format": "embedkit", "version": VERSION, "shape": list(vectors.shape),
              "sparse": vectors.is_sparse, "counts": vectors.counts is not None, "meta": vectors.meta}
    text = json.dumps(header, indent=2, ensure_ascii=False, default=_json_value) + "\n"
    folder.mkdir()
    if vectors.is_sparse:
        sp.save_npz(folder / "vectors.npz", vectors.matrix.tocsr(), compressed=False)
    else:
        np.save(folder / "vectors.npy", np.ascontiguousarray(vectors.matrix, dtype=np.float32),
                allow_pickle=False)
    counts = [""] * len(vectors) if vectors.counts is None else vectors.counts.tolist()
    vocab = "".join([f"{word}\t{count}\n" for word, count in zip(vectors.words, counts)])
    (folder / "vocab.tsv").write_bytes(vocab.encode("utf-8"))
    (folder / "meta.json").write_text(text, encoding="utf-8")


def _json_value(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (Path, set, frozenset)):
        return str(value) if isinstance(value, Path) else sorted(value)
    raise EmbedkitError(f"cannot store a {type(value).__name__} in meta.json: vectors.meta must "
                        "hold JSON values (numbers, strings, lists, dicts)")


def load_ekv(folder: Path, mmap: bool) -> Vectors:
    """`Vectors` of an embedkit folder; with `mmap` the matrix is a read-only memory map."""
    name = folder / "meta.json"
    try:
        header = json.loads(name.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise FormatError(name, f"not valid JSON ({error})", line=line) from None
    if not isinstance(header, dict) or header.get("format") != "embedkit":
        raise FormatError(name, "not an embedkit meta.json (no \"format\": \"embedkit\")")
    if header.get("version", 0) > VERSION:
        raise EmbedkitError(f"{folder} was written by a newer embedkit (format version "
                            f"{header['version']}); upgrade embedkit to read it")
    shape = header.get("shape")
    if not (isinstance(shape, list) and len(shape) == 2 and all(isinstance(x, int) for x in shape)):
        raise FormatError(name, f"\"shape\" must be [words, dim], found {shape!r}")
    matrix_path = folder / ("vectors.npz" if header.get("sparse") else "vectors.npy")
    try:
        if header.get("sparse"):
            matrix = sp.load_npz(matrix_path).tocsr()
        else:
            matrix = np.load(matrix_path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except ValueError as error:
        raise FormatError(matrix_path, f"not a matrix embedkit wrote ({error})") from None
    if matrix.shape != tuple(shape):
        raise FormatError(matrix_path, f"holds a {matrix.shape} matrix, meta.json says {tuple(shape)}")
    words, counts = _read_vocab(folder / "vocab.tsv", shape[0], header.get("counts", False))
    return Vectors(words, matrix, counts, header.get("meta") or {}, check=False)


def _read_vocab(path: Path, n: int, with_counts: bool) -> tuple[list[str], np.ndarray | None]:
    """Words and counts of vocab.tsv: n lines `word TAB count`, checked in bulk, not per line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, f"not valid UTF-8 ({error.reason})",
                          line=_line_of(raw, error.start)) from None
    byte = np.frombuffer(raw, dtype=np.uint8)
    if with_counts:
        seps = byte[(byte == 9) | (byte == 10)]  # TAB, NEWLINE, n times over
        good = len(seps) == 2 * n and not (seps[0::2] != 9).any() and not (seps[1::2] != 10).any()
        fields = text.replace("\t", "\n").split("\n")
        words, counts = fields[0:-1:2], fields[1::2]
    else:  # n lines ending in TAB NEWLINE, and no other TAB
        words, counts = text.split("\t\n"), None
        good = (words.pop() == "" and len(words) == n == np.count_nonzero(byte == 9)
                == np.count_nonzero(byte == 10))
    if not good:
        _vocab_error(path, raw, n, with_counts)
    if "" in words:
        raise FormatError(path, "empty word", line=words.index("") + 1)
    if counts is None:
        return words, None
    try:
        return words, np.array(counts, dtype=np.int64)
    except ValueError:
        bad = next(i for i, count in enumerate(counts) if not count.isdigit())
        raise FormatError(path, f"count {counts[bad]!r} is not a whole number", line=bad + 1) from None


def _line_of(raw: bytes, offset: int) -> int:
    """The 1-based line of byte `offset`."""
    return raw.count(b"\n", 0, offset) + 1


def _vocab_error(path: Path, raw: bytes, n: int, with_counts: bool):
    lines = raw.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for i, line in enumerate(lines[:n]):
        if line.count(b"\t") != 1:
            raise FormatError(path, "expected word TAB count", line=i + 1)
        if not with_counts and not line.endswith(b"\t"):
            raise FormatError(path, "a count, but meta.json says there are none", line=i + 1)
    if len(lines) == n:
        raise FormatError(path, "the last line has no newline: the file is cut short", line=n)
    raise FormatError(path, f"{len(lines)} lines for the {n} rows of the matrix")


# -- projector ---------------------------------------------------------------------------------

def metadata_beside(path: Path) -> Path:
    return path.with_name(path.stem + "_metadata.tsv")


def write_projector(vectors: Vectors, vectors_path: Path, metadata_path: Path) -> None:
    """vectors.tsv (tab-separated numbers) and metadata.tsv (words; a header when counts are known)."""
    with open(vectors_path, "wb") as stream:
        w2vfile.write_text(stream, None, vectors.matrix, header=False, sep="\t")
    if vectors.counts is None:
        text = "".join([word + "\n" for word in vectors.words])
    else:
        rows = zip(vectors.words, vectors.counts.tolist())
        text = "word\tcount\n" + "".join([f"{word}\t{count}\n" for word, count in rows])
    metadata_path.write_bytes(text.encode("utf-8"))


def read_projector(path: Path) -> tuple[list[str], np.ndarray, np.ndarray | None, Path, int]:
    """(words, matrix, counts or None, metadata path, line of the first word) of a projector export.

    `path` is a folder holding vectors.tsv and metadata.tsv, or a vectors file X.tsv with
    X_metadata.tsv (or metadata.tsv) beside it. Metadata of one column is one word per line;
    with several columns the first line names them ("word", "count"; else the first is the word).
    """
    if path.is_dir():
        vectors_path, metadata_path = path / "vectors.tsv", path / "metadata.tsv"
    else:
        vectors_path = path
        metadata_path = next((p for p in (metadata_beside(path), path.with_name("metadata.tsv"))
                              if p.is_file()), metadata_beside(path))
    if not metadata_path.is_file():
        raise EmbedkitError(f"{vectors_path}: projector vectors need their words in {metadata_path}")
    with fsutil.open_binary(vectors_path) as stream:
        matrix = w2vfile.read_table(stream, str(vectors_path))
    with fsutil.open_binary(metadata_path) as stream:
        raw = stream.read()
    try:
        lines = raw.decode("utf-8").split("\n")
    except UnicodeDecodeError as error:
        raise FormatError(metadata_path, f"not valid UTF-8 ({error.reason})",
                          line=_line_of(raw, error.start)) from None
    if lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    words, counts, first = lines, None, 1
    if lines and "\t" in lines[0]:  # several columns: a header names them
        columns = [c.strip().lower() for c in lines[0].split("\t")]
        rows = [line.split("\t") for line in lines[1:]]
        at = columns.index("word") if "word" in columns else 0
        words, first = [row[at] if at < len(row) else "" for row in rows], 2
        if "count" in columns:
            counts = _projector_counts(rows, columns.index("count"), metadata_path)
    if len(words) != len(matrix):
        raise FormatError(metadata_path, f"{len(words)} words for the {len(matrix)} vectors of "
                                         f"{vectors_path.name}")
    if "" in words:
        raise FormatError(metadata_path, "empty word", line=words.index("") + first)
    return words, matrix, counts, metadata_path, first


def _projector_counts(rows: list[list[str]], at: int, path: Path) -> np.ndarray:
    for i, row in enumerate(rows):
        if at >= len(row) or not row[at].strip().isdigit():
            raise FormatError(path, "count is not a whole number", line=i + 2)
    return np.array([row[at] for row in rows], dtype=np.int64)
