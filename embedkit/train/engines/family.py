"""The native engine for the whole word2vec family: skip-gram or CBOW, with NS, HS or both.

The corpus, its pieces, the threads, the random streams and the learning rates are the native
engine's (`engines.native`: the corpus encoded once to memory-mapped word ids, pieces of whole
sentences trained by Hogwild threads, one stream per (seed, epoch, piece)); only the kernel
that trains a piece changes with the mode:

    skip-gram, NS alone, windows shrinking   native_kernels.train_piece (the existing engine)
    skip-gram, any other                     family_kernels.train_piece_sg
    CBOW                                     family_kernels.train_piece_cbow

With hierarchical softmax and more than one thread, each thread trains its own copy of the
`HOT_ROWS` heaviest inner nodes of the tree (the top of every path) and adds what it moved them
by to the shared rows every `HOT_PERIOD` center words and at the end of each piece
(`family_kernels.sync_hot`): written by every center word, those rows would otherwise move
between the cores' caches at every step (bench/family_profile.py: two threads cost 1.6x to 2.9x
the CPU of one per center word without the copies, 7-10% more with them). One thread trains on
the shared rows themselves.

Modes are chosen by `FamilyOptions` (gensim's names: sg, cbow_mean, hs, ns_exponent,
shrink_windows) together with the config's `negative` (0 allowed only with hs).

The per-epoch loss reported to the monitor is the loss the mode trains, in float64, mean per
example of a fixed sample:

* skip-gram: the monitor's sample of (context, center, negatives) triples (`train.LossSample`);
  NS: -log sigmoid(v . u_o) - sum_j log sigmoid(-v . u_nj); HS: the path loss of the center
  word o from the context's input vector v, -log prod_d sigmoid((1 - 2 code_d) v . syn1[point_d])
  = sum_d log(1 + exp(-(1 - 2 code_d) v . syn1[point_d])) (logaddexp, so stable); both: the sum.
* CBOW: windows drawn once with the seed from the encoded corpus as training draws them
  (subsampled words, the window's reach drawn when shrinking), as many as the config's
  loss_pairs; v is the window's mean or sum, the loss as above for its center word.

When the negative-sampling noise exponent is not 0.75 the sample's negatives are drawn again
from the trained noise distribution.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ...errors import EmbedkitError
from ..huffman import HuffmanTree, huffman_tree
from . import native

LOSS_CHUNK = 1024   # sample rows whose path vectors are gathered at once (float64, chunk x depth x D)
HOT_ROWS = 1024     # HS with several threads: the heaviest inner nodes each thread trains a copy of
HOT_PERIOD = 1024   # center words between two syncs of a thread's copy with the shared rows


@dataclass
class FamilyOptions:
    """Which member of the family trains; names and defaults are gensim's.

    Attributes:
        sg: skip-gram (True) or CBOW (False).
        cbow_mean: CBOW's input is the mean of the window's vectors (True) or their sum.
        hs: hierarchical softmax over the Huffman tree of the counts.
        ns_exponent: the noise distribution is counts ** ns_exponent (negative sampling).
        shrink_windows: each window's reach is drawn in 1..window; else always `window`.
    """

    sg: bool = True
    cbow_mean: bool = True
    hs: bool = False
    ns_exponent: float = 0.75
    shrink_windows: bool = True

    @classmethod
    def from_config(cls, config) -> "FamilyOptions":
        """The options a config carries (fields of these names), defaults for those it lacks."""
        defaults = cls()
        return cls(**{name: getattr(config, name, getattr(defaults, name))
                      for name in ("sg", "cbow_mean", "hs", "ns_exponent", "shrink_windows")})

    def check(self, negative: int) -> None:
        """Raise `EmbedkitError` on a combination nothing can train.

        Raises:
            EmbedkitError: negative below 0, negative 0 without hs, or a non-finite ns_exponent.

        Example:
            >>> FamilyOptions(hs=False).check(0)
            Traceback (most recent call last):
            ...
            embedkit.errors.EmbedkitError: negative 0 needs hs (hierarchical softmax): with neither, nothing is trained
        """
        if negative < 0:
            raise EmbedkitError(f"negative must be 0 or more, got {negative}")
        if negative == 0 and not self.hs:
            raise EmbedkitError("negative 0 needs hs (hierarchical softmax): with neither, nothing is trained")
        if not math.isfinite(self.ns_exponent):
            raise EmbedkitError(f"ns-exponent must be a finite number, got {self.ns_exponent}")

    def plain(self, negative: int) -> bool:
        """Skip-gram with negative sampling alone, shrinking windows and unigram^0.75 noise
        (what `engines.native` trains)."""
        return self.sg and not self.hs and negative > 0 and self.shrink_windows and self.ns_exponent == 0.75

    def mode(self, negative: int) -> str:
        """A short name: sg-ns, sg-hs, sg-ns+hs, cbow-ns, cbow-hs, cbow-ns+hs."""
        parts = [p for p, on in (("ns", negative > 0), ("hs", self.hs)) if on]
        return ("sg-" if self.sg else "cbow-") + "+".join(parts)


@dataclass(eq=False)
class FamilyWeights:
    """Everything training moves, and the tree HS walks.

    Attributes:
        w_in: (V, D) float32 input vectors: the word vectors.
        syn1neg: (V, D) float32 NS output vectors, or None without NS.
        syn1: (V - 1, D) float32 HS output vectors, one per inner node of `tree`, or None.
        tree: the Huffman tree of the vocabulary's counts, or None without HS.
    """

    w_in: np.ndarray
    syn1neg: np.ndarray | None
    syn1: np.ndarray | None
    tree: HuffmanTree | None


# -- the kernel: what one thread calls per piece -----------------------------------------------

class _FamilyKernel:
    """A piece trainer with `native._Kernel`'s interface (corpus, scratch(), call), for `native._run_epoch`."""

    def __init__(self, corpus, weights: FamilyWeights, keep, alias_threshold, alias_index, config, options):
        from . import family_kernels
        from .native_kernels import sigmoid_table, train_piece

        self.corpus, self.weights, self.config, self.options = corpus, weights, config, options
        self.keep, self.alias_threshold, self.alias_index = keep, alias_threshold, alias_index
        self.table = sigmoid_table()
        dim = weights.w_in.shape[1]
        self.w_out = weights.syn1neg if weights.syn1neg is not None else np.zeros((1, dim), np.float32)
        self.syn1 = weights.syn1 if weights.syn1 is not None else np.zeros((1, dim), np.float32)
        tree = weights.tree
        if tree is None:
            self.tree_arrays = (np.zeros(2, np.int64), np.zeros(0, np.uint8), np.zeros(0, np.int32))
        else:
            self.tree_arrays = (tree.offsets, tree.codes, tree.points)
        self.depth = tree.max_depth if tree is not None else 0
        self.hot = min(HOT_ROWS, self.syn1.shape[0]) if options.hs and config.workers > 1 else 0
        self.period = HOT_PERIOD
        lengths = np.diff(corpus.starts)
        self.longest = int(lengths.max()) if lengths.size else 0
        if options.sg and not options.hs and options.shrink_windows:
            self.function, self.extra = train_piece, False
        else:
            self.function = family_kernels.train_piece_sg if options.sg else family_kernels.train_piece_cbow
            self.extra = True

    def scratch(self):
        c = self.config
        block = max(2, 2 * c.window)
        width = max(1 + c.negative, self.depth, 1)
        return (np.empty(max(1, self.longest), np.int32), np.empty(block, np.int32),
                np.empty(1 + c.negative, np.int32), np.empty((block, width), np.float32),
                np.empty((block, c.vector_size), np.float32), np.empty(1 + c.negative, np.float32),
                np.empty(max(1, self.depth), np.int32), np.empty(max(1, self.depth), np.float32),
                np.empty((self.hot, c.vector_size), np.float32), np.empty((self.hot, c.vector_size), np.float32),
                np.array([0, self.period], np.int64))

    def __call__(self, first, stop, words_before, seed, scratch) -> int:
        c, corpus, o = self.config, self.corpus, self.options
        arguments = (corpus.ids, corpus.starts, corpus.raw_before, first, stop, self.weights.w_in, self.w_out,
                     self.keep, self.alias_threshold, self.alias_index, self.table, c.window, c.negative,
                     float(c.alpha), float(c.min_alpha), words_before, c.epochs * corpus.total_words, seed,
                     *scratch[:5])
        if not self.extra:
            return self.function(*arguments)
        more = (self.syn1, *self.tree_arrays, bool(o.hs), bool(o.shrink_windows), *scratch[5:])
        if o.sg:
            return self.function(*arguments, *more)
        return self.function(*arguments, *more, bool(o.cbow_mean))


