"""The native engine: its gradient, its random draws, its corpus encoding and its hooks.

The kernels compile on first use (numba caches them, so later runs load them in well under a
second); the tests keep the problems tiny.
"""

import threading

import numpy as np
import pytest

from embedkit.train import Vocab
from embedkit.train.engines import native
from embedkit.train.engines.native_kernels import (
    MAX_EXP,
    alias_table,
    block_update,
    draw_many,
    sigmoid_table,
    train_piece,
)
from embedkit.train import SkipGramConfig, TrainingInterrupted, train_skipgram

SMALL = dict(vector_size=16, window=3, min_count=1, sample=0, negative=4, epochs=2, workers=1, seed=5)


def block_loss(w_in, w_out, contexts, targets):
    """sum over context b and target t of -log sigmoid(+-v_b . u_t), float64; target 0 is positive."""
    logits = w_in[contexts] @ w_out[targets].T                       # (B, T)
    signs = np.where(np.arange(len(targets)) == 0, 1.0, -1.0)        # (T,)
    return float(np.logaddexp(0.0, -logits * signs).sum())


def numerical_gradient(w_in, w_out, contexts, targets, eps=1e-6):
    grads = []
    for matrix in (w_in, w_out):
        grad = np.zeros_like(matrix)
        for index in np.ndindex(*matrix.shape):
            saved = matrix[index]
            matrix[index] = saved + eps
            up = block_loss(w_in, w_out, contexts, targets)
            matrix[index] = saved - eps
            down = block_loss(w_in, w_out, contexts, targets)
            matrix[index] = saved
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


FINE = sigmoid_table(4_000_000)  # sigmoid to within 2e-6: the update is then the exact gradient


@pytest.mark.parametrize("contexts, targets", [
    ([1, 2, 3, 2], [0, 4, 5, 4]),    # word 2 twice in the window, negative 4 drawn twice
    ([1, 2, 6], [0, 4, 5, 3, 6]),    # odd sizes: the kernel works on rows two at a time
    ([3], [0]),
])
def test_block_update_is_a_gradient_step_on_the_block_loss(contexts, targets):
    """With lr = 1 the kernel's update of both matrices is minus the loss gradient, checked
    against central finite differences in float64; repeated words must accumulate."""
    rng = np.random.default_rng(0)
    w_in = rng.normal(0, 0.6, (7, 5)).astype(np.float32)
    w_out = rng.normal(0, 0.6, (7, 5)).astype(np.float32)
    contexts, targets = np.array(contexts, np.int32), np.array(targets, np.int32)
    grad_in, grad_out = numerical_gradient(w_in.astype(np.float64), w_out.astype(np.float64),
                                           contexts, targets)
    new_in, new_out = w_in.copy(), w_out.copy()
    block_update(new_in, new_out, contexts, len(contexts), targets, len(targets), np.float32(1.0), FINE,
                 np.empty((len(contexts), len(targets)), np.float32), np.empty((len(contexts), 5), np.float32))
    np.testing.assert_allclose(new_in - w_in, -grad_in, atol=2e-5)
    np.testing.assert_allclose(new_out - w_out, -grad_out, atol=2e-5)
    untouched = np.setdiff1d(np.arange(7), contexts)
    assert np.abs(grad_in).max() > 0.1 and np.all(new_in[untouched] == w_in[untouched])


def test_sigmoid_table_is_close_to_sigmoid_and_saturates():
    from embedkit.train.engines.native_kernels import sigmoid

    table = sigmoid_table()
    x = np.linspace(-8, 8, 20_001).astype(np.float32)
    looked_up = np.array([sigmoid(v, table) for v in x])
    exact = 1 / (1 + np.exp(-x.astype(np.float64)))
    inside = np.abs(x) < MAX_EXP
    assert np.abs(looked_up - exact)[inside].max() < 0.0016
    assert np.all(looked_up[x >= MAX_EXP] == 1) and np.all(looked_up[x <= -MAX_EXP] == 0)
    assert sigmoid(np.nextafter(np.float32(MAX_EXP), np.float32(0)), table) == table[-1]


def test_small_steps_lower_the_block_loss():
    rng = np.random.default_rng(1)
    w_in = rng.normal(0, 0.5, (6, 8)).astype(np.float32)
    w_out = rng.normal(0, 0.5, (6, 8)).astype(np.float32)
    contexts, targets = np.array([1, 2], np.int32), np.array([0, 3, 4], np.int32)
    before = block_loss(w_in, w_out, contexts, targets)
    for _ in range(20):
        block_update(w_in, w_out, contexts, 2, targets, 3, np.float32(0.05), sigmoid_table(),
                     np.empty((2, 3), np.float32), np.empty((2, 8), np.float32))
    assert block_loss(w_in, w_out, contexts, targets) < 0.8 * before


def test_alias_table_represents_the_distribution_exactly():
    counts = np.array([1000, 300, 300, 50, 7, 7, 1, 1], dtype=np.float64)
    p = counts ** 0.75 / (counts ** 0.75).sum()
    thresholds, aliases = alias_table(p)
    stay = thresholds / 2.0 ** 32                                        # P(slot i yields i)
    represented = stay + np.bincount(aliases, weights=1.0 - stay, minlength=len(p))
    np.testing.assert_allclose(represented / len(p), p, atol=1e-9)


