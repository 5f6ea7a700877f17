"""The one pass over the corpus before training: vocabulary, word ids, the fixed loss sample.

`prepare(corpus, config, workdir) -> PreparedCorpus` is what every engine trains from. A corpus
of files goes through `fastcorpus` (tokenise, count and encode in numba, one read of the bytes,
memory bounded by the vocabulary); a corpus of in-memory sentences through Python (`Counter`
and a tokenised copy). Both give the same vocabulary, word ids, loss sample and errors.
"""

from __future__ import annotations

import contextlib
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
import numpy as np
from .corpus import Corpus
from .vocab import Vocab, VocabRules
from ..errors import EmbedkitError, EmbedkitWarning
from ..outputs import write_error
from .windows import skipgram_pairs
from .config import SkipGramConfig


@dataclass
class LossSample:
    """Fixed (input, output, negatives) word-id triples the per-epoch loss is measured on."""

    inputs: np.ndarray     # (N,) int64: context words, whose input vectors are used
    outputs: np.ndarray    # (N,) int64: center words, predicted through output vectors
    negatives: np.ndarray  # (N, k) int64: noise words

    def __len__(self) -> int:
        return int(self.inputs.shape[0])


@dataclass
class PreparedCorpus:
    """A corpus after the counting pass: what every engine trains from.

    `encoded` (the corpus as word ids, `engines.native.EncodedCorpus`) is there when the pass
    made it (a corpus of files); `path` is the tokenised text (one sentence per line, tokens
    separated by one space), which the fast pass writes from `tokens` the first time an engine
    asks for it (the gensim engine reads it).
    """

    folder: Path          # the work folder: tokens.txt and the word-id files
    vocab: Vocab
    total_words: int      # corpus tokens, in the vocabulary or not
    sentences: int
    loss_sample: LossSample
    description: str      # where the corpus came from, for the metadata
    initial: object = None  # the weights engines start from (train.resume.StartWeights); None: word2vec's start
    encoded: object = None  # engines.native.EncodedCorpus (the pass's, or a prepared folder's), or None: encode `path`
    tokens: object = None   # fastcorpus.AllTokens: every token, to write `path` from

    @property
    def path(self) -> Path:
        """The tokenised text (written from `tokens` on first use).

        Raises:
            EmbedkitError: it cannot be written (naming it).
        """
        path = self.folder / "tokens.txt"
        if self.tokens is not None and not path.exists():
            from .fastcorpus import write_text

            try:
                write_text(self.tokens, path, WHAT)
            except BaseException:  # never leave a part of it for the next call to take as whole
                path.unlink(missing_ok=True)
                raise
        return path


# The loss sample's reservoir holds at most RESERVOIR_UNITS units of at most RESERVOIR_PIECE tokens:
# sentences, or pieces of longer ones. So it stays under 400,000 tokens whatever the lines' length,
# and every pair has the same chance of being sampled (see `prepare`).
# Below these, training runs but its vectors say next to nothing: warned about, not refused.
FEW_WORDS = 10
FEW_PAIRS = 100
RESERVOIR_UNITS = 2000


RESERVOIR_PIECE = 200


WHAT = "the tokenised copy of the corpus (--tmp-dir chooses its folder)"


