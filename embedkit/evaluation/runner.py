"""`evaluate`: several vectors on several benchmarks, one table (the defaults, the registry, your files).

Example:
    >>> from embedkit.evaluation import evaluate
    >>> result = evaluate(["glove-6b-50d"], similarity=["ws353"], analogy=[])
    >>> print(str(result).splitlines()[1])
    ws353      spearman  0.503 (353/353)
    >>> round(result.score("ws353").value, 4)
    0.5033
"""

from __future__ import annotations

import os
from pathlib import Path


from .. import registry
from .benchmarks import read_analogies, read_similarity
from ..errors import EmbedkitError
from ..vectors import Vectors
from .analogy import METHODS, analogy_cells, analogy_rows, analogy_scores
from .similarity import check_oov, similarity_score, vocabulary_lookup
from .table import EvaluationResult, Row

DEFAULT_SIMILARITY = ("ws353", "simlex999", "men", "rw")
DEFAULT_ANALOGY = ("google",)


# -- the scores ----------------------------------------------------------------------------------


# -- the table -----------------------------------------------------------------------------------


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
             allow_nonfinite: bool = False, status=None) -> EvaluationResult:
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
        status: called with a line of text as each set of vectors is read and scored (reading
            GloVe's 400,000 words and answering 19,544 analogies takes several seconds each).

    Returns:
        EvaluationResult: ``print(result)`` shows the table; ``.to_json()``, ``.to_csv()``.

    Raises:
        EmbedkitError: unknown benchmark, unreadable file, bad option.
    """
    from ..io.pretrained import resolve

    check_oov(oov)
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
        mine = [Row(label, kind, "spearman", str(path))] if kind == "similarity" else analogy_rows(label, str(path), data)
        rows += mine
        plan.append((kind, data, mine))
    status = status or (lambda line: None)
    for number, (name, spec) in enumerate(zip(names, specs), 1):
        which = f"[{number}/{len(specs)}] " if len(specs) > 1 else ""
        if not isinstance(spec, Vectors):
            status(f"{which}reading {os.fspath(spec)} ...")
        vecs = resolve(spec, allow_nonfinite=allow_nonfinite)
        what = f"{name} ({len(vecs):,} words)" if isinstance(spec, Vectors) else f"its {len(vecs):,} words"
        status(f"{which}scoring {what} on {len(benchmarks)} benchmark{'s' if len(benchmarks) > 1 else ''} ...")
        lookup = vocabulary_lookup(vecs.words, None, case_insensitive)
        for kind, data, mine in plan:
            if kind == "similarity":
                mine[0].scores.append(similarity_score(vecs, data, oov=oov, case_insensitive=case_insensitive,
                                                       lookup=lookup))
            else:
                results = analogy_scores(vecs, data, restrict=restrict, method=method, oov=oov,
                                         case_insensitive=case_insensitive)
                for row, cell in zip(mine, analogy_cells(results, oov, split=len(mine) == 3)):
                    row.scores.append(cell)
        del vecs, lookup
    settings = {"restrict": restrict or None, "oov": oov, "method": method, "case_insensitive": case_insensitive}
    return EvaluationResult(names, rows, settings, notes)
