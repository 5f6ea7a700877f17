"""The one-hot baseline: each word its own axis.

`onehot(vocab)` gives `Vectors` whose matrix is the n x n identity, kept sparse (CSR), so a
100k-word baseline costs 100k stored ones, not 10^10 zeros. Every pair of distinct words has
cosine 0 and the dimension equals the vocabulary size: nothing about meaning is encoded, which
is the point of the baseline.
"""

from __future__ import annotations

from typing import Sequence

import scipy.sparse as sp

from .vocab import Vocab
from ..vectors import Vectors


def onehot(vocab: Vocab | Sequence[str], counts=None) -> Vectors:
    """One-hot `Vectors` for a `Vocab` (words and counts) or a list of distinct words."""
    if isinstance(vocab, Vocab):
        words, counts = vocab.words, vocab.counts
    else:
        words = list(vocab)
    n = len(words)
    matrix = sp.identity(n, dtype="float32", format="csr")  # (n, n), n stored ones
    return Vectors(words, matrix, counts, meta={"kind": "onehot"})
