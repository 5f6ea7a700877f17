"""Analogy accuracy: every question answered by the query wing's `search`, counted per section."""

from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np
from .. import query
from .benchmarks import AnalogySection
from ..errors import EmbedkitError
from ..vectors import Vectors
from .similarity import check_oov, match_key, vocabulary_lookup
from .table import Row, Score


METHODS = query.METHODS


@dataclass
class SectionResult:
    name: str
    correct: int
    covered: int
    total: int
    syntactic: bool


def analogy_scores(vectors: Vectors, sections: list[AnalogySection], *, restrict: int | None = 30000,
                   method: str = "3cosadd", oov: str = "skip",
                   case_insensitive: bool = True) -> list[SectionResult]:
    """Answer every question ``a : b :: c : ?`` and count the right answers per section.

    Only the first `restrict` words (the most frequent, in a frequency-sorted file) are candidates,
    and questions with a word outside them are not covered. ``method='3cosadd'`` maximises
    cos(x, b) - cos(x, a) + cos(x, c), as gensim's ``evaluate_word_analogies``; ``'3cosmul'``
    maximises cos'(x, b) cos'(x, c) / (cos'(x, a) + 1e-6) with cos' = (1 + cos) / 2, as gensim's
    ``most_similar_cosmul`` (Levy and Goldberg, 2014). Ties go to the more frequent word.
    """
    check_oov(oov)
    if method not in METHODS:
        raise EmbedkitError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    n = min(restrict, len(vectors)) if restrict else len(vectors)
    key = match_key(case_insensitive)
    lookup = vocabulary_lookup(vectors.words, n, case_insensitive)
    canonical = np.fromiter((lookup[key(w)] for w in vectors.words[:n]), dtype=np.int64, count=n)
    variants: dict[int, list[int]] = {}  # rows sharing an upper-case form with an earlier row
    for row in np.flatnonzero(canonical != np.arange(n)):
        variants.setdefault(int(canonical[row]), [int(canonical[row])]).append(int(row))

    questions, section_of = [], []
    for s, section in enumerate(sections):
        for q in section.questions:
            rows = [lookup.get(key(w)) for w in q]
            if None not in rows:
                questions.append(rows)
                section_of.append(s)
    questions = np.array(questions, dtype=np.int64).reshape(-1, 4)  # (m, 4) rows of a, b, c, expected
    section_of = np.array(section_of, dtype=np.int64)
    # each question is the query most_similar(positive=[b, c], negative=[a]), as gensim asks it;
    # the other-case spellings of a, b and c may not answer either
    queries = [([int(b), int(c)], [int(a)]) for a, b, c in questions[:, :3]]
    exclude = [[v for x in abc for v in variants.get(int(x), ())] for abc in questions[:, :3]]
    answers = query.search(vectors, queries, 1, restrict=n, method=method, exclude=exclude)
    predicted = np.array([rows[0] if len(rows) else -1 for rows, _ in answers], dtype=np.int64)
    right = (predicted >= 0) & (canonical[predicted] == questions[:, 3]) if len(questions) else np.zeros(0, bool)
    correct = np.bincount(section_of[right], minlength=len(sections))
    covered = np.bincount(section_of, minlength=len(sections))
    return [SectionResult(s.name, int(correct[i]), int(covered[i]), len(s.questions), s.syntactic)
            for i, s in enumerate(sections)]


def analogy_rows(label: str, path: str, sections: list[AnalogySection]) -> list[Row]:
    kinds = {s.syntactic for s in sections if s.questions}
    parts = [f"{label}: semantic", f"{label}: syntactic", f"{label}: total"] if kinds == {True, False} else [label]
    return [Row(part, "analogy", "accuracy", path) for part in parts]


def analogy_cells(results: list[SectionResult], oov: str, split: bool) -> list[Score]:
    groups = [[r for r in results if not r.syntactic], [r for r in results if r.syntactic], results] \
        if split else [results]
    cells = []
    for group in groups:
        correct = sum(r.correct for r in group)
        covered = sum(r.covered for r in group)
        total = sum(r.total for r in group)
        used = total if oov == "dummy" else covered
        cells.append(Score(correct / used if used else math.nan, covered, total, correct))
    cells[-1].sections = {r.name: {"correct": r.correct, "covered": r.covered, "total": r.total}
                          for r in results}
    return cells
