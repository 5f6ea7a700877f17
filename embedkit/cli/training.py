"""`embedkit train`'s options beyond skip-gram's: the word2vec family, vocabulary rules, phrases on
the fly, and where training starts (--resume, --init); `run_settings` turns them into the config."""

from __future__ import annotations

import click

from .options import FiniteFloat

# config fields continued training takes from the model unless given: all but the machine's
NOT_INHERITED = ("workers",)


def family_options(function):
    """The options of `train` that choose the model, the vocabulary and the start."""
    options = [
        click.option("--cbow", is_flag=True,
                     help="Train CBOW (predict each word from its window) instead of skip-gram."),
        click.option("--cbow-mean/--cbow-sum", "cbow_mean", default=True, show_default=True,
                     help="CBOW's input: the mean of the window's vectors, or their sum (gensim's cbow_mean)."),
        click.option("--hs", is_flag=True,
                     help="Hierarchical softmax over word2vec's Huffman tree; with --negative 0 it trains "
                          "alone, else beside negative sampling."),
        click.option("--ns-exponent", type=FiniteFloat(), default=0.75, show_default=True,
                     help="Noise words are drawn by count ** NS_EXPONENT (1: by frequency, 0: uniformly)."),
        click.option("--shrink-windows/--no-shrink-windows", default=True, show_default=True,
                     help="Draw each window's reach from 1..WINDOW (word2vec), or always use WINDOW."),
        click.option("--max-final-vocab", type=click.IntRange(min=1), default=None,
                     help="Raise --min-count until at most this many words are kept (gensim's rule)."),
        click.option("--keep-words", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                     help="Words (one per line) kept whenever they occur, whatever their count."),
        click.option("--drop-words", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                     help="Words (one per line) never kept (stop words, boilerplate)."),
        click.option("--phrases", is_flag=True,
                     help="Join collocations first (new york -> new_york), as `embedkit phrases` does "
                          "with its defaults."),
        click.option("--phrase-passes", type=click.IntRange(min=1), default=1, show_default=True,
                     help="With --phrases: passes of phrase detection (2 finds phrases of up to 4 words)."),
        click.option("--resume", type=click.Path(), default=None, metavar="MODEL",
                     help="Continue training MODEL (an .ekv that embedkit train wrote) on CORPUS; its "
                          "options are kept unless given, new words are added."),
        click.option("--init", "init_vectors", default=None, metavar="VECTORS",
                     help="Start the input vectors of the words VECTORS holds (any file, or glove-6b-50d) "
                          "from them; --vector-size defaults to their dimension."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def run_settings(ctx: click.Context, options: dict) -> tuple[dict, object, object]:
    """The config's fields from the command line, and the model to resume or vectors to start from.

    Pops the family options from `options` (the click parameters of `train`) and returns
    (fields for `SkipGramConfig`, resume `Vectors` or None, init `Vectors` or None). With
    --resume, every field of the model's config that the command line does not give is the
    model's (`NOT_INHERITED` aside).

    Raises:
        EmbedkitError: a word list that cannot be read, a model or vectors that cannot be loaded.
        click.UsageError: --resume and --init together.
    """
    from .. import io
    from .options import load_vectors

    given = {name for name in ctx.params if ctx.get_parameter_source(name) not in
             (click.core.ParameterSource.DEFAULT, click.core.ParameterSource.DEFAULT_MAP, None)}
    cbow, passes = options.pop("cbow"), options.pop("phrase_passes")
    phrases, resume, init = options.pop("phrases"), options.pop("resume"), options.pop("init_vectors")
    if resume and init:
        raise click.UsageError("give --resume (continue a model) or --init (start from vectors), not both")
    fields = dict(options, sg=not cbow, phrases=passes if phrases else 0)
    lowercase = fields.get("lowercase", True)
    for key in ("keep_words", "drop_words"):
        fields[key] = tuple(word_list(fields[key], lowercase)) if fields[key] else ()
    renamed = {"cbow": "sg", "phrase_passes": "phrases", "init_vectors": None, "resume": None}
    given = {renamed.get(name, name) for name in given} - {None}
    model = vectors = None
    if resume:
        model = io.load(resume)
        stored = model.meta.get("config")
        if isinstance(stored, dict):
            for key, value in stored.items():
                if key in fields and key not in given and key not in NOT_INHERITED:
                    fields[key] = tuple(value) if key in ("keep_words", "drop_words") else value
    if init:
        vectors = load_vectors(init)
        if "vector_size" not in given:
            fields["vector_size"] = vectors.dim
    return fields, model, vectors


def word_list(path, lowercase: bool) -> list[str]:
    """The words of a --keep-words or --drop-words file: one per line, blank lines skipped.

    Raises:
        FormatError: a line holding more than one word, naming the file and line.
    """
    from ..errors import FormatError
    from ..files import read_lines

    words = []
    for number, line in enumerate(read_lines(path), start=1):
        word = line.strip()
        if not word:
            continue
        if len(word.split()) > 1:
            raise FormatError(path, f"one word per line, found {word[:40]!r}", line=number)
        words.append(word.lower() if lowercase else word)
    return words
