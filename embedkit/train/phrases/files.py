"""Phrases over files: learn from a corpus and write it with its phrases joined, streaming."""

from __future__ import annotations

from pathlib import Path
from ...errors import EmbedkitError
from .model import PhraseModel
from .words import _open


def phrase_file(source, output, *, passes: int = 1, work=None, **settings) -> list[PhraseModel]:
    """Write the tokenised corpus at `source` to `output` with its phrases joined; return the models.

    Each pass counts its input in one streaming pass (`PhraseModel.learn_file`) and writes it
    with the phrases joined; pass k > 1 reads what pass k - 1 wrote (in a temporary folder in
    `work`, default the system's), so phrases of up to 2^passes words can form. The output is
    written under a temporary name and renamed when complete.

    Args:
        source: a tokenised text file: one sentence per line, words separated by white space.
        output: the file to write: one sentence per line, words separated by one space.
        passes: how many times to count and apply (at least 1).
        work: where the passes' intermediate files go.
        **settings: `PhraseModel`'s arguments (min_count, threshold, scoring, connector_words, ...).

    Returns:
        list[PhraseModel]: the model of each pass, for its `top()` phrases.

    Raises:
        EmbedkitError: a bad setting, an unreadable source, an output that cannot be written.

    Example:
        >>> models = phrase_file("tokens.txt", "phrased.txt", passes=2, threshold=5)  # doctest: +SKIP
    """
    from ...outputs import atomic_output, scratch_folder

    if passes < 1:
        raise EmbedkitError(f"passes must be at least 1, got {passes}")
    PhraseModel(**settings)  # refuse bad settings before any work
    with _open(source):
        pass
    models = []
    with scratch_folder("embedkit-phrases-", work) as scratch, atomic_output(output) as final:
        current = Path(source)
        for number in range(passes):
            model = PhraseModel(**settings).learn_file(current)
            target = final if number == passes - 1 else Path(scratch) / f"pass{number + 1}.txt"
            with open(target, "wb") as out:
                model.joined = model.transform_file(current, out)
            models.append(model)
            current = target
    return models



def phrase_corpus(corpus, output, *, passes: int = 1, work=None, **settings) -> list[PhraseModel]:
    """`phrase_file` of a `train.Corpus`: its sentences tokenised as training tokenises them.

    The tokens (lower-cased unless the corpus says otherwise; compressed files and folders read
    as `Corpus` reads them) are written to a temporary file in `work`, one sentence per line,
    then `phrase_file` joins the phrases into `output`.

    Args:
        corpus: a `train.Corpus`, or what `Corpus` takes (paths, a folder, lists of tokens).
        output, passes, work, **settings: as for `phrase_file`.

    Returns:
        list[PhraseModel]: the model of each pass.

    Raises:
        EmbedkitError: as `phrase_file`, a corpus that cannot be read, or one with no words.

    Example:
        >>> models = phrase_corpus(Corpus("wiki.txt.xz"), "phrased.txt", threshold=5)  # doctest: +SKIP
    """
    from ...outputs import scratch_folder, write_error
    from ..corpus import Corpus

    PhraseModel(**settings)  # refuse bad settings before any work
    if passes < 1:
        raise EmbedkitError(f"passes must be at least 1, got {passes}")
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(corpus)
    with scratch_folder("embedkit-phrases-", work) as scratch:
        tokens = Path(scratch) / "tokens.txt"
        words = 0
        try:
            with open(tokens, "w", encoding="utf-8") as out:
                for sentence in corpus:
                    words += len(sentence)
                    out.write(" ".join(sentence))
                    out.write("\n")
        except OSError as error:
            raise write_error(tokens, error, "the tokenised copy of the corpus") from None
        if not words:
            raise EmbedkitError(f"{corpus.description}: the corpus holds no words")
        return phrase_file(tokens, output, passes=passes, work=scratch, **settings)
