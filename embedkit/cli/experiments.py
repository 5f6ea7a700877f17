"""`embedkit experiment ...`: the teaching experiments on the command line.

Each experiment command parses its options, calls ``embedkit.experiments.<name>.run``, writes the
report folder (report.md, results.csv, results.json, plot.png) and prints the table and the
one-sentence conclusion. torch is imported only inside the commands.
"""

from __future__ import annotations

import functools

import click

from ..errors import EmbedkitError
from .options import SEED, WholeSummaries, mirror_option, require_torch, set_threads, threads_option


def _check_output(ctx, param, value):
    """The report folder is checked while the options are parsed: before any data is read."""
    from ..outputs import check_output

    check_output(value, folder="experiment", parents=True)
    return value


def _common(name: str):
    """-o/--output, --seed, --seeds and --quick, shared by every experiment."""

    def decorate(function):
        function = click.option("--quick", is_flag=True,
                                help="A small, fast run (under 60 s) to check the set-up.")(function)
        function = click.option("--seeds", "runs", type=click.IntRange(1, 100), default=3, show_default=True,
                                help="Runs with seeds SEED, SEED+1, ...; tables and plots show mean ± std.")(function)
        function = click.option("--seed", type=SEED, default=1, show_default=True,
                                help="The first seed: seeds data, weights and batches.")(function)
        return click.option("-o", "--output", default=f"experiments/{name}", show_default=True,
                            type=click.Path(file_okay=False), callback=_check_output,
                            help="Folder for report.md, results.csv, results.json and plot.png; an "
                                 "existing one must be empty or an earlier report.")(function)

    return decorate


def _seeds(seed: int, runs: int) -> tuple[int, ...]:
    if seed + runs - 1 > 2**32 - 1:
        raise EmbedkitError(f"--seed {seed} --seeds {runs}: the seeds would pass 2**32 - 1")
    return tuple(range(seed, seed + runs))


def _finish(report, output: str) -> None:
    from ..experiments.report import format_table, write

    write(report, output)
    click.echo(format_table(report.rows))
    for table in report.extra:
        click.echo(f"\n{table.title}:")
        click.echo(format_table(table.rows))
    click.echo(f"\n{report.conclusion}")
    extra = "".join(f", {name}" for name in [*report.figures, *report.files])
    click.echo(f"Wrote {output}/report.md, results.csv, results.json, plot.png{extra}.", err=True)


def _cells(value: str, known=("rnn", "gru", "lstm")) -> tuple[str, ...]:
    cells = tuple(c.strip().lower() for c in value.split(",") if c.strip())
    bad = [c for c in cells if c not in known]
    if bad or not cells:
        raise EmbedkitError(f"--cells takes a comma-separated list of {', '.join(known)}; got {value!r}")
    return cells


def _trains(name: str, short_help: str):
    """The decorators every experiment that trains on a DATASET shares: the command itself, its
    DATASET argument (default `synthetic`), output/seed/quick, --mirror and --threads; and the
    check that torch, which trains the classifiers, is installed, before any data is read."""
    def wrap(function):
        @functools.wraps(function)
        def run(**options):
            require_torch(f"embedkit experiment {name}")
            return function(**options)

        for decorate in (threads_option, mirror_option, _common(name), click.argument("dataset", default="synthetic"),
                         experiment.command(name, short_help=short_help)):
            run = decorate(run)
        return run
    return wrap


@click.group(cls=WholeSummaries, short_help="Why gates, direction and attention matter; one-hot; seq2seq.")
def experiment():
    """Experiments that show why gates, bidirectionality and attention matter.

    Each prints a table and one sentence computed from it, and writes report.md, results.csv,
    results.json and plot.png into -o/--output.

    \b
    Example:
        embedkit experiment length synthetic
        embedkit experiment cells mr --mirror ../shared/datasets
        embedkit experiment onehot demo
    """


