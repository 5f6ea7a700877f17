"""Issue 8: the experiments' ground truth, parameter formulas, computed conclusions and commands."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from embedkit.cli import main
from embedkit.errors import EmbedkitError
from embedkit.experiments import attention, cells, direction, length, report, synthetic


# -- the synthetic task's ground truth -------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 60), n=st.integers(2, 80), seed=st.integers(0, 10_000))
def test_length_task_label_is_the_word_k_from_the_end(k, n, seed):
    task = synthetic.length_task(k, n, seed=seed)
    assert len(task.texts) == len(task.labels) == n
    for text, label, at, size in zip(task.texts, task.labels, task.positions, task.lengths):
        words = text.split()
        assert len(words) == size and size - at == k
        assert words[-k] == synthetic.MARKERS[label]
        # the marker occurs once; every other word is a distractor
        assert sum(w in ("a", "b") for w in words) == 1
        assert all(w.startswith("w") for i, w in enumerate(words) if i != at)
    counts = Counter(task.labels)
    assert abs(counts["A"] - counts["B"]) <= n % 2


def test_length_task_distractors_carry_no_signal():
    task = synthetic.length_task(10, 4000, seed=3)
    by_class = {c: Counter() for c in synthetic.CLASSES}
    for text, label in zip(task.texts, task.labels):
        by_class[label].update(w for w in text.split() if w.startswith("w"))
    from scipy.stats import chi2_contingency

    words = sorted(set(by_class["A"]) | set(by_class["B"]))
    table = np.array([[by_class[c][w] for w in words] for c in "AB"])
    assert len(words) == 20
    assert chi2_contingency(table).pvalue > 0.01  # distractor frequencies independent of the label
    table[0, 0] += 400  # the test can fail: a planted excess of one word (about 25%) is detected
    assert chi2_contingency(table).pvalue < 0.01
    # the number of words before the marker is independent of the label too
    before = {c: np.mean([p for p, lab in zip(task.positions, task.labels) if lab == c]) for c in "AB"}
    assert abs(before["A"] - before["B"]) < 0.3
    assert len(set(task.positions)) == 10  # 1..10 words before the marker


def test_position_task_marker_where_it_says():
    task = synthetic.position_task(30, 600, seed=1)
    for text, label, at in zip(task.texts, task.labels, task.positions):
        words = text.split()
        assert len(words) == 30 and words[at] == synthetic.MARKERS[label]
        assert [w for w in words if w in ("a", "b")] == [words[at]]
    assert Counter(task.labels) == {"A": 300, "B": 300}
    assert min(task.positions) < 3 and max(task.positions) > 26


def test_synthetic_bad_input():
    with pytest.raises(EmbedkitError, match="k must be at least 1"):
        synthetic.length_task(0)
    with pytest.raises(EmbedkitError, match="at least 2 sequences"):
        synthetic.position_task(10, 1)


# -- parameter formulas ----------------------------------------------------------------------------


def test_parameter_formulas_by_hand():
    # one block: W_ih (100 x 50) + W_hh (100 x 100) + two biases (100 each) = 15,200
    assert cells.formula("rnn", 50, 100) == 15_200
    assert cells.formula("gru", 50, 100) == 3 * 15_200
    assert cells.formula("lstm", 50, 100) == 4 * 15_200
    assert cells.formula("lstm", 50, 100, bidirectional=True) == 8 * 15_200
    # layer 2 of a bidirectional stack reads 2 x hidden features
    assert cells.formula("gru", 50, 100, layers=2, bidirectional=True) == \
        2 * 3 * 15_200 + 2 * 3 * (100 * 200 + 100 * 100 + 200)
    assert cells.formula("rnn", 50, 100, bias=False) == 15_000
    with pytest.raises(EmbedkitError, match="cell must be one of"):
        cells.formula("transformer", 1, 1)


@pytest.mark.parametrize("cell", cells.CELLS)
@pytest.mark.parametrize("size", [(50, 100, 1, False), (50, 100, 1, True), (7, 3, 2, False), (7, 3, 3, True)])
def test_formula_equals_count(cell, size):
    assert cells.formula(cell, *size) == cells.counted(cell, *size)


def test_formula_equals_count_inside_the_classifier():
    import torch

    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.model import SequenceClassifier, count_parameters

    torch.manual_seed(0)
    for cell in cells.CELLS:
        config = ClassifierConfig(dim=12, hidden=9, cell=cell, layers=2, bidirectional=True)
        model = SequenceClassifier(30, 2, config)
        assert count_parameters(model.rnn) == cells.formula(cell, 12, 9, 2, True)


# -- conclusions are computed from the numbers ----------------------------------------------------


def _length_rows(rnn, lstm, gru, ks=(5, 50, 100)):
    return [{"cell": c, "k": k, "accuracy": a} for c, accs in (("rnn", rnn), ("lstm", lstm), ("gru", gru))
            for k, a in zip(ks, accs)]


def test_length_conclusion_follows_the_numbers():
    one = length.conclusion_synthetic(_length_rows([0.99, 0.55, 0.51], [1.0, 0.97, 0.95], [1.0, 0.96, 0.93]))
    assert one == ("Largest distance held with at least 90% accuracy: LSTM k=100, GRU k=100, RNN k=5; "
                   "at k=100 LSTM 95%, GRU 93%, RNN 51% (chance 50%).")
    two = length.conclusion_synthetic(_length_rows([0.99, 0.95, 0.91], [1.0, 0.87, 0.52], [1.0, 0.99, 0.48]))
    assert two == ("Largest distance held with at least 90% accuracy: RNN k=100, GRU k=50, LSTM k=5; "
                   "at k=100 RNN 91%, LSTM 52%, GRU 48% (chance 50%).")
    three = length.conclusion_synthetic(_length_rows([0.5, 0.5, 0.5], [0.85, 0.6, 0.5], [0.93, 0.52, 0.5]))
    assert three.startswith("Largest distance held with at least 90% accuracy: GRU k=5, RNN none, LSTM none;")


def test_length_real_conclusion():
    rows = [{"cell": c, "words": w, "accuracy": a} for c, w, a in
            [("rnn", "1-10", 0.8), ("rnn", "30-50", 0.6), ("lstm", "1-10", 0.8), ("lstm", "30-50", 0.75)]]
    text = length.conclusion_real(rows, "mr")
    assert "RNN 80% -> 60%" in text and "RNN lost the most, 20 points" in text
    assert length.buckets([1, 2, 3, 4, 5, 6, 7, 8]) == [(1, 2), (3, 4), (5, 6), (7, 8)]


def test_cells_conclusion_follows_the_numbers():
    rows = [{"cell": c, "counted": p, "formula": p, "accuracy": a, "s/epoch": s}
            for c, p, a, s in (("rnn", 100, 0.7, 1.0), ("gru", 300, 0.8, 2.0), ("lstm", 400, 0.81, 2.5))]
    text = cells.conclusion(rows, [])
    assert text.startswith("GRU has 3.0x and LSTM has 4.0x the recurrent parameters of the simple RNN; "
                           "the formula matches the count in 3 of 3 configurations")
    assert "LSTM 81% at 2.50 s/epoch" in text
    rows[2]["formula"] = 401
    assert "disagrees with the count in 1 of 3" in cells.conclusion(rows, [])


def test_direction_conclusion_follows_the_numbers():
    rows = [{"cell": "rnn", "direction": d, "accuracy": acc, "start": s, "middle": m, "end": e}
            for d, acc, s, m, e in (("forward", 0.7, 0.5, 0.6, 0.99), ("backward", 0.7, 0.98, 0.6, 0.52),
                                    ("bidirectional", 0.97, 0.96, 0.95, 0.99))]
    text = direction.conclusion(rows)
    assert text == ("RNN: forward-only 50% with the deciding word in the first third vs 99% in the last (missed early "
                    "words), backward-only 98% vs 52% (missed late words), bidirectional at least 95% everywhere (97% "
                    "overall; better in its worst third than each one-directional model in theirs); the textbook "
                    "pattern showed.")
    rows[2]["middle"] = 0.5
    assert "at least 50% everywhere" in direction.conclusion(rows)
    assert direction.conclusion(rows).endswith("the textbook pattern showed in 2 of its 3 parts.")
    rows[2]["middle"] = 0.6
    # spreads as large as the differences: the same means claim nothing (a negative result)
    for row in rows:
        row.update({f"{t} ±": 0.3 for t in ("start", "middle", "end")})
    text = direction.conclusion(rows)
    assert text == ("RNN: forward-only 50% ± 30% with the deciding word in the first third vs 99% ± 30% in the last "
                    "(no difference larger than the spread), backward-only 98% ± 30% vs 52% ± 30% (no difference "
                    "larger than the spread), bidirectional at least 60% ± 30% everywhere (97% overall; not clearly "
                    "better in its worst third than the one-directional models in theirs); the textbook pattern did "
                    "not show.")
    # a model near chance is not read by thirds
    rows[1].update({"accuracy": 0.55, "start": 0.58, "end": 0.5})
    text = direction.conclusion(rows)
    assert text.startswith("RNN: backward-only near chance (55% overall, chance 50%), forward-only 50% ± 30%")
    assert text.endswith("not clearly better in its worst third than the one-directional models in theirs); the "
                         "textbook pattern did not show.")


def test_attention_conclusion_follows_the_numbers():
    top = [{"word": w} for w in ("bad", "the", "worst", "a")]
    text = attention.conclusion(top, {"bad", "worst", "good"}, 3, 300, 0.81, "mr")
    assert text == ("Of the 4 words the attention-pooled model attends to most on mr's test set, 2 are among "
                    "the 3 most label-indicative training words (about 0.0 expected by chance): 'bad', 'worst'; "
                    "test accuracy 81%.")


# -- report files ----------------------------------------------------------------------------------


def test_report_writes_all_files_atomically(tmp_path):
    r = report.Report("demo", "Demo", [{"k": 5, "accuracy": 0.9}], "accuracy 90% at k=5.",
                      extra=[report.Table("More", [{"x": "a|b"}])],
                      draw=lambda fig: fig.subplots().plot([1, 2], [3, 4]))
    out = report.write(r, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["plot.png", "report.md", "results.csv", "results.json"]
    text = (out / "report.md").read_text()
    assert "| k | accuracy |" in text and "**Result:** accuracy 90% at k=5." in text and "a\\|b" in text
    assert json.loads((out / "results.json").read_text())["conclusion"] == "accuracy 90% at k=5."
    assert (out / "results.csv").read_text().splitlines() == ["k,accuracy", "5,0.9"]

    def fail(fig):
        raise RuntimeError("drawing failed")

    with pytest.raises(RuntimeError):
        report.write(report.Report("demo", "Demo", [{"k": 1}], "changed.", draw=fail), tmp_path / "out")
    assert "accuracy 90%" in (out / "report.md").read_text()  # the old report is intact
    assert [p.name for p in tmp_path.iterdir()] == ["out"]    # and no temporary folder is left


# -- HTML / terminal rendering ---------------------------------------------------------------------


def test_render_escapes_and_shades():
    pairs = [("<script>", 0.1), ("good", 0.8), ("&", 0.1)]
    page = attention.render_html([{"pairs": pairs, "predicted": "pos<", "probability": 0.9, "label": "pos"}],
                                 "t<i>tle")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp;" in page and "pos&lt;" in page
    assert "t&lt;i&gt;tle" in page and 'title="0.800"' in page
    assert page.count("<span") == 3
    assert "rgb(255,255,255)" not in page.split("good")[0].split("<span")[-1]  # the top word is shaded
    assert page.count("rgb(255,255,255)") == 2  # the words below an even share stay white
    even = attention.sentence_html([("a", 0.25), ("b", 0.25), ("c", 0.26), ("d", 0.24)])
    assert even.count("rgb(255,255,255)") == 4  # even attention highlights nothing
    assert attention.render_terminal(pairs, color=False) == "<script>[0.10] good[0.80] &[0.10]"
    assert "\x1b[48;2;" in attention.render_terminal(pairs)


# -- commands --------------------------------------------------------------------------------------

FILES = ["plot.png", "report.md", "results.csv", "results.json"]


def drawn_figures(monkeypatch) -> list:
    """The figures the experiments draw, kept as `report.write` makes them."""
    from embedkit.experiments import report

    figures = []

    def keep(*args):
        figures.append(report_figure(*args))
        return figures[-1]

    report_figure = report.figure_of
    monkeypatch.setattr(report, "figure_of", keep)
    return figures


def check_figure(fig) -> None:
    """Accuracy axes run up to 100% from near chance, with chance drawn, over at least 40 points of
    accuracy (never zoomed onto a few points of noise); no legend covers a point, line or bar; no
    x axis labels minor ticks (a log axis of distances shows the distances, not 4x10^0)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        minor = [t.get_text() for t in ax.get_xminorticklabels() if t.get_visible() and t.get_text()]
        assert minor == [], f"{ax.get_title()!r} labels minor ticks between the values run: {minor}"
        if "accuracy" in ax.get_ylabel():
            low, high = ax.get_ylim()
            assert high >= 1.0 and high - low >= 0.4, (ax.get_title(), low, high)
            chance = [line for line in ax.lines if line.get_linestyle() == ":" and len(set(line.get_ydata())) == 1]
            assert chance and low < chance[0].get_ydata()[0] < high, ax.get_title()
        legends = [legend for legend in (ax.get_legend(),) if legend is not None]
        for legend in legends:
            box = legend.get_window_extent(renderer)
            points = [collection.get_offset_transform().transform(collection.get_offsets())
                      for collection in ax.collections]
            points += [line.get_transform().transform(line.get_xydata()) for line in ax.lines
                       if isinstance(line, Line2D) and line.get_transform() == ax.transData]
            for xy in points:
                inside = (box.x0 < xy[:, 0]) & (xy[:, 0] < box.x1) & (box.y0 < xy[:, 1]) & (xy[:, 1] < box.y1)
                assert not inside.any(), f"the legend of {ax.get_title()!r} covers {int(inside.sum())} points"
            for patch in ax.patches:  # the part of each bar inside the axes
                seen = Bbox.intersection(patch.get_window_extent(renderer), ax.bbox)
                assert seen is None or not box.overlaps(seen), f"the legend of {ax.get_title()!r} covers a bar"


