"""word2vec's Huffman tree: a hand-worked example, gensim's codes, word2vec.c's where no counts tie."""

import numpy as np
import pytest

from embedkit.errors import EmbedkitError
from embedkit.train.huffman import huffman_tree


def test_hand_worked_example():
    """Counts a=5, b=3, c=2, d=1 (word ids 0..3). The heap pops d (1) then c (2): inner node 4 =
    {d: 0, c: 1}, weight 3. Then b (3) and node 4 (3) tie; gensim's heap pops b first: node 5 =
    {b: 0, node 4: 1}, weight 6. Then a (5) and node 5 (6): node 6 = {a: 0, node 5: 1}, the root.
    Inner node k is output row k - 4: root 2, node 5 -> 1, node 4 -> 0. Paths from the root:
    a 0 via [2]; b 1,0 via [2, 1]; c 1,1,1 and d 1,1,0 via [2, 1, 0]."""
    tree = huffman_tree([5, 3, 2, 1])
    assert [tree.code(w).tolist() for w in range(4)] == [[0], [1, 0], [1, 1, 1], [1, 1, 0]]
    assert [tree.point(w).tolist() for w in range(4)] == [[2], [2, 1], [2, 1, 0], [2, 1, 0]]
    assert tree.offsets.tolist() == [0, 1, 3, 6, 9] and tree.inner_nodes == 3 and tree.max_depth == 3
    assert tree.codes.dtype == np.uint8 and tree.points.dtype == np.int32


def gensim_codes(counts):
    """gensim's codes and points for words whose counts are `counts`, from a Word2Vec built with hs=1."""
    from gensim.models import Word2Vec

    rng = np.random.default_rng(0)
    tokens = [f"w{i}" for i, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(tokens)
    model = Word2Vec(vector_size=4, min_count=1, hs=1, negative=0, sg=1, workers=1)
    model.build_vocab([tokens[i:i + 50] for i in range(0, len(tokens), 50)])
    wv = model.wv
    return (np.array([wv.get_vecattr(i, "count") for i in range(len(wv))]),
            [list(wv.expandos["code"][i]) for i in range(len(wv))],
            [list(wv.expandos["point"][i]) for i in range(len(wv))])


@pytest.mark.parametrize("counts", [
    [5, 3, 2, 1],
    [9, 7, 7, 7, 5, 5, 3, 3, 3, 3, 2, 1, 1, 1, 1, 1],   # many ties: gensim's heap order decides
    list(np.random.default_rng(3).integers(1, 40, 300)),
])
def test_equals_gensim(counts):
    gensim_counts, codes, points = gensim_codes(counts)
    tree = huffman_tree(gensim_counts)  # in gensim's word order
    assert [tree.code(w).tolist() for w in range(len(tree))] == codes
    assert [tree.point(w).tolist() for w in range(len(tree))] == points


def word2vec_c_tree(counts):
    """word2vec.c's CreateBinaryTree, transcribed; `counts` sorted from most to least frequent."""
    n = len(counts)
    count = list(counts) + [10 ** 15] * n
    binary, parent = [0] * (2 * n), [0] * (2 * n)
    pos1, pos2 = n - 1, n
    for a in range(n - 1):
        chosen = []
        for _ in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                chosen.append(pos1)
                pos1 -= 1
            else:
                chosen.append(pos2)
                pos2 += 1
        count[n + a] = count[chosen[0]] + count[chosen[1]]
        parent[chosen[0]] = parent[chosen[1]] = n + a
        binary[chosen[1]] = 1
    codes, points = [], []
    for w in range(n):
        code, point, b = [], [], w
        while b != 2 * n - 2:
            code.append(binary[b])
            b = parent[b]
            point.append(b - n)
        codes.append(code[::-1])
        points.append(point[::-1])
    return codes, points


def test_equals_word2vec_c_when_no_counts_tie_and_differs_on_ties():
    counts = sorted((2 ** k for k in range(1, 25)), reverse=True)  # subset sums all distinct: no ties
    tree = huffman_tree(counts)
    codes, points = word2vec_c_tree(counts)
    assert [tree.code(w).tolist() for w in range(len(counts))] == codes
    assert [tree.point(w).tolist() for w in range(len(counts))] == points
    # b (3) ties with the inner node {c, d} (3): word2vec.c merges the inner node first
    codes, _ = word2vec_c_tree([5, 3, 2, 1])
    assert codes == [[0], [1, 1], [1, 0, 1], [1, 0, 0]]
    assert [len(c) for c in codes] == [len(huffman_tree([5, 3, 2, 1]).code(w)) for w in range(4)]


def test_small_vocabularies_and_refusals():
    one = huffman_tree([7])
    assert len(one) == 1 and one.code(0).tolist() == [] and one.inner_nodes == 0
    two = huffman_tree([1, 1])  # heapify moves word 1 to the top: gensim pops it first
    assert two.code(0).tolist() == [1] and two.code(1).tolist() == [0] and two.point(1).tolist() == [0]
    fibonacci = [1, 1]
    while len(fibonacci) < 12:
        fibonacci.append(fibonacci[-1] + fibonacci[-2])
    deep = huffman_tree(fibonacci[::-1])  # the least frequent words sit 11 decisions deep
    assert deep.max_depth == 11
    with pytest.raises(EmbedkitError) as error:
        huffman_tree(fibonacci[::-1], max_code_length=10)
    assert str(error.value) == ("the Huffman tree of these 12 word counts has a code of 11 decisions, "
                                "more than 10; raise min-count to shorten it")
    with pytest.raises(EmbedkitError, match="word counts must be 0 or more, got -1"):
        huffman_tree([3, -1])


def test_codes_are_prefix_free_and_optimal():
    counts = np.random.default_rng(1).integers(1, 1000, 500)
    tree = huffman_tree(counts)
    words = {tuple(tree.code(w)) for w in range(len(tree))}
    assert len(words) == len(tree)
    prefixes = {c[:k] for c in words for k in range(len(c))}
    assert not words & prefixes
    # Kraft equality: a full binary tree
    assert sum(2.0 ** -len(c) for c in words) == pytest.approx(1.0)


@pytest.mark.parametrize("counts", [[5, 3, 2, 1], [7] * 40, list(np.random.default_rng(2).integers(1, 90, 2000))])
def test_paths_fall_from_the_root(counts):
    """A parent's row is above its children's: the rows from any R on are the first nodes of every
    path they are on (what a thread's copy of syn1's last rows relies on)."""
    tree = huffman_tree(counts)
    for w in range(len(tree)):
        point = tree.point(w)
        assert point[0] == len(tree) - 2 and np.all(np.diff(point) < 0)


def test_docstring_examples_run():
    import doctest

    from embedkit.train import huffman

    result = doctest.testmod(huffman)
    assert result.failed == 0 and result.attempted >= 3
