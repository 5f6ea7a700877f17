"""Skip-gram training: `SkipGramConfig` + `train_skipgram(corpus, config) -> Vectors`.

What happens, whatever the engine:

1. One streaming pass over the corpus tokenises it, counts the words, writes the tokens to a
   temporary file (one sentence per line, so every epoch and every engine reads the same
   sentences, and compressed or folder corpora are decompressed once) and keeps a reservoir of
   sentences for the loss sample (long ones in pieces of 200 tokens: at most 400,000 tokens).
2. The vocabulary is cut by `min_count` / `max_vocab`; a fixed *loss sample* of
   (input word, output word, negatives) triples is drawn once from the reservoir with the seed.
3. The engine trains; the `Monitor` draws the progress bar (words/s, lr, ETA) and, after each
   epoch, computes the true mean negative-sampling loss on the fixed sample in float64, so
   losses are comparable across epochs and engines. (gensim's own running loss is a float32
   tally that saturates; it is never reported.)
4. Ctrl-C stops cleanly: with `checkpoint_every` the output holds the last complete checkpoint,
   otherwise nothing is written.

The loss of one triple, with v the input vector of the context word, u the output vectors,
o the center word (the one predicted, as in word2vec.c and gensim) and n_1..n_k the negatives:
    -log sigmoid(v . u_o) - sum_j log sigmoid(-v . u_nj)
A negative equal to o contributes nothing, as word2vec skips it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import __version__
from .corpus import MAX_SENTENCE_LENGTH, Corpus, Vocab
from .errors import EmbedkitError
from .fsutil import scratch_folder, write_error
from .vectors import Vectors
from .windows import skipgram_pairs


@dataclass
class SkipGramConfig:
    """Options of skip-gram with negative sampling; names and defaults are gensim's."""

    vector_size: int = 100      # dimension of the word vectors
    window: int = 5             # maximum distance between center and context word
    min_count: int = 5          # ignore words seen fewer times than this
    max_vocab: int | None = None  # keep at most this many of the most frequent words
    sample: float = 1e-3        # subsampling threshold for frequent words (0 = off)
    negative: int = 5           # noise words drawn per (center, context) pair
    alpha: float = 0.025        # initial learning rate
    min_alpha: float = 0.0001   # learning rate reached, linearly, at the end of the last epoch
    epochs: int = 5             # passes over the corpus
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # training threads
    seed: int = 1               # seeds initial vectors, sampling and the loss sample
    engine: str = "native"      # which implementation trains: "native" (numba) or "gensim" (see ENGINES)
    lowercase: bool = True      # lower-case the corpus before tokenising
    max_sentence_length: int = MAX_SENTENCE_LENGTH  # longer lines are cut into pieces
    loss_pairs: int = 10_000    # size of the fixed sample the per-epoch loss is computed on

    def check(self) -> None:
        """Raise `EmbedkitError` on values no engine can train with."""
        positive = ("vector_size", "window", "min_count", "epochs", "workers", "max_sentence_length")
        for name in positive:
            if getattr(self, name) < 1:
                raise EmbedkitError(f"{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.negative < 1:
            raise EmbedkitError(f"negative must be at least 1 (negative sampling), got {self.negative}")
        if self.sample < 0:
            raise EmbedkitError(f"sample must be 0 or more, got {self.sample}")
        if not 0 < self.alpha or not 0 <= self.min_alpha <= self.alpha:
            raise EmbedkitError(f"need 0 <= min-alpha <= alpha and alpha > 0, got {self.min_alpha}, {self.alpha}")
        if self.max_vocab is not None and self.max_vocab < 1:
            raise EmbedkitError(f"max-vocab must be at least 1, got {self.max_vocab}")
        if self.engine not in ENGINES:
            raise EmbedkitError(f"unknown engine {self.engine!r}; choose from {', '.join(ENGINES)}")

    def learning_rate(self, progress: float) -> float:
        """Linearly decayed learning rate at `progress` (0..1) of the whole training run."""
        return max(self.min_alpha, self.alpha - (self.alpha - self.min_alpha) * progress)


# -- the corpus pass ----------------------------------------------------------------------------

@dataclass
class LossSample:
    """Fixed (input, output, negatives) word-id triples the per-epoch loss is measured on."""

    inputs: np.ndarray     # (N,) int64: context words, whose input vectors are used
    outputs: np.ndarray    # (N,) int64: center words, predicted through output vectors
    negatives: np.ndarray  # (N, k) int64: noise words

    def __len__(self) -> int:
        return int(self.inputs.shape[0])


@dataclass
class PreparedCorpus:
    """A corpus after the counting pass: what every engine trains from."""

    path: Path            # tokenised text: one sentence per line, tokens separated by one space
    vocab: Vocab
    total_words: int      # tokens in `path`, in the vocabulary or not
    sentences: int        # lines in `path`
    loss_sample: LossSample
    description: str      # where the corpus came from, for the metadata


# The loss sample's reservoir holds at most RESERVOIR_UNITS units of at most RESERVOIR_PIECE tokens:
# sentences, or pieces of longer ones. So it stays under 400,000 tokens whatever the lines' length,
# and every pair has the same chance of being sampled (see `prepare`).
RESERVOIR_UNITS = 2000
RESERVOIR_PIECE = 200


def prepare(corpus: Corpus, config: SkipGramConfig, workdir: Path,
            reservoir_size: int = RESERVOIR_UNITS, piece: int = RESERVOIR_PIECE) -> PreparedCorpus:
    """Stream `corpus` once: count words, write the tokenised copy, draw the loss sample.

    The loss sample comes from a uniform reservoir (Algorithm R) of `reservoir_size` units: each
    sentence of at most `piece` tokens is one unit, a longer one is cut into units of `piece`
    tokens. Every unit is equally likely to be kept and brings all its pairs, so every pair is
    (pairs across a cut, about 1% of a long sentence's, aside); the reservoir holds at most
    `reservoir_size * piece` tokens, however long the lines.

    Raises:
        EmbedkitError: the corpus holds no words, fewer than 2 words pass min-count, or there
            are no training pairs (no sentence holds two words that pass min-count).
    """
    rng = np.random.default_rng(config.seed)
    counter: Counter = Counter()
    reservoir: list[list[str]] = []
    sentences = units = pairable = 0
    path = workdir / "tokens.txt"
    what = "the tokenised copy of the corpus (--tmp-dir chooses its folder)"
    try:
        out = open(path, "w", encoding="utf-8")
    except OSError as error:
        raise write_error(path, error, what) from None
    try:
        for sentence in corpus:  # errors reading the corpus are not write errors: only writes are caught
            counter.update(sentence)
            try:
                out.write(" ".join(sentence))
                out.write("\n")
            except OSError as error:
                raise write_error(path, error, what) from None
            sentences += 1
            pairable += len(sentence) >= 2
            for start in range(0, len(sentence), piece):
                units += 1
                if len(reservoir) < reservoir_size:  # reservoir sampling (Algorithm R)
                    reservoir.append(sentence[start:start + piece])
                else:
                    j = int(rng.integers(0, units))
                    if j < reservoir_size:
                        reservoir[j] = sentence[start:start + piece]
        try:
            out.close()
        except OSError as error:
            raise write_error(path, error, what) from None
    finally:
        with contextlib.suppress(OSError):  # after an error: already reported
            out.close()
    total = sum(counter.values())
    if total == 0:
        raise EmbedkitError(f"{corpus.description}: the corpus holds no words")
    if not pairable:
        raise EmbedkitError(f"{corpus.description}: no training pairs: no line holds two words "
                            "(skip-gram learns from words that share a line)")
    vocab = Vocab.from_counter(counter, min_count=config.min_count, max_vocab=config.max_vocab,
                               total_words=total)
    if len(vocab) < 2:
        raise EmbedkitError(
            f"{corpus.description}: only {len(vocab)} word(s) occur at least min-count={config.min_count} "
            f"times in {total} tokens; lower --min-count or use a larger corpus")
    whole = units == sentences <= reservoir_size  # the reservoir holds every sentence, uncut
    if whole and not any(sum(t in vocab for t in unit) >= 2 for unit in reservoir):
        raise EmbedkitError(
            f"{corpus.description}: no training pairs: no line holds two words that occur at least "
            f"min-count={config.min_count} times; lower --min-count or use a larger corpus")
    sample = draw_loss_sample(reservoir, vocab, config, rng)
    return PreparedCorpus(path, vocab, total, sentences, sample, corpus.description)


def draw_loss_sample(sentences: list[list[str]], vocab: Vocab, config: SkipGramConfig,
                     rng: np.random.Generator) -> LossSample:
    """Up to `config.loss_pairs` triples, drawn as training draws them (subsampling, dynamic window):
    all pairs of `sentences`, then a uniform choice among them."""
    keep = vocab.keep_probabilities(config.sample)
    centers, contexts = [], []
    for sentence in sentences:
        center, context = skipgram_pairs(vocab.encode(sentence), config.window, keep_probability=keep, rng=rng)
        centers.append(center)
        contexts.append(context)
    center = np.concatenate(centers) if centers else np.zeros(0, np.int64)  # (P,) word ids, int32
    context = np.concatenate(contexts) if contexts else np.zeros(0, np.int64)
    del centers, contexts
    if center.shape[0] > config.loss_pairs:
        chosen = np.sort(rng.choice(center.shape[0], size=config.loss_pairs, replace=False))
        center, context = center[chosen], context[chosen]
    center, context = center.astype(np.int64), context.astype(np.int64)
    negatives = rng.choice(len(vocab), size=(center.shape[0], config.negative), p=vocab.noise_distribution())
    return LossSample(inputs=context, outputs=center, negatives=negatives.astype(np.int64))


def negative_sampling_loss(input_vectors: np.ndarray, output_vectors: np.ndarray,
                           sample: LossSample) -> float:
    """Mean negative-sampling loss per pair over `sample`, computed in float64."""
    if len(sample) == 0:
        return float("nan")
    v = input_vectors[sample.inputs].astype(np.float64)                    # (N, D)
    u_pos = output_vectors[sample.outputs].astype(np.float64)              # (N, D)
    u_neg = output_vectors[sample.negatives].astype(np.float64)            # (N, k, D)
    positive = np.einsum("nd,nd->n", v, u_pos)                             # (N,)
    negative = np.einsum("nd,nkd->nk", v, u_neg)                           # (N, k)
    counted = sample.negatives != sample.outputs[:, None]                  # (N, k)
    # -log sigmoid(x) = log(1 + exp(-x)) = logaddexp(0, -x), stable for large |x|
    loss = np.logaddexp(0.0, -positive) + (np.logaddexp(0.0, negative) * counted).sum(axis=1)
    return float(loss.mean())


# -- progress, loss and checkpoints ------------------------------------------------------------

class TrainingInterrupted(EmbedkitError):
    """Ctrl-C during training; says which epoch the checkpoint (if any) holds."""

    def __init__(self, epochs_completed: int, epochs: int, checkpoint: Path | None, checkpoint_epoch: int):
        self.epochs_completed = epochs_completed
        self.checkpoint = checkpoint
        self.checkpoint_epoch = checkpoint_epoch
        message = f"training interrupted after {epochs_completed} of {epochs} epochs"
        if checkpoint is not None and checkpoint_epoch:
            message += f"; {checkpoint} holds the checkpoint of epoch {checkpoint_epoch}"
        else:
            message += "; nothing was written"
        super().__init__(message)


class Monitor:
    """What engines report to: progress bar, per-epoch loss, checkpoints.

    Engines call `progress(epoch, words_done)` now and then (raw words of this epoch processed
    so far, 0-based epoch) and `end_epoch(epoch, input_vectors, output_vectors)` after each epoch.
    """

    def __init__(self, prepared: PreparedCorpus, config: SkipGramConfig, *, progress: bool = True,
                 checkpoint: Path | None = None, checkpoint_every: int = 0,
                 checkpoint_format: str | None = None, make_vectors: Callable | None = None,
                 stream=None):
        self.prepared = prepared
        self.config = config
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.checkpoint_format = checkpoint_format
        self.checkpoint_epoch = 0
        self.make_vectors = make_vectors
        self.stream = stream if stream is not None else sys.stderr
        self.engine_info: dict = {}  # what the engine reports for the metadata (compile time, ...)
        # (input vectors, output vectors, loss sample) -> the per-epoch loss; an engine training
        # another objective (hierarchical softmax, CBOW) sets its own
        self.loss_function: Callable = negative_sampling_loss
        self.epoch_losses: list[float] = []
        self.epoch_seconds: list[float] = []
        self.epoch_cpu_seconds: list[float] = []  # CPU time of the whole process (all threads)
        self.epochs_completed = 0
        self.initial_loss: float | None = None
        self._done_before = 0        # words of the finished epochs
        self._epoch_start = None
        self._epoch_cpu_start = None
        self._bar = None
        self.quiet = not progress
        if progress:
            from tqdm import tqdm

            self._bar = tqdm(total=config.epochs * prepared.total_words, unit="w", unit_scale=True,
                             file=self.stream, dynamic_ncols=True, smoothing=0.1, mininterval=0.5,
                             bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                        "[{elapsed}<{remaining}, {rate_fmt}{postfix}]")

    def say(self, line: str) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream)

    def start(self, input_vectors: np.ndarray, output_vectors: np.ndarray) -> None:
        """Before the first epoch: the loss of the initial vectors, for reference."""
        self.initial_loss = self.loss_function(input_vectors, output_vectors, self.prepared.loss_sample)
        self.say(f"epoch 0/{self.config.epochs}: loss {self.initial_loss:.4f} (initial vectors, "
                 f"{len(self.prepared.loss_sample)} sampled pairs)")
        self._epoch_start, self._epoch_cpu_start = time.perf_counter(), time.process_time()
        if self._bar is not None:
            self._bar.set_description_str(f"epoch 1/{self.config.epochs}")

    def progress(self, epoch: int, words_done: int) -> None:
        self._update(epoch, words_done)

    def _update(self, epoch: int, words_done: int) -> None:
        if self._bar is None:
            return
        total = self.prepared.total_words
        done = epoch * total + min(words_done, total)
        lr = self.config.learning_rate(done / (self.config.epochs * total))
        self._bar.set_description_str(f"epoch {epoch + 1}/{self.config.epochs}", refresh=False)
        self._bar.set_postfix_str(f"lr={lr:.5f}", refresh=False)
        self._bar.update(max(0, done - self._bar.n))

    def end_epoch(self, epoch: int, input_vectors: np.ndarray, output_vectors: np.ndarray) -> None:
        now = time.perf_counter()
        seconds = now - (self._epoch_start or now)
        self.epoch_seconds.append(seconds)
        cpu = time.process_time()
        self.epoch_cpu_seconds.append(cpu - (self._epoch_cpu_start or cpu))
        self._update(epoch, self.prepared.total_words)
        loss = self.loss_function(input_vectors, output_vectors, self.prepared.loss_sample)
        self.epoch_losses.append(loss)
        self.epochs_completed = epoch + 1
        rate = self.prepared.total_words / seconds if seconds > 0 else float("inf")
        self.say(f"epoch {epoch + 1}/{self.config.epochs}: loss {loss:.4f}  "
                 f"({rate / 1000:,.0f}k words/s, {seconds:.1f} s)")
        if (self.checkpoint is not None and self.checkpoint_every
                and (epoch + 1) % self.checkpoint_every == 0 and epoch + 1 < self.config.epochs):
            from . import io

            io.save(self.make_vectors(input_vectors, complete=False), self.checkpoint, self.checkpoint_format)
            self.checkpoint_epoch = epoch + 1
            self.say(f"checkpoint: {self.checkpoint} holds epoch {epoch + 1}")
        self._epoch_start, self._epoch_cpu_start = time.perf_counter(), time.process_time()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    @property
    def train_seconds(self) -> float:
        return float(sum(self.epoch_seconds))


