"""Intrinsic evaluation: word-pair Spearman and analogy accuracy for several vectors side by side.

Scores agree with gensim's ``KeyedVectors.evaluate_word_pairs`` and ``evaluate_word_analogies`` on
the same vectors and files, because the rules are the same:

* words are matched case-insensitively (gensim's ``case_insensitive=True``): a benchmark word takes
  the vector of the first, most frequent, vocabulary entry with the same upper-case form;
* similarity: Spearman's rho between the cosine of each pair and the human score; the whole
  vocabulary is searched (gensim: ``restrict_vocab=len(vectors)``);
* analogies ``a : b :: c : ?``: 3CosAdd, the word closest to ``b - a + c`` among the `restrict`
  most frequent words other than a, b and c (gensim: ``restrict_vocab=restrict``); a question
  counts only if all four words are among those words;
* OOV policy ``oov="skip"`` (gensim's default): pairs and questions with an unknown word are left
  out, and the coverage ``covered/total`` says how many were used. ``oov="dummy"`` (gensim's
  ``dummy4unknown=True``): an unknown pair gets cosine 0 and still counts in the Spearman, an
  unknown question counts as wrong.

Analogies are answered in batches: one matrix product per chunk of questions against the unit
vectors, so the 19,544 Google questions take seconds (see ``bench/eval_speed.py``). Sparse vectors
(the one-hot baseline) are never made dense.

Example:
    >>> from embedkit.intrinsic import evaluate
    >>> result = evaluate(["glove-6b-50d"], similarity=["ws353"], analogy=[])
    >>> print(str(result).splitlines()[1])
    ws353      spearman  0.503 (353/353)
    >>> round(result.score("ws353").value, 4)
    0.5033
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import query, registry
from .benchmarks import AnalogySection, Pair, read_analogies, read_similarity
from .errors import EmbedkitError
from .vectors import Vectors

DEFAULT_SIMILARITY = ("ws353", "simlex999", "men", "rw")
DEFAULT_ANALOGY = ("google",)
METHODS = query.METHODS
OOV_POLICIES = ("skip", "dummy")
CONSTANT = ("all cosines are equal (as with one-hot vectors, whose distinct words are orthogonal): "
            "Spearman is undefined and shown as 0")


@dataclass
class Score:
    """One cell of the table: a benchmark scored on one set of vectors."""

    value: float                  # Spearman rho, or accuracy in [0, 1]; nan when nothing was covered
    covered: int                  # pairs / questions whose words are all known
    total: int                    # pairs / questions in the benchmark
    correct: int | None = None    # analogies: questions answered right
    note: str | None = None
    sections: dict[str, dict] | None = None  # analogies: per-section counts

    def to_dict(self) -> dict:
        out = {"value": None if math.isnan(self.value) else self.value, "covered": self.covered,
               "total": self.total}
        for key in ("correct", "note", "sections"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass
class Row:
    """A benchmark (or a part of one, such as Google's semantic sections) across all columns."""

    benchmark: str
    kind: str                     # "similarity" | "analogy"
    metric: str                   # "spearman" | "accuracy"
    source: str                   # the file it was read from
    scores: list[Score] = field(default_factory=list)


# -- the scores ----------------------------------------------------------------------------------


def _key(case_insensitive: bool):
    return str.upper if case_insensitive else str


def vocabulary_lookup(words, limit: int | None = None, case_insensitive: bool = True) -> dict[str, int]:
    """Word (upper-cased if `case_insensitive`) -> row, over the first `limit` words; the first wins."""
    key = _key(case_insensitive)
    words = words[:limit] if limit else words
    return {key(w): i for i, w in reversed(list(enumerate(words)))}


def pair_cosines(vectors: Vectors, rows_a, rows_b) -> np.ndarray:
    """Cosine of each pair of rows, float32 (m,); zero vectors give 0. Works on sparse vectors."""
    unit = vectors.unit
    if sp.issparse(unit):
        return np.asarray(unit[rows_a].multiply(unit[rows_b]).sum(axis=1), dtype=np.float32).ravel()
    return np.einsum("ij,ij->i", unit[rows_a], unit[rows_b])


def similarity_score(vectors: Vectors, pairs: list[Pair], *, oov: str = "skip",
                     case_insensitive: bool = True, lookup: dict[str, int] | None = None) -> Score:
    """Spearman's rho between the pairs' cosines and their human scores, with coverage.

    Equals gensim's ``evaluate_word_pairs(path, restrict_vocab=len(vectors),
    dummy4unknown=(oov == "dummy"))[1][0]``.
    """
    _check_oov(oov)
    key = _key(case_insensitive)
    lookup = lookup if lookup is not None else vocabulary_lookup(vectors.words, None, case_insensitive)
    found = [(lookup.get(key(p.w1)), lookup.get(key(p.w2))) for p in pairs]
    known = np.array([a is not None and b is not None for a, b in found], dtype=bool)
    rows = np.array([ab for ab, ok in zip(found, known) if ok], dtype=np.int64).reshape(-1, 2)
    cosines = pair_cosines(vectors, rows[:, 0], rows[:, 1]) if len(rows) else np.zeros(0, np.float32)
    gold = np.array([p.score for p in pairs], dtype=np.float64)
    if oov == "dummy":
        model = np.zeros(len(pairs), dtype=np.float32)
        model[known] = cosines
    else:
        model, gold = cosines, gold[known]
    covered = int(known.sum())
    if covered == 0:
        return Score(math.nan, 0, len(pairs), note="no pair has both words in the vocabulary")
    if len(model) < 2:
        return Score(math.nan, covered, len(pairs), note="a correlation needs at least two pairs")
    if np.all(model == model[0]):
        return Score(0.0, covered, len(pairs), note=CONSTANT)
    if np.all(gold == gold[0]):
        return Score(math.nan, covered, len(pairs), note="all human scores are equal: Spearman is undefined")
    from scipy import stats  # 0.7 s to import: only when scoring

    return Score(float(stats.spearmanr(gold, model).statistic), covered, len(pairs))


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
    _check_oov(oov)
    if method not in METHODS:
        raise EmbedkitError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    n = min(restrict, len(vectors)) if restrict else len(vectors)
    key = _key(case_insensitive)
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


def _check_oov(oov: str) -> None:
    if oov not in OOV_POLICIES:
        raise EmbedkitError(f"oov must be 'skip' (gensim's default) or 'dummy' (gensim's "
                            f"dummy4unknown=True), got {oov!r}")


def _analogy_rows(label: str, path: str, sections: list[AnalogySection]) -> list[Row]:
    kinds = {s.syntactic for s in sections if s.questions}
    parts = [f"{label}: semantic", f"{label}: syntactic", f"{label}: total"] if kinds == {True, False} else [label]
    return [Row(part, "analogy", "accuracy", path) for part in parts]


def _analogy_cells(results: list[SectionResult], oov: str, split: bool) -> list[Score]:
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


# -- the table -----------------------------------------------------------------------------------


class EvaluationResult:
    """Scores of several vectors on several benchmarks: prints as a table, exports JSON and CSV.

    Attributes:
        columns: the vectors' names, one column each.
        rows: one `Row` per benchmark (Google analogies: semantic, syntactic, total).
        settings: restrict, oov, method, case_insensitive.
        notes: what was left out and why.
    """

    def __init__(self, columns: list[str], rows: list[Row], settings: dict, notes: list[str]):
        self.columns, self.rows, self.settings, self.notes = columns, rows, settings, notes

    def score(self, benchmark: str, column: str | int = 0) -> Score:
        """The cell for `benchmark` (a row label, e.g. 'ws353' or 'google: total') and `column`."""
        j = column if isinstance(column, int) else self.columns.index(column)
        for row in self.rows:
            if row.benchmark == benchmark:
                return row.scores[j]
        raise KeyError(f"no benchmark {benchmark!r}; rows: {', '.join(r.benchmark for r in self.rows)}")

    def to_dict(self) -> dict:
        return {"columns": self.columns, "settings": self.settings,
                "rows": [{"benchmark": r.benchmark, "kind": r.kind, "metric": r.metric, "source": r.source,
                          "scores": {c: s.to_dict() for c, s in zip(self.columns, r.scores)}}
                         for r in self.rows],
                "notes": self.notes}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_csv(self) -> str:
        """One line per cell: benchmark, kind, metric, vectors, value, covered, total, correct, note."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["benchmark", "kind", "metric", "vectors", "value", "covered", "total", "correct", "note"])
        for r in self.rows:
            for column, s in zip(self.columns, r.scores):
                value = "" if math.isnan(s.value) else f"{s.value:.6f}"
                writer.writerow([r.benchmark, r.kind, r.metric, column, value, s.covered, s.total,
                                 "" if s.correct is None else s.correct, s.note or ""])
        return out.getvalue()

    def __str__(self) -> str:
        marks: dict[str, str] = {}
        table = [["benchmark", "metric", *self.columns]]
        for r in self.rows:
            cells = []
            for s in r.scores:
                mark = marks.setdefault(s.note, "*" * (len(marks) + 1)) if s.note else ""
                value = "n/a" if math.isnan(s.value) else f"{s.value:.3f}"
                cells.append(f"{value}{mark} ({s.covered}/{s.total})")
            table.append([r.benchmark, r.metric, *cells])
        widths = [max(len(row[j]) for row in table) for j in range(len(table[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
        lines += [f"{mark} {note}" for note, mark in marks.items()]
        lines.append(self._legend())
        lines += self.notes
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"EvaluationResult({len(self.rows)} benchmarks x {len(self.columns)} vectors)"

    def _legend(self) -> str:
        s = self.settings
        policy = ("left out (gensim's default)" if s["oov"] == "skip"
                  else "scored as cosine 0 / wrong (gensim's dummy4unknown)")
        method = {"3cosadd": "3CosAdd", "3cosmul": "3CosMul"}[s["method"]]
        among = f"the {s['restrict']:,} most frequent words" if s["restrict"] else "the whole vocabulary"
        case = "case-insensitively, as gensim does" if s["case_insensitive"] else "case-sensitively"
        analogies = f"Analogies: {method} among {among}. " if any(r.kind == "analogy" for r in self.rows) else ""
        return (f"(covered/total): pairs or questions whose words are all known; the others are {policy}.\n"
                f"{analogies}Words matched {case}.")


def _column_names(specs: list) -> list[str]:
    names = []
    for i, spec in enumerate(specs):
        if isinstance(spec, Vectors):
            names.append(spec.name if spec.meta.get("name") or spec.meta.get("source") else f"vectors{i + 1}")
        else:
            names.append(Path(os.fspath(spec)).name)
    if len(set(names)) < len(names):
        names = [n if isinstance(s, Vectors) else os.fspath(s) for n, s in zip(names, specs)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[i] = f"{name}#{seen[name]}"
    return names


def _benchmark_file(spec, kind: str, mirror, fetch: bool) -> tuple[str, Path]:
    """(row label, path) for a registry name or a file of your own."""
    text = os.fspath(spec)
    if os.path.isfile(text):
        return Path(text).stem, Path(text)
    try:
        entry = registry.get(text)
    except EmbedkitError:
        known = ", ".join(e.name for e in registry.entries(kind))
        raise EmbedkitError(f"{text}: no such file, and not a known {kind} benchmark ({known})") from None
    if entry.kind != kind:
        option = "--analogy" if entry.kind == "analogy" else "--similarity"
        hint = f"; pass it with {option}" if entry.kind in ("similarity", "analogy") else ""
        raise EmbedkitError(f"{entry.name} is {'an' if entry.kind == 'analogy' else 'a'} {entry.kind} "
                            f"dataset, not a {kind} benchmark{hint}")
    try:
        return entry.name, registry.path(entry, mirror)
    except EmbedkitError:
        if not fetch:
            raise
        registry.fetch(entry, mirror)
        return entry.name, registry.path(entry, mirror)


def evaluate(vectors, similarity=None, analogy=None, *, restrict: int | None = 30000, oov: str = "skip",
             method: str = "3cosadd", case_insensitive: bool = True, mirror=None,
             allow_nonfinite: bool = False) -> EvaluationResult:
    """Score each of `vectors` on word-similarity and analogy benchmarks; one column per vectors.

    Args:
        vectors: a `Vectors`, a VECTORS spec (a path, or ``glove-6b-50d``), a list of them, or a dict
            ``{column name: Vectors or spec}``. Specs are loaded one at a time.
        similarity: registry names or files of word pairs with scores.
        analogy: registry names or analogy files. When both `similarity` and `analogy` are None,
            the defaults run: WS-353, SimLex-999, MEN, RW and the Google analogies; defaults whose
            files are not on this machine are left out with a note. Benchmarks named explicitly
            are downloaded (`embedkit.registry.fetch`) when missing.
        restrict: analogy candidates and questions use only the first `restrict` words (gensim's
            ``restrict_vocab``); 0 or None for all. Similarity always uses the whole vocabulary.
        oov: 'skip' (gensim's default) or 'dummy' (gensim's ``dummy4unknown=True``).
        method: '3cosadd' (gensim's ``evaluate_word_analogies``) or '3cosmul'.
        case_insensitive: match words by their upper-case form, as gensim does by default.
        mirror: folder holding registry datasets (else ``EMBEDKIT_MIRROR``, the cache, gensim).
        allow_nonfinite: read vectors files holding NaN or infinity as zero vectors (`io.load`).

    Returns:
        EvaluationResult: ``print(result)`` shows the table; ``.to_json()``, ``.to_csv()``.

    Raises:
        EmbedkitError: unknown benchmark, unreadable file, bad option.
    """
    from .pretrained import resolve

    _check_oov(oov)
    if method not in METHODS:
        raise EmbedkitError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if isinstance(vectors, dict):
        names, specs = list(vectors), list(vectors.values())
    else:
        specs = [vectors] if isinstance(vectors, (Vectors, str, os.PathLike)) else list(vectors)
        names = _column_names(specs)
    if not specs:
        raise EmbedkitError("no vectors to evaluate")
    defaults = similarity is None and analogy is None
    notes: list[str] = []
    missing: list[str] = []
    benchmarks = []  # (kind, label, path, data)
    for kind, chosen, read in (("similarity", DEFAULT_SIMILARITY if defaults else similarity or (), read_similarity),
                               ("analogy", DEFAULT_ANALOGY if defaults else analogy or (), read_analogies)):
        for spec in chosen:
            try:
                label, path = _benchmark_file(spec, kind, mirror, fetch=not defaults)
            except EmbedkitError:
                if not defaults:
                    raise
                missing.append(spec)
                continue
            benchmarks.append((kind, label, path, read(path)))
    if missing:
        notes.append(f"Left out, not on this machine: {', '.join(missing)} (embedkit corpora fetch "
                     f"{' '.join(missing)}, or --mirror DIR).")
    if not benchmarks:
        raise EmbedkitError("no benchmarks to run")

    rows: list[Row] = []
    plan = []  # (kind, data, rows of this benchmark)
    for kind, label, path, data in benchmarks:
        mine = [Row(label, kind, "spearman", str(path))] if kind == "similarity" else _analogy_rows(label, str(path), data)
        rows += mine
        plan.append((kind, data, mine))
    for spec in specs:
        vecs = resolve(spec, allow_nonfinite=allow_nonfinite)
        lookup = vocabulary_lookup(vecs.words, None, case_insensitive)
        for kind, data, mine in plan:
            if kind == "similarity":
                mine[0].scores.append(similarity_score(vecs, data, oov=oov, case_insensitive=case_insensitive,
                                                       lookup=lookup))
            else:
                results = analogy_scores(vecs, data, restrict=restrict, method=method, oov=oov,
                                         case_insensitive=case_insensitive)
                for row, cell in zip(mine, _analogy_cells(results, oov, split=len(mine) == 3)):
                    row.scores.append(cell)
        del vecs, lookup
    settings = {"restrict": restrict or None, "oov": oov, "method": method, "case_insensitive": case_insensitive}
    return EvaluationResult(names, rows, settings, notes)
