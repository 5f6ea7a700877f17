"""compare on several data sets: Kim's layout read back from cell files, published rows, what the
vectors were trained on and their coverage, single-run wording, the chart's axis, --dry-run."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from embedkit.downstream import grid as grid_module
from embedkit.downstream.config import ClassifierConfig
from embedkit.downstream.datasets import ClassificationData, LabelledTexts
from embedkit.downstream.grid import Cell, _settings, compare, dry_run, folds_for, trained_on
from embedkit.downstream.report import CompareReport, plus_minus
from embedkit.vectors import Vectors
from tests.hardening.conftest import invoke


def _toy(path, n=90, seed=0, words=("the", "a", "film", "plot")):
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        label = ["neg", "pos"][i % 2]
        text = [rng.choice(words) for _ in range(4)] + ["great" if label == "pos" else "awful"]
        lines.append(f"{label}\t{' '.join(text)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _cell_file(out, dataset, cell: Cell, settings, accuracy, std, runs):
    row = {"model": cell.label, "embeddings": cell.embeddings, "tuning": cell.tuning, "cell": cell.cell,
           "bidirectional": cell.bidirectional, "dataset": dataset, "accuracy_mean": accuracy,
           "accuracy_std": std, "macro_f1_mean": accuracy, "macro_f1_std": std, "parameters": 10,
           "coverage": None, "seconds_per_epoch": None, "seeds": [1, 2], "runs": runs}
    path = out / "cells" / f"{dataset}__{cell.key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"settings": settings, "row": row}))


def test_multi_dataset_table_from_cell_files(tmp_path, monkeypatch):
    """Every cell is on disk: compare reads them back, trains nothing, and lays out Kim's table."""
    a, b = _toy(tmp_path / "alpha.tsv"), _toy(tmp_path / "beta.tsv", seed=1)
    out = tmp_path / "report"
    config = ClassifierConfig(epochs=2, dim=300)
    random_cell, bow_cell = Cell("random", "", "lstm", True), Cell("bow", "", "", False)
    numbers = {("alpha", "random"): (0.812, 0.004), ("alpha", "bow"): (0.75, 0.02),
               ("beta", "random"): (0.66, 0.01), ("beta", "bow"): (0.70, 0.03)}
    for name in ("alpha", "beta"):
        for cell in (random_cell, bow_cell):
            mean, std = numbers[name, cell.embeddings]
            _cell_file(out, name, cell, _settings(config, [1, 2], 10, cell.embeddings), mean, std, 20)

    def refuse(*args, **kwargs):
        raise AssertionError("trained a cell that is on disk")

    monkeypatch.setattr("embedkit.downstream.runs.run_model", refuse)
    report = compare([a, b], ["random", "bow"], ["lstm"], out=out, bidirectional="yes", seeds=[1, 2],
                     cv=10, config=config, progress=False)
    md = (out / "results.md").read_text()
    assert "| model | alpha | beta |" in md
    assert "| BiLSTM random | 81.2 ± 0.4 | 66.0 ± 1.0 |" in md
    assert "| bag-of-words logistic regression | 75.0 ± 2.0 | 70.0 ± 3.0 |" in md
    assert "Evaluation: alpha: 10-fold cross-validation; beta: 10-fold cross-validation." in md
    assert "- alpha: Best cell per embedding, worst to best: bag-of-words logistic regression (75.0%) < random (81.2%)" in md
    assert "- beta: Best cell per embedding, worst to best: random (66.0%) < bag-of-words logistic regression (70.0%)" in md
    assert "| random | nothing: 300-d, learned from each data set's training texts alone |" in md
    csv_lines = (out / "results.csv").read_text().splitlines()
    assert len(csv_lines) == 5 and csv_lines[0].endswith(",dataset,runs,protocol,seconds")
    payload = json.loads((out / "results.json").read_text())
    assert [(r["dataset"], r["accuracy_mean"]) for r in payload["rows"]] == [
        ("alpha", 0.812), ("alpha", 0.75), ("beta", 0.66), ("beta", 0.70)]
    assert [d["folds"] for d in payload["datasets"]] == [10, 10]
    assert report.names() == ["alpha", "beta"]


