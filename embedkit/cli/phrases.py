"""`embedkit phrases`: write a corpus with its collocations joined (new york -> new_york)."""

from __future__ import annotations

import click

from .options import FiniteFloat

CONNECTORS_HELP = ("Words allowed inside a phrase but never at its ends (bank_of_america): 'english' "
                   "(gensim's ENGLISH_CONNECTOR_WORDS: a, an, the, for, of, ...), 'none', or a FILE of words.")


@click.command(short_help="Join collocations (new york -> new_york) as gensim does.")
@click.argument("corpus", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the corpus with its phrases joined (one sentence per line).")
@click.option("--scoring", type=click.Choice(["default", "npmi"]), default="default", show_default=True,
              help="default: Mikolov et al.'s (count(a b) - min-count) / (count(a) count(b)) x vocabulary; "
                   "npmi: normalised pointwise mutual information, in -1..1.")
@click.option("--threshold", type=FiniteFloat(), default=None,
              help="Join pairs scoring above this.  [default: 10 for default scoring, 0.5 for npmi]")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True,
              help="Pairs seen fewer times are never joined.")
@click.option("--connector-words", "connectors", default="none", show_default=True, metavar="english|none|FILE",
              help=CONNECTORS_HELP)
@click.option("--passes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Count and join again on the output: 2 passes find phrases of up to 4 words.")
@click.option("--max-vocab-size", type=click.IntRange(min=1), default=40_000_000, show_default=True,
              help="Bound the counts' memory: beyond this many entries the rarest are pruned (gensim's rule).")
@click.option("--delimiter", default="_", show_default=True, help="What joins a phrase's words.")
@click.option("--lowercase/--no-lowercase", default=True, show_default=True, help="Lower-case the corpus.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Print this many of the phrases found (0: none).")
@click.option("--by", type=click.Choice(["score", "count"]), default="score", show_default=True,
              help="Rank the printed phrases by score or by count.")
@click.option("--tmp-dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the temporary files (default: system temp).")
def phrases(corpus, output, scoring, threshold, min_count, connectors, passes, max_vocab_size, delimiter,
            lowercase, top, by, tmp_dir):
    """Join collocations of CORPUS (files or folders) into single tokens and write the result to OUTPUT.

    Tokenises CORPUS as `embedkit train` does, then detects phrases as gensim's Phrases does (same
    counts and scores), streaming: counting holds the counts, never the corpus. Prints the top
    phrases of the last pass. Train on OUTPUT to get vectors for the phrases, or run
    `embedkit train --phrases` to do both at once.

    Example: embedkit phrases wiki.txt.xz -o wiki-phrased.txt --connector-words english --passes 2
    """
    from ..outputs import check_output
    from ..train.corpus import Corpus
    from ..train.phrases import ENGLISH_CONNECTOR_WORDS, format_phrases, phrase_corpus
    from .training import word_list

    if threshold is None:
        threshold = 0.5 if scoring == "npmi" else 10.0
    if connectors == "english":
        connector_words = ENGLISH_CONNECTOR_WORDS
    elif connectors == "none":
        connector_words = frozenset()
    else:
        connector_words = frozenset(word_list(connectors, lowercase))
    settings = dict(scoring=scoring, threshold=threshold, min_count=min_count, connector_words=connector_words,
                    max_vocab_size=max_vocab_size, delimiter=delimiter)
    check_output(output)
    models = phrase_corpus(Corpus(list(corpus), lowercase=lowercase), output, passes=passes, work=tmp_dir,
                           **settings)
    for number, model in enumerate(models, start=1):
        click.echo(f"pass {number}: {model.corpus_word_count:,} words, {len(model.export_phrases()):,} phrases, "
                   f"{model.joined:,} joined", err=True)
    if top:
        click.echo(format_phrases(models[-1].top(top, by=by)))
    click.echo(f"wrote {output}", err=True)


COMMANDS = [phrases]
