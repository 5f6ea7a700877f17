"""Lookup tables that let a byte-level tokenizer follow `corpus.tokenize` exactly.

`corpus.tokenize` lower-cases a line with `str.lower()` and then matches
`\\w+(?:['\\u2019\\-]\\w+)*`. Both are read off the running Python itself, so the tables agree
with the reference for whatever Unicode version this Python carries:

* the class of every code point: word character (what `re`'s `\\w` matches), connector
  (' \\u2019 -), ASCII space or tab, line end (\\n, \\r), or other;
* for lower-casing, the lower-case code point of every code point, and the class of that
  lower-case character (the regex runs on the lower-cased text).

Two code points are not lower-cased one by one: U+0130 (its lower case is two code points,
'i' and U+0307) and U+03A3 'Σ' (it lower-cases to 'ς' or 'σ' depending on the letters around
it). They get the class SPECIAL, and the scanner hands the whitespace-delimited run holding them
to the reference tokenizer.
"""

from __future__ import annotations

import functools
import re

import numpy as np

OTHER, WORD, CONNECTOR, SPACE, LINE_END, SPECIAL = 0, 1, 2, 3, 4, 5
CONNECTORS = "'\u2019-"
N_CODE_POINTS = 0x110000


def _all_characters() -> str:
    return "".join(map(chr, range(N_CODE_POINTS)))


@functools.lru_cache(maxsize=1)
def raw_classes() -> np.ndarray:
    """The class of every code point as `corpus.TOKEN_PATTERN` sees it, uint8 (0x110000,)."""
    word = re.compile(r"\w+")  # runs of the word characters of corpus.TOKEN_PATTERN
    classes = np.full(N_CODE_POINTS, OTHER, dtype=np.uint8)
    for match in word.finditer(_all_characters()):
        classes[match.start():match.end()] = WORD
    for c in CONNECTORS:
        classes[ord(c)] = CONNECTOR
    classes[ord(" ")] = classes[ord("\t")] = SPACE
    classes[ord("\n")] = classes[ord("\r")] = LINE_END
    classes.setflags(write=False)
    return classes


@functools.lru_cache(maxsize=1)
def lower_tables() -> tuple[np.ndarray, np.ndarray]:
    """(lower, classes): each code point's lower case, int32, and that lower case's class, uint8.

    Code points whose lower case is not one code point, or depends on the neighbouring
    characters, have class SPECIAL (their `lower` entry is unused).
    """
    special = [0x130, 0x3A3]
    text = _all_characters()
    for cp in special:
        text = text.replace(chr(cp), "\x00")
    lowered = text.lower()
    if len(lowered) != len(text):  # another Python with more one-to-many lower cases: find them
        special = [cp for cp in range(N_CODE_POINTS)
                   if len(chr(cp).lower()) != 1 or cp == 0x3A3]
        for cp in special:
            text = text.replace(chr(cp), "\x00")
        lowered = text.lower()
    lower = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int32)
    classes = raw_classes()[lower]
    classes[special] = SPECIAL
    lower.setflags(write=False)
    classes.setflags(write=False)
    return lower, classes


def ascii_tables(lowercase: bool) -> tuple[np.ndarray, np.ndarray]:
    """(classes, bytes) of the 128 ASCII bytes: their class and their (lower-cased) byte, uint8."""
    classes = raw_classes()[:128].copy()
    codes = np.arange(128, dtype=np.uint8)
    if lowercase:
        codes[ord("A"):ord("Z") + 1] += 32
    return classes, codes