def prepare(corpus: Corpus, config: SkipGramConfig, workdir: Path,
            reservoir_size: int = RESERVOIR_UNITS, piece: int = RESERVOIR_PIECE,
            rules: VocabRules | None = None, fast: bool | None = None) -> PreparedCorpus:
    """Stream `corpus` once: count words, keep the corpus as word ids or text, draw the loss sample.

    The loss sample comes from a uniform reservoir (Algorithm R) of `reservoir_size` units: each
    sentence of at most `piece` tokens is one unit, a longer one is cut into units of `piece`
    tokens. Every unit is equally likely to be kept and brings all its pairs, so every pair is
    (pairs across a cut, about 1% of a long sentence's, aside); the reservoir holds at most
    `reservoir_size * piece` tokens, however long the lines. The vocabulary is chosen by `rules`
    (default: the config's, `VocabRules.from_config`).

    Args:
        corpus: files or in-memory sentences.
        config: min_count, max_vocab, seed, and what the loss sample needs.
        workdir: an existing folder for the corpus as word ids or text.
        reservoir_size, piece: the reservoir's units, and the most tokens of one.
        rules: the vocabulary's rules (default: the config's, `VocabRules.from_config`).
        fast: read files with `fastcorpus` (default: for a corpus of files); False reads them
            through `Corpus` in Python, as in-memory sentences always are. Both give the same.

    Returns:
        PreparedCorpus: the vocabulary, the totals, the loss sample and the corpus.

    Raises:
        EmbedkitError: the corpus holds no words, fewer than 2 words pass min-count, or there
            are no training pairs (no sentence holds two words that pass min-count); a file of
            `workdir` cannot be written (naming it).

    Example:
        >>> prepared = prepare(Corpus("corpus.txt"), SkipGramConfig(), workdir)  # doctest: +SKIP
        >>> len(prepared.vocab), prepared.total_words                          # doctest: +SKIP
    """
    rules = rules if rules is not None else VocabRules.from_config(config)
    if fast is None:
        fast = corpus.sentences is None
    if fast:
        return _prepare_files(corpus, config, workdir, reservoir_size, piece, rules)
    rng = np.random.default_rng(config.seed)
    counter: Counter = Counter()
    reservoir: list[list[str]] = []
    sentences = units = pairable = 0
    path = workdir / "tokens.txt"
    try:
        out = open(path, "w", encoding="utf-8")
    except OSError as error:
        raise write_error(path, error, WHAT) from None
    try:
        for sentence in corpus:  # errors reading the corpus are not write errors: only writes are caught
            counter.update(sentence)
            try:
                out.write(" ".join(sentence))
                out.write("\n")
            except OSError as error:
                raise write_error(path, error, WHAT) from None
            sentences += 1
            pairable += len(sentence) >= 2
            for start in range(0, len(sentence), piece):
                units += 1
                if len(reservoir) < reservoir_size:  # reservoir sampling (Algorithm R)
                    reservoir.append(sentence[start:start + piece])
                else:
                    j = int(rng.integers(0, units))
                    if j < reservoir_size:
                        reservoir[j] = sentence[start:start + piece]
        try:
            out.close()
        except OSError as error:
            raise write_error(path, error, WHAT) from None
    finally:
        with contextlib.suppress(OSError):  # after an error: already reported
            out.close()
    total = sum(counter.values())
    _check(corpus, config, total, bool(pairable))
    vocab = Vocab.from_counter(counter, total_words=total, rules=rules)
    sample = _loss_sample(corpus, config, vocab, reservoir, units == sentences <= reservoir_size, rng)
    return PreparedCorpus(workdir, vocab, total, sentences, sample, corpus.description)


def _prepare_files(corpus: Corpus, config: SkipGramConfig, workdir: Path, reservoir_size: int,
                   piece: int, rules: VocabRules) -> PreparedCorpus:
    """`prepare` for a corpus of files, through `fastcorpus`: the same vocabulary, draws and errors."""
    from .fastcorpus import scan_corpus, unit_reservoir

    result = scan_corpus(corpus, workdir, rules=rules, keep_tokens=True, what=WHAT)
    rng = np.random.default_rng(config.seed)
    drawn = unit_reservoir(result.tokens, reservoir_size, piece, rng)
    _check(corpus, config, result.total_words, drawn.pairable)
    words = result.vocab.words
    reservoir = [[words[i] for i in unit] for unit in drawn.units]
    whole = drawn.count == result.sentences <= reservoir_size
    sample = _loss_sample(corpus, config, result.vocab, reservoir, whole, rng)
    return PreparedCorpus(workdir, result.vocab, result.total_words, result.sentences, sample,
                          corpus.description, encoded=result.corpus, tokens=result.tokens)