# -- engines --------------------------------------------------------------------------------------

def _gensim_engine(prepared, config, monitor):
    from .engines.gensim import train

    return train(prepared, config, monitor)


def _native_engine(prepared, config, monitor):
    from .engines.native import train

    return train(prepared, config, monitor)


# name -> callable(prepared: PreparedCorpus, config, monitor) -> (input_vectors, output_vectors),
# both (len(vocab), vector_size) float32 with rows in vocab order.
ENGINES: dict[str, Callable] = {"native": _native_engine, "gensim": _gensim_engine}


def train_skipgram(corpus, config: SkipGramConfig | None = None, *, progress: bool = True,
                   checkpoint=None, checkpoint_every: int = 0, checkpoint_format: str | None = None,
                   workdir=None, stream=None) -> Vectors:
    """Train skip-gram with negative sampling on `corpus`; return the input vectors.

    Parameters
    ----------
    corpus : path, folder, list of paths, `Corpus`, or list of token lists
    config : SkipGramConfig (defaults are gensim's)
    progress : draw the progress bar and per-epoch loss lines on `stream` (stderr)
    checkpoint, checkpoint_every, checkpoint_format : every `checkpoint_every` epochs, save the
        vectors so far to `checkpoint` (atomically), so an interrupted run keeps the last one
    workdir : folder for the temporary tokenised copy of the corpus (default: system temp)

    Returns `Vectors` (most frequent word first) whose `meta` holds the config, the corpus, the
    per-epoch losses and the training speed. Raises `TrainingInterrupted` on Ctrl-C, and
    `EmbedkitError` naming the file when the temporary copy cannot be written (full disk, file
    size limit). The temporary folder (`fsutil.scratch_folder`) is removed however training
    ends; those of earlier runs that were killed are removed when the next one starts.
    """
    config = config or SkipGramConfig()
    config.check()
    if not isinstance(corpus, Corpus):
        corpus = Corpus(corpus, lowercase=config.lowercase, max_sentence_length=config.max_sentence_length)
    stream = stream if stream is not None else sys.stderr
    scratch = contextlib.ExitStack()  # the tokenised copy's folder, removed however training ends
    tmp = scratch.enter_context(scratch_folder("embedkit-train-", workdir))
    monitor = None
    try:
        started = time.perf_counter()
        prepared = prepare(corpus, config, tmp)
        scan_seconds = time.perf_counter() - started
        if progress:
            print(f"corpus: {prepared.total_words:,} words, {prepared.sentences:,} sentences, "
                  f"{len(prepared.vocab):,} words kept (min-count {config.min_count}); "
                  f"read in {scan_seconds:.1f} s", file=stream)

        def make_vectors(input_vectors, complete=True):
            meta = {
                "trained_with": f"embedkit {__version__}",
                "engine": config.engine,
                "config": dataclasses.asdict(config),
                "corpus": prepared.description,
                "corpus_words": prepared.total_words,
                "corpus_sentences": prepared.sentences,
                "initial_loss": monitor.initial_loss,
                "epoch_loss": list(monitor.epoch_losses),
                "epochs_completed": monitor.epochs_completed,
                "complete": complete,
                "scan_seconds": round(scan_seconds, 3),
                "train_seconds": round(monitor.train_seconds, 3),
                "train_cpu_seconds": round(sum(monitor.epoch_cpu_seconds), 3),
            }
            meta.update(monitor.engine_info)
            if monitor.train_seconds > 0:
                meta["words_per_second"] = round(monitor.epochs_completed * prepared.total_words
                                                 / monitor.train_seconds)
            return Vectors(prepared.vocab.words, np.array(input_vectors, dtype=np.float32, copy=True),
                           prepared.vocab.counts, meta, check=False)

        monitor = Monitor(prepared, config, progress=progress, checkpoint=checkpoint,
                          checkpoint_every=checkpoint_every, checkpoint_format=checkpoint_format,
                          make_vectors=make_vectors, stream=stream)
        try:
            input_vectors, _ = ENGINES[config.engine](prepared, config, monitor)
        except KeyboardInterrupt:
            monitor.close()
            raise TrainingInterrupted(monitor.epochs_completed, config.epochs,
                                      Path(checkpoint) if checkpoint else None, monitor.checkpoint_epoch) from None
        monitor.close()
        return make_vectors(input_vectors)
    except KeyboardInterrupt:  # during the corpus pass
        raise TrainingInterrupted(0, config.epochs, None, 0) from None
    finally:
        scratch.close()
