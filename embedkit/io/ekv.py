"""embedkit's own format, the folder NAME.ekv/, written and read with every part checked.

NAME.ekv/ holds
  vectors.npy  the (n, dim) float32 matrix, C order, read with `np.load(mmap_mode="r",
               allow_pickle=False)` so that 400k x 50 opens in milliseconds; or, for sparse
               (one-hot) vectors, vectors.npz written by `scipy.sparse.save_npz`
  vocab.tsv    n lines `word TAB count`, the count empty when unknown (words never hold a TAB
               or a newline)
  meta.json    {"format": "embedkit", "version": 1, "shape": [n, dim], "sparse": bool,
               "counts": bool, "meta": Vectors.meta}, "state": {NAME: shape} when the vectors
               keep training state, and for vectors with subwords (`SubwordVectors`)
               "subwords": {"min_n", "max_n", "bucket", "ngram_rows": R, "compact": bool}
  NAME.npy     for each matrix of `Vectors.state` (a trained model's output weights, which
               continued training needs), float32, memory-mapped on load like vectors.npy
and, for vectors with subwords,
  input_matrix.npy  the (n + R, dim) float32 input matrix of fastText's model: the words' own
               rows, then the n-gram rows (memory-mapped on load, as vectors.npy)
  buckets.npy  (R,) int64, the sorted buckets of the n-gram rows (compact layout: only the
               buckets the vocabulary's n-grams use); absent when R == bucket (row n + b is b)
vectors.npy then holds the words' composed vectors, so readers that know nothing of n-grams (an
older embedkit) read the word vectors. Nothing in it is a pickle.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import EmbedkitError, FormatError
from ..subwords import MAX_BUCKET, NgramSettings, SubwordModel
from ..vectors import Vectors

VERSION = 1
_STATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = ("vectors", "input_matrix", "buckets")   # files of the folder that are not state


# -- embedkit (.ekv) --------------------------------------------------------------------------

def save_ekv(vectors: Vectors, folder: Path) -> None:
    """Create `folder` and write vectors.npy (or vectors.npz when sparse), vocab.tsv, meta.json."""
    state = getattr(vectors, "state", {})
    header = {"format": "embedkit", "version": VERSION, "shape": list(vectors.shape),
              "sparse": vectors.is_sparse, "counts": vectors.counts is not None, "meta": vectors.meta}
    if state:
        header["state"] = {name: list(np.shape(array)) for name, array in state.items()}
    model = getattr(vectors, "subwords", None)
    if model is not None:
        s = model.settings
        header["subwords"] = {"min_n": s.min_n, "max_n": s.max_n, "bucket": s.bucket,
                              "ngram_rows": int(model.ngram_matrix.shape[0]), "compact": model.buckets is not None}
    text = json.dumps(header, indent=2, ensure_ascii=False, default=_json_value) + "\n"
    for name in state:
        if not _STATE_NAME.fullmatch(name) or name in _RESERVED:
            raise EmbedkitError(f"cannot store state {name!r}: names are letters, digits and _, "
                                f"other than {', '.join(_RESERVED)}")
    folder.mkdir()
    for name, array in state.items():
        np.save(folder / f"{name}.npy", np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
    if model is not None:
        np.save(folder / "input_matrix.npy", np.ascontiguousarray(model.input_matrix, dtype=np.float32),
                allow_pickle=False)
        if model.buckets is not None:
            np.save(folder / "buckets.npy", model.buckets.astype(np.int64), allow_pickle=False)
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
    """`Vectors` of an embedkit folder; with `mmap` the matrix is a read-only memory map.

    Every part is checked before it is used: meta.json's fields and types, the matrix's dtype
    (real numbers), shape and size (from the .npy header, before the data is read).

    Raises:
        FormatError: a part that is not what embedkit writes, naming the file.
        EmbedkitError: a folder written by a newer embedkit.
    """
    name = folder / "meta.json"
    header = _read_header(name, folder)
    shape = tuple(header["shape"])
    if header["sparse"]:
        matrix_path = folder / "vectors.npz"
        matrix = _read_csr(matrix_path)
    else:
        matrix_path = folder / "vectors.npy"
        matrix = _read_npy(matrix_path, mmap)
    if matrix.shape != shape:
        raise FormatError(matrix_path, f"holds a {matrix.shape} matrix, meta.json says {shape}")
    words, counts = _read_vocab(folder / "vocab.tsv", shape[0], header["counts"])
    state = {name: _read_state(folder / f"{name}.npy", expected, mmap) for name, expected in header["state"].items()}
    if header.get("subwords") is None:
        return Vectors(words, matrix, counts, header["meta"], check=False, state=state)
    from ..subwords import SubwordVectors

    model = _read_subwords(folder, header, words, mmap)
    return SubwordVectors(words, matrix, counts, header["meta"], check=False, subwords=model, state=state)


def _read_state(path: Path, shape: tuple, mmap: bool) -> np.ndarray:
    """One matrix of `Vectors.state`, checked as vectors.npy is: real numbers, the shape meta.json says."""
    try:
        matrix = _read_npy(path, mmap)
    except FileNotFoundError:
        raise FormatError(path, "missing: meta.json lists it in \"state\"") from None
    if matrix.shape != shape:
        raise FormatError(path, f"holds a {matrix.shape} matrix, meta.json says {shape}")
    return matrix


def _read_npy(path: Path, mmap: bool, kinds: str = "fiu") -> np.ndarray:
    """The array of a .npy file, its header checked (`_npy_header`) before its data is read."""
    with open(path, "rb") as stream:
        _npy_header(stream, path.stat().st_size, path, kinds)
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except ValueError as error:
        raise FormatError(path, f"not a matrix embedkit wrote ({error})") from None


def _read_subwords(folder: Path, header: dict, words: list[str], mmap: bool) -> SubwordModel:
    """The `SubwordModel` of a folder whose meta.json has "subwords", every part checked."""
    name, spec = folder / "meta.json", header["subwords"]
    fields = ("min_n", "max_n", "bucket", "ngram_rows")
    if not (isinstance(spec, dict) and all(_whole(spec.get(k)) and spec[k] >= 0 for k in fields)
            and isinstance(spec.get("compact"), bool)):
        raise FormatError(name, f"\"subwords\" must hold whole numbers {', '.join(fields)} and "
                                f"\"compact\": true or false, found {_shown(spec)}")
    settings = NgramSettings(spec["min_n"], spec["max_n"], spec["bucket"])
    if settings.min_n < 1 or settings.bucket > MAX_BUCKET or (not spec["compact"] and spec["ngram_rows"] != settings.bucket):
        raise FormatError(name, f"\"subwords\" holds settings no model has: {_shown(spec)}")
    path = folder / "input_matrix.npy"
    matrix = _read_npy(path, mmap, kinds="f")
    expected = (len(words) + spec["ngram_rows"], header["shape"][1])
    if matrix.shape != expected or matrix.dtype != np.float32:
        raise FormatError(path, f"holds a {matrix.shape} {matrix.dtype} matrix; meta.json says "
                                f"{expected[0]} rows ({len(words)} words + {spec['ngram_rows']} n-gram rows) "
                                f"x {expected[1]} float32")
    buckets = None
    if spec["compact"]:
        path = folder / "buckets.npy"
        buckets = _read_npy(path, False, kinds="iu")
        if buckets.shape != (spec["ngram_rows"],):
            raise FormatError(path, f"holds {buckets.shape} buckets, meta.json says {spec['ngram_rows']}")
    try:
        return SubwordModel(words, matrix, settings, buckets)
    except ValueError as error:
        raise FormatError(path, str(error)) from None


def _read_header(name: Path, folder: Path) -> dict:
    """meta.json, its fields checked: format, version, shape, sparse, counts, meta."""
    try:
        header = json.loads(name.read_bytes().decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise FormatError(name, f"not valid JSON ({error})", line=line) from None
    if not isinstance(header, dict) or header.get("format") != "embedkit":
        raise FormatError(name, "not an embedkit meta.json (no \"format\": \"embedkit\")")
    version = header.get("version", VERSION)
    if not _whole(version) or version < 1:
        raise FormatError(name, f"\"version\" must be a whole number from 1, found {version!r}")
    if version > VERSION:
        raise EmbedkitError(f"{folder} was written by a newer embedkit (format version "
                            f"{version}); upgrade embedkit to read it")
    shape = header.get("shape")
    if not (isinstance(shape, list) and len(shape) == 2 and all(_whole(x) and x >= 0 for x in shape)):
        raise FormatError(name, f"\"shape\" must be [words, dim], found {shape!r}")
    for key in ("sparse", "counts"):
        if not isinstance(header.setdefault(key, False), bool):
            raise FormatError(name, f"\"{key}\" must be true or false, found {header[key]!r}")
    if header.setdefault("meta", {}) is None:
        header["meta"] = {}
    if not isinstance(header["meta"], dict):
        raise FormatError(name, f"\"meta\" must be an object ({{...}}), found "
                                f"{type(header['meta']).__name__} {_shown(header['meta'])}")
    state = header.setdefault("state", {})
    if not isinstance(state, dict) or not all(
            isinstance(key, str) and _STATE_NAME.fullmatch(key) and key not in _RESERVED and isinstance(shape, list)
            and all(_whole(x) and x >= 0 for x in shape) for key, shape in state.items()):
        raise FormatError(name, f"\"state\" must map names to shapes, found {_shown(state)}")
    header["state"] = {key: tuple(shape) for key, shape in state.items()}
    return header


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_KINDS = {"U": "strings", "S": "bytes", "O": "Python objects", "b": "booleans",
          "c": "complex numbers", "V": "records", "M": "dates", "m": "time spans",
          "f": "floats", "i": "integers", "u": "integers"}
_NPY_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0}


def _npy_header(stream, size: int, path: Path, kinds: str = "fiu") -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) from the header of a .npy file of `size` bytes, checked before its data is
    read: values of the dtype kinds `kinds` (real numbers), as many bytes as the header says."""
    try:
        version = np.lib.format.read_magic(stream)
        read = _NPY_HEADERS.get(version)
        if read is None:
            raise ValueError(f"unsupported .npy version {version}")
        shape, _, dtype = read(stream)
    except ValueError as error:
        raise FormatError(path, f"not a NumPy .npy array embedkit wrote ({error})") from None
    if dtype.hasobject or dtype.kind not in kinds or dtype.subdtype is not None:
        what = _KINDS.get(dtype.kind, "values") if dtype.subdtype is None else "sub-arrays"
        raise FormatError(path, f"holds {what} ({dtype.str}), not "
                                + ("numbers" if "f" in kinds else "what embedkit writes"))
    needed = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if needed > size - stream.tell():
        raise FormatError(path, f"the header promises a {shape} array of {needed:,} bytes, the file "
                                f"holds {max(0, size - stream.tell()):,}: truncated")
    return shape, dtype


