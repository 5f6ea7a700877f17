"""The `embedkit` command line: parses options, calls the library, turns its errors into `Error: ...`.

Nothing here computes anything; every command is a thin layer over a library function.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import EmbedkitError


class EmbedkitGroup(click.Group):
    """Runs commands so that input errors end in one line and exit 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EmbedkitError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `embedkit ... | head`
            sys.stderr.close()
            sys.exit(0)


@click.group(cls=EmbedkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="embedkit")
def main():
    """Train, load, query, look at and evaluate word embeddings."""


# -- training --------------------------------------------------------------------------------------

def _training_options(function):
    """The skip-gram options, with gensim's names and defaults."""
    from .train import ENGINES, SkipGramConfig

    defaults = SkipGramConfig()
    options = [
        click.option("--vector-size", default=defaults.vector_size, show_default=True, help="Dimension of the vectors."),
        click.option("--window", default=defaults.window, show_default=True,
                     help="Maximum distance between center and context word; the effective window is drawn from 1..WINDOW per center word."),
        click.option("--min-count", default=defaults.min_count, show_default=True, help="Ignore words seen fewer times."),
        click.option("--max-vocab", type=int, default=None, help="Keep at most this many of the most frequent words."),
        click.option("--sample", default=defaults.sample, show_default=True, help="Subsampling threshold for frequent words (0 = off)."),
        click.option("--negative", default=defaults.negative, show_default=True, help="Noise words per pair (negative sampling)."),
        click.option("--alpha", default=defaults.alpha, show_default=True, help="Initial learning rate."),
        click.option("--min-alpha", default=defaults.min_alpha, show_default=True, help="Final learning rate (linear decay)."),
        click.option("--epochs", default=defaults.epochs, show_default=True, help="Passes over the corpus."),
        click.option("--workers", default=defaults.workers, show_default=True,
                     help="Training threads. Runs are reproducible with --seed only with --workers 1."),
        click.option("--seed", default=defaults.seed, show_default=True,
                     help="Random seed (initial vectors, sampling, loss sample). Same seed + --workers 1 = same vectors."),
        click.option("--engine", type=click.Choice(list(ENGINES)), default=defaults.engine, show_default=True,
                     help="Implementation that trains the model: native (embedkit's own numba kernels, "
                          "the fastest) or gensim (gensim's Word2Vec, the reference)."),
        click.option("--lowercase/--no-lowercase", default=True, show_default=True, help="Lower-case the corpus."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=True),
              help="Where to write the vectors; the extension chooses the format (.ekv, .vec, .txt, .bin, .glove).")
@click.option("--format", "fmt", default=None, help="Output format, overriding the extension.")
@_training_options
@click.option("--checkpoint-every", default=0, show_default=True,
              help="Save the vectors to OUTPUT every N epochs, so Ctrl-C keeps the last complete one.")
@click.option("--tmp-dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the temporary tokenised copy of the corpus (default: system temp).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or loss lines.")
def train(corpus, output, fmt, checkpoint_every, tmp_dir, quiet, **options):
    """Train skip-gram word2vec vectors on CORPUS (files or folders; plain, .gz, .bz2, .xz).

    One sentence per line; lines of any length are cut into pieces of at most 10,000 tokens.
    Prints a progress bar (words/s, learning rate, ETA) and after each epoch the mean
    negative-sampling loss on a fixed sample of pairs.

    Example: embedkit train corpus.txt.gz -o vectors.ekv --epochs 5 --workers 2
    """
    from . import io
    from .train import SkipGramConfig, TrainingInterrupted, train_skipgram

    config = SkipGramConfig(**options)
    config.check()
    io.output_format(output, fmt)  # fail on a bad output name now, not after training
    try:
        vectors = train_skipgram(list(corpus), config, progress=not quiet, checkpoint=output,
                                 checkpoint_every=checkpoint_every, checkpoint_format=fmt, workdir=tmp_dir)
    except TrainingInterrupted as stop:
        click.echo(f"Interrupted: {stop}", err=True)
        sys.exit(130)
    path = io.save(vectors, output, fmt)
    if not quiet:
        click.echo(f"wrote {len(vectors):,} vectors of dimension {vectors.dim} to {path}", err=True)