@_trains("length", "RNN vs LSTM vs GRU as the deciding word moves away.")
@click.option("--cells", "cell_list", default="rnn,lstm,gru", show_default=True, help="Cells to compare.")
@click.option("--ks", default=None,
              help="synthetic: distances of the deciding word from the end  [default: 5,10,20,30,50,70,100].")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs (default 30 synthetic, 5 real).")
def length_command(dataset, output, seed, runs, quick, mirror, threads, cell_list, ks, epochs):
    """RNN vs LSTM vs GRU as the deciding word moves away from the end; gradient norms.

    DATASET is `synthetic` (a marker k words from the end decides the label) or a classification
    set (name or file): accuracy by sentence length.

    \b
    Example:
        embedkit experiment length synthetic --ks 5,25,100,200
        embedkit experiment length mr --mirror ../shared/datasets
    """
    from ..experiments import length

    set_threads(threads)
    options = {"cells": _cells(cell_list)}
    if epochs is not None:
        options["epochs"] = epochs
    if dataset == "synthetic" and ks is not None:
        try:
            options["ks"] = tuple(sorted({int(k) for k in ks.split(",") if k.strip()}))
        except ValueError:
            raise EmbedkitError(f"--ks takes comma-separated whole numbers, got {ks!r}") from None
        if not options["ks"] or min(options["ks"]) < 1:
            raise EmbedkitError(f"--ks needs distances of at least 1, got {ks!r}")
    _finish(length.run(dataset, mirror=mirror, seeds=_seeds(seed, runs), quick=quick, **options), output)


@_trains("cells", "Parameters, accuracy and time of RNN, GRU and LSTM.")
@click.option("--dim", type=click.IntRange(min=1), default=50, show_default=True, help="Input (embedding) size.")
@click.option("--hidden", type=click.IntRange(min=1), default=100, show_default=True, help="Hidden units.")
@click.option("--layers", type=click.IntRange(min=1), default=1, show_default=True, help="Stacked layers.")
@click.option("--bidirectional", is_flag=True, help="Bidirectional cells.")
@click.option("--epochs", type=click.IntRange(min=1), default=5, show_default=True, help="Training epochs.")
def cells_command(dataset, output, seed, runs, quick, mirror, threads, dim, hidden, layers, bidirectional,
                  epochs):
    """Trainable parameters of RNN, GRU and LSTM, checked against the formulas, with accuracy and time.

    DATASET (default `synthetic`) is what the cells are trained on.

    \b
    Example:
        embedkit experiment cells mr --mirror ../shared/datasets --hidden 100
    """
    from ..experiments import cells

    set_threads(threads)
    _finish(cells.run(dataset, mirror=mirror, dim=dim, hidden=hidden, layers=layers, bidirectional=bidirectional,
                      epochs=epochs, seeds=_seeds(seed, runs), quick=quick), output)


@_trains("direction", "Forward, backward and bidirectional cells compared.")
@click.option("--cells", "cell_list", default="leaky,rnn,lstm", show_default=True,
              help="Cells to compare: rnn, gru, lstm, and leaky (a simple RNN with a fixed, short memory).")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs (default 30 synthetic, 8 real).")
@click.option("--length", "size", type=click.IntRange(min=2), default=60, show_default=True,
              help="synthetic: words per sequence.")
def direction_command(dataset, output, seed, runs, quick, mirror, threads, cell_list, epochs, size):
    """Forward-only, backward-only and bidirectional cells, by where the deciding words sit.

    \b
    Example:
        embedkit experiment direction synthetic
        embedkit experiment direction mr --mirror ../shared/datasets --cells lstm
    """
    from ..experiments import direction

    set_threads(threads)
    _finish(direction.run(dataset, mirror=mirror, cells=_cells(cell_list, ("leaky", "rnn", "gru", "lstm")),
                          epochs=epochs, length=size,
                          seeds=_seeds(seed, runs), quick=quick), output)


