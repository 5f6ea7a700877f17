"""`VocabRules`: gensim's max_final_vocab, words to keep and drop, a base vocabulary; the same in
`prepare` and in the numba corpus pass."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from embedkit.train import Corpus, SkipGramConfig, Vocab
from embedkit.train.prepare import prepare
from embedkit.train.vocab import VocabRules


def select(counts, rules, names=None):
    names = names or [f"w{i}" for i in range(len(counts))]
    return rules.select(np.array(counts), lambda ids: [names[i] for i in ids], int(np.sum(counts)))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("limit", [1, 7, 30, 500])
def test_max_final_vocab_raises_min_count_as_gensim_does(seed, limit):
    from gensim.models import Word2Vec

    rng = np.random.default_rng(seed)
    counts = rng.zipf(1.5, 200).clip(max=60)  # many ties
    raw = {f"w{i}": int(c) for i, c in enumerate(counts)}
    model = Word2Vec(vector_size=4, min_count=2, max_final_vocab=limit)
    model.build_vocab_from_freq(raw)
    vocab, _ = select(counts, VocabRules(min_count=2, max_final_vocab=limit))
    assert sorted(vocab.words) == sorted(model.wv.index_to_key)
    assert vocab.min_count == model.effective_min_count


def test_the_default_rules_are_min_count_then_max_vocab_ties_in_first_appearance_order():
    vocab, remap = select([3, 5, 3, 1, 5], VocabRules(min_count=2, max_vocab=3))
    assert vocab.words == ["w1", "w4", "w0"] and vocab.counts.tolist() == [5, 5, 3]
    assert remap.tolist() == [2, 0, -1, -1, 1]


def test_words_to_keep_survive_min_count_and_max_vocab_and_words_to_drop_never_come():
    rules = VocabRules(min_count=3, max_vocab=2, keep=frozenset({"w3", "nowhere"}), drop=frozenset({"w1"}))
    vocab, remap = select([3, 5, 4, 1, 9], rules)
    assert vocab.words == ["w4", "w2", "w3"]          # w1 dropped, w0 cut by max_vocab, w3 kept at count 1
    assert remap.tolist() == [-1, -1, 1, 2, 0]


def test_a_base_vocabulary_comes_first_with_its_counts_raised():
    base = Vocab(["old", "gone", "w1"], [10, 4, 2])
    vocab, remap = select([6, 1, 7, 2], VocabRules(min_count=2, base=base), names=["w0", "w1", "old", "w3"])
    assert vocab.words == ["old", "gone", "w1", "w0", "w3"]
    assert vocab.counts.tolist() == [17, 4, 3, 6, 2]   # w1 is kept below min-count: it has a row
    assert remap.tolist() == [3, 2, 0, 4]


def test_prepare_and_the_numba_corpus_pass_apply_the_same_rules(tmp_path):
    from embedkit.train.fastcorpus import scan

    rng = np.random.default_rng(3)
    lines = [" ".join(f"w{int(x)}" for x in rng.zipf(1.4, 9) if x < 300) for _ in range(300)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = SkipGramConfig(min_count=2, max_final_vocab=25, keep_words=("w250", "w2"), drop_words=("w1",))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    prepared = prepare(Corpus(path), config, tmp_path / "a")
    result = scan(path, tmp_path / "b", rules=VocabRules.from_config(config))
    assert result.vocab.words == prepared.vocab.words and "w1" not in prepared.vocab
    assert result.vocab.counts.tolist() == prepared.vocab.counts.tolist()
    counts = Counter(w for line in lines for w in line.split())
    assert ("w250" in prepared.vocab) == ("w250" in counts)


def test_config_refuses_bad_rules():
    from embedkit.errors import EmbedkitError

    with pytest.raises(EmbedkitError, match="^max-final-vocab must be at least 1, got 0$"):
        SkipGramConfig(max_final_vocab=0).check()
    with pytest.raises(EmbedkitError, match="^'x' is both a word to keep and a word to drop$"):
        SkipGramConfig(keep_words=("x",), drop_words=("x", "y")).check()
