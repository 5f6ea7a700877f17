"""Write errors become one line naming the output, and leave nothing behind.

A file size limit (`ulimit -f`) is set for real in a subprocess, with SIGXFSZ ignored so that
writing past it is the OSError EFBIG ("File too large"). A read-only folder is made for real
(`outputs.read_only`: chmod, or chattr +i for root). Errors that cannot be arranged for real on
any machine (a full disk, a folder turning read-only between the check and the rename) are
raised by the very call that would raise them.
"""

from __future__ import annotations

import errno
import os

import pytest
from click.testing import CliRunner

from embedkit import outputs, io
from embedkit.io import word2vec as w2vfile
from embedkit.cli import main

from .conftest import bad_input, invoke, snapshot, unchanged
from .outputs import labelled_file, one_error, read_only, run_embedkit, vectors_file

CLASSIFY = ("--epochs", "1", "--seeds", "1", "--hidden", "4", "--dim", "4", "-q")


@pytest.fixture
def folder(tmp_cwd):
    vectors_file(tmp_cwd / "v.vec")
    return tmp_cwd


def _wide_vectors(path, words=2000, dim=50):
    import random

    rng = random.Random(0)
    rows = [f"{words} {dim}"] + [f"w{i} " + " ".join(f"{rng.random():.4f}" for _ in range(dim))
                                 for i in range(words)]
    path.write_text("\n".join(rows) + "\n")
    return path


# -- a file size limit, for real ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_plot_past_a_file_size_limit(folder, fmt):
    (folder / f"p.{fmt}").write_bytes(b"the picture of yesterday")
    before = snapshot(folder)
    result = run_embedkit("plot", "v.vec", "-o", f"p.{fmt}", "--method", "pca", cwd=folder, fsize=2000)
    assert one_error(result, f"p.{fmt}") == f"Error: p.{fmt}: cannot write: File too large"
    unchanged(folder, before)


def test_train_past_a_file_size_limit_while_copying_the_corpus(folder):
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(" ".join(f"w{(i * 7 + j) % 50}" for j in range(12)) for i in range(5000)) + "\n")
    (folder / "tmp").mkdir()
    before = snapshot(folder)
    result = run_embedkit("train", "corpus.txt", "-o", "out.vec", "--tmp-dir", "tmp", "--min-count", "1", "-q",
                          cwd=folder, fsize=100_000)
    error = one_error(result, "tokens.int32")  # the corpus pass writes every token's id there first
    assert error.startswith("Error: tmp/embedkit-train-") and error.endswith(
        "/tokens.int32: cannot write the tokenised copy of the corpus (--tmp-dir chooses its folder): File too large")
    unchanged(folder, before)


def test_train_past_a_file_size_limit_while_saving(folder):
    import random

    rng = random.Random(0)
    (folder / "corpus.txt").write_text(
        "\n".join(" ".join(f"w{rng.randrange(2000)}" for _ in range(12)) for _ in range(600)) + "\n")
    (folder / "out.vec").write_text("the vectors of yesterday\n")
    (folder / "tmp").mkdir()
    before = snapshot(folder)
    result = run_embedkit("train", "corpus.txt", "-o", "out.vec", "--tmp-dir", "tmp", "--min-count", "1",
                          "--epochs", "1", "--workers", "1", "-q", cwd=folder, fsize=100_000)
    assert one_error(result, "out.vec") == "Error: out.vec: cannot write: File too large"
    unchanged(folder, before)


@pytest.mark.parametrize("target", ["wide.ekv", "wide.vec.gz", "wide.bin", "wide.tsv"])
def test_convert_past_a_file_size_limit(folder, target):
    _wide_vectors(folder / "wide.vec")
    before = snapshot(folder)
    result = run_embedkit("convert", "wide.vec", target, cwd=folder, fsize=20_000)
    assert one_error(result, target).startswith(f"Error: {target}: cannot write")
    unchanged(folder, before)


