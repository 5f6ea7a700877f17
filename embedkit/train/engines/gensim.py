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
    """Train gensim's Word2Vec on the prepared corpus; returns (input, output) vectors (V, dim).

    Rows are in the vocabulary's order (`fit` maps gensim's back).
    """
    model, ordered = fit("Word2Vec", prepared, config, monitor, lambda model, ordered: ordered(model.wv.vectors),
                         hs=0, sg=1)
    return ordered(model.wv.vectors), ordered(model.syn1neg)


def fit(name, prepared, config, monitor, input_of, **options):
    """Build gensim's `name` model on embedkit's vocabulary and train it on the corpus file.

    Progress goes to `monitor`, and at the start and every epoch's end the input vectors
    `input_of(model, ordered)` and the output vectors. gensim orders ties in frequency its own
    way; `ordered(matrix)` puts a matrix of gensim's rows in the vocabulary's order.

    Args:
        name: "Word2Vec" or "FastText" (a class of gensim.models).
        prepared, config, monitor: as every engine's `train` takes them.
        input_of: what the monitor is given as input vectors, from the model and `ordered`.
        options: the model's own settings beyond the shared ones (sg, hs, min_n, ...).

    Returns:
        (the trained model, `ordered`).
    """
    import gensim.models
    from gensim.models.callbacks import CallbackAny2Vec

    class _Model(getattr(gensim.models, name)):
        def _log_progress(self, job_queue, progress_queue, cur_epoch, example_count, total_examples,
                          raw_word_count, total_words, trained_word_count, elapsed):
            monitor.progress(cur_epoch, raw_word_count)

    class _EpochEnd(CallbackAny2Vec):
        def __init__(self):
            self.epoch = 0

        def on_epoch_end(self, model):
            monitor.end_epoch(self.epoch, input_of(model, ordered), ordered(model.syn1neg))
            self.epoch += 1

    vocab = prepared.vocab
    model = _Model(vector_size=config.vector_size, window=config.window, min_count=1, sample=config.sample,
                   negative=config.negative, alpha=config.alpha, min_alpha=config.min_alpha,
                   epochs=config.epochs, workers=config.workers, seed=config.seed, sorted_vocab=1, **options)
    quiet = logging.getLogger("gensim")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())),
                                    corpus_count=prepared.sentences)
        rows = np.array([model.wv.key_to_index[w] for w in vocab.words], dtype=np.int64)

        def ordered(matrix):
            return matrix[rows]

        monitor.start(input_of(model, ordered), ordered(model.syn1neg))
        model.train(corpus_file=str(prepared.path), total_words=prepared.total_words,
                    total_examples=prepared.sentences, epochs=config.epochs,
                    callbacks=[_EpochEnd()], report_delay=0.5, compute_loss=False)
    finally:
        quiet.setLevel(level)
    return model, ordered
