"""`embedkit convert` and `embedkit info` through click's CliRunner."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import io
from embedkit.cli import main
from embedkit.vectors import Vectors


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def glove(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text("the 0.418 0.24968 -0.41242\nnan 1 0 0\n, 0 0 0\n", encoding="utf-8")
    return path


def test_convert_every_format_to_every_format(tmp_path, glove):
    source = glove
    for n, out in enumerate(["a.ekv", "b.vec", "c.bin.gz", "d.glove", "e.tsv", "f.w2v.xz", "g.ekv"]):
        result = run("convert", source, tmp_path / out)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{tmp_path / out}: 3 words x 3 dims (")
        source = tmp_path / out
    again = io.load(tmp_path / "g.ekv")
    assert again.words == ["the", "nan", ","]
    assert np.array_equal(again.matrix, io.load(glove).matrix)
    result = run("convert", glove, tmp_path / "folder", "--format", "projector")
    assert result.exit_code == 0 and (tmp_path / "folder" / "metadata.tsv").is_file()


def test_convert_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("a 1 2\nb 3\n")
    result = run("convert", bad, tmp_path / "out.ekv")
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}, line 2: expected a word and 2 numbers, found 1 number\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt"]


def test_convert_unwritable_words_writes_nothing(tmp_path):
    io.save(Vectors(["new york", "x"], np.ones((2, 2))), tmp_path / "in.ekv")
    result = run("convert", tmp_path / "in.ekv", tmp_path / "out.vec")
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write word 'new york' (row 0) in the word2vec")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.ekv"]


def test_convert_needs_a_known_output_format(tmp_path, glove):
    result = run("convert", glove, tmp_path / "out.dat")
    assert result.exit_code == 1
    assert "cannot tell the format from the name; pass --format (embedkit, word2vec," in result.output
    result = run("convert", glove, tmp_path / "out.dat", "--format", "pickle")
    assert result.exit_code == 2 and "'pickle' is not one of" in result.output


def test_convert_missing_input(tmp_path):
    result = run("convert", tmp_path / "nope.vec", tmp_path / "out.ekv")
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nope.vec'}: no such file or folder\n"


def test_convert_from_a_zip_member(tmp_path):
    with zipfile.ZipFile(tmp_path / "glove.6B.zip", "w") as z:
        z.writestr("glove.6B.50d.txt", "x 1 2\n")
        z.writestr("glove.6B.100d.txt", "x 1 2 3\n")
    result = run("convert", tmp_path / "glove.6B.zip", tmp_path / "out.ekv")
    assert result.exit_code == 1 and "holds 2 files" in result.output
    result = run("convert", f"{tmp_path}/glove.6B.zip:glove.6B.100d.txt", tmp_path / "out.ekv")
    assert result.exit_code == 0 and io.load(tmp_path / "out.ekv").dim == 3


def test_pickles_only_with_trust(tmp_path):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(2)
    kv.add_vectors(["a", "b"], np.float32([[1, 2], [3, 4]]))
    kv.save(str(tmp_path / "v.kv"))
    for command in (["convert", tmp_path / "v.kv", tmp_path / "out.vec"], ["info", tmp_path / "v.kv"]):
        result = run(*command)
        assert result.exit_code == 1
        assert "is a Python pickle" in result.output and "--trust-pickle" in result.output
        assert run(*command, "--trust-pickle").exit_code == 0
    assert io.load(tmp_path / "out.vec").words == ["a", "b"]


def test_unicode_errors_option(tmp_path):
    latin = tmp_path / "latin.vec"
    latin.write_bytes("1 2\ncafé 1 2\n".encode("latin-1"))
    assert io.detect_format(latin) == "word2vec"
    result = run("convert", latin, tmp_path / "out.ekv")
    assert result.exit_code == 1 and "line 2" in result.output and "--unicode-errors replace" in result.output
    result = run("convert", latin, tmp_path / "out.ekv", "--unicode-errors", "replace")
    assert result.exit_code == 0 and io.load(tmp_path / "out.ekv").words == ["caf\ufffd"]


def test_info_text_and_json(tmp_path, glove):
    result = run("info", glove)
    assert result.exit_code == 0
    assert "format        glove" in result.output and "words         3" in result.output
    assert "zero vectors  1" in result.output and "first words   the nan ," in result.output
    summary = json.loads(run("info", glove, "--json").output)
    assert summary["words"] == 3 and summary["dim"] == 3 and summary["zero_vectors"] == 1
    forced = json.loads(run("info", glove, "--json", "--from", "glove").output)
    assert forced["format"] == "glove"


def test_info_of_a_broken_file(tmp_path):
    broken = tmp_path / "v.vec"
    broken.write_text("3 2\na 1 2\n")
    result = run("info", broken)
    assert result.exit_code == 1
    assert result.output == f"Error: {broken}, line 3: the header says 3 words but the file ends after 1\n"


@pytest.mark.parametrize("command", ["convert", "info"])
def test_help_has_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output
