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
def evaluate(vectors, similarity, analogy, restrict, oov, method, case_sensitive, mirror, output):
    """Score word vectors on similarity and analogy benchmarks, side by side.

    VECTORS are files or pretrained names (glove-6b-50d), one column each. Each cell is the
    Spearman correlation (or accuracy) with (covered/total) pairs or questions beside it.
    Without --similarity/--analogy: WS-353, SimLex-999, MEN, RW and the Google analogies
    (semantic, syntactic, total); MEN and RW need `embedkit corpora fetch men rw` or --mirror.

    Example:

    \b
        embedkit evaluate onehot.ekv trained.ekv glove-6b-50d --mirror ../shared/datasets
    """
    from .evaluate import evaluate as run

    result = run(list(vectors), similarity=_names(similarity), analogy=_names(analogy),
                 restrict=restrict, oov=oov, method=method, case_insensitive=not case_sensitive,
                 mirror=mirror)
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
