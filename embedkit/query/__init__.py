"""The query wing: cosine queries over `Vectors`, all answered by one routine.

`search` (module `engine`) scores many queries with one matrix product per chunk and ranks each
with `top_k` (module `topk`), the one selection routine every ranked answer in embedkit comes
from: these queries, analogy evaluation, the neighbours of plotted words, the projection's
neighbour graph. `similar` holds the functions users call (gensim's names), `ann` the optional
approximate index, `prompt` the interactive `embedkit query`.

Queries agree with gensim's `KeyedVectors` (`most_similar`, `most_similar_cosmul`, `similarity`,
`doesnt_match`) to float32 rounding, with three deliberate differences: a zero vector has cosine
0 with everything (gensim: NaN); equal scores are ordered by row, the more frequent word first;
an unknown word raises `UnknownWordError` with close spellings. Sparse (one-hot) vectors work too,
without ever densifying a vocabulary x vocabulary matrix.

Example:
    >>> from embedkit import io, query
    >>> glove = io.resolve("glove-6b-50d")
    >>> query.analogy(glove, "man", "king", "woman", topn=1)   # man : king :: woman : ?
    [('queen', 0.852360...)]
"""

from .ann import ApproximateIndex, approximate_index
from .engine import EPSILON, METHOD_NAMES, METHODS, search
from .similar import (analogy, analogy_batch, most_similar, most_similar_batch, odd_one_out, rank_by_centrality,
                      similar_by_vector, similar_by_vectors, similarity)
from .topk import top_k, top_k_rows

__all__ = ["EPSILON", "METHODS", "METHOD_NAMES", "ApproximateIndex", "analogy", "analogy_batch", "approximate_index",
           "most_similar", "most_similar_batch", "odd_one_out", "rank_by_centrality", "search", "similar_by_vector",
           "similar_by_vectors", "similarity", "top_k", "top_k_rows"]
