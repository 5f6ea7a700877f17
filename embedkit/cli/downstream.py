"""`embedkit classify` and `compare`: do the vectors help a real task?"""

from __future__ import annotations


import click

from .options import BASELINES_HELP, FiniteFloat, echo_json, max_len_option, mirror_option, nonfinite_option
from .options import require_torch, set_threads, status_printer, threads_option



@click.command(short_help="Train a recurrent classifier; test accuracy and macro-F1.")
@click.argument("dataset")
@click.option("--embeddings", "-e", default="random", show_default=True, metavar="SPEC",
              help=f"onehot, random, a vectors file, or a pretrained name (glove-6b-50d); or a baseline: "
                   f"{BASELINES_HELP}.")
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
        embedkit classify mr --embeddings nbsvm --cv 10
        embedkit classify cr --embeddings avg:glove-6b-50d --cv 10
    """
    from ..downstream.datasets import load_classification
    from ..downstream.runs import is_baseline
    from ..outputs import check_output

    if not is_baseline(embeddings):
        require_torch("embedkit classify")  # before the data is read
    if save:
        if is_baseline(embeddings):
            raise click.UsageError(f"--save is for the recurrent models, not --embeddings {embeddings}")
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
    click.echo(score_line(data.name, embeddings, result, cv))
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


def score_line(name: str, embeddings: str, result: dict, cv: int | None) -> str:
    """"mr, random: test accuracy 77.20 +- 0.19, macro-F1 ... (3 runs)"; a single run has no spread,
    so it gets no "+-"."""
    runs = len(result["runs"])
    what = f"{runs} run{'s' if runs > 1 else ''}" + (f" ({cv} folds)" if cv else "")

    def score(key):
        mean, std = 100 * result[f"{key}_mean"], 100 * result[f"{key}_std"]
        return f"{mean:.2f}" if runs == 1 else f"{mean:.2f} +- {std:.2f}"

    if runs == 1:
        what += ": no spread to report"
    return f"{name}, {embeddings}: test accuracy {score('accuracy')}, macro-F1 {score('macro_f1')}  ({what})"


def _truncated_line(truncated: dict) -> str:
    return (f"truncated: {truncated['texts']:,} of {truncated['of']:,} texts cut to their first "
            f"{truncated['max_len']:,} tokens (--max-len)")


COMMANDS = [classify]
