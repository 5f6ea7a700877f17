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


# -- vector files: convert, info; `format_option` for every command that writes vectors --------

def format_option(function):
    """`--format FMT` for a command that saves vectors with `io.save(vectors, out, fmt)`."""
    from .io import WRITE_FORMATS

    return click.option(
        "--format", "fmt", type=click.Choice(WRITE_FORMATS), default=None,
        help="Output format; by default from OUT's extension (.ekv .vec .txt .w2v .bin .glove "
             ".tsv, plus .gz/.bz2/.xz).")(function)


def read_options(function):
    """`--from`, `--trust-pickle` and `--unicode-errors` for a command that loads vectors."""
    from .io import FORMATS, UNICODE_ERRORS

    function = click.option("--unicode-errors", type=click.Choice(UNICODE_ERRORS), default="strict",
                            show_default=True, help="What to do with words that are not UTF-8.")(function)
    function = click.option("--trust-pickle", is_flag=True,
                            help="Allow gensim pickles (.model, .kv): reading one can run any "
                                 "code it holds.")(function)
    return click.option("--from", "source_format", type=click.Choice(FORMATS), default=None,
                        help="Input format, when detection gets it wrong.")(function)


@main.command()
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@format_option
@read_options
def convert(source, target, fmt, source_format, trust_pickle, unicode_errors):
    """Convert word vectors IN to OUT, any format to any format.

    IN may be plain, .gz, .bz2, .xz, a .zip holding one file, or ARCHIVE.zip:MEMBER.
    Nothing is written unless the whole conversion succeeds.

    Example: embedkit convert glove.6B.zip:glove.6B.50d.txt glove50.ekv
    """
    from . import io

    vectors = io.load(source, source_format, trust_pickle=trust_pickle, unicode_errors=unicode_errors)
    out = io.save(vectors, target, fmt)
    click.echo(f"{out}: {len(vectors):,} words x {vectors.dim} dims ({io.output_format(out, fmt)[0]})")


@main.command()
@click.argument("path", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@read_options
def info(path, as_json, source_format, trust_pickle, unicode_errors):
    """Summarise a vectors file: words, dims, format, counts, norms, training config.

    Example: embedkit info vectors.ekv --json
    """
    import json

    from . import io

    summary = io.info(path, fmt=source_format, trust_pickle=trust_pickle, unicode_errors=unicode_errors)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
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
        ("file size", _size(summary["file_bytes"])),
    ]
    if summary["non_finite_vectors"]:
        rows.append(("NaN/inf vectors", summary["non_finite_vectors"]))
    if summary["training"]:
        rows.append(("training", ", ".join(f"{k}={v}" for k, v in summary["training"].items())
                     if isinstance(summary["training"], dict) else summary["training"]))
    rows.append(("first words", " ".join(summary["first_words"])))
    click.echo(summary["path"])
    for label, value in rows:
        click.echo(f"  {label:<13} {value}")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
