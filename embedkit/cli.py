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


# -- query: neighbors, similarity, analogy, odd-one-out, query ----------------------------------

VECTORS_HELP = "VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d)."


def _vectors(spec):
    from .pretrained import resolve

    return resolve(spec)


def _echo_json(payload) -> None:
    import json

    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _scored(answers, key: str = "cosine") -> list[dict]:
    return [{"word": word, key: score} for word, score in answers]


@main.command()
@click.argument("vectors")
@click.argument("words", nargs=-1, required=True)
@click.option("--topn", "-n", default=10, show_default=True, type=click.IntRange(min=1),
              help="Neighbours shown for each word.")
@click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer only from the N most frequent words (the first N rows).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
def neighbors(vectors, words, topn, restrict, as_json):
    """Nearest words to each WORD, by cosine similarity.

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit neighbors glove-6b-50d frog --topn 5
        embedkit neighbors glove-6b-50d paris tokyo --json
    """
    from . import query
    from .prompt import neighbors_table

    vecs = _vectors(vectors)
    answers = query.most_similar_batch(vecs, words, topn=topn, restrict=restrict)
    if as_json:
        _echo_json({"vectors": vectors, "topn": topn, "restrict": restrict,
                    "results": [{"query": w, "neighbors": _scored(a)} for w, a in zip(words, answers)]})
    elif len(words) == 1:
        click.echo(neighbors_table(answers[0]))
    else:
        from .display import format_table

        rows = [(w, i, word, score) for w, a in zip(words, answers)
                for i, (word, score) in enumerate(a, 1)]
        click.echo(format_table(rows, ["query", "rank", "word", "cosine"]))


@main.command()
@click.argument("vectors")
@click.argument("word1")
@click.argument("word2")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
def similarity(vectors, word1, word2, as_json):
    """Cosine similarity of WORD1 and WORD2 (0 when either vector is zero).

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit similarity glove-6b-50d cat dog
    """
    from . import query
    from .prompt import similarity_table

    cosine = query.similarity(_vectors(vectors), word1, word2)
    if as_json:
        _echo_json({"vectors": vectors, "word1": word1, "word2": word2, "cosine": cosine})
    else:
        click.echo(similarity_table(word1, word2, cosine))


@main.command()
@click.argument("vectors")
@click.argument("a")
@click.argument("b")
@click.argument("c")
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="add: 3CosAdd (cosine with b - a + c); mul: 3CosMul (Levy & Goldberg 2014).")
@click.option("--topn", "-n", default=5, show_default=True, type=click.IntRange(min=1),
              help="Answers shown.")
@click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer only from the N most frequent words (the first N rows).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
def analogy(vectors, a, b, c, method, topn, restrict, as_json):
    """A is to B as C is to ?  (the answers never include A, B or C).

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit analogy glove-6b-50d man king woman          # queen
        embedkit analogy glove-6b-50d paris france tokyo --method mul
    """
    from . import query
    from .prompt import neighbors_table

    answers = query.analogy(_vectors(vectors), a, b, c, method=method, topn=topn, restrict=restrict)
    if as_json:
        _echo_json({"vectors": vectors, "a": a, "b": b, "c": c, "method": method, "topn": topn,
                    "restrict": restrict, "answers": _scored(answers, "score")})
    else:
        click.echo(f"{a} : {b} :: {c} : ?  ({'3CosAdd' if method == 'add' else '3CosMul'})")
        click.echo(neighbors_table(answers, "cosine" if method == "add" else "score"))


@main.command("odd-one-out")
@click.argument("vectors")
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/query.md).")
def odd_one_out(vectors, words, as_json):
    """The word that does not belong with the others (3 words or more).

    Ranks the WORDS by cosine with the mean of their unit vectors; the last is the odd one
    (gensim's doesnt_match).

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit odd-one-out glove-6b-50d breakfast lunch dinner car
    """
    from . import query
    from .prompt import centrality_table

    vecs = _vectors(vectors)
    odd = query.odd_one_out(vecs, words)
    ranking = query.rank_by_centrality(vecs, words)
    if as_json:
        _echo_json({"vectors": vectors, "words": list(words), "odd": odd,
                    "ranking": _scored(ranking)})
    else:
        click.echo(centrality_table(ranking))


@main.command("query")
@click.argument("vectors")
@click.option("--topn", "-n", default=10, show_default=True, type=click.IntRange(min=1),
              help="Answers shown for each question (change it with 'topn N').")
@click.option("--restrict", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer only from the N most frequent words.")
def query_prompt(vectors, topn, restrict):
    """An interactive prompt: neighbours, vector arithmetic, similarity, odd one out.

    Type a word, 'king - man + woman', 'sim cat dog' or 'odd breakfast lunch car'; '?' for
    help; 'quit' or Ctrl-D to leave. Reads questions from stdin when it is not a terminal.

    VECTORS is a vectors file or the name of a pretrained set (glove-6b-50d).

    \b
    Example:
        embedkit query glove-6b-50d
        echo "king - man + woman" | embedkit query glove-6b-50d --topn 3
    """
    from . import prompt

    prompt.run(prompt.QuerySession(_vectors(vectors), topn=topn, restrict=restrict))
