"""The family engine: every mode recovers planted groups, is deterministic, refuses bad combinations.

Tiny problems: the kernels compile once per machine (numba's cache), then load in well under a second.
"""

import numpy as np
import pytest

from embedkit.train import Corpus, Vocab
from embedkit.train.engines import native
from embedkit.train.engines.family import (
    FamilyLoss,
    FamilyOptions,
    FamilyWeights,
    cbow_windows,
    hs_loss,
    train,
    train_family,
)
from embedkit.train.engines.family_kernels import train_piece_cbow, train_piece_sg
from embedkit.train.engines.native_kernels import alias_table, sigmoid_table, train_piece
from embedkit.errors import EmbedkitError
from embedkit.train.huffman import huffman_tree
from embedkit.train.monitor import Monitor
from embedkit.train import SkipGramConfig
from embedkit.train.prepare import prepare

SMALL = dict(vector_size=24, window=3, min_count=1, sample=0, negative=5, epochs=8, workers=1, seed=3)
MODES = {  # name: (options, negative)
    "sg-hs": (FamilyOptions(sg=True, hs=True), 0),
    "sg-ns+hs": (FamilyOptions(sg=True, hs=True), 5),
    "cbow-ns mean": (FamilyOptions(sg=False), 5),
    "cbow-ns sum": (FamilyOptions(sg=False, cbow_mean=False), 5),
    "cbow-hs": (FamilyOptions(sg=False, hs=True), 0),
    "cbow-ns+hs": (FamilyOptions(sg=False, hs=True), 5),
    "sg-ns no shrink": (FamilyOptions(shrink_windows=False), 5),
}


def run(sentences, tmp_path, options, **overrides):
    config = SkipGramConfig(**dict(SMALL, **overrides))
    prepared = prepare(Corpus(sentences), config, tmp_path)
    monitor = Monitor(prepared, config, progress=False)
    return prepared, monitor, train_family(prepared, config, monitor, options)


def nearest(vocab, matrix, word, k):
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    scores = unit @ unit[vocab.index[word]]
    scores[vocab.index[word]] = -np.inf
    return {vocab.words[i] for i in np.argsort(-scores)[:k]}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_planted_groups_are_recovered_and_the_loss_falls(planted, tmp_path, mode):
    sentences, groups = planted
    options, negative = MODES[mode]
    prepared, monitor, weights = run(sentences, tmp_path, options, negative=negative)
    for group in groups:
        for word in group:
            assert nearest(prepared.vocab, weights.w_in, word, len(group) - 1) == set(group) - {word}
    losses = monitor.epoch_losses
    assert len(losses) == SMALL["epochs"] and losses[-1] < losses[0] < monitor.initial_loss
    assert monitor.engine_info["mode"] == options.mode(negative)
    assert (weights.syn1 is not None) == options.hs and (weights.syn1neg is not None) == (negative > 0)
    if options.hs:
        assert weights.syn1.shape == (len(prepared.vocab) - 1, SMALL["vector_size"])


def test_initial_hs_loss_is_depth_times_log_two(planted, tmp_path):
    """Zero output vectors make every decision on a path cost log 2."""
    prepared, monitor, weights = run(planted[0], tmp_path, FamilyOptions(hs=True), negative=0, epochs=1)
    tree, centers = weights.tree, prepared.loss_sample.outputs
    depth = (tree.offsets[centers + 1] - tree.offsets[centers]).mean()
    assert monitor.initial_loss == pytest.approx(depth * np.log(2), rel=1e-12)


@pytest.mark.parametrize("mode", ["sg-hs", "cbow-ns+hs", "cbow-ns sum"])
def test_one_worker_and_a_seed_give_identical_vectors(planted_file, tmp_path, mode):
    path, _ = planted_file
    options, negative = MODES[mode]
    vectors = []
    for seed, folder in ((3, "a"), (3, "b"), (4, "c")):
        (tmp_path / folder).mkdir()
        vectors.append(run(path, tmp_path / folder, options, negative=negative, epochs=2, seed=seed)[2].w_in)
    assert np.array_equal(vectors[0], vectors[1]) and not np.array_equal(vectors[0], vectors[2])


def test_two_workers_train_every_mode(planted, tmp_path, monkeypatch):
    monkeypatch.setattr(native, "PIECE_WORDS", 500)
    sentences, groups = planted
    prepared, _, weights = run(sentences, tmp_path, MODES["cbow-ns+hs"][0], workers=2)
    assert nearest(prepared.vocab, weights.w_in, groups[0][0], 5) == set(groups[0][1:])


