"""Character n-grams as fastText computes them, and word vectors composed from them.

A word is wrapped in boundary marks, ``<where>``, and every run of `min_n` to `max_n` characters
of the wrapped word is one of its n-grams (characters are UTF-8 code points: a continuation byte
never starts or ends an n-gram). The order is fastText's (`Dictionary::computeSubwords`): by
start, then by length. Two details both fastText and gensim share: the wrapped word itself is an
n-gram when it is at most `max_n` characters long (``<the>`` for 'the' with max_n 6, not
``<where>``, which has 7), and a lone boundary mark is never one (it matters only for min_n 1).
fastText's sentence-end token ``</s>`` has no n-grams. Each n-gram is hashed with 32-bit FNV-1a
over its UTF-8 bytes, each byte taken as a *signed* char (as every released fastText model was
trained, and as gensim's `ft_hash_bytes` reproduces), modulo `bucket`.

The input matrix is laid out as fastText's: rows 0..V-1 are the vocabulary's words, the n-gram
rows follow. fastText allocates all `bucket` n-gram rows; training touches only the buckets the
vocabulary's n-grams hash to, so `subword_rows` keeps only those, in a compact range, with the
sorted bucket ids beside them (`SubwordRows.buckets`): the full layout is rebuilt a block at a
time when a file needs it (`SubwordModel.ngram_block`), with zeros for the buckets nothing
trained.

A word's vector is the mean of its rows: a known word's own row and its n-gram rows (fastText's
`getWordVector`; gensim's `FastTextKeyedVectors.vectors`), an unknown word's n-gram rows (gensim's
`get_vector` for out-of-vocabulary words). A bucket no vocabulary n-gram hashed to counts as a
zero row, exactly as in the full-layout file written from the compact one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

import numpy as np

from ..errors import EmbedkitError, UnknownWordError, close_spellings

BOW, EOW = "<", ">"  # the boundary marks around a word
EOS = "</s>"         # fastText's end-of-sentence token: a word without n-grams
FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
MAX_BUCKET = 2**31 - 1  # fastText stores bucket as int32
NO_TRAINED_NGRAM = "and none of its character n-grams has a trained vector"


@dataclass(frozen=True)
class NgramSettings:
    """Which character n-grams a word has and how many hash buckets they share (fastText's args)."""

    min_n: int = 3             # shortest n-gram, in characters (fastText's -minn)
    max_n: int = 6             # longest n-gram (-maxn); below min_n: no n-grams at all
    bucket: int = 2_000_000    # n-gram hash buckets (-bucket); 0: no n-grams at all

    def check(self) -> None:
        """Raise `EmbedkitError` on settings fastText could not use."""
        if self.min_n < 1:
            raise EmbedkitError(f"min-n must be at least 1, got {self.min_n}")
        if self.max_n < 0:
            raise EmbedkitError(f"max-n must be 0 or more, got {self.max_n}")
        if not 0 <= self.bucket <= MAX_BUCKET:
            raise EmbedkitError(f"bucket must be between 0 and {MAX_BUCKET}, got {self.bucket}")

    @property
    def enabled(self) -> bool:
        """Whether words have n-grams at all."""
        return self.bucket > 0 and self.max_n >= self.min_n


# -- one word, in Python: the reference the kernels are tested against --------------------------

def ngram_bytes(word: str, min_n: int, max_n: int) -> list[bytes]:
    """The UTF-8 bytes of each n-gram of `word`, in fastText's order (no n-grams for ``</s>``).

    Example:
        >>> ngram_bytes("the", 3, 6)
        [b'<th', b'<the', b'<the>', b'the', b'the>', b'he>']
    """
    if word == EOS:
        return []
    data = _utf8(BOW + word + EOW)
    size, out = len(data), []
    for i in range(size):
        if data[i] & 0xC0 == 0x80:           # inside a character
            continue
        j, n = i, 1
        while j < size and n <= max_n:
            j += 1
            while j < size and data[j] & 0xC0 == 0x80:
                j += 1
            if n >= min_n and not (n == 1 and (i == 0 or j == size)):
                out.append(data[i:j])
            n += 1
    return out


def ngrams(word: str, min_n: int = 3, max_n: int = 6) -> list[str]:
    """The character n-grams of `word`, in fastText's order.

    Example:
        >>> ngrams("where", 3, 4)
        ['<wh', '<whe', 'whe', 'wher', 'her', 'here', 'ere', 'ere>', 're>']
    """
    return [gram.decode("utf-8", "surrogatepass") for gram in ngram_bytes(word, min_n, max_n)]


def ft_hash(data: bytes) -> int:
    """fastText's 32-bit FNV-1a hash of `data`, each byte sign-extended as a signed char.

    Example:
        >>> ft_hash(b"<wh"), ft_hash("é".encode())
        (1048167652, 1023043777)
    """
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ (byte | 0xFFFFFF00 if byte & 0x80 else byte)) * FNV_PRIME) & 0xFFFFFFFF
    return h


