"""`SkipGramConfig`: every option of training, with gensim's names and defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from .corpus import MAX_SENTENCE_LENGTH
from ..errors import EmbedkitError
from ..subwords import NgramSettings
from .engines import ENGINES


@dataclass
class SkipGramConfig:
    """Options of skip-gram with negative sampling; names and defaults are gensim's."""

    vector_size: int = 100      # dimension of the word vectors
    window: int = 5             # maximum distance between center and context word
    min_count: int = 5          # ignore words seen fewer times than this
    max_vocab: int | None = None  # keep at most this many of the most frequent words
    sample: float = 1e-3        # subsampling threshold for frequent words (0 = off)
    negative: int = 5           # noise words drawn per (center, context) pair
    alpha: float = 0.025        # initial learning rate
    min_alpha: float = 0.0001   # learning rate reached, linearly, at the end of the last epoch
    epochs: int = 5             # passes over the corpus
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # training threads
    seed: int = 1               # seeds initial vectors, sampling and the loss sample
    engine: str = "native"      # which implementation trains: "native" (numba) or "gensim" (see ENGINES)
    lowercase: bool = True      # lower-case the corpus before tokenising
    max_sentence_length: int = MAX_SENTENCE_LENGTH  # longer lines are cut into pieces
    loss_pairs: int = 10_000    # size of the fixed sample the per-epoch loss is computed on
    # the rest of the word2vec family (engines.family); names and defaults are gensim's
    sg: bool = True             # skip-gram (True) or CBOW (False)
    cbow_mean: bool = True      # CBOW's input: the mean of the window's vectors (True) or their sum
    hs: bool = False            # hierarchical softmax over the Huffman tree (negative 0: HS alone)
    ns_exponent: float = 0.75   # negative sampling's noise distribution: counts ** ns_exponent
    shrink_windows: bool = True  # draw each window's reach in 1..window (False: always window)
    # vocabulary rules (vocab.VocabRules), after min_count and max_vocab
    max_final_vocab: int | None = None  # gensim's: raise min_count until at most this many words are kept
    keep_words: tuple[str, ...] = ()    # kept whenever they occur, whatever their count
    drop_words: tuple[str, ...] = ()    # never kept
    phrases: int = 0            # passes of phrase detection (train.phrases) before training; 0 = off
    subwords: bool = False      # fastText's model: a word's input is its own and its n-grams' rows
    min_n: int = 3              # subwords: shortest character n-gram (fastText's -minn)
    max_n: int = 6              # subwords: longest character n-gram (-maxn)
    bucket: int = 2_000_000     # subwords: hash buckets the n-grams share (-bucket)
    spark_master: str | None = None  # engine "spark": master URL (None: spark-submit's, else local[workers])
    partitions: int = 1         # engine "spark": MLlib's numPartitions (more: faster, less accurate)

    def check(self) -> None:
        """Raise `EmbedkitError` on values no engine can train with."""
        positive = ("vector_size", "window", "min_count", "epochs", "workers", "max_sentence_length")
        for name in positive:
            if getattr(self, name) < 1:
                raise EmbedkitError(f"{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        from .engines.family import FamilyOptions

        FamilyOptions.from_config(self).check(self.negative)
        if self.sample < 0:
            raise EmbedkitError(f"sample must be 0 or more, got {self.sample}")
        if not 0 < self.alpha or not 0 <= self.min_alpha <= self.alpha:
            raise EmbedkitError(f"need 0 <= min-alpha <= alpha and alpha > 0, got {self.min_alpha}, {self.alpha}")
        if self.max_vocab is not None and self.max_vocab < 1:
            raise EmbedkitError(f"max-vocab must be at least 1, got {self.max_vocab}")
        if self.max_final_vocab is not None and self.max_final_vocab < 1:
            raise EmbedkitError(f"max-final-vocab must be at least 1, got {self.max_final_vocab}")
        if both := sorted(set(self.keep_words) & set(self.drop_words)):
            raise EmbedkitError(f"{both[0]!r} is both a word to keep and a word to drop")
        if self.phrases < 0:
            raise EmbedkitError(f"phrases must be 0 (off) or a number of passes, got {self.phrases}")
        if self.engine not in ENGINES:
            raise EmbedkitError(f"unknown engine {self.engine!r}; choose from {', '.join(ENGINES)}")
        if self.partitions < 1:
            raise EmbedkitError(f"partitions must be at least 1, got {self.partitions}")
        if self.engine == "spark":
            from .engines.spark import check_config

            check_config(self)
        elif self.spark_master is not None or self.partitions != 1:
            raise EmbedkitError("spark-master and partitions are options of the Spark engine (--engine spark)")
        if self.subwords:
            self.ngrams.check()
            others = [name for name, given in (("--cbow", not self.sg), ("--hs", self.hs),
                                                ("--no-shrink-windows", not self.shrink_windows)) if given]
            if others:
                raise EmbedkitError(f"--subwords trains skip-gram with negative sampling (fastText's model); "
                                    f"it does not take {', '.join(others)}")

    @property
    def ngrams(self) -> NgramSettings:
        """The character n-gram settings of `subwords` training."""
        return NgramSettings(self.min_n, self.max_n, self.bucket)

    def learning_rate(self, progress: float) -> float:
        """Linearly decayed learning rate at `progress` (0..1) of the whole training run."""
        return max(self.min_alpha, self.alpha - (self.alpha - self.min_alpha) * progress)
