"""The gensim engine: gensim's Word2Vec on embedkit's vocabulary, any member of the family.

gensim reads the tokenised corpus copy in its `corpus_file` mode (each worker thread reads its
own part of the file, without the Python job queue), with the vocabulary embedkit counted, so
no second counting pass is needed. Skip-gram or CBOW (`cbow_mean`), negative sampling and/or
hierarchical softmax, `ns_exponent` and `shrink_windows` are passed on under their gensim names.
Progress and epoch ends are forwarded to the `Monitor`; gensim's own loss tally is not used:
outside skip-gram with negative sampling alone, the monitor measures the mode's loss
(`family.FamilyLoss`) on gensim's own Huffman tree.

Given start weights (`prepared.initial`: continued training or `--init`) are copied into
gensim's arrays before training; hierarchical softmax's node vectors go through
`resume.carry_inner_nodes`, since gensim builds its tree on its own order of tied words. The
output weights are kept for continued training the same way.
"""

from __future__ import annotations

import logging

import numpy as np


def train(prepared, config, monitor):
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    from ..huffman import huffman_tree
    from ..resume import carry_inner_nodes
    from .family import FamilyLoss, FamilyOptions, FamilyWeights

    class _Word2Vec(Word2Vec):
        def _log_progress(self, job_queue, progress_queue, cur_epoch, example_count, total_examples,
                          raw_word_count, total_words, trained_word_count, elapsed):
            monitor.progress(cur_epoch, raw_word_count)

    class _EpochEnd(CallbackAny2Vec):
        def __init__(self):
            self.epoch = 0

        def on_epoch_end(self, model):
            monitor.end_epoch(self.epoch, *weights(model))
            self.epoch += 1

    options = FamilyOptions.from_config(config)
    options.check(config.negative)
    vocab = prepared.vocab
    model = _Word2Vec(vector_size=config.vector_size, window=config.window, min_count=1,
                      sample=config.sample, negative=config.negative, hs=int(options.hs), sg=int(options.sg),
                      cbow_mean=int(options.cbow_mean), ns_exponent=options.ns_exponent,
                      shrink_windows=options.shrink_windows, alpha=config.alpha, min_alpha=config.min_alpha,
                      epochs=config.epochs, workers=config.workers, seed=config.seed, sorted_vocab=1)
    quiet = logging.getLogger("gensim")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())),
                                    corpus_count=prepared.sentences)
        # gensim orders ties in frequency its own way: map its rows back to embedkit's order.
        rows = np.array([model.wv.key_to_index[w] for w in vocab.words], dtype=np.int64)
        tree = gensim_tree(model, rows) if options.hs else None
        ours = huffman_tree(vocab.counts) if options.hs else None
        negative = config.negative > 0
        start = getattr(prepared, "initial", None)
        if start is not None:
            model.wv.vectors[rows] = start.w_in
            if negative and start.syn1neg is not None:
                model.syn1neg[rows] = start.syn1neg
            if options.hs and start.syn1 is not None:
                model.syn1[:] = carry_inner_nodes(ours, start.syn1, tree, len(vocab))[0]

        plain = options.plain(config.negative)
        if not plain:
            corpus = None
            if not options.sg:  # CBOW's loss windows are drawn from the corpus as word ids
                from .native import encode

                corpus = encode(prepared.path, vocab, prepared.path.parent)
            monitor.loss_function = FamilyLoss(prepared, corpus, config, options, tree)

        def weights(model):
            w_in = model.wv.vectors[rows]
            syn1neg = model.syn1neg[rows] if negative else None
            if plain:
                return w_in, syn1neg
            return w_in, FamilyWeights(w_in, syn1neg, model.syn1 if options.hs else None, tree)

        monitor.start(*weights(model))
        model.train(corpus_file=str(prepared.path), total_words=prepared.total_words,
                    total_examples=prepared.sentences, epochs=config.epochs,
                    callbacks=[_EpochEnd()], report_delay=0.5, compute_loss=False)
    finally:
        quiet.setLevel(level)
    if negative:
        monitor.training_state["syn1neg"] = model.syn1neg[rows]
    if options.hs:  # in embedkit's tree, which continued training rebuilds from the counts
        monitor.training_state["syn1"] = carry_inner_nodes(tree, model.syn1, ours, len(vocab))[0]
    outputs = model.syn1neg[rows] if negative else model.syn1
    return model.wv.vectors[rows], outputs


def gensim_tree(model, rows: np.ndarray):
    """The Huffman tree gensim built (its codes and points), in embedkit's word order.

    `rows[i]` is gensim's row of embedkit's word i; the points are rows of gensim's `syn1`.
    """
    from ..huffman import HuffmanTree

    codes = model.wv.expandos["code"]
    points = model.wv.expandos["point"]
    lengths = np.array([len(codes[r]) for r in rows], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat_codes = np.concatenate([np.asarray(codes[r], np.uint8) for r in rows]) if len(rows) else np.zeros(0, np.uint8)
    flat_points = np.concatenate([np.asarray(points[r], np.int32) for r in rows]) if len(rows) else np.zeros(0, np.int32)
    return HuffmanTree(offsets, flat_codes, flat_points)
