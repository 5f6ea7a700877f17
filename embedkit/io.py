"""Read and write word-vector files: every format in, every format out, always as `Vectors`.

Formats (the names `--format` takes):

=================  ===========================================================  ==============
name               what                                                         written for
=================  ===========================================================  ==============
embedkit           folder NAME.ekv/: vectors.npy (float32, memory-mapped on      .ekv
                   load) or vectors.npz (sparse), vocab.tsv (word TAB count),
                   meta.json (shape, `Vectors.meta`). Safe, fast, complete.
word2vec           text: a line `WORDS DIM`, then `word v1 ... vDIM` per line    .vec .w2v .txt
word2vec-binary    word2vec.c / gensim binary                                   .bin
glove              text without a header (Stanford's files end in .txt: they     .glove
                   are told apart by content, see below)
projector          TensorFlow Embedding Projector: a folder with vectors.tsv     .tsv, a folder
                   and metadata.tsv (or X.tsv beside X_metadata.tsv)
gensim             gensim pickles (.model, .kv): read only, and only with        (never)
                   `trust_pickle=True`, since unpickling can run any code
=================  ===========================================================  ==============

`detect_format` goes by content, never by name (except .tsv): a folder with meta.json is
embedkit, one with vectors.tsv is projector; a file starting with a pickle opcode is gensim; a
first line of exactly two whole numbers is a word2vec header, followed by binary data
(word2vec-binary) or text (word2vec); any other text is GloVe, whose first line gives DIM.

Containers: gzip, bzip2 and xz are read by their magic bytes and written by extension
(`out.vec.gz`). A zip archive holding one file reads as that file; for an archive holding
several (Stanford's glove.6B.zip) name the member: `glove.6B.zip:glove.6B.50d.txt`. All of them
are read through `fsutil.open_binary`, so damaged or truncated data is a `FormatError`.

Vectors holding NaN or infinity are refused by `load` in every format (naming the file and the
line, or the row where the format has no lines), or read as zero vectors with
`allow_nonfinite=True`; `info` counts them instead.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from . import folders, fsutil, w2vfile
from .errors import EmbedkitError, EmbedkitWarning, FormatError
from .vectors import Vectors, nonfinite_rows, zero_rows

FORMATS = ("embedkit", "word2vec", "word2vec-binary", "glove", "projector", "gensim")
WRITE_FORMATS = FORMATS[:-1]  # for click.Choice in commands that save vectors
EXTENSIONS = {".ekv": "embedkit", ".vec": "word2vec", ".w2v": "word2vec", ".txt": "word2vec",
              ".glove": "glove", ".bin": "word2vec-binary", ".tsv": "projector"}
UNICODE_ERRORS = ("strict", "replace", "ignore")
_COMPRESSED = {".gz", ".bz2", ".xz"}
_FOLDERS = ("embedkit", "projector")


# -- where the bytes are -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Source:
    path: Path                 # the file or folder on disk; the archive, for a zip member
    member: str | None = None  # the file inside the zip archive

    @property
    def name(self) -> str:
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    def open(self) -> BinaryIO:
        return fsutil.open_binary(self.path, self.member)


def _source(path) -> _Source:
    path = Path(path)
    if not path.exists() and ".zip:" in str(path):
        archive, member = str(path).rsplit(".zip:", 1)
        if Path(archive + ".zip").is_file():
            return _zip_member(Path(archive + ".zip"), member)
    if not path.exists():
        raise EmbedkitError(f"{path}: no such file or folder")
    if path.is_file():
        with fsutil.reading(path), open(path, "rb") as f:
            if f.read(4) == b"PK\x03\x04":
                return _zip_member(path, None)
    return _Source(path)


def _zip_member(archive: Path, member: str | None) -> _Source:
    with fsutil.reading(archive), zipfile.ZipFile(archive) as z:
        names = [i.filename for i in z.infolist() if not i.is_dir()
                 and not i.filename.startswith("__MACOSX/")
                 and not Path(i.filename).name.startswith(".")]
    listing = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    if member is None and len(names) == 1:
        member = names[0]
    elif member is None:
        example = f"; e.g. {archive}:{names[0]}" if names else ""
        raise EmbedkitError(f"{archive} holds {len(names)} files ({listing}); name one as "
                            f"ARCHIVE.zip:MEMBER{example}")
    elif member not in names:
        raise EmbedkitError(f"{archive} holds no file {member!r}; it holds: {listing}")
    return _Source(archive, member)


# -- formats -----------------------------------------------------------------------------------

def detect_format(path) -> str:
    """The format of the file or folder at `path` (one of `FORMATS`), decided by its content.

    Raises `FormatError` for an empty file, `EmbedkitError` for anything unrecognised.
    Example: ``detect_format("glove.6B.50d.txt.gz") == "glove"``
    """
    return _detect(_source(path))


def _detect(src: _Source) -> str:
    if src.member is None and src.path.is_dir():
        if (src.path / "meta.json").is_file():
            return "embedkit"
        if (src.path / "vectors.tsv").is_file():
            return "projector"
        raise EmbedkitError(f"{src.path}: a folder, but not an embedkit one (meta.json) nor a "
                            "projector one (vectors.tsv and metadata.tsv)")
    if src.member is None and src.path.suffix.lower() == ".tsv":
        return "projector"
    with src.open() as stream:
        head = stream.read(1 << 16)
    if not head.strip():
        raise FormatError(src.name, "empty file")
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "gensim"
    if head.startswith(b"\xba\x16\x4f\x2f"):
        raise EmbedkitError(f"{src.name}: a fastText binary model, which embedkit does not read; "
                            "use the .vec text file fastText writes beside it")
    if head.startswith(b"\x93NUMPY"):
        raise EmbedkitError(f"{src.name}: a bare NumPy array holds no words; load the .ekv folder "
                            "it belongs to, or save vectors with embedkit")
    first, _, rest = head.partition(b"\n")
    tokens = first.removeprefix(b"\xef\xbb\xbf").split()
    dim = w2vfile.header_dim(first)
    if dim is not None:
        return "word2vec-binary" if w2vfile.looks_binary(rest[:4096], dim) else "word2vec"
    text = w2vfile.looks_like_text_record(first, len(tokens) - 1)
    if not text and w2vfile.has_control_bytes(first[:4096]):
        raise EmbedkitError(f"{src.name}: not a word-vectors file embedkit reads (binary data "
                            f"without a word2vec header); formats: {', '.join(FORMATS)}")
    return "glove"


def output_format(path, fmt: str | None = None) -> tuple[str, str | None]:
    """(format, compression suffix or None) for writing `path`: `fmt`, else from the extension.

    Example: ``output_format("out.vec.gz") == ("word2vec", ".gz")``
    """
    path = Path(path)
    compression = path.suffix.lower() if path.suffix.lower() in _COMPRESSED else None
    base = path.with_suffix("") if compression else path
    if fmt is None:
        fmt = EXTENSIONS.get(base.suffix.lower())
        if fmt is None:
            known = ", ".join(f"{ext} ({name})" for ext, name in EXTENSIONS.items())
            raise EmbedkitError(f"{path}: cannot tell the format from the name; pass --format "
                                f"({', '.join(WRITE_FORMATS)}) or use an extension: {known}")
    elif fmt not in WRITE_FORMATS:
        raise EmbedkitError(f"cannot write format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")
    if compression and fmt in _FOLDERS:
        raise EmbedkitError(f"{path}: the {fmt} format is a folder and cannot be compressed")
    return fmt, compression


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
        return vectors
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


@dataclass(frozen=True)
class _Rows:
    """Where the rows of loaded vectors are, for messages: the file, and the line of row 0."""

    name: str
    first_line: int | None = None  # None: a format without lines (binary, .npy, pickles)


def _load(path, fmt, *, trust_pickle: bool, mmap: bool, unicode_errors: str) -> tuple[Vectors, _Rows]:
    """`load` without the NaN policy: the vectors as the file holds them, and where their rows are."""
    src = _source(path)
    fmt = fmt or _detect(src)
    if fmt not in FORMATS:
        raise EmbedkitError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if unicode_errors not in UNICODE_ERRORS:
        raise EmbedkitError(f"unicode_errors must be one of {', '.join(UNICODE_ERRORS)}")
    if fmt == "gensim":
        return _load_gensim(src, trust_pickle), _Rows(src.name)
    if fmt in _FOLDERS and src.member:
        raise EmbedkitError(f"{src.name}: cannot read the {fmt} format from inside a zip archive")
    if fmt == "embedkit" and not src.path.is_dir():
        raise EmbedkitError(f"{src.name}: the embedkit format is a folder (NAME.ekv/), not a file")
    if fmt == "embedkit":
        with fsutil.reading(src.name):
            vectors = folders.load_ekv(src.path, mmap)
        vectors.meta.setdefault("source", src.name)  # a saved set keeps the source it was made from
        return vectors, _Rows(str(src.path / ("vectors.npz" if vectors.is_sparse else "vectors.npy")))
    if fmt == "projector":
        with fsutil.reading(src.name):
            words, matrix, counts, metadata, first = folders.read_projector(src.path)
        meta = {"source": src.name, "source_format": "projector"}
        numbers = src.path / "vectors.tsv" if src.path.is_dir() else src.path
        return (_vectors(words, matrix, str(metadata), meta, counts, first_line=first),
                _Rows(str(numbers), 1))
    with src.open() as stream:
        if fmt == "word2vec-binary":
            words, matrix = w2vfile.read_binary(stream, src.name, unicode_errors=unicode_errors,
                                                file_bytes=_plain_size(src))
        else:
            words, matrix = w2vfile.read_text(stream, src.name, header=fmt == "word2vec",
                                              unicode_errors=unicode_errors, file_bytes=_plain_size(src))
    first_line = {"word2vec": 2, "glove": 1}.get(fmt)
    return (_vectors(words, matrix, src.name, {"source": src.name, "source_format": fmt},
                     first_line=first_line), _Rows(src.name, first_line))


DENSE_LIMIT = 100_000_000  # numbers a sparse (one-hot) matrix may expand to in a dense format


def _check_dense_size(vectors: Vectors, fmt: str, path: Path) -> None:
    """Refuse to write a sparse matrix densely when it would expand to more than DENSE_LIMIT numbers."""
    if not vectors.is_sparse or fmt == "embedkit":
        return
    n, dim = vectors.shape
    cells = n * dim
    if cells > DENSE_LIMIT:
        size = cells * (4 if fmt == "word2vec-binary" else 2)  # float32, or "0 " per zero in text
        raise EmbedkitError(
            f"{path}: the {fmt} format is dense: {n:,} x {dim:,} = {cells:,} numbers "
            f"(about {size / 1e9:.1f} GB), over the limit of {DENSE_LIMIT:,}; write embedkit's "
            "format (.ekv), which keeps one-hot vectors sparse, or use fewer words (--max-vocab)")


def save(vectors: Vectors, path, fmt: str | None = None) -> Path:
    """Write `vectors` to `path` in `fmt`, or the format its extension names (`output_format`).

    Atomic: written under a temporary name and renamed when complete, so an error or Ctrl-C
    leaves nothing half-written. Replaces what `fsutil.check_output` allows: an existing file by
    a file, an empty folder or a folder of the same format embedkit wrote by a folder.

    Raises:
        EmbedkitError: unknown format or extension; a word the format cannot hold (text formats:
            spaces, tabs, newlines; all: empty words); an output `fsutil.check_output` refuses;
            an OSError while writing (full disk, file size limit), naming `path`.
    Example:
        >>> save(vectors, "vectors.vec.gz")   # word2vec text, gzip-compressed
    """
    path = Path(path)
    fmt, compression = output_format(path, fmt)
    _check_words(vectors, fmt)
    if not len(vectors) and fmt in ("glove", "projector"):
        raise EmbedkitError(f"cannot write 0 words in the {fmt} format: without a header, nothing "
                            "would hold the dimension; use the embedkit or word2vec format")
    _check_dense_size(vectors, fmt, path)
    if fmt == "projector" and path.suffix.lower() == ".tsv":
        metadata = folders.metadata_beside(path)
        with fsutil.atomic_output(metadata) as meta_tmp, fsutil.atomic_output(path) as tmp:
            folders.write_projector(vectors, tmp, meta_tmp)
        return path
    with fsutil.atomic_output(path, folder=_folder_kind(path, fmt)) as tmp:
        if fmt == "embedkit":
            folders.save_ekv(vectors, tmp)
        elif fmt == "projector":
            tmp.mkdir()
            folders.write_projector(vectors, tmp / "vectors.tsv", tmp / "metadata.tsv")
        else:
            with _open_output(tmp, compression, path) as stream:
                if fmt == "word2vec-binary":
                    w2vfile.write_binary(stream, vectors.words, vectors.matrix)
                else:
                    w2vfile.write_text(stream, vectors.words, vectors.matrix, header=fmt == "word2vec")
    return path


def check_output(path, fmt: str | None = None, *, parents: bool = False) -> tuple[str, str | None]:
    """`output_format(path, fmt)`, once `fsutil.check_output` has found that `save` may write
    `path`: its folder exists and is writable, and nothing there is lost by replacing it.

    Call it before the work that makes the vectors (training, reading a corpus), so a bad
    output fails at once. With `parents`, folders above `path` may be missing (the caller
    creates them).

    Raises:
        EmbedkitError: as `output_format`, or what `fsutil.check_output` refuses.
    Example:
        >>> check_output("out.ekv")
        ('embedkit', None)
    """
    fmt, compression = output_format(path, fmt)
    if fmt == "projector" and Path(path).suffix.lower() == ".tsv":
        fsutil.check_output(folders.metadata_beside(Path(path)), parents=parents)
    fsutil.check_output(path, _folder_kind(Path(path), fmt), parents=parents)
    return fmt, compression


def _folder_kind(path: Path, fmt: str) -> str | None:
    """The kind of folder (`fsutil.FOLDER_KINDS`) `save` writes at `path` in `fmt`; None for a file."""
    if fmt == "embedkit":
        return "vectors"
    if fmt == "projector" and path.suffix.lower() != ".tsv":
        return "projector"
    return None


@contextlib.contextmanager
def _open_output(tmp: Path, compression: str | None, path: Path) -> Iterator[BinaryIO]:
    with open(tmp, "wb") as raw:
        if compression == ".gz":  # the gzip header names the final file, not the temporary one
            with gzip.GzipFile(path.with_suffix("").name, "wb", 6, raw) as stream:
                yield stream
        elif compression == ".bz2":
            with bz2.BZ2File(raw, "wb") as stream:
                yield stream
        elif compression == ".xz":
            with lzma.LZMAFile(raw, "wb") as stream:
                yield stream
        else:
            yield raw


def _check_words(vectors: Vectors, fmt: str) -> None:
    """Raise `EmbedkitError` naming the first word `fmt` cannot hold, or a repeated word."""
    words = vectors.words
    if not words:
        return
    if len(vectors.index) != len(words):
        seen = set()
        repeat = next(i for i, word in enumerate(words) if word in seen or seen.add(word))
        raise EmbedkitError(f"cannot write word {words[repeat]!r} (row {repeat}) twice")
    forbidden = {"embedkit": "\t\n", "projector": "\t\n\r"}.get(fmt, w2vfile.FORBIDDEN)
    banned = {"embedkit": "tabs or newlines", "projector": "tabs or line breaks"}.get(
        fmt, "spaces, tabs, line breaks or NUL")
    joined = "\n".join(words)
    bad = None
    if not all(words):
        bad = words.index("")
    elif joined.count("\n") != len(words) - 1 or any(c in joined for c in forbidden if c != "\n"):
        bad = next(i for i, word in enumerate(words) if any(c in word for c in forbidden))
    else:
        try:
            joined.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = joined.count("\n", 0, error.start)
    if bad is not None:
        raise EmbedkitError(f"cannot write word {words[bad]!r} (row {bad}) in the {fmt} format: "
                            f"words must be non-empty UTF-8 without {banned}"
                            + ("" if fmt == "embedkit" else "; the embedkit format holds more"))


def _vectors(words, matrix, name: str, meta: dict, counts=None, first_line: int | None = None):
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

_TRAINING = ("vector_size", "window", "min_count", "sg", "hs", "negative", "ns_exponent",
             "sample", "alpha", "min_alpha", "epochs", "seed", "cbow_mean", "max_final_vocab")


def _load_gensim(src: _Source, trust_pickle: bool) -> Vectors:
    if not trust_pickle:
        raise EmbedkitError(f"{src.name} is a Python pickle (a gensim model or KeyedVectors): "
                            "reading one can run any code it holds. Pass --trust-pickle "
                            "(trust_pickle=True) only if you trust where it came from")
    if src.member:
        raise EmbedkitError(f"{src.name}: extract the gensim pickle from the zip archive first")
    from gensim.models import KeyedVectors
    from gensim.utils import SaveLoad

    try:
        model = SaveLoad.load(str(src.path))  # what Word2Vec.load and KeyedVectors.load call
    except Exception as error:  # noqa: BLE001 - anything a broken pickle raises
        raise EmbedkitError(f"{src.name}: gensim could not read it "
                            f"({type(error).__name__}: {error})") from None
    kv = getattr(model, "wv", model)
    if not isinstance(kv, KeyedVectors):
        raise EmbedkitError(f"{src.name} holds a {type(model).__name__}, not word vectors")
    try:
        counts = np.asarray(kv.expandos["count"], dtype=np.int64) if "count" in kv.expandos else None
    except (TypeError, ValueError):
        counts = None  # some words lack a count
    meta = {"source": src.name, "source_format": "gensim", "gensim_class": type(model).__name__}
    training = {key: getattr(model, key) for key in _TRAINING
                if isinstance(getattr(model, key, None), (bool, int, float, str))}
    if model is not kv and training:
        meta["training"] = training
    matrix = np.asarray(kv.vectors, dtype=np.float32)  # (n, dim)
    return _vectors(list(kv.index_to_key), matrix, src.name, meta, counts)


# -- info --------------------------------------------------------------------------------------

def info(path, fmt: str | None = None, *, trust_pickle: bool = False,
         unicode_errors: str = "strict") -> dict:
    """A JSON-serialisable summary of the vectors at `path`.

    Reads the file as it is: vectors holding NaN or infinity are counted, not refused (nor set
    to zero) as `load` would; the summary says where the first one is.

    Keys: path, format, words, dim, sparse, counts_known, norms (min, mean, max of the finite
    norms), zero_vectors, non_finite_vectors, first_non_finite (None, or {"word", "row", "line"}
    of the first vector holding NaN or infinity; "line" None in formats without lines),
    file_bytes, training (meta["training"] or meta["config"], else None), meta, first_words (up
    to 10). `meta` is as stored, a NaN loss and all: `json_safe` makes the summary strict JSON.
    Example: ``json.dumps(json_safe(info("vectors.ekv")), allow_nan=False)``
    """
    src = _source(path)
    fmt = fmt or _detect(src)
    vectors, rows = _load(path, fmt, trust_pickle=trust_pickle, mmap=True, unicode_errors=unicode_errors)
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
        "path": src.name,
        "format": fmt,
        "words": len(vectors),
        "dim": vectors.dim,
        "sparse": vectors.is_sparse,
        "counts_known": vectors.counts is not None,
        "norms": summary,
        "zero_vectors": int((norms == 0).sum()),
        "non_finite_vectors": int(len(bad)),
        "first_non_finite": first,
        "file_bytes": _size(src),
        "training": vectors.meta.get("training") or vectors.meta.get("config"),
        "meta": vectors.meta,
        "first_words": vectors.words[:10],
    }


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


def _plain_size(src: _Source) -> int | None:
    """The bytes a reader of `src` sees, when known without reading them (not for gzip, bzip2, xz)."""
    with fsutil.reading(src.name):
        if src.member:
            with zipfile.ZipFile(src.path) as archive:
                return archive.getinfo(src.member).file_size
        return None if fsutil.compression(src.path) else src.path.stat().st_size


def _size(src: _Source) -> int:
    if src.member:
        with zipfile.ZipFile(src.path) as archive:
            return archive.getinfo(src.member).file_size
    if src.path.is_dir():
        return sum(p.stat().st_size for p in src.path.rglob("*") if p.is_file())
    return src.path.stat().st_size