def test_published_rows_are_labelled_and_cited():
    report = CompareReport("mr, cr", [1], rows=[], datasets=[{"name": "mr", "protocol": "10-fold cross-validation"},
                                                             {"name": "cr", "protocol": "10-fold cross-validation"}])
    from embedkit.downstream.published import published_rows

    report.published = published_rows(["mr", "cr", "trec"])
    md = report.markdown()
    assert "| *CNN-non-static (published: Kim 2014)* | *81.5* | *84.3* |" in md
    assert "| *NBSVM-bi (published: Wang & Manning 2012)* | *79.4* | *81.8* |" in md
    assert "Rows in italics are published numbers, copied from the papers, not measured here" in md
    assert "[1] Kim (2014), Convolutional Neural Networks for Sentence Classification, EMNLP, Table 2" in md
    assert "[2] Wang and Manning (2012), Baselines and Bigrams" in md
    nbsvm = next(p for p in published_rows(["trec", "mr"]) if p["model"].startswith("NBSVM"))
    assert nbsvm["accuracy"] == {"mr": 0.794}  # it reports no TREC


def _row(model, acc, std, runs, embeddings="random", tuning="", cell="lstm"):
    return {"model": model, "embeddings": embeddings, "tuning": tuning, "cell": cell, "bidirectional": False,
            "accuracy_mean": acc, "accuracy_std": std, "macro_f1_mean": acc, "macro_f1_std": std,
            "parameters": 1, "coverage": None, "seconds_per_epoch": 1.0, "seeds": [1], "runs": runs}


def test_single_run_has_no_spread_and_no_standard_deviation_verdict():
    report = CompareReport("toy", [1], [_row("LSTM random", 0.70, 0.0, 1),
                                       _row("LSTM glove frozen", 0.74, 0.0, 1, "glove", "frozen")])
    md = report.markdown()
    assert "| LSTM random | 70.0 | 70.0 |" in md and "± 0.0" not in md
    assert "A number without ± is a single run: it has no spread." in md
    conclusion = report.conclusion()
    assert "glove frozen leads random by 4.0 points; glove frozen and random are single runs, so there is no spread" \
        in conclusion
    assert "standard deviation" not in conclusion
    assert plus_minus(0.5, 0.0, 1) == "50.0" and plus_minus(0.5, 0.01, 3) == "50.0 ± 1.0"


def test_classify_single_seed_prints_no_spread(tmp_path):
    data = _toy(tmp_path / "toy.tsv", n=60)
    result = invoke("classify", data, "--embeddings", "bow")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert "+-" not in first and first.endswith("(1 run: no spread to report)")
    assert first.startswith("toy, bow: test accuracy 100.00, macro-F1 100.00")


def test_chart_axis_starts_at_chance_or_zero_and_titles_the_settings(tmp_path):
    from embedkit.downstream.chart import draw

    settings = {"hidden": 100, "pooling": "last", "dropout": 0.5, "lr": 0.001, "epochs": 20, "patience": 3,
                "batch_size": 50}
    one = CompareReport("mr", [1, 2, 3], [_row("LSTM random", 0.77, 0.01, 3)],
                        datasets=[{"name": "mr", "protocol": "10-fold cross-validation", "chance": 0.5}],
                        settings=settings)
    two = CompareReport("mr, trec", [1, 2, 3], [{**_row("LSTM random", 0.77, 0.01, 3), "dataset": "mr"},
                                               {**_row("LSTM random", 0.88, 0.01, 3), "dataset": "trec"}],
                        datasets=[{"name": "mr", "protocol": "10-fold cross-validation", "chance": 0.5},
                                  {"name": "trec", "protocol": "the standard split", "chance": 0.226}],
                        settings=settings)
    drawn_one, drawn_two = draw(one, tmp_path / "one.png"), draw(two, tmp_path / "two.png")
    assert drawn_one["ylim"][0] == 50.0 and drawn_two["ylim"][0] == 0.0  # chance for one data set, 0 for several
    assert drawn_one["title"].startswith("MR: test accuracy, mean ± std over 3 seeds (10-fold cross-validation)")
    assert "hidden 100, last pooling, dropout 0.5, lr 0.001, at most 20 epochs, patience 3, batch 50" in \
        drawn_one["title"]
    assert drawn_two["title"].startswith("MR, TREC: test accuracy")
    assert (tmp_path / "one.png").read_bytes()[:4] == b"\x89PNG"


