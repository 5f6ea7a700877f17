"""Sliding windows: the (center, context) pairs skip-gram trains on.

For each center position i and each offset d = 1..w_i, the words at i-d and i+d are its context,
where w_i is the window. With word2vec's *dynamic window* w_i is drawn uniformly from
1..window for every center word (word2vec.c draws b in 0..window-1 and uses window - b), so
near words are seen more often than far ones: a word at distance d is a context with probability
(window - d + 1) / window. Frequent-word subsampling, when used, removes words *before* the
windows are cut, so windows reach over the removed words, as in word2vec.c and gensim.

Everything is vectorised: one numpy pass per offset d, never a Python loop per word.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def effective_windows(n: int, window: int, rng: np.random.Generator | None = None,
                      dynamic: bool = True) -> np.ndarray:
    """Window size of each of n center positions, int64 (n,): 1..window if dynamic, else window."""
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if not dynamic:
        return np.full(n, window, dtype=np.int64)
    rng = rng if rng is not None else np.random.default_rng()
    return window - rng.integers(0, window, size=n)


def pair_positions(n: int, windows: np.ndarray, sentence: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Positions (center, context) of all skip-gram pairs in a sequence of n tokens.

    Parameters
    ----------
    n : number of tokens
    windows : int array (n,), the window of each center position
    sentence : int array (n,), optional sentence id of each position; pairs never cross
        sentences (for several sentences laid end to end)

    Returns two int64 arrays of equal length, ordered by center, then by context position.
    """
    windows = np.asarray(windows)
    positions = np.arange(n)
    centers, contexts = [], []
    for d in range(1, min(int(windows.max(initial=0)), n - 1) + 1):
        for center, context in ((positions[:n - d], positions[d:]), (positions[d:], positions[:n - d])):
            keep = windows[center] >= d
            if sentence is not None:
                keep &= sentence[center] == sentence[context]
            centers.append(center[keep])
            contexts.append(context[keep])
    if not centers:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    center = np.concatenate(centers)
    context = np.concatenate(contexts)
    order = np.lexsort((context, center))
    return center[order], context[order]


def subsample(ids: np.ndarray, keep_probability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which tokens survive frequent-word subsampling: token i is kept with probability
    keep_probability[ids[i]]. Returns a boolean mask (n,)."""
    ids = np.asarray(ids)
    return rng.random(ids.shape[0]) < keep_probability[ids]


def skipgram_pairs(ids: np.ndarray, window: int, *, dynamic: bool = True,
                   keep_probability: np.ndarray | None = None,
                   rng: np.random.Generator | None = None,
                   sentence: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The (center, context) word-id pairs of one sequence, as skip-gram sees them.

    `ids` are word ids (int array); `keep_probability`, if given, subsamples them first (and
    `sentence` with them). Returns two arrays of word ids, ordered by center position.
    """
    rng = rng if rng is not None else np.random.default_rng()
    ids = np.asarray(ids)
    if keep_probability is not None:
        mask = subsample(ids, keep_probability, rng)
        ids = ids[mask]
        sentence = None if sentence is None else np.asarray(sentence)[mask]
    windows = effective_windows(ids.shape[0], window, rng, dynamic)
    center, context = pair_positions(ids.shape[0], windows, sentence)
    return ids[center], ids[context]


def token_pairs(tokens: Sequence[str], window: int, *, dynamic: bool = False,
                rng: np.random.Generator | None = None) -> list[tuple[str, str]]:
    """The (center, context) word pairs of a token list, for showing what skip-gram trains on."""
    windows = effective_windows(len(tokens), window, rng, dynamic)
    center, context = pair_positions(len(tokens), windows)
    return [(tokens[i], tokens[j]) for i, j in zip(center, context)]
