"""Phrase detection equals gensim's Phrases and FrozenPhrases: counts, scores, pruning, output, passes."""

import numpy as np
import pytest
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS as GENSIM_CONNECTORS
from gensim.models.phrases import Phrases

from embedkit.train.phrases import model as phrase_model, words as phrase_words
from embedkit.errors import EmbedkitError
from embedkit.train.phrases import ENGLISH_CONNECTOR_WORDS, Phrase, PhraseModel, phrase_file


@pytest.fixture(scope="module")
def lee():
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    with open(datapath("lee_background.cor"), encoding="utf-8") as lines:
        return [simple_preprocess(line) for line in lines]


@pytest.fixture
def small_tables(monkeypatch):
    """Tables that start tiny, so that every growth path runs."""
    monkeypatch.setattr(phrase_model, "START_ROWS", 16)


SETTINGS = [
    dict(min_count=3, threshold=10.0),
    dict(min_count=3, threshold=1.0, connector_words=GENSIM_CONNECTORS),
    dict(min_count=5, threshold=0.3, scoring="npmi", connector_words=GENSIM_CONNECTORS),
    dict(min_count=2, threshold=5.0, max_vocab_size=5000),                       # prunes many times
    dict(min_count=2, threshold=0.5, scoring="npmi", max_vocab_size=20000, connector_words=GENSIM_CONNECTORS),
]


def test_connector_words_are_gensims():
    assert ENGLISH_CONNECTOR_WORDS == GENSIM_CONNECTORS


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items())[:60])
def test_two_passes_equal_gensims_on_a_real_corpus(lee, settings, small_tables):
    """Pass 2 reads pass 1's output, whose words contain the delimiter: gensim's string keys
    merge the word new_york with the candidate new + york, and so must ours."""
    ours_in, theirs_in = lee, lee
    for _ in range(2):
        gensim = Phrases(theirs_in, **settings)
        ours = PhraseModel(**settings).learn(ours_in)
        assert ours.counts() == gensim.vocab
        assert ours.corpus_word_count == gensim.corpus_word_count and ours.vocab_size == len(gensim.vocab)
        assert ours.export_phrases() == gensim.export_phrases()
        theirs_out = [gensim[s] for s in theirs_in]
        ours_out = list(ours.transform(ours_in))
        assert ours_out == theirs_out
        frozen = gensim.freeze()
        assert list(PhraseModel(frozen=True, **settings).learn(ours_in).transform(ours_in)) == \
            [frozen[s] for s in theirs_in]
        ours_in, theirs_in = ours_out, theirs_out
    assert sum("_" in w for s in ours_in for w in s) > 100


def test_pruning_drops_what_gensims_prune_vocab_drops(lee, small_tables):
    min_reduce, vocab, words = Phrases._learn_vocab(lee, 3000, "_", frozenset(), 10_000)
    ours = PhraseModel(max_vocab_size=3000).learn(lee)
    assert ours.counts() == vocab and ours.min_reduce == min_reduce > 5 and ours.corpus_word_count == words


