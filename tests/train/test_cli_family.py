"""`embedkit train`'s family options, vocabulary rules, phrases and continued training, through the CLI."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import io
from embedkit.cli import main
from tests.conftest import planted_sentences

SMALL = ["--vector-size", 16, "--epochs", 6, "--workers", 1, "--min-count", 1, "--sample", 0, "--window", 3]


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def write(path, sentences):
    path.write_text("".join(" ".join(s) + "\n" for s in sentences), encoding="utf-8")
    return path


def neighbours(vectors, word, k):
    unit = vectors.matrix / np.linalg.norm(vectors.matrix, axis=1, keepdims=True)
    scores = unit @ unit[vectors.index[word]]
    scores[vectors.index[word]] = -np.inf
    return {vectors.words[i] for i in np.argsort(-scores)[:k]}


def assert_groups_recovered(vectors, groups):
    for group in groups:
        for word in group:
            assert len(neighbours(vectors, word, len(group) - 1) & set(group)) >= len(group) - 2, word


MODES = {  # flags -> (sg, cbow_mean, hs, negative, mode)
    "cbow": (["--cbow"], (False, True, False, 5, "cbow-ns")),
    "cbow-sum-hs": (["--cbow", "--cbow-sum", "--hs", "--negative", 0], (False, False, True, 0, "cbow-hs")),
    "sg-hs": (["--hs", "--negative", 0], (True, True, True, 0, "sg-hs")),
    "sg-ns+hs fixed windows": (["--hs", "--no-shrink-windows", "--ns-exponent", 0.5], (True, True, True, 5, "sg-ns+hs")),
}


@pytest.mark.parametrize("name", sorted(MODES))
@pytest.mark.parametrize("engine", ["native", "gensim"])
def test_every_mode_trains_from_the_command_line(planted_file, tmp_path, name, engine):
    corpus, groups = planted_file
    flags, (sg, cbow_mean, hs, negative, mode) = MODES[name]
    out = tmp_path / "v.ekv"
    result = run("train", corpus, "-o", out, *SMALL, "--engine", engine, *flags)
    assert f"sampled {'pairs' if sg else 'windows'})" in result.output
    losses = io.load(out).meta["epoch_loss"]
    assert losses[-1] < io.load(out).meta["initial_loss"]
    vectors = io.load(out)
    config = vectors.meta["config"]
    assert (config["sg"], config["cbow_mean"], config["hs"], config["negative"]) == (sg, cbow_mean, hs, negative)
    if engine == "native":
        assert vectors.meta["mode"] == mode
        assert_groups_recovered(vectors, groups)
    assert set(vectors.state) == {name for name, on in (("syn1neg", negative > 0), ("syn1", hs)) if on}


def test_the_default_stays_skipgram_with_negative_sampling(planted_file, tmp_path):
    corpus, _ = planted_file
    out = tmp_path / "v.ekv"
    result = run("train", corpus, "-o", out, *SMALL)
    vectors = io.load(out)
    assert vectors.meta["config"]["sg"] is True and vectors.meta["config"]["hs"] is False
    assert "mode" not in vectors.meta  # the skip-gram engine of native.py, not the family's
    assert "sampled pairs)" in result.output
    assert vectors.state["syn1neg"].shape == (len(vectors), 16)


def test_max_final_vocab_keeps_what_gensim_keeps(tmp_path):
    from gensim.models import Word2Vec

    rng = np.random.default_rng(0)
    sentences = [[f"w{int(x)}" for x in rng.zipf(1.3, 12) if x < 400] for _ in range(400)]
    corpus = write(tmp_path / "zipf.txt", sentences)
    out = tmp_path / "v.ekv"
    run("train", corpus, "-o", out, "--max-final-vocab", 40, "--min-count", 2, "--epochs", 1, "-q")
    model = Word2Vec(sentences, max_final_vocab=40, min_count=2, epochs=1, vector_size=8, workers=1)
    kept = io.load(out).words
    assert sorted(kept) == sorted(model.wv.index_to_key)
    assert 0 < len(kept) <= 40


def test_words_to_keep_and_to_drop(planted_file, tmp_path):
    corpus, groups = planted_file
    with open(corpus, "a", encoding="utf-8") as f:
        f.write("g0w0 rare g0w1\n")
    (tmp_path / "keep.txt").write_text("Rare\n\nabsent\n", encoding="utf-8")
    (tmp_path / "drop.txt").write_text("g1w0\n", encoding="utf-8")
    out = tmp_path / "v.ekv"
    run("train", corpus, "-o", out, "--min-count", 5, "--epochs", 1, "--keep-words", tmp_path / "keep.txt",
        "--drop-words", tmp_path / "drop.txt", "-q")
    vectors = io.load(out)
    assert "rare" in vectors and vectors.count("rare") == 1      # lower-cased like the corpus, kept below min-count
    assert "absent" not in vectors and "g1w0" not in vectors
    assert vectors.meta["config"]["keep_words"] == ["rare", "absent"]
    assert len(vectors) == sum(len(g) for g in groups) - 1 + 1


def collocation_corpus(n=400, seed=0):
    """'new york' (in every other line) always together; 'of' and 'the' frequent everywhere, side
    by side only by chance."""
    rng = np.random.default_rng(seed)
    filler = [f"f{i}" for i in range(200)]
    sentences = []
    for s in range(n):
        words = list(rng.choice(filler, 14))
        for token in ("of", "the", "of", "the"):
            words.insert(int(rng.integers(0, len(words) + 1)), token)
        if s % 2 == 0:
            words.insert(int(rng.integers(0, len(words) + 1)), "new york")
        sentences.append(" ".join(words).split())
    return sentences


def test_phrases_joins_a_planted_collocation_and_not_a_frequent_pair(tmp_path):
    corpus = write(tmp_path / "c.txt", collocation_corpus())
    out = tmp_path / "joined.txt"
    result = run("phrases", corpus, "-o", out, "--top", 3)
    text = out.read_text(encoding="utf-8")
    assert text.count("new_york") == 200 and " new york " not in f" {text} "
    assert "of_the" not in text and "the_of" not in text
    assert text.split("\n")[0].replace("new_york", "new york").split() == collocation_corpus()[0]
    assert result.stdout.splitlines()[0].split() == ["phrase", "count", "score"]
    assert result.stdout.splitlines()[1].split()[:2] == ["new_york", "200"]
    assert "pass 1: 7,600 words, 1 phrases, 200 joined" in result.stderr


def test_phrases_with_connector_words_and_two_passes(tmp_path):
    corpus = write(tmp_path / "c.txt", [["bank", "of", "america", "rose", f"w{i % 50}"] for i in range(200)]
                   + [["of", f"v{i % 70}", f"u{i % 30}"] for i in range(200)])
    out = tmp_path / "joined.txt"
    run("phrases", corpus, "-o", out, "--connector-words", "english", "--threshold", 1, "--passes", 2)
    text = out.read_text(encoding="utf-8")
    assert text.count("bank_of_america_rose") == 200


def test_train_phrases_on_the_fly_gives_the_phrase_a_vector(tmp_path):
    corpus = write(tmp_path / "c.txt", collocation_corpus())
    out = tmp_path / "v.ekv"
    result = run("train", corpus, "-o", out, "--phrases", "--min-count", 1, "--epochs", 1, "--vector-size", 8)
    vectors = io.load(out)
    assert "new_york" in vectors and "new" not in vectors and "of" in vectors and "of_the" not in vectors
    assert "phrases: 1 phrases joined in 1 pass(es)" in result.output
    assert vectors.meta["config"]["phrases"] == 1


def test_resume_keeps_old_vectors_close_and_places_new_words(tmp_path):
    sentences, groups = planted_sentences(sentences=800, seed=1)
    first = write(tmp_path / "one.txt", sentences)
    model = tmp_path / "one.ekv"
    run("train", first, "-o", model, *SMALL, "--epochs", 10)
    before = io.load(model)
    # the new corpus: group 0 with three new words among its own, group 2 as before
    rng = np.random.default_rng(2)
    new = ["n0", "n1", "n2"]
    more = [list(rng.choice(groups[0] + new, 12)) for _ in range(300)] + [list(rng.choice(groups[2], 12))
                                                                           for _ in range(300)]
    second = write(tmp_path / "two.txt", more)
    out = tmp_path / "two.ekv"
    result = run("train", second, "-o", out, "--resume", model, "--epochs", 3, "--alpha", 0.01)
    after = io.load(out)
    assert after.words[:len(before)] == before.words and sorted(after.words[len(before):]) == new
    assert after.meta["started_from"] == f"continued {model}"
    assert after.meta["config"]["vector_size"] == 16 and after.meta["config"]["epochs"] == 3
    assert "start: continued" in result.output and "3 new words" in result.output
    old = before.words
    cos = np.sum(after[old[0]] * before[old[0]]) / np.linalg.norm(after[old[0]]) / np.linalg.norm(before[old[0]])
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    cosines = np.sum(unit(after.matrix[:len(old)]) * unit(before.matrix), axis=1)
    assert np.median(cosines) > 0.8 and cos > 0.5, np.round(cosines, 2)
    assert_groups_recovered(after.subset(old), groups)
    for word in new:
        assert len(neighbours(after, word, 6) & set(groups[0] + new)) >= 5, word
    np.testing.assert_array_equal(after.counts[:len(old)], before.counts + np.array(
        [sum(s.count(w) for s in more) for w in old]))


def test_resume_of_hierarchical_softmax_carries_the_tree_where_it_agrees(planted_file, tmp_path):
    corpus, _ = planted_file
    model = tmp_path / "one.ekv"
    run("train", corpus, "-o", model, *SMALL, "--hs", "--negative", 0, "--cbow")
    out = tmp_path / "two.ekv"
    result = run("train", corpus, "-o", out, "--resume", model, "--epochs", 1)
    after = io.load(out)
    assert after.meta["config"]["hs"] is True and after.meta["config"]["sg"] is False
    assert set(after.state) == {"syn1"}
    # the same corpus again doubles every count: the same tree, every node carried
    assert f"inner nodes {len(after) - 1:,} of {len(after) - 1:,}" in result.output


def test_init_starts_from_given_vectors(planted_file, tmp_path):
    corpus, groups = planted_file
    words = groups[0][:3]
    given = tmp_path / "given.vec"
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(4, 12)).astype(np.float32)
    given.write_text("4 12\n" + "".join(f"{w} " + " ".join(f"{x:.6f}" for x in row) + "\n"
                                        for w, row in zip(words + ["elsewhere"], matrix)), encoding="utf-8")
    out = tmp_path / "v.ekv"
    result = run("train", corpus, "-o", out, "--init", given, "--epochs", 1, "--min-count", 1,
                 "--alpha", 1e-9, "--min-alpha", 0, "--workers", 1)
    vectors = io.load(out)
    assert vectors.dim == 12 and "elsewhere" not in vectors
    np.testing.assert_allclose(vectors.matrix[vectors.rows(words)], matrix[:3], atol=1e-5)
    others = vectors.matrix[vectors.rows(groups[1])]
    assert np.abs(others).max() <= 0.5 / 12  # word2vec's start for words the vectors lack
    assert "start: vectors of" in result.output and f"3 words, {len(vectors) - 3} new words" in result.output