@pytest.mark.parametrize("args", [
    ["length", "synthetic", "--ks", "3,8", "--cells", "rnn,lstm", "--seeds", "2"],
    ["cells", "--seeds", "2"],
    ["direction", "--cells", "leaky,lstm", "--seeds", "2"],
    ["attention", "--seeds", "2"],
    ["onehot", "lee", "--seeds", "2"],
])
def test_quick_runs_write_the_report(tmp_path, args, monkeypatch):
    figures = drawn_figures(monkeypatch)
    out = tmp_path / args[0]
    result = CliRunner().invoke(main, ["experiment", *args, "--quick", "-o", str(out), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert len(figures) == 1
    check_figure(figures[0])
    assert FILES == sorted(p.name for p in out.iterdir() if p.name != "attention.html")
    conclusion = json.loads((out / "results.json").read_text())["conclusion"]
    assert conclusion in result.output and f"**Result:** {conclusion}" in (out / "report.md").read_text()
    assert (out / "plot.png").read_bytes()[:4] == b"\x89PNG"
    if args[0] == "direction":  # the cell with a fixed, known memory is read like the others and described
        assert conclusion.startswith("LEAKY: ") and "fixed at 0.98 x identity" in (out / "report.md").read_text()
        runs = json.loads((out / "results.json").read_text())["runs"]
        assert {len(r["by tenth"]) for r in runs} == {10} and len(runs) == 2 * 3 * 2  # cells x directions x seeds


@pytest.mark.parametrize("args, message", [
    (["length", "nosuchset", "--quick"], "nosuchset: no such file, and not a classification set"),
    (["length", "--ks", "5,x"], "--ks takes comma-separated whole numbers"),
    (["direction", "--cells", "rnn,cnn"], "--cells takes a comma-separated list of leaky, rnn, gru, lstm"),
    (["length", "--cells", "leaky"], "--cells takes a comma-separated list of rnn, gru, lstm"),
    (["length", "--ks", "0,5"], "--ks needs distances of at least 1"),
    (["onehot", "no/such/corpus.txt"], "no/such/corpus.txt: no such file or folder"),
])
def test_bad_input_is_one_line(tmp_path, args, message):
    result = CliRunner().invoke(main, ["experiment", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {message}" + result.output.strip().split(message, 1)[1]]
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    import torch

    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.training import train_classifier

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("models")
    make = synthetic.position_task
    data = synthetic.as_data(make(12, 300, seed=1), make(12, 60, seed=2), make(12, 60, seed=3), "synthetic")
    paths = {}
    for pooling in ("attention", "last"):
        config = ClassifierConfig(dim=8, hidden=8, pooling=pooling, bidirectional=True, epochs=8, lr=1e-2,
                                  dropout=0.0, embed_dropout=0.0, device="cpu")
        paths[pooling] = folder / f"{pooling}.model"
        train_classifier(data, config, progress=False).save(paths[pooling])
    return paths


def test_explain_on_a_saved_model(saved_models, tmp_path):
    page = tmp_path / "explain.html"
    sentence = "w1 w2 w3 b w4 <w5> w6"
    result = CliRunner().invoke(main, ["explain", str(saved_models["attention"]), sentence, "--html", str(page)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Wrote {page}."  # the page is written first, so a closed pipe cannot lose it
    lines = lines[1:]
    assert lines[0].startswith("w1[") and " <[" in lines[0]  # no colour when not a terminal
    assert lines[1].startswith("predicted: ")
    # the synthetic task's words are w0, w1, ... and its marker b: '<' and '>' have no embedding
    assert lines[2] == "not in the model's vocabulary (each read as <unk>): '<', '>'"
    weights = [float(line.split()[1]) for line in lines[4:]]
    assert len(weights) == 9 and abs(sum(weights) - 1) < 0.01 and weights == sorted(weights, reverse=True)
    html = page.read_text()
    assert ">&lt;</span>" in html and "<w5>" not in html and html.count("<span") == 9
    assert "not in the model&#x27;s vocabulary (each read as &lt;unk&gt;): &#x27;&lt;&#x27;, &#x27;&gt;&#x27;" in html


def test_explain_color(saved_models):
    result = CliRunner().invoke(main, ["explain", str(saved_models["attention"]), "w1 a w2", "--color"])
    assert result.exit_code == 0 and result.output.count("\x1b[48;2;") == 3


def test_explain_needs_attention(saved_models):
    result = CliRunner().invoke(main, ["explain", str(saved_models["last"]), "a sentence"])
    assert result.exit_code == 1
    assert result.output.strip().endswith("trained with pooling='last'; explain needs a model trained with "
                                          "--pooling attention")
    assert CliRunner().invoke(main, ["explain", str(saved_models["attention"]), "  "]).output == \
        "Error: the sentence is empty\n"
    empty = saved_models["last"].parent / "empty"
    empty.mkdir(exist_ok=True)
    result = CliRunner().invoke(main, ["explain", str(empty), "a sentence"])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {empty}: not a saved classifier")


def test_gradient_norms_are_zero_on_padding(saved_models):
    from embedkit.downstream.classifier import TrainedClassifier
    from embedkit.experiments.data import input_gradient_norms

    trained = TrainedClassifier.load(saved_models["last"])
    norms = input_gradient_norms(trained, ["w1 a w2 w3", "b w1"], ["A", "B"])
    assert norms.shape == (2, 4) and np.all(norms[1, 2:] == 0) and np.all(norms[:, :2] > 0)


@pytest.mark.parametrize("command", [["experiment", c] for c in ("length", "cells", "direction", "attention",
                                                                 "onehot")] + [["explain"]])
def test_every_command_has_an_example(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "embedkit " in result.output


def test_cli_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, embedkit.cli, embedkit.cli.experiments; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_length_conclusion_compares_gradients():
    rows = _length_rows([0.99, 0.55, 0.51], [1.0, 0.97, 0.95], [1.0, 0.96, 0.93])
    for row, ratio in zip(rows, [1, 1e-3, 0.0, 1, 1, 1e-2, 1, 1, 1e-4]):
        row["first/last"] = ratio
    assert length.conclusion_synthetic(rows).endswith(
        "(chance 50%); the gradient reaching the first 5 steps was 1e-02 (LSTM), 1e-04 (GRU), 0 (RNN, underflow) "
        "times that at the last 5.")


SHARED = __import__("pathlib").Path(__file__).resolve().parents[3] / "shared" / "datasets"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} not present")
@pytest.mark.parametrize("args", [["length", "mr", "--cells", "rnn,lstm"], ["direction", "mr", "--cells", "gru"]])
def test_quick_runs_on_real_sentences(tmp_path, args, monkeypatch):
    figures = drawn_figures(monkeypatch)
    out = tmp_path / args[0]
    result = CliRunner().invoke(main, ["experiment", *args, "--quick", "--mirror", str(SHARED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    check_figure(figures[0])
    rows = json.loads((out / "results.json").read_text())["rows"]
    if args[0] == "length":  # four length buckets per cell, every test sentence in one
        assert len(rows) == 8 and sum(r["sentences"] for r in rows) == 2 * 200
        assert result.output.strip().splitlines()[-2].startswith("On mr, from the shortest")
    else:
        assert [r["direction"] for r in rows] == list(direction.DIRECTIONS)
        assert "GRU: forward-only" in result.output


def test_deciding_positions_find_the_planted_word():
    from embedkit.downstream.datasets import ClassificationData, LabelledTexts
    from embedkit.experiments.data import log_odds

    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(200):
        words = [f"n{j}" for j in rng.integers(0, 10, 6)]
        words.insert(int(rng.integers(0, 7)), "good" if i % 2 else "bad")
        texts.append(" ".join(words))
        labels.append("pos" if i % 2 else "neg")
    test = LabelledTexts(["good n1 n2 n3 n4", "n1 n2 bad n3 n4", "n1 n2 n3 n4 good"], ["pos", "neg", "pos"])
    data = ClassificationData("planted", LabelledTexts(texts, labels), None, test, ["neg", "pos"], "")
    scores = log_odds(data.train)
    assert max(scores, key=scores.get) in ("good", "bad") and scores["n1"] < 0.5
    assert direction.deciding_positions(data).tolist() == [0.0, 0.5, 1.0]
    assert direction.third(np.array([0.0, 0.34, 0.5, 0.67, 1.0])).tolist() == [0, 1, 1, 2, 2]


def test_explain_names_no_unknown_word_when_it_knows_them_all(saved_models):
    result = CliRunner().invoke(main, ["explain", str(saved_models["attention"]), "w1 w2 w3"])
    assert result.exit_code == 0, result.output
    assert "not in the model's vocabulary" not in result.output
    assert result.output.splitlines()[1].startswith("predicted: ") and result.output.splitlines()[2].split() == \
        ["word", "weight"]
# -- seeds: mean ± std, and claims only beyond the spread ------------------------------------------


def test_aggregate_and_clearly():
    runs = [{"cell": "rnn", "acc": a, "seed": s} for s, a in ((1, 0.6), (2, 0.8), (3, 0.7))]
    runs += [{"cell": "lstm", "acc": 0.9, "seed": 1}]
    rnn, lstm = report.aggregate(runs, ["cell"], ["acc"])
    assert rnn["seeds"] == 3 and rnn["acc"] == pytest.approx(0.7) and rnn["acc ±"] == pytest.approx(0.1)
    assert lstm["seeds"] == 1 and lstm["acc ±"] == 0.0
    assert report.clearly(lstm, rnn, "acc") == 1 and report.clearly(rnn, lstm, "acc") == -1
    lstm["acc"] = 0.75
    assert report.clearly(lstm, rnn, "acc") == 0  # within the spread
    assert report.format_table([rnn]).splitlines()[1].split() == ["rnn", "3", "0.700", "±", "0.100"]
    assert report.pm(rnn, "acc") == "70% ± 10%" and report.pm(lstm, "acc") == "75%"
    assert "One seed (4)" in report.seeds_note([4]) and "over 3 seeds (1, 2, 3)" in report.seeds_note([1, 2, 3])


def test_length_real_conclusion_claims_only_beyond_the_spread():
    rows = [{"cell": c, "words": w, "accuracy": a, "accuracy ±": 0.05} for c, w, a in
            [("rnn", "1-10", 0.8), ("rnn", "30-50", 0.6), ("lstm", "1-10", 0.8), ("lstm", "30-50", 0.7)]]
    text = length.conclusion_real(rows, "mr")
    assert text.endswith("RNN 80% ± 5.0% -> 60% ± 5.0%, LSTM 80% ± 5.0% -> 70% ± 5.0%; no cell lost clearly more "
                         "than another (the differences are within the spread).")
    for row in rows:
        row["accuracy ±"] = 0.01
    assert length.conclusion_real(rows, "mr").endswith("RNN lost the most, 20 points.")


def test_word_kinds():
    from embedkit.experiments import wordkinds

    assert [wordkinds.kind(w) for w in ("Canon", "battery", "great", "n't", "the", "zebra")] == \
        ["brand or product name", "product part or feature", "sentiment word", "negation", "function word", "other"]
    kinds = wordkinds.by_kind([[("canon", 0.7), ("the", 0.1), ("great", 0.2)], [("battery", 0.5), ("great", 0.5)]])
    assert kinds["brand or product name"] == {"relative attention": pytest.approx(2.1), "tokens": 1,
                                              "most attended": 0.5}
    assert kinds["sentiment word"]["relative attention"] == pytest.approx((0.6 + 1.0) / 2)
    assert kinds["other"]["tokens"] == 0


def test_attention_conclusion_reads_the_word_kinds():
    top = [{"word": "great"}]
    kinds = [{"kind": "brand or product name", "tokens": 40, "relative attention": 0.8, "relative attention ±": 0.1},
             {"kind": "sentiment word", "tokens": 300, "relative attention": 2.5, "relative attention ±": 0.2},
             {"kind": "function word", "tokens": 900, "relative attention": 0.6, "relative attention ±": 0.05}]
    text = attention.conclusion(top, {"great"}, 200, 900, {"accuracy": 0.8, "accuracy ±": 0.01}, "cr", kinds,
                                {"hits": 9.0, "hits ±": 1.0})
    assert text == ("Of the 1 words the attention-pooled model attends to most on cr's test set, 9.0 ± 1.0 are among "
                    "the 200 most label-indicative training words (about 0.2 expected by chance): 'great'; test "
                    "accuracy 80% ± 1.0%. By word list, attention relative to an even share: sentiment words 2.50 ± "
                    "0.20, brand and product names 0.80 ± 0.10, function words 0.60 ± 0.05; more than an even share "
                    "by more than the spread: sentiment words; brand and product names got less attention than "
                    "sentiment words.")
    kinds[0]["relative attention"] = 2.6
    assert "brand and product names and sentiment words got the same attention within the spread." in \
        attention.conclusion(top, {"great"}, 200, 900, 0.8, "cr", kinds)
    assert attention.conclusion(top, {"great"}, 200, 900, 0.8, "cr", kinds, peak={"peak": 1.5, "peak ±": 0.1}) \
        .endswith("; the largest weight in a sentence was on average 1.50 ± 0.10 times an even share (1 = uniform "
                  "attention).")


def test_seeds_option(tmp_path):
    out = tmp_path / "cells"
    result = CliRunner().invoke(main, ["experiment", "cells", "--quick", "--seed", "5", "--seeds", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads((out / "results.json").read_text())
    assert payload["config"]["seeds"] == [5, 6] and sorted({r["seed"] for r in payload["runs"]}) == [5, 6]
    assert all(r["seeds"] == 2 and "accuracy ±" in r for r in payload["rows"])
    bad = CliRunner().invoke(main, ["experiment", "cells", "--seed", str(2**32 - 1), "--seeds", "2", "-o",
                                    str(tmp_path / "x")])
    assert bad.exit_code == 1 and bad.output == f"Error: --seed {2**32 - 1} --seeds 2: the seeds would pass 2**32 - 1\n"
