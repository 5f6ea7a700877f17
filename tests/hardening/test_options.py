"""Numeric options refused by their click types, corpora without training pairs, the loss sample's
reservoir bounded in tokens, and `onehot` naming its corpus.

`LOWEST` lists every numeric option of every command with the values it must refuse; a test walks
the command tree, so an option added without an entry here fails until it is audited.
"""

from __future__ import annotations

import click
import numpy as np
import pytest

from embedkit.cli import main
from tests.hardening.conftest import bad_input, invoke

# Arguments that let each command get as far as parsing its options (nothing runs: parsing fails).
BASE = {
    "train": ["corpus.txt", "-o", "out.vec"],
    "prepare": ["corpus.txt", "-o", "prepared"],
    "phrases": ["corpus.txt", "-o", "out.txt"],
    "windows": ["the quick brown fox"],
    "onehot": ["corpus.txt", "-o", "out.ekv"],
    "demo": ["-o", "demo/vectors.ekv"],
    "evaluate": ["v.vec"],
    "neighbors": ["v.vec", "king"],
    "analogy": ["v.vec", "a", "b", "c"],
    "query": ["v.vec"],
    "plot": ["v.vec", "-o", "p.png"],
    "classify": ["data.tsv"],
    "compare": ["data.tsv", "-o", "report"],
    "experiment length": [],
    "experiment cells": [],
    "experiment direction": [],
    "experiment attention": [],
    "experiment onehot": [],
    "experiment seq2seq": [],
}

SEED = ["-1", "4294967296"]
POSITIVE = ["0", "-1"]
NATURAL = ["-1"]  # 0 allowed (off, all, none)
FINITE = ["nan", "inf", "-inf"]
RUNS = ["0", "-1", "101"]  # --seeds: 1 to 100 runs

# command -> option -> values it must refuse
LOWEST = {
    "train": {"--vector-size": POSITIVE, "--window": POSITIVE, "--min-count": POSITIVE, "--max-vocab": POSITIVE,
              "--sample": ["-0.001", *FINITE], "--negative": NATURAL, "--alpha": ["0", "-0.1", *FINITE],
              "--min-alpha": ["-0.0001", *FINITE], "--epochs": POSITIVE, "--workers": POSITIVE, "--seed": SEED,
              "--checkpoint-every": NATURAL, "--ns-exponent": FINITE, "--max-final-vocab": POSITIVE,
              "--phrase-passes": POSITIVE, "--min-n": POSITIVE, "--max-n": NATURAL,
              "--bucket": ["-1", "2147483648"], "--partitions": POSITIVE},
    "prepare": {"--min-count": POSITIVE, "--max-vocab": POSITIVE},
    "phrases": {"--threshold": FINITE, "--min-count": POSITIVE, "--passes": POSITIVE, "--max-vocab-size": POSITIVE,
                "--top": NATURAL},
    "windows": {"--window": POSITIVE, "--seed": SEED, "--limit": POSITIVE},
    "onehot": {"--min-count": POSITIVE, "--max-vocab": POSITIVE},
    "demo": {"--epochs": POSITIVE, "--workers": POSITIVE},
    "evaluate": {"--restrict": NATURAL},
    "neighbors": {"--topn": POSITIVE, "--restrict": POSITIVE},
    "analogy": {"--topn": POSITIVE, "--restrict": POSITIVE},
    "query": {"--topn": POSITIVE, "--restrict": POSITIVE},
    "plot": {"--top": POSITIVE, "--topn": POSITIVE, "--clusters": NATURAL, "--labels": NATURAL, "--seed": SEED,
             "--dpi": ["49", "0", "1201"]},
    "classify": {"--layers": ["0", "5"], "--dim": POSITIVE, "--hidden": POSITIVE,
                 "--dropout": ["-0.1", "1", *FINITE], "--forget-bias": FINITE, "--epochs": POSITIVE,
                 "--patience": POSITIVE, "--batch-size": POSITIVE, "--max-len": NATURAL,
                 "--lr": ["0", "-0.001", *FINITE], "--seeds": POSITIVE, "--cv": ["1", "0", "-1"],
                 "--threads": POSITIVE},
    "compare": {"--seeds": POSITIVE, "--dim": POSITIVE, "--hidden": POSITIVE, "--epochs": POSITIVE,
                "--patience": POSITIVE, "--max-len": NATURAL, "--threads": POSITIVE,
                "--lr": ["0", "-0.001", *FINITE], "--jobs": POSITIVE},
    "experiment length": {"--seed": SEED, "--seeds": RUNS, "--threads": POSITIVE, "--epochs": POSITIVE},
    "experiment cells": {"--seed": SEED, "--seeds": RUNS, "--threads": POSITIVE, "--dim": POSITIVE,
                         "--hidden": POSITIVE, "--layers": POSITIVE, "--epochs": POSITIVE},
    "experiment direction": {"--seed": SEED, "--seeds": RUNS, "--threads": POSITIVE, "--epochs": POSITIVE,
                             "--length": ["1", "0", "-1"]},
    "experiment attention": {"--seed": SEED, "--seeds": RUNS, "--threads": POSITIVE, "--epochs": POSITIVE,
                             "--top": POSITIVE},
    "experiment onehot": {"--seed": SEED, "--seeds": RUNS, "--dim": POSITIVE, "--epochs": POSITIVE,
                          "--min-count": POSITIVE},
    "experiment seq2seq": {"--seed": SEED, "--seeds": RUNS, "--threads": POSITIVE, "--epochs": POSITIVE},
}

