"""`embedkit classify` and `compare`: do the vectors help a real task?"""

from __future__ import annotations


import click

from .options import FiniteFloat, comma_list, echo_json, max_len_option, mirror_option, nonfinite_option
from .options import require_torch, set_threads, spark_master_option, status_printer, threads_option



@click.command(short_help="Train a recurrent classifier; test accuracy and macro-F1.")
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
@max_len_option
@click.option("--lr", type=FiniteFloat(min=0, min_open=True), default=1e-3, show_default=True,
              help="Adam learning rate.")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Train this many times (seeds 1..N) and report mean and std.")
@click.option("--cv", type=click.IntRange(min=2), default=None, help="K-fold cross-validation instead of a fixed split.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@threads_option
@mirror_option
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
    from ..downstream.datasets import load_classification
    from ..outputs import check_output

    if embeddings != "bow":
        require_torch("embedkit classify")  # before the data is read
    if save:
        if embeddings == "bow":
            raise click.UsageError("--save is for the recurrent models, not --embeddings bow")
        check_output(save, folder="classifier")  # before the data is read and the model trained
    data = load_classification(dataset, mirror=mirror)
    set_threads(threads)

    from ..downstream.config import ClassifierConfig
    from ..downstream.runs import run_model

    config = ClassifierConfig(embeddings=embeddings, freeze=freeze, dim=dim, cell=cell, layers=layers,
                              bidirectional=bidirectional, pooling=pooling, hidden=hidden, dropout=dropout,
                              forget_bias=forget_bias, epochs=epochs, patience=patience, batch_size=batch_size,
                              max_len=max_len or None, lr=lr, device=device)
    result = run_model(data, config, range(1, seeds + 1), cv=cv, progress=not quiet, keep_models=bool(save),
                       allow_nonfinite=allow_nonfinite, status=status_printer(quiet))
    if save:
        result.pop("models")[0].save(save)
    result = {"dataset": data.name, "embeddings": embeddings, **result}
    if as_json:
        echo_json(result)
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
        made = f"; {c['composed']:,} composed from character n-grams" if c.get("composed") else ""
        click.echo(f"coverage: {c['found']:,} of {c['vocab']:,} training words have vectors "
                   f"({100 * c['fraction']:.1f}%{made})")
    if result["seconds_per_epoch"] is not None:
        click.echo(f"seconds per epoch: {result['seconds_per_epoch']:.1f}")
    if save:
        click.echo(f"saved the first model to {save}", err=True)


def _truncated_line(truncated: dict) -> str:
    return (f"truncated: {truncated['texts']:,} of {truncated['of']:,} texts cut to their first "
            f"{truncated['max_len']:,} tokens (--max-len)")


@click.command(short_help="Train a grid of models on DATASET: one table and chart.")
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
@max_len_option
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@threads_option
@mirror_option
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Report folder: results.md/.csv/.json/.png, and cells/ (finished cells are not retrained).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@nonfinite_option
@spark_master_option
def compare(dataset, embeddings, cells, bidirectional, tuning, seeds, cv, pooling, hidden, epochs, patience,
            max_len, device, threads, mirror, output, quiet, allow_nonfinite, spark_master):
    """Train the grid embeddings x cells (x directions) on DATASET and write one table and chart.

    Resumable: each finished cell is saved in DIR/cells/ at once, and a rerun with the same
    settings trains only what is missing. With --spark-master every cell, fold and seed is a
    Spark task (--threads torch threads each); a failed task is retried by Spark, and a cell
    that fails every attempt is named in the error after the others are saved.

    Example:

    \b
        embedkit compare mr --embeddings onehot,random,glove-6b-50d,bow --cells rnn,lstm,gru \\
            --bidirectional both --seeds 3 -o report-mr --mirror ../shared/datasets
        embedkit compare mr -e random,bow --cells lstm,gru --seeds 3 -o report-mr --spark-master local[2]
    """
    specs = comma_list(embeddings)
    recurrent = [spec for spec in specs if spec != "bow"]
    if recurrent:  # bow alone needs no torch
        require_torch(f"embedkit compare -e {','.join(recurrent)}")
    set_threads(threads)
    from ..downstream.config import ClassifierConfig
    from ..downstream.grid import compare as run_compare
    from ..spark import submitted

    config = ClassifierConfig(pooling=pooling, hidden=hidden, epochs=epochs, patience=patience, device=device,
                              max_len=max_len or None)
    report = run_compare(dataset, specs, comma_list(cells), out=output, bidirectional=bidirectional,
                         tunings=tuple(comma_list(tuning)), seeds=range(1, seeds + 1), cv=cv, config=config,
                         mirror=mirror, progress=not quiet, echo=lambda line: click.echo(line, err=True),
                         allow_nonfinite=allow_nonfinite, spark_master=spark_master, spark=submitted())
    click.echo(report.markdown(), nl=False)
    click.echo(f"Wrote {output}/results.md, results.csv, results.json, results.png", err=True)


COMMANDS = [classify, compare]
