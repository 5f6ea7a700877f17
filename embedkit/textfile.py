"""Read the lines of real-world text files: UTF-8 or ISO-8859-1, LF or CRLF, plain or compressed.

Benchmark and classification files come from many hands: some have CRLF line ends, the original
Cornell MR/SUBJ files are ISO-8859-1, TREC's training file has one Latin-1 byte. `read_lines`
decodes them all without losing a character. Every reader of text (these, and the corpus reader
that streams) decides a file's encoding the same way, from its first bytes (`sniff`), and refuses
binary data the same way (`check_text`).
"""

from __future__ import annotations

from .errors import FormatError
from .fsutil import open_binary

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
