"""The TensorFlow Embedding Projector's format: vectors.tsv (tab-separated numbers, no header) and
metadata.tsv (one word per line, or a header `word TAB count` when counts are known)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np

from .. import files
from ..errors import EmbedkitError, FormatError
from ..vectors import Vectors
from .ekv import line_of
from .word2vec import BLOCK_BYTES, is_number, line_blocks, parse_numbers
from . import word2vec


def metadata_beside(path: Path) -> Path:
    return path.with_name(path.stem + "_metadata.tsv")


def write_projector(vectors: Vectors, vectors_path: Path, metadata_path: Path) -> None:
    """vectors.tsv (tab-separated numbers) and metadata.tsv (words; a header when counts are known)."""
    with open(vectors_path, "wb") as stream:
        word2vec.write_text(stream, None, vectors.matrix, header=False, sep="\t")
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
    with files.open_binary(vectors_path) as stream:
        matrix = read_table(stream, str(vectors_path))
    with files.open_binary(metadata_path) as stream:
        raw = stream.read()
    try:
        lines = raw.decode("utf-8").split("\n")
    except UnicodeDecodeError as error:
        raise FormatError(metadata_path, f"not valid UTF-8 ({error.reason})",
                          line=line_of(raw, error.start)) from None
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


def read_table(stream: BinaryIO, name: str, *, block_bytes: int = BLOCK_BYTES) -> np.ndarray:
    """The (n, dim) float32 matrix of a tab-separated table of numbers, no header (projector)."""
    parts: list[np.ndarray] = []
    line, dim = 1, None
    for block in line_blocks(stream, block_bytes):
        lines = block.split(b"\n")
        lines.pop()
        if dim is None:
            dim = len(lines[0].split(b"\t"))
        matrix = parse_numbers(block, len(lines), dim, sep="\t")
        if matrix is None:  # line by line, each row checked before it is stored
            rows = []
            for row, text in enumerate(lines):
                numbers = text.rstrip(b"\r").split(b"\t")
                if len(numbers) != dim:
                    raise FormatError(name, f"expected {dim} tab-separated numbers, found "
                                            f"{len(numbers)}", line=line + row)
                bad = next((x for x in numbers if not is_number(x)), None)
                if bad is not None:
                    shown = bad[:40].decode("utf-8", "replace")
                    raise FormatError(name, f"{shown!r} is not a number", line=line + row)
                with np.errstate(over="ignore"):
                    rows.append(np.array([float(x) for x in numbers], dtype=np.float32))
            matrix = np.stack(rows)
        parts.append(matrix)
        line += len(lines)
    if dim is None:
        raise FormatError(name, "empty file")
    return np.concatenate(parts)