def test_chart_draws_no_error_bar_on_a_single_run_and_no_network_settings_over_baselines(tmp_path):
    from embedkit.downstream.chart import draw

    settings = {"hidden": 100, "pooling": "last", "dropout": 0.5, "lr": 0.001, "epochs": 20, "patience": 3,
                "batch_size": 50}
    mr = [{"name": "mr", "protocol": "10-fold cross-validation", "chance": 0.5}]
    mixed = CompareReport("mr", [1, 2, 3], [_row("LSTM random", 0.77, 0.01, 3),
                                            _row("LSTM glove frozen", 0.74, 0.0, 1, "glove", "frozen"),
                                            _row("bow", 0.76, 0.0, 1, "bow", "", None)],
                          datasets=mr, settings=settings)
    baselines = CompareReport("mr", [1], [_row("bow", 0.76, 0.0, 1, "bow", "", None),
                                          _row("nbsvm", 0.79, 0.0, 1, "nbsvm", "", None)],
                              datasets=mr, settings=settings)
    drawn_mixed, drawn_baselines = draw(mixed, tmp_path / "m.png"), draw(baselines, tmp_path / "b.png")
    assert drawn_mixed["error_bars"] == 1 and drawn_baselines["error_bars"] == 0
    assert "hidden 100" in drawn_mixed["title"]
    assert "hidden" not in drawn_baselines["title"] and "pooling" not in drawn_baselines["title"]
    assert drawn_baselines["title"].startswith("MR: test accuracy, ± std over the folds (10-fold cross-validation)")


def test_kim_protocol_per_data_set():
    with_test = ClassificationData("t", LabelledTexts(["a"], ["x"]), None, LabelledTexts(["b"], ["x"]), ["x"], "")
    without = ClassificationData("m", LabelledTexts(["a"], ["x"]), None, None, ["x"], "")
    assert folds_for(with_test, "kim") is None and folds_for(without, "kim") == 10
    assert folds_for(with_test, 5) == 5 and folds_for(without, None) is None


def test_trained_on_reads_what_the_file_records():
    v = Vectors(["a", "b"], np.eye(2), meta={"trained_with": "embedkit 0.1.0", "engine": "native",
                                             "corpus": "/x/wiki.part01.txt.xz, /x/wiki.part02.txt.xz",
                                             "corpus_words": 17000098})
    assert trained_on(v) == "17,000,098 corpus words (wiki.part01.txt.xz ...); embedkit native skip-gram, 2 words x 2"
    glove = Vectors(["a"], np.ones((1, 3)), meta={"description": "Stanford GloVe 6B"})
    assert trained_on(glove) == "Stanford GloVe 6B; 1 words x 3"


def test_coverage_in_the_report_counts_training_words(tmp_path, monkeypatch):
    """The vectors table counts the distinct words of the texts trained on (all texts under CV)."""
    data = _toy(tmp_path / "toy.tsv", n=40, words=("the", "film"))  # words: the, film, great, awful
    vec = tmp_path / "v.vec"
    vec.write_text("3 2\nthe 1 0\ngreat 0 1\nunused 1 1\n")
    report = compare([data], [f"avg:{vec}"], out=tmp_path / "r", cv=4, progress=False)
    info = report.vectors[0]
    assert info["coverage"]["toy"] == {"found": 2, "vocab": 4, "fraction": 0.5}
    assert "| v.vec | not recorded in" in report.markdown() and "50.0% of 4" in report.markdown()