def compile_family_kernels(config, options: FamilyOptions) -> tuple[float, str]:
    """Compile the kernel of this mode, or load it from numba's cache, on a 4-word corpus.

    Returns (seconds, how), how as `native.compile_kernels` says it.
    """
    started = time.perf_counter()
    ids = native._read_only(np.array([0, 1, 0, 1], np.int32))
    bounds = native._read_only(np.array([0, 4], np.int64))
    corpus = native.EncodedCorpus(ids, bounds, bounds)
    weights = _initial_weights(np.array([2, 2]), config, options, seed=0)
    from .native_kernels import alias_table

    kernel = _FamilyKernel(corpus, weights, native.keep_thresholds(np.ones(2)), *alias_table(np.array([0.5, 0.5])),
                           config, options)
    function = kernel.function
    before = len(function.signatures), sum(function.stats.cache_hits.values())
    kernel(0, 1, 0, native.piece_seed(0, 0, 0), kernel.scratch())
    after = len(function.signatures), sum(function.stats.cache_hits.values())
    how = "already loaded" if after[0] == before[0] else "loaded from cache" if after[1] > before[1] else "compiled"
    return time.perf_counter() - started, how


def _initial_weights(counts, config, options, seed, start=None) -> FamilyWeights:
    """word2vec's start (input vectors uniform in +-0.5/D, output weights zero), or `start`'s
    weights (`train.resume.StartWeights`) where it has them."""
    w_in, w_out = native.initial_vectors(len(counts), config.vector_size, seed)
    tree = huffman_tree(counts) if options.hs else None
    syn1 = np.zeros((tree.inner_nodes, config.vector_size), np.float32) if tree is not None else None
    if start is not None:
        w_in = np.array(start.w_in, dtype=np.float32, order="C")   # writable, whatever it was
        if start.syn1neg is not None:
            w_out = np.array(start.syn1neg, dtype=np.float32, order="C")
        if syn1 is not None and start.syn1 is not None:
            syn1 = np.array(start.syn1, dtype=np.float32, order="C")
    return FamilyWeights(w_in, w_out if config.negative > 0 else None, syn1, tree)


