"""Projections of word vectors to two dimensions: UMAP, PCA and t-SNE.

Only coordinates come out of here; drawing them is `embedkit.plotting`'s business. umap-learn and
scikit-learn are imported inside the functions that need them, so `import embedkit` stays fast.

The default metric is cosine, the one word similarity is measured with: UMAP and t-SNE use it
directly, PCA projects the unit-length vectors. Sparse vectors (one-hot) work with every method;
PCA becomes a truncated SVD for them, since centring would make them dense.

Example:
    >>> import numpy as np
    >>> from embedkit import Vectors, project
    >>> vectors = Vectors(["a", "b", "c"], np.eye(3))
    >>> project(vectors, "pca").shape
    (3, 2)
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

from ..errors import EmbedkitError
from ..query import top_k_rows
from ..vectors import Vectors

METHODS = ("umap", "pca", "tsne")
METRICS = ("cosine", "euclidean")

def project(vectors, method: str = "umap", *, seed: int | None = 0, metric: str = "cosine",
            n_neighbors: int | None = None, min_dist: float | None = None,
            perplexity: float = 30.0) -> np.ndarray:
    """Coordinates in the plane for each row of `vectors`.

    Args:
        vectors: a `Vectors`, or an array / scipy.sparse matrix of shape (n, dim).
        method: "umap" (umap-learn), "pca" (scikit-learn PCA; truncated SVD for sparse input) or
            "tsne" (scikit-learn t-SNE with PCA initialisation).
        seed: random seed; the same seed gives the same picture. None: a different one each run
            (and, for UMAP, parallel threads).
        metric: "cosine" (default) or "euclidean".
        n_neighbors: UMAP's neighbourhood size. Default 15; for under 150 points n / 10, at
            least 5, since with 15 neighbours groups of a dozen words are all one neighbourhood.
        min_dist: how tightly UMAP packs neighbouring points. Default 0.1; for under 150 points
            0.5, with `spread` 3 instead of 1: groups of a few words then open up instead of
            collapsing into dots far apart from each other.
        perplexity: t-SNE's effective neighbourhood size (clipped below n / 3 for tiny inputs).

    Returns:
        float64 array of shape (n, 2), finite.

    Raises:
        EmbedkitError: unknown method or metric, or vectors with NaN or infinite values.
    """
    return project_with_info(vectors, method, seed=seed, metric=metric, n_neighbors=n_neighbors,
                             min_dist=min_dist, perplexity=perplexity)[0]


def project_with_info(vectors, method: str = "umap", *, seed: int | None = 0, metric: str = "cosine",
                      n_neighbors: int | None = None, min_dist: float | None = None,
                      perplexity: float = 30.0) -> tuple[np.ndarray, dict]:
    """`project`, and what the method tells about the projection: {"explained_variance": (share of
    the variance along the first axis, along the second)} for PCA, {} for the others."""
    if method not in METHODS:
        raise EmbedkitError(f"unknown projection method {method!r}; choose one of {', '.join(METHODS)}")
    if metric not in METRICS:
        raise EmbedkitError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    words, X = _matrix(vectors)  # X: (n, dim) float32, dense or CSR
    _check_finite(words, X)
    n = X.shape[0]
    if n < 3:  # nothing to learn: place them on a line
        return np.column_stack([np.arange(n, dtype=np.float64) - (n - 1) / 2, np.zeros(n)]), {}
    info: dict = {}
    with single_thread_below(n, 2000):
        if method == "pca":
            coords, info["explained_variance"] = _pca(_unit(X) if metric == "cosine" else X, seed)
        elif method == "tsne":
            coords = _tsne(X, metric, seed, perplexity)
        else:
            coords = _umap(X, metric, seed, n_neighbors, min_dist)
    return np.asarray(coords, dtype=np.float64), info


def single_thread_below(n: int, threshold: int):
    """Run OpenMP/BLAS code on one thread for fewer than `threshold` items, else as configured.

    Thread pools cost more than they save on small inputs, and far more on a busy machine, where
    spinning threads wait for cores: t-SNE of 120 points took 13 s on 2 shared cores with two
    threads and 0.5 s with one.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1 if n < threshold else None)


