"""Input files: open compressed or plain input alike, and read text as it really is.

`open_binary` recognises gzip, bzip2 and xz by their magic bytes (not the file name), so a
compressed file with a plain name still reads; it is the one reader of input files, and its
stream turns damaged or truncated compressed data into a `FormatError` naming the file, whoever
reads it (vectors, corpora, benchmarks, data sets). `reading` is that translation, for the code
that opens zip archives or folders itself.

Text comes from many hands: some files have CRLF line ends, the original Cornell MR/SUBJ files are
ISO-8859-1, TREC's training file has one Latin-1 byte. Every reader of text (`read_lines`, and the
corpus reader that streams) decides a file's encoding the same way, from its first bytes
(`sniff`), and refuses binary data the same way (`check_text`). Writing is `embedkit.outputs`.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import EmbedkitError, FormatError

_MAGIC = {
    b"\x1f\x8b": gzip.open,
    b"BZh": bz2.open,
    b"\xfd7zXZ\x00": lzma.open,
}


def compression(path) -> str | None:
    """'gzip', 'bz2', 'xz' or None, from the first bytes of the file."""
    with open(path, "rb") as f:
        head = f.read(6)
    for magic, opener in _MAGIC.items():
        if head.startswith(magic):
            return {gzip.open: "gzip", bz2.open: "bz2", lzma.open: "xz"}[opener]
    return None


# What decompressors raise on damaged input.
_DAMAGED = (EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, gzip.BadGzipFile,
            UnicodeDecodeError)  # zipfile, on a member name that is not the UTF-8 it claims


@contextlib.contextmanager
def reading(name, *, decompressing: bool = False) -> Iterator[None]:
    """Turn what reading the file `name` can raise into one-line errors naming it.

    Damaged or truncated compressed data (gzip, bzip2, xz, zip) becomes a `FormatError`, as
    does an archive of a kind zipfile cannot read; any other OSError (permissions, a folder where
    a file was expected) an `EmbedkitError`. `decompressing`: the block reads a decompressor's
    stream, where bz2 reports damaged data ("Invalid data stream") as an OSError without an
    errno, unlike the errors of the disk below it.

    Example:
        >>> with reading("corpus.txt.gz"), gzip.open("corpus.txt.gz") as f:  # doctest: +SKIP
        ...     data = f.read()
    """
    try:
        yield
    except _DAMAGED as error:
        raise _damaged(name, error) from None
    except OSError as error:
        if decompressing and error.errno is None:
            raise _damaged(name, error) from None
        raise EmbedkitError(_os_message(error, name)) from None
    except RuntimeError as error:  # zipfile: a newer zip version or method, an encrypted member
        if not isinstance(error, NotImplementedError) and "encrypted" not in str(error):
            raise
        raise FormatError(name, f"an archive embedkit cannot read ({error})") from None


def _damaged(name, error: Exception) -> FormatError:
    return FormatError(name, f"damaged or truncated compressed data ({error})")


def _os_message(error: OSError, name) -> str:
    where = error.filename or name
    if isinstance(error, IsADirectoryError):
        return f"{where}: is a folder, expected a file"
    return f"{where}: {error.strerror or error}"


class _Checked(io.BufferedIOBase):
    """A readable stream whose errors while reading go through `reading(name)`; closing
    it also closes `owner` (the zip archive a member was opened from)."""

    def __init__(self, stream: BinaryIO, name: str, owner=None):
        self._stream = stream
        self._owner = owner
        self.name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        with reading(self.name, decompressing=True):
            return self._stream.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        with reading(self.name, decompressing=True):
            return self._stream.read1(size)

    def readinto(self, buffer) -> int:
        with reading(self.name, decompressing=True):
            return self._stream.readinto(buffer)

    def readline(self, size: int | None = -1) -> bytes:
        with reading(self.name, decompressing=True):
            return self._stream.readline(-1 if size is None else size)

    def close(self) -> None:
        try:
            self._stream.close()
            if self._owner is not None:
                self._owner.close()
        finally:
            super().close()


def open_binary(path, member: str | None = None, *, name: str | None = None) -> BinaryIO:
    """Open `path` for reading bytes, decompressing gzip/bz2/xz transparently.

    The one reader of input files: vectors, corpora, benchmarks and data sets all read through it.

    Args:
        path: a file, plain or compressed (told apart by its first bytes, not its name).
        member: read this file inside the zip archive `path` instead.
        name: what errors call the file (default: `path`, or `path:member`).
    Returns:
        A binary stream; reading it raises `FormatError` naming the file for damaged or truncated
        compressed data, never EOFError, zlib.error or LZMAError.
    Raises:
        EmbedkitError: the file does not exist, is a folder, or cannot be opened; `FormatError`
            for a damaged zip archive.
    Example:
        >>> with open_binary("corpus.txt.xz") as f:  # doctest: +SKIP
        ...     head = f.read(100)
    """
    path = Path(path)
    if name is None:
        name = f"{path}:{member}" if member is not None else str(path)
    if not path.exists():
        raise EmbedkitError(f"{name}: no such file")
    if path.is_dir():
        raise EmbedkitError(f"{name}: is a folder, expected a file")
    with reading(name):
        if member is not None:
            archive = zipfile.ZipFile(path)
            try:
                stream = archive.open(member)
            except BaseException as error:
                archive.close()
                if isinstance(error, KeyError):
                    raise EmbedkitError(f"{path} holds no file {member!r}") from None
                raise
            return _Checked(stream, name, owner=archive)
        with open(path, "rb") as f:
            head = f.read(6)
        opener = next((opener for magic, opener in _MAGIC.items() if head.startswith(magic)), open)
        return _Checked(opener(path, "rb"), name)


# -- text ------------------------------------------------------------------------------------

SNIFF_BYTES = 1 << 16   # the first bytes of a file, which decide its encoding
CONTROL_SHARE = 0.1     # more control characters than this share of a sample: binary, not text
_CONTROL = bytes([*range(1, 9), 11, 12, *range(14, 32), 127])  # all but NUL, TAB, LF, CR
_C1 = bytes(b for b in range(0x80, 0xA0) if b != 0x85)  # Latin-1's control block, but NEL


def sniff(head: bytes, complete: bool = True) -> str:
    """'utf-8' when `head` is valid UTF-8, else 'latin-1' (ISO-8859-1).

    Args:
        head: the first bytes of a file (`SNIFF_BYTES` of them), or all of it.
        complete: whether `head` is the whole file; if not, a character cut at its end is allowed.
    Example:
        >>> sniff("café".encode()), sniff("café".encode("latin-1"))
        ('utf-8', 'latin-1')
    """
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        cut = not complete and error.start >= len(head) - 3 and error.reason == "unexpected end of data"
        return "utf-8" if cut else "latin-1"
    return "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a leading BOM dropped) when the bytes are valid UTF-8, else ISO-8859-1.

    Latin-1 never fails, so nothing is lost. Its byte 0x85 (NEL, which the Cornell files use where
    Windows-1252 has an ellipsis) becomes a space, as in NLTK's UTF-8 copies of those files.
    """
    if sniff(data) == "utf-8":
        return data.decode("utf-8-sig"), "utf-8"
    return data.decode("latin-1").replace("\x85", " "), "latin-1"