@main.command()
@click.argument("text", required=False)
@click.option("--file", "corpus", type=click.Path(), help="Take the sentences from this corpus instead of TEXT.")
@click.option("--window", default=2, show_default=True, help="Maximum distance between center and context.")
@click.option("--dynamic", is_flag=True, help="Draw each center word's window from 1..WINDOW, as word2vec does.")
@click.option("--seed", default=1, show_default=True, help="Seed for --dynamic.")
@click.option("--limit", type=int, default=None, help="Print at most this many pairs (default: all for TEXT, 100 for --file).")
def windows(text, corpus, window, dynamic, seed, limit):
    """Print the (center, context) pairs skip-gram trains on.

    Example: embedkit windows "the quick brown fox jumps" --window 2
    """
    import numpy as np

    from .corpus import Corpus, tokenize
    from .windows import token_pairs

    if (text is None) == (corpus is None):
        raise click.UsageError("give either TEXT or --file CORPUS")
    if window < 1:
        raise click.BadParameter("must be at least 1", param_hint="--window")
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


@main.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="Where to write the vectors (.ekv keeps them sparse).")
@click.option("--format", "fmt", default=None, help="Output format, overriding the extension.")
@click.option("--min-count", default=1, show_default=True, help="Ignore words seen fewer times.")
@click.option("--max-vocab", type=int, default=None, help="Keep at most this many of the most frequent words.")
@click.option("--lowercase/--no-lowercase", default=True, show_default=True, help="Lower-case the corpus.")
def onehot(corpus, output, fmt, min_count, max_vocab, lowercase):
    """One-hot vectors for the vocabulary of CORPUS: the baseline where distinct words have cosine 0.

    The dimension equals the vocabulary size. Stored sparse in embedkit's format (.ekv); dense
    text formats refuse vocabularies whose matrix would be too large and say how large.

    Example: embedkit onehot corpus.txt -o onehot.ekv --max-vocab 10000
    """
    from . import io
    from .corpus import Corpus, Vocab
    from .onehot import onehot as make_onehot

    io.output_format(output, fmt)
    vocab = Vocab.build(Corpus(list(corpus), lowercase=lowercase), min_count=min_count, max_vocab=max_vocab)
    if len(vocab) == 0:
        raise click.ClickException(f"no word occurs at least {min_count} times in the corpus")
    path = io.save(make_onehot(vocab), output, fmt)
    click.echo(f"wrote one-hot vectors for {len(vocab):,} words (dimension {len(vocab):,}) to {path}", err=True)


@main.command()
@click.option("-o", "--output", default="embedkit-demo/vectors.ekv", show_default=True, type=click.Path(),
              help="Where to write the demo vectors.")
@click.option("--epochs", default=10, show_default=True, help="Passes over the sample.")
@click.option("--workers", default=None, type=int, help="Training threads (default: all cores).")
def demo(output, epochs, workers):
    """Train on a Wikipedia sample that ships with gensim and show nearest neighbours.

    Works offline: the sample (the first ~100 articles of an English Wikipedia dump, 453k
    words) is part of gensim's install. Takes well under a minute on 2 cores.

    Example: embedkit demo
    """
    from pathlib import Path

    from . import io
    from .demo import DEMO_WORDS, demo_corpus, neighbours
    from .train import SkipGramConfig, train_skipgram

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    corpus = demo_corpus()
    click.echo(f"corpus: {corpus} (Wikipedia sample from gensim's test data)", err=True)
    config = SkipGramConfig(epochs=epochs, **({"workers": workers} if workers else {}))
    vectors = train_skipgram(corpus, config)
    path = io.save(vectors, output)
    click.echo("\nnearest neighbours (cosine):")
    for word in DEMO_WORDS:
        if word in vectors:
            click.echo(f"  {word:<11} " + ", ".join(f"{w} {s:.2f}" for w, s in neighbours(vectors, word, 6)))
    click.echo(f"\nwrote {len(vectors):,} vectors x {vectors.dim} dims to {path}")
    click.echo(f"try:  embedkit info {path}")
