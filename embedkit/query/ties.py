"""One-hot vectors, whose cosines all tie at 0: telling them apart, and the note that says so.

Between two different one-hot vectors the cosine is exactly 0, so every ranked answer over them is
a tie broken by row order (the more frequent word first): a list of neighbours that means nothing
unless the output says so.
"""

from __future__ import annotations

import numpy as np

ONE_HOT_TIES = ("one-hot vectors are orthogonal: the cosine of any two different words is 0, so all "
                "these answers tie at 0 and are listed in row order (most frequent first)")


def is_one_hot(vectors) -> bool:
    """True for one-hot vectors: marked so (`meta["kind"] == "onehot"`), or sparse with exactly one
    non-zero per row and at least as many dimensions as words.

    Example:
        >>> import scipy.sparse as sp
        >>> from embedkit import Vectors
        >>> is_one_hot(Vectors(["a", "b"], sp.identity(2, format="csr")))
        True
    """
    if vectors.meta.get("kind") == "onehot":
        return True
    return vectors.is_sparse and vectors.matrix.shape[1] >= len(vectors) and \
        bool((np.diff(vectors.matrix.indptr) == 1).all())


def tie_note(vectors, answers) -> str | None:
    """`ONE_HOT_TIES` when `vectors` are one-hot and every score of `answers` ((word, score) pairs,
    or a list of such lists) is 0; else None."""
    flat = [pair for group in answers for pair in (group if isinstance(group, list) else [group])]
    if flat and is_one_hot(vectors) and all(score == 0 for _, score in flat):
        return ONE_HOT_TIES
    return None
