"""The `embedkit` command line: parses options, calls the library, turns its errors into `Error: ...`.

Nothing here computes anything; every command is a thin layer over a library function.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import warnings

import click

from . import __version__
from .errors import EmbedkitError, EmbedkitWarning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """`warnings.showwarning` for the CLI: an `EmbedkitWarning` is one line `Warning: ...`."""
    if issubclass(category, EmbedkitWarning):
        click.echo(f"Warning: {message}", err=True)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


_PYTHON_SHOWWARNING = warnings.showwarning

_STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # stop like Ctrl-C: clean up, say so, exit 128 + signal
_stopped_by: list[int] = []            # the stop signal received during this command, if any


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so that it unwinds as Ctrl-C does:
    temporary files are removed and nothing is half-written."""


def _stop(signum, frame):
    if _stopped_by:  # a second signal while cleaning up: let the cleanup finish
        return
    _stopped_by.append(signum)
    raise Stopped(signal.Signals(signum).name)


@contextlib.contextmanager
def _stop_signals():
    """Handle the stop signals with `_stop` during a command (in the main thread; a signal the
    caller ignores, as under nohup, stays ignored)."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for name in _STOP_SIGNALS:
            number = getattr(signal, name, None)
            if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
                previous[number] = signal.signal(number, _stop)
    _stopped_by.clear()
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def interrupted_status() -> int:
    """The exit status of a stopped command: 130 for Ctrl-C, 128 + N for signal N (143: SIGTERM)."""
    return 128 + (_stopped_by[0] if _stopped_by else signal.SIGINT)


class EmbedkitGroup(click.Group):
    """Runs commands so that input errors end in one line and exit 1, never a traceback; warnings
    about the input (`EmbedkitWarning`) in one line `Warning: ...` each; Ctrl-C, SIGTERM and
    SIGHUP end in "Interrupted." and exit 130 (143, 129)."""

    def invoke(self, ctx):
        with _stop_signals():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("default", EmbedkitWarning)
                    warnings.showwarning = _show_warning
                    return super().invoke(ctx)
            except EmbedkitError as error:
                raise click.ClickException(str(error)) from None
            except KeyboardInterrupt:
                click.echo("Interrupted.", err=True)
                sys.exit(interrupted_status())
            except BrokenPipeError:  # `embedkit ... | head`
                sys.stderr.close()
                sys.exit(0)


@click.group(cls=EmbedkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="embedkit")
def main():
    """Train, load, query, look at and evaluate word embeddings."""


# -- options shared by several commands ------------------------------------------------------

# Seeds: numpy's legacy seeding (gensim, scikit-learn, UMAP) takes 0 .. 2**32 - 1.
SEED = click.IntRange(0, 2**32 - 1)


class FiniteFloat(click.FloatRange):
    """`click.FloatRange` that also refuses nan and inf (nan passes every bound check)."""

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def format_option(function):
    """`--format FMT` for a command that saves vectors with `io.save(vectors, out, fmt)`."""
    from .io import WRITE_FORMATS

    return click.option(
        "--format", "fmt", type=click.Choice(WRITE_FORMATS), default=None,
        help="Output format; by default from OUT's extension (.ekv .vec .txt .w2v .bin .glove "
             ".tsv, plus .gz/.bz2/.xz).")(function)


def nonfinite_option(function):
    """`--allow-nonfinite` for every command that loads vectors (`io.load(allow_nonfinite=)`)."""
    return click.option("--allow-nonfinite", is_flag=True,
                        help="Read vectors holding NaN or infinity as zero vectors (said once) "
                             "instead of refusing the file.")(function)


def read_options(function):
    """`--from`, `--trust-pickle`, `--unicode-errors` and `--allow-nonfinite` for a command that
    loads vectors with `io.load`."""
    return _file_options(nonfinite_option(function))


def _file_options(function):
    """`--from`, `--trust-pickle` and `--unicode-errors`: how to read a vectors file."""
    from .io import FORMATS, UNICODE_ERRORS

    function = click.option("--unicode-errors", type=click.Choice(UNICODE_ERRORS), default="strict",
                            show_default=True, help="What to do with words that are not UTF-8.")(function)
    function = click.option("--trust-pickle", is_flag=True,
                            help="Allow gensim pickles (.model, .kv): reading one can run any "
                                 "code it holds.")(function)
    return click.option("--from", "source_format", type=click.Choice(FORMATS), default=None,
                        help="Input format, when detection gets it wrong.")(function)


# -- training --------------------------------------------------------------------------------------

def _training_options(function):
    """The skip-gram options, with gensim's names and defaults."""
    from .train import ENGINES, SkipGramConfig

    defaults = SkipGramConfig()
    options = [
        click.option("--vector-size", type=click.IntRange(min=1), default=defaults.vector_size, show_default=True,
                     help="Dimension of the vectors."),
        click.option("--window", type=click.IntRange(min=1), default=defaults.window, show_default=True,
                     help="Maximum distance between center and context word; the effective window is drawn from 1..WINDOW per center word."),
        click.option("--min-count", type=click.IntRange(min=1), default=defaults.min_count, show_default=True,
                     help="Ignore words seen fewer times."),
        click.option("--max-vocab", type=click.IntRange(min=1), default=None,
                     help="Keep at most this many of the most frequent words."),
        click.option("--sample", type=FiniteFloat(min=0), default=defaults.sample, show_default=True,
                     help="Subsampling threshold for frequent words (0 = off)."),
        click.option("--negative", type=click.IntRange(min=1), default=defaults.negative, show_default=True,
                     help="Noise words per pair (negative sampling)."),
        click.option("--alpha", type=FiniteFloat(min=0, min_open=True), default=defaults.alpha, show_default=True,
                     help="Initial learning rate."),
        click.option("--min-alpha", type=FiniteFloat(min=0), default=defaults.min_alpha, show_default=True,
                     help="Final learning rate (linear decay)."),
        click.option("--epochs", type=click.IntRange(min=1), default=defaults.epochs, show_default=True,
                     help="Passes over the corpus."),
        click.option("--workers", type=click.IntRange(min=1), default=defaults.workers, show_default=True,
                     help="Training threads. Runs are reproducible with --seed only with --workers 1."),
        click.option("--seed", type=SEED, default=defaults.seed, show_default=True,
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
@format_option
@_training_options
@click.option("--checkpoint-every", type=click.IntRange(min=0), default=0, show_default=True,
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
    io.check_output(output, fmt)  # a bad output fails now, not after training
    try:
        vectors = train_skipgram(list(corpus), config, progress=not quiet, checkpoint=output,
                                 checkpoint_every=checkpoint_every, checkpoint_format=fmt, workdir=tmp_dir)
    except TrainingInterrupted as stop:
        click.echo(f"Interrupted: {stop}", err=True)
        sys.exit(interrupted_status())
    path = io.save(vectors, output, fmt)
    if not quiet:
        click.echo(f"wrote {len(vectors):,} vectors of dimension {vectors.dim} to {path}", err=True)


@main.command()
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

    from .corpus import Corpus, tokenize
    from .windows import token_pairs

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


@main.command()
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
    from . import io
    from .corpus import Corpus, Vocab
    from .onehot import onehot as make_onehot

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


@main.command()
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

    from . import io
    from .demo import DEMO_WORDS, demo_corpus
    from .query import most_similar
    from .train import SkipGramConfig, train_skipgram

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


# -- embedkit corpora: the dataset registry ------------------------------------------------------


@main.group(cls=EmbedkitGroup)
def corpora():
    """List, fetch and locate the datasets embedkit knows (benchmarks, classification sets, corpora).

    Files go to the cache ($EMBEDKIT_HOME/datasets, default ~/.cache/embedkit/datasets); a mirror
    folder (--mirror DIR or EMBEDKIT_MIRROR) laid out like the registry paths is read in place.

    Example:

    \b
        embedkit corpora fetch men rw --mirror ../shared/datasets
    """


_MIRROR = click.option("--mirror", metavar="DIR", default=None,
                       help="Folder (or http(s) address) holding the datasets in the registry's layout; "
                            "default: $EMBEDKIT_MIRROR.")


@corpora.command("list")
@click.option("--kind", type=click.Choice(["similarity", "analogy", "classification", "corpus"]),
              help="Only datasets of this kind.")
@click.option("--verbose", "-v", is_flag=True, help="Also print files, license, citation and source.")
@_MIRROR
def corpora_list(kind, verbose, mirror):
    """List the datasets, where each can be had, and whether it is on this machine.

    Example:

    \b
        embedkit corpora list --kind similarity
    """
    from . import registry

    rows = [("name", "kind", "here", "get from", "title")]
    for entry in registry.entries(kind):
        where = registry.where(entry, mirror) or "-"
        source = "gensim" if entry.gensim else "public" if entry.public else "mirror only"
        rows.append((entry.name, entry.kind, where, source, entry.title))
        if verbose:
            rows += [("", "", "", "", line) for line in _details(entry)]
    widths = [max(len(r[j]) for r in rows) for j in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


def _details(entry) -> list[str]:
    lines = [f"  aliases: {', '.join(entry.aliases)}"] if entry.aliases else []
    lines += [f"  file: {f.path} ({f.size:,} bytes, sha256 {f.sha256[:12]}..., "
              f"{f.url or 'no public address'}{' : ' + f.member if f.member else ''})" for f in entry.files]
    lines += [f"  license: {entry.license}", f"  cite: {entry.citation}", f"  source: {entry.source}"]
    return lines + ([f"  notes: {entry.notes}"] if entry.notes else [])


@corpora.command("fetch")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@_MIRROR
def corpora_fetch(names, mirror):
    """Download datasets into the cache (or copy them from --mirror), checking every sha256.

    A file that fails its checksum or arrives cut short is deleted, never kept. Prints the folder
    of each dataset on the last line.

    Example:

    \b
        embedkit corpora fetch men rw simverb3500
    """
    from . import registry

    for name in names:
        folder = registry.fetch(name, mirror, report=lambda line: click.echo(line, err=True))
        click.echo(folder)


@corpora.command("path")
@click.argument("name")
@click.option("--files", is_flag=True, help="Print every file of the dataset, one per line.")
@_MIRROR
def corpora_path(name, files, mirror):
    """Print where a dataset is: its file, or its folder when it has several (for scripts).

    Looks in gensim's data, the mirror and the cache; downloads nothing (see `corpora fetch`).

    Example:

    \b
        embedkit train "$(embedkit corpora path enwiki2015 --mirror ../shared/datasets)"
    """
    from . import registry

    paths = registry.paths(name, mirror)
    if files:
        for path in paths:
            click.echo(path)
    else:
        click.echo(paths[0] if len(paths) == 1 else registry.locate(name, mirror))


# -- embedkit evaluate ---------------------------------------------------------------------------


@main.command()
@click.argument("vectors", nargs=-1, required=True, metavar="VECTORS...")
@click.option("--similarity", "-s", multiple=True, metavar="NAME|FILE",
              help="Word-pair benchmark: a registry name (ws353, simlex999, men, rw, simverb3500, ...) or "
                   "a file of 'word1<TAB>word2<TAB>score' lines. Repeatable; names may be comma-separated.")
@click.option("--analogy", "-a", multiple=True, metavar="NAME|FILE",
              help="Analogy benchmark: google, msr, or a file in questions-words.txt layout. Repeatable.")
@click.option("--restrict", type=click.IntRange(min=0), default=30000, show_default=True,
              help="Analogy questions and answers use the N most frequent words (gensim's "
                   "restrict_vocab); 0: all. Word pairs always use the whole vocabulary.")
@click.option("--oov", type=click.Choice(["skip", "dummy"]), default="skip", show_default=True,
              help="Pairs/questions with unknown words: left out (gensim's default), or scored as "
                   "cosine 0 / wrong (gensim's dummy4unknown).")
@click.option("--method", type=click.Choice(["3cosadd", "3cosmul"]), default="3cosadd", show_default=True,
              help="How analogies are answered.")
@click.option("--case-sensitive", is_flag=True, help="Match words exactly (gensim folds case by default).")
@_MIRROR
@click.option("--json", "output", flag_value="json", help="Print JSON instead of a table.")
@click.option("--csv", "output", flag_value="csv", help="Print CSV, one line per cell.")
@nonfinite_option
def evaluate(vectors, similarity, analogy, restrict, oov, method, case_sensitive, mirror, output,
             allow_nonfinite):
    """Score word vectors on similarity and analogy benchmarks, side by side.

    VECTORS are files or pretrained names (glove-6b-50d), one column each. Each cell is the
    Spearman correlation (or accuracy) with (covered/total) pairs or questions beside it.
    Without --similarity/--analogy: WS-353, SimLex-999, MEN, RW and the Google analogies
    (semantic, syntactic, total); MEN and RW need `embedkit corpora fetch men rw` or --mirror.

    Example:

    \b
        embedkit evaluate onehot.ekv trained.ekv glove-6b-50d --mirror ../shared/datasets
    """
    from .intrinsic import evaluate as run

    result = run(list(vectors), similarity=_names(similarity), analogy=_names(analogy),
                 restrict=restrict, oov=oov, method=method, case_insensitive=not case_sensitive,
                 mirror=mirror, allow_nonfinite=allow_nonfinite)
    if output == "json":
        click.echo(result.to_json())
    elif output == "csv":
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(str(result))


def _names(values) -> list[str] | None:
    """Option values, with comma-separated names split ('-s men,rw'); None when there are none."""
    import os

    out = []
    for value in values:
        out += [value] if os.path.exists(value) else [v.strip() for v in value.split(",") if v.strip()]
    return out or None


# -- query: neighbors, similarity, analogy, odd-one-out, query ----------------------------------

VECTORS_HELP = "VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d)."


def _vectors(spec, allow_nonfinite: bool = False):
    from .pretrained import resolve

    return resolve(spec, allow_nonfinite=allow_nonfinite)


def _echo_json(payload) -> None:
    """Print `payload` as JSON; a float that is not finite (JSON has no NaN) is printed as null."""
    import json

    from .io import json_safe

    click.echo(json.dumps(json_safe(payload), ensure_ascii=False, indent=2, allow_nan=False))


def _scored(answers, key: str = "cosine") -> list[dict]:
    return [{"word": word, key: score} for word, score in answers]


@main.command()
@click.argument("vectors")
@click.argument("words", nargs=-1, required=True)
@click.option("--topn", "-n", default=10, show_default=True, type=click.IntRange(min=1),
              help="Neighbours shown for each word.")
@click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer only from the N most frequent words (the first N rows).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
@nonfinite_option
def neighbors(vectors, words, topn, restrict, as_json, allow_nonfinite):
    """Nearest words to each WORD, by cosine similarity.

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit neighbors glove-6b-50d frog --topn 5
        embedkit neighbors glove-6b-50d paris tokyo --json
    """
    from . import query
    from .prompt import neighbors_table

    vecs = _vectors(vectors, allow_nonfinite)
    answers = query.most_similar_batch(vecs, words, topn=topn, restrict=restrict)
    if as_json:
        _echo_json({"vectors": vectors, "topn": topn, "restrict": restrict,
                    "results": [{"query": w, "neighbors": _scored(a)} for w, a in zip(words, answers)]})
    elif len(words) == 1:
        click.echo(neighbors_table(answers[0]))
    else:
        from .display import format_table

        rows = [(w, i, word, score) for w, a in zip(words, answers)
                for i, (word, score) in enumerate(a, 1)]
        click.echo(format_table(rows, ["query", "rank", "word", "cosine"]))


@main.command()
@click.argument("vectors")
@click.argument("word1")
@click.argument("word2")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
@nonfinite_option
def similarity(vectors, word1, word2, as_json, allow_nonfinite):
    """Cosine similarity of WORD1 and WORD2 (0 when either vector is zero).

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit similarity glove-6b-50d cat dog
    """
    from . import query
    from .prompt import similarity_table

    cosine = query.similarity(_vectors(vectors, allow_nonfinite), word1, word2)
    if as_json:
        _echo_json({"vectors": vectors, "word1": word1, "word2": word2, "cosine": cosine})
    else:
        click.echo(similarity_table(word1, word2, cosine))


@main.command()
@click.argument("vectors")
@click.argument("a")
@click.argument("b")
@click.argument("c")
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="add: 3CosAdd (cosine with b - a + c); mul: 3CosMul (Levy & Goldberg 2014).")
@click.option("--topn", "-n", default=5, show_default=True, type=click.IntRange(min=1),
              help="Answers shown.")
@click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer only from the N most frequent words (the first N rows).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
@nonfinite_option
def analogy(vectors, a, b, c, method, topn, restrict, as_json, allow_nonfinite):
    """A is to B as C is to ?  (the answers never include A, B or C).

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit analogy glove-6b-50d man king woman          # queen
        embedkit analogy glove-6b-50d paris france tokyo --method mul
    """
    from . import query
    from .prompt import neighbors_table

    answers = query.analogy(_vectors(vectors, allow_nonfinite), a, b, c, method=method, topn=topn, restrict=restrict)
    if as_json:
        _echo_json({"vectors": vectors, "a": a, "b": b, "c": c, "method": method, "topn": topn,
                    "restrict": restrict, "answers": _scored(answers, "score")})
    else:
        click.echo(f"{a} : {b} :: {c} : ?  ({'3CosAdd' if method == 'add' else '3CosMul'})")
        click.echo(neighbors_table(answers, "cosine" if method == "add" else "score"))


@main.command("odd-one-out")
@click.argument("vectors")
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
@nonfinite_option
def odd_one_out(vectors, words, as_json, allow_nonfinite):
    """The word that does not belong with the others (3 words or more).

    Ranks the WORDS by cosine with the mean of their unit vectors; the last is the odd one
    (gensim's doesnt_match).

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit odd-one-out glove-6b-50d breakfast lunch dinner car
    """
    from . import query
    from .prompt import centrality_table

    vecs = _vectors(vectors, allow_nonfinite)
    odd = query.odd_one_out(vecs, words)
    ranking = query.rank_by_centrality(vecs, words)
    if as_json:
        _echo_json({"vectors": vectors, "words": list(words), "odd": odd,
                    "ranking": _scored(ranking)})
    else:
        click.echo(centrality_table(ranking))


@main.command("query")
@click.argument("vectors")
@click.option("--topn", "-n", default=10, show_default=True, type=click.IntRange(min=1),
              help="Answers shown for each question (change it with 'topn N').")
@click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer only from the N most frequent words.")
@nonfinite_option
def query_prompt(vectors, topn, restrict, allow_nonfinite):
    """An interactive prompt: neighbours, vector arithmetic, similarity, odd one out.

    Type a word, 'king - man + woman', 'sim cat dog' or 'odd breakfast lunch car'; '?' for
    help; 'quit' or Ctrl-D to leave. Reads questions from stdin when it is not a terminal.

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit query glove-6b-50d
        echo "king - man + woman" | embedkit query glove-6b-50d --topn 3
    """
    from . import prompt

    prompt.run(prompt.QuerySession(_vectors(vectors, allow_nonfinite), topn=topn, restrict=restrict))


# -- vector files: convert, info; `format_option` for every command that writes vectors --------

@main.command()
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@format_option
@read_options
def convert(source, target, fmt, source_format, trust_pickle, unicode_errors, allow_nonfinite):
    """Convert word vectors IN to OUT, any format to any format.

    IN may be plain, .gz, .bz2, .xz, a .zip holding one file, or ARCHIVE.zip:MEMBER.
    Nothing is written unless the whole conversion succeeds.

    Example: embedkit convert glove.6B.zip:glove.6B.50d.txt glove50.ekv
    """
    from . import io

    io.check_output(target, fmt)
    vectors = io.load(source, source_format, trust_pickle=trust_pickle, unicode_errors=unicode_errors,
                      allow_nonfinite=allow_nonfinite)
    out = io.save(vectors, target, fmt)
    click.echo(f"{out}: {len(vectors):,} words x {vectors.dim} dims ({io.output_format(out, fmt)[0]})")


@main.command()
@click.argument("path", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@_file_options
def info(path, as_json, source_format, trust_pickle, unicode_errors):
    """Summarise a vectors file: words, dims, format, counts, norms, training config.

    Reads the file as it is: vectors holding NaN or infinity, which other commands refuse (or
    read as zeros with --allow-nonfinite), are counted and the first is named. JSON output
    writes a NaN or infinity in the stored metadata (a NaN loss) as null.

    Example: embedkit info vectors.ekv --json
    """
    from . import io

    summary = io.info(path, fmt=source_format, trust_pickle=trust_pickle, unicode_errors=unicode_errors)
    if as_json:
        _echo_json(summary)
        return
    norms = summary["norms"]
    rows = [
        ("format", summary["format"]),
        ("words", f"{summary['words']:,}"),
        ("dimensions", summary["dim"]),
        ("storage", "sparse float32" if summary["sparse"] else "dense float32"),
        ("counts", "known" if summary["counts_known"] else "unknown"),
        ("norms", "-" if norms is None else
         f"min {norms['min']:.4g}, mean {norms['mean']:.4g}, max {norms['max']:.4g}"),
        ("zero vectors", summary["zero_vectors"]),
        ("file size", _file_size(summary["file_bytes"])),
    ]
    if summary["non_finite_vectors"]:
        first = summary["first_non_finite"]
        where = f"line {first['line']}" if first["line"] is not None else f"row {first['row']}"
        rows.append(("NaN/inf vectors", f"{summary['non_finite_vectors']:,} (the first: "
                                        f"{first['word']!r}, {where}); other commands refuse "
                                        "them, or read them as zeros with --allow-nonfinite"))
    if summary["training"]:
        rows.append(("training", ", ".join(f"{k}={v}" for k, v in summary["training"].items())
                     if isinstance(summary["training"], dict) else summary["training"]))
    meta = summary["meta"]
    if meta.get("trained_with"):
        status = "complete" if meta.get("complete", True) else "checkpoint, incomplete"
        rows.append(("trained", f"{meta['trained_with']}, engine {meta.get('engine')}, "
                                f"{meta.get('epochs_completed')} epochs ({status}) on "
                                f"{meta.get('corpus_words', 0):,} words of {meta.get('corpus')}"))
    if meta.get("epoch_loss"):
        losses = ", ".join(f"{x:.4f}" for x in meta["epoch_loss"])
        rows.append(("epoch loss", f"{losses}  (initial {meta.get('initial_loss', float('nan')):.4f})"))
    if meta.get("words_per_second"):
        rows.append(("speed", f"{meta['words_per_second']:,} words/s over {meta.get('train_seconds')} s"))
    rows.append(("first words", " ".join(summary["first_words"])))
    click.echo(summary["path"])
    for label, value in rows:
        click.echo(f"  {label:<13} {value}")


def _file_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000


def _picture_size(ctx, param, value):
    width, sep, height = (value or "").lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise click.BadParameter(f"expected WIDTHxHEIGHT in pixels, like 1600x1200; got {value!r}")
    from .plot_figure import check_size

    try:
        check_size(int(width), int(height))
    except EmbedkitError as error:
        raise click.BadParameter(str(error)) from None
    return int(width), int(height)


@main.command("plot")
@click.argument("vectors")
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help="OUT.png, OUT.svg, OUT.pdf or OUT.html (interactive page); "
                   "the extension picks the format.")
@click.option("--method", type=click.Choice(["umap", "pca", "tsne"]), default=None,
              help="Projection to 2-D. [default: umap; pca with --analogy]")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help="Plot the N most frequent words. "
                   "[default: 1000; 3000 for .html; none when words are chosen]")
@click.option("--words", metavar="W1,W2,...", help="Plot these words.")
@click.option("--words-file", metavar="FILE", help="Plot the words of FILE, one a line (# starts a comment).")
@click.option("--neighbors-of", metavar="WORD[,WORD]",
              help="Plot each WORD and its --topn nearest words (cosine), coloured by WORD.")
@click.option("--topn", type=click.IntRange(min=1), default=10, show_default=True, metavar="K",
              help="Neighbours per --neighbors-of word.")
@click.option("--clusters", type=click.IntRange(min=1), metavar="K",
              help="Colour by K k-means clusters of the unit vectors.")
@click.option("--analogy", metavar="A:B,C:D",
              help="Draw arrows from A to B, from C to D: the offsets analogies rely on.")
@click.option("--labels", type=click.IntRange(min=0), metavar="N",
              help="Label at most N words, most frequent first; overlapping labels are left out. "
                   "[default: all that fit; 40 for .html]")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed (projection, k-means).")
@click.option("--size", default="1600x1200", show_default=True, callback=_picture_size, metavar="WxH",
              help="Picture size in pixels.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=160, show_default=True,
              help="Dots per inch: larger makes text larger relative to the picture.")
@click.option("--name", help="What to call the vectors in the title. [default: their source]")
@click.option("-v", "--verbose", is_flag=True,
              help="Report the time of each step, with numba's compile time apart from UMAP's run time.")
@nonfinite_option
def plot_command(vectors, out, method, top, words, words_file, neighbors_of, topn, clusters, analogy,
                 labels, seed, size, dpi, name, verbose, allow_nonfinite):
    """Project word vectors to 2-D (UMAP, PCA, t-SNE) and draw them: PNG, SVG, PDF or an HTML page.

    VECTORS is a vectors file or the name glove-6b-50d. The picture labels as many words as fit
    without overlapping; the HTML page (one offline file) zooms, pans, shows each word's 5
    nearest neighbours on hover and has a search box.

    \b
    Example:
        embedkit plot glove-6b-50d -o glove.png --top 500 --clusters 8
        embedkit plot glove-6b-50d -o royals.png --neighbors-of king,paris,computer --topn 15
        embedkit plot glove-6b-50d -o gender.svg --analogy man:woman,king:queen,boy:girl
        embedkit plot vectors.ekv -o vectors.html --verbose
    """
    import time

    from .fsutil import check_output
    from .plotting import output_format, plot
    from .pretrained import resolve

    output_format(out)  # a bad extension or output fails before the vectors load
    check_output(out)
    start = time.perf_counter()
    loaded = resolve(vectors, allow_nonfinite=allow_nonfinite)
    seconds = time.perf_counter() - start
    if verbose:
        click.echo(f"loaded {vectors}: {len(loaded):,} words x {loaded.dim} dims ({seconds:.1f} s)", err=True)
    p = plot(loaded, out, method=method, top=top, words=words, words_file=words_file,
             neighbors_of=neighbors_of, topn=topn, clusters=clusters, analogy=analogy, labels=labels,
             seed=seed, size=size, dpi=dpi, name=name, timed=verbose)
    if verbose:
        library = "umap-learn" if p.method == "UMAP" else "scikit-learn"
        steps = {"select": "choose words (and k-means)", "import": f"import {library}",
                 "compile": "numba compile (warm-up fit)", "project": f"{p.method} of {len(p):,} points",
                 "neighbours": "nearest words, for hovering", "draw": "draw", "write": "write"}
        for key, label in steps.items():
            if key in p.timings:
                click.echo(f"  {label:<32}{p.timings[key]:7.2f} s", err=True)
    labelled = f", {p.labelled:,} labelled" if p.labelled is not None else ""
    click.echo(f"Wrote {out}: {len(p):,} words{labelled}, {p.method}.", err=True)


# -- downstream classification -----------------------------------------------------------------------

# 400 tokens is over 3x the longest sentence of MR, SST, SUBJ, TREC, CR and MPQA (122, SUBJ), so it
# changes none of their results; it bounds the time and memory one very long text can take.
_MAX_LEN = click.option("--max-len", type=click.IntRange(min=0), default=400, show_default=True, metavar="N",
                        help="Keep the first N tokens of each text (recurrent models; 0: keep all). "
                             "The output says how many texts were cut.")

@main.command()
@click.argument("dataset")
@click.option("--embeddings", "-e", default="random", show_default=True, metavar="SPEC",
              help="onehot, random, bow (bag-of-words logistic regression), a vectors file, or a "
                   "pretrained name (glove-6b-50d).")
@click.option("--cell", type=click.Choice(["rnn", "lstm", "gru"]), default="lstm", show_default=True)
@click.option("--layers", type=click.IntRange(1, 4), default=1, show_default=True)
@click.option("--bidirectional/--unidirectional", default=False, show_default=True)
@click.option("--pooling", type=click.Choice(["last", "mean", "max", "attention"]), default="last",
              show_default=True, help="How the RNN states become one sentence vector.")
@click.option("--freeze/--finetune", default=None,
              help="Keep pretrained vectors fixed, or train them (default: fine-tune; onehot is always fixed).")
@click.option("--dim", type=click.IntRange(min=1), default=50, show_default=True, help="Size of random embeddings.")
@click.option("--hidden", type=click.IntRange(min=1), default=100, show_default=True, help="RNN state size per direction.")
@click.option("--dropout", type=FiniteFloat(0, 1, max_open=True), default=0.5, show_default=True)
@click.option("--forget-bias", type=FiniteFloat(), default=0.0, show_default=True,
              help="Initial bias of the LSTM forget gate / GRU update gate (1.0 helps long memories).")
@click.option("--epochs", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many epochs.")
@click.option("--patience", type=click.IntRange(min=1), default=3, show_default=True,
              help="Stop after this many epochs without a better dev accuracy.")
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True)
@_MAX_LEN
@click.option("--lr", type=FiniteFloat(min=0, min_open=True), default=1e-3, show_default=True,
              help="Adam learning rate.")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Train this many times (seeds 1..N) and report mean and std.")
@click.option("--cv", type=click.IntRange(min=2), default=None, help="K-fold cross-validation instead of a fixed split.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="CPU threads for torch (default: torch's choice; 1 is fastest on a busy machine).")
@_MIRROR
@click.option("--save", type=click.Path(), default=None, metavar="MODEL",
              help="Write the first seed's model to this folder (config.json, vocab.txt, weights.pt).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@nonfinite_option
def classify(dataset, embeddings, cell, layers, bidirectional, pooling, freeze, dim, hidden, dropout, forget_bias,
             epochs, patience, batch_size, max_len, lr, seeds, cv, device, threads, mirror, save, as_json, quiet,
             allow_nonfinite):
    """Train a recurrent classifier on DATASET and report test accuracy and macro-F1 (mean +- std over seeds).

    DATASET is a registry name (mr, sst2, sst5, subj, trec, cr, mpqa) or a file: label<TAB>text
    lines, a CSV with label and text columns, or fastText __label__x lines. Sets without a test
    split get a fixed seeded 10% test and 10% dev split (see docs/classify.md).

    Example:

    \b
        embedkit classify mr --embeddings glove-6b-50d --bidirectional --seeds 3 --mirror ../shared/datasets
        embedkit classify sst2 --embeddings onehot --cell gru --pooling attention
        embedkit classify mr --embeddings bow
    """
    from .datasets import load_classification
    from .fsutil import check_output

    if save:
        if embeddings == "bow":
            raise click.UsageError("--save is for the recurrent models, not --embeddings bow")
        check_output(save, folder="classifier")  # before the data is read and the model trained
    data = load_classification(dataset, mirror=mirror)
    if embeddings == "bow":
        from .bow import run_bow

        result = run_bow(data, cv=cv)
    else:
        import torch  # imported here so that `embedkit --help` stays fast

        if threads:
            torch.set_num_threads(threads)

        from .classify import ClassifierConfig, _load_vectors, run_seeds

        config = ClassifierConfig(embeddings=embeddings, freeze=freeze, dim=dim, cell=cell, layers=layers,
                                  bidirectional=bidirectional, pooling=pooling, hidden=hidden, dropout=dropout,
                                  forget_bias=forget_bias, epochs=epochs, patience=patience, batch_size=batch_size,
                                  max_len=max_len or None, lr=lr, device=device)
        config.check()
        vectors = _load_vectors(config, None, allow_nonfinite=allow_nonfinite)
        result = run_seeds(data, config, tuple(range(1, seeds + 1)), vectors=vectors, progress=not quiet,
                           cv=cv, keep_models=bool(save))
        if save:
            result.pop("models")[0].save(save)
    result = {"dataset": data.name, "embeddings": embeddings, **result}
    if as_json:
        _echo_json(result)
        return
    runs = len(result["runs"])
    what = f"{runs} run{'s' if runs > 1 else ''}" + (f" ({cv} folds)" if cv else "")
    click.echo(f"{data.name}, {embeddings}: test accuracy {100 * result['accuracy_mean']:.2f} "
               f"+- {100 * result['accuracy_std']:.2f}, macro-F1 {100 * result['macro_f1_mean']:.2f} "
               f"+- {100 * result['macro_f1_std']:.2f}  ({what})")
    click.echo(f"parameters: {result['parameters']:,}")
    if result.get("truncated") and result["truncated"]["texts"]:
        click.echo(_truncated_line(result["truncated"]))
    if result["coverage"]:
        c = result["coverage"]
        click.echo(f"coverage: {c['found']:,} of {c['vocab']:,} training words have vectors ({100 * c['fraction']:.1f}%)")
    if result["seconds_per_epoch"] is not None:
        click.echo(f"seconds per epoch: {result['seconds_per_epoch']:.1f}")
    if save:
        click.echo(f"saved the first model to {save}", err=True)


def _truncated_line(truncated: dict) -> str:
    return (f"truncated: {truncated['texts']:,} of {truncated['of']:,} texts cut to their first "
            f"{truncated['max_len']:,} tokens (--max-len)")


# -- the downstream grid ---------------------------------------------------------------------

def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@main.command()
@click.argument("dataset")
@click.option("--embeddings", "-e", default="onehot,random,glove-6b-50d,bow", show_default=True, metavar="SPECS",
              help="Comma-separated: onehot, random, bow (bag-of-words logistic regression), vectors files, "
                   "pretrained names.")
@click.option("--cells", default="lstm", show_default=True, metavar="CELLS", help="Comma-separated: rnn, lstm, gru.")
@click.option("--bidirectional", type=click.Choice(["no", "yes", "both"]), default="no", show_default=True,
              help="Train each cell forward-only, bidirectional, or both ways.")
@click.option("--tuning", default="frozen,finetuned", show_default=True, metavar="MODES",
              help="For vectors files and pretrained names: frozen, finetuned, or both (comma-separated).")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Train each cell this many times (seeds 1..N); the table shows mean and std.")
@click.option("--cv", type=click.IntRange(min=2), default=None, help="K-fold cross-validation instead of a fixed split.")
@click.option("--pooling", type=click.Choice(["last", "mean", "max", "attention"]), default="last", show_default=True)
@click.option("--hidden", type=click.IntRange(min=1), default=100, show_default=True, help="RNN state size per direction.")
@click.option("--epochs", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many epochs.")
@click.option("--patience", type=click.IntRange(min=1), default=3, show_default=True,
              help="Stop after this many epochs without a better dev accuracy.")
@_MAX_LEN
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="CPU threads for torch (default: torch's choice; 1 is fastest on a busy machine).")
@_MIRROR
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Report folder: results.md/.csv/.json/.png, and cells/ (finished cells are not retrained).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@nonfinite_option
def compare(dataset, embeddings, cells, bidirectional, tuning, seeds, cv, pooling, hidden, epochs, patience,
            max_len, device, threads, mirror, output, quiet, allow_nonfinite):
    """Train the grid embeddings x cells (x directions) on DATASET and write one table and chart.

    Resumable: each finished cell is saved in DIR/cells/ at once, and a rerun with the same
    settings trains only what is missing.

    Example:

    \b
        embedkit compare mr --embeddings onehot,random,glove-6b-50d,bow --cells rnn,lstm,gru \\
            --bidirectional both --seeds 3 -o report-mr --mirror ../shared/datasets
    """
    import torch  # imported here so that `embedkit --help` stays fast

    if threads:
        torch.set_num_threads(threads)

    from .classify import ClassifierConfig
    from .compare import compare as run_compare

    config = ClassifierConfig(pooling=pooling, hidden=hidden, epochs=epochs, patience=patience, device=device,
                              max_len=max_len or None)
    report = run_compare(dataset, _list(embeddings), _list(cells), out=output, bidirectional=bidirectional,
                         tunings=tuple(_list(tuning)), seeds=range(1, seeds + 1), cv=cv, config=config,
                         mirror=mirror, progress=not quiet, echo=lambda line: click.echo(line, err=True),
                         allow_nonfinite=allow_nonfinite)
    click.echo(report.markdown(), nl=False)
    click.echo(f"Wrote {output}/results.md, results.csv, results.json, results.png", err=True)


from .cli_experiments import experiment, explain  # noqa: E402  (issue 8; kept last so merges stay trivial)

main.add_command(experiment)
main.add_command(explain)
