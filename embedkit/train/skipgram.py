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
from .resume import check_model, model_vocab, start_from_model, start_from_vectors
from .vocab import VocabRules


def train_skipgram(corpus, config: SkipGramConfig | None = None, *, progress: bool = True,
                   checkpoint=None, checkpoint_every: int = 0, checkpoint_format: str | None = None,
                   workdir=None, stream=None, resume: Vectors | None = None, init: Vectors | None = None) -> Vectors:
    """Train skip-gram with negative sampling on `corpus`; return the input vectors.

    Parameters
    ----------
    corpus : path, folder, list of paths, `Corpus`, or list of token lists
    config : SkipGramConfig (defaults are gensim's)
    progress : draw the progress bar and per-epoch loss lines on `stream` (stderr)
    checkpoint, checkpoint_every, checkpoint_format : every `checkpoint_every` epochs, save the
        vectors so far to `checkpoint` (atomically), so an interrupted run keeps the last one
    workdir : folder for the temporary tokenised copy of the corpus (default: system temp)
    resume : a model embedkit trained (an .ekv folder, `io.load`ed): training continues it, its
        words first, the corpus's new words added (`train.resume`)
    init : any vectors: the input vectors of the words they hold start there, the rest as usual

    Returns `Vectors` (most frequent word first) whose `meta` holds the config, the corpus, the
    per-epoch losses and the training speed. Raises `TrainingInterrupted` on Ctrl-C, and
    `EmbedkitError` naming the file when the temporary copy cannot be written (full disk, file
    size limit). The temporary folder (`outputs.scratch_folder`) is removed however training
    ends; those of earlier runs that were killed are removed when the next one starts.
    """
    config = config or SkipGramConfig()
    config.check()
    if resume is not None and init is not None:
        raise EmbedkitError("give resume (a model to continue) or init (vectors to start from), not both")
    if resume is not None:
        check_model(resume, config, _name(resume))
    if config.subwords and (resume is not None or init is not None):
        raise EmbedkitError(f"{'--resume' if resume is not None else '--init'} is for whole-word models; "
                            "--subwords trains from word2vec's random start")
    if config.engine == "spark" and (resume is not None or init is not None):
        raise EmbedkitError(f"{'--resume' if resume is not None else '--init'}: MLlib's Word2Vec starts from its "
                            "own random vectors; continue or start training with --engine native")
    stream = stream if stream is not None else sys.stderr
    scratch = contextlib.ExitStack()  # the tokenised copy's folder, removed however training ends
    tmp = scratch.enter_context(scratch_folder("embedkit-train-", workdir))
    try:
        started = time.perf_counter()
        prepared, config = _prepare(corpus, config, tmp, stream if progress else None, resume)
        scan_seconds = time.perf_counter() - started
        if progress:
            print(f"corpus: {prepared.total_words:,} words, {prepared.sentences:,} sentences, "
                  f"{len(prepared.vocab):,} words kept (min-count {prepared.vocab.min_count}); "
                  f"read in {scan_seconds:.1f} s", file=stream)
        if resume is not None or init is not None:
            prepared.initial = _start(prepared, config, resume, init)
            if progress:
                carried = ", ".join(f"{value:,} {key}" if isinstance(value, int) else f"{key} {value}"
                                    for key, value in prepared.initial.carried.items())
                print(f"start: {prepared.initial.description} ({carried})", file=stream)

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


def _prepare(corpus, config: SkipGramConfig, tmp: Path, stream, resume: Vectors | None = None):
    """(what the engine trains from, the config it trains with): the corpus pass on Spark for the
    Spark engine, a prepared folder's shards (`shards.open_prepared`, its settings adopted), or the
    pass here (`prepare`: phrases joined first, `resume`'s words kept first)."""
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
        if config.phrases or resume is not None:
            raise EmbedkitError(f"{folders[0]} is a prepared corpus, its vocabulary fixed: "
                                f"{'--phrases' if config.phrases else '--resume'} needs the text itself")
        return open_prepared(folders[0], config, tmp)
    if not isinstance(corpus, Corpus):
        corpus = Corpus(corpus, lowercase=config.lowercase, max_sentence_length=config.max_sentence_length)
    if config.phrases:
        corpus = _phrased(corpus, config, tmp, stream)
    base = model_vocab(resume, _name(resume)) if resume is not None else None
    return prepare(corpus, config, tmp, rules=VocabRules.from_config(config, base=base)), config


def _name(vectors: Vectors) -> str:
    return str(vectors.meta.get("source") or vectors.meta.get("name") or "the model")


def _start(prepared, config, resume, init):
    """The weights training starts from: the model's (resume) or the vectors' (init)."""
    from .engines.family import FamilyOptions

    if resume is not None:
        return start_from_model(resume, prepared.vocab, config, FamilyOptions.from_config(config), _name(resume))
    return start_from_vectors(init, prepared.vocab, config, _name(init))


def _phrased(corpus: Corpus, config: SkipGramConfig, tmp: Path, stream) -> Corpus:
    """The corpus with its phrases joined (`phrases.phrase_corpus`, `config.phrases` passes, the
    phrase model's defaults), as a new `Corpus` of the joined file in `tmp`."""
    from .phrases import format_phrases, phrase_corpus

    started = time.perf_counter()
    joined = tmp / "phrased.txt"
    models = phrase_corpus(corpus, joined, passes=config.phrases, work=tmp)
    if stream is not None:
        found = len(models[-1].export_phrases())
        print(f"phrases: {found:,} phrases joined in {config.phrases} pass(es), "
              f"{time.perf_counter() - started:.1f} s; the top ones:", file=stream)
        print(format_phrases(models[-1].top(5)), file=stream)
    return Corpus(joined, lowercase=False, max_sentence_length=config.max_sentence_length)
