"""`Vectors`: words and their vectors, the one object every embedkit module passes around.

A `Vectors` knows nothing about how it was made (trained, one-hot, loaded from GloVe): training,
reading, querying, plotting and evaluating are functions in their own modules that take or
return one.
"""

from __future__ import annotations

from functools import cached_property
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .errors import UnknownWordError, close_spellings

_ROWS_AT_A_TIME = 1 << 16  # rows per block when looking for NaN and infinity


def nonfinite_rows(matrix) -> np.ndarray:
    """Rows of `matrix` (dense, memory-mapped or sparse) holding NaN or infinity, int64 (k,).

    One pass without a copy: a float32 sum is finite only if every number is (NaN and infinity
    survive addition), so clean matrices cost one sum; only a sum that is not finite (which a
    float32 overflow can also cause) is followed by the exact search, a block of rows at a time.

    Example:
        >>> nonfinite_rows(np.array([[1, 2], [np.nan, 0], [3, np.inf]], dtype=np.float32)).tolist()
        [1, 2]
    """
    if sp.issparse(matrix):
        matrix = sp.csr_matrix(matrix)
        bad = ~np.isfinite(matrix.data)
        if not bad.any():
            return np.zeros(0, np.int64)
        row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))  # (nnz,)
        return np.unique(row_of[bad]).astype(np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(matrix, dtype=np.float32)):
            return np.zeros(0, np.int64)
    found = [start + np.flatnonzero(~np.isfinite(matrix[start:start + _ROWS_AT_A_TIME]).all(axis=1))
             for start in range(0, matrix.shape[0], _ROWS_AT_A_TIME)]
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, np.int64)


def zero_rows(matrix, rows: np.ndarray):
    """A copy of `matrix` (dense or sparse) whose `rows` are zero vectors."""
    if sp.issparse(matrix):
        matrix = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
        for row in rows.tolist():
            matrix.data[matrix.indptr[row]:matrix.indptr[row + 1]] = 0
        matrix.eliminate_zeros()
        return matrix
    matrix = np.array(matrix, dtype=np.float32)  # (n, dim), writable, whatever it was
    matrix[rows] = 0
    return matrix


# The keys `Vectors.meta` may hold, each a JSON value: what they mean and who writes them.
META_KEYS = {
    # every reader and maker
    "name": "what tables, plot titles and evaluation columns call the vectors (see `Vectors.name`)",
    "source": "the file, folder or pretrained name the vectors were read from (a saved .ekv keeps the "
              "one it was made from)",
    "source_format": "the format they were read in: a name of embedkit.io.FORMATS",
    "kind": "'onehot' for one-hot vectors (embedkit.train.onehot); absent for dense vectors",
    "description": "pretrained sets: what they are, who made them, their license",
    # gensim pickles
    "gensim_class": "the class of the gensim object read (Word2Vec, KeyedVectors, ...)",
    "training": "gensim models: their training settings (vector_size, window, ...)",
    # embedkit train
    "trained_with": "'embedkit VERSION'",
    "engine": "the training engine (native, gensim)",
    "config": "the SkipGramConfig, as a dict",
    "corpus": "the corpus files, as given",
    "corpus_words": "tokens in the corpus (in the vocabulary or not)",
    "corpus_sentences": "sentences in the corpus",
    "initial_loss": "the loss on the fixed sample before training",
    "epoch_loss": "the loss on the fixed sample after each epoch",
    "epochs_completed": "epochs trained (fewer than config.epochs in a checkpoint)",
    "complete": "False for a checkpoint written during training",
    "scan_seconds": "seconds of the corpus pass (read, tokenise, count)",
    "train_seconds": "wall seconds of the epochs",
    "train_cpu_seconds": "CPU seconds of the epochs (all threads)",
    "words_per_second": "corpus words trained per wall second",
    "compile_seconds": "native engine: seconds to compile or load its kernels",
    "kernels": "native engine: 'compiled', 'loaded from cache' or 'already loaded'",
    "encode_seconds": "native engine: seconds to encode the corpus as word ids",
    "mode": "native engine: the member of the word2vec family trained (sg-ns, sg-hs, cbow-ns+hs, ...)",
    "started_from": "continued training (--resume) or given vectors (--init): what training started from",
    "ngram_rows": "subword training: rows of the n-gram buckets the vocabulary's words use",
    "ngram_seconds": "native subword engine: seconds to hash the vocabulary's n-grams",
}