# -- training -----------------------------------------------------------------------------------

def train_family(prepared, config, monitor, options: FamilyOptions | None = None) -> FamilyWeights:
    """Train the mode `options` chooses (default: from the config's fields) on a prepared corpus.

    Args:
        prepared: `train.PreparedCorpus` (the tokenised copy, the vocabulary, the loss sample).
        config: `train.SkipGramConfig` (vector_size, window, negative, alpha, epochs, workers, ...).
        monitor: `train.Monitor`, or anything with its say/start/progress/end_epoch methods; when
            it has a `loss_function` attribute it is set to this mode's loss, and `start` and
            `end_epoch` receive the `FamilyWeights` as their output vectors.
        options: `FamilyOptions`; None reads them from the config (`FamilyOptions.from_config`).

    Returns:
        FamilyWeights: the input vectors (rows in vocabulary order) and the output weights.

    Raises:
        EmbedkitError: a bad combination (`FamilyOptions.check`), a code too long for the tree, or
            an error writing the encoded corpus.
    """
    from .native_kernels import alias_table

    options = options or FamilyOptions.from_config(config)
    options.check(config.negative)
    seconds, how = compile_family_kernels(config, options)
    monitor.say(f"native kernels ({options.mode(config.negative)}) {how} in {seconds:.1f} s")
    corpus = native.word_ids(prepared, monitor)
    if hasattr(monitor, "engine_info"):
        monitor.engine_info.update(compile_seconds=round(seconds, 3), kernels=how, mode=options.mode(config.negative))

    vocab = prepared.vocab
    weights = _initial_weights(vocab.counts, config, options, config.seed, getattr(prepared, "initial", None))
    if hasattr(monitor, "training_state"):   # what a saved model keeps for continued training
        monitor.training_state.update({name: array for name, array in
                                       (("syn1neg", weights.syn1neg), ("syn1", weights.syn1)) if array is not None})
    thresholds, aliases = alias_table(vocab.noise_distribution(options.ns_exponent))
    kernel = _FamilyKernel(corpus, weights, native.keep_thresholds(vocab.keep_probabilities(config.sample)),
                           thresholds, aliases, config, options)
    outputs = weights.syn1neg if weights.syn1neg is not None else weights.syn1
    if hasattr(monitor, "loss_function"):
        monitor.loss_function = FamilyLoss(prepared, corpus, config, options, weights.tree)
        outputs = weights
    pieces = corpus.pieces()
    total = corpus.total_words
    monitor.start(weights.w_in, outputs)
    for epoch in range(config.epochs):
        native._run_epoch(kernel, pieces, epoch, config, monitor, total)
        monitor.end_epoch(epoch, weights.w_in, outputs)
    return weights


