"""`embedkit neighbors`, `similarity`, `analogy`, `odd-one-out` and the `query` prompt."""

from __future__ import annotations


import click

from .options import echo_json, load_vectors, nonfinite_option, scored
from .options import vectors_help
from .options import json_option, restrict_option



def ranked_answers(topn: int, help: str):
    """--topn (default `topn`), --restrict, --json and --allow-nonfinite, and the VECTORS help: what
    every command that prints ranked answers takes."""
    def decorate(function):
        for option in (vectors_help, nonfinite_option, json_option, restrict_option,
                       click.option("--topn", "-n", default=topn, show_default=True, type=click.IntRange(min=1),
                                    help=help)):
            function = option(function)
        return function
    return decorate


def _composed(vectors, value) -> dict:
    """{"composed": value} for vectors with subwords (which query words were composed); {} otherwise."""
    return {} if getattr(vectors, "subwords", None) is None else {"composed": value}


@click.command()
@click.argument("vectors")
@click.argument("words", nargs=-1, required=True)
@ranked_answers(10, "Neighbours shown for each word.")
def neighbors(vectors, words, topn, restrict, as_json, allow_nonfinite):
    """Nearest words to each WORD, by cosine similarity.

    {VECTORS}

    \b
    Example:
        embedkit neighbors glove-6b-50d frog --topn 5
        embedkit neighbors glove-6b-50d paris tokyo --json
    """
    from .. import query
    from ..query.prompt import neighbors_table, with_note
    from ..query.ties import tie_note

    vecs = load_vectors(vectors, allow_nonfinite)
    answers = query.most_similar_batch(vecs, words, topn=topn, restrict=restrict)
    composed = set(vecs.composed(words))
    if as_json:
        echo_json({"vectors": vectors, "topn": topn, "restrict": restrict,
                    "results": [{"query": w, **_composed(vecs, w in composed), "neighbors": scored(a)}
                                for w, a in zip(words, answers)]})
    elif len(words) == 1:
        click.echo(with_note(vecs, words, neighbors_table(answers[0])))
    else:
        from ..display import format_table

        rows = [(w, i, word, score) for w, a in zip(words, answers)
                for i, (word, score) in enumerate(a, 1)]
        click.echo(with_note(vecs, words, format_table(rows, ["query", "rank", "word", "cosine"])))
    note = tie_note(vecs, answers)
    if note and not as_json:
        click.echo(f"Note: {note}.")


@click.command(short_help="Cosine similarity of WORD1 and WORD2.")
@click.argument("vectors")
@click.argument("word1")
@click.argument("word2")
@json_option
@nonfinite_option
@vectors_help
def similarity(vectors, word1, word2, as_json, allow_nonfinite):
    """Cosine similarity of WORD1 and WORD2 (0 when either vector is zero).

    {VECTORS}

    \b
    Example:
        embedkit similarity glove-6b-50d cat dog
    """
    from .. import query
    from ..query.prompt import similarity_table, with_note

    vecs = load_vectors(vectors, allow_nonfinite)
    cosine = query.similarity(vecs, word1, word2)
    if as_json:
        echo_json({"vectors": vectors, "word1": word1, "word2": word2, "cosine": cosine,
                   **_composed(vecs, vecs.composed([word1, word2]))})
    else:
        click.echo(with_note(vecs, [word1, word2], similarity_table(word1, word2, cosine)))


@click.command()
@click.argument("vectors")
@click.argument("a")
@click.argument("b")
@click.argument("c")
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="add: 3CosAdd (cosine with b - a + c); mul: 3CosMul (Levy & Goldberg 2014).")
@ranked_answers(5, "Answers shown.")
def analogy(vectors, a, b, c, method, topn, restrict, as_json, allow_nonfinite):
    """A is to B as C is to ?  (the answers never include A, B or C).

    {VECTORS}

    \b
    Example:
        embedkit analogy glove-6b-50d man king woman          # queen
        embedkit analogy glove-6b-50d paris france tokyo --method mul
    """
    from .. import query
    from ..query.prompt import composed_note, neighbors_table

    vecs = load_vectors(vectors, allow_nonfinite)
    answers = query.analogy(vecs, a, b, c, method=method, topn=topn, restrict=restrict)
    if as_json:
        echo_json({"vectors": vectors, "a": a, "b": b, "c": c, "method": method, "topn": topn,
                    "restrict": restrict, "answers": scored(answers, "score"), **_composed(vecs, vecs.composed([a, b, c]))})
    else:
        click.echo(f"{a} : {b} :: {c} : ?  ({'3CosAdd' if method == 'add' else '3CosMul'})")
        if composed_note(vecs, [a, b, c]):
            click.echo(composed_note(vecs, [a, b, c]))
        click.echo(neighbors_table(answers, "cosine" if method == "add" else "score"))


@click.command("odd-one-out", short_help="The word that does not belong with the others.")
@click.argument("vectors")
@click.argument("words", nargs=-1, required=True)
@json_option
@nonfinite_option
@vectors_help
def odd_one_out(vectors, words, as_json, allow_nonfinite):
    """The word that does not belong with the others (3 words or more).

    Ranks the WORDS by cosine with the mean of their unit vectors; the last is the odd one
    (gensim's doesnt_match).

    {VECTORS}

    \b
    Example:
        embedkit odd-one-out glove-6b-50d breakfast lunch dinner car
    """
    from .. import query
    from ..query.prompt import centrality_table, with_note

    vecs = load_vectors(vectors, allow_nonfinite)
    odd = query.odd_one_out(vecs, words)
    ranking = query.rank_by_centrality(vecs, words)
    if as_json:
        echo_json({"vectors": vectors, "words": list(words), "odd": odd,
                    "ranking": scored(ranking), **_composed(vecs, vecs.composed(words))})
    else:
        click.echo(with_note(vecs, words, centrality_table(ranking)))


@click.command("query", short_help="An interactive prompt: neighbours, sums, similarity.")
@click.argument("vectors")
@click.option("--topn", "-n", default=10, show_default=True, type=click.IntRange(min=1),
              help="Answers shown for each question (change it with 'topn N').")
@restrict_option
@nonfinite_option
@vectors_help
def query_prompt(vectors, topn, restrict, allow_nonfinite):
    """An interactive prompt: neighbours, vector arithmetic, similarity, odd one out.

    Type a word, 'king - man + woman', 'sim cat dog' or 'odd breakfast lunch car'; '?' for
    help; 'quit' or Ctrl-D to leave. Reads questions from stdin when it is not a terminal.

    {VECTORS}

    \b
    Example:
        embedkit query glove-6b-50d
        echo "king - man + woman" | embedkit query glove-6b-50d --topn 3
    """
    from ..query import prompt

    prompt.run(prompt.QuerySession(load_vectors(vectors, allow_nonfinite), topn=topn, restrict=restrict))


COMMANDS = [neighbors, similarity, analogy, odd_one_out, query_prompt]
