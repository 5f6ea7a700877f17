"""Bad input to the multi-data-set compare and the new baselines: one `Error:` line, exit 1 (2 for
a bad option), no traceback, and no report folder left behind by a run that never started."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.hardening.conftest import bad_input, invoke


def _toy(path: Path, n: int = 60, seed: int = 0) -> Path:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = ["neg", "pos"][i % 2]
        words = [rng.choice(["the", "a", "film"]) for _ in range(4)] + ["great" if label == "pos" else "awful"]
        rows.append(f"{label}\t{' '.join(words)}\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


@pytest.fixture
def toy(tmp_path) -> Path:
    return _toy(tmp_path / "toy.tsv")


@pytest.mark.parametrize("value,message", [
    ("ten", "'ten' is not 'kim', 'none' or a number of folds"),
    ("1", "1 folds: cross-validation needs at least 2"),
])
def test_compare_bad_cv(toy, tmp_path, value, message):
    bad_input("compare", toy, "-e", "bow", "--cv", value, "-o", tmp_path / "r", contains=[message])
    assert not (tmp_path / "r").exists()


def test_compare_avg_without_vectors(toy, tmp_path):
    bad_input("compare", toy, "-e", "random,avg:", "-o", tmp_path / "r",
              contains=["avg:VECTORS needs the vectors after 'avg:'"])
    assert not (tmp_path / "r").exists()


def test_compare_avg_with_missing_vectors_file(toy, tmp_path):
    missing = tmp_path / "nope.vec"
    bad_input("compare", toy, "-e", f"avg:{missing}", "-o", tmp_path / "r", names=[missing])
    assert not (tmp_path / "r").exists()


def test_compare_unknown_data_set_in_the_list(toy, tmp_path):
    bad_input("compare", f"{toy},no-such-set", "-e", "bow", "-o", tmp_path / "r",
              contains=["no-such-set: no such file, and not a classification set"])
    assert not (tmp_path / "r").exists()


def test_compare_two_data_sets_of_one_name(tmp_path):
    (tmp_path / "other").mkdir()
    a, b = _toy(tmp_path / "toy.tsv"), _toy(tmp_path / "other" / "toy.tsv", seed=1)
    bad_input("compare", f"{a},{b}", "-e", "bow", "-o", tmp_path / "r",
              contains=["two data sets are both called 'toy'; rename one"])
    assert not (tmp_path / "r").exists()


def test_compare_dry_run_checks_the_data(tmp_path):
    bad_input("compare", "no-such-set", "-e", "bow", "-o", tmp_path / "r", "--dry-run",
              contains=["no-such-set: no such file"])


def test_compare_jobs_zero(toy, tmp_path):
    bad_input("compare", toy, "-e", "bow", "--jobs", "0", "-o", tmp_path / "r", contains=["--jobs"])


def test_classify_save_with_a_baseline(toy, tmp_path):
    for spec in ("nbsvm", "bow"):
        bad_input("classify", toy, "-e", spec, "--save", tmp_path / "m",
                  contains=[f"--save is for the recurrent models, not --embeddings {spec}"])
    assert not (tmp_path / "m").exists()


def test_classify_avg_with_sparse_or_nonfinite_vectors(toy, tmp_path):
    result = invoke("onehot", toy, "-o", tmp_path / "onehot.ekv")
    if result.exit_code != 0:
        pytest.skip(f"onehot could not make the file: {result.output}")
    bad_input("classify", toy, "-e", f"avg:{tmp_path / 'onehot.ekv'}", contains=["sparse vectors"])
    bad = tmp_path / "nan.vec"
    bad.write_text("2 2\ngreat nan 1\nawful 1 1\n")
    bad_input("classify", toy, "-e", f"avg:{bad}", names=[bad])


def test_classify_avg_runs(toy, tmp_path):
    vec = tmp_path / "v.vec"
    vec.write_text("2 2\ngreat 1 0\nawful 0 1\n")
    result = invoke("classify", toy, "-e", f"avg:{vec}", "--cv", "3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("toy, avg:") and "test accuracy 100.00 +- 0.00" in result.output
    assert "coverage: 2 of 5 training words have vectors (40.0%)" in result.output
