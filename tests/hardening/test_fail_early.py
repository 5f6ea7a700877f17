"""Fail before the work, not after: every command checks its output before it reads its input.

Each case gives a bad output together with an input that is missing: the error names the output,
so the output was checked first. The training cases also show that nothing was trained.
"""

from __future__ import annotations

import pytest

from embedkit import train as train_module

from .conftest import bad_input, invoke, snapshot, unchanged
from .outputs import corpus_file, labelled_file, read_only, users_folder, vectors_file

COMPARE = ("-e", "random", "--cells", "rnn", "--seeds", "1", "--epochs", "1", "--hidden", "4", "-q")

# (command line, with OUT for the output), for every command that writes
WRITERS = {
    "train": ["train", "missing.txt", "-o", "OUT.vec"],
    "train .ekv": ["train", "missing.txt", "-o", "OUT.ekv"],
    "onehot": ["onehot", "missing.txt", "-o", "OUT.ekv"],
    "convert": ["convert", "missing.vec", "OUT.vec"],
    "classify --save": ["classify", "missing.tsv", "--save", "OUT"],
    "plot": ["plot", "missing.vec", "-o", "OUT.png"],
    "plot html": ["plot", "missing.vec", "-o", "OUT.html"],
    "explain --html": ["explain", "model", "a sentence", "--html", "OUT.html"],
}
# commands that create missing folders above their output: only a file in the way stops them
CREATORS = {
    "compare": ["compare", "missing.tsv", *COMPARE, "-o", "OUT"],
    "experiment length": ["experiment", "length", "missing.tsv", "-o", "OUT"],
    "experiment cells": ["experiment", "cells", "missing.tsv", "-o", "OUT"],
    "experiment direction": ["experiment", "direction", "missing.tsv", "-o", "OUT"],
    "experiment attention": ["experiment", "attention", "missing.tsv", "-o", "OUT"],
    "experiment onehot": ["experiment", "onehot", "missing.txt", "-o", "OUT"],
    "demo": ["demo", "-o", "OUT.ekv"],
}


@pytest.fixture
def folder(tmp_cwd):
    (tmp_cwd / "model").mkdir()  # explain's MODEL must exist; it is not a saved classifier
    (tmp_cwd / "a-file").write_text("not a folder\n")
    return tmp_cwd


def _args(args, out):
    return [a.replace("OUT", out) if "OUT" in a else a for a in args]


@pytest.mark.parametrize("case", list(WRITERS))
def test_missing_output_folder_fails_before_the_input_is_read(folder, case):
    before = snapshot(folder)
    error = bad_input(*_args(WRITERS[case], "nodir/out"), names=["nodir/out"], contains=["folder nodir does not exist"])
    assert "missing" not in error
    unchanged(folder, before)


@pytest.mark.parametrize("case", list(WRITERS) + list(CREATORS))
def test_a_file_where_the_output_folder_should_be(folder, case):
    args = {**WRITERS, **CREATORS}[case]
    before = snapshot(folder)
    error = bad_input(*_args(args, "a-file/out"), names=["a-file/out"], contains=["a-file is not a folder"])
    assert "missing" not in error
    unchanged(folder, before)


@pytest.mark.parametrize("case", ["classify --save", "compare", "experiment cells", "experiment onehot"])
def test_an_unrelated_folder_fails_before_the_input_is_read(folder, case):
    args = {**WRITERS, **CREATORS}[case]
    users_folder(folder / "out")
    before = snapshot(folder)
    error = bad_input(*_args(args, "out"), names=["out"], contains=["refusing to replace it"])
    assert "missing" not in error
    unchanged(folder, before)


@pytest.mark.parametrize("case", ["train", "convert", "classify --save", "plot", "compare", "experiment length"])
def test_a_read_only_folder_fails_before_the_input_is_read(folder, case):
    args = {**WRITERS, **CREATORS}[case]
    with read_only(folder / "ro"):
        before = snapshot(folder)
        error = bad_input(*_args(args, "ro/out"), names=["ro/out"], contains=["cannot write in ro"])
        assert "missing" not in error
        unchanged(folder, before)