def _matrix(vectors) -> tuple[list[str] | None, np.ndarray | sp.csr_matrix]:
    if isinstance(vectors, Vectors):
        return vectors.words, vectors.matrix
    if sp.issparse(vectors):
        return None, sp.csr_matrix(vectors, dtype=np.float32)
    X = np.asarray(vectors, dtype=np.float32)
    if X.ndim != 2:
        raise EmbedkitError(f"expected a 2-D (n, dim) matrix, got shape {X.shape}")
    return None, X


def _check_finite(words, X) -> None:
    values = X.data if sp.issparse(X) else X
    if np.isfinite(values).all():
        return
    bad = np.flatnonzero(~np.isfinite(X.toarray() if sp.issparse(X) else X).all(axis=1))
    first = repr(words[bad[0]]) if words is not None else f"row {bad[0]}"
    raise EmbedkitError(f"{len(bad)} vectors hold NaN or infinite values (first: {first}); "
                        "cannot project them")


def _unit(X):
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel()) if sp.issparse(X) \
        else np.linalg.norm(X, axis=1)
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.diags(inverse).dot(X).tocsr() if sp.issparse(X) else X * inverse[:, None]


def _pca(X, seed) -> tuple[np.ndarray, tuple[float, float]]:
    """Coordinates on the first two principal axes, and the share of the variance each explains."""
    from sklearn.decomposition import PCA, TruncatedSVD

    if X.shape[1] < 2:  # a single dimension: the second coordinate is 0
        X = sp.hstack([X, sp.csr_matrix((X.shape[0], 1))]).tocsr() if sp.issparse(X) \
            else np.hstack([X, np.zeros((X.shape[0], 1), X.dtype)])
    if sp.issparse(X) and X.shape[1] == 2:
        coords = X.toarray()
        total = coords.var(axis=0).sum()
        return coords, tuple(float(v / total) if total > 0 else 0.0 for v in coords.var(axis=0))
    model = TruncatedSVD(n_components=2, random_state=seed) if sp.issparse(X) else \
        PCA(n_components=2, random_state=seed)
    with warnings.catch_warnings():  # identical vectors: variance ratio 0/0, coordinates all 0
        warnings.simplefilter("ignore", RuntimeWarning)
        coords = model.fit_transform(X)
    ratio = np.nan_to_num(model.explained_variance_ratio_, nan=0.0)
    return coords, (float(ratio[0]), float(ratio[1]))


