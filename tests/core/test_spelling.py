"""Tests of errors.close_spellings: the suggestions an UnknownWordError carries."""

import time

import pytest

from embedkit import UnknownWordError, Vectors
from embedkit.errors import close_spellings

# Most frequent first, as embedkit files keep them.
VOCAB = {w: i for i, w in enumerate(
    ["the", "thing", "king", "queen", "kings", "paris", "science", "government", "kind", "quean", "accommodation"])}


@pytest.mark.parametrize("word, expected", [
    ("Paris", ["paris"]),            # capitals first, and alone
    ("KING", ["king"]),
    ("kng", ["king"]),               # a letter missing
    ("kingg", ["king", "kings"]),    # one edit from both: the more frequent first
    ("qeen", ["queen"]),
    ("tking", ["thing", "king"]),    # frequency, but a changed first letter counts 100 times rarer
    ("quen", ["queen", "quean"]),
    ("sceince", ["science"]),        # two letters swapped
    ("govermnent", ["government"]),  # two edits: difflib's ratio
    ("xqzv", []),
    ("", []),
])
def test_suggestions(word, expected):
    assert close_spellings(word, VOCAB) == expected
    assert close_spellings(word, list(VOCAB)) == expected  # a plain list works too


def test_at_most_n():
    assert close_spellings("kin", VOCAB, n=1) == ["king"]


def test_unknown_word_error_from_vectors():
    vectors = Vectors(list(VOCAB), [[float(i), 1.0] for i in range(len(VOCAB))])
    with pytest.raises(UnknownWordError) as caught:
        vectors.row("goverment")
    assert str(caught.value) == "word 'goverment' is not in the vocabulary; did you mean 'government'?"
    with pytest.raises(KeyError):  # still a KeyError, as gensim users expect
        vectors["nothing-like-it"]


def test_fast_on_a_large_vocabulary():
    vocab = {f"w{i}x{i % 97}": i for i in range(400_000)}
    vocab["tokenizer"] = len(vocab)
    start = time.perf_counter()
    assert close_spellings("tokeniser", vocab) == ["tokenizer"]
    close_spellings("qqqqqqqqqqqqqqqq", vocab)  # the slow path: nothing one edit away
    assert time.perf_counter() - start < 0.5  # ~10 ms here; generous for a loaded machine
