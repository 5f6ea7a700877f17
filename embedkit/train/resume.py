"""Where training starts: word2vec's random start, a model embedkit trained (continued training),
or any given vectors.

Continued training (`train_skipgram(..., resume=model)`) needs what the model's `.ekv` folder
keeps: its words, input vectors and counts (vectors.npy, vocab.tsv), its config (meta.json)
and its output weights (`Vectors.state`: syn1neg.npy for negative sampling, syn1.npy for
hierarchical softmax). The vocabulary is the model's words, in their order and with their
counts raised by the new corpus's, followed by the new corpus's words that the vocabulary rules
keep (`vocab.VocabRules` with `base`). Then:

* input vectors: the model's for its words; word2vec's random start for new words;
* negative-sampling output vectors: the model's for its words, zero for new words (word2vec's
  start); zero for all when the model has none (it was trained without negative sampling);
* hierarchical softmax: the Huffman tree is rebuilt from the new counts, so its inner nodes
  change. An inner node of the new tree keeps the output vector of the old node that makes the
  same decision: the same two groups of the model's words on its two sides (the vector negated
  when the sides are swapped), new words left out of the comparison; other nodes start at zero.

Given vectors (`init=vectors`, e.g. GloVe) replace the random start of the input vectors of the
words they hold; every output weight starts at zero, as in word2vec.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import EmbedkitError
from ..vectors import Vectors
from .vocab import Vocab

STATE = ("syn1neg", "syn1")   # the output weights a trained model keeps, by their gensim names


@dataclass(eq=False)
class StartWeights:
    """The weights training starts from, rows in the training vocabulary's order.

    Attributes:
        w_in: (V, D) float32 input vectors.
        syn1neg: (V, D) float32 negative-sampling output vectors, or None (zero).
        syn1: (V - 1, D) float32 hierarchical-softmax output vectors of the tree of the
            vocabulary's counts, or None (zero).
        description: what they came from, for the messages and the metadata.
        carried: how many words (and inner nodes) kept their vectors, for the messages.
    """

    w_in: np.ndarray
    syn1neg: np.ndarray | None
    syn1: np.ndarray | None
    description: str
    carried: dict


def model_vocab(model: Vectors, source: str) -> Vocab:
    """The vocabulary of a model to continue: its words and counts, in its order.

    Raises:
        EmbedkitError: the vectors carry no counts, or no config, so embedkit did not train them.
    """
    config = model.meta.get("config")
    if model.counts is None or not isinstance(config, dict) or model.is_sparse:
        raise EmbedkitError(f"{source}: not a model embedkit trained (no counts or config); "
                            "--init starts from any vectors")
    return Vocab(model.words, model.counts, int(model.counts.sum()))


def check_model(model: Vectors, config, source: str) -> None:
    """Refuse to continue `model` with a config it cannot continue with.

    Raises:
        EmbedkitError: another vector size, a model with subwords, or a model whose output weights
            were not kept.
    """
    model_vocab(model, source)
    if getattr(model, "subwords", None) is not None:
        raise EmbedkitError(f"{source}: a model with subwords (character n-grams); continued training "
                            "continues whole-word models only")
    if config.vector_size != model.dim:
        raise EmbedkitError(f"{source}: the model's vectors have {model.dim} dimensions, "
                            f"vector-size is {config.vector_size}")
    if not any(name in model.state for name in STATE):
        raise EmbedkitError(f"{source}: holds no output weights (syn1neg.npy, syn1.npy), so training "
                            "cannot continue it; was it written by an older embedkit or a checkpoint "
                            "of another format? --init starts from its vectors instead")


def start_from_model(model: Vectors, vocab: Vocab, config, options, source: str) -> StartWeights:
    """The start of continued training: `model`'s weights for its words, `vocab` its words first.

    Args:
        model: the trained model (`io.load` of its .ekv folder).
        vocab: the training vocabulary: the model's words first, in their order.
        config: the `SkipGramConfig` of this run (vector_size, negative, seed).
        options: its `engines.family.FamilyOptions` (hs).
        source: the model's name, for messages.

    Returns:
        StartWeights.
    """
    from .engines.native import initial_vectors

    old = len(model)
    if vocab.words[:old] != model.words:
        raise EmbedkitError(f"{source}: internal error: the vocabulary does not start with the model's words")
    w_in, _ = initial_vectors(len(vocab), config.vector_size, config.seed)
    w_in[:old] = model.matrix
    carried = {"words": old, "new words": len(vocab) - old}
    syn1neg = None
    if config.negative > 0 and "syn1neg" in model.state:
        syn1neg = np.zeros((len(vocab), config.vector_size), np.float32)
        syn1neg[:old] = model.state["syn1neg"]
    syn1 = None
    if options.hs and "syn1" in model.state:
        from .huffman import huffman_tree

        old_tree = huffman_tree(model.counts)
        new_tree = huffman_tree(vocab.counts)
        syn1, same = carry_inner_nodes(old_tree, np.asarray(model.state["syn1"]), new_tree, old)
        carried["inner nodes"] = f"{same:,} of {new_tree.inner_nodes:,}"
    return StartWeights(w_in, syn1neg, syn1, f"continued {source}", carried)


def start_from_vectors(vectors: Vectors, vocab: Vocab, config, source: str) -> StartWeights:
    """Input vectors of `vectors` for the words of `vocab` they hold, word2vec's start for the rest.

    Raises:
        EmbedkitError: their dimension is not the config's vector size, or they hold none of the words.
    """
    from .engines.native import initial_vectors

    if vectors.dim != config.vector_size:
        raise EmbedkitError(f"{source}: its vectors have {vectors.dim} dimensions, vector-size is "
                            f"{config.vector_size}")
    w_in, _ = initial_vectors(len(vocab), config.vector_size, config.seed)
    index = vectors.index
    found = np.array([index.get(w, -1) for w in vocab.words], dtype=np.int64)
    rows = np.flatnonzero(found >= 0)
    if not rows.size:
        raise EmbedkitError(f"{source}: holds none of the corpus's {len(vocab):,} words")
    matrix = vectors.matrix
    w_in[rows] = matrix[found[rows]].toarray() if hasattr(matrix, "toarray") else matrix[found[rows]]
    carried = {"words": int(rows.size), "new words": len(vocab) - int(rows.size)}
    return StartWeights(w_in, None, None, f"vectors of {source}", carried)


def carry_inner_nodes(old, old_syn1: np.ndarray, new,
                      old_words: int) -> tuple[np.ndarray, int]:
    """HS output vectors for tree `new` from those of tree `old`, node by node where they agree.

    `old`, `new`: `huffman.HuffmanTree`s. Words 0..old_words-1 are the same in both trees (the new tree may have more). An inner node
    is told by the two sets of old words below its two branches; a new node with the same two
    sets as an old one takes its vector, negated when the branches are swapped (the decision
    sigmoid(x) read the other way is sigmoid(-x)); every other node starts at zero.

    Returns:
        ((new.inner_nodes, D) float32, how many nodes took a vector).

    Example:
        >>> from embedkit.train.huffman import huffman_tree
        >>> tree = huffman_tree([5, 3, 2, 1])
        >>> syn1, same = carry_inner_nodes(tree, np.eye(3, dtype=np.float32), huffman_tree([5, 3, 2, 1, 1]), 4)
        >>> same, syn1[1].tolist()    # the node of words 2 and 3, its branches swapped: negated
        (3, [-1.0, -0.0, -0.0])
    """
    rng = np.random.default_rng(0x5EED)
    labels = rng.integers(1, 2**63, size=old_words, dtype=np.int64).astype(np.uint64)   # a random tag per word
    old_sides = _sides(old, labels, old_words)
    new_sides = _sides(new, labels, old_words)
    where = {(int(a), int(b)): (p, 1.0) for p, (a, b) in enumerate(old_sides) if a and b}
    where.update({(int(b), int(a)): (p, -1.0) for p, (a, b) in enumerate(old_sides) if a and b})
    syn1 = np.zeros((new.inner_nodes, old_syn1.shape[1]), np.float32)
    same = 0
    for p, (a, b) in enumerate(new_sides):
        found = where.get((int(a), int(b)))
        if found is not None:
            syn1[p] = found[1] * old_syn1[found[0]]
            same += 1
    return syn1, same


def _sides(tree, labels: np.ndarray, old_words: int) -> np.ndarray:
    """(inner nodes, 2) uint64: per node and branch, the sum (mod 2^64) of the tags of the old words below."""
    depth = np.diff(tree.offsets)[:old_words]
    tags = np.repeat(labels, depth)                                    # one per (word, step) of old words
    end = int(tree.offsets[old_words])
    sides = np.zeros((tree.inner_nodes, 2), np.uint64)
    np.add.at(sides, (tree.points[:end].astype(np.int64), tree.codes[:end].astype(np.int64)), tags)
    return sides
