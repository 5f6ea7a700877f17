"""The compare grid, its report and its resumability (the training itself is tested in test_classify)."""

import json

import pytest

from embedkit.downstream.grid import Cell, _reuse, grid
from embedkit.downstream.report import CompareReport
from embedkit.errors import EmbedkitError


def test_grid_crosses_only_vectors_with_tunings():
    cells = grid(["onehot", "random", "my.vec", "bow"], ["rnn", "lstm"], "both")
    keys = [c.key for c in cells]
    # onehot and random: 2 cells x 2 directions; my.vec: 2 tunings x 2 cells x 2 directions; bow: 1
    assert len(cells) == 4 + 4 + 8 + 1
    assert "onehot-rnn" in keys and "onehot-lstm-bi" in keys
    assert "my.vec-frozen-lstm-bi" in keys and "my.vec-finetuned-rnn" in keys
    assert keys[-1] == "bow"
    assert not any(k.startswith("onehot-frozen") or k.startswith("random-finetuned") for k in keys)


def test_grid_rejects_bad_input():
    with pytest.raises(EmbedkitError, match="unknown cell 'cnn'"):
        grid(["random"], ["cnn"])
    with pytest.raises(EmbedkitError, match="bidirectional must be"):
        grid(["random"], ["lstm"], "sometimes")
    with pytest.raises(EmbedkitError, match="same file name"):
        grid(["a/x.vec", "b/x.vec"], ["lstm"])
    with pytest.raises(EmbedkitError, match="tunings"):
        grid(["x.vec"], ["lstm"], tunings=("static",))


def _row(embeddings, tuning, acc, std, cell="lstm", bi=False):
    label = Cell(embeddings, tuning, cell, bi).label
    return {"model": label, "embeddings": embeddings, "tuning": tuning, "cell": cell, "bidirectional": bi,
            "accuracy_mean": acc, "accuracy_std": std, "macro_f1_mean": acc - 0.01, "macro_f1_std": std,
            "parameters": 1234, "coverage": None, "seconds_per_epoch": 1.5, "seeds": [1, 2]}


def test_conclusion_is_computed_from_the_numbers():
    report = CompareReport("toy", [1, 2], [_row("random", "", 0.70, 0.01), _row("glove", "frozen", 0.75, 0.01),
                                          _row("glove", "finetuned", 0.78, 0.005)])
    text = report.conclusion()
    assert "random (70.0%) < glove frozen (75.0%) < glove finetuned (78.0%)" in text
    assert "leads glove frozen by 3.0 points, more than one standard deviation" in text
    # change the numbers, the sentence follows
    report.rows[1]["accuracy_mean"] = 0.779
    assert "leads glove frozen by 0.1 points, within one standard deviation" in report.conclusion()
    report.rows[0]["accuracy_mean"] = 0.9
    assert report.conclusion().startswith("Best cell per embedding, worst to best: glove frozen")


def test_report_files(tmp_path):
    report = CompareReport("toy", [1, 2], [_row("random", "", 0.70, 0.01), _row("random", "", 0.72, 0.02, "gru"),
                                          _row("bow", "", 0.74, 0.0, "")])
    written = report.write(tmp_path)
    assert sorted(p.name for p in written) == ["results.csv", "results.json", "results.md", "results.png"]
    md = (tmp_path / "results.md").read_text()
    assert "| LSTM random | 70.0 ± 1.0 | 69.0 ± 1.0 | 1,234 |  | 1.5 |" in md
    csv_lines = (tmp_path / "results.csv").read_text().splitlines()
    assert csv_lines[0].startswith("model,embeddings,tuning,cell,bidirectional,accuracy_mean")
    assert len(csv_lines) == 4
    payload = json.loads((tmp_path / "results.json").read_text())
    assert [r["accuracy_mean"] for r in payload["rows"]] == [0.70, 0.72, 0.74]
    assert (tmp_path / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_reuse_only_matching_settings(tmp_path):
    path = tmp_path / "cell.json"
    assert _reuse(path, {"epochs": 5}) is None
    path.write_text(json.dumps({"settings": {"epochs": 5}, "row": {"accuracy_mean": 0.5}}))
    assert _reuse(path, {"epochs": 5}) == {"accuracy_mean": 0.5}
    assert _reuse(path, {"epochs": 6}) is None
    path.write_text("{not json")
    assert _reuse(path, {"epochs": 5}) is None


# -- end to end, through the CLI (needs torch; small and fast) -----------------------------------

def _toy(path, n=240, seed=0):
    import random

    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        label = rng.choice(["pos", "neg"])
        words = [rng.choice(["the", "a", "film", "plot", "actor", "scene"]) for _ in range(rng.randint(3, 8))]
        words.insert(rng.randrange(len(words) + 1), "great" if label == "pos" else "awful")
        lines.append(f"{label}\t{' '.join(words)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_compare_writes_the_report_and_resumes(tmp_path, monkeypatch):
    from click.testing import CliRunner

    training = pytest.importorskip("embedkit.downstream.training")
    from embedkit.cli import main

    data = _toy(tmp_path / "toy.tsv")
    out = tmp_path / "report"
    def args(epochs):
        return ["compare", str(data), "-e", "random,bow", "--cells", "gru", "--seeds", "2", "--epochs", epochs,
                "--hidden", "16", "-o", str(out), "-q", "--cv", "none"]

    result = CliRunner().invoke(main, args("3"))
    assert result.exit_code == 0, result.output
    assert "| GRU random |" in result.output and "| bag-of-words logistic regression | 100.0 | 100.0 |" in result.output
    assert "Best cell per embedding, worst to best:" in result.output
    assert sorted(p.name for p in (out / "cells").iterdir()) == ["toy__bow.json", "toy__random-gru.json"]
    first = json.loads((out / "results.json").read_text())

    # a rerun with the same settings trains nothing ...
    def refuse(*args, **kwargs):
        raise RuntimeError("retrained a finished cell")

    monkeypatch.setattr(training, "run_seeds", refuse)
    again = CliRunner().invoke(main, args("3"))
    assert again.exit_code == 0, again.output
    assert json.loads((out / "results.json").read_text())["rows"] == first["rows"]
    # ... and other settings do not reuse the stale cell
    changed = CliRunner().invoke(main, args("2"))
    assert changed.exit_code != 0 and "retrained a finished cell" in str(changed.exception)


def test_cli_compare_bad_input(tmp_path):
    from click.testing import CliRunner

    pytest.importorskip("embedkit.downstream.training")
    from embedkit.cli import main

    data = _toy(tmp_path / "toy.tsv", n=40)
    result = CliRunner().invoke(main, ["compare", str(data), "--cells", "cnn", "-o", str(tmp_path / "r")])
    assert result.exit_code == 1 and "unknown cell 'cnn'" in result.output
    result = CliRunner().invoke(main, ["compare", "no-such-set", "-e", "random", "-o", str(tmp_path / "r")])
    assert result.exit_code == 1 and "no-such-set: no such file" in result.output
    empty = tmp_path / "empty.tsv"
    empty.write_text("")
    result = CliRunner().invoke(main, ["compare", str(empty), "-e", "random", "-o", str(tmp_path / "r")])
    assert result.exit_code == 1 and "empty.tsv, line 1: cannot tell the layout" in result.output
    assert not (tmp_path / "r").exists()  # nothing created for a run that never started
    assert "Traceback" not in result.output
