"""`PhraseModel`: learn phrases from sentences, apply them, list the top ones (gensim's `Phrases`).

Example:
    >>> model = PhraseModel(min_count=1, threshold=1).learn([["new", "york", "is", "big"]] * 3 + [["york"]])
    >>> model.apply(["in", "new", "york"])
    ['in', 'new_york']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

import numpy as np

from ...errors import EmbedkitError
from .counts import _apply, _count, _key_table, _phrase_scores, _rehash
from .tables import S_ENTRIES, S_MIN_REDUCE, S_NODES, S_ROWS, S_STRINGS, S_WORDS, W_BYTES, W_CONNECTOR, W_COUNT, W_NPIECES, W_OFFSET, _FREE, _LOAD, _LOW32, _MAX_IDS
from .words import _CLASSES, _file_chunks, _open, _intern, _render, _split_simple, _split_text

ENGLISH_CONNECTOR_WORDS = frozenset(  # gensim.models.phrases.ENGLISH_CONNECTOR_WORDS
    " a an the "
    " for of with without at from to in on by "
    " and or ".split())
SCORINGS = ("default", "npmi")
CHUNK_WORDS = 1 << 20     # words of in-memory sentences handled at a time
START_ROWS = 1 << 16      # the tables' first sizes (rows); they double as they fill


@dataclass(frozen=True)
class Phrase:
    """One phrase the model found: the joined words, how often they occur, their score."""

    phrase: str
    count: int
    score: float


class PhraseModel:
    """Counts of words and candidates, and the rule that joins candidates into phrases.

    Args:
        min_count: candidates (and, for npmi, words) seen fewer times are never phrases; gensim's.
        threshold: a candidate scoring above it is a phrase (npmi: in -1..1).
        max_vocab_size: prune the table when it holds more entries (see the module's docstring).
        delimiter: the one ASCII character that joins a phrase's words.
        scoring: 'default' or 'npmi'.
        connector_words: words allowed inside a phrase but never at its ends
            (`ENGLISH_CONNECTOR_WORDS` for English).
        frozen: score as gensim's `FrozenPhrases` instead of `Phrases` (the same unless words
            contain the delimiter).

    Raises:
        EmbedkitError: a bad setting (gensim's rules: min_count at least 1, a positive threshold
            for default scoring, -1..1 for npmi).

    Example:
        >>> model = PhraseModel(min_count=1, threshold=0.1, connector_words=ENGLISH_CONNECTOR_WORDS)
        >>> model.learn([["bank", "of", "america"]] * 9 + [["bank"]]).top(1)
        [Phrase(phrase='bank_of_america', count=9, score=0.26666666666666666)]
    """

    def __init__(self, min_count: float = 5, threshold: float = 10.0, max_vocab_size: int = 40_000_000,
                 delimiter: str = "_", scoring: str = "default", connector_words: Iterable[str] = frozenset(),
                 frozen: bool = False):
        if not min_count > 0:
            raise EmbedkitError(f"min-count must be at least 1, got {min_count}")
        if scoring not in SCORINGS:
            raise EmbedkitError(f"unknown scoring {scoring!r}; choose from {', '.join(SCORINGS)}")
        if scoring == "default" and not threshold > 0:
            raise EmbedkitError(f"threshold must be positive for default scoring, got {threshold}")
        if scoring == "npmi" and not -1 <= threshold <= 1:
            raise EmbedkitError(f"threshold must be between -1 and 1 for npmi scoring, got {threshold}")
        if not isinstance(delimiter, str) or len(delimiter) != 1 or not delimiter.isascii() or delimiter.isspace():
            raise EmbedkitError(f"delimiter must be one ASCII character other than white space, got {delimiter!r}")
        if max_vocab_size < 1:
            raise EmbedkitError(f"max-vocab-size must be at least 1, got {max_vocab_size}")
        self.min_count, self.threshold, self.max_vocab_size = min_count, float(threshold), int(max_vocab_size)
        self.delimiter, self.scoring, self.frozen = delimiter, scoring, frozen
        self.connector_words = frozenset(connector_words)
        self.learned = False
        self.joined = 0  # phrases joined when `phrase_file` applied this model
        self._delimiter = ord(delimiter)
        # distinct strings: a row of W_* columns each; their bytes in _text, their pieces in _pool
        rows = START_ROWS
        self._words = np.zeros((rows, 8), np.int64)
        self._text = np.zeros(8 * rows, np.uint8)
        self._pool = np.zeros(rows, np.int64)
        self._strings = np.zeros((2 * rows, 2), np.int64)   # rows (hash, id + 1)
        # counts of strings of two or more pieces: rows (first piece << 32 | last piece, middle + 1, count)
        self._table = np.zeros((4 * rows, 3), np.int64)
        # middles: rows (parent node, piece + 1, node); per node its parent and last piece
        self._trie = np.zeros((rows // 16, 3), np.int64)
        self._node = np.zeros((rows // 16, 2), np.int64)
        self._state = np.zeros(9, np.int64)
        self._state[S_MIN_REDUCE] = 1
        self._phrase_table: np.ndarray | None = None
        if self.connector_words:
            for word in self.connector_words:
                if not word or any(c.isspace() for c in word):
                    raise EmbedkitError(f"a connector word must be one word, got {word!r}")
            ids = self._ids(*_words_of([sorted(self.connector_words)], len(self.connector_words))[:3])
            self._words[ids, W_CONNECTOR] = 1

    # -- the numbers gensim's Phrases keeps ----------------------------------------------------

    @property
    def vocab_size(self) -> int:
        """Entries: distinct counted words and candidates (gensim's ``len(vocab)``)."""
        return int(self._state[S_ENTRIES])

    @property
    def min_reduce(self) -> int:
        """Entries counted fewer times than this were dropped by pruning (1: none ever were)."""
        return int(self._state[S_MIN_REDUCE])

    @property
    def corpus_word_count(self) -> int:
        """Words counted, connector words included."""
        return int(self._state[S_WORDS])

    # -- counting -------------------------------------------------------------------------------

    def learn(self, sentences: Iterable[list[str]]) -> "PhraseModel":
        """Count the words and candidates of `sentences` (lists of words) in one streaming pass.

        Returns:
            PhraseModel: self.

        Raises:
            EmbedkitError: the model has counted before (one pass per model: pruning depends on
                the whole stream), or a word holds white space.
        """
        self._start_learning()
        for batch in _batches(sentences):
            self._count(*_words_of(batch, sum(map(len, batch))))
        self.learned = True
        return self

    def learn_file(self, path) -> "PhraseModel":
        """Count the words and candidates of a tokenised text file (one sentence per line).

        Returns:
            PhraseModel: self.
        """
        self._start_learning()
        with _open(path) as raw:
            for data in _file_chunks(raw):
                self._count(*_split(data))
        self.learned = True
        return self

    def _start_learning(self) -> None:
        if self.learned:
            raise EmbedkitError("this phrase model has already counted a corpus; make a new one")

    def _count(self, data, starts, stops, ends) -> None:
        tokens = self._ids(data, starts, stops)
        first = 0
        while first < ends.shape[0] - 1:
            first = _count(tokens, ends, first, self._words, self._pool, self._table, self._trie, self._node,
                           self._state, self.max_vocab_size)
            if first < ends.shape[0] - 1:
                self._grow(tokens[ends[first]:ends[first + 1]])

    def _ids(self, data, starts, stops) -> np.ndarray:
        """The ids of the words data[starts[k]:stops[k]], new strings added."""
        ids, self._words, self._text, self._pool, self._strings = _intern(
            data, starts, stops, self._words, self._text, self._pool, self._strings, self._state, self._delimiter)
        if self._state[S_STRINGS] >= _MAX_IDS:
            raise EmbedkitError(f"more than {_MAX_IDS:,} distinct words and pieces: too many to count")
        return ids

    def _grow(self, sentence: np.ndarray) -> None:
        """Make room in both tables for everything one more sentence can add (as `_count` reserves)."""
        grown = False
        need = int(self._state[S_ROWS]) + 2 * sentence.shape[0] + 1
        capacity = self._table.shape[0]
        while need > _LOAD * capacity:
            capacity *= 2
        if capacity > self._table.shape[0]:
            self._table, grown = _rehash(self._table, capacity), True
        need = int(self._state[S_NODES]) + 3 * int(self._words[sentence, W_NPIECES].sum()) + 1
        capacity = self._trie.shape[0]
        while need > _LOAD * capacity:
            capacity *= 2
        if capacity > self._trie.shape[0]:
            self._trie, grown = _rehash(self._trie, capacity), True
            node = np.zeros((capacity, 2), np.int64)
            node[:self._node.shape[0]] = self._node
            self._node = node
        if not grown:
            raise RuntimeError("phrase counting stopped with room to spare")

    # -- applying -------------------------------------------------------------------------------

    def _phrases(self) -> np.ndarray:
        """The keys of `export_phrases` in a table of their own, small enough to stay in cache."""
        if self._phrase_table is None:
            rows, _ = self._scored()
            self._phrase_table = _key_table(self._table, rows)
        return self._phrase_table

    def _joins(self, tokens: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """joins[k] = 1 where word k and k + 1 are in one phrase."""
        joins = np.zeros(tokens.shape[0], np.uint8)
        _apply(tokens, ends, self._words, self._pool, self._table, self._phrases(), self._trie,
               float(self.vocab_size), float(self.corpus_word_count), float(self.min_count), self.threshold,
               self.scoring == "npmi", self.frozen, joins)
        return joins

    def transform(self, sentences: Iterable[list[str]]) -> Iterator[list[str]]:
        """Yield each sentence with its phrases joined (gensim's ``model[sentences]``)."""
        self._check_learned()
        for batch in _batches(sentences):
            data, starts, stops, ends = _words_of(batch, sum(map(len, batch)))
            joins = self._joins(self._ids(data, starts, stops), ends)
            for s, sentence in enumerate(batch):
                yield _joined(sentence, joins[ends[s]:ends[s + 1]], self.delimiter)

    def apply(self, sentence: list[str]) -> list[str]:
        """`sentence` with its phrases joined (gensim's ``model[sentence]``)."""
        return next(self.transform([sentence]))

    def transform_file(self, path, out: BinaryIO) -> int:
        """Write the tokenised text file at `path` to the binary stream `out` with phrases joined.

        Words are separated by one space, lines end with \\n. Returns the phrases joined.
        """
        self._check_learned()
        joined = 0
        with _open(path) as raw:
            for data in _file_chunks(raw):
                data, starts, stops, ends = _split(data)
                joins = self._joins(self._ids(data, starts, stops), ends)
                out.write(_render(data, starts, stops, ends, joins, self._delimiter).tobytes())
                joined += int(joins.sum())
        return joined

    def _check_learned(self) -> None:
        if not self.learned:
            raise EmbedkitError("this phrase model has counted nothing yet: call learn() first")

    # -- what was found -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """The whole table as gensim's ``Phrases.vocab``: joined string -> count."""
        counted = np.flatnonzero(self._words[:self._state[S_STRINGS], W_COUNT])
        counts = {self._string(i): int(self._words[i, W_COUNT]) for i in counted}
        rows = np.flatnonzero(self._table[:, 1] != _FREE)
        counts.update((self._key_string(i), int(self._table[i, 2])) for i in rows)
        return counts

    def _scored(self) -> tuple[np.ndarray, np.ndarray]:
        self._check_learned()
        return _phrase_scores(self._words, self._table, float(self.vocab_size), float(self.corpus_word_count),
                              float(self.min_count), self.threshold, self.scoring == "npmi")

    def export_phrases(self) -> dict[str, float]:
        """Every entry of two or more pieces that scores above the threshold, as gensim's
        ``Phrases.export_phrases()`` (scored by its first and last piece): joined string -> score."""
        rows, scores = self._scored()
        return {self._key_string(i): float(s) for i, s in zip(rows, scores)}

    def top(self, n: int = 20, by: str = "score") -> list[Phrase]:
        """The `n` phrases of highest score (by='score') or count (by='count'), as `export_phrases` finds them.

        Ties are broken by the other number, then alphabetically.
        """
        if by not in ("score", "count"):
            raise EmbedkitError(f"phrases are ranked by 'score' or 'count', not {by!r}")
        rows, scores = self._scored()
        found = [Phrase(self._key_string(i), int(self._table[i, 2]), float(score)) for i, score in zip(rows, scores)]
        found.sort(key=lambda r: ((-r.score, -r.count) if by == "score" else (-r.count, -r.score), r.phrase))
        return found[:n]

    def _string(self, i) -> str:
        offset, size = self._words[i, W_OFFSET], self._words[i, W_BYTES]
        return self._text[offset:offset + size].tobytes().decode("utf-8", "surrogatepass")

    def _key_string(self, row: int) -> str:
        """The joined string of the count table's row `row`."""
        key1 = int(self._table[row, 0])
        first, last, middle = key1 >> 32, key1 & _LOW32, int(self._table[row, 1]) - 1
        inner = []
        while middle:
            inner.append(self._string(self._node[middle, 1]))
            middle = int(self._node[middle, 0])
        return self.delimiter.join([self._string(first), *inner[::-1], self._string(last)])

    def __repr__(self) -> str:
        return (f"PhraseModel({self.vocab_size:,} words and candidates from {self.corpus_word_count:,} words, "
                f"scoring={self.scoring}, threshold={self.threshold:g}, min_count={self.min_count:g})")


def format_phrases(rows: list[Phrase]) -> str:
    """`PhraseModel.top()`'s rows as an aligned table: phrase, count, score (for the CLI to print).

    Example:
        >>> print(format_phrases([Phrase("new_york", 300, 41.5), Phrase("bank_of_america", 9, 0.27)]))
        phrase           count  score
        new_york           300  41.50
        bank_of_america      9   0.27
    """
    table = [("phrase", "count", "score")] + [(r.phrase, f"{r.count:,}", f"{r.score:.2f}") for r in rows]
    widths = [max(len(row[j]) for row in table) for j in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in table)


# -- files ---------------------------------------------------------------------------------------


def _words_of(batch: list[list[str]], words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """In-memory sentences as UTF-8 bytes and the word and sentence boundaries in them.

    Raises:
        EmbedkitError: a word is empty or holds a space or a line break, which would split it.
    """
    text = "\n".join(" ".join(sentence) for sentence in batch).encode("utf-8", "surrogatepass")
    data = np.frombuffer(text, np.uint8)
    starts, stops, ends = _split_simple(data, len(batch))
    if starts.shape[0] != words:
        bad = next(w for s in batch for w in s if not w or " " in w or "\n" in w)
        raise EmbedkitError(f"a word must not be empty or hold a space or a line break, got {bad!r}")
    return data, starts, stops, ends


def _split(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    starts, stops, ends = _split_text(data, _CLASSES)
    return data, starts, stops, ends


def _batches(sentences: Iterable[list[str]], words: int = CHUNK_WORDS) -> Iterator[list[list[str]]]:
    batch: list[list[str]] = []
    size = 0
    for sentence in sentences:
        batch.append(sentence if isinstance(sentence, list) else list(sentence))
        size += len(batch[-1])
        if size >= words:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _joined(sentence: list[str], joins: np.ndarray, delimiter: str) -> list[str]:
    """The words of `sentence` with word i and i + 1 joined wherever joins[i] is set."""
    at = np.flatnonzero(joins)
    if at.size == 0:
        return list(sentence)
    out: list[str] = []
    done = 0
    k = 0
    while k < at.size:
        begin = end = int(at[k])
        while k + 1 < at.size and at[k + 1] == end + 1:
            k += 1
            end += 1
        out.extend(sentence[done:begin])
        out.append(delimiter.join(sentence[begin:end + 2]))
        done = end + 2
        k += 1
    out.extend(sentence[done:])
    return out