def _tsne(X, metric, seed, perplexity):
    from sklearn.manifold import TSNE

    n = X.shape[0]
    # PCA initialisation keeps the global layout; sklearn needs dense input for it.
    init = "random" if sp.issparse(X) else "pca"
    tsne = TSNE(n_components=2, perplexity=min(perplexity, (n - 1) / 3), metric=metric,
                init=init, random_state=seed, learning_rate="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return tsne.fit_transform(X)


def _umap(X, metric, seed, n_neighbors, min_dist):
    umap = _import_umap()
    n = X.shape[0]
    n_neighbors = max(2, min(umap_neighbours(n) if n_neighbors is None else n_neighbors, n - 1))
    small = n < _SMALL
    reducer = umap.UMAP(
        n_components=2, metric=metric, n_neighbors=n_neighbors, spread=3.0 if small else 1.0,
        min_dist=(0.5 if small else 0.1) if min_dist is None else min_dist,
        random_state=seed, precomputed_knn=exact_neighbours(X, n_neighbors, metric),
        # spectral initialisation needs more points than neighbours; tiny inputs start at random
        init="spectral" if n > n_neighbors + 1 else "random")
    with warnings.catch_warnings():
        # "n_jobs overridden by random_state", disconnected-graph notes for one-hot vectors, ...
        warnings.simplefilter("ignore")
        return reducer.fit_transform(X)


def exact_neighbours(X, k: int, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """Each row's `k` nearest rows, itself first, by exact distance: UMAP's `precomputed_knn`.

    A matrix product per block of rows, so numba has nothing to compile for it: umap-learn would
    otherwise compile pynndescent's approximate search (from 4,096 points on), which takes longer
    than the whole projection of 5,000 words. Exact neighbours are also never worse.

    Returns:
        (indices int64 (n, k), distances float32 (n, k)), nearest first.
    """
    n = X.shape[0]
    Y = _unit(X) if metric == "cosine" else X
    sq = None if metric == "cosine" else (
        np.asarray(Y.multiply(Y).sum(axis=1)).ravel() if sp.issparse(Y) else (Y * Y).sum(axis=1))
    indices = np.empty((n, k), dtype=np.int64)
    dists = np.empty((n, k), dtype=np.float32)
    block = max(1, int(2e7 // n))  # ~80 MB of distances at a time
    for start in range(0, n, block):
        part = slice(start, min(n, start + block))
        dots = Y[part] @ Y.T
        dots = dots.toarray() if sp.issparse(dots) else np.asarray(dots)
        if metric == "cosine":
            d = 1.0 - dots
        else:
            d = np.sqrt(np.maximum(sq[part, None] + sq[None, :] - 2 * dots, 0.0))
        rows = np.arange(part.stop - part.start)
        d[rows, rows + start] = -1.0  # itself first, whatever ties or rounding say
        nearest = np.stack(top_k_rows(-d, k))  # (block, k): the smallest distances, ties to the lower row
        indices[part] = nearest
        dists[part] = np.maximum(np.take_along_axis(d, nearest, axis=1), 0.0)
    return indices, dists


_SMALL = 150  # fewer points than this get a small-set UMAP layout (see `project`)


def umap_neighbours(n: int) -> int:
    """UMAP's default neighbourhood size for `n` points: 15, or n / 10 (at least 5) below 150."""
    return 15 if n >= _SMALL else int(max(5, n // 10))


def _import_umap():
    try:
        import umap
    except ImportError:
        raise EmbedkitError("UMAP needs umap-learn: pip install umap-learn "
                            "(or choose --method pca or tsne)") from None
    cache_umap_kernels(umap)
    return umap


def cache_umap_kernels(umap) -> int:
    """Turn on numba's on-disk cache for umap-learn's jitted functions that lack it; how many.

    umap-learn compiles its layout optimiser and fuzzy-graph functions (`cache=False`) in every
    process: seconds of each `embedkit plot`. Cached, the compiled code is written once (beside
    umap-learn's sources, or numba's user cache folder when those are read-only) and loaded by
    later runs; numba recompiles when the source file changes, as after an upgrade. numba keys its
    cache by function and signature, not by compile options, so a function jitted twice (the
    layout epoch, serial and parallel) is cached only through its single serial dispatcher, and
    a function with several candidates through none.
    """
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    by_function: dict = {}
    for name, module in list(sys.modules.items()):
        if name == umap.__name__ or name.startswith(umap.__name__ + "."):
            for value in list(vars(module).values()):
                if isinstance(value, CPUDispatcher):
                    by_function.setdefault(value.py_func, {})[id(value)] = value
    enabled = 0
    for dispatchers in by_function.values():
        candidates = list(dispatchers.values())
        if len(candidates) > 1:
            candidates = [d for d in candidates if not d.targetoptions.get("parallel")]
        if len(candidates) == 1 and isinstance(candidates[0]._cache, NullCache):
            candidates[0].enable_caching()
            enabled += 1
    return enabled


def warm_up(method: str, *, metric: str = "cosine") -> dict[str, float]:
    """Import and JIT-compile what `project(vectors, method)` will run; seconds taken.

    UMAP runs on numba, which compiles its functions on first use in a process. Fitting UMAP on
    64 random points first, along the same code path (neighbours from `exact_neighbours`),
    compiles nearly all of it, so the fit that follows measures the projection itself. A few
    specialisations that depend on the data still compile inside the real fit; they are counted
    there, not here. PCA and t-SNE compile nothing.

    Returns:
        {"import": seconds} for every method, plus {"compile": seconds} for UMAP.
    """
    start = time.perf_counter()
    if method != "umap":
        import sklearn.decomposition  # noqa: F401
        import sklearn.manifold  # noqa: F401
        return {"import": time.perf_counter() - start}
    umap = _import_umap()
    imported = time.perf_counter()
    X = np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        umap.UMAP(n_components=2, metric=metric, n_neighbors=15, random_state=0,
                  precomputed_knn=exact_neighbours(X, 15, metric)).fit_transform(X)
    return {"import": imported - start, "compile": time.perf_counter() - imported}
