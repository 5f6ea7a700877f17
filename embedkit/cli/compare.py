"""`embedkit compare`: the downstream grid on one or several data sets, in one resumable report."""

from __future__ import annotations

import os

import click

from .options import BASELINES_HELP, FiniteFloat, comma_list, max_len_option, mirror_option, nonfinite_option
from .options import require_torch, set_threads, spark_master_option, threads_option


class FoldsOrKim(click.ParamType):
    """--cv: "kim" (Kim 2014's protocol), "none" (the fixed seeded split) or a number of folds >= 2."""

    name = "kim|none|K"

    def convert(self, value, param, ctx):
        if value in ("kim", None) or isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text in ("kim", "none"):
            return None if text == "none" else "kim"
        try:
            folds = int(text)
        except ValueError:
            self.fail(f"{value!r} is not 'kim', 'none' or a number of folds", param, ctx)
        if folds < 2:
            self.fail(f"{folds} folds: cross-validation needs at least 2", param, ctx)
        return folds


def dataset_list(value: str) -> list[str]:
    """A comma list of registry names or files; a path that exists is one data set, commas and all."""
    return [value] if os.path.exists(value) else comma_list(value)


@click.command(short_help="A grid of models on one or more data sets: one table.")
@click.argument("datasets")
@click.option("--embeddings", "-e", default="onehot,random,glove-6b-50d,bow", show_default=True, metavar="SPECS",
              help=f"Comma-separated: onehot, random, vectors files, pretrained names, and the baselines "
                   f"{BASELINES_HELP}. SPEC@frozen or SPEC@finetuned: that vectors file one way only.")
@click.option("--cells", default="lstm", show_default=True, metavar="CELLS", help="Comma-separated: rnn, lstm, gru.")
@click.option("--bidirectional", type=click.Choice(["no", "yes", "both"]), default="no", show_default=True,
              help="Train each cell forward-only, bidirectional, or both ways.")
@click.option("--tuning", default="frozen,finetuned", show_default=True, metavar="MODES",
              help="For vectors files and pretrained names: frozen, finetuned, or both (comma-separated).")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Train each cell this many times (seeds 1..N, on every fold); the table shows mean and std.")
@click.option("--cv", type=FoldsOrKim(), default="kim", show_default=True,
              help="kim: 10-fold cross-validation for sets without a standard test split (MR, SUBJ, CR, MPQA), "
                   "the standard split otherwise (SST, TREC), as Kim (2014); none: a fixed seeded split; "
                   "K: K folds everywhere.")
@click.option("--pooling", type=click.Choice(["last", "mean", "max", "attention"]), default="last", show_default=True)
@click.option("--dim", type=click.IntRange(min=1), default=50, show_default=True, help="Size of random embeddings.")
@click.option("--hidden", type=click.IntRange(min=1), default=100, show_default=True, help="RNN state size per direction.")
@click.option("--epochs", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many epochs.")
@click.option("--patience", type=click.IntRange(min=1), default=3, show_default=True,
              help="Stop after this many epochs without a better dev accuracy.")
@click.option("--lr", type=FiniteFloat(min=0, min_open=True), default=1e-3, show_default=True, help="Adam learning rate.")
@max_len_option
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@threads_option
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Runs trained at once, each in a process of its own with --threads threads.")
@mirror_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Report folder: results.md/.csv/.json/.png, and cells/ (finished cells are not retrained).")
@click.option("--published", is_flag=True,
              help="Add the published rows of Kim (2014) and Wang and Manning (2012), labelled and cited.")
@click.option("--dry-run", is_flag=True,
              help="Print the number of cells and runs and an estimate of the time, and train nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@nonfinite_option
@spark_master_option
def compare(datasets, embeddings, cells, bidirectional, tuning, seeds, cv, pooling, dim, hidden, epochs, patience, lr,
            max_len, device, threads, jobs, mirror, output, published, dry_run, quiet, allow_nonfinite, spark_master):
    """Train the grid embeddings x cells (x directions) on each of DATASETS and write one table and chart.

    DATASETS is one data set or a comma list (registry names or files). With several, the table
    has a row per model and a column per data set, as Kim (2014), Table 2.

    Resumable: each finished cell is saved in DIR/cells/ at once, and a rerun with the same
    settings trains only what is missing; several invocations (one data set each, say) can fill
    one report folder. With --spark-master every cell, fold and seed is a Spark task (--threads
    torch threads each); a failed task is retried by Spark, and a cell that fails every attempt
    is named in the error after the others are saved.

    Example:

    \b
        embedkit compare mr,sst5,sst2,subj,trec,cr,mpqa -e random,glove-6b-50d,nbsvm,bow \\
            --bidirectional yes --published -o report-kim --mirror ../shared/datasets
        embedkit compare mr --embeddings onehot,random,glove-6b-50d,bow --cells rnn,lstm,gru \\
            --bidirectional both --seeds 3 -o report-mr --dry-run
        embedkit compare mr -e random,bow --cells lstm,gru --seeds 3 -o report-mr --spark-master local[2]
    """
    from ..downstream.config import ClassifierConfig
    from ..downstream.runs import is_baseline

    recurrent = [spec for spec in comma_list(embeddings) if not is_baseline(spec)]
    if recurrent and not dry_run:  # the baselines alone need no torch
        require_torch(f"embedkit compare -e {','.join(recurrent)}")
    names = dataset_list(datasets)
    config = ClassifierConfig(pooling=pooling, dim=dim, hidden=hidden, epochs=epochs, patience=patience, lr=lr, device=device,
                              max_len=max_len or None)
    common = dict(bidirectional=bidirectional, tunings=tuple(comma_list(tuning)), seeds=range(1, seeds + 1), cv=cv,
                  config=config, mirror=mirror)
    if dry_run:
        from ..downstream.estimate import format_seconds
        from ..downstream.grid import dry_run as plan

        summary = plan(names, comma_list(embeddings), comma_list(cells), out=output, jobs=jobs, **common)
        for name, part in summary["by_dataset"].items():
            click.echo(f"{name}: {part['cells']} cells ({part['done']} done), about "
                       f"{format_seconds(part['seconds'])} on one thread")
        click.echo(f"{summary['cells']} cells, {summary['done']} done, {summary['runs']:,} runs to train; "
                   f"estimated time {format_seconds(summary['seconds'])} with {jobs} job{'s' if jobs > 1 else ''} "
                   f"(--dry-run: nothing trained)")
        return
    set_threads(threads)
    from ..downstream.grid import compare as run_compare
    from ..spark import submitted

    report = run_compare(names, comma_list(embeddings), comma_list(cells), out=output, progress=not quiet,
                         echo=lambda line: click.echo(line, err=True), allow_nonfinite=allow_nonfinite, jobs=jobs,
                         published=published, spark_master=spark_master, spark=submitted(), **common)
    click.echo(report.markdown(), nl=False)
    click.echo(f"Wrote {output}/results.md, results.csv, results.json, results.png", err=True)


COMMANDS = [compare]
