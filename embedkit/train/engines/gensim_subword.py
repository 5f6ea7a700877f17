"""The gensim engine with subwords: gensim's `FastText` (sg=1, negative sampling), the reference.

As the whole-word gensim engine does, it trains on embedkit's vocabulary (no second counting
pass) and reads the tokenised corpus copy in gensim's `corpus_file` mode, one part of the file
per worker. gensim allocates all `bucket` n-gram rows; the model handed back keeps only the rows
of the buckets the vocabulary's n-grams hash to (`subwords.subword_rows`, the native engine's
compact layout), so both engines return the same kind of `SubwordModel` and compose the same
vectors for unseen words (a bucket no vocabulary word uses was never trained: it counts as zero).

gensim's own notion of a word's input differs from fastText's in one detail it keeps: during
training it divides the sum of the word's row and its n-gram rows by the number of n-grams, not
by that number plus one (`fasttext_inner.pyx`); the vectors it reports, and those composed here,
are the mean. In `corpus_file` mode with several workers each worker decays the learning rate by
its own share of the corpus, so an epoch ends at the rate the linear schedule reaches halfway
through it (with 2 workers): bench/results/subword_speed.txt measures what that does.
"""

from __future__ import annotations

import numpy as np

from ...subwords import SubwordModel, subword_rows
from .gensim import fit


def train(prepared, config, monitor):
    """Train gensim's FastText on the prepared corpus; returns (SubwordModel, output vectors).

    Args:
        prepared: the corpus after the counting pass (`train.prepare`).
        config: a `SkipGramConfig` with `subwords` (window, negative, sample, alpha, epochs,
            workers, seed, min_n, max_n, bucket).
        monitor: what progress and epoch ends are reported to (`train.Monitor`).

    Returns:
        (`SubwordModel` in the compact layout, output vectors (V, dim) float32), rows in the
        vocabulary's order.

    Example:
        >>> model, w_out = train(prepared, SkipGramConfig(subwords=True, engine="gensim"), monitor)  # doctest: +SKIP
    """
    settings = config.ngrams
    settings.check()
    vocab = prepared.vocab
    rows = subword_rows(vocab.words, settings)

    def compact(model, ordered) -> SubwordModel:
        matrix = np.vstack([ordered(model.wv.vectors_vocab), model.wv.vectors_ngrams[rows.buckets]])
        return SubwordModel(vocab.words, matrix.astype(np.float32, copy=False), settings, rows.buckets, rows)

    monitor.say(f"gensim FastText: {len(vocab):,} words use {rows.buckets.size:,} of {settings.bucket:,} "
                "n-gram buckets")
    if hasattr(monitor, "engine_info"):
        monitor.engine_info.update(ngram_rows=int(rows.buckets.size))
    model, ordered = fit("FastText", prepared, config, monitor, compact, sg=1, hs=0,
                         min_n=settings.min_n, max_n=settings.max_n, bucket=settings.bucket,
                         ns_exponent=config.ns_exponent)
    return compact(model, ordered), ordered(model.syn1neg)