_CSR_PARTS = {"format": "US", "shape": "iu", "data": "f", "indices": "iu", "indptr": "iu"}


def _read_csr(path: Path) -> sp.csr_matrix:
    """The CSR matrix of a vectors.npz that `scipy.sparse.save_npz` wrote, each part checked."""
    parts = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = [key for key in _CSR_PARTS if key + ".npy" not in names]
            if missing:
                raise FormatError(path, f"not a sparse matrix embedkit wrote (no {', '.join(missing)})")
            for key, kinds in _CSR_PARTS.items():
                info = archive.getinfo(key + ".npy")
                with archive.open(info) as stream:
                    shape, dtype = _npy_header(stream, info.file_size, path, kinds)
                    if len(shape) > 1:
                        raise FormatError(path, f"its {key} is a {shape} array, not a part of a "
                                                "sparse matrix embedkit wrote")
                    data = stream.read(int(np.prod(shape)) * dtype.itemsize)
                parts[key] = np.frombuffer(data, dtype=dtype).reshape(shape)
    except zipfile.BadZipFile as error:
        raise FormatError(path, f"not a sparse matrix embedkit wrote ({error})") from None
    kind = parts["format"].tolist()  # save_npz writes b"csr"
    kind = kind.decode("latin-1") if isinstance(kind, bytes) else kind
    if kind != "csr":
        raise FormatError(path, f"holds a {_shown(kind)} sparse matrix; embedkit writes csr")
    shape = parts["shape"].tolist()
    try:
        if not (isinstance(shape, list) and len(shape) == 2 and min(shape) >= 0):
            raise ValueError(f"shape {shape}")
        matrix = sp.csr_matrix((parts["data"], parts["indices"], parts["indptr"]), shape=tuple(shape))
        matrix.check_format(full_check=True)
    except (ValueError, OverflowError, TypeError) as error:
        raise FormatError(path, f"not a consistent sparse matrix ({error})") from None
    return matrix


def _read_vocab(path: Path, n: int, with_counts: bool) -> tuple[list[str], np.ndarray | None]:
    """Words and counts of vocab.tsv: n lines `word TAB count`, checked in bulk, not per line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, f"not valid UTF-8 ({error.reason})",
                          line=line_of(raw, error.start)) from None
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
        values = np.array(counts, dtype=np.int64)
    except (ValueError, OverflowError):
        values = None
    if values is None or (values < 0).any():
        bad = next((i for i, count in enumerate(counts)
                    if not (count.isascii() and count.isdigit()) or int(count) >= 1 << 63), 0)
        raise FormatError(path, f"count {counts[bad]!r} is not a whole number", line=bad + 1)
    return words, values


def line_of(raw: bytes, offset: int) -> int:
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

