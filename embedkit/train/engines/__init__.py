"""Skip-gram engines: each trains the same model behind `embedkit.train.train_skipgram`.

An engine is a function `train(prepared, config, monitor) -> (input_vectors, output_vectors)`
that reads the tokenised corpus file `prepared.path`, uses the vocabulary `prepared.vocab`
(rows in that order), reports progress and epoch ends to `monitor`, and returns two float32
(len(vocab), vector_size) matrices. With `config.subwords` (fastText's model) the input is a
`subwords.SubwordModel` instead: the words' rows and their character n-grams' rows (native:
`subword.train`; gensim: its `FastText`, `gensim_subword.train`).
"""

from typing import Callable


def _gensim(prepared, config, monitor):
    if getattr(config, "subwords", False):
        from .gensim_subword import train as train_subwords

        return train_subwords(prepared, config, monitor)
    from .gensim import train

    return train(prepared, config, monitor)


def _native(prepared, config, monitor):
    if getattr(config, "subwords", False):
        from .subword import train as train_subwords

        return train_subwords(prepared, config, monitor, config.ngrams)
    from .family import FamilyOptions

    if FamilyOptions.from_config(config).plain(config.negative) and getattr(prepared, "initial", None) is None:
        from .native import train  # skip-gram with negative sampling alone, from word2vec's start
    else:
        from .family import train  # CBOW, hierarchical softmax, other windows or noise, given weights

    return train(prepared, config, monitor)


def _spark(prepared, config, monitor):
    from .spark import train

    return train(prepared, config, monitor)


# name -> callable(prepared: PreparedCorpus, config, monitor) -> (input_vectors, output_vectors),
# both (len(vocab), vector_size) float32 with rows in vocab order; each imports its engine when
# called, so naming the engines (the CLI's --engine choice) loads neither numba, gensim nor pyspark.
# "spark" trains from what `engines.spark.prepare` made on Spark, and has no output vectors (None).
ENGINES: dict[str, Callable] = {"native": _native, "gensim": _gensim, "spark": _spark}
