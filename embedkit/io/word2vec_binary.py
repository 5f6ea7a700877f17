"""word2vec.c's binary layout: a `WORDS DIM` text header, then per word its bytes, a space and
DIM little-endian float32 numbers (gensim's `save_word2vec_format(binary=True)`)."""

from __future__ import annotations

from typing import BinaryIO

import numpy as np

from ..errors import FormatError
from .word2vec import BLOCK_BYTES, check_size, try_decode, dense_rows, looks_like_text_record, parse_header


def read_binary(stream: BinaryIO, name: str, *, unicode_errors: str = "strict",
                block_bytes: int = BLOCK_BYTES, file_bytes: int | None = None) -> tuple[list[str], np.ndarray]:
    """Words and their (n, dim) float32 matrix from a word2vec binary file.

    Layout (word2vec.c, gensim): a text line `WORDS DIM`, then per word its UTF-8 bytes, a space
    and DIM little-endian float32; a newline after each vector is optional (word2vec.c writes
    one, gensim does not), both read. `file_bytes`, the bytes the stream holds when known, lets
    a header that claims more than the file can hold fail before the file is read through.
    """
    data = stream.read(block_bytes)
    if not data.strip():
        raise FormatError(name, "empty file")
    cut = data.find(b"\n", 0, 200)
    if cut < 0:  # a file holding only a header, without its newline, or no header at all
        cut = len(data) if len(data) < 200 else 200
    count, dim = parse_header(data[:cut], name)
    if file_bytes is not None and file_bytes > len(data):  # more than one block to read: can the
        # file hold WORDS records (a word, a space, DIM float32, maybe a newline)?
        check_size(name, count, dim, file_bytes, cut + 1 + count * (4 * dim + 2), "float32")
    if looks_like_text_record(data[cut + 1:], dim):
        raise FormatError(name, "this is a text file, not word2vec binary; use --format word2vec")
    size = 4 * dim  # bytes per vector
    words: list[bytes] = []
    vectors: list[bytes] = []
    pos, offset = cut + 1, 0  # position in `data`; file offset of data[0]
    while True:
        starts = _records(data, pos, count - len(words), size, words)
        vectors.append(b"".join([data[at:at + size] for at in starts]))
        pos = starts[-1] + size if starts else pos
        if len(words) == count:
            break
        more = stream.read(block_bytes)
        if not more:
            raise FormatError(name, f"the file ends inside word {len(words) + 1} of {count} "
                                    f"(byte {offset + pos}): truncated, or the header is wrong")
        data, offset, pos = data[pos:] + more, offset + pos, 0
    if data[pos:].strip() or stream.read(1 << 16).strip():
        raise FormatError(name, f"the header says {count} words but the file holds more "
                                f"(byte {offset + pos})")
    matrix = np.frombuffer(b"".join(vectors), dtype="<f4").astype(np.float32).reshape(count, dim)
    return _decode_words(words, name, unicode_errors), matrix


def _records(data: bytes, pos: int, most: int, size: int, words: list[bytes]) -> list[int]:
    """Append the words of up to `most` whole records from data[pos:]; return their vector offsets."""
    starts: list[int] = []
    find, end = data.find, len(data)
    add_word, add_start = words.append, starts.append
    for _ in range(most):
        if data[pos:pos + 1] == b"\n":  # word2vec.c ends each vector with a newline; gensim does not
            pos += 1
        space = find(b" ", pos)
        stop = space + 1 + size
        if space < 0 or stop > end:
            break
        add_word(data[pos:space])
        add_start(space + 1)
        pos = stop
    return starts


def _decode_words(words: list[bytes], name: str, unicode_errors: str) -> list[str]:
    decoded = try_decode(words, unicode_errors)
    if decoded is not None:
        return decoded
    for i, word in enumerate(words):
        try:
            text = word.decode("utf-8", unicode_errors)
        except UnicodeDecodeError as error:
            raise FormatError(name, f"word {i + 1}, {word[:40]!r}, is not valid UTF-8 "
                                    f"({error.reason}); pass --unicode-errors replace to read it "
                                    "anyway") from None
        if not text or "\n" in text:
            raise FormatError(name, f"word {i + 1} is empty or holds a newline: {word[:40]!r}")
    raise AssertionError("unreachable: a word that fails in the batch fails alone")


def write_binary(stream: BinaryIO, words: list[str], matrix) -> None:
    """Write word2vec binary, word2vec.c's layout (with a newline after each vector)."""
    n, dim = matrix.shape
    stream.write(f"{n} {dim}\n".encode())
    size = 4 * dim
    step = max(1, (1 << 21) // max(dim, 1))
    for start in range(0, n, step):
        data = dense_rows(matrix, start, start + step).astype("<f4").tobytes()
        stream.write(b"".join([word.encode("utf-8") + b" " + data[i * size:(i + 1) * size] + b"\n"
                               for i, word in enumerate(words[start:start + step])]))
