"""Subwords: character n-grams as fastText computes them, and the vectors composed from them.

`ngrams` holds the n-grams, fastText's hash, each word's rows of the input matrix and
`SubwordModel` (a vector for any word); `vectors` holds `SubwordVectors`, the `Vectors` that
compose a vector for a word they do not hold; `kernels` the numba loops, loaded on first use.
"""

from .ngrams import (
    BOW,
    EOS,
    EOW,
    MAX_BUCKET,
    NO_TRAINED_NGRAM,
    NgramSettings,
    SubwordModel,
    SubwordRows,
    bucket_lists,
    ft_hash,
    ngram_buckets,
    ngram_bytes,
    ngrams,
    subword_rows,
)
from .vectors import SubwordVectors, subword_vectors

__all__ = ["BOW", "EOS", "EOW", "MAX_BUCKET", "NO_TRAINED_NGRAM", "NgramSettings", "SubwordModel", "SubwordRows",
           "SubwordVectors", "bucket_lists", "ft_hash", "ngram_buckets", "ngram_bytes", "ngrams", "subword_rows",
           "subword_vectors"]
