"""Fixed seeded splits and k-fold folds for the classifiers (no torch here), and the class checks.

The recurrent classifiers and the bag-of-words baseline share these, so both see the same
train/dev/test sentences.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .datasets import ClassificationData, LabelledTexts
from ..errors import EmbedkitError


def _take(split: LabelledTexts, rows) -> LabelledTexts:
    return LabelledTexts([split.texts[i] for i in rows], [split.labels[i] for i in rows])


def _cut(split: LabelledTexts, fraction: float, rng: np.random.Generator) -> tuple[LabelledTexts, LabelledTexts]:
    """(rest, part): `part` holds a seeded `fraction` of the rows."""
    order = rng.permutation(len(split))
    n = max(1, int(round(fraction * len(split))))
    if n >= len(split):
        raise EmbedkitError(f"too few labelled texts ({len(split)}) to split off a {fraction:.0%} part")
    return _take(split, sorted(order[n:])), _take(split, sorted(order[:n]))


def split_data(data: ClassificationData, seed: int = 0, fraction: float = 0.1) -> ClassificationData:
    """Fill in missing splits: a seeded 10% test (of everything) and a 10% dev (of everything when
    there was no test either, else of train), as for MR, SUBJ, CR, MPQA (no splits) and TREC (no dev).

    The same `seed` gives the same split on every machine; the default 0 is what reports use.
    """
    rng = np.random.default_rng(seed)
    train, dev, test = data.train, data.dev, data.test
    if test is None:
        train, test = _cut(train, fraction, rng)
        fraction = fraction / (1 - fraction)  # 10% of the whole, taken from the remaining 90%
    if dev is None:
        train, dev = _cut(train, fraction, rng)
    out = replace(data, train=train, dev=dev, test=test)
    check_classes(out)
    return out


def check_classes(data: ClassificationData, where: str = "") -> None:
    """Refuse data a classifier cannot be trained and scored on: fewer than 2 classes, or a class
    with no text in the training or the test split (a model never shown a class cannot learn it,
    and a test without it cannot score it).

    Args:
        data: the data set, with its splits made (`split_data`, `cv_folds`).
        where: added after the split's name in the message (" of fold 3").

    Raises:
        EmbedkitError: names the data set, the class and the split.

    Example:
        >>> from embedkit.downstream.datasets import LabelledTexts
        >>> one = LabelledTexts(["good", "fine"], ["pos", "pos"])
        >>> check_classes(ClassificationData("one", one, None, one, ["pos"], ""))
        Traceback (most recent call last):
        embedkit.errors.EmbedkitError: one: 1 class ('pos'); a classifier needs at least 2
    """
    if len(data.classes) < 2:
        names = ", ".join(repr(c) for c in data.classes)
        raise EmbedkitError(f"{data.name}: {len(data.classes)} class{'es' if len(data.classes) != 1 else ''} "
                            f"({names}); a classifier needs at least 2")
    for split_name in ("train", "test"):
        split = getattr(data, split_name)
        if split is None:
            continue
        present = set(split.labels)
        for label in data.classes:
            if label not in present:
                raise EmbedkitError(f"{data.name}: class {label!r} has no text in the {split_name} split{where} "
                                    f"({len(split):,} texts); every class needs texts in both train and test")


def cv_folds(data: ClassificationData, k: int = 10, seed: int = 0) -> list[ClassificationData]:
    """k-fold cross-validation over all labelled texts (train + dev + test pooled): fold i tests on
    the i-th seeded tenth; its dev split is a seeded 10% of the remaining training folds."""
    if k < 2:
        raise EmbedkitError(f"--cv needs at least 2 folds, got {k}")
    pooled = LabelledTexts(list(data.train.texts), list(data.train.labels))
    for split in (data.dev, data.test):
        if split is not None:
            pooled.texts += split.texts
            pooled.labels += split.labels
    if len(pooled) < 2 * k:
        raise EmbedkitError(f"too few labelled texts ({len(pooled)}) for {k}-fold cross-validation")
    rng = np.random.default_rng(seed)
    parts = np.array_split(rng.permutation(len(pooled)), k)
    folds = []
    for i in range(k):
        rest = sorted(np.concatenate([p for j, p in enumerate(parts) if j != i]))
        train, dev = _cut(_take(pooled, rest), 0.1, rng)
        folds.append(replace(data, train=train, dev=dev, test=_take(pooled, sorted(parts[i]))))
        check_classes(folds[-1], f" of fold {i + 1} of {k}")
    return folds


def evaluation_splits(data: ClassificationData, cv: int | None = None) -> list[ClassificationData]:
    """The train/dev/test sets runs are scored on: the K folds of `cv_folds` with `cv=K`, else the
    one fixed split of `split_data(seed=0)` (missing splits filled in)."""
    return cv_folds(data, cv) if cv else [split_data(data, seed=0)]