def check_text(data: bytes, path, encoding: str, *, line: int = 1, whole: bool = True) -> None:
    """Raise `FormatError` naming `path` when `data` (bytes of a file in `encoding`) is not text.

    Binary data shows as a NUL byte (named with its line), or as more than `CONTROL_SHARE` of
    control characters (bytes below 32 but TAB, LF and CR; in Latin-1 also 0x80-0x9F, but NEL).

    Args:
        data: a piece of the file; its first line is line `line` of the file.
        path: the file, for the message.
        encoding: 'utf-8' or 'latin-1', as `sniff` decided.
        whole: whether to apply the share test (to samples large enough for a share to mean
            something: the start of a file, or a whole block).
    Example:
        >>> check_text(b"\\x00\\x01\\x02", "x.bin", "latin-1")
        Traceback (most recent call last):
        embedkit.errors.FormatError: x.bin, line 1: binary data (NUL bytes), not a text file
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FormatError(path, "binary data (NUL bytes), not a text file",
                          line=line + data.count(b"\n", 0, nul))
    if not whole or not data:
        return
    delete = _CONTROL + _C1 if encoding == "latin-1" else _CONTROL
    controls = len(data) - len(data.translate(None, delete))
    if controls > CONTROL_SHARE * len(data):
        share = controls / len(data)
        raise FormatError(path, f"binary data ({share:.0%} of {len(data):,} bytes are control "
                                "characters), not a text file")


def read_lines(path) -> list[str]:
    """The lines of `path` without their line ends (LF, CRLF or CR-less last line); see `decode`.

    Splits on LF only: `str.splitlines` would also split on characters such as U+0085 or U+2028
    that can occur inside a sentence.

    Raises:
        FormatError: binary data (`check_text`), damaged compressed data.
    """
    with open_binary(path) as f:
        data = f.read()
    text, encoding = decode(data)
    check_text(data, path, encoding)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
