"""Writing vectors: `save` in any format, atomically, by `embedkit.outputs`' rule of what may be replaced."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
from pathlib import Path
from typing import BinaryIO, Iterator

from .. import outputs
from ..errors import EmbedkitError
from ..vectors import Vectors
from .detect import output_format
from . import ekv, projector, word2vec, word2vec_binary

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
    leaves nothing half-written. Replaces what `outputs.check_output` allows: an existing file by
    a file, an empty folder or a folder of the same format embedkit wrote by a folder.

    Raises:
        EmbedkitError: unknown format or extension; a word the format cannot hold (text formats:
            spaces, tabs, newlines; all: empty words); an output `outputs.check_output` refuses;
            an OSError while writing (full disk, file size limit), naming `path`.
    Example:
        >>> save(vectors, "vectors.vec.gz")   # word2vec text, gzip-compressed
    """
    path = Path(path)
    fmt, compression = output_format(path, fmt, subwords=getattr(vectors, "subwords", None) is not None)
    _check_words(vectors, fmt)
    if not len(vectors) and fmt in ("glove", "projector"):
        raise EmbedkitError(f"cannot write 0 words in the {fmt} format: without a header, nothing "
                            "would hold the dimension; use the embedkit or word2vec format")
    _check_dense_size(vectors, fmt, path)
    if fmt == "projector" and path.suffix.lower() == ".tsv":
        metadata = projector.metadata_beside(path)
        with outputs.atomic_output(metadata) as meta_tmp, outputs.atomic_output(path) as tmp:
            projector.write_projector(vectors, tmp, meta_tmp)
        return path
    with outputs.atomic_output(path, folder=_folder_kind(path, fmt)) as tmp:
        if fmt == "embedkit":
            ekv.save_ekv(vectors, tmp)
        elif fmt == "projector":
            tmp.mkdir()
            projector.write_projector(vectors, tmp / "vectors.tsv", tmp / "metadata.tsv")
        else:
            with _open_output(tmp, compression, path) as stream:
                if fmt == "word2vec-binary":
                    word2vec_binary.write_binary(stream, vectors.words, vectors.matrix)
                elif fmt == "fasttext":
                    from . import fasttext  # numba: loaded for .bin files only

                    fasttext.write_vectors(stream, vectors, path)
                else:
                    word2vec.write_text(stream, vectors.words, vectors.matrix, header=fmt == "word2vec")
    return path


def check_output(path, fmt: str | None = None, *, parents: bool = False,
                 subwords: bool = False) -> tuple[str, str | None]:
    """`output_format(path, fmt)`, once `outputs.check_output` has found that `save` may write
    `path`: its folder exists and is writable, and nothing there is lost by replacing it.

    Call it before the work that makes the vectors (training, reading a corpus), so a bad
    output fails at once. With `parents`, folders above `path` may be missing (the caller
    creates them). `subwords`: the vectors will have n-grams (`.bin` then means fastText's).

    Raises:
        EmbedkitError: as `output_format`, or what `outputs.check_output` refuses.
    Example:
        >>> check_output("out.ekv")
        ('embedkit', None)
    """
    fmt, compression = output_format(path, fmt, subwords)
    if fmt == "projector" and Path(path).suffix.lower() == ".tsv":
        outputs.check_output(projector.metadata_beside(Path(path)), parents=parents)
    outputs.check_output(path, _folder_kind(Path(path), fmt), parents=parents)
    return fmt, compression


def _folder_kind(path: Path, fmt: str) -> str | None:
    """The kind of folder (`outputs.FOLDER_KINDS`) `save` writes at `path` in `fmt`; None for a file."""
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
    forbidden = {"embedkit": "\t\n", "projector": "\t\n\r"}.get(fmt, word2vec.FORBIDDEN)
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
