"""Which words say something: cluster names from their most distinctive words, and the order in
which a picture labels its words.

The most frequent words of any corpus are function words and punctuation ("the", "of", ",");
labelled first, they tell nothing about the picture, and a cluster named "the, of, and" says
nothing about the cluster. A word is *informative* when it is made of letters, has at least three
of them (or is an abbreviation such as "u.s."), and is not an English stop word (scikit-learn's
list). A clustered word is *distinctive* by how much closer it is (cosine) to its own cluster's
centre than to the nearest other centre.
"""

from __future__ import annotations

import re

import numpy as np

_WORD = re.compile(r"[^\W\d_]+(?:[-'.][^\W\d_]+)*\.?")
NAME_WORDS = 3   # words in a cluster's name
POOL = 10        # a name takes the most frequent of a cluster's POOL most distinctive words


def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, and the clitic "n't" (GloVe's "do n't", "ca n't")."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS | {"n't"}


def informative(words: list[str]) -> np.ndarray:
    """(n,) bool: which words are informative (see the module docstring).

    Example:
        >>> informative(["the", ",", "paris", "u.s.", "ca", "1990"]).tolist()
        [False, False, True, True, False, False]
    """
    stop = stop_words()
    return np.array([bool(_WORD.fullmatch(w)) and len(w) >= 3 and w.lower() not in stop for w in words], dtype=bool)


def distinctiveness(unit: np.ndarray, group: np.ndarray, k: int) -> np.ndarray:
    """(n,) float: cosine to the word's own cluster centre minus its cosine to the nearest other
    centre; 0 for words in no cluster (group -1), and with a single cluster.

    Args:
        unit: (n, dim) unit vectors, dense or CSR.
        group: (n,) cluster of each word, 0..k-1 or -1.
        k: the number of clusters.
    """
    n = len(group)
    score = np.zeros(n)
    if k < 2 or n == 0:
        return score
    centres = np.zeros((k, unit.shape[1]))
    for c in range(k):
        if (group == c).any():  # a mean of CSR rows is a dense (1, dim) matrix
            centres[c] = np.asarray(unit[group == c].mean(axis=0)).ravel()
    norms = np.linalg.norm(centres, axis=1, keepdims=True)
    centres = np.divide(centres, norms, out=np.zeros_like(centres), where=norms > 0)
    cosines = np.asarray(unit @ centres.T, dtype=np.float64)  # (n, k), dense for dense or CSR `unit`
    inside = group >= 0
    rows = np.flatnonzero(inside)
    own = cosines[rows, group[rows]]
    cosines[rows, group[rows]] = -np.inf
    score[rows] = own - cosines[rows].max(axis=1)
    return score


def cluster_order(members: np.ndarray, rank: np.ndarray, score: np.ndarray, good: np.ndarray) -> list[int]:
    """A cluster's members, best to label first: informative words by distinctiveness, each
    successive `POOL` of them by frequency (so that common, recognisable words come before rare
    ones of the same standing); then the other members, most frequent first."""
    useful = members[good[members]]
    useful = useful[np.lexsort((rank[useful], -score[useful]))]
    order = []
    for start in range(0, len(useful), POOL):
        block = useful[start:start + POOL]
        order += block[np.argsort(rank[block], kind="stable")].tolist()
    rest = members[~good[members]]
    return order + rest[np.argsort(rank[rest], kind="stable")].tolist()


def cluster_names(words: list[str], orders: list[list[int]]) -> list[str]:
    """Each cluster's name: its first `NAME_WORDS` words in `cluster_order` (", ..." when it has more)."""
    return [", ".join(words[i] for i in order[:NAME_WORDS]) + (", \u2026" if len(order) > NAME_WORDS else "")
            for order in orders]


def label_priority(words: list[str], rank: np.ndarray, orders: list[list[int]] | None) -> np.ndarray:
    """(n,) int: the order in which to label words, 0 first (query words go before any of them).

    With clusters (`orders`, one `cluster_order` per cluster): one word of each cluster in turn,
    so that labels spread over every cluster. Without: informative words by frequency, then the
    rest. Either way stop words and punctuation come last.
    """
    n = len(words)
    good = informative(words)
    priority = np.empty(n, dtype=np.int64)
    if orders:
        queues = [[i for i in order if good[i]] for order in orders]
        sequence = []
        for turn in range(max((len(q) for q in queues), default=0)):
            sequence += [q[turn] for q in queues if turn < len(q)]
        seen = set(sequence)
        sequence += [int(i) for i in np.argsort(rank, kind="stable") if int(i) not in seen]
    else:
        by_rank = np.argsort(rank, kind="stable")
        sequence = [int(i) for i in by_rank if good[i]] + [int(i) for i in by_rank if not good[i]]
    priority[np.array(sequence, dtype=np.int64)] = np.arange(n)
    return priority
