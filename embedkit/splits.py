"""Sentence tokenizer, fixed seeded splits and k-fold folds for the classifiers (no torch here).

The classifiers (`embedkit.classify`, `embedkit.bow`) share these, so a recurrent model and the
bag-of-words baseline see the same tokens and the same train/dev/test sentences.

Example:
    >>> sentence_tokens("It doesn't work!")
    ['it', 'does', "n't", 'work', '!']
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .datasets import ClassificationData, LabelledTexts
from .errors import EmbedkitError

# Penn-Treebank-style clitics, as in the SST files and in GloVe's vocabulary ("does n't", "it 's").
_CLITIC = re.compile(r"(?<=\w)(n't|'s|'re|'ve|'d|'ll|'m)\b", re.IGNORECASE)
# a clitic, a word (in-word hyphens and apostrophes kept: "re-imagining", "o'brien"), "...", or
# any other single non-space character (punctuation: "!", "?", ",", '"', "(").
_TOKEN = re.compile(r"n't|'(?:s|re|ve|d|ll|m)\b|\w+(?:[-'\u2019]\w+)*|\.\.\.|[^\w\s]", re.IGNORECASE)


def sentence_tokens(text: str, lowercase: bool = True) -> list[str]:
    """Tokens of one sentence for classification: words, clitics ("n't", "'s") and punctuation.

    Unlike `embedkit.corpus.tokenize` (which keeps only word characters, for training vectors),
    this keeps "!", "?", "..." and the clitics "n't"/"'s" as tokens of their own: they carry
    sentiment, GloVe has vectors for all of them, and the SST/MR files are already split this way
    ("wo n't"), so already-tokenised text comes out unchanged.
    """
    if lowercase:
        text = text.lower()
    text = _CLITIC.sub(r" \1", text.replace("\u2019", "'"))
    return _TOKEN.findall(text)


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
    return replace(data, train=train, dev=dev, test=test)


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
    return folds
