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

import logging

import numpy as np

from ...subwords import SubwordModel, subword_rows


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
    from gensim.models import FastText
    from gensim.models.callbacks import CallbackAny2Vec

    settings = config.ngrams
    settings.check()
    vocab = prepared.vocab
    rows = subword_rows(vocab.words, settings)

    class _FastText(FastText):
        def _log_progress(self, job_queue, progress_queue, cur_epoch, example_count, total_examples,
                          raw_word_count, total_words, trained_word_count, elapsed):
            monitor.progress(cur_epoch, raw_word_count)

    class _EpochEnd(CallbackAny2Vec):
        def __init__(self):
            self.epoch = 0

        def on_epoch_end(self, model):
            monitor.end_epoch(self.epoch, compact(model), ordered(model.syn1neg))
            self.epoch += 1

    model = _FastText(sg=1, hs=0, vector_size=config.vector_size, window=config.window, min_count=1,
                      sample=config.sample, negative=config.negative, alpha=config.alpha,
                      min_alpha=config.min_alpha, epochs=config.epochs, workers=config.workers, seed=config.seed,
                      min_n=settings.min_n, max_n=settings.max_n, bucket=settings.bucket, sorted_vocab=1)
    quiet = logging.getLogger("gensim")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())), corpus_count=prepared.sentences)
        # gensim orders ties in frequency its own way: map its rows back to embedkit's order.
        order = np.array([model.wv.key_to_index[w] for w in vocab.words], dtype=np.int64)

        def ordered(matrix):
            return matrix[order]

        def compact(trained) -> SubwordModel:
            matrix = np.vstack([ordered(trained.wv.vectors_vocab), trained.wv.vectors_ngrams[rows.buckets]])
            return SubwordModel(vocab.words, matrix.astype(np.float32, copy=False), settings, rows.buckets, rows)

        monitor.say(f"gensim FastText: {len(vocab):,} words use {rows.buckets.size:,} of {settings.bucket:,} "
                    "n-gram buckets")
        if hasattr(monitor, "engine_info"):
            monitor.engine_info.update(ngram_rows=int(rows.buckets.size))
        monitor.start(compact(model), ordered(model.syn1neg))
        model.train(corpus_file=str(prepared.path), total_words=prepared.total_words,
                    total_examples=prepared.sentences, epochs=config.epochs,
                    callbacks=[_EpochEnd()], report_delay=0.5, compute_loss=False)
    finally:
        quiet.setLevel(level)
    return compact(model), ordered(model.syn1neg)
