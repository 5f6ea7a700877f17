"""Word-pair similarity: Spearman's rho between cosines and human scores, with coverage."""

from __future__ import annotations

import math
import numpy as np
import scipy.sparse as sp
from .benchmarks import Pair
from ..errors import EmbedkitError
from ..vectors import Vectors
from .table import Score


OOV_POLICIES = ("skip", "dummy")


CONSTANT = ("all cosines are equal (as with one-hot vectors, whose distinct words are orthogonal): "
            "Spearman is undefined and shown as 0")


def match_key(case_insensitive: bool):
    return str.upper if case_insensitive else str


def vocabulary_lookup(words, limit: int | None = None, case_insensitive: bool = True) -> dict[str, int]:
    """Word (upper-cased if `case_insensitive`) -> row, over the first `limit` words; the first wins."""
    key = match_key(case_insensitive)
    words = words[:limit] if limit else words
    return {key(w): i for i, w in reversed(list(enumerate(words)))}


def pair_cosines(vectors: Vectors, rows_a, rows_b) -> np.ndarray:
    """Cosine of each pair of rows, float32 (m,); zero vectors give 0. Works on sparse vectors."""
    unit = vectors.unit
    if sp.issparse(unit):
        return np.asarray(unit[rows_a].multiply(unit[rows_b]).sum(axis=1), dtype=np.float32).ravel()
    return np.einsum("ij,ij->i", unit[rows_a], unit[rows_b])


def check_oov(oov: str) -> None:
    if oov not in OOV_POLICIES:
        raise EmbedkitError(f"oov must be 'skip' (gensim's default) or 'dummy' (gensim's "
                            f"dummy4unknown=True), got {oov!r}")


def similarity_score(vectors: Vectors, pairs: list[Pair], *, oov: str = "skip",
                     case_insensitive: bool = True, lookup: dict[str, int] | None = None) -> Score:
    """Spearman's rho between the pairs' cosines and their human scores, with coverage.

    Equals gensim's ``evaluate_word_pairs(path, restrict_vocab=len(vectors),
    dummy4unknown=(oov == "dummy"))[1][0]``, for vectors without subwords. Vectors with subwords
    (`SubwordVectors`) score a pair with a word outside the vocabulary too, with the vector
    composed from its character n-grams (of its lower-cased form when `case_insensitive`), where
    gensim leaves such pairs out; `Score.composed` counts those pairs.
    """
    check_oov(oov)
    key = match_key(case_insensitive)
    lookup = lookup if lookup is not None else vocabulary_lookup(vectors.words, None, case_insensitive)
    found = [(lookup.get(key(p.w1)), lookup.get(key(p.w2))) for p in pairs]
    extra, composed = _composed_rows(vectors, pairs, found, case_insensitive)
    known = np.array([a is not None and b is not None for a, b in found], dtype=bool)
    rows = np.array([ab for ab, ok in zip(found, known) if ok], dtype=np.int64).reshape(-1, 2)
    if extra is not None:
        from ..query.engine import unit_rows

        cosines = np.einsum("ij,ij->i", unit_rows(vectors, rows[:, 0], extra), unit_rows(vectors, rows[:, 1], extra))
    else:
        cosines = pair_cosines(vectors, rows[:, 0], rows[:, 1]) if len(rows) else np.zeros(0, np.float32)
    gold = np.array([p.score for p in pairs], dtype=np.float64)
    if oov == "dummy":
        model = np.zeros(len(pairs), dtype=np.float32)
        model[known] = cosines
    else:
        model, gold = cosines, gold[known]
    covered = int(known.sum())
    if covered == 0:
        return Score(math.nan, 0, len(pairs), note="no pair has both words in the vocabulary", composed=composed)
    if len(model) < 2:
        return Score(math.nan, covered, len(pairs), note="a correlation needs at least two pairs", composed=composed)
    if np.all(model == model[0]):
        return Score(0.0, covered, len(pairs), note=CONSTANT, composed=composed)
    if np.all(gold == gold[0]):
        return Score(math.nan, covered, len(pairs), note="all human scores are equal: Spearman is undefined",
                     composed=composed)
    from scipy import stats  # 0.7 s to import: only when scoring

    return Score(float(stats.spearmanr(gold, model).statistic), covered, len(pairs), composed=composed)


def _composed_rows(vectors: Vectors, pairs: list[Pair], found: list, case_insensitive: bool
                   ) -> tuple[np.ndarray | None, int | None]:
    """Compose the pairs' words outside the vocabulary (vectors with subwords), in place in `found`:
    such a word gets row len(vectors) + j, its unit vector extra[j] (`query.engine.unit_rows`).

    Returns (extra or None, the number of pairs with a composed word; None for vectors that compose
    no vectors).
    """
    if getattr(vectors, "subwords", None) is None:
        return None, None
    fold = str.lower if case_insensitive else str
    missing = list(dict.fromkeys(fold(w) for p, ab in zip(pairs, found)
                                 for w, row in zip((p.w1, p.w2), ab) if row is None))
    made = vectors.composed(missing)
    if not made:
        return None, 0
    n = len(vectors)
    where = {w: n + j for j, w in enumerate(made)}
    composed = 0
    for i, (p, (a, b)) in enumerate(zip(pairs, found)):
        a = a if a is not None else where.get(fold(p.w1))
        b = b if b is not None else where.get(fold(p.w2))
        composed += a is not None and b is not None and max(a, b) >= n
        found[i] = (a, b)
    units = vectors.vectors_of(made).astype(np.float64)
    norms = np.linalg.norm(units, axis=1, keepdims=True)
    extra = np.divide(units, norms, out=np.zeros_like(units), where=norms > 0).astype(np.float32)
    return extra, composed
