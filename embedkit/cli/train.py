"""`embedkit train`, `windows`, `onehot` and `demo`: vectors from a corpus."""

from __future__ import annotations

import sys

import click

from ..errors import EmbedkitError
from .signals import interrupted_status
from .options import SEED, format_option, spark_master_option, training_options, vocabulary_options
from .training import family_options, run_settings



@click.command(short_help="Train word2vec vectors: skip-gram, CBOW, HS, subwords.")
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=True),
              help="Where to write the vectors; the extension chooses the format (.ekv, .vec, .txt, .bin, .glove).")
@format_option
@training_options
@family_options
@click.option("--checkpoint-every", type=click.IntRange(min=0), default=0, show_default=True,
              help="Save the vectors to OUTPUT every N epochs, so Ctrl-C keeps the last complete one.")
@click.option("--tmp-dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the temporary tokenised copy of the corpus (default: system temp).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or loss lines.")
def train(corpus, output, fmt, checkpoint_every, tmp_dir, quiet, **options):
    """Train word2vec vectors on CORPUS (files or folders; plain, .gz, .bz2, .xz).

    Skip-gram with negative sampling by default; --cbow, --hs (with --negative 0 alone) for the
    rest of the word2vec family. One sentence per line; lines of any length are cut into pieces
    of at most 10,000 tokens. Prints a progress bar (words/s, learning rate, ETA) and after each
    epoch the mean loss of the trained objective on a fixed sample. --resume continues a model
    embedkit trained (saved as .ekv, which keeps the output weights) on a new corpus. CORPUS may
    be a folder `embedkit prepare` wrote: its shards are trained from without reading the text
    again. With --engine spark, CORPUS is any path Spark reads (a file, glob, hdfs://, s3a://)
    and MLlib trains on Spark.

    With --subwords, fastText's model: every word also learns from its character n-grams, and
    a word the corpus never had gets a vector composed from them (neighbors, similarity,
    evaluate, classify use it and say so). .ekv and .bin (fastText's layout) keep the n-grams;
    .vec holds the vocabulary's vectors. --subwords trains skip-gram with negative sampling, from
    word2vec's start: it does not take --cbow, --hs, --resume or --init. --ns-exponent 0.5 draws
    the noise words as fastText does.

    \b
    Example:
        embedkit train corpus.txt.gz -o vectors.ekv --epochs 5 --workers 2
        embedkit train corpus.txt.gz -o cbow.ekv --cbow --hs --negative 0
        embedkit train more.txt -o v2.ekv --resume vectors.ekv --epochs 2
        embedkit train corpus.txt.gz -o subwords.ekv --subwords --min-n 3 --max-n 6 --ns-exponent 0.5
        embedkit train corpus.prepared -o vectors.ekv
        embedkit train 'hdfs:///corpus/*.txt' --engine spark --spark-master yarn --partitions 4 -o vectors.ekv
    """
    from .. import io
    from ..train.config import SkipGramConfig
    from ..train.monitor import TrainingInterrupted
    from ..train.skipgram import train_skipgram

    ctx = click.get_current_context()
    _check_subword_options(ctx, options["subwords"])
    fields, model, start = run_settings(ctx, options)
    config = SkipGramConfig(**fields)
    config.check()
    _check_given(corpus, config, _given(options))
    written, _ = io.check_output(output, fmt, subwords=config.subwords)  # a bad output fails now, not after training
    if written == "fasttext" and not config.subwords:
        raise EmbedkitError(f"{output}: the fasttext format holds character n-grams; train with --subwords")
    try:
        vectors = train_skipgram(list(corpus), config, progress=not quiet, checkpoint=output,
                                 checkpoint_every=checkpoint_every, checkpoint_format=fmt, workdir=tmp_dir,
                                 resume=model, init=start)
    except TrainingInterrupted as stop:
        click.echo(f"Interrupted: {stop}", err=True)
        sys.exit(interrupted_status())
    path = io.save(vectors, output, fmt)
    if not quiet:
        grams = getattr(vectors, "subwords", None)
        extra = "" if grams is None else f" and {grams.ngram_matrix.shape[0]:,} n-gram rows"
        click.echo(f"wrote {len(vectors):,} vectors of dimension {vectors.dim}{extra} to {path}", err=True)


