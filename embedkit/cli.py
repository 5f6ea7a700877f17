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


def _size(ctx, param, value):
    width, sep, height = (value or "").lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise click.BadParameter(f"expected WIDTHxHEIGHT in pixels, like 1600x1200; got {value!r}")
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
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (projection, k-means).")
@click.option("--size", default="1600x1200", show_default=True, callback=_size, metavar="WxH",
              help="Picture size in pixels.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=160, show_default=True,
              help="Dots per inch: larger makes text larger relative to the picture.")
@click.option("--name", help="What to call the vectors in the title. [default: their source]")
@click.option("-v", "--verbose", is_flag=True,
              help="Report the time of each step, with numba's compile time apart from UMAP's run time.")
def plot_command(vectors, out, method, top, words, words_file, neighbors_of, topn, clusters, analogy,
                 labels, seed, size, dpi, name, verbose):
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

    from .plotting import output_format, plot
    from .pretrained import resolve

    output_format(out)  # a bad extension fails before the vectors load
    start = time.perf_counter()
    loaded = resolve(vectors)
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
