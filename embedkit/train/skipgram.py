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
import os
import sys
import time
from pathlib import Path


from .corpus import Corpus
from ..errors import EmbedkitError
from ..outputs import scratch_folder
from ..vectors import Vectors
from .config import SkipGramConfig
from .engines import ENGINES
from .monitor import Monitor, TrainingInterrupted
from .prepare import prepare
from .shards import is_prepared, open_prepared


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
    size limit). The temporary folder (`outputs.scratch_folder`) is removed however training
    ends; those of earlier runs that were killed are removed when the next one starts.
    """
    config = config or SkipGramConfig()
    config.check()
    stream = stream if stream is not None else sys.stderr
    scratch = contextlib.ExitStack()  # the tokenised copy's folder, removed however training ends
    tmp = scratch.enter_context(scratch_folder("embedkit-train-", workdir))
    try:
        started = time.perf_counter()
        prepared, config = _prepare(corpus, config, tmp, stream if progress else None)
        scan_seconds = time.perf_counter() - started
        if progress:
            print(f"corpus: {prepared.total_words:,} words, {prepared.sentences:,} sentences, "
                  f"{len(prepared.vocab):,} words kept (min-count {config.min_count}); "
                  f"read in {scan_seconds:.1f} s", file=stream)

        monitor = Monitor(prepared, config, progress=progress, checkpoint=checkpoint,
                          checkpoint_every=checkpoint_every, checkpoint_format=checkpoint_format,
                          scan_seconds=scan_seconds, stream=stream)
        try:
            input_vectors, _ = ENGINES[config.engine](prepared, config, monitor)
        except KeyboardInterrupt:
            monitor.close()
            raise TrainingInterrupted(monitor.epochs_completed, config.epochs,
                                      Path(checkpoint) if checkpoint else None, monitor.checkpoint_epoch) from None
        monitor.close()
        return monitor.vectors(input_vectors)
    except KeyboardInterrupt:  # during the corpus pass
        raise TrainingInterrupted(0, config.epochs, None, 0) from None
    finally:
        scratch.close()


def _prepare(corpus, config: SkipGramConfig, tmp: Path, stream):
    """(what the engine trains from, the config it trains with): the corpus pass on Spark for the
    Spark engine, a prepared folder's shards (`shards.open_prepared`, its settings adopted), or the
    pass here (`prepare`)."""
    if config.engine == "spark":
        from .engines.spark import prepare as on_spark

        if isinstance(corpus, Corpus):
            corpus = corpus.files or corpus.sentences

        def say(line: str) -> None:
            if stream is not None:
                print(line, file=stream)

        return on_spark(corpus, config, say), config
    paths = [corpus] if isinstance(corpus, (str, os.PathLike)) else corpus
    folders = [p for p in paths if isinstance(p, (str, os.PathLike)) and is_prepared(p)] \
        if isinstance(paths, (list, tuple)) else []
    if folders:
        if len(paths) > 1:
            raise EmbedkitError(f"{folders[0]} is a prepared corpus: train it alone, not with other paths")
        if config.engine != "native":
            raise EmbedkitError(f"{folders[0]} is a prepared corpus: the native engine trains from it "
                                f"(--engine native), not {config.engine}")
        return open_prepared(folders[0], config, tmp)
    if not isinstance(corpus, Corpus):
        corpus = Corpus(corpus, lowercase=config.lowercase, max_sentence_length=config.max_sentence_length)
    return prepare(corpus, config, tmp), config
