"""`embedkit corpora list|fetch|path`: the datasets embedkit knows, fetched and checked."""

from __future__ import annotations


import click

from .options import WholeSummaries, mirror_option



@click.group(cls=WholeSummaries, short_help="List, fetch and locate the datasets embedkit knows.")
def corpora():
    """List, fetch and locate the datasets embedkit knows (benchmarks, classification sets, corpora).

    Files go to the cache ($EMBEDKIT_HOME/datasets, default ~/.cache/embedkit/datasets); a mirror
    folder (--mirror DIR or EMBEDKIT_MIRROR) laid out like the registry paths is read in place.

    Example:

    \b
        embedkit corpora fetch men rw --mirror ../shared/datasets
    """


@corpora.command("list", short_help="List the datasets and whether each is on this machine.")
@click.option("--kind", type=click.Choice(["similarity", "analogy", "classification", "corpus"]),
              help="Only datasets of this kind.")
@click.option("--verbose", "-v", is_flag=True, help="Also print files, license, citation and source.")
@mirror_option
def corpora_list(kind, verbose, mirror):
    """List the datasets, where each can be had, and whether it is on this machine.

    Example:

    \b
        embedkit corpora list --kind similarity
    """
    from .. import registry

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


@corpora.command("fetch", short_help="Download datasets into the cache, checking sha256.")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@mirror_option
def corpora_fetch(names, mirror):
    """Download datasets into the cache (or copy them from --mirror), checking every sha256.

    A file that fails its checksum or arrives cut short is deleted, never kept. Prints the folder
    of each dataset on the last line.

    Example:

    \b
        embedkit corpora fetch men rw simverb3500
    """
    from .. import registry

    for name in names:
        folder = registry.fetch(name, mirror, report=lambda line: click.echo(line, err=True))
        click.echo(folder)


@corpora.command("path", short_help="Print where a dataset is on this machine.")
@click.argument("name")
@click.option("--files", is_flag=True, help="Print every file of the dataset, one per line.")
@mirror_option
def corpora_path(name, files, mirror):
    """Print where a dataset is: its file, or its folder when it has several (for scripts).

    Looks in gensim's data, the mirror and the cache; downloads nothing (see `corpora fetch`).

    Example:

    \b
        embedkit train "$(embedkit corpora path enwiki2015 --mirror ../shared/datasets)"
    """
    from .. import registry

    paths = registry.paths(name, mirror)
    if files:
        for path in paths:
            click.echo(path)
    else:
        click.echo(paths[0] if len(paths) == 1 else registry.locate(name, mirror))


COMMANDS = [corpora]
