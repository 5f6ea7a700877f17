"""Never lose a user's data: an output replaces only what embedkit wrote there.

One rule (`outputs.check_output`), for every writer: a file replaces a file; a folder replaces an
empty folder or a folder embedkit wrote of the same kind; nothing replaces any other folder, and
no file replaces a folder. Each case runs a command whose input is valid, so that without the rule
it would go on to replace the user's folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedkit import io, outputs
from embedkit.cli import main
from embedkit.errors import EmbedkitError
from embedkit.vectors import Vectors

from .conftest import bad_input, invoke, snapshot, unchanged
from .outputs import corpus_file, labelled_file, users_folder, vectors_file

TRAIN = ("--min-count", "1", "--epochs", "1", "--vector-size", "8", "--workers", "1", "-q")
CLASSIFY = ("--epochs", "1", "--seeds", "1", "--hidden", "4", "--dim", "4", "-q")
COMPARE = ("-e", "random", "--cells", "rnn", "--seeds", "1", "--epochs", "1", "--hidden", "4", "-q")
PLOT = ("--method", "pca")


@pytest.fixture
def inputs(tmp_cwd):
    corpus_file(tmp_cwd / "corpus.txt")
    vectors_file(tmp_cwd / "v.vec")
    labelled_file(tmp_cwd / "two.tsv")
    return tmp_cwd


@pytest.fixture(scope="module")
def attention_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    labelled_file(folder / "two.tsv")
    result = CliRunner().invoke(main, ["classify", str(folder / "two.tsv"), "--pooling", "attention", *CLASSIFY,
                                       "--save", str(folder / "attention.model")])
    assert result.exit_code == 0, result.output
    return folder / "attention.model"


# (command line with VICTIM where the output goes, the victim's name)
OVER_A_USERS_FOLDER = {
    "train .ekv": (["train", "corpus.txt", "-o", "VICTIM", *TRAIN], "mydocs.ekv"),
    "train .vec": (["train", "corpus.txt", "-o", "VICTIM", *TRAIN], "mydocs.vec"),
    "onehot": (["onehot", "corpus.txt", "-o", "VICTIM"], "mydocs.ekv"),
    "convert .ekv": (["convert", "v.vec", "VICTIM"], "mydocs.ekv"),
    "convert projector": (["convert", "v.vec", "VICTIM", "--format", "projector"], "mydocs"),
    "convert .txt": (["convert", "v.vec", "VICTIM"], "mydocs.txt"),
    "classify --save": (["classify", "two.tsv", *CLASSIFY, "--save", "VICTIM"], "mydocs"),
    "plot png": (["plot", "v.vec", "-o", "VICTIM", *PLOT], "p.png"),
    "plot svg": (["plot", "v.vec", "-o", "VICTIM", *PLOT], "p.svg"),
    "plot pdf": (["plot", "v.vec", "-o", "VICTIM", *PLOT], "p.pdf"),
    "plot html": (["plot", "v.vec", "-o", "VICTIM", *PLOT], "p.html"),
    "compare": (["compare", "two.tsv", *COMPARE, "-o", "VICTIM"], "mydocs"),
    "experiment length": (["experiment", "length", "synthetic", "--quick", "-o", "VICTIM"], "mydocs"),
    "experiment cells": (["experiment", "cells", "synthetic", "--quick", "-o", "VICTIM"], "mydocs"),
    "experiment direction": (["experiment", "direction", "synthetic", "--quick", "-o", "VICTIM"], "mydocs"),
    "experiment attention": (["experiment", "attention", "synthetic", "--quick", "-o", "VICTIM"], "mydocs"),
    "experiment onehot": (["experiment", "onehot", "corpus.txt", "--quick", "--min-count", "1", "-o", "VICTIM"],
                          "mydocs"),
    "experiment seq2seq": (["experiment", "seq2seq", "--quick", "--seeds", "1", "-o", "VICTIM"], "mydocs"),
    "experiment seq2seq --save": (["experiment", "seq2seq", "--quick", "--tasks", "pair", "--save", ".", "-o", "r"],
                                  "pair.model"),
    "demo": (["demo", "-o", "VICTIM", "--epochs", "1"], "mydocs.ekv"),
}


@pytest.mark.parametrize("case", list(OVER_A_USERS_FOLDER))
def test_no_writer_replaces_a_users_folder(inputs, case):
    args, name = OVER_A_USERS_FOLDER[case]
    users_folder(inputs / name)
    before = snapshot(inputs)
    error = bad_input(*[name if a == "VICTIM" else a for a in args], names=[name])
    assert "refusing to replace it" in error
    unchanged(inputs, before)


def test_explain_html_does_not_replace_a_folder(inputs, attention_model):
    users_folder(inputs / "page.html")
    before = snapshot(inputs)
    bad_input("explain", attention_model, "a great film", "--html", "page.html", names=["page.html"])
    unchanged(inputs, before)


def test_the_messages_say_what_is_in_the_way(inputs):
    users_folder(inputs / "mydocs")
    assert bad_input("classify", "two.tsv", "--save", "mydocs") == (
        "Error: mydocs: a folder embedkit did not write (it holds notes.txt); refusing to replace it")
    users_folder(inputs / "p.png")
    assert bad_input("plot", "v.vec", "-o", "p.png", *PLOT) == (
        "Error: p.png is a folder; refusing to replace it with a file")
    for name in "abcde":
        (inputs / "mydocs" / f"{name}.txt").write_text(name)
    assert bad_input("compare", "two.tsv", *COMPARE, "-o", "mydocs") == (
        "Error: mydocs: a folder embedkit did not write (it holds a.txt, b.txt, c.txt and 3 more); "
        "refusing to replace it")


@pytest.mark.parametrize("args, kind", [
    (["classify", "two.tsv", *CLASSIFY, "--save", "out.ekv"], "not a saved classifier"),
    (["experiment", "cells", "synthetic", "--quick", "-o", "out.ekv"], "not an experiment report"),
    (["compare", "two.tsv", *COMPARE, "-o", "out.ekv"], "not a compare report"),
    (["convert", "v.vec", "out.ekv", "--format", "projector"], "not an Embedding Projector export"),
])
def test_a_folder_embedkit_wrote_is_not_replaced_by_another_kind(inputs, args, kind):
    io.save(io.load("v.vec"), "out.ekv")
    before = snapshot(inputs)
    bad_input(*args, names=["out.ekv"], contains=["out.ekv holds embedkit vectors (meta.json, vocab.tsv, vectors.npy)",
                                                  kind, "refusing to replace it"])
    unchanged(inputs, before)


@pytest.mark.parametrize("args, message", [
    (["classify", "two.tsv", *CLASSIFY, "--save", "taken"], "taken: exists and is not a folder"),
    (["train", "corpus.txt", "-o", "taken", "--format", "embedkit", *TRAIN], "taken: exists and is not a folder"),
    (["convert", "v.vec", "taken", "--format", "projector"], "taken: exists and is not a folder"),
    (["compare", "two.tsv", *COMPARE, "-o", "taken"], "Directory 'taken' is a file"),
    (["experiment", "cells", "synthetic", "--quick", "-o", "taken"], "Directory 'taken' is a file"),
])
def test_a_folder_output_does_not_replace_a_file(inputs, args, message):
    (inputs / "taken").write_text("a file of the user's\n")
    before = snapshot(inputs)
    bad_input(*args, names=["taken"], contains=[message])
    unchanged(inputs, before)


def test_an_embedkit_folder_the_user_added_a_file_to_is_kept(inputs):
    io.save(io.load("v.vec"), "out.ekv")
    (inputs / "out.ekv" / "notes.txt").write_text("mine\n")
    before = snapshot(inputs)
    error = bad_input("train", "corpus.txt", "-o", "out.ekv", *TRAIN, names=["out.ekv"])
    assert "looks like embedkit vectors" in error and "also holds notes.txt" in error
    unchanged(inputs, before)


# -- what embedkit wrote is replaced as before ----------------------------------------------------

def test_train_replaces_its_own_output_and_an_empty_folder(inputs):
    assert invoke("train", "corpus.txt", "-o", "out.ekv", *TRAIN).exit_code == 0
    first = snapshot(inputs / "out.ekv")
    result = invoke("train", "corpus.txt", "-o", "out.ekv", *TRAIN, "--seed", "2")
    assert result.exit_code == 0, result.output
    assert snapshot(inputs / "out.ekv") != first and io.load("out.ekv").meta["config"]["seed"] == 2
    (inputs / "empty.ekv").mkdir()
    assert invoke("convert", "v.vec", "empty.ekv").exit_code == 0 and len(io.load("empty.ekv")) == 6
    assert not [p for p in inputs.iterdir() if p.name.startswith(".")]


def test_an_ekv_folder_of_an_older_embedkit_is_replaced(inputs):
    old = inputs / "old.ekv"
    old.mkdir()
    (old / "meta.json").write_text(json.dumps({"format": "embedkit", "version": 1, "shape": [1, 2]}))
    (old / "vocab.tsv").write_text("a\t\n")
    (old / "vectors.npy").write_bytes(b"\x93NUMPY old bytes")
    result = invoke("convert", "v.vec", "old.ekv")
    assert result.exit_code == 0, result.output
    assert io.load("old.ekv").words[:2] == ["king", "queen"]


def test_classifier_and_projector_folders_are_replaced_by_their_own_kind(inputs):
    for _ in range(2):
        result = invoke("classify", "two.tsv", *CLASSIFY, "--save", "model")
        assert result.exit_code == 0, result.output
        assert invoke("convert", "v.vec", "proj", "--format", "projector").exit_code == 0
    assert sorted(p.name for p in (inputs / "model").iterdir()) == ["config.json", "vocab.txt", "weights.pt"]
    assert sorted(p.name for p in (inputs / "proj").iterdir()) == ["metadata.tsv", "vectors.tsv"]


def test_compare_resumes_in_its_folder_with_temporaries_left_by_a_kill(inputs):
    result = invoke("compare", "two.tsv", *COMPARE, "-o", "rep")
    assert result.exit_code == 0, result.output
    (inputs / "rep" / ".results.md.x1y2.tmp").write_text("half")
    (inputs / "rep" / "cells" / ".random-rnn.json.a1b2.tmp").write_text("half")
    assert outputs.folder_kind(inputs / "rep") == "compare"
    result = invoke("compare", "two.tsv", *COMPARE, "-o", "rep")
    assert result.exit_code == 0, result.output
    assert "done before" in result.output


def test_experiment_rerun_replaces_its_report(inputs):
    for _ in range(2):
        result = invoke("experiment", "cells", "synthetic", "--quick", "-o", "rep")
        assert result.exit_code == 0, result.output
    assert outputs.folder_kind(inputs / "rep") == "experiment"


# -- the rule itself --------------------------------------------------------------------------------

def vectors(words=("a", "b")):
    import numpy as np

    return Vectors(list(words), np.ones((len(words), 2), dtype=np.float32))


@pytest.mark.parametrize("layout, kind", [
    ({}, "empty"),
    ({"meta.json": '{"format": "embedkit"}', "vocab.tsv": "", "vectors.npy": ""}, "vectors"),
    ({"meta.json": '{"format": "other"}', "vocab.tsv": ""}, None),
    ({"vectors.tsv": "", "metadata.tsv": ""}, "projector"),
    ({"vectors.tsv": "", "projector_config.pbtxt": ""}, None),
    ({"config.json": '{"format": "embedkit-classifier"}', "weights.pt": ""}, "classifier"),
    ({"results.json": '{"name": 1, "title": 2, "conclusion": 3}', "attention.html": ""}, "experiment"),
    ({"report.md": ""}, None),
    ({"cells/random-rnn.json": "{}", "results.md": ""}, "compare"),
    ({"cells/random-rnn.json": "{}", "cells/notes.txt": ""}, None),
    ({"notes.txt": ""}, None),
])
def test_folder_kind(tmp_path, layout, kind):
    folder = tmp_path / "f"
    folder.mkdir()
    for name, text in layout.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text)
    assert outputs.folder_kind(folder) == kind


def test_atomic_output_refuses_before_the_block_runs(tmp_path):
    users_folder(tmp_path / "mine")
    ran = []
    for folder in (None, "vectors"):
        with pytest.raises(EmbedkitError, match="refusing to replace it"):
            with outputs.atomic_output(tmp_path / "mine", folder=folder):
                ran.append(folder)
    assert ran == [] and (tmp_path / "mine" / "notes.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_atomic_output_checks_what_the_block_made(tmp_path):
    with pytest.raises(RuntimeError, match="expected a file"):
        with outputs.atomic_output(tmp_path / "out") as tmp:
            tmp.mkdir()
    assert list(tmp_path.iterdir()) == []


def test_library_save_keeps_a_users_folder(tmp_path):
    users_folder(tmp_path / "v.ekv")
    before = snapshot(tmp_path)
    with pytest.raises(EmbedkitError, match=r"v\.ekv: a folder embedkit did not write \(it holds notes\.txt\)"):
        io.save(vectors(), tmp_path / "v.ekv")
    unchanged(tmp_path, before)


def test_a_symlink_is_replaced_not_its_target(tmp_path):
    users_folder(tmp_path / "target")
    (tmp_path / "link.vec").symlink_to(tmp_path / "target")
    io.save(vectors(), tmp_path / "link.vec")
    assert (tmp_path / "link.vec").is_file() and (tmp_path / "target" / "notes.txt").exists()


def test_paths_with_no_name_are_refused(tmp_path):
    with pytest.raises(EmbedkitError, match="give the name of a file or folder"):
        outputs.check_output(Path(tmp_path) / "..", "experiment")


class _Stop(Exception):
    pass


def test_a_stop_signal_while_a_folder_is_replaced_waits_until_it_is_whole(tmp_path, monkeypatch):
    """SIGTERM between moving the old folder aside and the new one in: held, raised after."""
    import os
    import signal

    target = tmp_path / "out.ekv"
    io.save(Vectors(["a", "b"], [[1.0, 0.0], [0.0, 1.0]]), target)
    real_replace, calls = os.replace, []

    def replace_then_signal(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if len(calls) == 1:  # the old folder is aside, the new one not yet in place
            signal.raise_signal(signal.SIGTERM)

    def stop(signum, frame):
        raise _Stop()

    previous = signal.signal(signal.SIGTERM, stop)
    monkeypatch.setattr(outputs.os, "replace", replace_then_signal)
    try:
        with pytest.raises(_Stop):
            io.save(Vectors(["c", "d"], [[1.0, 0.0], [0.0, 1.0]]), target)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(calls) == 2
    assert io.load(target).words == ["c", "d"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.ekv"]