def test_classify_save_past_a_file_size_limit(folder):
    labelled_file(folder / "two.tsv")
    before = snapshot(folder)
    result = run_embedkit("classify", "two.tsv", *CLASSIFY, "--save", "model", cwd=folder, fsize=1000)
    assert one_error(result, "model") == "Error: model: cannot write: File too large"
    unchanged(folder, before)


def test_explain_html_past_a_file_size_limit(folder):
    labelled_file(folder / "two.tsv")
    made = CliRunner().invoke(main, ["classify", "two.tsv", "--pooling", "attention", *CLASSIFY, "--save", "m"])
    assert made.exit_code == 0, made.output
    before = snapshot(folder)
    result = run_embedkit("explain", "m", "a great film", "--html", "page.html", cwd=folder, fsize=200)
    assert one_error(result, "page.html") == "Error: page.html: cannot write: File too large"
    unchanged(folder, before)


# -- a read-only folder, for real ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_plot_into_a_read_only_folder(folder, fmt):
    with read_only(folder / "ro"):
        before = snapshot(folder)
        bad_input("plot", "v.vec", "-o", f"ro/p.{fmt}", "--method", "pca", names=[f"ro/p.{fmt}"],
                  contains=["cannot write in ro"])
        unchanged(folder, before)


def test_compare_into_a_read_only_report_folder(folder):
    labelled_file(folder / "two.tsv")
    result = invoke("compare", "two.tsv", "-e", "random", "--cells", "rnn", "--seeds", "1", "--epochs", "1",
                    "--hidden", "4", "-q", "-o", "rep")
    assert result.exit_code == 0, result.output
    with read_only(folder / "rep"):
        before = snapshot(folder)
        bad_input("compare", "two.tsv", "-e", "random", "--cells", "gru", "--seeds", "1", "--epochs", "1",
                  "--hidden", "4", "-q", "-o", "rep", names=["rep"], contains=["cannot write in rep"])
        unchanged(folder, before)


# -- errors raised where the system would raise them ----------------------------------------------

def test_a_full_disk_while_saving_vectors(folder, monkeypatch):
    def full(stream, *args, **kwargs):
        stream.write(b"half of it")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(w2vfile, "write_text", full)
    (folder / "out.vec").write_text("the vectors of yesterday\n")
    before = snapshot(folder)
    assert bad_input("convert", "v.vec", "out.vec") == "Error: out.vec: cannot write: No space left on device"
    unchanged(folder, before)


@pytest.mark.parametrize("args, out", [
    (["plot", "v.vec", "-o", "p.png", "--method", "pca"], "p.png"),
    (["convert", "v.vec", "v.ekv"], "v.ekv"),
    (["experiment", "cells", "synthetic", "--quick", "-o", "rep"], "rep"),
])
def test_the_folder_turns_read_only_before_the_rename(folder, monkeypatch, args, out):
    def refuse(src, dst):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))
    monkeypatch.setattr(outputs.os, "replace", refuse)
    before = snapshot(folder)
    assert bad_input(*args) == f"Error: {out}: cannot write: Permission denied"
    unchanged(folder, before)


def test_a_failed_rename_puts_the_old_folder_back(tmp_path, monkeypatch):
    io.save(io.load(vectors_file(tmp_path / "v.vec")), tmp_path / "v.ekv")
    before = snapshot(tmp_path)
    real = os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the new folder into place, after the old one was moved aside
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        real(src, dst)
    monkeypatch.setattr(outputs.os, "replace", second_fails)
    with pytest.raises(Exception, match=r"v\.ekv: cannot write: Invalid cross-device link"):
        io.save(io.load(tmp_path / "v.vec"), tmp_path / "v.ekv")
    unchanged(tmp_path, before)


def test_write_error_names_the_output():
    assert str(outputs.write_error("out.png", OSError(errno.EFBIG, "File too large"))) == \
        "out.png: cannot write: File too large"
    assert str(outputs.write_error("v.ekv", OSError("100 requested and 10 written"))) == \
        "v.ekv: cannot write: 100 requested and 10 written"
