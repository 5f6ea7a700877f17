"""Read the lines of real-world text files: UTF-8 or ISO-8859-1, LF or CRLF, plain or compressed.

Benchmark and classification files come from many hands: some have CRLF line ends, the original
Cornell MR/SUBJ files are ISO-8859-1, TREC's training file has one Latin-1 byte. `read_lines`
decodes them all without losing a character.
"""

from __future__ import annotations

from .fsutil import open_binary


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a leading BOM dropped) when the bytes are valid UTF-8, else ISO-8859-1.

    Latin-1 never fails, so nothing is lost. Its byte 0x85 (NEL, which the Cornell files use where
    Windows-1252 has an ellipsis) becomes a space, as in NLTK's UTF-8 copies of those files.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1").replace("\x85", " "), "latin-1"


def read_lines(path) -> list[str]:
    """The lines of `path` without their line ends (LF, CRLF or CR-less last line); see `decode`.

    Splits on LF only: `str.splitlines` would also split on characters such as U+0085 or U+2028
    that can occur inside a sentence.
    """
    with open_binary(path) as f:
        text, _ = decode(f.read())
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
