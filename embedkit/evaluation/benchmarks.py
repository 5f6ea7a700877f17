"""Readers for intrinsic benchmarks: word pairs with human scores, and analogy questions.

Word-pair files: one ``word1<TAB>word2<TAB>score`` per line (or space separated), as in
mfaruqui/eval-word-vectors; ``#`` comment lines and one header line are allowed, as in gensim's
``wordsim353.tsv``. Analogy files: gensim's ``questions-words.txt`` layout (``: section`` headers,
then ``a b c d`` lines), or the MSR CSV with header ``,type,word1,word2,word3,target``.

Both readers take CRLF line ends and ISO-8859-1 files in their stride (see `embedkit.files`) and
stop at the first malformed line with a `FormatError` naming the file and line: gensim skips such
lines silently, which hides a wrong file behind a low score.

Example:
    >>> from embedkit import registry
    >>> from embedkit.evaluation import benchmarks
    >>> pairs = benchmarks.read_similarity(registry.path("ws353"))
    >>> len(pairs), pairs[0]
    (353, Pair(w1='love', w2='sex', score=6.77))
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import FormatError
from ..files import read_lines


class Pair(NamedTuple):
    """A word pair and its human similarity score."""

    w1: str
    w2: str
    score: float


@dataclass
class AnalogySection:
    """Questions ``a : b :: c : d`` under one heading (e.g. ``capital-common-countries``)."""

    name: str
    questions: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def syntactic(self) -> bool:
        """Whether this is one of Google's syntactic sections (``gram1-adjective-to-adverb`` ...)."""
        return self.name.startswith("gram")


def read_similarity(path) -> list[Pair]:
    """Word pairs and scores from `path`, in file order.

    Raises:
        FormatError: a line without exactly three fields, a score that is not a finite number
            (after the first line, which may be a header), or no pairs at all.
    """
    pairs: list[Pair] = []
    header_allowed = True
    for number, line in enumerate(read_lines(path), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = [f.strip() for f in text.split("\t")] if "\t" in text else text.split()
        if len(fields) != 3:
            raise FormatError(path, f"expected 'word1<TAB>word2<TAB>score', found {len(fields)} "
                                    f"field{'s' * (len(fields) != 1)}: {text[:60]!r}", number)
        try:
            score = float(fields[2])
        except ValueError:
            if header_allowed:  # e.g. 'word1  word2  score'
                header_allowed = False
                continue
            raise FormatError(path, f"score {fields[2]!r} is not a number", number) from None
        if not math.isfinite(score):
            raise FormatError(path, f"score {fields[2]!r} is not a finite number", number)
        header_allowed = False
        pairs.append(Pair(fields[0], fields[1], score))
    if not pairs:
        raise FormatError(path, "no word pairs found")
    return pairs


def read_analogies(path) -> list[AnalogySection]:
    """Analogy questions from `path`, grouped in sections in file order.

    Reads gensim/word2vec ``questions-words.txt`` files (questions before any ``:`` header go in a
    section named after the file) and the MSR CSV layout (its ``type`` column names the section).

    Raises:
        FormatError: a question line without exactly four words, a CSV without the needed columns,
            or no questions at all.
    """
    lines = read_lines(path)
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.replace(" ", "").startswith(",type,") or Path(path).suffix.lower() == ".csv":
        sections = _read_msr_csv(path, lines)
    else:
        sections = _read_sections(path, lines)
    if not any(s.questions for s in sections):
        raise FormatError(path, "no analogy questions found")
    return sections


def _read_sections(path, lines: list[str]) -> list[AnalogySection]:
    sections: list[AnalogySection] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith(":"):
            sections.append(AnalogySection(text[1:].strip()))
            continue
        words = text.split()
        if len(words) != 4:
            raise FormatError(path, f"expected four words 'a b c d' (a is to b as c is to d), found "
                                    f"{len(words)}: {text[:60]!r}", number)
        if not sections:
            sections.append(AnalogySection(Path(path).stem))
        sections[-1].questions.append(tuple(words))
    return sections


def _read_msr_csv(path, lines: list[str]) -> list[AnalogySection]:
    rows = csv.reader(lines)
    header = [h.strip().lower() for h in next(rows, [])]
    needed = ("word1", "word2", "word3", "target")
    missing = [name for name in needed if name not in header]
    if missing:
        raise FormatError(path, f"CSV header lacks column{'s' * (len(missing) > 1)} {', '.join(missing)} "
                                f"(expected ',type,word1,word2,word3,target')", 1)
    columns = [header.index(name) for name in needed]
    kind = header.index("type") if "type" in header else None
    by_name: dict[str, AnalogySection] = {}
    for number, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise FormatError(path, f"expected {len(header)} columns, found {len(row)}", number)
        words = tuple(row[i].strip() for i in columns)
        if not all(words) or any(" " in w for w in words):
            raise FormatError(path, f"expected four single words, found {list(words)}", number)
        name = row[kind].strip() if kind is not None else Path(path).stem
        by_name.setdefault(name, AnalogySection(name)).questions.append(words)
    return list(by_name.values())
