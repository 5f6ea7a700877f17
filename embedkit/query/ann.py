"""Approximate nearest neighbours by cosine, for vocabularies in the millions (pynndescent).

`approximate_index(vectors)` builds a k-NN graph over the unit vectors once; `embedkit.query`'s
`most_similar`, `most_similar_batch`, `similar_by_vector(s)` and `analogy(method="add")` take it
as `index=` and answer through it. Candidates come from the graph, their cosines are then
computed exactly: every score is exact, and only a true neighbour can be missed
(bench/query_speed.py reports recall@10 against exact search).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import EmbedkitError
from ..vectors import Vectors
from .topk import top_k


class ApproximateIndex:
    """Approximate cosine neighbours for one `Vectors`: graph candidates, exact scores.

    Args:
        vectors: the `Vectors` it answers for; queries on other vectors are refused.
        backend: anything with `query(q (b, dim), k) -> (rows (b, k), distances (b, k))`,
            such as a prepared `pynndescent.NNDescent`.
    """

    def __init__(self, vectors: Vectors, backend):
        self.vectors = vectors
        self.backend = backend

    def search(self, q: np.ndarray, topn: int, excluded: Sequence[Sequence[int]]
               ) -> list[list[tuple[str, float]]]:
        """The `topn` best rows for each unit target in `q` (b, dim), leaving out `excluded[i]`."""
        if topn == 0 or len(q) == 0:
            return [[] for _ in q]
        extra = max((len(e) for e in excluded), default=0)
        k = min(2 * (topn + extra), len(self.vectors))  # spare candidates: rescored exactly below
        rows, _ = self.backend.query(np.ascontiguousarray(q, dtype=np.float32), k=k)
        unit, words, answers = self.vectors.unit, self.vectors.words, []
        for target, found, skip in zip(q, np.asarray(rows), excluded):
            found = np.unique(found[found >= 0])          # sorted rows: ties go to the lower one
            found = found[~np.isin(found, list(skip))]
            scores = np.asarray(unit[found] @ target, dtype=np.float32).ravel()
            order = top_k(scores, topn)  # `found` is sorted, so ties go to the lower row
            answers.append([(words[r], float(scores[j])) for r, j in zip(found[order], order)])
        return answers


def approximate_index(vectors: Vectors, n_neighbors: int = 30, seed: int | None = 0,
                      n_jobs: int | None = None) -> ApproximateIndex:
    """Build an approximate nearest-neighbour index over the unit vectors (pynndescent).

    Worth it for vocabularies in the millions, or for very many queries: building costs many
    exact queries (minutes for 400,000 words on two cores, plus numba's first compilation).

    Args:
        n_neighbors: graph degree; larger is slower to build and more accurate.
        seed: random seed of the graph construction (None: not reproducible, but parallel).
        n_jobs: threads for building (pynndescent's default: all cores).

    Example:
        >>> index = approximate_index(glove)                        # doctest: +SKIP
        >>> query.most_similar(glove, "king", topn=3, index=index)  # doctest: +SKIP
    """
    if vectors.is_sparse:
        raise EmbedkitError("an approximate index needs dense vectors; these are sparse")
    try:
        from pynndescent import NNDescent
    except ImportError:
        raise EmbedkitError("an approximate index needs pynndescent: pip install pynndescent") from None
    graph = NNDescent(vectors.unit, metric="cosine", n_neighbors=n_neighbors, random_state=seed,
                      n_jobs=n_jobs)
    graph.prepare()
    return ApproximateIndex(vectors, graph)
