"""Reading vectors: `load` (any format, the NaN policy), the duplicate-word check, `info`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .. import files
from ..errors import EmbedkitError, EmbedkitWarning, FormatError
from ..vectors import Vectors, nonfinite_rows, zero_rows
from .detect import FOLDER_FORMATS, FORMATS, UNICODE_ERRORS, detect_source, file_size, plain_size, source
from . import ekv, projector, word2vec, word2vec_binary

# -- where the bytes are -----------------------------------------------------------------------


# -- formats -----------------------------------------------------------------------------------


# -- load and save -----------------------------------------------------------------------------

def load(path, fmt: str | None = None, *, trust_pickle: bool = False, mmap: bool = True,
         unicode_errors: str = "strict", allow_nonfinite: bool = False) -> Vectors:
    """Read word vectors from `path` in any of `FORMATS` (detected when `fmt` is None).

    Vectors holding NaN or infinity are refused, whatever the format: nothing downstream (cosine,
    neighbours, plots, classifiers) means anything with them. With `allow_nonfinite` they are read
    as zero vectors instead (cosine 0 with every word), said once as an `EmbedkitWarning`.

    Args:
        path: a file (plain, .gz, .bz2, .xz, .zip or `archive.zip:member`) or a folder.
        fmt: one of `FORMATS`, to skip detection.
        trust_pickle: allow gensim pickles, which can run any code when read.
        mmap: memory-map the matrix of an embedkit folder (read-only, opens in milliseconds).
        unicode_errors: "strict" (a word that is not UTF-8 is an error naming its line),
            "replace" or "ignore".
        allow_nonfinite: read vectors holding NaN or infinity as zero vectors, rather than refuse.
    Returns:
        `Vectors`; `meta` is what an embedkit folder stored, else {"source", "source_format"}.
    Raises:
        FormatError: malformed input, naming the file and the line; a vector holding NaN or
            infinity (naming its line, or its row in formats without lines).
        EmbedkitError: a missing file, an unknown format, a pickle without `trust_pickle`.
    Example:
        >>> vectors = load("glove.6B.zip:glove.6B.50d.txt")
    """
    vectors, rows = _load(path, fmt, trust_pickle=trust_pickle, mmap=mmap, unicode_errors=unicode_errors)
    bad = nonfinite_rows(vectors.matrix)
    if not len(bad):
        return _checked_ngrams(vectors, rows.name, allow_nonfinite)
    first = int(bad[0])
    where, line = rows.name, None if rows.first_line is None else rows.first_line + first
    what = f"the vector of {vectors.words[first]!r}" + ("" if line is not None else f" (row {first + 1})")
    others = "" if len(bad) == 1 else f" (and {len(bad) - 1:,} more)"
    if not allow_nonfinite:
        raise FormatError(where, f"{what} holds NaN or infinity{others}; pass --allow-nonfinite "
                                 "(allow_nonfinite=True) to read such vectors as zeros", line=line)
    at = f", line {line}" if line is not None else ""
    warnings.warn(f"{where}{at}: {what} holds NaN or infinity{others}; read as zero vectors",
                  EmbedkitWarning, stacklevel=2)
    return Vectors(vectors.words, zero_rows(vectors.matrix, bad), vectors.counts, vectors.meta,
                   check=False)


def _checked_ngrams(vectors: Vectors, where: str, allow_nonfinite: bool) -> Vectors:
    """`vectors`, once their n-gram rows (when they have subwords) are found finite; with
    `allow_nonfinite`, plain `Vectors` without them (said once) if they are not."""
    subwords = getattr(vectors, "subwords", None)
    if subwords is None:
        return vectors
    bad = nonfinite_rows(subwords.ngram_matrix)
    if not len(bad):
        return vectors
    what = f"n-gram row {int(bad[0]) + 1}" + ("" if len(bad) == 1 else f" (and {len(bad) - 1:,} more)")
    if not allow_nonfinite:
        raise FormatError(where, f"{what} holds NaN or infinity; pass --allow-nonfinite (allow_nonfinite=True) "
                                 "to read the word vectors without their n-grams")
    warnings.warn(f"{where}: {what} holds NaN or infinity; read the word vectors without their n-grams "
                  "(no vectors for unseen words)", EmbedkitWarning, stacklevel=3)
    return Vectors(vectors.words, vectors.matrix, vectors.counts, vectors.meta, check=False)


@dataclass(frozen=True)
class _Rows:
    """Where the rows of loaded vectors are, for messages: the file, and the line of row 0."""

    name: str
    first_line: int | None = None  # None: a format without lines (binary, .npy, pickles)


def _load(path, fmt, *, trust_pickle: bool, mmap: bool, unicode_errors: str) -> tuple[Vectors, _Rows]:
    """`load` without the NaN policy: the vectors as the file holds them, and where their rows are."""
    src = source(path)
    fmt = fmt or detect_source(src)
    if fmt not in FORMATS:
        raise EmbedkitError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if unicode_errors not in UNICODE_ERRORS:
        raise EmbedkitError(f"unicode_errors must be one of {', '.join(UNICODE_ERRORS)}")
    if fmt == "gensim":
        from .gensim import load_gensim  # imports gensim itself: only for pickles

        return load_gensim(src, trust_pickle), _Rows(src.name)
    if fmt in (*FOLDER_FORMATS, "fasttext") and src.member:
        raise EmbedkitError(f"{src.name}: cannot read the {fmt} format from inside a zip archive")
    if fmt == "fasttext":
        from . import fasttext  # numba: loaded for .bin files only

        return fasttext.read_vectors(src.path, src.name), _Rows(src.name)
    if fmt == "embedkit" and not src.path.is_dir():
        raise EmbedkitError(f"{src.name}: the embedkit format is a folder (NAME.ekv/), not a file")
    if fmt == "embedkit":
        with files.reading(src.name):
            vectors = ekv.load_ekv(src.path, mmap)
        vectors.meta.setdefault("source", src.name)  # a saved set keeps the source it was made from
        return vectors, _Rows(str(src.path / ("vectors.npz" if vectors.is_sparse else "vectors.npy")))
    if fmt == "projector":
        with files.reading(src.name):
            words, matrix, counts, metadata, first = projector.read_projector(src.path)
        meta = {"source": src.name, "source_format": "projector"}
        numbers = src.path / "vectors.tsv" if src.path.is_dir() else src.path
        return (checked_vectors(words, matrix, str(metadata), meta, counts, first_line=first),
                _Rows(str(numbers), 1))
    with src.open() as stream:
        if fmt == "word2vec-binary":
            words, matrix = word2vec_binary.read_binary(stream, src.name, unicode_errors=unicode_errors,
                                                file_bytes=plain_size(src))
        else:
            words, matrix = word2vec.read_text(stream, src.name, header=fmt == "word2vec",
                                              unicode_errors=unicode_errors, file_bytes=plain_size(src))
    first_line = {"word2vec": 2, "glove": 1}.get(fmt)
    return (checked_vectors(words, matrix, src.name, {"source": src.name, "source_format": fmt},
                     first_line=first_line), _Rows(src.name, first_line))


def checked_vectors(words, matrix, name: str, meta: dict, counts=None, first_line: int | None = None):
    """`Vectors` after checking that words are distinct, naming the line of the first repeat."""
    index = dict(zip(words, range(len(words))))
    if len(index) != len(words):
        seen: dict[str, int] = {}
        for i, word in enumerate(words):
            if word in seen:
                if first_line is None:
                    raise FormatError(name, f"duplicate word {word!r} (words {seen[word] + 1} "
                                            f"and {i + 1})")
                raise FormatError(name, f"duplicate word {word!r} (first on line "
                                        f"{first_line + seen[word]})", line=first_line + i)
            seen[word] = i
    vectors = Vectors(words, matrix, counts, meta, check=False)
    vectors.__dict__["index"] = index  # what the cached property would compute
    return vectors


# -- gensim pickles ----------------------------------------------------------------------------


# -- info --------------------------------------------------------------------------------------

def info(path, fmt: str | None = None, *, trust_pickle: bool = False,
         unicode_errors: str = "strict") -> dict:
    """A JSON-serialisable summary of the vectors at `path` (a file, a folder or a pretrained name).

    Reads the file as it is: vectors holding NaN or infinity are counted, not refused (nor set
    to zero) as `load` would; the summary says where the first one is.

    Keys: path, format, words, dim, sparse, counts_known, norms (min, mean, max of the finite
    norms), zero_vectors, non_finite_vectors, first_non_finite (None, or {"word", "row", "line"}
    of the first vector holding NaN or infinity; "line" None in formats without lines),
    file_bytes, training (meta["training"] or meta["config"], else None), subwords (None, or the
    n-gram settings and rows: min_n, max_n, bucket, ngram_rows), meta, first_words (up
    to 10). `meta` is as stored, a NaN loss and all: `json_safe` makes the summary strict JSON.
    Example: ``json.dumps(json_safe(info("vectors.ekv")), allow_nan=False)``
    """
    from .pretrained import is_pretrained_name, load_pretrained, pretrained_files

    if is_pretrained_name(path):  # a pretrained name, such as glove-6b-50d: its package's files
        vectors, rows = load_pretrained(path), _Rows(path)
        fmt, name = vectors.meta.get("source_format", "pretrained"), path
        size = sum(file.stat().st_size for file in pretrained_files(path))
    else:
        src = source(path)
        fmt = fmt or detect_source(src)
        vectors, rows = _load(path, fmt, trust_pickle=trust_pickle, mmap=True, unicode_errors=unicode_errors)
        name, size = src.name, file_size(src)
    bad = nonfinite_rows(vectors.matrix)
    norms = np.asarray(vectors.norms, dtype=np.float64)  # (n,)
    finite = np.ones(len(norms), bool)
    finite[bad] = False
    finite &= np.isfinite(norms)  # a norm beyond float32 of finite numbers: not summarised either
    summary = None
    if finite.any():
        kept = norms[finite]
        summary = {"min": float(kept.min()), "mean": float(kept.mean()), "max": float(kept.max())}
    first = None
    if len(bad):
        row = int(bad[0])
        first = {"word": vectors.words[row], "row": row + 1,
                 "line": None if rows.first_line is None else rows.first_line + row}
    return {
        "path": name,
        "format": fmt,
        "words": len(vectors),
        "dim": vectors.dim,
        "sparse": vectors.is_sparse,
        "counts_known": vectors.counts is not None,
        "norms": summary,
        "zero_vectors": int((norms == 0).sum()),
        "non_finite_vectors": int(len(bad)),
        "first_non_finite": first,
        "file_bytes": size,
        "training": vectors.meta.get("training") or vectors.meta.get("config"),
        "subwords": _subword_summary(vectors),
        "meta": vectors.meta,
        "first_words": vectors.words[:10],
    }


def _subword_summary(vectors: Vectors) -> dict | None:
    """The n-gram settings and rows of vectors with subwords, else None."""
    model = getattr(vectors, "subwords", None)
    if model is None:
        return None
    s = model.settings
    return {"min_n": s.min_n, "max_n": s.max_n, "bucket": s.bucket, "ngram_rows": int(model.ngram_matrix.shape[0])}


def json_safe(value):
    """`value` with every float that is not finite (NaN, infinity) replaced by None, so that
    `json.dumps(..., allow_nan=False)` writes it: JSON has no NaN."""
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value