@_trains("attention", "The words an attention-pooled classifier attends to.")
@click.option("--epochs", type=click.IntRange(min=1), default=5, show_default=True, help="Training epochs.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many of the most attended words to list.")
def attention_command(dataset, output, seed, runs, quick, mirror, threads, epochs, top):
    """The words an attention-pooled classifier attends to most across a test set (and attention.html).

    \b
    Example:
        embedkit experiment attention sst2 --mirror ../shared/datasets
    """
    from ..experiments import attention

    set_threads(threads)
    _finish(attention.run(dataset, mirror=mirror, epochs=epochs, top=top, seeds=_seeds(seed, runs), quick=quick),
            output)


@experiment.command("onehot", short_help="One-hot vs dense vectors: memory, cosine, neighbours.")
@click.argument("corpus", default="demo")
@_common("onehot")
@click.option("--dim", type=click.IntRange(min=1), default=100, show_default=True,
              help="Size of the dense skip-gram vectors.")
@click.option("--epochs", type=click.IntRange(min=1), default=10, show_default=True, help="Skip-gram epochs.")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True,
              help="Ignore words seen fewer times.")
def onehot_command(corpus, output, seed, runs, quick, dim, epochs, min_count):
    """One-hot vs dense vectors: memory, sparsity, cosine of related words, nearest neighbours.

    CORPUS is a text file or folder, `demo` (gensim's Wikipedia sample) or `lee` (gensim's Lee corpus).

    \b
    Example:
        embedkit experiment onehot demo
    """
    from ..experiments import onehot

    _finish(onehot.run(corpus, dim=dim, epochs=epochs, min_count=min_count, seeds=_seeds(seed, runs), quick=quick),
            output)


def _names(option: str, value: str, known) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [n for n in names if n not in known]
    if bad or not names:
        raise EmbedkitError(f"{option} takes a comma-separated list of {', '.join(known)}; got {value!r}")
    return names


def _check_save(ctx, param, value):
    from pathlib import Path

    from ..outputs import check_output

    if value is not None:
        for task in ctx.params.get("task_list") or ("reversal", "pair"):
            check_output(Path(value) / f"{task}.model", folder="seq2seq", parents=True)
    return value


@experiment.command("seq2seq", short_help="Encoder-decoder with and without attention; alignments.")
@_common("seq2seq")
@threads_option
@click.option("--tasks", "task_list", default="reversal,pair", show_default=True, is_eager=True,
              callback=lambda ctx, param, value: _names("--tasks", value, ("reversal", "pair")),
              help="reversal (the alignment is the anti-diagonal) and/or pair (a toy English -> French).")
@click.option("--attention", "attention_list", default="none,additive", show_default=True,
              help="Models to compare: none, additive (Bahdanau et al.), dot (Luong et al.).")
@click.option("--cell", type=click.Choice(["gru", "lstm"]), default="gru", show_default=True,
              help="Encoder and decoder cell.")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs (default 15, 6 with --quick).")
@click.option("--save", type=click.Path(file_okay=False), default=None, callback=_check_save,
              help="Folder for DIR/<task>.model: the first seed's attention model of each task, for embedkit explain.")
def seq2seq_command(output, seed, runs, quick, threads, task_list, attention_list, cell, epochs, save):
    """Encoder-decoder with and without attention: exact match by sentence length, learned alignments.

    Writes plot.png (exact match against source length for each model) and alignment.png (the
    learned alignment of a few test sentences beside the true one).

    \b
    Example:
        embedkit experiment seq2seq --quick
        embedkit experiment seq2seq --tasks pair --attention none,additive,dot --save models
        embedkit explain models/pair.model "the black cat sees a dog of the old house"
    """
    require_torch("embedkit experiment seq2seq")
    from ..experiments import seq2seq

    set_threads(threads)
    attentions = _names("--attention", attention_list, ("none", "additive", "dot"))
    _finish(seq2seq.run(task_list, attentions=attentions, cell=cell, seeds=_seeds(seed, runs), epochs=epochs,
                        quick=quick, save=save), output)


COMMANDS = [experiment]