def _check_subword_options(ctx, subwords: bool) -> None:
    """--min-n, --max-n and --bucket mean nothing without --subwords: refuse them there."""
    from click.core import ParameterSource

    given = [f"--{name.replace('_', '-')}" for name in ("min_n", "max_n", "bucket")
             if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)]
    if given and not subwords:
        raise click.UsageError(f"{', '.join(given)} {'needs' if len(given) == 1 else 'need'} --subwords")


def _given(options) -> set[str]:
    """The options of `options` set on the command line (not left at their default)."""
    from click.core import ParameterSource

    context = click.get_current_context()
    return {name for name in options if context.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)}


def _check_given(corpus, config, given) -> None:
    """Refuse options given on the command line that this training cannot honour."""
    from ..train.shards import conflicts, is_prepared, read_manifest

    if config.engine == "spark":
        from ..train.engines.spark import refused_options

        refused_options(config, given)
        if "workers" in given and config.spark_master is not None:
            raise EmbedkitError("--workers: with --spark-master the master decides the cores "
                                "(local[N], or the cluster's executors)")
    if len(corpus) == 1 and is_prepared(corpus[0]):
        clashes = conflicts(read_manifest(corpus[0]), config, given)
        if clashes:
            raise EmbedkitError(f"{corpus[0]} is a prepared corpus whose vocabulary is fixed: {'; '.join(clashes)}; "
                                "leave these options out, or prepare it again")


@click.command(short_help="Tokenise, count and encode a corpus once, for train DIR.")
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="The folder to write: prepared.json, vocab.txt, shards/.")
@spark_master_option
@click.option("--spark", "use_spark", is_flag=True,
              help="Run on Spark with the default master (local[all cores], or spark-submit's).")
@vocabulary_options
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
def prepare(corpus, output, spark_master, use_spark, min_count, max_vocab, lowercase, quiet):
    """Tokenise, count and encode CORPUS once, on Spark or here, into DIR for `embedkit train DIR`.

    DIR holds the vocabulary (vocab.txt) and the corpus as word ids in shards (one per Spark
    partition). `embedkit train DIR` (native engine) trains from them without reading the text
    again, and gives the vectors training on CORPUS gives (same seed, --workers 1). With
    --spark-master, CORPUS is any path Spark reads (a file, glob, hdfs://, s3a://); without,
    embedkit's own corpus pass reads it here.

    Example:

    \b
        embedkit prepare corpus.txt -o corpus.prepared --spark-master local[2] --min-count 5
        embedkit train corpus.prepared -o vectors.ekv --epochs 5
    """
    from ..outputs import check_output
    from ..spark import submitted
    from ..train.shards import prepare_folder

    check_output(output, folder="prepared")
    say = (lambda line: None) if quiet else (lambda line: click.echo(line, err=True))
    manifest = prepare_folder(list(corpus), output, lowercase=lowercase, min_count=min_count, max_vocab=max_vocab,
                              spark_master=spark_master, spark=use_spark or submitted(), say=say)
    if not quiet:
        click.echo(f"wrote {output}: {manifest['total_words']:,} words, {manifest['sentences']:,} sentences, "
                   f"{manifest['vocabulary']:,} words kept (min-count {min_count}), {len(manifest['shards'])} "
                   f"shard(s), prepared with {manifest['prepared_with']} in {manifest['seconds']:.1f} s", err=True)


@click.command()
@click.argument("text", required=False)
@click.option("--file", "corpus", type=click.Path(), help="Take the sentences from this corpus instead of TEXT.")
@click.option("--window", type=click.IntRange(min=1), default=2, show_default=True,
              help="Maximum distance between center and context.")
@click.option("--dynamic", is_flag=True, help="Draw each center word's window from 1..WINDOW, as word2vec does.")
@click.option("--seed", type=SEED, default=1, show_default=True, help="Seed for --dynamic.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Print at most this many pairs (default: all for TEXT, 100 for --file).")
def windows(text, corpus, window, dynamic, seed, limit):
    """Print the (center, context) pairs skip-gram trains on.

    Example: embedkit windows "the quick brown fox jumps" --window 2
    """
    import numpy as np

    from ..train.corpus import Corpus, tokenize
    from ..train.windows import token_pairs

    if (text is None) == (corpus is None):
        raise click.UsageError("give either TEXT or --file CORPUS")
    rng = np.random.default_rng(seed)
    sentences = [tokenize(text)] if text is not None else Corpus(corpus)
    limit = limit if limit is not None else (None if text is not None else 100)
    rows = []
    for tokens in sentences:
        for center, context in token_pairs(tokens, window, dynamic=dynamic, rng=rng):
            rows.append((center, context))
            if limit is not None and len(rows) >= limit:
                break
        if limit is not None and len(rows) >= limit:
            break
    width = max([len("center")] + [len(c) for c, _ in rows])
    click.echo(f"{'center':<{width}}  context")
    for center, context in rows:
        click.echo(f"{center:<{width}}  {context}")
    kind = "dynamic, drawn from 1.." + str(window) if dynamic else "fixed"
    click.echo(f"{len(rows)} pairs (window {window}, {kind})", err=True)


