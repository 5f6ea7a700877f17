"""word2vec's Huffman tree over the vocabulary: the paths hierarchical softmax walks.

Hierarchical softmax predicts a word by the binary decisions on its path from the root of a
Huffman tree built over the word counts: frequent words get short codes. Word w has a code
(its left/right turns, 0 or 1) and points (the inner nodes passed, root first), both of the same
length; inner node p has the output vector row p of `syn1` (vocabulary size - 1 rows, the root
is row V - 2).

The tree is built as gensim builds it (`gensim.models.word2vec._build_heap`): pop the two
lightest nodes from a heap of (count, node) items, the first popped becoming child 0 and the
second child 1, and push their parent, the k-th inner node made being node V + k. gensim's heap
items compare by count alone, so among equal counts the one popped first is wherever Python's
heapq happens to keep it; `_merge` runs heapq's algorithms step for step, so the codes equal
gensim's also on ties. word2vec.c's `CreateBinaryTree` merges the same way but breaks ties its
own way (an inner node before a word of equal count, a later word before an earlier one), so on
ties its codes can differ from these (same lengths: both trees are optimal); without ties all
three agree.

Example:
    >>> tree = huffman_tree([5, 3, 2, 1])
    >>> tree.code(3).tolist(), tree.point(3).tolist()
    ([1, 1, 0], [2, 1, 0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import EmbedkitError

MAX_CODE_LENGTH = 40  # word2vec.c's limit: longer codes would overrun its fixed-size arrays


@dataclass(frozen=True, eq=False)
class HuffmanTree:
    """Codes and points of every word, stored ragged (CSR): word w's are [offsets[w]:offsets[w + 1]].

    Attributes:
        offsets: (V + 1,) int64, where each word's code and points start.
        codes: (total code length,) uint8, 0 or 1: the turn taken at each inner node.
        points: (total code length,) int32: the inner nodes passed, root (V - 2) first.
    """

    offsets: np.ndarray
    codes: np.ndarray
    points: np.ndarray

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    @property
    def inner_nodes(self) -> int:
        """Rows of the output matrix `syn1`: one per inner node, V - 1 (0 for fewer than 2 words)."""
        return max(0, len(self) - 1)

    @property
    def max_depth(self) -> int:
        """The longest code."""
        return int(np.diff(self.offsets).max()) if len(self) else 0

    def code(self, word: int) -> np.ndarray:
        """The code of word id `word`: (depth,) uint8, root first."""
        return self.codes[self.offsets[word]:self.offsets[word + 1]]

    def point(self, word: int) -> np.ndarray:
        """The inner nodes on the path to word id `word`: (depth,) int32, root first."""
        return self.points[self.offsets[word]:self.offsets[word + 1]]


def huffman_tree(counts, max_code_length: int = MAX_CODE_LENGTH) -> HuffmanTree:
    """Build word2vec's Huffman tree over word counts (word id = position in `counts`).

    Args:
        counts: (V,) non-negative word counts, in vocabulary order.
        max_code_length: refuse trees with a longer code (word2vec.c's limit is 40).

    Returns:
        HuffmanTree: codes and points per word, equal to gensim's for the same counts.

    Raises:
        EmbedkitError: a negative count, or a code longer than `max_code_length`.

    Example:
        >>> huffman_tree([5, 3, 2, 1]).code(0).tolist()
        [0]
    """
    counts = np.asarray(counts, dtype=np.int64).reshape(-1)
    if counts.size and counts.min() < 0:
        raise EmbedkitError(f"word counts must be 0 or more, got {int(counts.min())}")
    n = counts.shape[0]
    if n < 2:  # a single word needs no decision: gensim gives it an empty code
        return HuffmanTree(np.zeros(n + 1, np.int64), np.zeros(0, np.uint8), np.zeros(0, np.int32))
    parent, branch = _merge(counts)
    offsets, codes, points = _paths(parent, branch, n)
    tree = HuffmanTree(offsets, codes, points)
    if tree.max_depth > max_code_length:
        raise EmbedkitError(f"the Huffman tree of these {n:,} word counts has a code of {tree.max_depth} "
                            f"decisions, more than {max_code_length}; raise min-count to shorten it")
    return tree


@njit(cache=True)
def _merge(counts):
    """Parents and branch bits of all 2V - 1 nodes, merged in the order gensim's heap pops them.

    gensim's heap items compare by count alone, so which of two equal counts pops first depends
    on where heapq keeps them: heapify, heappop and heappush below are CPython's `heapq`
    algorithms step for step (the C module runs the same ones), on node ids ordered by weight.
    """
    n = counts.shape[0]
    total = 2 * n - 1
    weight = np.empty(total, np.int64)
    weight[:n] = counts
    parent = np.full(total, -1, np.int64)
    branch = np.zeros(total, np.uint8)
    heap = np.arange(n, dtype=np.int64)   # node ids; heap[0] is the lightest
    size = n
    for i in range(n // 2 - 1, -1, -1):   # heapq.heapify
        _sift_up(heap, size, i, weight)
    for made in range(n, total):
        first, size = _pop(heap, size, weight)
        second, size = _pop(heap, size, weight)
        parent[first], branch[first] = made, 0
        parent[second], branch[second] = made, 1
        weight[made] = weight[first] + weight[second]
        heap[size] = made                 # heapq.heappush
        _sift_down(heap, 0, size, weight)
        size += 1
    return parent, branch


@njit(cache=True, inline="always")
def _pop(heap, size, weight):
    """heapq.heappop: (the lightest node, the new size)."""
    size -= 1
    last = heap[size]
    if size == 0:
        return last, size
    top = heap[0]
    heap[0] = last
    _sift_up(heap, size, 0, weight)
    return top, size


@njit(cache=True)
def _sift_down(heap, start, pos, weight):
    """heapq._siftdown: move heap[pos] up towards `start` while it is lighter than its parent."""
    item = heap[pos]
    while pos > start:
        up = (pos - 1) >> 1
        if weight[item] < weight[heap[up]]:
            heap[pos] = heap[up]
            pos = up
            continue
        break
    heap[pos] = item


@njit(cache=True)
def _sift_up(heap, size, pos, weight):
    """heapq._siftup: move the smaller child up until a leaf is reached, then sift down there."""
    start = pos
    item = heap[pos]
    child = 2 * pos + 1
    while child < size:
        right = child + 1
        if right < size and not weight[heap[child]] < weight[heap[right]]:
            child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _sift_down(heap, start, pos, weight)


@njit(cache=True)
def _paths(parent, branch, n):
    total = 2 * n - 1
    root = total - 1
    depth = np.zeros(total, np.int64)
    for node in range(root - 1, -1, -1):  # a parent's index is above its children's
        depth[node] = depth[parent[node]] + 1
    offsets = np.zeros(n + 1, np.int64)
    for w in range(n):
        offsets[w + 1] = offsets[w] + depth[w]
    codes = np.empty(offsets[n], np.uint8)
    points = np.empty(offsets[n], np.int32)
    for w in range(n):
        position = offsets[w + 1] - 1
        node = w
        while node != root:
            codes[position] = branch[node]
            points[position] = parent[node] - n
            node = parent[node]
            position -= 1
    return offsets, codes, points