def test_dry_run_counts_cells_and_estimates(tmp_path):
    a, b = _toy(tmp_path / "alpha.tsv"), _toy(tmp_path / "beta.tsv", seed=1)
    summary = dry_run([a, b], ["random", "glove.vec", "nbsvm"], ["lstm", "gru"], cv=10, seeds=[1, 2, 3])
    # per data set: random x 2 cells + glove.vec x 2 tunings x 2 cells + nbsvm = 7
    assert summary["cells"] == 14 and summary["done"] == 0
    assert summary["runs"] == 2 * (6 * 3 * 10 + 10)
    assert summary["seconds"] > 0
    result = invoke("compare", f"{a},{b}", "-e", "random,nbsvm", "-o", tmp_path / "r", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "4 cells, 0 done, 80 runs to train; estimated time" in result.output
    assert not (tmp_path / "r").exists()  # a dry run writes nothing


def test_the_estimate_charges_tokens_and_texts(tmp_path):
    """Same tokens in 10x the texts cost more (each batch's time steps have fixed work); the
    formula, written out, gives the estimate of one fixed-split cell."""
    from embedkit.downstream import estimate

    def data(texts):
        rows = LabelledTexts(texts, ["a", "b"] * (len(texts) // 2))
        return ClassificationData("x", rows, rows, None, ["a", "b"], "")

    long_texts = data([" ".join(["w"] * 30)] * 10)   # 300 tokens in 10 texts
    short_texts = data(["w w w"] * 100)              # 300 tokens in 100 texts
    cell, config = Cell("random", "", "lstm", True), ClassifierConfig(hidden=100, epochs=20, patience=3)
    few, many = (estimate.cell_seconds(d, cell, config, runs=1, folds=None) for d in (long_texts, short_texts))
    assert many > few
    epochs = config.patience + estimate.EXTRA_EPOCHS
    per_token, per_text = 2 * estimate.TRAIN_TOKEN_SECONDS["lstm"], 2 * estimate.TRAIN_TEXT_SECONDS
    expected = epochs * (per_token * 300 * (1 + estimate.EVAL_SHARE) + per_text * 100 * (1 + estimate.EVAL_TEXT_SHARE))
    assert many == pytest.approx(expected)


def test_compare_dim_sizes_the_random_embeddings(tmp_path):
    pytest.importorskip("torch")
    a = _toy(tmp_path / "alpha.tsv")
    out = tmp_path / "r"
    result = invoke("compare", str(a), "-e", "random", "--dim", "7", "--hidden", "3", "--epochs", "1",
                    "--seeds", "1", "--cv", "none", "-o", out, "-q", "--threads", "1")
    assert result.exit_code == 0, result.output
    (cell,) = (out / "cells").glob("*.json")
    stored = json.loads(cell.read_text())
    assert stored["settings"]["dim"] == 7
    assert stored["row"]["parameters"] == 8 * 7 + 4 * 3 * (7 + 3 + 2) + 3 * 2 + 2  # <pad>, <unk> and 6 words, 7-d
    assert "| random | nothing: 7-d, learned from each data set's training texts alone |" in (out / "results.md").read_text()


def test_two_data_sets_of_one_name_are_refused(tmp_path):
    (tmp_path / "x").mkdir()
    a, b = _toy(tmp_path / "toy.tsv"), _toy(tmp_path / "x" / "toy.tsv")
    with pytest.raises(Exception, match="two data sets are both called 'toy'"):
        grid_module.load_datasets([a, b])


def test_one_tuning_for_one_spec():
    from embedkit.downstream.grid import grid

    keys = [c.key for c in grid(["glove-6b-50d", "w.ekv@finetuned", "x.vec@frozen"], ["lstm"], "yes")]
    assert keys == ["glove-6b-50d-frozen-lstm-bi", "glove-6b-50d-finetuned-lstm-bi", "w.ekv-finetuned-lstm-bi",
                    "x.vec-frozen-lstm-bi"]
