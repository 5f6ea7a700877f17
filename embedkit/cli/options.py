"""What several commands share, defined once: options (with one help text and one default) and
small helpers for their arguments and output."""

from __future__ import annotations

import click

from ..downstream.threads import DEFAULT_THREADS


def summary(command: click.Command) -> str:
    """What a group's help lists for `command`: its short_help, else the first sentence of its help,
    whole (click would cut it to fit the terminal, mid-sentence, with "...")."""
    import inspect
    import re

    if command.short_help:
        return command.short_help
    text = inspect.cleandoc(command.help or "").split("\n\n", 1)[0].replace("\n", " ")
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)[0]


class WholeSummaries(click.Group):
    """A group whose list of commands shows each summary whole, wrapped on a narrow terminal."""

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


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

    def _describe_range(self) -> str:
        if self.min is None and self.max is None:
            return "finite"  # click's own text would read "x<=None"
        return super()._describe_range()


def format_option(function):
    """`--format FMT` for a command that saves vectors with `io.save(vectors, out, fmt)`."""
    from ..io import WRITE_FORMATS

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
    return file_options(nonfinite_option(function))


def file_options(function):
    """`--from`, `--trust-pickle` and `--unicode-errors`: how to read a vectors file."""
    from ..io import FORMATS, UNICODE_ERRORS

    function = click.option("--unicode-errors", type=click.Choice(UNICODE_ERRORS), default="strict",
                            show_default=True, help="What to do with words that are not UTF-8.")(function)
    function = click.option("--trust-pickle", is_flag=True,
                            help="Allow gensim pickles (.model, .kv): reading one can run any "
                                 "code it holds.")(function)
    return click.option("--from", "source_format", type=click.Choice(FORMATS), default=None,
                        help="Input format, when detection gets it wrong.")(function)


spark_master_option = click.option(
    "--spark-master", metavar="URL", default=None,
    help="Run on Spark: local[N] (in this process, N cores), spark://HOST:PORT, yarn, k8s://https://HOST:PORT "
         "(under spark-submit: its master). See docs/cluster.md.")


def _vocabulary_options(defaults) -> list:
    """--min-count, --max-vocab: what decides the vocabulary (training and `prepare`)."""
    return [
        click.option("--min-count", type=click.IntRange(min=1), default=defaults.min_count, show_default=True,
                     help="Ignore words seen fewer times."),
        click.option("--max-vocab", type=click.IntRange(min=1), default=None,
                     help="Keep at most this many of the most frequent words."),
    ]


_LOWERCASE = click.option("--lowercase/--no-lowercase", default=True, show_default=True, help="Lower-case the corpus.")


def vocabulary_options(function):
    """--min-count, --max-vocab and --lowercase, with the training defaults."""
    from ..train import SkipGramConfig

    for option in reversed([*_vocabulary_options(SkipGramConfig()), _LOWERCASE]):
        function = option(function)
    return function