@click.command(short_help="One-hot vectors for CORPUS: cosine 0 between any two words.")
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="Where to write the vectors (.ekv keeps them sparse).")
@format_option
@click.option("--min-count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Ignore words seen fewer times.")
@click.option("--max-vocab", type=click.IntRange(min=1), default=None,
              help="Keep at most this many of the most frequent words.")
@click.option("--lowercase/--no-lowercase", default=True, show_default=True, help="Lower-case the corpus.")
def onehot(corpus, output, fmt, min_count, max_vocab, lowercase):
    """One-hot vectors for the vocabulary of CORPUS: the baseline where distinct words have cosine 0.

    The dimension equals the vocabulary size. Stored sparse in embedkit's format (.ekv); dense
    text formats refuse vocabularies whose matrix would be too large and say how large.

    Example: embedkit onehot corpus.txt -o onehot.ekv --max-vocab 10000
    """
    from .. import io
    from ..train.corpus import Corpus
    from ..train.vocab import Vocab
    from ..train.onehot import onehot as make_onehot

    io.check_output(output, fmt)
    sentences = Corpus(list(corpus), lowercase=lowercase)
    vocab = Vocab.build(sentences, min_count=min_count, max_vocab=max_vocab)
    if vocab.total_words == 0:
        raise click.ClickException(f"{sentences.description}: the corpus holds no words")
    if len(vocab) == 0:
        raise click.ClickException(f"{sentences.description}: no word occurs at least {min_count} times "
                                   f"in its {vocab.total_words:,} words; lower --min-count")
    path = io.save(make_onehot(vocab), output, fmt)
    click.echo(f"wrote one-hot vectors for {len(vocab):,} words (dimension {len(vocab):,}) to {path}", err=True)


@click.command(short_help="Train on a Wikipedia sample; show nearest neighbours.")
@click.option("-o", "--output", default="embedkit-demo/vectors.ekv", show_default=True, type=click.Path(),
              help="Where to write the demo vectors.")
@click.option("--epochs", type=click.IntRange(min=1), default=10, show_default=True, help="Passes over the sample.")
@click.option("--workers", default=None, type=click.IntRange(min=1), help="Training threads (default: all cores).")
def demo(output, epochs, workers):
    """Train on a Wikipedia sample that ships with gensim and show nearest neighbours.

    Works offline: the sample (the first ~100 articles of an English Wikipedia dump, 453k
    words) is part of gensim's install. Takes well under a minute on 2 cores.

    Example: embedkit demo
    """
    from pathlib import Path

    from .. import io
    from ..train.demo import DEMO_WORDS, demo_corpus
    from ..query import most_similar
    from ..train.config import SkipGramConfig
    from ..train.skipgram import train_skipgram

    output = Path(output)
    io.check_output(output, parents=True)  # before the sample is extracted and trained on
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EmbedkitError(f"{output}: cannot create {output.parent}: {error.strerror or error}") from None
    corpus = demo_corpus()
    click.echo(f"corpus: {corpus} (Wikipedia sample from gensim's test data)", err=True)
    config = SkipGramConfig(epochs=epochs, **({"workers": workers} if workers else {}))
    vectors = train_skipgram(corpus, config)
    path = io.save(vectors, output)
    click.echo("\nnearest neighbours (cosine):")
    for word in DEMO_WORDS:
        if word in vectors:
            click.echo(f"  {word:<11} " + ", ".join(f"{w} {s:.2f}" for w, s in most_similar(vectors, word, topn=6)))
    click.echo(f"\nwrote {len(vectors):,} vectors x {vectors.dim} dims to {path}")
    click.echo(f"try:  embedkit neighbors {path} music   or   embedkit query {path}")


COMMANDS = [train, prepare, windows, onehot, demo]
