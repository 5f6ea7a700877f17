"""An embeddings spec becomes vectors: `load_embeddings` reads (or takes) them, `check_vectors`
refuses what cannot fill an embedding layer, `coverage_of` counts the words they have."""

from __future__ import annotations

import numpy as np
from ..errors import EmbedkitError
from ..vectors import Vectors
from .config import ClassifierConfig


def load_embeddings(config: ClassifierConfig, vectors: Vectors | None, *,
                  allow_nonfinite: bool = False) -> Vectors | None:
    """The vectors `config.embeddings` names (None for onehot/random), checked by `check_vectors`."""
    if config.embeddings in ("onehot", "random"):
        return None
    if vectors is None:
        if config.embeddings == "given":
            raise EmbedkitError("embeddings='given' means the vectors passed in; pass vectors=")
        from ..io.pretrained import resolve

        vectors = resolve(config.embeddings, allow_nonfinite=allow_nonfinite)
    check_vectors(vectors, config.embeddings)
    return vectors


def check_vectors(vectors: Vectors, name: str) -> None:
    """Refuse vectors that cannot initialise an embedding layer.

    Args:
        vectors: what `--embeddings` loaded.
        name: how to call them in the message (the file or pretrained name).

    Raises:
        EmbedkitError: no words, no dimensions, a sparse matrix (one-hot vectors: the one-hot model
            is ``--embeddings onehot``), or a value that is NaN or infinite (names the first word).

    Example:
        >>> check_vectors(Vectors(["a", "b"], np.eye(2)), "v.vec")  # usable: returns None
    """
    if len(vectors) == 0 or vectors.dim == 0:
        raise EmbedkitError(f"{name}: holds {len(vectors)} words x {vectors.dim} dimensions; "
                            "a classifier needs at least one word with a vector")
    if vectors.is_sparse:
        raise EmbedkitError(f"{name}: sparse vectors ({len(vectors):,} words x {vectors.dim:,} dimensions, "
                            "one-hot vectors are stored so) cannot fill an embedding layer; "
                            "for the one-hot model use --embeddings onehot")
    bad = ~np.isfinite(vectors.matrix).all(axis=1)  # (n,) True where a row holds NaN or inf
    if bad.any():
        first = vectors.words[int(np.argmax(bad))]
        raise EmbedkitError(f"{name}: {int(bad.sum()):,} of {len(vectors):,} vectors hold NaN or infinite "
                            f"values (the first: {first!r}); fix or drop them before training on them")


def coverage_of(texts, vectors: Vectors, lowercase: bool = True) -> dict:
    """Of the distinct tokens of `texts` (`sentence_tokens`), how many `vectors` has.

    Vectors with subwords also have the tokens outside their vocabulary that they compose from
    trained character n-grams; those are counted in "found" and, apart, in "composed".

    Returns:
        {"found", "vocab", "fraction"} (and "composed" for vectors with subwords): "vocab" is the
        number of distinct tokens.

    Example:
        >>> coverage_of(["a good film", "a bad one"], Vectors(["a", "good", "x"], np.eye(3)))
        {'found': 2, 'vocab': 5, 'fraction': 0.4}
    """
    from .tokenizer import sentence_tokens

    words = {t for text in texts for t in sentence_tokens(text, lowercase)}
    found = sum(w in vectors.index for w in words)
    if getattr(vectors, "subwords", None) is None:
        return {"found": found, "vocab": len(words), "fraction": found / max(1, len(words))}
    made = len(vectors.composed(words))  # the words outside the vocabulary that n-grams compose
    return {"found": found + made, "vocab": len(words), "fraction": (found + made) / max(1, len(words)),
            "composed": made}


def embedding_layer(vectors: Vectors, *, freeze: bool = True):
    """A `torch.nn.Embedding` whose row i is the vector of ``vectors.words[i]``.

    Frozen (the default), its weight shares the memory of a writable dense matrix (no copy; a
    memory-mapped, read-only matrix is copied, since torch refuses to share one). Trainable
    (`freeze=False`), the weight is a copy: training it must not change `vectors`. Sparse (one-hot)
    vectors are made dense, refused above 2 GiB.

    Args:
        vectors: the vectors; `vectors.rows(words)` gives the ids to look up.
        freeze: keep the weight fixed (requires_grad False), or let an optimiser train it.

    Returns:
        torch.nn.Embedding of shape (len(vectors), vectors.dim), float32.

    Raises:
        TorchMissingError: torch is not installed (the message names the install).
        ValueError: a sparse matrix too large to make dense.

    Example:
        >>> layer = Vectors(["cat", "dog"], np.eye(2)).to_torch()  # doctest: +SKIP
        >>> layer(torch.tensor([1])).tolist()  # doctest: +SKIP
        [[0.0, 1.0]]
    """
    from .needs_torch import require_torch

    torch = require_torch("Vectors.to_torch")
    matrix = vectors.dense()  # (n, dim) float32
    if not freeze or not matrix.flags.writeable or not matrix.flags.c_contiguous:
        matrix = np.array(matrix, dtype=np.float32, order="C")  # a copy of its own
    return torch.nn.Embedding.from_pretrained(torch.from_numpy(matrix), freeze=freeze)