def test_noise_draws_follow_unigram_to_the_three_quarters():
    vocab = Vocab([f"w{i}" for i in range(50)], np.round(1e5 / np.arange(1, 51) ** 1.1) + 1)
    p = vocab.noise_distribution()
    draws = draw_many(7, 400_000, *alias_table(p))
    observed = np.bincount(draws, minlength=len(p))
    expected = p * draws.size
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    assert chi2 < 100  # 49 degrees of freedom: P(chi2 > 100) < 1e-5 when the draws are right
    assert not np.array_equal(draws[:1000], draw_many(8, 1000, *alias_table(p)))


def encoded_corpus(tmp_path, lines, vocab):
    path = tmp_path / "tokens.txt"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return native.encode(path, vocab, tmp_path)


@pytest.mark.parametrize("batch", [1 << 20, 3])  # 3: the files are appended to many times
def test_encoding_drops_unknown_words_but_counts_them(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(native, "ENCODE_BATCH", batch)
    vocab = Vocab(["a", "b"], [5, 3])
    corpus = encoded_corpus(tmp_path, ["a x b", "", "y y", "b a a"], vocab)
    assert corpus.ids.tolist() == [0, 1, 1, 0, 0]
    assert corpus.starts.tolist() == [0, 2, 2, 2, 5]
    assert corpus.raw_before.tolist() == [0, 3, 3, 5, 8]
    assert corpus.total_words == 8 and not corpus.ids.flags.writeable
    assert corpus.pieces(words=4) == [(0, 2), (2, 4)]  # cut at the sentence holding word 4
    assert corpus.pieces(words=100) == [(0, 4)]


def run_piece(corpus, keep, config, seed=1):
    w_in, w_out = native.initial_vectors(2, config.vector_size, 0)
    kernel = native._Kernel(corpus, w_in, w_out, native.keep_thresholds(keep),
                            *alias_table(np.array([0.5, 0.5])), config)
    return kernel(0, corpus.sentences, 0, native.piece_seed(seed, 0, 0), kernel.scratch())


def test_subsampling_keeps_words_at_their_keep_probability(tmp_path):
    """Every kept word of a long sentence is trained as a center word exactly once."""
    vocab = Vocab(["a", "b"], [3, 1])
    corpus = encoded_corpus(tmp_path, ["a a a b " * 2500], vocab)       # 7500 a, 2500 b
    config = SkipGramConfig(**dict(SMALL, vector_size=4))
    assert run_piece(corpus, np.array([1.0, 1.0]), config) == 10_000
    trained = run_piece(corpus, np.array([0.2, 1.0]), config)
    assert abs(trained - (0.2 * 7500 + 2500)) < 5 * np.sqrt(7500 * 0.2 * 0.8)
    assert run_piece(corpus, np.array([0.0, 0.0]), config) == 0


class RecordingMonitor:
    def __init__(self):
        self.calls = []
        self.engine_info = {}

    def say(self, line):
        self.calls.append(("say", line))

    def start(self, w_in, w_out):
        self.calls.append(("start",))

    def progress(self, epoch, words):
        self.calls.append(("progress", epoch, words))

    def end_epoch(self, epoch, w_in, w_out):
        self.calls.append(("end", epoch))


def test_engine_reports_start_progress_and_epoch_ends(planted_file, monkeypatch, tmp_path):
    from embedkit.train import Corpus
    from embedkit.train.prepare import prepare

    monkeypatch.setattr(native, "PIECE_WORDS", 500)
    path, _ = planted_file
    config = SkipGramConfig(**dict(SMALL, epochs=3, workers=2))
    prepared = prepare(Corpus(path), config, tmp_path)
    monitor = RecordingMonitor()
    w_in, w_out = native.train(prepared, config, monitor)
    kinds = [c[0] for c in monitor.calls if c[0] != "say"]
    assert kinds[0] == "start" and [c[1] for c in monitor.calls if c[0] == "end"] == [0, 1, 2]
    for epoch in range(3):
        words = [c[2] for c in monitor.calls if c[0] == "progress" and c[1] == epoch]
        assert words == sorted(words) and words[-1] == prepared.total_words
    assert kinds.index("end") > kinds.index("progress")
    assert {"compile_seconds", "encode_seconds"} <= set(monitor.engine_info)
    assert w_in.dtype == w_out.dtype == np.float32 and w_in.shape == (len(prepared.vocab), 16)
    assert len(train_piece.signatures) == 1  # the warm-up compiled exactly what training ran


def test_meta_records_compile_time(planted):
    vectors = train_skipgram(planted[0], SkipGramConfig(engine="native", **SMALL), progress=False)
    assert vectors.meta["engine"] == "native" and vectors.meta["compile_seconds"] >= 0
    assert vectors.meta["kernels"] in ("compiled", "loaded from cache", "already loaded")


def test_ctrl_c_stops_the_worker_threads(planted, monkeypatch):
    from embedkit.train.monitor import Monitor

    def interrupt(self, epoch, words):
        raise KeyboardInterrupt

    monkeypatch.setattr(Monitor, "progress", interrupt)
    with pytest.raises(TrainingInterrupted, match="after 0 of"):
        train_skipgram(planted[0], SkipGramConfig(engine="native", **dict(SMALL, workers=2)), progress=False)
    assert not [t for t in threading.enumerate() if t.name.startswith("embedkit-native")]