class Vectors:
    """Words and a float32 matrix whose row i is the vector of ``words[i]``.

    Parameters
    ----------
    words : sequence of str
        n distinct words. Files written by embedkit keep them most frequent first.
    matrix : array-like (n, dim) or scipy.sparse matrix (n, dim)
        Converted to float32. Sparse matrices (one-hot vectors) stay sparse (CSR).
    counts : array-like (n,), optional
        Corpus frequency of each word (int64), when known.
    meta : dict, optional
        JSON-serialisable facts, under the keys of `META_KEYS` (name, source, training config, ...).
    check : bool
        Check shapes and that words are distinct (readers of trusted files may skip it).
    state : dict of str -> float32 array, optional
        Named matrices that belong with the vectors without being word vectors: a trained model's
        output weights (`syn1neg`, `syn1`), which continued training needs. The embedkit format
        keeps them (NAME.npy beside vectors.npy); other formats and new sets made from this one
        (`take`, `subset`, ...) leave them out.
    """

    __slots__ = ("words", "matrix", "counts", "meta", "__dict__")

    def __init__(self, words: Sequence[str], matrix, counts=None, meta: dict | None = None,
                 check: bool = True, state: dict | None = None):
        self.words = list(words)
        if sp.issparse(matrix):
            self.matrix = sp.csr_matrix(matrix, dtype=np.float32)
        else:
            self.matrix = np.asarray(matrix, dtype=np.float32)
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self.meta = dict(meta or {})
        self.state = dict(state or {})
        if check:
            self._check()

    def _check(self) -> None:
        if self.matrix.ndim != 2:
            raise ValueError(f"matrix must be 2-D (n, dim), got shape {self.matrix.shape}")
        n = len(self.words)
        if self.matrix.shape[0] != n:
            raise ValueError(f"{n} words but the matrix has {self.matrix.shape[0]} rows")
        if self.counts is not None and self.counts.shape != (n,):
            raise ValueError(f"{n} words but counts has shape {self.counts.shape}")
        if len(self.index) != n:
            seen = set()
            for word in self.words:
                if word in seen:
                    raise ValueError(f"duplicate word {word!r}")
                seen.add(word)

    # -- the basics -------------------------------------------------------------------------

    @cached_property
    def index(self) -> dict[str, int]:
        """Row of each word."""
        return {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __iter__(self):
        return iter(self.words)

    @property
    def dim(self) -> int:
        """Dimension of the vectors (gensim calls it ``vector_size``)."""
        return int(self.matrix.shape[1])

    vector_size = dim

    @property
    def name(self) -> str:
        """What to call these vectors: meta["name"], else the file name of meta["source"], else
        "vectors"."""
        if self.meta.get("name"):
            return str(self.meta["name"])
        source = str(self.meta.get("source") or "").rstrip("/")
        return source.rsplit("/", 1)[-1] or "vectors"

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.words), self.dim)

    @property
    def is_sparse(self) -> bool:
        return sp.issparse(self.matrix)

    def __repr__(self) -> str:
        kind = "sparse " if self.is_sparse else ""
        head = ", ".join(self.words[:5]) + (", ..." if len(self) > 5 else "")
        return f"Vectors({len(self)} words x {self.dim} dims, {kind}float32: {head})"

    def row(self, word: str) -> int:
        """Row of `word`; raises `UnknownWordError` (with close spellings) if absent."""
        try:
            return self.index[word]
        except KeyError:
            raise UnknownWordError(word, close_spellings(word, self.index)) from None

    def rows(self, words: Iterable[str]) -> np.ndarray:
        """Rows of several words, as an int64 array; unknown words raise `UnknownWordError`."""
        return np.array([self.row(w) for w in words], dtype=np.int64)

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of `word`, shape (dim,)."""
        i = self.row(word)
        if self.is_sparse:
            return self.matrix[i].toarray().ravel()
        return self.matrix[i]

    def count(self, word: str) -> int | None:
        return None if self.counts is None else int(self.counts[self.row(word)])

    # -- words without a row (vectors composed from subwords) ------------------------------

    def is_composed(self, word: str) -> bool:
        """Whether `word` has no row but a vector composed from its character n-grams.

        Always False here; `embedkit.subwords.SubwordVectors` composes such vectors.
        """
        return False

    def composed(self, words: Iterable[str]) -> list[str]:
        """The words among `words` whose vectors are composed from n-grams: none here."""
        return []

    def vectors_of(self, words: Iterable[str]) -> np.ndarray:
        """The vector of each word, dense float32 (n, dim): its row (`SubwordVectors`: composed
        from n-grams for a word without one).

        Raises `UnknownWordError` (with close spellings) for a word that has no vector.
        """
        rows = self.rows(words)
        matrix = self.matrix[rows]
        return matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix, dtype=np.float32)

    # -- derived matrices -------------------------------------------------------------------

    @cached_property
    def norms(self) -> np.ndarray:
        """Euclidean norm of each row, float32 (n,)."""
        if self.is_sparse:
            return np.sqrt(np.asarray(self.matrix.multiply(self.matrix).sum(axis=1)).ravel())
        # einsum: one pass, ~40x faster than np.linalg.norm(axis=1) on 400k x 50 float32
        return np.sqrt(np.einsum("ij,ij->i", self.matrix, self.matrix))

    @cached_property
    def unit(self):
        """Rows scaled to unit length, computed once; zero rows stay zero (cosine 0, never NaN)."""
        norms = self.norms.astype(np.float32)
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        if self.is_sparse:
            return sp.diags(inverse).dot(self.matrix).tocsr()
        return self.matrix * inverse[:, None]

    def dense(self, limit_bytes: int = 2 << 30) -> np.ndarray:
        """The matrix as a dense float32 array; refuses above `limit_bytes` (default 2 GiB)."""
        if not self.is_sparse:
            return np.asarray(self.matrix)
        size = self.matrix.shape[0] * self.matrix.shape[1] * 4
        if size > limit_bytes:
            raise ValueError(
                f"a dense {self.matrix.shape[0]} x {self.matrix.shape[1]} float32 matrix needs "
                f"{size / 2**30:.1f} GiB, over the limit of {limit_bytes / 2**30:.1f} GiB")
        return self.matrix.toarray()

    # -- new sets from this one -------------------------------------------------------------

    def take(self, rows) -> "Vectors":
        """A new `Vectors` with the given rows (int array or slice), in that order."""
        rows = np.arange(len(self))[rows] if isinstance(rows, slice) else np.asarray(rows, dtype=np.int64)
        counts = None if self.counts is None else self.counts[rows]
        return Vectors([self.words[i] for i in rows], self.matrix[rows], counts, self.meta, check=False)

    def subset(self, words: Iterable[str]) -> "Vectors":
        """A new `Vectors` holding only `words` (each must be present), in that order."""
        return self.take(self.rows(words))

    def head(self, n: int) -> "Vectors":
        """The first `n` words (the most frequent ones, in files embedkit writes)."""
        return self.take(slice(0, n))

    # -- in memory: dicts, gensim, torch, notebooks ------------------------------------------
    # Thin doors to the wings that know those libraries (io.gensim, downstream.embeddings, display),
    # imported on use: `import embedkit` loads neither gensim nor torch.

    @classmethod
    def from_dict(cls, mapping, *, counts=None, meta: dict | None = None) -> "Vectors":
        """`Vectors` from a mapping of word -> vector (all of one length), in the mapping's order.

        Args:
            mapping: {word: sequence of numbers}; ``dict(zip(words, rows))`` or a `Vectors`.
            counts: {word: count} for every word, or None.
            meta: facts under the keys of `META_KEYS`.

        Raises:
            ValueError: the vectors differ in length, or `counts` misses a word.

        Example:
            >>> Vectors.from_dict({"cat": [1, 0], "dog": [0, 1]}).shape
            (2, 2)
        """
        words = [str(word) for word in mapping]
        rows = [np.asarray(mapping[word], dtype=np.float32).ravel() for word in mapping]
        lengths = {len(row) for row in rows}
        if len(lengths) > 1:
            raise ValueError(f"the vectors have different lengths: {sorted(lengths)}")
        matrix = np.stack(rows) if rows else np.zeros((0, 0), np.float32)  # (n, dim)
        if counts is not None:
            missing = [word for word in mapping if word not in counts]
            if missing:
                raise ValueError(f"counts has no count for {missing[0]!r}")
            counts = [counts[word] for word in mapping]
        return cls(words, matrix, counts, meta)

    @classmethod
    def from_gensim(cls, kv, *, name: str | None = None) -> "Vectors":
        """The vectors of a gensim `KeyedVectors` (or Word2Vec/FastText model), sharing its matrix
        (no copy); see `embedkit.io.gensim.from_keyed_vectors`."""
        from .io.gensim import from_keyed_vectors

        return from_keyed_vectors(kv, name=name)

    def to_gensim(self):
        """A gensim `KeyedVectors` sharing this dense matrix (no copy); see
        `embedkit.io.gensim.to_keyed_vectors`."""
        from .io.gensim import to_keyed_vectors

        return to_keyed_vectors(self)

    def to_torch(self, freeze: bool = True):
        """A `torch.nn.Embedding` of these vectors, frozen or trainable (a copy when trainable);
        see `embedkit.downstream.embeddings.embedding_layer`. Needs torch."""
        from .downstream.embeddings import embedding_layer

        return embedding_layer(self, freeze=freeze)

    def _repr_html_(self) -> str:
        """What a notebook shows: size, storage, and the first words with their norm and first numbers."""
        from .display import html_table

        shown = min(len(self), 8)
        rows = []
        for i in range(shown):
            vector = self.matrix[i].toarray().ravel() if self.is_sparse else np.asarray(self.matrix[i])
            head = " ".join(f"{x:.3f}" for x in vector[:6]) + (" \u2026" if self.dim > 6 else "")
            rows.append([self.words[i]] + ([int(self.counts[i])] if self.counts is not None else [])
                        + [float(np.linalg.norm(vector)), head])
        headers = ["word"] + (["count"] if self.counts is not None else []) + ["norm", "vector"]
        kind = "sparse" if self.is_sparse else "dense"
        more = [f"\u2026 and {len(self) - shown:,} more words"] if len(self) > shown else []
        return html_table(rows, headers, caption=f"{self.name}: {len(self):,} words x {self.dim:,} dims, {kind} float32",
                          notes=more, decimals=3, align="l" + ("r" if self.counts is not None else "") + "rl")