def train(prepared, config, monitor):
    """The engine interface (`embedkit.engines`): (input vectors, NS output vectors, else HS's)."""
    weights = train_family(prepared, config, monitor)
    return weights.w_in, weights.syn1neg if weights.syn1neg is not None else weights.syn1


# -- the loss ------------------------------------------------------------------------------------

class FamilyLoss:
    """The mean loss of a mode on a fixed sample, float64: `loss(w_in, weights, _sample)`.

    Called as the monitor calls its loss function (input vectors, output weights, the monitor's
    sample); the sample used is the one fixed here (see the module's docstring).
    """

    def __init__(self, prepared, corpus, config, options: FamilyOptions, tree: HuffmanTree | None):
        rng = np.random.default_rng([config.seed, 15])
        self.options, self.tree, self.negative = options, tree, config.negative
        vocab = prepared.vocab
        if options.sg:
            sample = prepared.loss_sample
            self.inputs = sample.inputs[:, None]              # (N, 1) context words
            self.counts = np.ones(len(sample), np.int64)
            self.words = sample.outputs                       # (N,) center words
            negatives = sample.negatives
        else:
            self.inputs, self.counts, self.words = cbow_windows(corpus, vocab, config, options, rng)
            negatives = np.zeros((self.words.shape[0], config.negative), np.int64)
        if config.negative and (not options.sg or options.ns_exponent != 0.75):
            negatives = rng.choice(len(vocab), size=(self.words.shape[0], config.negative),
                                   p=vocab.noise_distribution(options.ns_exponent)).astype(np.int64)
        self.negatives = negatives

    def __len__(self) -> int:
        return int(self.words.shape[0])

    @property
    def sample_description(self) -> str:
        """What the sample holds, for the monitor's first line: 'N sampled pairs' or 'N sampled windows'."""
        return f"{len(self)} sampled {'pairs' if self.options.sg else 'windows'}"

    def __call__(self, w_in, weights: FamilyWeights, _sample=None) -> float:
        if len(self) == 0:
            return float("nan")
        total = 0.0
        for start in range(0, len(self), LOSS_CHUNK):
            rows = slice(start, start + LOSS_CHUNK)
            inputs, counts = self.inputs[rows], self.counts[rows]
            h = np.where(inputs[..., None] >= 0, w_in[np.maximum(inputs, 0)].astype(np.float64), 0.0).sum(axis=1)
            if not self.options.sg and self.options.cbow_mean:
                h /= counts[:, None]                                          # (n, D)
            words = self.words[rows]
            if weights.syn1neg is not None and self.negative:
                total += ns_loss(h, weights.syn1neg, words, self.negatives[rows]).sum()
            if weights.syn1 is not None:
                total += hs_loss(h, weights.syn1, self.tree, words).sum()
        return total / len(self)