def test_bad_combinations_are_refused_with_one_line(planted, tmp_path):
    with pytest.raises(EmbedkitError) as error:
        run(planted[0], tmp_path, FamilyOptions(hs=False), negative=0)
    assert str(error.value) == "negative 0 needs hs (hierarchical softmax): with neither, nothing is trained"
    with pytest.raises(EmbedkitError, match=r"^negative must be 0 or more, got -2$"):
        FamilyOptions(hs=True).check(-2)
    with pytest.raises(EmbedkitError, match=r"^ns-exponent must be a finite number, got nan$"):
        FamilyOptions(ns_exponent=float("nan")).check(5)
    FamilyOptions(hs=True).check(0)


def test_options_come_from_config_fields_with_gensims_names():
    class Config:
        sg, hs, cbow_mean = 0, 1, 0

    assert FamilyOptions.from_config(Config()) == FamilyOptions(sg=False, hs=True, cbow_mean=False)
    assert FamilyOptions.from_config(SkipGramConfig()) == FamilyOptions()
    assert [FamilyOptions(sg=s, hs=h).mode(n) for s, h, n in ((1, 0, 5), (1, 1, 0), (0, 1, 5))] == \
        ["sg-ns", "sg-hs", "cbow-ns+hs"]


class RecordingMonitor:
    """No loss_function: the engine reports plain matrices, as the engine interface says."""

    def __init__(self):
        self.outputs = []

    def say(self, line):
        pass

    def start(self, w_in, w_out):
        self.outputs.append(w_out)

    def progress(self, epoch, words):
        pass

    def end_epoch(self, epoch, w_in, w_out):
        self.outputs.append(w_out)


def test_engine_interface_returns_matrices(planted, tmp_path):
    config = SkipGramConfig(**dict(SMALL, epochs=1, negative=0))
    config.sg, config.hs = 0, 1  # fields the config does not declare yet are read by name
    prepared = prepare(Corpus(planted[0]), config, tmp_path)
    monitor = RecordingMonitor()
    w_in, w_out = train(prepared, config, monitor)
    assert w_in.shape == (len(prepared.vocab), 24) and w_out.shape == (len(prepared.vocab) - 1, 24)
    assert all(isinstance(o, np.ndarray) for o in monitor.outputs) and len(monitor.outputs) == 2


def test_hs_loss_on_a_hand_example():
    tree = huffman_tree([5, 3, 2, 1])         # word 1: codes 1, 0 at inner nodes 2, 1
    syn1 = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 2.0]])
    h = np.array([[1.0, 1.0]])
    expected = np.logaddexp(0, 2.0) + np.logaddexp(0, -0.5)  # code 1: -log sigmoid(-x); code 0: -log sigmoid(x)
    assert hs_loss(h, syn1, tree, np.array([1]))[0] == pytest.approx(expected, abs=1e-12)


def encoded(tmp_path, lines, vocab):
    path = tmp_path / "tokens.txt"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return native.encode(path, vocab, tmp_path)


def test_cbow_loss_windows_stay_in_their_sentence(tmp_path):
    vocab = Vocab(["a", "b", "c", "d"], [4, 3, 2, 1])
    corpus = encoded(tmp_path, ["a b c d", "d", "c b"], vocab)
    config = SkipGramConfig(window=2, sample=0, loss_pairs=200)
    contexts, counts, centers = cbow_windows(corpus, vocab, config, FamilyOptions(shrink_windows=False),
                                             np.random.default_rng(0))
    full = {0: [1, 2], 1: [0, 2, 3], 2: [0, 1, 3], 3: [1, 2]}  # the windows of "a b c d"; "c b" gives [2], [1]
    assert len(centers) == 200 and (counts == (contexts >= 0).sum(axis=1)).all()
    for row, count, center in zip(contexts, counts, centers):
        got = sorted(row[:count].tolist())
        assert got in (sorted(full[center]), [2] if center == 1 else None, [1] if center == 2 else None)


def piece(function, corpus, config, extra=(), keep=(0.5, 1.0, 1.0, 1.0), seed=1):
    w_in, w_out = native.initial_vectors(4, config.vector_size, 0)
    scratch = (np.empty(64, np.int32), np.empty(2 * config.window, np.int32), np.empty(1 + config.negative, np.int32),
               np.empty((2 * config.window, max(3, 1 + config.negative)), np.float32),
               np.empty((2 * config.window, config.vector_size), np.float32))
    trained = function(corpus.ids, corpus.starts, corpus.raw_before, 0, corpus.sentences, w_in, w_out,
                       native.keep_thresholds(np.array(keep)), *alias_table(np.full(4, 0.25)), sigmoid_table(),
                       config.window, config.negative, 0.025, 0.0001, 0, corpus.total_words,
                       native.piece_seed(seed, 0, 0), *scratch, *extra)
    return trained, w_in, w_out


