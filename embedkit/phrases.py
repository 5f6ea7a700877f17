"""Phrase detection as gensim's `Phrases` does it, counted and applied in numba.

One streaming pass counts every word and every *candidate*: two consecutive words that are not
connector words, with the connector words between them (``bank of america`` is the candidate
bank + america with "of" inside). Candidate a ... b is a phrase when its score beats
`threshold`:

    default (Mikolov et al. 2013):  (count(a ... b) - min_count) / (count(a) * count(b)) * table size
    npmi (Bouma 2009):  ln(p(a ... b) / (p(a) p(b))) / -ln p(a ... b), p = count / corpus words,
                        and -inf below min_count

where the table size is the number of distinct words and candidates counted (gensim's
``len(vocab)``). Applying the model walks each sentence left to right and joins a phrase as soon
as one is found, with `delimiter` between its words (``new_york``, ``bank_of_america``); a word
that ends a phrase does not start the next one. `passes` > 1 counts and applies again on the
output, so phrases grow (``new_york_times``).

Memory is bounded as gensim bounds it (`max_vocab_size`): after any sentence that leaves more
than that many entries in the table, the entries counted fewer than `min_reduce` times are
dropped and `min_reduce` rises by one (gensim's `utils.prune_vocab`, which starts at 1).

The results equal gensim's, count for count and score for score (tests/test_phrases.py):
gensim keys its table by the joined string, so the word ``new_york`` (written by an earlier
pass) and the candidate new + york are one entry; here every key is the sequence of the
pieces its string splits into at the delimiter (first piece, inner pieces interned in a trie,
last piece), which gives the same entries. `frozen` scores as gensim's `FrozenPhrases` (the
model after `freeze()`): a candidate's words are counted by the first and the last piece of
the joined string, which differs from `Phrases` only for words that contain the delimiter.

Speed: the counting and the phrase search run in numba on word ids with an open-addressing
table; Python only splits lines, maps words to ids and writes the output.

Example:
    >>> model = PhraseModel(min_count=1, threshold=1).learn([["new", "york", "is", "big"]] * 3 + [["york"]])
    >>> model.apply(["in", "new", "york"])
    ['in', 'new_york']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from numba import njit

from .errors import EmbedkitError

ENGLISH_CONNECTOR_WORDS = frozenset(  # gensim.models.phrases.ENGLISH_CONNECTOR_WORDS
    " a an the "
    " for of with without at from to in on by "
    " and or ".split())
SCORINGS = ("default", "npmi")
CHUNK_WORDS = 1 << 20     # corpus words mapped to ids and counted at a time

_FREE = 0                 # a free row of a table (its second key column; keys are stored + 1)
_MAX_IDS = 1 << 31        # distinct words and pieces: a key holds two ids in 64 bits
_LOW32 = 0xFFFFFFFF
_UNSET = -3               # a word's inner pieces not yet looked up in the trie
_MISSING = -4             # a middle the trie does not hold: nothing with it was counted
_LOAD = 0.7               # tables grow beyond this fill


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
        delimiter: the one character that joins a phrase's words.
        scoring: 'default' or 'npmi'.
        connector_words: words allowed inside a phrase but never at its ends
            (`ENGLISH_CONNECTOR_WORDS` for English).
        frozen: score as gensim's `FrozenPhrases` instead of `Phrases` (the same unless words
            contain the delimiter).

    Raises:
        EmbedkitError: a bad setting (gensim's rules: min_count at least 1, a positive threshold
            for default scoring, -1..1 for npmi).

    Example:
        >>> PhraseModel(connector_words=ENGLISH_CONNECTOR_WORDS).learn([["bank", "of", "america"]] * 9).top(1)
        [Phrase(phrase='bank_of_america', count=9, score=...)]
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
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter.isspace():
            raise EmbedkitError(f"delimiter must be one character other than white space, got {delimiter!r}")
        if max_vocab_size < 1:
            raise EmbedkitError(f"max-vocab-size must be at least 1, got {max_vocab_size}")
        self.min_count, self.threshold, self.max_vocab_size = min_count, float(threshold), int(max_vocab_size)
        self.delimiter, self.scoring, self.frozen = delimiter, scoring, frozen
        self.connector_words = frozenset(connector_words)
        self.learned = False
        self._phrase_table: np.ndarray | None = None
        # strings (words and pieces) -> ids; per id: its pieces (pool[start:start + length]),
        # whether it is a connector word, and the trie node of its inner pieces
        self._ids: dict[str, int] = {}
        self._strings: list[str] = []
        self._start = np.zeros(1024, np.int64)
        self._length = np.zeros(1024, np.int64)
        self._connector = np.zeros(1024, np.uint8)
        self._mid = np.full(1024, _UNSET, np.int64)
        self._unigram = np.zeros(1024, np.int64)      # counts of the one-piece words, by id
        self._pool = np.zeros(1024, np.int64)
        self._pooled = 0
        # the count table of strings of two or more pieces, rows (first piece << 32 | last
        # piece, middle, count); one slot row in one cache line
        self._table = _empty_table(1 << 18)
        # the trie of middles: rows (parent node, piece, node); node 0 is the empty middle;
        # per node, its parent and its last piece
        self._trie = _empty_table(1 << 12)
        self._node = np.zeros((1 << 12, 2), np.int64)
        # entries (words and candidates), min_reduce, corpus words, trie nodes, prunes, table rows
        self._state = np.array([0, 1, 0, 0, 0, 0], np.int64)

    # -- the numbers gensim's Phrases keeps ----------------------------------------------------

    @property
    def vocab_size(self) -> int:
        """Entries in the table: distinct words and candidates (gensim's ``len(vocab)``)."""
        return int(self._state[0])

    @property
    def min_reduce(self) -> int:
        """Entries counted fewer times than this were dropped by pruning (1: none ever were)."""
        return int(self._state[1])

    @property
    def corpus_word_count(self) -> int:
        """Words counted, connector words included."""
        return int(self._state[2])

    # -- counting -------------------------------------------------------------------------------

    def learn(self, sentences: Iterable[list[str]]) -> "PhraseModel":
        """Count the words and candidates of `sentences` in one streaming pass; return self.

        Raises:
            EmbedkitError: the model has already learned (one pass per model, as the pruning
                rule depends on the whole stream).
        """
        if self.learned:
            raise EmbedkitError("this phrase model has already counted a corpus; make a new one")
        for _, tokens, ends in self._chunks(sentences):
            first = 0
            while first < ends.shape[0] - 1:
                first = _count(tokens, ends, first, self._start, self._length, self._pool, self._connector,
                               self._mid, self._unigram, self._table, self._trie, self._node, self._state,
                               self.max_vocab_size)
                if first < ends.shape[0] - 1:
                    self._grow(tokens[ends[first]:ends[first + 1]])
        self.learned = True
        return self

    def _grow(self, sentence: np.ndarray) -> None:
        """Make room in both tables for everything one more sentence can add (as `_count` reserves)."""
        grown = False
        need = int(self._state[5]) + 2 * sentence.shape[0] + 1
        capacity = self._table.shape[0]
        while need > _LOAD * capacity:
            capacity *= 2
        if capacity > self._table.shape[0]:
            self._table, grown = _rehash(self._table, capacity), True
        need = int(self._state[3]) + 3 * int(self._length[sentence].sum()) + 1
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

    # -- words to ids ----------------------------------------------------------------------------

    def _chunks(self, sentences: Iterable[list[str]]) -> Iterator[tuple[list[list[str]], np.ndarray, np.ndarray]]:
        """(sentences, their word ids, sentence ends) of about CHUNK_WORDS words at a time."""
        for batch in _batches(sentences):
            yield (batch, *self._encode(batch))

    def _encode(self, batch: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """The word ids of `batch`, new words given new ids, and where each sentence ends."""
        flat: list[int] = []
        ends = [0]
        get = self._ids.get
        for sentence in batch:
            ids = list(map(get, sentence))
            if None in ids:
                ids = [i if i is not None else self._intern(w) for i, w in zip(ids, sentence)]
            flat += ids
            ends.append(len(flat))
        return np.array(flat, np.int64), np.array(ends, np.int64)

    def _intern(self, string: str) -> int:
        found = self._ids.get(string)
        return found if found is not None else self._add(string)

    def _add(self, string: str) -> int:
        """A new id for `string`, with its pieces (itself unless it holds the delimiter)."""
        new = len(self._strings)
        if new >= _MAX_IDS:
            raise EmbedkitError(f"more than {_MAX_IDS:,} distinct words and pieces: too many to count")
        self._ids[string] = new
        self._strings.append(string)
        if new >= self._start.shape[0]:
            size = 2 * self._start.shape[0]
            self._start, self._length = _grown(self._start, size), _grown(self._length, size)
            self._connector = _grown(self._connector, size)
            self._mid = _grown(self._mid, size, _UNSET)
            self._unigram = _grown(self._unigram, size)
        self._connector[new] = string in self.connector_words
        pieces = [new] if self.delimiter not in string else [self._intern(p) for p in string.split(self.delimiter)]
        if self._pooled + len(pieces) > self._pool.shape[0]:
            self._pool = _grown(self._pool, 2 * (self._pooled + len(pieces)))
        self._start[new], self._length[new] = self._pooled, len(pieces)
        self._pool[self._pooled:self._pooled + len(pieces)] = pieces
        self._pooled += len(pieces)
        return new

    # -- applying -------------------------------------------------------------------------------

    def _phrases(self) -> np.ndarray:
        """The keys of `export_phrases` in a table of their own, small enough to stay in cache."""
        if self._phrase_table is None:
            rows, _ = self._scored()
            self._phrase_table = _key_table(self._table, rows)
        return self._phrase_table

    def _joins(self, tokens: np.ndarray, ends: np.ndarray) -> np.ndarray:
        joins = np.zeros(tokens.shape[0], np.uint8)
        _apply(tokens, ends, self._start, self._length, self._pool, self._connector, self._mid, self._unigram,
               self._table, self._phrases(), self._trie, float(self.vocab_size),
               float(self.corpus_word_count), float(self.min_count), self.threshold, self.scoring == "npmi",
               self.frozen, joins)
        return joins

    def transform(self, sentences: Iterable[list[str]]) -> Iterator[list[str]]:
        """Yield each sentence with its phrases joined (gensim's ``model[sentences]``)."""
        self._check_learned()
        for batch, tokens, ends in self._chunks(sentences):
            joins = self._joins(tokens, ends)
            for s, sentence in enumerate(batch):
                yield _joined(sentence, joins[ends[s]:ends[s + 1]], self.delimiter)

    def apply(self, sentence: list[str]) -> list[str]:
        """`sentence` with its phrases joined (gensim's ``model[sentence]``)."""
        return next(self.transform([sentence]))

    def _check_learned(self) -> None:
        if not self.learned:
            raise EmbedkitError("this phrase model has counted nothing yet: call learn() first")

    # -- what was found -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """The whole table as gensim's ``Phrases.vocab``: joined string -> count."""
        words = np.flatnonzero(self._unigram)
        counts = {self._strings[i]: int(self._unigram[i]) for i in words}
        rows = np.flatnonzero(self._table[:, 1] != _FREE)
        counts.update((self._key_string(i), int(self._table[i, 2])) for i in rows)
        return counts

    def _scored(self) -> tuple[np.ndarray, np.ndarray]:
        self._check_learned()
        return _phrase_scores(self._unigram, self._table, float(self.vocab_size), float(self.corpus_word_count),
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
        found = [Phrase(self._key_string(i), int(self._table[i, 2]), float(score))
                 for i, score in zip(rows, scores)]
        found.sort(key=lambda r: ((-r.score, -r.count) if by == "score" else (-r.count, -r.score), r.phrase))
        return found[:n]

    def _key_string(self, row: int) -> str:
        """The joined string of the count table's row `row`."""
        key1 = int(self._table[row, 0])
        first, last, middle = key1 >> 32, key1 & _LOW32, int(self._table[row, 1]) - 1
        inner = []
        while middle:
            inner.append(self._strings[self._node[middle, 1]])
            middle = int(self._node[middle, 0])
        return self.delimiter.join([self._strings[first], *inner[::-1], self._strings[last]])

    def __repr__(self) -> str:
        return (f"PhraseModel({self.vocab_size:,} words and candidates from {self.corpus_word_count:,} words, "
                f"scoring={self.scoring}, threshold={self.threshold:g}, min_count={self.min_count:g})")


# -- files ---------------------------------------------------------------------------------------

def read_sentences(path) -> Iterator[list[str]]:
    """The lines of a tokenised text file (UTF-8, words separated by white space) as word lists."""
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            yield line.split()


def phrase_file(source, output, *, passes: int = 1, work=None, **settings) -> list[PhraseModel]:
    """Write the tokenised corpus at `source` to `output` with its phrases joined; return the models.

    Each pass counts its input in one streaming pass (`PhraseModel.learn`) and writes it with
    the phrases joined; pass k > 1 reads what pass k - 1 wrote (in `work`, a folder for
    temporary files, default the system's), so phrases of up to 2^passes words can form. The
    output is written under a temporary name and renamed when complete.

    Args:
        source: a tokenised text file: one sentence per line, words separated by white space.
        output: the file to write, in the same form.
        passes: how many times to count and apply (at least 1).
        work: a folder for the passes' intermediate files.
        **settings: `PhraseModel`'s arguments (min_count, threshold, scoring, connector_words, ...).

    Returns:
        list[PhraseModel]: the model of each pass, for its `top()` phrases.

    Raises:
        EmbedkitError: a bad setting, an unreadable source, an output that cannot be written.
    """
    from .fsutil import atomic_output, scratch_folder

    if passes < 1:
        raise EmbedkitError(f"passes must be at least 1, got {passes}")
    source = Path(source)
    if not source.is_file():
        raise EmbedkitError(f"{source}: no such file")
    PhraseModel(**settings)  # refuse bad settings before any work
    models = []
    with scratch_folder("embedkit-phrases-", work) as scratch, atomic_output(output) as final:
        current = source
        for number in range(passes):
            model = PhraseModel(**settings).learn(read_sentences(current))
            target = final if number == passes - 1 else Path(scratch) / f"pass{number + 1}.txt"
            with open(target, "w", encoding="utf-8") as out:
                for sentence in model.transform(read_sentences(current)):
                    out.write(" ".join(sentence))
                    out.write("\n")
            models.append(model)
            current = target
    return models


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


def _grown(array: np.ndarray, size: int, fill=0) -> np.ndarray:
    bigger = np.full(size, fill, array.dtype)
    bigger[:array.shape[0]] = array
    return bigger


def _empty_table(capacity: int) -> np.ndarray:
    return np.zeros((capacity, 3), np.int64)  # zero pages: only the rows used are ever touched


# -- numba: the tables ---------------------------------------------------------------------------
# A table is an (capacity, 3) int64 array of rows (key1, key2, value), open addressing with
# linear probing; column 1 holds key2 + 1, so that 0 (_FREE) marks a free row. The count table's keys are (first piece << 32
# | last piece, middle node) of strings of two or more pieces; one-piece words are counted in the
# dense `unigram` array instead (a one-piece string is never a candidate). The trie's keys are
# (parent node, piece), its value the child node.

@njit(cache=True, inline="always")
def _hash(key1, key2):
    x = np.uint64(key1) ^ (np.uint64(key2) * np.uint64(0x9E3779B97F4A7C15))
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


@njit(cache=True, inline="always")
def _slot(table, key1, key2):
    """The row holding (key1, stored key2 = key2 + 1), or the free row where it would go."""
    mask = np.uint64(table.shape[0] - 1)
    i = np.int64(_hash(key1, key2) & mask)
    while table[i, 1] != _FREE and (table[i, 0] != key1 or table[i, 1] != key2):
        i = np.int64((np.uint64(i) + np.uint64(1)) & mask)
    return i


@njit(cache=True)
def _rehash(table, capacity):
    new = np.zeros((capacity, 3), np.int64)
    for i in range(table.shape[0]):
        if table[i, 1] != _FREE:
            j = _slot(new, table[i, 0], table[i, 1])
            new[j, 0], new[j, 1], new[j, 2] = table[i, 0], table[i, 1], table[i, 2]
    return new


@njit(cache=True, inline="always")
def _child(trie, node, parent, piece, state, insert):
    """The trie node of middle `parent` + `piece`; made when `insert`, else _MISSING when missing."""
    if parent == _MISSING:
        return np.int64(_MISSING)
    i = _slot(trie, parent, piece + 1)
    if trie[i, 1] != _FREE:
        return trie[i, 2]
    if not insert:
        return np.int64(_MISSING)
    state[3] += 1
    made = state[3]
    trie[i, 0], trie[i, 1], trie[i, 2] = parent, piece + 1, made
    node[made, 0], node[made, 1] = parent, piece
    return made


@njit(cache=True, inline="always")
def _word_key(t, start, length, pool, mid, trie, node, state, insert):
    """The count-table key of word t's own string (t of two or more pieces)."""
    n = length[t]
    middle = mid[t]
    if middle == _UNSET:
        middle = 0
        for k in range(start[t] + 1, start[t] + n - 1):
            middle = _child(trie, node, middle, pool[k], state, insert)
        if middle != _MISSING:
            mid[t] = middle
    return (pool[start[t]] << 32) | pool[start[t] + n - 1], middle


@njit(cache=True, inline="always")
def _pair_key(tokens, a, b, start, length, pool, trie, node, state, insert):
    """The count-table key of the candidate tokens[a] ... tokens[b] (connector words between)."""
    wa, wb = tokens[a], tokens[b]
    middle = np.int64(0)
    for k in range(start[wa] + 1, start[wa] + length[wa]):
        middle = _child(trie, node, middle, pool[k], state, insert)
    for p in range(a + 1, b):
        w = tokens[p]
        for k in range(start[w], start[w] + length[w]):
            middle = _child(trie, node, middle, pool[k], state, insert)
    for k in range(start[wb], start[wb] + length[wb] - 1):
        middle = _child(trie, node, middle, pool[k], state, insert)
    return (pool[start[wa]] << 32) | pool[start[wb] + length[wb] - 1], middle


@njit(cache=True, inline="always")
def _add_one(table, key1, key2, state):
    i = _slot(table, key1, key2 + 1)
    if table[i, 1] == _FREE:
        table[i, 0], table[i, 1], table[i, 2] = key1, key2 + 1, 0
        state[0] += 1
        state[5] += 1
    table[i, 2] += 1


@njit(cache=True, inline="always")
def _lookup(table, key1, key2):
    if key2 == _MISSING:
        return np.int64(0)
    i = _slot(table, key1, key2 + 1)
    return table[i, 2] if table[i, 1] != _FREE else np.int64(0)


@njit(cache=True)
def _prune(unigram, table, min_reduce, state):
    """Drop the entries counted fewer than min_reduce times (gensim's utils.prune_vocab)."""
    removed = 0
    for i in range(unigram.shape[0]):
        if 0 < unigram[i] < min_reduce:
            unigram[i] = 0
            removed += 1
    kept = 0
    for i in range(table.shape[0]):
        if table[i, 1] != _FREE and table[i, 2] >= min_reduce:
            kept += 1
    saved = np.empty((kept, 3), np.int64)
    k = 0
    for i in range(table.shape[0]):
        if table[i, 1] != _FREE:
            if table[i, 2] >= min_reduce:
                saved[k, 0], saved[k, 1], saved[k, 2] = table[i, 0], table[i, 1], table[i, 2]
                k += 1
            else:
                removed += 1
            table[i, 1] = _FREE
    for k in range(kept):
        i = _slot(table, saved[k, 0], saved[k, 1])
        table[i, 0], table[i, 1], table[i, 2] = saved[k, 0], saved[k, 1], saved[k, 2]
    state[0] -= removed
    state[5] = kept


@njit(cache=True)
def _count(tokens, ends, first_sentence, start, length, pool, connector, mid, unigram, table, trie, node, state,
           max_vocab_size):
    """Count sentences first_sentence.. of a chunk; return where it stopped (the end, or a
    sentence the tables may have no room for: the caller grows them and calls again)."""
    capacity, trie_capacity = table.shape[0], trie.shape[0]
    s = first_sentence
    while s < ends.shape[0] - 1:
        begin, end = ends[s], ends[s + 1]
        pieces = 0
        for p in range(begin, end):
            pieces += 3 * length[tokens[p]]         # bounds the trie nodes one sentence can make
        if state[5] + 2 * (end - begin) + 1 > _LOAD * capacity or state[3] + pieces + 1 > _LOAD * trie_capacity:
            return s
        previous = -1                              # the last word that was not a connector
        for p in range(begin, end):
            t = tokens[p]
            if not connector[t]:
                if length[t] == 1:
                    if unigram[t] == 0:
                        state[0] += 1
                    unigram[t] += 1
                else:
                    key1, key2 = _word_key(t, start, length, pool, mid, trie, node, state, True)
                    _add_one(table, key1, key2, state)
                if previous >= 0:
                    key1, key2 = _pair_key(tokens, previous, p, start, length, pool, trie, node, state, True)
                    _add_one(table, key1, key2, state)
                previous = p
            state[2] += 1
        if state[0] > max_vocab_size:
            _prune(unigram, table, state[1], state)
            state[1] += 1
            state[4] += 1
        s += 1
    return s


@njit(cache=True, inline="always")
def _score(count_a, count_b, count_ab, vocab_size, corpus_words, min_count, npmi):
    """gensim's original_scorer or npmi_scorer, in the same float64 operations."""
    if npmi:
        if count_ab < min_count:
            return -np.inf
        pa = count_a / corpus_words
        pb = count_b / corpus_words
        pab = count_ab / corpus_words
        return np.log(pab / (pa * pb)) / -np.log(pab)
    if count_a <= (np.int64(0x7FFFFFFFFFFFFFFF) // max(count_b, 1)):
        denominator = np.float64(count_a * count_b)   # exact, then rounded once, as Python's float(int)
    else:
        denominator = np.float64(count_a) * np.float64(count_b)
    return (count_ab - min_count) / denominator * vocab_size


@njit(cache=True, inline="always")
def _word_count(t, start, length, pool, mid, unigram, table, trie, node, state):
    if length[t] == 1:
        return unigram[t]
    key1, key2 = _word_key(t, start, length, pool, mid, trie, node, state, False)
    return _lookup(table, key1, key2)


@njit(cache=True)
def _key_table(table, rows):
    """A table of the keys table[rows] (value 1), at most half full."""
    capacity = 16
    while capacity < 2 * rows.shape[0]:
        capacity *= 2
    keys = np.zeros((capacity, 3), np.int64)
    for i in rows:
        j = _slot(keys, table[i, 0], table[i, 1])
        keys[j, 0], keys[j, 1], keys[j, 2] = table[i, 0], table[i, 1], 1
    return keys


@njit(cache=True)
def _apply(tokens, ends, start, length, pool, connector, mid, unigram, table, phrases, trie, vocab_size,
           corpus_words, min_count, threshold, npmi, frozen, joins):
    """Mark joins[i] = 1 where word i and i + 1 belong to one phrase (gensim's analyze_sentence).

    `phrases` holds the keys `_phrase_scores` finds: a candidate is a phrase when its key is
    there, scored by the first and last piece of its string (FrozenPhrases), which for words of
    one piece each is Phrases' score too; Phrases' candidates with longer words are scored from
    the count table.
    """
    state = np.zeros(6, np.int64)                  # lookups insert nothing: these stay unused
    node = np.zeros((1, 2), np.int64)
    for s in range(ends.shape[0] - 1):
        previous = -1
        for p in range(ends[s], ends[s + 1]):
            t = tokens[p]
            if connector[t]:
                continue
            if previous >= 0:
                wa = tokens[previous]
                key1, key2 = _pair_key(tokens, previous, p, start, length, pool, trie, node, state, False)
                if frozen or (length[wa] == 1 and length[t] == 1):
                    phrase = _lookup(phrases, key1, key2) > 0
                else:
                    phrase = False
                    count_ab = _lookup(table, key1, key2)
                    if count_ab > 0:
                        count_a = _word_count(wa, start, length, pool, mid, unigram, table, trie, node, state)
                        count_b = _word_count(t, start, length, pool, mid, unigram, table, trie, node, state)
                        if count_a > 0 and count_b > 0:
                            score = _score(count_a, count_b, count_ab, vocab_size, corpus_words, min_count, npmi)
                            phrase = score > threshold
                if phrase:
                    for q in range(previous, p):
                        joins[q] = 1
                    previous = -1
                    continue
            previous = p
    return joins


@njit(cache=True)
def _phrase_scores(unigram, table, vocab_size, corpus_words, min_count, threshold, npmi):
    """Rows and scores of the count-table entries scoring above the threshold, each scored by
    its first and last piece (gensim's export_phrases)."""
    rows = np.empty(table.shape[0], np.int64)
    scores = np.empty(table.shape[0], np.float64)
    found = 0
    for i in range(table.shape[0]):
        if table[i, 1] == _FREE:
            continue
        count_a, count_b = unigram[table[i, 0] >> 32], unigram[table[i, 0] & _LOW32]
        if count_a <= 0 or count_b <= 0:
            continue
        score = _score(count_a, count_b, table[i, 2], vocab_size, corpus_words, min_count, npmi)
        if score > threshold:
            rows[found], scores[found] = i, score
            found += 1
    return rows[:found], scores[:found]