def ns_loss(h: np.ndarray, w_out: np.ndarray, words: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """Per example: -log sigmoid(h . u_o) - sum_j log sigmoid(-h . u_nj), negatives equal to o left out."""
    positive = np.einsum("nd,nd->n", h, w_out[words].astype(np.float64))
    negative = np.einsum("nd,nkd->nk", h, w_out[negatives].astype(np.float64))
    counted = negatives != words[:, None]
    return np.logaddexp(0.0, -positive) + (np.logaddexp(0.0, negative) * counted).sum(axis=1)


def hs_loss(h: np.ndarray, syn1: np.ndarray, tree: HuffmanTree, words: np.ndarray) -> np.ndarray:
    """Per example: -log prod_d sigmoid((1 - 2 code_d) h . syn1[point_d]) along the word's path, float64."""
    depth = (tree.offsets[words + 1] - tree.offsets[words])                  # (n,)
    longest = int(depth.max()) if depth.size else 0
    step = np.arange(longest)
    valid = step[None, :] < depth[:, None]                                      # (n, L)
    at = np.where(valid, tree.offsets[words][:, None] + step[None, :], 0)
    points = np.where(valid, tree.points[at] if tree.points.size else 0, 0)
    signs = 1.0 - 2.0 * (tree.codes[at] if tree.codes.size else np.zeros_like(at))
    logits = np.einsum("nd,nld->nl", h, syn1[points].astype(np.float64))       # (n, L)
    return (np.logaddexp(0.0, -signs * logits) * valid).sum(axis=1)


def cbow_windows(corpus, vocab, config, options: FamilyOptions, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Up to `config.loss_pairs` CBOW windows drawn as training draws them.

    A position of the encoded corpus is drawn uniformly and kept with its word's subsampling
    keep-probability; its window's reach is drawn in 1..window when shrinking; the words around
    it are walked outward within the sentence, each kept with its keep-probability, until
    `reach` are kept on each side. Positions without any context are drawn again (at most 20
    draws per window wanted).

    Returns:
        (contexts (N, 2 window) int64 padded with -1, counts (N,) int64, centers (N,) int64).
    """
    keep = vocab.keep_probabilities(config.sample)
    ids, starts = corpus.ids, corpus.starts
    wanted = config.loss_pairs if ids.shape[0] else 0
    width = 2 * config.window
    contexts = np.full((wanted, width), -1, np.int64)
    counts = np.zeros(wanted, np.int64)
    centers = np.zeros(wanted, np.int64)
    found = 0
    for _ in range(20 * wanted):
        if found == wanted:
            break
        p = int(rng.integers(0, ids.shape[0]))
        if rng.random() >= keep[ids[p]]:
            continue
        s = int(np.searchsorted(starts, p, side="right") - 1)
        reach = int(rng.integers(1, config.window + 1)) if options.shrink_windows else config.window
        n = 0
        for direction, bound in ((-1, starts[s] - 1), (1, starts[s + 1])):
            kept, q = 0, p + direction
            while kept < reach and q != bound:
                if rng.random() < keep[ids[q]]:
                    contexts[found, n] = ids[q]
                    n += 1
                    kept += 1
                q += direction
        if n:
            counts[found], centers[found] = n, ids[p]
            found += 1
        else:
            contexts[found] = -1
    return contexts[:found], counts[:found], centers[:found]