@pytest.fixture
def never_trains(monkeypatch):
    def train(*args, **kwargs):
        raise AssertionError("trained before checking the output")
    monkeypatch.setattr(train_module, "train_skipgram", train)


@pytest.mark.parametrize("out, message", [
    ("nodir/out.vec", "nodir/out.vec: folder nodir does not exist"),
    ("out.ekv", "out.ekv: a folder embedkit did not write (it holds notes.txt); refusing to replace it"),
    ("out.vec", "out.vec is a folder; refusing to replace it with a file"),
])
def test_train_checks_the_output_before_training(folder, never_trains, out, message):
    corpus_file(folder / "corpus.txt")
    if not out.startswith("nodir"):
        users_folder(folder / out)
    before = snapshot(folder)
    assert bad_input("train", "corpus.txt", "-o", out, "--min-count", "1") == f"Error: {message}"
    unchanged(folder, before)


def test_train_in_a_read_only_folder_does_not_train(folder, never_trains):
    corpus_file(folder / "corpus.txt")
    with read_only(folder / "ro"):
        bad_input("train", "corpus.txt", "-o", "ro/out.vec", "--min-count", "1", names=["ro/out.vec"],
                  contains=["cannot write in ro"])


def test_train_with_a_missing_tmp_dir_fails_before_reading(folder):
    corpus_file(folder / "corpus.txt")
    before = snapshot(folder)
    bad_input("train", "corpus.txt", "-o", "out.vec", "--tmp-dir", "nowhere", "--min-count", "1", "-q",
              names=["nowhere"], contains=["no such folder"])
    unchanged(folder, before)


def test_demo_checks_its_output_before_extracting_the_sample(folder, monkeypatch):
    from embedkit.train import demo

    def extract():
        raise AssertionError("extracted the sample before checking the output")
    monkeypatch.setattr(demo, "demo_corpus", extract)
    users_folder(folder / "vectors.ekv")
    before = snapshot(folder)
    bad_input("demo", "-o", "vectors.ekv", names=["vectors.ekv"], contains=["refusing to replace it"])
    unchanged(folder, before)


def test_plot_checks_its_output_before_loading(folder, monkeypatch):
    from embedkit.io import pretrained

    def load(*args, **kwargs):
        raise AssertionError("loaded the vectors before checking the output")
    monkeypatch.setattr(pretrained, "resolve", load)
    vectors_file(folder / "v.vec")
    bad_input("plot", "v.vec", "-o", "nodir/p.png", names=["nodir/p.png"])


# -- compare: every input is read before anything is created ----------------------------------------

@pytest.fixture
def compare_inputs(folder):
    labelled_file(folder / "two.tsv")
    (folder / "broken.vec").write_text("3 2\nking 1 2\nqueen 1\n")
    return folder


@pytest.mark.parametrize("specs, name", [
    ("broken.vec", "broken.vec"),
    ("random,broken.vec", "broken.vec"),
    ("random,missing.vec", "missing.vec"),
])
def test_compare_with_bad_embeddings_creates_nothing(compare_inputs, specs, name):
    before = snapshot(compare_inputs)
    bad_input("compare", "two.tsv", "-e", specs, "--cells", "rnn", "--seeds", "1", "--epochs", "1", "--hidden",
              "4", "-q", "-o", "rep", names=[name])
    unchanged(compare_inputs, before)


def test_compare_resume_with_bad_embeddings_leaves_the_report_as_it_was(compare_inputs):
    result = invoke("compare", "two.tsv", *COMPARE, "-o", "rep")
    assert result.exit_code == 0, result.output
    before = snapshot(compare_inputs)
    bad_input("compare", "two.tsv", "-e", "random,broken.vec", "--cells", "rnn", "--seeds", "1", "--epochs", "1",
              "--hidden", "4", "-q", "-o", "rep", names=["broken.vec"])
    unchanged(compare_inputs, before)


def test_compare_with_a_bad_data_set_creates_nothing(compare_inputs):
    before = snapshot(compare_inputs)
    bad_input("compare", "missing.tsv", *COMPARE, "-o", "new/rep", names=["missing.tsv"])
    unchanged(compare_inputs, before)
