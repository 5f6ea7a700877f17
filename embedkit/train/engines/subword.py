"""The native engine with subwords: fastText's skip-gram model on the whole-word engine's machinery.

The corpus encoding, the pieces, their seeds, the worker threads and Ctrl-C handling are the
native engine's (`native.encode`, `EncodedCorpus.pieces`, `native.piece_seed`, the epoch loop);
only the kernel differs (`subword_kernels.train_piece`). The input matrix holds the vocabulary's
rows and the rows of the n-gram buckets its words use (`subwords.subword_rows`, compact): its
size depends on the vocabulary and the n-gram settings, never on the corpus size.

The monitor sees the model itself (a `SubwordModel` over the input matrix being trained): its
loss is computed on the composed input vectors (each word's row and n-gram rows averaged), so the
per-epoch loss is the true loss of the model on the fixed sample, and checkpoints hold the
n-grams and the vectors a user would get.
"""

from __future__ import annotations

import time

import numpy as np

from ...subwords import NgramSettings, SubwordModel, SubwordRows, subword_rows
from . import native


def initial_vectors(rows: int, vocab_size: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """fastText's start: all input rows uniform in [-1/dim, 1/dim), output vectors zero.

    Returns (input (rows, dim), output (vocab_size, dim)), float32.
    """
    rng = np.random.default_rng(seed)
    w_in = rng.random((rows, dim), dtype=np.float32)
    w_in *= np.float32(2.0)
    w_in -= np.float32(1.0)
    w_in /= np.float32(dim)
    return w_in, np.zeros((vocab_size, dim), dtype=np.float32)


class _Kernel:
    """Everything the subword `train_piece` needs besides the piece itself, and one thread's scratch.

    Called as `native._Kernel` is, so the native engine's epoch loop runs it.
    """

    def __init__(self, corpus: native.EncodedCorpus, w_in, w_out, rows: SubwordRows, keep,
                 alias_threshold, alias_index, config, normalize: bool = False, shared_negatives: bool = False):
        from .native_kernels import sigmoid_table
        from .subword_kernels import train_piece

        self.function = train_piece
        self.table = sigmoid_table()
        self.corpus = corpus
        self.w_in, self.w_out = w_in, w_out
        self.offsets, self.rows = native._read_only(rows.offsets), native._read_only(rows.rows)
        self.normalize, self.shared_negatives = bool(normalize), bool(shared_negatives)
        self.keep, self.alias_threshold, self.alias_index = keep, alias_threshold, alias_index
        self.config = config
        lengths = np.diff(corpus.starts)
        self.longest = int(lengths.max()) if lengths.size else 0

    def scratch(self):
        c = self.config
        block = 2 * c.window * (1 + c.negative)
        return (np.empty(max(1, self.longest), dtype=np.int32), np.empty(block, dtype=np.int32),
                np.empty(block, dtype=np.float32), *(np.empty(c.vector_size, dtype=np.float32) for _ in range(3)))

    def __call__(self, first, stop, words_before, seed, scratch) -> int:
        c, corpus = self.config, self.corpus
        return self.function(corpus.ids, corpus.starts, corpus.raw_before, first, stop, self.w_in, self.w_out,
                             self.offsets, self.rows, self.normalize, self.shared_negatives, self.keep,
                             self.alias_threshold, self.alias_index, self.table, c.window, c.negative, float(c.alpha),
                             float(c.min_alpha), words_before, c.epochs * corpus.total_words, seed, *scratch)


def compile_kernels(config) -> tuple[float, str]:
    """Compile the subword kernel, or load it from numba's cache, on a 4-word corpus of the real types.

    Returns (seconds, how) as `native.compile_kernels` does.
    """
    from .native_kernels import alias_table
    from .subword_kernels import train_piece

    started = time.perf_counter()
    before = len(train_piece.signatures), sum(train_piece.stats.cache_hits.values())
    ids, bounds = native._read_only(np.array([0, 1, 0, 1], np.int32)), native._read_only(np.array([0, 4], np.int64))
    corpus = native.EncodedCorpus(ids, bounds, bounds)
    rows = subword_rows(["ab", "ba"], NgramSettings(3, 3, 10))
    w_in, w_out = initial_vectors(2 + rows.buckets.size, 2, config.vector_size, 0)
    kernel = _Kernel(corpus, w_in, w_out, rows, native.keep_thresholds(np.ones(2)),
                     *alias_table(np.array([0.5, 0.5])), config)
    kernel(0, 1, 0, native.piece_seed(0, 0, 0), kernel.scratch())
    after = len(train_piece.signatures), sum(train_piece.stats.cache_hits.values())
    how = "already loaded" if after[0] == before[0] else "loaded from cache" if after[1] > before[1] else "compiled"
    return time.perf_counter() - started, how


def train(prepared, config, monitor, settings: NgramSettings, normalize: bool = False,
          shared_negatives: bool = False) -> tuple[SubwordModel, np.ndarray]:
    """Train skip-gram with character n-grams on a prepared corpus.

    Args:
        prepared: the corpus after the counting pass (`train.prepare`).
        config: a `SkipGramConfig` (window, negative, sample, alpha, epochs, workers, seed).
        monitor: what progress and epoch ends are reported to (`train.Monitor`).
        settings: n-gram lengths and bucket count.
        normalize: divide each center word's input gradient by its number of rows (the exact
            gradient) instead of giving every row all of it, as fastText does.
        shared_negatives: draw the noise words once per window and take one step per center word
            (`subword_kernels.subword_block`: faster, worse vectors) instead of fresh noise words
            and one step per pair (`pair_steps`, fastText's updates).

    Returns:
        (the trained `SubwordModel`, the output vectors (V, dim) float32).

    Raises:
        KeyboardInterrupt: after the running pieces, as the native engine does.

    Example:
        >>> model, w_out = train(prepared, SkipGramConfig(), monitor, NgramSettings())  # doctest: +SKIP
        >>> model.vector("unfriendliness")                                               # doctest: +SKIP
    """
    from .native_kernels import alias_table

    settings.check()
    seconds, how = compile_kernels(config)
    monitor.say(f"subword kernels {how} in {seconds:.1f} s")
    started = time.perf_counter()
    corpus = native.word_ids(prepared, monitor)
    encode_seconds = time.perf_counter() - started
    vocab = prepared.vocab
    started = time.perf_counter()
    rows = subword_rows(vocab.words, settings)
    ngram_seconds = time.perf_counter() - started
    monitor.say(f"subwords: corpus encoded in {encode_seconds:.1f} s; {len(vocab):,} words use "
                f"{rows.buckets.size:,} of {settings.bucket:,} n-gram buckets ({ngram_seconds:.1f} s)")
    if hasattr(monitor, "engine_info"):
        monitor.engine_info.update(compile_seconds=round(seconds, 3), kernels=how,
                                   encode_seconds=round(encode_seconds, 3), ngram_seconds=round(ngram_seconds, 3),
                                   ngram_rows=int(rows.buckets.size))

    w_in, w_out = initial_vectors(len(vocab) + rows.buckets.size, len(vocab), config.vector_size, config.seed)
    thresholds, aliases = alias_table(vocab.noise_distribution(config.ns_exponent))
    kernel = _Kernel(corpus, w_in, w_out, rows, native.keep_thresholds(vocab.keep_probabilities(config.sample)),
                     thresholds, aliases, config, normalize, shared_negatives)
    pieces = corpus.pieces()
    total = corpus.total_words
    model = SubwordModel(vocab.words, w_in, settings, rows.buckets, rows)
    monitor.start(model, w_out)
    for epoch in range(config.epochs):
        native._run_epoch(kernel, pieces, epoch, config, monitor, total)
        monitor.end_epoch(epoch, model, w_out)
    return model, w_out
