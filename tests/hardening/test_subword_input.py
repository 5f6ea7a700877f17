"""Bad fastText .bin files and bad subword options through the CLI: one `Error:` line naming the
file, exit 1, nothing written."""

from __future__ import annotations

import struct

import pytest

from embedkit import io
from tests.hardening.conftest import bad_input, invoke, snapshot, unchanged
from tests.io.test_subword_files import make_vectors


@pytest.fixture
def good_bin(tmp_cwd):
    io.save(make_vectors(), tmp_cwd / "good.bin")
    return (tmp_cwd / "good.bin").read_bytes()


DAMAGE = {
    "wrong magic": (lambda d: struct.pack("<i", 793712315) + d[4:],
                    "not a word-vectors file embedkit reads (binary data without a word2vec header)"),
    "wrong version": (lambda d: d[:4] + struct.pack("<i", 13) + d[8:],
                      "fastText format version 13 is not supported (versions 11, 12 are)"),
    "old version": (lambda d: d[:4] + struct.pack("<i", 10) + d[8:],
                    "fastText format version 10 is not supported (versions 11, 12 are)"),
    "cut in the args": (lambda d: d[:30], "truncated: the file ends inside the args (needs 64 bytes, has 30)"),
    "cut in the matrix": (lambda d: d[:len(d) // 2], "truncated: the file ends inside the input matrix"),
    "cut at the end": (lambda d: d[:-1], "truncated: the file ends inside the output matrix"),
    "extra bytes": (lambda d: d + b"\0\0", "2 unexpected bytes after the output matrix"),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
@pytest.mark.parametrize("command", [("neighbors", "{}", "walk"), ("info", "{}"), ("similarity", "{}", "a", "b"),
                                     ("evaluate", "{}", "-s", "pairs.tsv")])
def test_a_bad_bin_is_one_error_line(tmp_cwd, good_bin, kind, command):
    damage, message = DAMAGE[kind]
    (tmp_cwd / "bad.bin").write_bytes(damage(good_bin))
    (tmp_cwd / "pairs.tsv").write_text("walk\ttalk\t5\nwalked\ttalks\t3\n", encoding="utf-8")
    args = [a.format("bad.bin") for a in command]
    error = bad_input(*args, names=["bad.bin"], contains=[message])
    assert error.startswith("Error: bad.bin: ")
    assert invoke(*args).exit_code == 1


@pytest.mark.parametrize("kind", ["wrong version", "cut in the matrix"])
def test_converting_a_bad_bin_writes_nothing(tmp_cwd, good_bin, kind):
    damage, message = DAMAGE[kind]
    (tmp_cwd / "bad.bin").write_bytes(damage(good_bin))
    before = snapshot(tmp_cwd)
    bad_input("convert", "bad.bin", "out.ekv", names=["bad.bin"], contains=[message])
    unchanged(tmp_cwd, before)


def test_ngram_options_need_subwords(tmp_cwd):
    (tmp_cwd / "corpus.txt").write_text("a b c\n" * 20, encoding="utf-8")
    error = bad_input("train", "corpus.txt", "-o", "out.ekv", "--min-n", "2", "--bucket", "10")
    assert error == "Error: --min-n, --bucket need --subwords"
    assert not (tmp_cwd / "out.ekv").exists()


def test_writing_bin_needs_subwords(tmp_cwd):
    (tmp_cwd / "corpus.txt").write_text("a b c\n" * 20, encoding="utf-8")
    error = bad_input("train", "corpus.txt", "-o", "out.bin", "--format", "fasttext", names=["out.bin"])
    assert error == "Error: out.bin: the fasttext format holds character n-grams; train with --subwords"
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["corpus.txt"]


def test_converting_whole_word_vectors_to_bin_is_refused(tmp_cwd):
    io.save(make_vectors().head(3), tmp_cwd / "whole.vec")
    before = snapshot(tmp_cwd)
    error = bad_input("convert", "whole.vec", "out.bin", "--format", "fasttext", names=["out.bin"])
    assert "the fasttext format holds vectors with character n-grams; these have none" in error
    unchanged(tmp_cwd, before)
