"""The compare grid on Spark (local[2]): each cell and seed a Spark task, the same report as the grid
run here, resumable; a failed task retried and said, a cell that fails every attempt named."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from embedkit.cli import main
from embedkit.errors import EmbedkitError

from .test_compare import _toy

pytest.importorskip("embedkit.downstream.training")

GRID = ["-e", "random,bow", "--cells", "gru", "--seeds", "2", "--epochs", "2", "--hidden", "8", "-q", "--cv", "none"]


def _rows(folder):
    rows = json.loads((folder / "results.json").read_text())["rows"]
    for row in rows:
        row.pop("seconds_per_epoch"), row.pop("seconds")  # times, measured
    return rows


def test_compare_grid_on_spark_equals_the_grid_run_here_and_resumes(spark, tmp_path, monkeypatch):
    data = _toy(tmp_path / "toy.tsv", n=120)
    here, there = tmp_path / "here", tmp_path / "spark"
    result = CliRunner().invoke(main, ["compare", str(data), *GRID, "-o", str(here)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["compare", str(data), *GRID, "-o", str(there), "--spark-master", "local[2]"])
    assert result.exit_code == 0, result.output
    assert "[1/2] GRU random: submitted to Spark, 2 task(s)" in result.output
    assert "[2/2] bag-of-words logistic regression: submitted to Spark, 1 task(s)" in result.output
    assert _rows(there) == _rows(here) and len(_rows(here)) == 2
    assert sorted(p.name for p in (there / "cells").iterdir()) == sorted(p.name for p in (here / "cells").iterdir())
    stored = json.loads((there / "cells" / "toy__random-gru.json").read_text())
    assert stored["spark_tasks"] == [{"fold": None, "seed": 1, "attempts": 1}, {"fold": None, "seed": 2, "attempts": 1}]
    # a rerun finds every cell done and submits nothing
    from embedkit.downstream import spark_grid

    monkeypatch.setattr(spark_grid, "run_task", _never)
    again = CliRunner().invoke(main, ["compare", str(data), *GRID, "-o", str(there), "--spark-master", "local[2]"])
    assert again.exit_code == 0, again.output
    assert again.output.count("done before") == 2 and "submitted" not in again.output


def _never(unit, **kwargs):
    raise AssertionError("a finished cell was trained again")


def _fails_first_attempt_of_seed_2(unit, **kwargs):
    from pyspark import TaskContext

    from embedkit.downstream.spark_grid import run_task

    if unit[1] == 2 and TaskContext.get().attemptNumber() == 0:
        raise RuntimeError("planted failure of the first attempt")
    return run_task(unit, **kwargs)


def _gru_always_fails(unit, **kwargs):
    from embedkit.downstream.spark_grid import run_task

    if kwargs["config"].cell == "gru" and kwargs["config"].embeddings == "random":
        raise RuntimeError("planted failure of every attempt")
    return run_task(unit, **kwargs)


def test_a_failed_task_is_retried_by_spark_and_said(spark, tmp_path):
    from dataclasses import replace

    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.datasets import load_classification
    from embedkit.downstream.grid import Cell
    from embedkit.downstream.spark_grid import run

    data = load_classification(str(_toy(tmp_path / "toy.tsv", n=80)))
    cell = Cell("random", "", "rnn", False)
    lines, finished = [], []
    failures = run([(1, cell)], data, (1, 2), None, lambda c: replace(ClassifierConfig(epochs=1, hidden=4),
                                                                      embeddings="random", cell="rnn"),
                   {}, master="local[2]", echo=lines.append, task=_fails_first_attempt_of_seed_2,
                   finish=lambda n, c, result, attempts: finished.append((result, attempts)))
    assert failures == []
    assert "[1/1] RNN random: seed 2 failed 1 time(s); Spark retried it and attempt 2 succeeded" in lines
    (result, attempts), = finished
    assert attempts == [{"fold": None, "seed": 1, "attempts": 1}, {"fold": None, "seed": 2, "attempts": 2}]
    assert [r["seed"] for r in result["runs"]] == [1, 2]


def test_a_cell_that_fails_every_attempt_is_named_and_the_others_are_saved(spark, tmp_path, monkeypatch):
    from embedkit.downstream import spark_grid
    from embedkit.downstream.grid import compare

    monkeypatch.setattr(spark_grid, "run_task", _gru_always_fails)
    data = _toy(tmp_path / "toy.tsv", n=80)
    lines = []
    with pytest.raises(EmbedkitError) as error:
        compare(str(data), ["random", "bow"], ["gru"], out=tmp_path / "rep", seeds=(1,), spark_master="local[2]",
                cv=None, echo=lines.append, progress=False)
    assert str(error.value).startswith("1 of 2 cells failed on Spark (toy: GRU random: RuntimeError: planted failure "
                                       "of every attempt); the 1 others are in ")
    assert "[1/2] GRU random: FAILED after 4 attempts of a task: RuntimeError: planted failure of every attempt" in lines
    assert sorted(p.name for p in (tmp_path / "rep" / "cells").iterdir()) == ["toy__bow.json"]
    assert not (tmp_path / "rep" / "results.md").exists()  # no table without the failed cell
