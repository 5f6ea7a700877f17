"""The exceptions embedkit raises for bad input.

Every error a user can cause derives from `EmbedkitError`; the CLI turns it into a one-line
`Error: ...` and exit status 1, with no traceback. Anything else escaping is a bug.
"""

from __future__ import annotations

import difflib


class EmbedkitError(Exception):
    """Base class of the errors caused by input (files, words, options), not by bugs."""


class FormatError(EmbedkitError, ValueError):
    """A file that does not parse: names the file and, where known, the 1-based line."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class UnknownWordError(EmbedkitError, KeyError):
    """A word that is not in the vocabulary; suggests close spellings that are."""

    def __init__(self, word: str, suggestions: list[str] | tuple[str, ...] = ()):
        self.word = word
        self.suggestions = list(suggestions)
        message = f"word {word!r} is not in the vocabulary"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


def close_spellings(word: str, vocabulary, n: int = 3) -> list[str]:
    """Up to `n` words of `vocabulary` spelled like `word`, best first.

    Compares only against words of similar length that share a first letter (or, failing that,
    any word of similar length), so it stays fast on 400k-word vocabularies.
    """
    lower = word.lower()
    if lower != word and lower in vocabulary:
        return [lower]
    size = len(word)
    near = [w for w in vocabulary if abs(len(w) - size) <= 2 and w[:1].lower() == lower[:1]]
    found = difflib.get_close_matches(word, near, n=n, cutoff=0.75)
    if not found:
        near = [w for w in vocabulary if abs(len(w) - size) <= 1]
        found = difflib.get_close_matches(word, near, n=n, cutoff=0.8)
    return found
