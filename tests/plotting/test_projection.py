"""embedkit.project (module embedkit.plotting.projection): coordinates of the right shape, finite, and faithful to planted groups."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import silhouette_score

from embedkit import EmbedkitError, Vectors, project
from embedkit.plotting.projection import exact_neighbours, umap_neighbours, warm_up


def planted(groups=3, size=40, dim=20, noise=0.15, seed=0):
    """`groups` tight groups of `size` words around random directions; returns (Vectors, labels)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(groups, dim))
    labels = np.repeat(np.arange(groups), size)
    matrix = centres[labels] + noise * rng.normal(size=(groups * size, dim))
    words = [f"{'abcdefgh'[g]}{i}" for g in range(groups) for i in range(size)]
    return Vectors(words, matrix), labels


@pytest.mark.parametrize("method", ["pca", "tsne", "umap"])
def test_planted_groups_land_in_separate_regions(method):
    vectors, labels = planted()
    coords = project(vectors, method, seed=0)
    assert coords.shape == (len(vectors), 2)
    assert np.isfinite(coords).all()
    assert silhouette_score(coords, labels) > 0.5


def test_shuffled_groups_would_fail_the_threshold():
    """The silhouette check can fail: the same coordinates with shuffled labels score near 0."""
    vectors, labels = planted()
    coords = project(vectors, "pca")
    assert silhouette_score(coords, np.random.default_rng(1).permutation(labels)) < 0.1


@settings(max_examples=30, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 25), st.integers(1, 6)),
              elements=st.floats(-100, 100, width=32)))
def test_pca_gives_finite_n_by_2(matrix):
    coords = project(matrix, "pca")
    assert coords.shape == (matrix.shape[0], 2)
    assert np.isfinite(coords).all()


@pytest.mark.parametrize("method", ["pca", "tsne", "umap"])
def test_one_hot_sparse_vectors_project(method):
    one_hot = Vectors([f"w{i}" for i in range(30)], sp.identity(30, format="csr"))
    coords = project(one_hot, method)
    assert coords.shape == (30, 2) and np.isfinite(coords).all()


def test_same_seed_same_picture():
    vectors, _ = planted(size=15)
    np.testing.assert_array_equal(project(vectors, "tsne", seed=3), project(vectors, "tsne", seed=3))


@pytest.mark.parametrize("n", [1, 2])
def test_one_or_two_points_lie_on_a_line(n):
    coords = project(np.ones((n, 4)), "umap")
    assert coords.shape == (n, 2) and np.isfinite(coords).all()


def test_euclidean_pca_differs_from_cosine_pca_when_lengths_differ():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(20, 5)) * rng.uniform(0.1, 10, size=(20, 1))
    assert not np.allclose(project(matrix, "pca", metric="euclidean"), project(matrix, "pca"))


def test_nan_vectors_are_refused_by_name():
    vectors = Vectors(["ok", "bad", "fine"], [[1, 0], [np.nan, 1], [0, 1]])
    with pytest.raises(EmbedkitError, match="1 vectors hold NaN.*'bad'"):
        project(vectors, "pca")


def test_unknown_method_and_metric():
    with pytest.raises(EmbedkitError, match="unknown projection method 'mds'"):
        project(np.eye(3), "mds")
    with pytest.raises(EmbedkitError, match="unknown metric"):
        project(np.eye(3), "pca", metric="manhattan")


def test_umap_neighbourhood_shrinks_for_small_sets():
    assert umap_neighbours(48) == 5
    assert umap_neighbours(100) == 10
    assert umap_neighbours(5000) == 15


def test_warm_up_reports_import_time_for_sklearn_methods():
    assert set(warm_up("pca")) == {"import"}


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("sparse", [False, True])
def test_exact_neighbours_match_brute_force(metric, sparse):
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(50, 6)) * rng.uniform(0.5, 2, size=(50, 1))
    indices, dists = exact_neighbours(sp.csr_matrix(matrix) if sparse else matrix, 7, metric)
    from sklearn.metrics import pairwise_distances

    full = pairwise_distances(matrix, metric=metric)
    assert (indices[:, 0] == np.arange(50)).all() and np.allclose(dists[:, 0], 0, atol=1e-6)
    np.testing.assert_allclose(dists, np.sort(full, axis=1)[:, :7], atol=1e-4)
    np.testing.assert_allclose(np.take_along_axis(full, indices, axis=1), dists, atol=1e-4)


def test_import_embedkit_stays_light():
    """`embedkit.project` and `embedkit.plot` are there, but umap, sklearn, matplotlib and plotly
    load only when a projection or a picture is made."""
    import subprocess
    import sys

    code = ("import sys, embedkit; assert callable(embedkit.project) and callable(embedkit.plot); "
            "import embedkit.plotting.projection, embedkit.plotting.picture; "
            "print(sorted(m for m in ('umap', 'sklearn', 'matplotlib', 'plotly', 'numba') if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "[]"


def test_umap_kernels_are_cached_on_disk_but_never_twice_for_one_function():
    from numba.core.caching import FunctionCache, NullCache

    from embedkit.plotting.projection import _import_umap, cache_umap_kernels

    umap = _import_umap()  # umap-learn imports umap.layouts and umap.umap_ itself
    serial = umap.layouts._nb_optimize_layout_euclidean_single_epoch
    parallel = umap.layouts._nb_optimize_layout_euclidean_single_epoch_parallel
    assert serial.py_func is parallel.py_func  # one function jitted twice: numba's cache keys cannot tell them apart
    assert isinstance(serial._cache, FunctionCache) and isinstance(parallel._cache, NullCache)
    assert isinstance(umap.umap_.smooth_knn_dist._cache, FunctionCache)
    assert isinstance(umap.umap_.compute_membership_strengths._cache, FunctionCache)
    assert cache_umap_kernels(umap) == 0  # done once: nothing left to turn on
