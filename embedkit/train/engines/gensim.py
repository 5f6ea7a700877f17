"""The gensim engine: gensim's Word2Vec (sg=1, negative sampling) on embedkit's vocabulary.

gensim reads the tokenised corpus copy in its `corpus_file` mode (each worker thread reads its
own part of the file, without the Python job queue), with the vocabulary embedkit counted, so
no second counting pass is needed. Progress and epoch ends are forwarded to the `Monitor`;
gensim's own loss tally is not used.
"""

from __future__ import annotations

import logging

import numpy as np


def train(prepared, config, monitor):
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    class _Word2Vec(Word2Vec):
        def _log_progress(self, job_queue, progress_queue, cur_epoch, example_count, total_examples,
                          raw_word_count, total_words, trained_word_count, elapsed):
            monitor.progress(cur_epoch, raw_word_count)

    class _EpochEnd(CallbackAny2Vec):
        def __init__(self):
            self.epoch = 0

        def on_epoch_end(self, model):
            monitor.end_epoch(self.epoch, ordered(model.wv.vectors), ordered(model.syn1neg))
            self.epoch += 1

    vocab = prepared.vocab
    model = _Word2Vec(vector_size=config.vector_size, window=config.window, min_count=1,
                      sample=config.sample, negative=config.negative, hs=0, sg=1,
                      alpha=config.alpha, min_alpha=config.min_alpha, epochs=config.epochs,
                      workers=config.workers, seed=config.seed, sorted_vocab=1)
    quiet = logging.getLogger("gensim")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())),
                                    corpus_count=prepared.sentences)
        # gensim orders ties in frequency its own way: map its rows back to embedkit's order.
        rows = np.array([model.wv.key_to_index[w] for w in vocab.words], dtype=np.int64)

        def ordered(matrix):
            return matrix[rows]

        monitor.start(ordered(model.wv.vectors), ordered(model.syn1neg))
        model.train(corpus_file=str(prepared.path), total_words=prepared.total_words,
                    total_examples=prepared.sentences, epochs=config.epochs,
                    callbacks=[_EpochEnd()], report_delay=0.5, compute_loss=False)
    finally:
        quiet.setLevel(level)
    return ordered(model.wv.vectors), ordered(model.syn1neg)
