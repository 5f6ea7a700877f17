import numpy as np
import pytest

from embedkit.train.windows import effective_windows, pair_positions, skipgram_pairs, subsample, token_pairs


def test_hand_worked_example_window_2():
    # the quick brown fox jumps, window 2: each word pairs with up to two words either side
    pairs = token_pairs("the quick brown fox jumps".split(), 2)
    assert pairs == [
        ("the", "quick"), ("the", "brown"),
        ("quick", "the"), ("quick", "brown"), ("quick", "fox"),
        ("brown", "the"), ("brown", "quick"), ("brown", "fox"), ("brown", "jumps"),
        ("fox", "quick"), ("fox", "brown"), ("fox", "jumps"),
        ("jumps", "brown"), ("jumps", "fox"),
    ]


def test_pair_count_formula():
    # with a fixed window w and n >= 2w tokens: 2 * sum_{d=1..w} (n - d) pairs
    n, w = 50, 4
    center, context = pair_positions(n, np.full(n, w))
    assert len(center) == 2 * sum(n - d for d in range(1, w + 1))
    assert np.all(np.abs(center - context) <= w) and np.all(center != context)


def test_pairs_never_cross_sentences():
    sentence = np.array([0, 0, 0, 1, 1, 2])
    center, context = pair_positions(6, np.full(6, 5), sentence)
    assert np.all(sentence[center] == sentence[context])
    assert len(center) == 2 * 3 + 2 * 1  # 3 words -> 6 pairs, 2 words -> 2 pairs, 1 word -> 0


def test_dynamic_window_is_uniform_on_1_to_window():
    rng = np.random.default_rng(0)
    w = effective_windows(200_000, 5, rng)
    assert w.min() == 1 and w.max() == 5
    np.testing.assert_allclose(np.bincount(w)[1:] / len(w), [0.2] * 5, atol=0.005)


def test_dynamic_window_distance_frequencies():
    # a word at distance d is a context with probability (window - d + 1) / window
    n, window = 100_000, 4
    rng = np.random.default_rng(1)
    center, context = skipgram_pairs(np.arange(n), window, rng=rng)
    distance = np.abs(center - context)
    per_side = np.bincount(distance)[1:] / (2 * n)
    np.testing.assert_allclose(per_side, [(window - d + 1) / window for d in range(1, window + 1)], atol=0.01)


def test_subsampling_keeps_each_word_with_its_probability():
    rng = np.random.default_rng(2)
    ids = np.repeat(np.arange(3), 100_000)
    kept = ids[subsample(ids, np.array([1.0, 0.5, 0.1]), rng)]
    np.testing.assert_allclose(np.bincount(kept, minlength=3) / 100_000, [1.0, 0.5, 0.1], atol=0.01)


def test_windows_reach_over_subsampled_words():
    # word 1 always dropped: 0 and 2 become neighbours at distance 1
    center, context = skipgram_pairs(np.array([0, 1, 2]), 1, dynamic=False,
                                      keep_probability=np.array([1.0, 0.0, 1.0]), rng=np.random.default_rng(0))
    assert sorted(zip(center.tolist(), context.tolist())) == [(0, 2), (2, 0)]


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_sequences_shorter_than_the_window(n):
    center, context = pair_positions(n, np.full(n, 5))
    assert len(center) == n * (n - 1)  # every ordered pair of distinct positions


def test_bad_window():
    with pytest.raises(ValueError):
        effective_windows(3, 0)