def training_options(function):
    """The skip-gram options, with gensim's names and defaults."""
    from ..train import ENGINES, SkipGramConfig

    defaults = SkipGramConfig()
    options = [
        click.option("--vector-size", type=click.IntRange(min=1), default=defaults.vector_size, show_default=True,
                     help="Dimension of the vectors."),
        click.option("--window", type=click.IntRange(min=1), default=defaults.window, show_default=True,
                     help="Maximum distance between center and context word; the effective window is drawn from 1..WINDOW per center word."),
        *_vocabulary_options(defaults),
        click.option("--sample", type=FiniteFloat(min=0), default=defaults.sample, show_default=True,
                     help="Subsampling threshold for frequent words (0 = off)."),
        click.option("--negative", type=click.IntRange(min=0), default=defaults.negative, show_default=True,
                     help="Noise words per center word (negative sampling); 0 only with --hs."),
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
                          "the fastest), gensim (gensim's Word2Vec, or its FastText with --subwords: "
                          "the reference) or spark (Spark MLlib's Word2Vec: hierarchical softmax, for "
                          "corpora in a cluster's storage)."),
        _LOWERCASE,
        click.option("--subwords", is_flag=True,
                     help="fastText's model: a word's input is the mean of its own vector and its character "
                          "n-grams' vectors, so words the corpus never had get vectors too (composed)."),
        click.option("--min-n", type=click.IntRange(min=1), default=defaults.min_n, show_default=True,
                     help="With --subwords: shortest character n-gram (the word is wrapped in < and >)."),
        click.option("--max-n", type=click.IntRange(min=0), default=defaults.max_n, show_default=True,
                     help="With --subwords: longest character n-gram (below --min-n: none)."),
        click.option("--bucket", type=click.IntRange(0, 2**31 - 1), default=defaults.bucket, show_default=True,
                     help="With --subwords: hash buckets the n-grams share (only the rows the vocabulary's "
                          "n-grams use are kept)."),
        spark_master_option,
        click.option("--partitions", type=click.IntRange(min=1), default=defaults.partitions, show_default=True,
                     help="--engine spark: parts MLlib trains apart and averages each iteration "
                          "(more: faster, less accurate)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


mirror_option = click.option("--mirror", metavar="DIR", default=None,
                             help="Folder (or http(s) address) holding the datasets in the registry's layout; "
                                  "default: $EMBEDKIT_MIRROR, then the cache.")

# The default is chosen by the rule of embedkit.downstream.threads from bench/thread_default.py's
# measurements: torch's own default (all cores) is many times slower once another job holds a core.
threads_option = click.option(
    "--threads", type=click.IntRange(min=1), default=DEFAULT_THREADS,
    help=f"CPU threads torch may use; default {DEFAULT_THREADS}: the fastest count that is never slower than "
         "1 thread while another process holds a core (bench/thread_default.py).")


def _stderr_is_terminal() -> bool:
    import sys

    return sys.stderr.isatty()


def status_printer(quiet: bool = False):
    """What a command hands the library as `status`: a callable that prints a line to stderr before
    a long step without a progress bar (reading vectors, compiling UMAP, fitting the baseline), or
    None, so that nothing is printed, when `quiet` or stderr is not a terminal (a pipe or a log
    keeps only the results and the errors)."""
    if quiet or not _stderr_is_terminal():
        return None
    return lambda line: click.echo(line, err=True)


def require_torch(what: str) -> None:
    """Fail at once, in one line naming the install, when a command that needs torch runs without it."""
    from ..downstream.needs_torch import require_torch as check

    check(what)


def set_threads(threads: int) -> None:
    """Let torch use `threads` CPU threads, where torch is installed (the baselines need none)."""
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


restrict_option = click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
                               help="Answer only from the N most frequent words (the first N rows).")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")

VECTORS_HELP = "VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d)."
BASELINES_HELP = ("bow (bag-of-words logistic regression), nbsvm (NBSVM-bi), avg:VECTORS (averaged vectors + "
                  "logistic regression)")  # the -e baselines of classify and compare


def vectors_help(function):
    """Put the one sentence that says what VECTORS is where a command's help says {VECTORS}
    (apply it under `click.command`, which reads the help text)."""
    function.__doc__ = function.__doc__.replace("{VECTORS}", VECTORS_HELP)
    return function


def load_vectors(spec, allow_nonfinite: bool = False):
    from ..io.pretrained import resolve

    return resolve(spec, allow_nonfinite=allow_nonfinite)


def echo_json(payload) -> None:
    """Print `payload` as JSON; a float that is not finite (JSON has no NaN) is printed as null."""
    import json

    from ..io import json_safe

    click.echo(json.dumps(json_safe(payload), ensure_ascii=False, indent=2, allow_nan=False))


def scored(answers, key: str = "cosine") -> list[dict]:
    return [{"word": word, key: score} for word, score in answers]


def split_names(values) -> list[str] | None:
    """Option values, with comma-separated names split ('-s men,rw'); None when there are none."""
    import os

    out = []
    for value in values:
        out += [value] if os.path.exists(value) else [v.strip() for v in value.split(",") if v.strip()]
    return out or None


def comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# 400 tokens is over 3x the longest sentence of MR, SST, SUBJ, TREC, CR and MPQA (122, SUBJ), so it
# changes none of their results; it bounds the time and memory one very long text can take.
max_len_option = click.option("--max-len", type=click.IntRange(min=0), default=400, show_default=True, metavar="N",
                        help="Keep the first N tokens of each text (recurrent models; 0: keep all). "
                             "The output says how many texts were cut.")
