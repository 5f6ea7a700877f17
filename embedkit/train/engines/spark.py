"""The Spark engine: embedkit's tokenizer and vocabulary on Spark, then MLlib's Word2Vec.

`prepare(corpus, config)` runs the corpus pass on Spark (`train.spark_corpus`: the same
sentences, vocabulary and counts as the native engine's pass, for any path Spark reads);
`train(prepared, config, monitor)` fits ``pyspark.ml.feature.Word2Vec`` on the sentences, words
outside the vocabulary left out (as the native engine leaves them out before its windows), and
returns the vectors in the vocabulary's order.

MLlib's Word2Vec is skip-gram with hierarchical softmax, without subsampling, its learning rate
decaying linearly to alpha x 0.0001; each iteration trains `partitions` parts of the corpus apart
and averages them. What maps: vector-size (vectorSize), window (windowSize), epochs (maxIter),
alpha (stepSize), min-count (minCount), seed, partitions (numPartitions), max_sentence_length
(maxSentenceLength). What cannot, `check_config` refuses unless left at its default (`UNSUPPORTED`).
MLlib keeps the vectors in one array of floats: vocabulary x dimension must stay under 2^31
(`MLLIB_LIMIT`), checked before training.

MLlib computes no loss and exposes no output vectors, so there are no loss lines; progress is a
line per Spark stage, each of MLlib's iterations named, and the progress bar moves per iteration.

Example:
    >>> vectors = train_skipgram("corpus.txt", SkipGramConfig(engine="spark", spark_master="local[2]"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from ...errors import EmbedkitError
from ..corpus import _is_token_lists
from ..prepare import LossSample, PreparedCorpus

MLLIB_LIMIT = 2**31 - 1   # MLlib: vocabulary size x vector size must be below Int.MaxValue
ITERATION_STAGE = "mapPartitions at Word2Vec.scala"   # the stage of one MLlib iteration
FLOOR = 1e-4              # MLlib's learning rate never falls below alpha x FLOOR

# option -> why MLlib cannot honour a value other than the default
UNSUPPORTED = {
    "negative": "MLlib's Word2Vec trains with hierarchical softmax, not negative sampling",
    "sample": "MLlib's Word2Vec does not subsample frequent words (only --sample 0 says what it does)",
    "min_alpha": "MLlib's Word2Vec decays the learning rate to alpha x 0.0001, and cannot be told otherwise",
    "subwords": "MLlib's Word2Vec has no character n-grams (fastText's model)",
    "sg": "MLlib's Word2Vec trains skip-gram, not CBOW",
    "hs": "MLlib's Word2Vec trains hierarchical softmax alone, in its own tree, and cannot be told",
    "ns_exponent": "MLlib's Word2Vec draws no noise words",
    "shrink_windows": "MLlib's Word2Vec always shrinks its windows, as word2vec does",
    "max_final_vocab": "the vocabulary on Spark is cut by --min-count and --max-vocab alone",
    "keep_words": "the vocabulary on Spark is cut by --min-count and --max-vocab alone",
    "drop_words": "the vocabulary on Spark is cut by --min-count and --max-vocab alone",
    "phrases": "phrases are joined by embedkit's own corpus pass, not on Spark",
}
_SAID = {"sg": "--cbow", "phrases": "--phrases"}   # options whose flag is not their field's name


@dataclass
class SparkPrepared(PreparedCorpus):
    """A corpus after the pass on Spark: the `PreparedCorpus` fields, and the records Spark keeps."""

    spark: object = None      # the SparkSession
    corpus: object = None     # spark_corpus.SparkCorpus


def check_config(config) -> None:
    """Raise `EmbedkitError` for the options MLlib cannot honour (`UNSUPPORTED`) set off their default.

    `sample` 0 passes: no subsampling is what MLlib does.
    """
    defaults = {f.name: f.default for f in fields(config) if f.name in UNSUPPORTED}
    refused_options(config, [name for name in UNSUPPORTED if getattr(config, name) != defaults[name]])


def refused_options(config, given) -> None:
    """Raise `EmbedkitError` for the first option of `UNSUPPORTED` among `given` (names; the CLI passes
    those given on the command line, even at their default); `sample` 0 passes."""
    for name in UNSUPPORTED:
        value = getattr(config, name)
        if name in given and not (name == "sample" and value == 0):
            said = _SAID.get(name) or _said(name, value)
            raise EmbedkitError(f"{said}: the Spark engine cannot honour it: "
                                f"{UNSUPPORTED[name]}; leave it out, or train with --engine native")


def _said(name: str, value) -> str:
    """The option as the command line gives it: `--flag VALUE`, `--flag` or `--no-flag`, `--flag` for a word list."""
    flag = name.replace("_", "-")
    if isinstance(value, bool):
        return f"--{flag}" if value else f"--no-{flag}"
    return f"--{flag}" if isinstance(value, tuple) else f"--{flag} {value}"


def prepare(corpus, config, say) -> SparkPrepared:
    """The corpus pass on Spark (`spark_corpus.read`) with `config`'s vocabulary settings.

    Raises:
        EmbedkitError: as `train.prepare` for a corpus without words or pairs; the vocabulary is
            too large for MLlib; what starting Spark or reading the corpus raises.
    """
    from ...spark import check_ready, session
    from ..spark_corpus import read, spark_sources

    check_ready(config.spark_master)
    if not _is_token_lists(corpus):
        spark_sources(corpus)  # local paths checked before Spark starts
    spark = session(config.spark_master, cores=config.workers, say=say)
    found = read(spark, corpus, lowercase=config.lowercase, max_sentence_length=config.max_sentence_length,
                 min_count=config.min_count, max_vocab=config.max_vocab, say=say)
    try:
        _check_corpus(found, config)
    except BaseException:
        found.release()
        raise
    empty = np.zeros(0, np.int64)
    return SparkPrepared(None, found.vocab, found.total_words, found.sentences,
                         LossSample(empty, empty, np.zeros((0, config.negative), np.int64)), found.description,
                         spark=spark, corpus=found)


def _check_corpus(found, config) -> None:
    if found.total_words == 0:
        raise EmbedkitError(f"{found.description}: the corpus holds no words")
    if not found.pairable:
        raise EmbedkitError(f"{found.description}: no training pairs: no line holds two words "
                            "(skip-gram learns from words that share a line)")
    if len(found.vocab) < 2:
        raise EmbedkitError(
            f"{found.description}: only {len(found.vocab)} word(s) occur at least min-count={config.min_count} "
            f"times in {found.total_words} tokens; lower --min-count or use a larger corpus")
    size = len(found.vocab) * config.vector_size
    if size >= MLLIB_LIMIT:
        raise EmbedkitError(
            f"MLlib's Word2Vec holds vocabulary x dimension in one array of at most 2^31 - 1 floats: "
            f"{len(found.vocab):,} words x {config.vector_size} = {size:,}; raise --min-count, set --max-vocab "
            f"(at most {MLLIB_LIMIT // config.vector_size:,}) or lower --vector-size")


def train(prepared: SparkPrepared, config, monitor):
    """Fit MLlib's Word2Vec on the prepared sentences; (input vectors in vocabulary order, None)."""
    from pyspark.ml.feature import Word2Vec

    from ...spark import StageLines, spark_errors

    spark, corpus, vocab = prepared.spark, prepared.corpus, prepared.vocab
    context = spark.sparkContext
    settings = dict(vectorSize=config.vector_size, windowSize=config.window, minCount=config.min_count,
                    maxIter=config.epochs, stepSize=float(config.alpha), seed=int(config.seed),
                    numPartitions=config.partitions, maxSentenceLength=config.max_sentence_length)
    monitor.engine_info.update(spark_master=context.master, spark_version=context.version,
                               objective="skip-gram, hierarchical softmax (MLlib Word2Vec)", subsampling="none",
                               mllib=settings, not_used=sorted(UNSUPPORTED) + ["loss_pairs"],
                               spark_corpus_partitions=corpus.partitions,
                               spark_corpus_seconds=round(corpus.seconds, 3))
    iterations: list[float] = []
    total = prepared.total_words

    def on_stage(name: str, seconds: float) -> str | None:
        if not name.startswith(ITERATION_STAGE):
            return None
        iterations.append(seconds)
        monitor.progress(len(iterations) - 1, total)
        return f"MLlib iteration {len(iterations)}/{config.epochs}"

    monitor.say(f"spark: MLlib Word2Vec on {context.master}: {len(vocab):,} words x {config.vector_size}, "
                f"{config.epochs} iteration(s), {config.partitions} partition(s)")
    started, cpu = time.perf_counter(), process_tree_cpu()
    try:
        with StageLines(context, monitor.say, "training", on_stage=on_stage), spark_errors("MLlib Word2Vec"):
            model = Word2Vec(inputCol="text", outputCol="vector", **settings).fit(corpus.sentences_frame(spark))
            rows = model.getVectors().collect()
    finally:
        corpus.release()
    seconds, cpu = time.perf_counter() - started, process_tree_cpu() - cpu
    found = {row[0]: row[1].toArray() for row in rows}
    missing = [w for w in vocab.words if w not in found]
    if missing or len(found) != len(vocab):
        raise EmbedkitError(f"MLlib's vocabulary differs from embedkit's: {len(found):,} words against "
                            f"{len(vocab):,} ({len(missing):,} of embedkit's missing, e.g. {missing[:3]})")
    matrix = np.stack([found[w] for w in vocab.words]).astype(np.float32)  # (n_words, dim)
    done = len(iterations) == config.epochs
    monitor.epoch_seconds = iterations if done else [seconds / config.epochs] * config.epochs
    monitor.epoch_cpu_seconds = [cpu]
    monitor.epochs_completed = config.epochs
    monitor.progress(config.epochs - 1, total)
    monitor.engine_info.update(fit_seconds=round(seconds, 3), process_tree_cpu_seconds=round(cpu, 3))
    monitor.say(f"spark: trained in {seconds:.1f} s ({config.epochs * total / seconds / 1000:,.0f}k words/s); "
                "MLlib reports no loss")
    return matrix, None


# -- CPU time of this process and its children (the JVM, the Python workers) -----------------------

def process_tree_cpu(pid: int | None = None) -> float:
    """CPU seconds of process `pid` (default: this one) and every live process below it, children
    they have already reaped included; on systems without /proc, this process's alone."""
    root = os.getpid() if pid is None else pid
    proc = Path("/proc")
    if not (proc / str(root) / "stat").exists():
        return time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    tree, frontier = {root}, [root]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier and p not in tree]
        tree.update(children)
        frontier = children
    return float(sum(cpu.get(p, 0.0) for p in tree))