def planted(seed=0):
    """Zipfian filler words, "new york" planted 300 times (york seldom alone), and w0, w1 so
    frequent that "w0 w1" occurs often by chance: frequent, but no collocation."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, 301)
    filler = [f"w{i}" for i in rng.choice(300, size=60_000, p=weights / weights.sum())]
    sentences = [filler[i:i + 20] for i in range(0, len(filler), 20)]
    for k in range(300):
        sentence = sentences[k * 7 % len(sentences)]
        sentence.insert(k % 15, "new")
        sentence.insert(k % 15 + 1, "york")
    sentences[0].append("york")
    return sentences


def test_a_planted_collocation_is_joined_and_a_frequent_pair_is_not():
    sentences = planted()
    model = PhraseModel(min_count=5, threshold=10).learn(sentences)
    out = [w for s in model.transform(sentences) for w in s]
    pairs = sum(a == "w0" and b == "w1" for s in sentences for a, b in zip(s, s[1:]))
    assert pairs > 300                                     # the frequent pair is frequent
    assert out.count("new_york") == 300 and "new" not in out
    assert not any(w.startswith("w0_") or w.endswith("_w1") for w in out)
    assert model.top(1) == [Phrase("new_york", 300, pytest.approx(model.export_phrases()["new_york"]))]
    gensim = Phrases(sentences, min_count=5, threshold=10)
    assert out == [w for s in sentences for w in gensim[s]]


def test_connector_words_join_inside_but_never_at_the_ends():
    sentences = [["bank", "of", "america", "said"]] * 8 + [["of", "the", "bank"], ["the", "america"]] * 2
    # table: bank, america, said, bank_of_america, america_said; bank_of_america scores (8 - 2) / (10 * 10) * 5
    model = PhraseModel(min_count=2, threshold=0.1, connector_words=ENGLISH_CONNECTOR_WORDS).learn(sentences)
    assert model.apply(["the", "bank", "of", "america", "of"]) == ["the", "bank_of_america", "of"]
    assert model.apply(["bank", "of", "the", "america"]) == ["bank", "of", "the", "america"]
    assert "bank_of_america" in model.export_phrases() and model.counts()["bank_of_america"] == 8


def test_words_holding_the_delimiter_score_as_phrases_or_frozen_phrases_do():
    """The word new_york counts toward the candidate new + york; FrozenPhrases scores
    new_york + city by new (43) and city (11), Phrases by new_york (6 + 3 + 4) and city: in a table
    of 9 entries, (6 - 2) / (43 * 11) * 9 = 0.076 and (6 - 2) / (13 * 11) * 9 = 0.25."""
    sentences = ([["new_york", "city"]] * 6 + [["new", "york"]] * 3 + [["new"]] * 40 + [["city", "x"]] * 5
                 + [["new_york", "y"]] * 4)
    for frozen in (False, True):
        gensim = Phrases(sentences, min_count=2, threshold=0.1)
        gensim = gensim.freeze() if frozen else gensim
        ours = PhraseModel(min_count=2, threshold=0.1, frozen=frozen).learn(sentences)
        assert [ours.apply(s) for s in sentences] == [gensim[s] for s in sentences]
    model = PhraseModel(min_count=2, threshold=0.1).learn(sentences)
    assert model.apply(["new_york", "city"]) == ["new_york_city"] and model.vocab_size == 9
    assert PhraseModel(min_count=2, threshold=0.1, frozen=True).learn(sentences).apply(["new_york", "city"]) == \
        ["new_york", "city"]
    assert model.counts()["new_york"] == 6 + 3 + 4


def test_files_split_as_python_splits_lines_and_words(tmp_path, small_tables, monkeypatch):
    monkeypatch.setattr(phrase_words, "CHUNK_BYTES", 64)       # many chunks, cut at line ends
    lines = ["new york\tis\u00a0big", "  new\u3000york  ", "", "new york\r\nnew york\rnew york", "cafe\u2009new york",
             "caf\u00e9 new\u2028york new\u00adyork", "new york"]
    text = "\n".join(lines * 5)                           # the last line has no line end
    source = tmp_path / "in.txt"
    source.write_bytes(text.encode("utf-8"))
    with open(source, encoding="utf-8") as read:
        sentences = [line.split() for line in read]
    assert len(sentences) == 45
    model = PhraseModel(min_count=2, threshold=0.1).learn_file(source)
    assert model.counts() == PhraseModel(min_count=2, threshold=0.1).learn(sentences).counts() == \
        Phrases(sentences, min_count=2, threshold=0.1).vocab
    out = tmp_path / "out.txt"
    with open(out, "wb") as stream:
        joined = model.transform_file(source, stream)
    expected = [" ".join(s) for s in model.transform(sentences)]
    assert out.read_text(encoding="utf-8").split("\n") == expected + [""]
    assert joined == sum(s.count("_") for s in expected) and sum(s.count("new_york") for s in expected) >= 30


def test_bytes_that_are_not_utf8_are_kept(tmp_path):
    source = tmp_path / "in.bin"
    source.write_bytes(b"a \xff\xfe b\n" * 5)
    model = PhraseModel(min_count=1, threshold=0.1).learn_file(source)
    out = tmp_path / "out.bin"
    with open(out, "wb") as stream:
        model.transform_file(source, stream)
    assert out.read_bytes() == b"a_\xff\xfe b\n" * 5


def test_phrase_file_runs_passes_and_writes_the_output(lee, tmp_path):
    source = tmp_path / "lee.txt"
    source.write_text("".join(" ".join(s) + "\n" for s in lee), encoding="utf-8")
    out = tmp_path / "lee.phrased.txt"
    models = phrase_file(source, out, passes=2, min_count=3, threshold=5, connector_words=ENGLISH_CONNECTOR_WORDS,
                         work=tmp_path)
    first = Phrases(lee, min_count=3, threshold=5, connector_words=GENSIM_CONNECTORS)
    once = [first[s] for s in lee]
    second = Phrases(once, min_count=3, threshold=5, connector_words=GENSIM_CONNECTORS)
    assert out.read_text(encoding="utf-8") == "".join(" ".join(second[s]) + "\n" for s in once)
    assert len(models) == 2 and models[1].top(1)[0].phrase.count("_") >= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lee.phrased.txt", "lee.txt"]


def test_top_phrases_rank_by_score_or_count():
    sentences = [["a", "b"]] * 9 + [["c", "d"]] * 3 + [["a"], ["b"], ["e", "f"]] * 2 + [["e", "f"]]
    # 9 entries: a_b scores (9 - 1) / (11 * 11) * 9 = 0.595; c_d and e_f (3 - 1) / (3 * 3) * 9 = 2
    model = PhraseModel(min_count=1, threshold=0.5).learn(sentences)
    by_score, by_count = model.top(10), model.top(10, by="count")
    assert [p.phrase for p in by_score] == ["c_d", "e_f", "a_b"]
    assert [p.phrase for p in by_count] == ["a_b", "c_d", "e_f"] and by_count[0].count == 9
    assert all(p.score == model.export_phrases()[p.phrase] for p in by_score)


@pytest.mark.parametrize("settings, message", [
    (dict(min_count=0), "min-count must be at least 1, got 0"),
    (dict(threshold=0), "threshold must be positive for default scoring, got 0"),
    (dict(scoring="npmi", threshold=1.5), "threshold must be between -1 and 1 for npmi scoring, got 1.5"),
    (dict(scoring="pmi"), "unknown scoring 'pmi'; choose from default, npmi"),
    (dict(delimiter=" "), "delimiter must be one ASCII character other than white space, got ' '"),
    (dict(delimiter="__"), "delimiter must be one ASCII character other than white space, got '__'"),
    (dict(max_vocab_size=0), "max-vocab-size must be at least 1, got 0"),
    (dict(connector_words=["of the"]), "a connector word must be one word, got 'of the'"),
])
def test_bad_settings_are_refused_with_one_line(settings, message):
    with pytest.raises(EmbedkitError) as error:
        PhraseModel(**settings)
    assert str(error.value) == message


def test_misuse_is_refused(tmp_path):
    model = PhraseModel()
    with pytest.raises(EmbedkitError, match=r"^this phrase model has counted nothing yet: call learn\(\) first$"):
        model.apply(["a"])
    model.learn([["a", "b"]])
    with pytest.raises(EmbedkitError, match="^this phrase model has already counted a corpus; make a new one$"):
        model.learn([["a"]])
    with pytest.raises(EmbedkitError, match=r"^a word must not be empty or hold a space or a line break, got 'a b'$"):
        PhraseModel().learn([["x", "a b"]])
    with pytest.raises(EmbedkitError, match="^passes must be at least 1, got 0$"):
        phrase_file(tmp_path / "x", tmp_path / "y", passes=0)
    with pytest.raises(EmbedkitError, match="cannot read: No such file or directory$"):
        phrase_file(tmp_path / "missing.txt", tmp_path / "y")
    assert not (tmp_path / "y").exists()


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(phrase_model, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 2 and result.failed == 0
