"""Where training starts: the output weights a model keeps, the Huffman nodes carried to a new tree,
the gensim engine's tree mapped to embedkit's, continued training and given vectors in the library."""

from __future__ import annotations

import numpy as np
import pytest

from embedkit import io
from embedkit.train import Corpus, SkipGramConfig, train_skipgram
from embedkit.train.engines.family import FamilyLoss, FamilyOptions, FamilyWeights, hs_loss
from embedkit.train.huffman import huffman_tree
from embedkit.train.resume import carry_inner_nodes
from embedkit.vectors import Vectors

SMALL = dict(vector_size=12, window=3, min_count=1, sample=0, epochs=3, workers=1, seed=2)


def path_probabilities(tree, syn1, h, words):
    """exp(-HS loss) of each word from the same hidden vectors: what the nodes decide."""
    return np.exp(-hs_loss(np.repeat(h[None], len(words), 0), syn1.astype(np.float64), tree, np.array(words)))


def test_carried_nodes_make_the_same_decisions_on_the_same_tree():
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 50, 30)
    tree = huffman_tree(counts)
    syn1 = rng.normal(size=(tree.inner_nodes, 5)).astype(np.float32)
    carried, same = carry_inner_nodes(tree, syn1, tree, 30)
    assert same == tree.inner_nodes
    np.testing.assert_array_equal(carried, syn1)


def test_nodes_of_a_reshaped_tree_keep_their_decision_between_old_words():
    """Words 0..3 keep their counts, word 4 is new: on old words the carried nodes split as before."""
    old, new = huffman_tree([8, 4, 2, 1]), huffman_tree([8, 4, 2, 1, 20])
    rng = np.random.default_rng(1)
    syn1 = rng.normal(size=(old.inner_nodes, 6)).astype(np.float32)
    carried, same = carry_inner_nodes(old, syn1, new, 4)
    assert same == 3  # every old node: the new word sits above them all
    h = rng.normal(size=6)
    # the new root only decides between the new word and the rest; below it, the old tree
    rest = path_probabilities(new, carried, h, [0, 1, 2, 3]) / path_probabilities(new, carried, h, [0]).sum()
    before = path_probabilities(old, syn1, h, [0, 1, 2, 3]) / path_probabilities(old, syn1, h, [0]).sum()
    np.testing.assert_allclose(rest, before, rtol=1e-6)


def test_a_swapped_node_is_negated_and_an_unknown_one_is_zero():
    old, new = huffman_tree([5, 3, 2, 1]), huffman_tree([5, 3, 2, 1, 1])
    carried, same = carry_inner_nodes(old, np.eye(3, dtype=np.float32), new, 4)
    # new node 1 splits {2} | {3}, old node 0 split {3} | {2}; new node 0 splits {4} | {3}: unknown
    assert same == 3 and carried[1].tolist() == [-1, 0, 0] and not carried[0].any()


def test_gensims_tree_maps_onto_embedkits_node_for_node(planted):
    """gensim orders tied words its own way, so its tree can differ from embedkit's where counts tie
    (both optimal); the nodes that agree carry over, and every word whose path is made of them
    keeps its path loss."""
    from gensim.models import Word2Vec

    from embedkit.train import Vocab
    from embedkit.train.engines.gensim import gensim_tree

    sentences, _ = planted
    vocab = Vocab.build(sentences, min_count=1)
    model = Word2Vec(vector_size=6, hs=1, negative=0, min_count=1)
    model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())))
    rows = np.array([model.wv.key_to_index[w] for w in vocab.words])
    theirs, ours = gensim_tree(model, rows), huffman_tree(vocab.counts)
    rng = np.random.default_rng(0)
    syn1 = rng.normal(size=(ours.inner_nodes, 6)).astype(np.float32)
    carried, same = carry_inner_nodes(theirs, syn1, ours, len(vocab))
    assert ours.inner_nodes > same >= ours.inner_nodes // 2
    whole = [w for w in range(len(vocab)) if carried[ours.point(w)].any(axis=1).all()]
    assert len(whole) >= 4
    h = rng.normal(size=(len(whole), 6))
    np.testing.assert_allclose(hs_loss(h, carried.astype(np.float64), ours, np.array(whole)),
                               hs_loss(h, syn1.astype(np.float64), theirs, np.array(whole)), rtol=1e-6)


def test_the_gensim_engine_keeps_hs_weights(planted, tmp_path):
    config = SkipGramConfig(**SMALL, engine="gensim", hs=True, negative=0)
    vectors = train_skipgram(Corpus(planted[0]), config, progress=False, workdir=tmp_path)
    assert set(vectors.state) == {"syn1"} and vectors.state["syn1"].shape == (len(vectors) - 1, 12)
    assert np.abs(vectors.state["syn1"]).sum() > 0