# options of a choice-or-number type (not click's int): refused the same way, not in the audit
OTHER = {"compare": {"--cv": ["1", "0", "-1", "abc"]}}

CASES = [(command, option, value) for table in (LOWEST, OTHER) for command, options in table.items()
         for option, values in options.items() for value in values]


def numeric_options(group=main, path=()):
    """(command path, option name) of every int or float option in the command tree."""
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from numeric_options(command, (*path, name))
            continue
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.type, (click.types.IntParamType,
                                                                            click.types.FloatParamType)):
                yield " ".join((*path, name)), max(param.opts, key=len)


def test_every_numeric_option_is_audited():
    found = set(numeric_options())
    listed = {(command, option) for command, options in LOWEST.items() for option in options}
    assert found - listed == set(), "numeric options without an entry in LOWEST"
    assert listed - found == set(), "entries in LOWEST for options that do not exist"


@pytest.mark.parametrize("command, option, value", CASES, ids=[f"{c}{o}={v}" for c, o, v in CASES])
def test_out_of_range_value_is_a_usage_error(tmp_cwd, command, option, value):
    args = [*command.split(), *BASE[command], f"{option}={value}"]
    error = bad_input(*args, contains=[f"Invalid value for '{option}'"])
    assert error.startswith("Error: Invalid value for")
    assert invoke(*args).exit_code == 2
    assert list(tmp_cwd.iterdir()) == []


@pytest.mark.parametrize("size, message", [
    ("0x0", "a picture of 0x0 pixels is too small; use at least 200x150"),
    ("100000x100000", "a picture of 100000x100000 pixels is too large; use at most 50 million pixels"),
    ("wide", "expected WIDTHxHEIGHT in pixels"),
])
def test_plot_size_out_of_range(tmp_cwd, size, message):
    args = ["plot", "v.vec", "-o", "p.png", "--size", size]
    bad_input(*args, contains=["Invalid value for '--size'", message])
    assert invoke(*args).exit_code == 2


def test_accepted_edge_values_still_parse(tmp_cwd):
    """0 where it means off/all, and the largest seed: these fail later (no such file), not in parsing."""
    for args in (["train", "corpus.txt", "-o", "out.vec", "--checkpoint-every", "0", "--sample", "0",
                  "--min-alpha", "0", "--seed", "4294967295"],
                 ["classify", "data.tsv", "--max-len", "0", "--forget-bias", "-1"],
                 ["evaluate", "v.vec", "--restrict", "0"]):
        result = invoke(*args)
        assert result.exit_code == 1 and "Invalid value" not in result.output, result.output


# -- corpora without training pairs ------------------------------------------------------------------


def test_one_word_per_line_has_no_training_pairs(tmp_cwd):
    corpus = tmp_cwd / "words.txt"
    corpus.write_text("".join(f"w{i % 7}\n" for i in range(100)))
    error = bad_input("train", corpus, "-o", "out.vec", "--min-count", 1, "-q", names=[corpus])
    assert error == (f"Error: {corpus}: no training pairs: no line holds two words "
                     "(skip-gram learns from words that share a line)")
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["words.txt"]


def test_no_line_with_two_frequent_words_has_no_training_pairs(tmp_cwd):
    corpus = tmp_cwd / "pairs.txt"
    corpus.write_text("".join(f"a x{i}\nb y{i}\n" for i in range(50)))
    error = bad_input("train", corpus, "-o", "out.vec", "--min-count", 2, "-q", names=[corpus])
    assert error == (f"Error: {corpus}: no training pairs: no line holds two words that occur at least "
                     "min-count=2 times; lower --min-count or use a larger corpus")
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["pairs.txt"]


