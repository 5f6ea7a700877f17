"""`embedkit evaluate`: similarity and analogy benchmarks, one column per set of vectors."""

from __future__ import annotations


import click

from .options import mirror_option, nonfinite_option, split_names, status_printer



@click.command(short_help="Score vectors on similarity and analogy benchmarks.")
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
@mirror_option
@click.option("--json", "output", flag_value="json", help="Print JSON instead of a table.")
@click.option("--csv", "output", flag_value="csv", help="Print CSV, one line per cell.")
@nonfinite_option
def evaluate(vectors, similarity, analogy, restrict, oov, method, case_sensitive, mirror, output,
             allow_nonfinite):
    """Score word vectors on similarity and analogy benchmarks, side by side.

    VECTORS are files or pretrained names (glove-6b-50d), one column each. Each cell is the
    Spearman correlation (or accuracy) with (covered/total) pairs or questions beside it.
    Without --similarity/--analogy: WS-353, SimLex-999, MEN, RW and the Google analogies
    (semantic, syntactic, total); MEN and RW need `embedkit corpora fetch men rw` or --mirror.

    Example:

    \b
        embedkit evaluate onehot.ekv trained.ekv glove-6b-50d --mirror ../shared/datasets
    """
    from ..evaluation.runner import evaluate as run

    result = run(list(vectors), similarity=split_names(similarity), analogy=split_names(analogy),
                 restrict=restrict, oov=oov, method=method, case_insensitive=not case_sensitive,
                 mirror=mirror, allow_nonfinite=allow_nonfinite, status=status_printer())
    if output == "json":
        click.echo(result.to_json())
    elif output == "csv":
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(str(result))


COMMANDS = [evaluate]
