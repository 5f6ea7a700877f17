"""The family's update rules against finite-difference gradients of their losses, in float64.

Each step is run with lr = 1 and a fine sigmoid table, so the update is the exact gradient step:
output rows move by minus the gradient of the step's loss; skip-gram's input rows too; CBOW's
input rows by the gradient with respect to the window vector, which is count x their gradient
for the mean and gradient / count for the sum (word2vec.c's and gensim's rule).
"""

import numpy as np
import pytest

from embedkit.train.engines.family_kernels import cbow_update, sg_update
from embedkit.train.engines.native_kernels import sigmoid_table

FINE = sigmoid_table(4_000_000)  # sigmoid to within 2e-6
V, D = 9, 5


def softplus(x):
    return np.logaddexp(0.0, x)


def hs_terms(h, syn1, path, path_labels):
    """-log prod_d sigmoid((2 label_d - 1) h . syn1[path_d]) for each row of h."""
    signs = 2.0 * np.asarray(path_labels, np.float64) - 1.0
    return softplus(-(h @ syn1[path].T) * signs).sum(axis=-1)


def ns_terms(h, w_out, targets):
    signs = np.where(np.arange(len(targets)) == 0, 1.0, -1.0)
    return softplus(-(h @ w_out[targets].T) * signs).sum(axis=-1)


def sg_loss(w_in, syn1, w_out, contexts, path, path_labels, targets):
    v = w_in[contexts]
    loss = hs_terms(v, syn1, path, path_labels).sum() if len(path) else 0.0
    return loss + (ns_terms(v, w_out, targets).sum() if len(targets) else 0.0)


def cbow_loss(w_in, syn1, w_out, contexts, path, path_labels, targets, mean):
    h = w_in[contexts].sum(axis=0) / (len(contexts) if mean else 1)
    loss = hs_terms(h[None], syn1, path, path_labels).sum() if len(path) else 0.0
    return loss + (ns_terms(h[None], w_out, targets).sum() if len(targets) else 0.0)


def gradients(loss, matrices, eps=1e-6):
    """Central finite differences of loss() with respect to every entry of each matrix (float64)."""
    grads = []
    for matrix in matrices:
        grad = np.zeros_like(matrix)
        for index in np.ndindex(*matrix.shape):
            saved = matrix[index]
            matrix[index] = saved + eps
            up = loss()
            matrix[index] = saved - eps
            down = loss()
            matrix[index] = saved
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def problem(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 0.6, (rows, D)).astype(np.float32) for rows in (V, V - 1, V)]  # w_in, syn1, w_out


PATH = (np.array([7, 3, 0], np.int32), np.array([0.0, 1.0, 1.0], np.float32))   # labels = 1 - code


def split(syn1, path, hot):
    """The thread's copy of syn1's last `hot` rows, and the path with its nodes among them as rows of the copy."""
    first = syn1.shape[0] - hot
    local = np.where(path >= first, path - first, path).astype(np.int32)
    return syn1[first:].copy(), local, int((path >= first).sum())


def merged(syn1, hot_rows):
    """syn1 with its last rows replaced by the thread's copy of them (what `sync_hot` leaves)."""
    out = syn1.copy()
    out[out.shape[0] - hot_rows.shape[0]:] = hot_rows
    return out


@pytest.mark.parametrize("hs, targets, hot", [
    (True, [], 0),               # skip-gram with HS alone
    (True, [], 5),               # the same, the path's first two nodes (7, 3) in the thread's copy
    (True, [0, 4, 5, 4], 0),     # HS and NS together; negative 4 drawn twice
    (True, [0, 4, 5, 4], 1),     # ... the root in the copy
    (False, [0, 4, 5], 0),       # NS alone through the same step
])
@pytest.mark.parametrize("contexts", [[1, 2, 3, 2], [6]])  # word 2 twice in the window; a window of one
def test_skipgram_step_is_a_gradient_step(hs, targets, hot, contexts):
    w_in, syn1, w_out = problem()
    contexts, targets = np.array(contexts, np.int32), np.array(targets, np.int32)
    path, path_labels = PATH if hs else (np.zeros(0, np.int32), np.zeros(0, np.float32))
    f64 = [m.astype(np.float64) for m in (w_in, syn1, w_out)]
    expected = gradients(lambda: sg_loss(*f64, contexts, path, path_labels, targets), f64)
    new = [m.copy() for m in (w_in, syn1, w_out)]
    hot_rows, local, n_hot = split(new[1], path, hot)
    labels = np.array([1.0] + [0.0] * max(0, len(targets) - 1), np.float32)
    width = max(len(targets), len(path), 1)
    sg_update(new[0], contexts, len(contexts), new[1], local, path_labels, len(path), new[2], targets, labels,
              len(targets), np.float32(1.0), FINE, np.empty((len(contexts), width), np.float32),
              np.empty((len(contexts), D), np.float32), hot_rows, n_hot)
    assert np.array_equal(new[1][V - 1 - hot:], syn1[V - 1 - hot:])   # the copy moved instead
    new[1] = merged(new[1], hot_rows)
    for before, after, grad in zip((w_in, syn1, w_out), new, expected):
        np.testing.assert_allclose(after - before, -grad, atol=2e-5)
    assert np.abs(expected[0]).max() > 0.1 and np.abs(expected[1 if hs else 2]).max() > 0.1
    untouched = np.setdiff1d(np.arange(V), contexts)
    assert np.array_equal(new[0][untouched], w_in[untouched])


@pytest.mark.parametrize("hs, targets, hot", [(True, [], 0), (True, [], 5), (False, [0, 4, 5, 4], 0),
                                             (True, [0, 4, 8], 0), (True, [0, 4, 8], 8)])
@pytest.mark.parametrize("mean", [True, False])
@pytest.mark.parametrize("contexts", [[1, 2, 3, 2], [6]])
def test_cbow_step_is_gensims_gradient_step(hs, targets, hot, mean, contexts):
    w_in, syn1, w_out = problem(1)
    contexts, targets = np.array(contexts, np.int32), np.array(targets, np.int32)
    path, path_labels = PATH if hs else (np.zeros(0, np.int32), np.zeros(0, np.float32))
    f64 = [m.astype(np.float64) for m in (w_in, syn1, w_out)]
    expected = gradients(lambda: cbow_loss(*f64, contexts, path, path_labels, targets, mean), f64)
    new = [m.copy() for m in (w_in, syn1, w_out)]
    hot_rows, local, n_hot = split(new[1], path, hot)
    labels = np.array([1.0] + [0.0] * max(0, len(targets) - 1), np.float32)
    cbow_update(new[0], contexts, len(contexts), mean, new[1], local, path_labels, len(path), new[2], targets,
                labels, len(targets), np.float32(1.0), FINE, np.empty(D, np.float32), np.empty(D, np.float32),
                np.empty(max(len(targets), len(path), 1), np.float32), hot_rows, n_hot)
    assert np.array_equal(new[1][V - 1 - hot:], syn1[V - 1 - hot:])
    new[1] = merged(new[1], hot_rows)
    count = len(contexts)
    scale = count if mean else 1.0 / count      # what word2vec.c and gensim give each context row
    np.testing.assert_allclose(new[0] - w_in, -scale * expected[0], atol=2e-5)
    np.testing.assert_allclose(new[1] - syn1, -expected[1], atol=2e-5)
    np.testing.assert_allclose(new[2] - w_out, -expected[2], atol=2e-5)
    assert np.abs(expected[0]).max() > 0.02 and np.abs(expected[1 if hs else 2]).max() > 0.05
