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
    """Train gensim's Word2Vec on the prepared corpus; returns (input, output) vectors.

    The output vectors are negative sampling's (V, dim), or hierarchical softmax's (V - 1, dim)
    in gensim's tree without negative sampling. Rows are in the vocabulary's order (`fit` maps
    gensim's back).
    """
    from ..huffman import huffman_tree
    from ..resume import carry_inner_nodes
    from .family import FamilyLoss, FamilyOptions, FamilyWeights

    options = FamilyOptions.from_config(config)
    options.check(config.negative)
    vocab = prepared.vocab
    negative, plain = config.negative > 0, options.plain(config.negative)
    ours = huffman_tree(vocab.counts) if options.hs else None
    trees = {}

    def before(model, rows):
        tree = trees["gensim"] = gensim_tree(model, rows) if options.hs else None
        start = getattr(prepared, "initial", None)
        if start is not None:
            model.wv.vectors[rows] = start.w_in
            if negative and start.syn1neg is not None:
                model.syn1neg[rows] = start.syn1neg
            if options.hs and start.syn1 is not None:
                model.syn1[:] = carry_inner_nodes(ours, start.syn1, tree, len(vocab))[0]
        if not plain:
            from . import native

            corpus = None if options.sg else native.word_ids(prepared, monitor)  # CBOW's loss windows
            monitor.loss_function = FamilyLoss(prepared, corpus, config, options, tree)

    def outputs_of(model, ordered):
        syn1neg = ordered(model.syn1neg) if negative else None
        if plain:
            return syn1neg
        return FamilyWeights(ordered(model.wv.vectors), syn1neg, model.syn1 if options.hs else None,
                             trees["gensim"])

    model, ordered = fit("Word2Vec", prepared, config, monitor, lambda model, ordered: ordered(model.wv.vectors),
                         outputs_of=outputs_of, before=before, hs=int(options.hs), sg=int(options.sg),
                         cbow_mean=int(options.cbow_mean), ns_exponent=options.ns_exponent,
                         shrink_windows=options.shrink_windows)
    if negative:
        monitor.training_state["syn1neg"] = ordered(model.syn1neg)
    if options.hs:  # in embedkit's tree, which continued training rebuilds from the counts
        monitor.training_state["syn1"] = carry_inner_nodes(trees["gensim"], model.syn1, ours, len(vocab))[0]
    return ordered(model.wv.vectors), ordered(model.syn1neg) if negative else model.syn1


def fit(name, prepared, config, monitor, input_of, outputs_of=None, before=None, **options):
    """Build gensim's `name` model on embedkit's vocabulary and train it on the corpus file.

    Progress goes to `monitor`, and at the start and every epoch's end the input vectors
    `input_of(model, ordered)` and the output vectors `outputs_of(model, ordered)` (default:
    negative sampling's). gensim orders ties in frequency its own way; `ordered(matrix)` puts a
    matrix of gensim's rows in the vocabulary's order.

    Args:
        name: "Word2Vec" or "FastText" (a class of gensim.models).
        prepared, config, monitor: as every engine's `train` takes them.
        input_of: what the monitor is given as input vectors, from the model and `ordered`.
        outputs_of: what it is given as output vectors, likewise.
        before: called as before(model, rows) once the vocabulary is built, before training;
            rows[i] is gensim's row of the vocabulary's word i.
        options: the model's own settings beyond the shared ones (sg, hs, min_n, ...).

    Returns:
        (the trained model, `ordered`).
    """
    import gensim.models
    from gensim.models.callbacks import CallbackAny2Vec

    outputs_of = outputs_of or (lambda model, ordered: ordered(model.syn1neg))

    class _Model(getattr(gensim.models, name)):
        def _log_progress(self, job_queue, progress_queue, cur_epoch, example_count, total_examples,
                          raw_word_count, total_words, trained_word_count, elapsed):
            monitor.progress(cur_epoch, raw_word_count)

    class _EpochEnd(CallbackAny2Vec):
        def __init__(self):
            self.epoch = 0

        def on_epoch_end(self, model):
            monitor.end_epoch(self.epoch, input_of(model, ordered), outputs_of(model, ordered))
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

        if before is not None:
            before(model, rows)
        monitor.start(input_of(model, ordered), outputs_of(model, ordered))
        model.train(corpus_file=str(prepared.path), total_words=prepared.total_words,
                    total_examples=prepared.sentences, epochs=config.epochs,
                    callbacks=[_EpochEnd()], report_delay=0.5, compute_loss=False)
    finally:
        quiet.setLevel(level)
    return model, ordered


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
