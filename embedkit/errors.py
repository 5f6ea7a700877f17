"""The exceptions embedkit raises for bad input.

Every error a user can cause derives from `EmbedkitError`; the CLI turns it into a one-line
`Error: ...` and exit status 1, with no traceback. Anything else escaping is a bug. What the user
should know but that is no error (a corpus read as Latin-1, vectors whose NaN were set to zero) is
an `EmbedkitWarning`, which the CLI prints as one line `Warning: ...` on stderr.
"""

from __future__ import annotations

import difflib
import itertools
from typing import Iterable, Mapping


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


class EmbedkitWarning(UserWarning):
    """Something about the input the user should know, that did not stop the work."""


class UnknownWordError(EmbedkitError, KeyError):
    """A word that is not in the vocabulary; suggests close spellings that are."""

    def __init__(self, word: str, suggestions: list[str] | tuple[str, ...] = (), detail: str | None = None):
        self.word = word
        self.suggestions = list(suggestions)
        message = f"word {word!r} is not in the vocabulary" + (f", {detail}" if detail else "")
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


_COMMON = 50_000  # words the last-resort difflib pass looks at
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-'."


def _one_edit(word: str, alphabet) -> set[str]:
    """Every string one edit from `word`: a character deleted, inserted or changed, or two
    neighbours swapped (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in alphabet)
    edits.update(a + c + b for a, b in splits for c in alphabet)
    edits.discard(word)
    return edits


def close_spellings(word: str, vocabulary: Mapping[str, int] | Iterable[str], n: int = 3) -> list[str]:
    """Up to `n` words of `vocabulary` spelled like `word`, the likeliest first.

    In order: the same word in other capitals ('Paris' -> 'paris'); words one edit away (a
    character deleted, inserted or changed, two swapped), the most frequent first, counting a
    changed first letter (a rare typo) as 100 times less frequent ('qeen' -> 'queen', then
    'been'); failing
    both, the closest by difflib's ratio among the 50,000 most frequent words of similar length.
    The first two cost a few hundred dictionary look-ups, the last a few milliseconds, so
    suggestions stay instant on 400k-word vocabularies.

    Args:
        word: a word that is not in the vocabulary.
        vocabulary: a mapping word -> row, rows ordered most frequent first (`Vectors.index`);
            any other iterable of words (in frequency order) is indexed first, which is slower.
        n: how many suggestions at most.

    Example:
        >>> close_spellings("quen", {"the": 0, "queen": 1, "queue": 2, "quest": 3})
        ['queen']
    """
    if not word:
        return []
    rank = vocabulary if isinstance(vocabulary, Mapping) else {w: i for i, w in enumerate(vocabulary)}
    found = []
    for variant in (word.lower(), word.capitalize(), word.upper()):
        if variant != word and variant in rank and variant not in found:
            found.append(variant)
    if found:
        return found[:n]
    alphabet = set(_ALPHABET) | set(word.lower())
    near = set()
    for form in {word, word.lower()}:
        near.update(w for w in _one_edit(form, alphabet) if w in rank)
    near.discard(word)
    if near:  # by frequency rank; typos rarely touch the first letter: 100 times less likely
        first = word[:1].lower()
        return sorted(near, key=lambda w: (rank[w] + 1) * (1 if w[:1].lower() == first else 100))[:n]
    lower, size = word.lower(), len(word)
    common = itertools.islice(rank, _COMMON)
    similar = [w for w in common if abs(len(w) - size) <= 2 and w[:1].lower() == lower[:1]]
    return difflib.get_close_matches(word, similar, n=n, cutoff=0.75)
