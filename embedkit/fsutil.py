"""Files: open compressed or plain input alike, and write output atomically.

`open_binary` recognises gzip, bzip2 and xz by their magic bytes (not the file name), so a
compressed file with a plain name still reads; it is the one reader of input files, and its
stream turns damaged or truncated compressed data into a `FormatError` naming the file, whoever
reads it (vectors, corpora, benchmarks, data sets). `reading` is that translation, for the code
that opens zip archives or folders itself. `atomic_output` gives a temporary path beside the
target and renames it into place only when the block succeeds: a failed or interrupted write never
leaves a half-written file or folder behind.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import shutil
import tempfile
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


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def atomic_output(path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success rename it to `path`, else delete it.

    Works for files and folders: whatever the block creates at the yielded path replaces `path`
    (an existing target is replaced only once the new one is complete). `suffix` keeps an
    extension on the temporary name for libraries that choose a format by it (matplotlib).
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise EmbedkitError(f"{path}: folder {parent} does not exist")
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # the block creates a file or a folder there
    try:
        yield tmp
        if not tmp.exists():
            raise RuntimeError(f"nothing was written to {tmp}")
        if path.is_dir() and not path.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=parent))
            os.rmdir(old)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if tmp.is_dir() and path.exists():
                path.unlink()
            os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
