"""`embedkit plot`: a picture (PNG, SVG, PDF) or an interactive page of word vectors."""

from __future__ import annotations


import click

from ..errors import EmbedkitError
from .options import SEED, nonfinite_option, status_printer



def _picture_size(ctx, param, value):
    width, sep, height = (value or "").lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise click.BadParameter(f"expected WIDTHxHEIGHT in pixels, like 1600x1200; got {value!r}")
    from ..plotting.figure import check_size

    try:
        check_size(int(width), int(height))
    except EmbedkitError as error:
        raise click.BadParameter(str(error)) from None
    return int(width), int(height)


@click.command("plot", short_help="Draw vectors in 2-D (UMAP, PCA, t-SNE): picture or page.")
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
@click.option("--clusters", type=click.IntRange(min=0), metavar="K",
              help="Colour by K k-means clusters of the unit vectors, named by their most distinctive "
                   "words; 0: no colours. [default: 10 for .html, none for pictures]")
@click.option("--analogy", metavar="A:B,C:D",
              help="Draw arrows from A to B, from C to D: the offsets analogies rely on.")
@click.option("--labels", type=click.IntRange(min=0), metavar="N",
              help="Label at most N words: query words, then informative words (no stop words or "
                   "punctuation), spread over the clusters; overlapping labels are left out. "
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

    from ..outputs import check_output
    from ..plotting.draw import output_format, plot
    from ..io.pretrained import resolve

    output_format(out)  # a bad extension or output fails before the vectors load
    check_output(out)
    start = time.perf_counter()
    loaded = resolve(vectors, allow_nonfinite=allow_nonfinite)
    seconds = time.perf_counter() - start
    if verbose:
        click.echo(f"loaded {vectors}: {len(loaded):,} words x {loaded.dim} dims ({seconds:.1f} s)", err=True)
    p = plot(loaded, out, method=method, top=top, words=words, words_file=words_file,
             neighbors_of=neighbors_of, topn=topn, clusters=clusters, analogy=analogy, labels=labels,
             seed=seed, size=size, dpi=dpi, name=name, timed=verbose, status=status_printer())
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


COMMANDS = [plot_command]
