"""The encoder-decoder experiment: the tasks' true alignments, attention over real words only, a
trained model's alignment, the computed conclusion, the files --quick writes, explain on a saved model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from embedkit.cli import main
from embedkit.experiments import alignment, seq2seq, synthetic


# -- the tasks' ground truth -----------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 20), low=st.integers(1, 8), extra=st.integers(0, 10), seed=st.integers(0, 10_000))
def test_reversal_alignment_is_the_anti_diagonal(n, low, extra, seed):
    task = synthetic.reversal_task(n, min_len=low, max_len=low + extra, seed=seed)
    for source, target, truth in zip(task.sources, task.targets, task.alignments):
        size = len(source)
        assert low <= size <= low + extra and target == source[::-1]
        assert truth.shape == (size, size)
        assert [int(np.argmax(row)) for row in truth] == list(range(size - 1, -1, -1))
        assert np.array_equal(truth, truth.astype(bool))  # one 1 per row, nothing else
        assert [target[j] == source[int(np.argmax(truth[j]))] for j in range(size)] == [True] * size


ENGLISH = {**synthetic.NOUNS, **synthetic.ADJECTIVES, **synthetic.VERBS, **synthetic.DETERMINERS,
           **synthetic.PREPOSITIONS, "and": "et"}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_pair_alignment_names_the_words_each_word_translates(seed):
    task = synthetic.pair_task(20, max_clauses=3, seed=seed)
    for source, target, truth in zip(task.sources, task.targets, task.alignments):
        assert truth.shape == (len(target), len(source)) and np.allclose(truth.sum(1), 1.0)
        assert np.all((truth > 0).sum(0) == 1)  # every English word is translated, by one French word
        for j, word in enumerate(target):
            aligned = [source[i] for i in np.flatnonzero(truth[j])]
            if len(aligned) == 2:  # many-to-one: "of the" -> "du", "to the" -> "au"
                assert synthetic.CONTRACTIONS[tuple(aligned)] == word and np.allclose(truth[j][truth[j] > 0], 0.5)
            else:
                assert ENGLISH[aligned[0]] == word
        # the adjective follows its noun in French and precedes it in English
        for i, w in enumerate(source):
            if w in synthetic.ADJECTIVES:
                a, n = int(np.argmax(truth[:, i])), int(np.argmax(truth[:, i + 1]))
                assert source[i + 1] in synthetic.NOUNS and a == n + 1


def test_pair_task_has_every_phenomenon():
    task = synthetic.pair_task(300, seed=1)
    text = [" ".join(t) for t in task.targets]
    assert any(" du " in t for t in text) and any(" au " in t for t in text)
    assert any(any(w in synthetic.ADJECTIVES for w in s) for s in task.sources)
    assert min(map(len, task.sources)) == 5 and max(map(len, task.sources)) > 35
    assert synthetic.pair_task(5, seed=7).targets == synthetic.pair_task(5, seed=7).targets


def test_bad_task_sizes():
    from embedkit.errors import EmbedkitError

    with pytest.raises(EmbedkitError, match="reversal needs 1 <= min_len <= max_len"):
        synthetic.reversal_task(5, min_len=4, max_len=3)
    with pytest.raises(EmbedkitError, match="n >= 1 and max_clauses >= 1"):
        synthetic.pair_task(5, max_clauses=0)


# -- the model -------------------------------------------------------------------------------------


@pytest.mark.parametrize("attention", ["additive", "dot"])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_attention_sums_to_one_and_ignores_padding(attention, cell):
    import torch

    from embedkit.downstream.seq2seq import Seq2Seq, Seq2SeqConfig

    torch.manual_seed(0)
    model = Seq2Seq(12, 9, Seq2SeqConfig(cell=cell, attention=attention, dim=6, hidden=5)).eval()
    source = torch.tensor([[4, 5, 6, 7, 8], [9, 10, 0, 0, 0]])
    lengths = torch.tensor([5, 2])
    target_in = torch.tensor([[2, 4, 5], [2, 6, 7]])
    logits, weights = model(source, lengths, target_in)
    assert weights.shape == (2, 3, 5) and logits.shape == (2, 3, 9)
    assert torch.allclose(weights.sum(-1), torch.ones(2, 3))
    assert torch.all(weights[1, :, 2:] == 0)  # exactly 0 on padding
    assert torch.all(weights[1, :, :2] > 0)
    # whatever the padding holds, and alone or in a batch, the short sentence is read the same
    alone, alone_weights = model(source[1:, :2], lengths[1:], target_in[1:])
    source[1, 2:] = 11
    padded, padded_weights = model(source, lengths, target_in)
    assert torch.allclose(alone[0], padded[1], atol=1e-6) and torch.allclose(alone_weights[0], padded_weights[1, :, :2])


def test_no_attention_has_no_weights():
    import torch

    from embedkit.downstream.seq2seq import Seq2Seq, Seq2SeqConfig

    model = Seq2Seq(8, 8, Seq2SeqConfig(attention="none", dim=4, hidden=4)).eval()
    logits, weights = model(torch.tensor([[4, 5]]), torch.tensor([2]), torch.tensor([[2, 4]]))
    assert weights is None and logits.shape == (1, 2, 8)
    ids, greedy_weights = model.greedy(torch.tensor([[4, 5]]), torch.tensor([2]), 4)
    assert greedy_weights is None and ids.shape[0] == 1 and ids.shape[1] <= 4


@pytest.fixture(scope="module")
def reversal_model():
    import torch

    from embedkit.downstream.seq2seq import Seq2SeqConfig
    from embedkit.downstream.translator import train_seq2seq

    torch.set_num_threads(1)
    make = lambda n, seed: synthetic.reversal_task(n, min_len=3, max_len=7, vocab=8, seed=seed)  # noqa: E731
    config = Seq2SeqConfig(attention="additive", dim=16, hidden=32, epochs=10, patience=10, lr=5e-3)
    return train_seq2seq(make(600, 1), make(60, 2), config, resample=lambda e: make(600, 10 + e)), make(100, 3)


def test_trained_reversal_attends_along_the_anti_diagonal(reversal_model):
    trained, test = reversal_model
    learned = trained.align(test.sources, test.targets)
    for w, s in zip(learned, test.sources):
        assert w.shape == (len(s), len(s)) and np.allclose(w.sum(1), 1.0)
    score = np.mean([alignment.agreement(w, t) for w, t in zip(learned, test.alignments)])
    assert score > 0.8, score
    # the test can fail: the same weights read against the main diagonal agree far less
    wrong = np.mean([alignment.agreement(w, np.eye(len(t))) for w, t in zip(learned, test.alignments)])
    assert wrong < 0.5, wrong
    assert trained.evaluate(test.sources, test.targets)["exact_match"] > 0.8


def test_a_saved_model_translates_the_same(reversal_model, tmp_path):
    from embedkit.downstream.translator import TrainedSeq2Seq

    trained, test = reversal_model
    trained.save(tmp_path / "rev.model")
    assert sorted(p.name for p in (tmp_path / "rev.model").iterdir()) == \
        ["config.json", "source.txt", "target.txt", "weights.pt"]
    back = TrainedSeq2Seq.load(tmp_path / "rev.model")
    assert back.decode(test.sources[:20])[3][0] == trained.decode(test.sources[:20])[3][0]
    assert np.allclose(back.align(test.sources[:5], test.targets[:5])[2],
                       trained.align(test.sources[:5], test.targets[:5])[2])


def test_agreement_and_mass_by_hand():
    truth = np.array([[0, 1.0], [0.5, 0.5]])
    weights = np.array([[0.9, 0.1], [0.3, 0.7]])
    assert alignment.agreement(weights, truth) == 0.5
    assert alignment.mass(weights, truth) == pytest.approx((0.1 + 1.0) / 2)


# -- the conclusion follows the numbers ------------------------------------------------------------


def _rows(none, additive, agree=(0.95, 0.01)):
    summary = [{"task": "reversal", "attention": "none", "exact match": 0.3},
               {"task": "reversal", "attention": "additive", "exact match": 0.9,
                "alignment agreement": agree[0], "alignment agreement ±": agree[1]}]
    by_length = []
    for attention, values in (("none", none), ("additive", additive)):
        for words, (mean, std) in zip(("3-7", "8-30"), values):
            by_length.append({"task": "reversal", "attention": attention, "words": words, "exact match": mean,
                              "exact match ±": std})
    return summary, by_length


def test_seq2seq_conclusion_follows_the_numbers():
    text = seq2seq.conclusion(*_rows([(0.6, 0.05), (0.0, 0.0)], [(1.0, 0.0), (0.95, 0.02)]))
    assert text == ("Reversal: no attention fell from 60% ± 5.0% (3-7 words) to 0.0% (8-30); additive attention "
                    "fell from 100% (3-7 words) to 95% ± 2.0% (8-30); on the longest sentences additive attention "
                    "was ahead of no attention by more than the spread; its most attended source word was a true "
                    "one for 95% ± 1.0% of the target words.")
    # a spread as large as the differences: nothing is claimed
    text = seq2seq.conclusion(*_rows([(0.6, 0.4), (0.3, 0.4)], [(0.7, 0.3), (0.5, 0.3)], agree=(0.4, 0.2)))
    assert text == ("Reversal: no attention held within the spread from 60% ± 40% (3-7 words) to 30% ± 40% "
                    "(8-30); additive attention held within the spread from 70% ± 30% (3-7 words) to 50% ± 30% "
                    "(8-30); on the longest sentences additive attention was no different from no attention; its "
                    "most attended source word was a true one for 40% ± 20% of the target words.")
    text = seq2seq.conclusion(*_rows([(0.2, 0.0), (0.9, 0.01)], [(0.5, 0.0), (0.1, 0.0)]))
    assert "no attention rose from 20%" in text and "additive attention was behind no attention by more" in text


# -- commands --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seq2seq")
    args = ["experiment", "seq2seq", "--quick", "--seeds", "2", "-o", str(folder / "report"),
            "--save", str(folder / "models")]
    result = CliRunner().invoke(main, args)
    return folder, result


def test_quick_writes_every_file(quick_run):
    folder, result = quick_run
    assert result.exit_code == 0, result.output
    out = folder / "report"
    assert sorted(p.name for p in out.iterdir()) == ["alignment.png", "plot.png", "report.md", "results.csv",
                                                     "results.json"]
    for png in ("plot.png", "alignment.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    payload = json.loads((out / "results.json").read_text())
    assert payload["conclusion"] in result.output and f"**Result:** {payload['conclusion']}" in \
        (out / "report.md").read_text()
    assert [(r["task"], r["attention"], r["seeds"]) for r in payload["rows"]] == \
        [("reversal", "none", 2), ("reversal", "additive", 2), ("pair", "none", 2), ("pair", "additive", 2)]
    assert len([r for r in payload["runs"] if "parameters" in r]) == 8  # one row per task, model and seed
    assert "± " in result.output and "alignment.png" in result.output
    assert sorted(p.name for p in (folder / "models").iterdir()) == ["pair.model", "reversal.model"]


def test_explain_a_saved_encoder_decoder(quick_run):
    folder, _ = quick_run
    page = folder / "explain.html"
    model = folder / "models" / "pair.model"
    result = CliRunner().invoke(main, ["explain", str(model), "the black cat sees <b>", "--html", str(page)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Wrote {page}." and lines[1].startswith("translation: ")
    assert lines[2] == "not in the model's vocabulary (each read as <unk>): '<', 'b', '>'"
    translation = lines[1].split(": ", 1)[1].split()
    grid = lines[3:]
    source = ["the", "black", "cat", "sees", "<", "b", ">"]
    assert len(grid) == max(map(len, source)) + len(translation) + 1 and grid[-1].startswith("</s>")
    assert "\x1b[" not in result.output  # no colour when not a terminal
    for row in grid[-len(translation) - 1:]:  # each row: the weights in percent, summing to about 100
        cells = [row[len(row) - 3 * len(source):][3 * k:3 * k + 3] for k in range(len(source))]
        assert 85 <= sum(int(c) for c in cells if c.strip()) <= 100
    html = page.read_text()
    assert html.count("<tr>") == len(translation) + 2  # the heads, each translated word, </s>
    assert '<div>&lt;</div>' in html and "<div><</div>" not in html and "sees &lt; b &gt;" in html
    colored = CliRunner().invoke(main, ["explain", str(model), "the cat sees a dog", "--color"])
    assert colored.exit_code == 0 and colored.output.count("\x1b[48;2;") == 5 * (len(colored.output.splitlines()[1:])
                                                                                  - 4)


def test_explain_refuses_an_encoder_decoder_without_attention(quick_run, tmp_path):
    import torch

    from embedkit.downstream.seq2seq import Seq2SeqConfig
    from embedkit.downstream.translator import train_seq2seq

    torch.set_num_threads(1)
    task = synthetic.reversal_task(20, max_len=4, seed=1)
    plain = train_seq2seq(task, task, Seq2SeqConfig(attention="none", dim=4, hidden=4, epochs=1))
    plain.save(tmp_path / "plain.model")
    result = CliRunner().invoke(main, ["explain", str(tmp_path / "plain.model"), "s1 s2"])
    assert result.exit_code == 1 and result.output == (f"Error: {tmp_path / 'plain.model'}: trained without "
                                                       "attention; explain needs an encoder-decoder with attention "
                                                       "(additive or dot)\n")