def test_the_gensim_engine_measures_each_modes_loss(planted, tmp_path):
    sentences, _ = planted
    for extra in (dict(sg=False), dict(hs=True, negative=0), dict(sg=False, hs=True)):
        config = SkipGramConfig(**SMALL, engine="gensim", **extra)
        vectors = train_skipgram(Corpus(sentences), config, progress=False, workdir=tmp_path)
        losses = vectors.meta["epoch_loss"]
        assert losses[-1] < losses[0] < vectors.meta["initial_loss"], (extra, losses)


def test_saved_state_round_trips_memory_mapped(tmp_path):
    state = {"syn1neg": np.arange(6, dtype=np.float32).reshape(3, 2), "syn1": np.ones((2, 2), np.float32)}
    vectors = Vectors(["a", "b", "c"], np.zeros((3, 2)), [3, 2, 1], state=state)
    io.save(vectors, tmp_path / "v.ekv")
    back = io.load(tmp_path / "v.ekv")
    assert set(back.state) == {"syn1neg", "syn1"} and isinstance(back.state["syn1"], np.memmap)
    np.testing.assert_array_equal(back.state["syn1neg"], state["syn1neg"])
    assert not io.load(tmp_path / "v.ekv", mmap=False).state["syn1"].flags.writeable is False
    assert back.take([0, 1]).state == {}   # a subset is not a model to continue


def test_a_state_of_the_wrong_shape_is_a_format_error(tmp_path):
    from embedkit.errors import FormatError

    vectors = Vectors(["a", "b"], np.zeros((2, 2)), [2, 1], state={"syn1neg": np.zeros((2, 2), np.float32)})
    io.save(vectors, tmp_path / "v.ekv")
    np.save(tmp_path / "v.ekv" / "syn1neg.npy", np.zeros((3, 2), np.float32))
    with pytest.raises(FormatError, match=r"syn1neg.npy: holds a \(3, 2\) matrix, meta.json says \(2, 2\)"):
        io.load(tmp_path / "v.ekv")


def test_resume_in_the_library_continues_where_the_model_stopped(planted, tmp_path):
    """One more epoch at a tiny learning rate: the vectors and the loss stay where they were."""
    sentences, _ = planted
    config = SkipGramConfig(**SMALL, sg=False, hs=True)
    model = train_skipgram(Corpus(sentences), config, progress=False, workdir=tmp_path)
    io.save(model, tmp_path / "m.ekv")
    model = io.load(tmp_path / "m.ekv")
    again = SkipGramConfig(**dict(SMALL, epochs=1), sg=False, hs=True, alpha=1e-7, min_alpha=1e-7)
    after = train_skipgram(Corpus(sentences), again, progress=False, workdir=tmp_path, resume=model)
    np.testing.assert_allclose(after.matrix, model.matrix, atol=1e-4)
    assert after.meta["initial_loss"] == pytest.approx(model.meta["epoch_loss"][-1], rel=0.02)
    assert after.counts.tolist() == (2 * model.counts).tolist()


def test_resume_and_init_together_are_refused(planted, tmp_path):
    from embedkit.errors import EmbedkitError

    vectors = Vectors(["a"], np.zeros((1, 12)))
    with pytest.raises(EmbedkitError, match="^give resume"):
        train_skipgram(Corpus(planted[0]), SkipGramConfig(**SMALL), resume=vectors, init=vectors)


def test_family_loss_reads_the_weights_it_is_given(planted, tmp_path):
    """FamilyLoss with a tree given from outside (the gensim engine's) uses that tree's points."""
    from embedkit.train.engines import native
    from embedkit.train.prepare import prepare

    config = SkipGramConfig(**SMALL, hs=True, negative=0)
    prepared = prepare(Corpus(planted[0]), config, tmp_path)
    corpus = native.encode(prepared.path, prepared.vocab, tmp_path)
    tree = huffman_tree(prepared.vocab.counts)
    loss = FamilyLoss(prepared, corpus, config, FamilyOptions(hs=True), tree)
    w_in = np.random.default_rng(0).normal(size=(len(prepared.vocab), 12)).astype(np.float32)
    zero = FamilyWeights(w_in, None, np.zeros((tree.inner_nodes, 12), np.float32), tree)
    depth = np.diff(tree.offsets)[loss.words].mean()
    assert loss(w_in, zero) == pytest.approx(depth * np.log(2))