def _check(corpus: Corpus, config: SkipGramConfig, total: int, pairable: bool) -> None:
    """The corpus holds words, and some line holds two of them."""
    if total == 0:
        raise EmbedkitError(f"{corpus.description}: the corpus holds no words")
    if not pairable:
        raise EmbedkitError(f"{corpus.description}: no training pairs: no line holds two words "
                            "(skip-gram learns from words that share a line)")


def _loss_sample(corpus: Corpus, config: SkipGramConfig, vocab: Vocab, reservoir: list[list[str]],
                 whole: bool, rng: np.random.Generator) -> LossSample:
    """The loss sample from the reservoir's in-vocabulary words, after the vocabulary's checks.

    `whole`: the reservoir holds every sentence, uncut, so a reservoir without a unit of two
    words means a corpus without training pairs.
    """
    if len(vocab) < 2:
        raise EmbedkitError(
            f"{corpus.description}: only {len(vocab)} word(s) occur at least min-count={config.min_count} "
            f"times in {vocab.total_words} tokens; lower --min-count or use a larger corpus")
    if whole and not any(sum(t in vocab for t in unit) >= 2 for unit in reservoir):
        raise EmbedkitError(
            f"{corpus.description}: no training pairs: no line holds two words that occur at least "
            f"min-count={config.min_count} times; lower --min-count or use a larger corpus")
    sample = draw_loss_sample(reservoir, vocab, config, rng)
    warn_if_degenerate(corpus.description, len(vocab), len(sample), config)
    return sample


def warn_if_degenerate(description: str, words: int, pairs: int, config: SkipGramConfig) -> None:
    """An `EmbedkitWarning` when fewer than `FEW_WORDS` words are kept or fewer than `FEW_PAIRS`
    pairs are sampled for the loss: the vectors of such a corpus mean little, and with no pair
    at all the loss is not defined (NaN).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn_if_degenerate("tiny.txt", 3, 2, SkipGramConfig())
        >>> str(caught[0].message).split(";")[0]
        'tiny.txt: a degenerate corpus, 3 words kept (min-count 5) and 2 sampled pairs'
    """
    if words >= FEW_WORDS and pairs >= FEW_PAIRS:
        return
    advice = "use a larger corpus"
    if config.sample and pairs < FEW_PAIRS:
        advice += f", or --sample 0 (subsampling at {config.sample:g} drops most pairs of a small corpus)"
    loss = "; the loss is not defined without pairs (nan)" if pairs == 0 else ""
    warnings.warn(f"{description}: a degenerate corpus, {words:,} words kept (min-count {config.min_count}) and "
                  f"{pairs:,} sampled pairs; vectors trained on it mean little{loss}; {advice}",
                  EmbedkitWarning, stacklevel=3)


def draw_loss_sample(sentences: list[list[str]], vocab: Vocab, config: SkipGramConfig,
                     rng: np.random.Generator) -> LossSample:
    """Up to `config.loss_pairs` triples, drawn as training draws them (subsampling, dynamic window):
    all pairs of `sentences`, then a uniform choice among them, with noise words by counts ** ns_exponent."""
    keep = vocab.keep_probabilities(config.sample)
    centers, contexts = [], []
    for sentence in sentences:
        center, context = skipgram_pairs(vocab.encode(sentence), config.window, keep_probability=keep, rng=rng)
        centers.append(center)
        contexts.append(context)
    center = np.concatenate(centers) if centers else np.zeros(0, np.int64)  # (P,) word ids, int32
    context = np.concatenate(contexts) if contexts else np.zeros(0, np.int64)
    del centers, contexts
    if center.shape[0] > config.loss_pairs:
        chosen = np.sort(rng.choice(center.shape[0], size=config.loss_pairs, replace=False))
        center, context = center[chosen], context[chosen]
    center, context = center.astype(np.int64), context.astype(np.int64)
    noise = vocab.noise_distribution(config.ns_exponent)
    negatives = rng.choice(len(vocab), size=(center.shape[0], config.negative), p=noise)
    return LossSample(inputs=context, outputs=center, negatives=negatives.astype(np.int64))
