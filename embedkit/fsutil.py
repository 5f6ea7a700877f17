"""Files: open compressed or plain input alike, and write output atomically.

`open_binary` recognises gzip, bzip2 and xz by their magic bytes (not the file name), so a
compressed file with a plain name still reads. `atomic_output` gives a temporary path beside the
target and renames it into place only when the block succeeds: a failed or interrupted write never
leaves a half-written file or folder behind.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import EmbedkitError

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


def open_binary(path) -> BinaryIO:
    """Open `path` for reading bytes, decompressing gzip/bz2/xz transparently.

    Raises `EmbedkitError` naming the file when it does not exist or is a folder.
    """
    path = Path(path)
    if not path.exists():
        raise EmbedkitError(f"{path}: no such file")
    if path.is_dir():
        raise EmbedkitError(f"{path}: is a folder, expected a file")
    with open(path, "rb") as f:
        head = f.read(6)
    for magic, opener in _MAGIC.items():
        if head.startswith(magic):
            return opener(path, "rb")
    return open(path, "rb")


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