def test_no_training_pairs_from_python(tmp_path):
    from embedkit.errors import EmbedkitError
    from embedkit.train import SkipGramConfig, train_skipgram

    with pytest.raises(EmbedkitError, match="no training pairs"):
        train_skipgram([["a"], ["b"], ["a"]], SkipGramConfig(min_count=1, workers=1), progress=False,
                       workdir=tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- the loss sample's reservoir ---------------------------------------------------------------------


def capture_reservoir(monkeypatch):
    import embedkit.train.prepare as train

    seen = {}
    draw = train.draw_loss_sample

    def spy(sentences, *args, **kwargs):
        seen["reservoir"] = [list(s) for s in sentences]
        return draw(sentences, *args, **kwargs)

    monkeypatch.setattr(train, "draw_loss_sample", spy)
    return seen


def test_reservoir_is_bounded_in_tokens(monkeypatch, tmp_path):
    from embedkit.train import Corpus
    from embedkit.train.prepare import RESERVOIR_PIECE, RESERVOIR_UNITS, prepare
    from embedkit.train import SkipGramConfig

    seen = capture_reservoir(monkeypatch)
    rng = np.random.default_rng(0)
    sentences = [[f"w{i}" for i in rng.integers(0, 500, 10_000)] for _ in range(60)]  # 600,000 tokens
    prepared = prepare(Corpus(sentences), SkipGramConfig(min_count=1), tmp_path)
    reservoir = seen["reservoir"]
    assert len(reservoir) == RESERVOIR_UNITS and max(len(unit) for unit in reservoir) == RESERVOIR_PIECE
    assert sum(len(unit) for unit in reservoir) <= 400_000
    assert len(prepared.loss_sample) == 10_000 and prepared.sentences == 60


def test_reservoir_keeps_short_sentences_whole(monkeypatch, tmp_path):
    from embedkit.train import Corpus
    from embedkit.train import SkipGramConfig
    from embedkit.train.prepare import prepare

    seen = capture_reservoir(monkeypatch)
    sentences = [[f"w{(i + j) % 50}" for j in range(3 + i % 40)] for i in range(300)]
    prepare(Corpus(sentences), SkipGramConfig(min_count=1), tmp_path)
    assert seen["reservoir"] == sentences  # fewer sentences than the reservoir holds: all of them, in order


def test_loss_sample_stays_uniform_over_pairs(tmp_path):
    """Long and short sentences, more units than the reservoir holds: each kind's share of the loss
    sample is its share of all training pairs."""
    from embedkit.train import Corpus
    from embedkit.train import SkipGramConfig
    from embedkit.train.prepare import prepare
    from embedkit.train.windows import skipgram_pairs

    rng = np.random.default_rng(1)
    long = [[f"long{i}" for i in rng.integers(0, 100, 2_000)] for _ in range(50)]    # 100,000 tokens, 500 units
    short = [[f"short{i}" for i in rng.integers(0, 100, 5)] for _ in range(20_000)]  # 100,000 tokens
    order = rng.permutation(len(long) + len(short))
    sentences = [(long + short)[i] for i in order]
    config = SkipGramConfig(min_count=1, sample=0, seed=3)
    prepared = prepare(Corpus(sentences), config, tmp_path)
    vocab = prepared.vocab
    long_ids = {vocab.index[w] for w in vocab.words if w.startswith("long")}
    share = np.isin(prepared.loss_sample.outputs, list(long_ids)).mean()
    count = np.random.default_rng(0)
    pairs = {kind: sum(len(skipgram_pairs(vocab.encode(s), config.window, rng=count)[0]) for s in group)
             for kind, group in (("long", long), ("short", short))}
    expected = pairs["long"] / (pairs["long"] + pairs["short"])
    assert share == pytest.approx(expected, rel=0.25), (share, expected)


# -- onehot names its corpus -------------------------------------------------------------------------


def test_onehot_empty_corpus_names_the_file(tmp_cwd):
    corpus = tmp_cwd / "empty.txt"
    corpus.write_text("")
    error = bad_input("onehot", corpus, "-o", "out.ekv", names=[corpus])
    assert error == f"Error: {corpus}: the corpus holds no words"
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["empty.txt"]


def test_onehot_min_count_too_high_names_the_file(tmp_cwd):
    corpus = tmp_cwd / "small.txt"
    corpus.write_text("a b c\n")
    error = bad_input("onehot", corpus, "-o", "out.ekv", "--min-count", 5, names=[corpus])
    assert error == f"Error: {corpus}: no word occurs at least 5 times in its 3 words; lower --min-count"
