"""Where a vectors file's bytes are (a file, a folder, a zip member) and which format they hold,
decided by content; the format to write, decided by the name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import files
from ..errors import EmbedkitError, FormatError
from . import word2vec

FORMATS = ("embedkit", "word2vec", "word2vec-binary", "glove", "projector", "fasttext", "gensim")


WRITE_FORMATS = FORMATS[:-1]  # for click.Choice in commands that save vectors


EXTENSIONS = {".ekv": "embedkit", ".vec": "word2vec", ".w2v": "word2vec", ".txt": "word2vec",
              ".glove": "glove", ".bin": "word2vec-binary", ".tsv": "projector"}


UNICODE_ERRORS = ("strict", "replace", "ignore")


_COMPRESSED = {".gz", ".bz2", ".xz"}


FASTTEXT_MAGIC = b"\xba\x16\x4f\x2f"  # int32 793712314, little-endian: Facebook fastText's .bin


FOLDER_FORMATS = ("embedkit", "projector")


@dataclass(frozen=True)
class Source:
    path: Path                 # the file or folder on disk; the archive, for a zip member
    member: str | None = None  # the file inside the zip archive

    @property
    def name(self) -> str:
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    def open(self) -> BinaryIO:
        return files.open_binary(self.path, self.member)


def source(path) -> Source:
    path = Path(path)
    if not path.exists() and ".zip:" in str(path):
        archive, member = str(path).rsplit(".zip:", 1)
        if Path(archive + ".zip").is_file():
            return _zip_member(Path(archive + ".zip"), member)
    if not path.exists():
        raise EmbedkitError(f"{path}: no such file or folder")
    if path.is_file():
        with files.reading(path), open(path, "rb") as f:
            if f.read(4) == b"PK\x03\x04":
                return _zip_member(path, None)
    return Source(path)


def _zip_member(archive: Path, member: str | None) -> Source:
    with files.reading(archive), zipfile.ZipFile(archive) as z:
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
    return Source(archive, member)


def detect_format(path) -> str:
    """The format of the file or folder at `path` (one of `FORMATS`), decided by its content.

    Raises `FormatError` for an empty file, `EmbedkitError` for anything unrecognised.
    Example: ``detect_format("glove.6B.50d.txt.gz") == "glove"``
    """
    return detect_source(source(path))


def detect_source(src: Source) -> str:
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
    if head.startswith(FASTTEXT_MAGIC):  # of the decompressed bytes: a .bin.gz is found too
        return "fasttext"
    if head.startswith(b"\x93NUMPY"):
        raise EmbedkitError(f"{src.name}: a bare NumPy array holds no words; load the .ekv folder "
                            "it belongs to, or save vectors with embedkit")
    first, _, rest = head.partition(b"\n")
    tokens = first.removeprefix(b"\xef\xbb\xbf").split()
    dim = word2vec.header_dim(first)
    if dim is not None:
        return "word2vec-binary" if word2vec.looks_binary(rest[:4096], dim) else "word2vec"
    text = word2vec.looks_like_text_record(first, len(tokens) - 1)
    if not text and word2vec.has_control_bytes(first[:4096]):
        raise EmbedkitError(f"{src.name}: not a word-vectors file embedkit reads (binary data "
                            f"without a word2vec header); formats: {', '.join(FORMATS)}")
    return "glove"


def output_format(path, fmt: str | None = None, subwords: bool = False) -> tuple[str, str | None]:
    """(format, compression suffix or None) for writing `path`: `fmt`, else from the extension.

    `.bin` names word2vec's binary format, or fastText's .bin when the vectors to write have
    subwords (`subwords=True`): only fastText's holds their n-grams.

    Example: ``output_format("out.vec.gz") == ("word2vec", ".gz")``
    """
    path = Path(path)
    compression = path.suffix.lower() if path.suffix.lower() in _COMPRESSED else None
    base = path.with_suffix("") if compression else path
    if fmt is None and subwords and base.suffix.lower() == ".bin":
        fmt = "fasttext"
    if fmt is None:
        fmt = EXTENSIONS.get(base.suffix.lower())
        if fmt is None:
            known = ", ".join(f"{ext} ({name})" for ext, name in EXTENSIONS.items())
            raise EmbedkitError(f"{path}: cannot tell the format from the name; pass --format "
                                f"({', '.join(WRITE_FORMATS)}) or use an extension: {known}")
    elif fmt not in WRITE_FORMATS:
        raise EmbedkitError(f"cannot write format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")
    if compression and fmt in FOLDER_FORMATS:
        raise EmbedkitError(f"{path}: the {fmt} format is a folder and cannot be compressed")
    return fmt, compression


def plain_size(src: Source) -> int | None:
    """The bytes a reader of `src` sees, when known without reading them (not for gzip, bzip2, xz)."""
    with files.reading(src.name):
        if src.member:
            with zipfile.ZipFile(src.path) as archive:
                return archive.getinfo(src.member).file_size
        return None if files.compression(src.path) else src.path.stat().st_size


def file_size(src: Source) -> int:
    if src.member:
        with zipfile.ZipFile(src.path) as archive:
            return archive.getinfo(src.member).file_size
    if src.path.is_dir():
        return sum(p.stat().st_size for p in src.path.rglob("*") if p.is_file())
    return src.path.stat().st_size