def ngram_buckets(word: str, settings: NgramSettings) -> np.ndarray:
    """The hash bucket of each n-gram of `word` (gensim's `ft_ngram_hashes`), int64 (n,)."""
    if not settings.enabled:
        return np.zeros(0, dtype=np.int64)
    grams = ngram_bytes(word, settings.min_n, settings.max_n)
    return np.array([ft_hash(g) % settings.bucket for g in grams], dtype=np.int64)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate keeps its bytes, as in fastText


def bucket_lists(words: Sequence[str], settings: NgramSettings) -> tuple[np.ndarray, np.ndarray]:
    """Every word's n-gram buckets at once: buckets[offsets[w]:offsets[w + 1]] are word w's.

    The same buckets, in the same order, as `ngram_buckets` gives word by word.

    Args:
        words: the words (``</s>`` gets none).
        settings: n-gram lengths and bucket count.

    Returns:
        (offsets int64 (len(words) + 1,), buckets int32 (offsets[-1],)).

    Example:
        >>> offsets, buckets = bucket_lists(["where", "the"], NgramSettings(3, 6, 2_000_000))
        >>> offsets.tolist()
        [0, 14, 20]
    """
    n = len(words)
    offsets = np.zeros(n + 1, dtype=np.int64)
    if not settings.enabled or n == 0:
        return offsets, np.zeros(0, dtype=np.int32)
    encoded = [b"" if w == EOS else _utf8(BOW + w + EOW) for w in words]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=n), out=starts[1:])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    if data.size == 0:
        data = np.zeros(1, dtype=np.uint8)  # numba wants a buffer; no word reads from it
    from .kernels import hash_all

    out = np.zeros(0, dtype=np.int32)
    hash_all(data, starts, settings.min_n, settings.max_n, settings.bucket, offsets, out, False)
    np.cumsum(offsets, out=offsets)
    out = np.empty(int(offsets[-1]), dtype=np.int32)
    hash_all(data, starts, settings.min_n, settings.max_n, settings.bucket, offsets, out, True)
    return offsets, out


@dataclass(frozen=True)
class SubwordRows:
    """Each vocabulary word's rows of the input matrix, CSR-style, and the n-gram rows' buckets.

    rows[offsets[w]:offsets[w + 1]] are word w's rows: w itself, then V + r for each of its
    n-grams, r its bucket's position in `buckets` (sorted, distinct: the buckets the vocabulary
    uses). `buckets` is None for the full layout, where row V + b is bucket b.
    """

    offsets: np.ndarray        # (V + 1,) int64
    rows: np.ndarray           # (offsets[-1],) int32
    buckets: np.ndarray | None  # (R,) int64, or None: all `bucket` rows present

    @property
    def words(self) -> int:
        return int(self.offsets.shape[0] - 1)


