"""`embedkit explain`: what a saved model looked at in one sentence.

A saved attention-pooled classifier (`embedkit classify ... --pooling attention --save MODEL`):
the words shaded by their attention weight, the prediction, the weights. A saved encoder-decoder
(`embedkit experiment seq2seq --save DIR`): the translation and its alignment heatmap. torch is
imported only inside the command.
"""

from __future__ import annotations

import click

from ..errors import EmbedkitError
from .options import require_torch


def _classifier(model: str, sentence: str, html_out, color: bool) -> None:
    from ..downstream.classifier import TrainedClassifier
    from ..experiments.attention import explain as explain_text, render_html, render_terminal, unknown_words_line
    from ..experiments.report import format_table

    trained = TrainedClassifier.load(model)
    if trained.config.pooling != "attention":
        raise EmbedkitError(f"{model}: trained with pooling={trained.config.pooling!r}; explain needs a model "
                            "trained with --pooling attention")
    result = explain_text(trained, sentence)
    _page(html_out, render_html([result], f"embedkit explain: {model}"))
    click.echo(render_terminal(result["pairs"], color=color), color=color)  # color=True: keep the escapes
    click.echo(f"predicted: {result['predicted']} ({result['probability']:.2f})")
    if result["unknown"]:
        click.echo(unknown_words_line(result["unknown"]))
    rows = [{"word": t, "weight": w} for t, w in sorted(result["pairs"], key=lambda p: -p[1])]
    click.echo(format_table(rows))


def _seq2seq(model: str, sentence: str, html_out, color: bool) -> None:
    from ..downstream.translator import TrainedSeq2Seq
    from ..experiments.alignment import render_html, render_terminal
    from ..experiments.attention import unknown_words_line

    trained = TrainedSeq2Seq.load(model)
    if trained.config.attention == "none":
        raise EmbedkitError(f"{model}: trained without attention; explain needs an encoder-decoder with "
                            "attention (additive or dot)")
    result = trained.translate(sentence)
    unknown = [w for w in result["source"] if w not in trained.source_index]
    _page(html_out, render_html([result], f"embedkit explain: {model}"))
    click.echo(f"translation: {' '.join(result['translation'])}")
    if unknown:
        click.echo(unknown_words_line(list(dict.fromkeys(unknown))))
    click.echo(render_terminal(result, color=color), color=color)


def _page(html_out, text: str) -> None:
    """Written before printing, so `explain ... --html page.html | head` still writes it."""
    from ..outputs import atomic_output

    if html_out:
        with atomic_output(html_out) as tmp:
            tmp.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {html_out}.", err=True)


@click.command("explain", short_help="Where a saved model looked: attention or alignment.")
@click.argument("model", type=click.Path(exists=True))
@click.argument("sentence")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="Also write a self-contained HTML page (the shaded sentence, or the alignment table).")
@click.option("--color/--no-color", default=None, help="Colour the words (default: when printing to a terminal).")
def explain(model, sentence, html_out, color):
    """Show where a saved model looked: a classifier's attention, or an encoder-decoder's alignment.

    MODEL is a classifier saved with `embedkit classify ... --pooling attention --save MODEL`, or an
    encoder-decoder saved by `embedkit experiment seq2seq --save DIR` (DIR/<task>.model): then the
    translation is printed with its alignment (one line per translated word, one column per source
    word, the attention weight in percent). Words the model has no embedding for are named: each
    is read as <unk>.

    \b
    Example:
        embedkit explain sst2.model "a gorgeous, witty, seductive movie" --html explain.html
        embedkit explain models/pair.model "the black cat sees a dog of the old house"
    """
    import sys

    from ..outputs import check_output, folder_kind

    require_torch("embedkit explain")
    if not sentence.strip():
        raise EmbedkitError("the sentence is empty")
    if html_out:
        check_output(html_out)
    if color is None:
        color = sys.stdout.isatty()
    show = _seq2seq if folder_kind(model) == "seq2seq" else _classifier
    show(model, sentence, html_out, color)


COMMANDS = [explain]