def tree_arguments(counts, hs, shrink, dim=8, negative=4, hot=0, period=1024):
    tree = huffman_tree(counts)
    return (np.full((3, dim), 0.1, np.float32), tree.offsets, tree.codes, tree.points, hs, shrink,
            np.empty(1 + negative, np.float32), np.empty(3, np.int32), np.empty(3, np.float32),
            np.empty((hot, dim), np.float32), np.empty((hot, dim), np.float32), np.array([0, period], np.int64))


CORPUS = ["a b c d a b", "d c", "a a b c d d c b a"] * 20


def test_skipgram_kernel_without_hs_trains_what_the_native_kernel_trains(tmp_path):
    vocab = Vocab(["a", "b", "c", "d"], [4, 3, 2, 1])
    corpus = encoded(tmp_path, CORPUS, vocab)
    config = SkipGramConfig(vector_size=8, window=3, negative=4)
    native_run = piece(train_piece, corpus, config)
    family_run = piece(train_piece_sg, corpus, config, tree_arguments(vocab.counts, False, True))
    assert native_run[0] == family_run[0] > 0
    assert np.array_equal(native_run[1], family_run[1]) and np.array_equal(native_run[2], family_run[2])


@pytest.mark.parametrize("function", [train_piece_sg, train_piece_cbow])
@pytest.mark.parametrize("hot, period", [(1, 1), (2, 7), (3, 10_000)])
def test_a_threads_copy_of_the_heaviest_nodes_trains_what_the_shared_rows_train(tmp_path, function, hot, period):
    """One thread alone: its copy of the top nodes, synced every `period` center words and at the
    end, leaves the weights the shared rows would have (to float32 rounding of the sync's sums)."""
    vocab = Vocab(["a", "b", "c", "d"], [4, 3, 2, 1])
    corpus = encoded(tmp_path, CORPUS, vocab)
    config = SkipGramConfig(vector_size=8, window=3, negative=4)
    cbow = (True,) if function is train_piece_cbow else ()
    runs = []
    for k, every in ((0, 1024), (hot, period)):
        extra = tree_arguments(vocab.counts, True, True, hot=k, period=every) + cbow
        trained, w_in, w_out = piece(function, corpus, config, extra)
        runs.append((trained, w_in, w_out, extra[0]))
    assert runs[0][0] == runs[1][0] > 0
    assert not np.array_equal(runs[0][3], np.full((3, 8), 0.1, np.float32))   # the tree's rows moved
    for plain, copied in zip(runs[0][1:], runs[1][1:]):
        np.testing.assert_allclose(copied, plain, rtol=1e-5, atol=1e-6)


def test_windows_shrink_only_when_asked(tmp_path):
    """HS without subsampling draws nothing but the windows' reach: without shrinking, the seed is irrelevant."""
    vocab = Vocab(["a", "b", "c", "d"], [4, 3, 2, 1])
    corpus = encoded(tmp_path, CORPUS, vocab)
    config = SkipGramConfig(vector_size=8, window=3, negative=0)
    results = {(shrink, seed): piece(train_piece_sg, corpus, config, tree_arguments(vocab.counts, True, shrink, 8, 0),
                                     keep=(1.0,) * 4, seed=seed)[1]
               for shrink in (True, False) for seed in (1, 2)}
    assert np.array_equal(results[False, 1], results[False, 2])
    assert not np.array_equal(results[True, 1], results[True, 2])


def test_loss_negatives_follow_the_noise_exponent(planted, tmp_path):
    options = FamilyOptions(ns_exponent=0.0)
    config = SkipGramConfig(**dict(SMALL, epochs=1, loss_pairs=5000))
    prepared = prepare(Corpus(planted[0]), config, tmp_path)
    corpus = native.encode(prepared.path, prepared.vocab, tmp_path)
    loss = FamilyLoss(prepared, corpus, config, options, None)
    observed = np.bincount(loss.negatives.ravel(), minlength=len(prepared.vocab)) / loss.negatives.size
    assert np.abs(observed - 1 / len(prepared.vocab)).max() < 0.01  # exponent 0: uniform
    assert isinstance(loss(np.zeros((24, 24), np.float32), FamilyWeights(np.zeros((24, 24), np.float32),
                                                                         np.zeros((24, 24), np.float32), None,
                                                                         None)), float)


def test_docstring_examples_run():
    import doctest

    from embedkit.train.engines import family

    result = doctest.testmod(family)
    assert result.failed == 0 and result.attempted >= 1


def test_the_warm_up_compiles_exactly_what_training_runs(planted, tmp_path):
    from embedkit.train.engines import family_kernels

    for name, folder in (("cbow-ns+hs", "a"), ("sg-ns+hs", "b"), ("cbow-ns sum", "c")):
        (tmp_path / folder).mkdir()
        options, negative = MODES[name]
        run(planted[0], tmp_path / folder, options, negative=negative, epochs=1)
    assert len(family_kernels.train_piece_cbow.signatures) == len(family_kernels.train_piece_sg.signatures) == 1