def subword_rows(words: Sequence[str], settings: NgramSettings, compact: bool = True) -> SubwordRows:
    """The rows each word of a vocabulary trains and averages: its own, then its n-grams'.

    Args:
        words: the vocabulary, in row order.
        settings: n-gram lengths and bucket count.
        compact: keep only the buckets the vocabulary's n-grams hash to (`SubwordRows.buckets`);
            False gives fastText's full layout (row V + bucket).

    Returns:
        `SubwordRows`: with V = len(words), R n-gram rows, the input matrix has V + R rows.

    Example:
        >>> rows = subword_rows(["ab", "ba"], NgramSettings(3, 3, 1000))
        >>> rows.offsets.tolist(), rows.rows.tolist(), rows.buckets.tolist()
        ([0, 3, 6], [0, 3, 4, 1, 2, 5], [126, 508, 756, 790])
    """
    vocab = len(words)
    grams, buckets = bucket_lists(words, settings)
    lengths = np.diff(grams)                                   # n-grams of each word
    offsets = np.zeros(vocab + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=offsets[1:])
    if compact:
        used, ngram_rows = np.unique(buckets, return_inverse=True)
        used = used.astype(np.int64)
    else:
        used, ngram_rows = None, buckets
    if vocab + (settings.bucket if used is None else used.size) > np.iinfo(np.int32).max:
        raise EmbedkitError(f"{vocab} words and their n-gram buckets need more than 2^31 rows")
    rows = np.empty(int(offsets[-1]), dtype=np.int32)
    own = offsets[:-1]
    rows[own] = np.arange(vocab, dtype=np.int32)
    is_ngram = np.ones(rows.shape[0], dtype=bool)
    is_ngram[own] = False
    rows[is_ngram] = np.asarray(ngram_rows, dtype=np.int64) + vocab
    return SubwordRows(offsets, rows, used)


# -- composing vectors -------------------------------------------------------------------------

def _mean_rows(matrix, offsets, rows, out):
    """`kernels.mean_rows` (numba, compiled on first use)."""
    from .kernels import mean_rows

    mean_rows(matrix, offsets, rows, out)


