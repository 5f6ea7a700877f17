"""`Monitor`: what engines report to (progress, the per-epoch loss, checkpoints); `TrainingInterrupted`."""

from __future__ import annotations

import dataclasses

import sys
import time
from pathlib import Path
from typing import Callable
import numpy as np
from ..errors import EmbedkitError
from .._version import __version__
from ..subwords import SubwordModel
from ..vectors import Vectors
from .config import SkipGramConfig
from .prepare import LossSample, PreparedCorpus


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
    The input vectors are a (V, dim) matrix, or a `SubwordModel` (subword engines): the loss is
    then that of the words' composed vectors, and checkpoints keep the n-gram rows.
    """

    def __init__(self, prepared: PreparedCorpus, config: SkipGramConfig, *, progress: bool = True,
                 checkpoint: Path | None = None, checkpoint_every: int = 0,
                 checkpoint_format: str | None = None, scan_seconds: float = 0.0,
                 stream=None):
        self.prepared = prepared
        self.config = config
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.checkpoint_format = checkpoint_format
        self.checkpoint_epoch = 0
        self.scan_seconds = scan_seconds  # of the corpus pass that made `prepared`, for the metadata
        self.stream = stream if stream is not None else sys.stderr
        self.engine_info: dict = {}  # what the engine reports for the metadata (compile time, ...)
        # (input vectors, output vectors, loss sample) -> the per-epoch loss; an engine training
        # another objective (hierarchical softmax, CBOW) sets its own
        self.loss_function: Callable = negative_sampling_loss
        # the engine's output weights by name (syn1neg, syn1), saved with the vectors for continued training
        self.training_state: dict[str, np.ndarray] = {}
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
        self.initial_loss = self.loss_function(_word_matrix(input_vectors), output_vectors, self.prepared.loss_sample)
        sampled = getattr(self.loss_function, "sample_description", None) or \
            f"{len(self.prepared.loss_sample)} sampled pairs"
        self.say(f"epoch 0/{self.config.epochs}: loss {self.initial_loss:.4f} (initial vectors, {sampled})")
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
        loss = self.loss_function(_word_matrix(input_vectors), output_vectors, self.prepared.loss_sample)
        self.epoch_losses.append(loss)
        self.epochs_completed = epoch + 1
        rate = self.prepared.total_words / seconds if seconds > 0 else float("inf")
        self.say(f"epoch {epoch + 1}/{self.config.epochs}: loss {loss:.4f}  "
                 f"({rate / 1000:,.0f}k words/s, {seconds:.1f} s)")
        if (self.checkpoint is not None and self.checkpoint_every
                and (epoch + 1) % self.checkpoint_every == 0 and epoch + 1 < self.config.epochs):
            from .. import io

            io.save(self.vectors(input_vectors, complete=False), self.checkpoint, self.checkpoint_format)
            self.checkpoint_epoch = epoch + 1
            self.say(f"checkpoint: {self.checkpoint} holds epoch {epoch + 1}")
        self._epoch_start, self._epoch_cpu_start = time.perf_counter(), time.process_time()

    def vectors(self, input_vectors, complete: bool = True) -> Vectors:
        """The trained `Vectors` (a copy of `input_vectors`), their `meta` saying how they were trained.

        A `SubwordModel` gives `SubwordVectors` (its input matrix copied). `complete=False` marks a
        checkpoint written during training.
        """
        prepared, config = self.prepared, self.config
        meta = {
            "trained_with": f"embedkit {__version__}",
            "engine": config.engine,
            "config": dataclasses.asdict(config),
            "corpus": prepared.description,
            "corpus_words": prepared.total_words,
            "corpus_sentences": prepared.sentences,
            "initial_loss": self.initial_loss,
            "epoch_loss": list(self.epoch_losses),
            "epochs_completed": self.epochs_completed,
            "complete": complete,
            "scan_seconds": round(self.scan_seconds, 3),
            "train_seconds": round(self.train_seconds, 3),
            "train_cpu_seconds": round(sum(self.epoch_cpu_seconds), 3),
        }
        meta.update(self.engine_info)
        if self.train_seconds > 0:
            meta["words_per_second"] = round(self.epochs_completed * prepared.total_words / self.train_seconds)
        start = getattr(prepared, "initial", None)
        if start is not None:
            meta["started_from"] = start.description
        state = {name: np.array(array, dtype=np.float32, copy=True) for name, array in self.training_state.items()}
        if isinstance(input_vectors, SubwordModel):
            from ..subwords import SubwordVectors

            model = input_vectors
            copy = SubwordModel(model.words, np.array(model.input_matrix, dtype=np.float32, copy=True),
                                model.settings, model.buckets, model.rows)
            return SubwordVectors(copy.words, copy.word_vectors(), prepared.vocab.counts, meta, check=False,
                                  subwords=copy, state=state)
        return Vectors(prepared.vocab.words, np.array(input_vectors, dtype=np.float32, copy=True),
                       prepared.vocab.counts, meta, check=False, state=state)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    @property
    def train_seconds(self) -> float:
        return float(sum(self.epoch_seconds))


def _word_matrix(input_vectors) -> np.ndarray:
    """The (V, dim) input vectors of the vocabulary: a matrix, or a `SubwordModel`'s composed vectors."""
    return input_vectors.word_vectors() if isinstance(input_vectors, SubwordModel) else input_vectors