class SubwordModel:
    """Words, their n-gram settings and the input matrix of fastText's model: a vector for any word.

    Args:
        words: the vocabulary, V distinct words, in row order.
        input_matrix: (V + R, dim) float32: word rows, then n-gram rows (may be a memory map).
        settings: the n-gram lengths and bucket count the rows were trained with.
        buckets: (R,) sorted distinct bucket ids of the n-gram rows (the compact layout of
            `subword_rows`), or None when R == settings.bucket and row V + b is bucket b.
        rows: the words' `subword_rows` in this layout, when the caller has them (else computed
            on first use).

    Raises:
        ValueError: shapes that do not fit together.

    Example:
        >>> settings = NgramSettings(3, 3, 1000)
        >>> rows = subword_rows(["ab", "ba"], settings)
        >>> matrix = np.arange(12, dtype=np.float32).reshape(6, 2)   # 2 words + 4 n-gram rows
        >>> model = SubwordModel(["ab", "ba"], matrix, settings, rows.buckets)
        >>> model.vector("ab").tolist()                 # rows 0, 3, 4: 'ab', '<ab', 'ab>'
        [4.666666507720947, 5.666666507720947]
        >>> model.is_composed("aba"), model.vector("aba").tolist()  # '<ab', 'aba' (no row), 'ba>'
        (True, [5.333333492279053, 6.0])
    """

    def __init__(self, words: Sequence[str], input_matrix: np.ndarray, settings: NgramSettings,
                 buckets: np.ndarray | None = None, rows: SubwordRows | None = None):
        self.words = list(words)
        self.input_matrix = input_matrix
        self.settings = settings
        self.buckets = None if buckets is None else np.asarray(buckets, dtype=np.int64)
        vocab = len(self.words)
        expected = vocab + (settings.bucket if self.buckets is None else self.buckets.shape[0])
        if input_matrix.ndim != 2 or input_matrix.shape[0] != expected:
            raise ValueError(f"{vocab} words and {expected - vocab} n-gram rows need {expected} rows, "
                             f"got a matrix of shape {input_matrix.shape}")
        if self.buckets is not None and self.buckets.size and (
                np.any(np.diff(self.buckets) <= 0) or self.buckets[0] < 0 or self.buckets[-1] >= settings.bucket):
            raise ValueError("buckets must be distinct, sorted and below settings.bucket")
        if rows is not None:
            self.__dict__["rows"] = rows  # what the cached property `rows` would compute

    @cached_property
    def index(self) -> dict[str, int]:
        """Row of each vocabulary word."""
        return {word: i for i, word in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return int(self.input_matrix.shape[1])

    @property
    def word_matrix(self) -> np.ndarray:
        """The words' own rows, (V, dim): not their vectors (see `word_vectors`)."""
        return self.input_matrix[:len(self.words)]

    @property
    def ngram_matrix(self) -> np.ndarray:
        """The n-gram rows, (R, dim)."""
        return self.input_matrix[len(self.words):]

    def ngram_rows(self, buckets: np.ndarray) -> np.ndarray:
        """Input-matrix row of each bucket, -1 for a bucket without a row (compact layout)."""
        buckets = np.asarray(buckets, dtype=np.int64)
        vocab = len(self.words)
        if self.buckets is None:
            return buckets + vocab
        at = np.searchsorted(self.buckets, buckets)
        found = at < self.buckets.shape[0]
        found[found] = self.buckets[at[found]] == buckets[found]
        return np.where(found, at + vocab, -1)

    def is_composed(self, word: str) -> bool:
        """True when `word` is not in the vocabulary: its vector comes from its n-grams alone."""
        return word not in self.index

    def vector(self, word: str) -> np.ndarray:
        """The vector of any word, (dim,) float32: the mean of its rows (see the module).

        Raises `UnknownWordError` for an unknown word none of whose n-grams has a trained row.
        """
        return self.vectors([word])[0]

    def vectors(self, words: Iterable[str]) -> np.ndarray:
        """The vectors of several words, (n, dim) float32; see `vector`."""
        words = list(words)
        offsets, rows, trained = self._rows_of(words)
        if np.any(trained == 0):
            word = words[int(np.flatnonzero(trained == 0)[0])]
            raise UnknownWordError(word, close_spellings(word, self.index), NO_TRAINED_NGRAM)
        out = np.empty((len(words), self.dim), dtype=np.float32)
        _mean_rows(self.input_matrix, offsets, rows, out)
        return out

    def has_vector(self, words: Iterable[str]) -> np.ndarray:
        """Whether each word gets a vector: known, or with a trained n-gram row; bool (n,)."""
        return self._rows_of(list(words))[2] > 0

    def _rows_of(self, words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(offsets, rows, trained): each word's own row (when known) and n-gram rows, -1 for a
        bucket without a row, CSR-style as in `kernels.mean_rows`; how many of each word's rows exist."""
        starts, buckets = bucket_lists(words, self.settings)
        own = np.fromiter((self.index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        known = own >= 0
        lengths = np.diff(starts) + known
        offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        rows = np.empty(int(offsets[-1]), dtype=np.int64)
        is_gram = np.ones(rows.shape[0], dtype=bool)
        is_gram[offsets[:-1][known]] = False
        rows[~is_gram] = own[known]
        rows[is_gram] = self.ngram_rows(buckets)
        trained = np.bincount(np.repeat(np.arange(len(words)), lengths), weights=rows >= 0, minlength=len(words))
        return offsets, rows, trained

    @cached_property
    def rows(self) -> SubwordRows:
        """Every vocabulary word's rows (computed once)."""
        found = subword_rows(self.words, self.settings, compact=False)
        if self.buckets is None:
            return SubwordRows(found.offsets, found.rows, None)
        vocab = len(self.words)
        rows = found.rows.astype(np.int64)
        grams = rows >= vocab
        rows[grams] = self.ngram_rows(rows[grams] - vocab)
        return SubwordRows(found.offsets, rows.astype(np.int32), self.buckets)

    def word_vectors(self) -> np.ndarray:
        """The composed vector of every vocabulary word, (V, dim) float32, in row order.

        What a whole-word file (.vec) or a `Vectors` of this model holds.
        """
        rows = self.rows
        out = np.empty((len(self.words), self.dim), dtype=np.float32)
        _mean_rows(self.input_matrix, rows.offsets, rows.rows, out)
        return out

    def ngram_block(self, first: int, stop: int) -> np.ndarray:
        """Buckets first..stop-1 of fastText's full n-gram layout, (stop - first, dim) float32.

        The compact layout has no row for a bucket no vocabulary n-gram hashed to: zeros there.
        Writers call this block by block, so the full 2M x dim matrix never sits in memory.
        """
        if self.buckets is None:
            return np.asarray(self.ngram_matrix[first:stop], dtype=np.float32)
        block = np.zeros((stop - first, self.dim), dtype=np.float32)
        lo, hi = np.searchsorted(self.buckets, [first, stop])
        block[self.buckets[lo:hi] - first] = self.ngram_matrix[lo:hi]
        return block
