"""Readers of word-pair and analogy files, on tiny hand-made files and the real ones."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from embedkit import registry
from embedkit.evaluation import AnalogySection, Pair, read_analogies, read_similarity
from embedkit.errors import FormatError
from embedkit.files import decode, read_lines
from tests.shared_data import SHARED, needs_shared



def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- text decoding -------------------------------------------------------------------------------


def test_decode_utf8_then_latin1():
    assert decode("café".encode()) == ("café", "utf-8")
    assert decode("\ufeffcafé".encode()) == ("café", "utf-8")
    assert decode(b"sister\xf0city") == ("sisterðcity", "latin-1")
    assert decode(b"songs \x85 a few") == ("songs   a few", "latin-1")  # NEL -> space, as NLTK's copies


def test_read_lines_handles_crlf_and_keeps_unicode_line_separators(tmp_path):
    path = write(tmp_path, "x.txt", "a\r\nb\u2028c\r\nd".encode())
    assert read_lines(path) == ["a", "b\u2028c", "d"]
    assert read_lines(write(tmp_path, "x.gz", gzip.compress(b"a\nb\n"))) == ["a", "b"]


# -- word pairs ----------------------------------------------------------------------------------


def test_tab_separated_pairs_with_comments_header_and_crlf(tmp_path):
    path = write(tmp_path, "pairs.txt",
                 b"# a comment\r\nWord 1\tWord 2\tHuman (mean)\r\nTiger\tcat\t7.35\r\n\r\nNew York\tcity\t5\r\n")
    assert read_similarity(path) == [Pair("Tiger", "cat", 7.35), Pair("New York", "city", 5.0)]


def test_space_separated_pairs(tmp_path):
    path = write(tmp_path, "men.txt", b"sun sunlight 50.000000\nbakery  zebra 0\n")
    assert read_similarity(path) == [("sun", "sunlight", 50.0), ("bakery", "zebra", 0.0)]


def test_latin1_pairs(tmp_path):
    assert read_similarity(write(tmp_path, "p.txt", b"caf\xe9\tth\xe9\t3\n")) == [("café", "thé", 3.0)]


@pytest.mark.parametrize("body, message, line", [
    (b"a\tb\t1\nc\td\n", r"expected 'word1<TAB>word2<TAB>score', found 2 fields: 'c\\td'", 2),
    (b"a\tb\t1\nc\td\tlots\n", r"score 'lots' is not a number", 2),
    (b"a\tb\tnan\n", r"score 'nan' is not a finite number", 1),
    (b"a\tb\t1\tx\n", r".*found 4 fields", 1),
])
def test_malformed_pair_lines_name_file_and_line(tmp_path, body, message, line):
    path = write(tmp_path, "bad.txt", body)
    with pytest.raises(FormatError, match=rf"bad.txt, line {line}: {message}") as error:
        read_similarity(path)
    assert error.value.line == line


def test_a_file_without_pairs_is_an_error(tmp_path):
    with pytest.raises(FormatError, match=r"empty.txt: no word pairs found"):
        read_similarity(write(tmp_path, "empty.txt", b"# nothing\n\n"))


def test_gensim_and_faruqui_copies_of_ws353_agree():
    gensim_pairs = read_similarity(registry.path("ws353"))
    assert len(gensim_pairs) == 353 and gensim_pairs[2] == ("tiger", "tiger", 10.0)
    if SHARED.is_dir():  # the CRLF copy from mfaruqui/eval-word-vectors
        assert read_similarity(SHARED / "wordsim/EN-WS-353-ALL.txt") == gensim_pairs


@needs_shared
def test_every_registered_similarity_file_reads():
    sizes = {e.name: len(read_similarity(registry.path(e, mirror=SHARED))) for e in registry.entries("similarity")}
    assert sizes == {"ws353": 353, "ws353-sim": 203, "ws353-rel": 252, "simlex999": 999, "men": 3000,
                     "rw": 2034, "simverb3500": 3500, "mturk287": 287, "mturk771": 771, "rg65": 65,
                     "mc30": 30, "yp130": 130, "verb143": 144}


# -- analogies -----------------------------------------------------------------------------------


def test_google_layout(tmp_path):
    path = write(tmp_path, "q.txt", b": capital\r\nAthens Greece Oslo Norway\r\n: gram2-opposite\r\n"
                                    b"aware unaware clear unclear\r\n")
    sections = read_analogies(path)
    assert sections == [AnalogySection("capital", [("Athens", "Greece", "Oslo", "Norway")]),
                        AnalogySection("gram2-opposite", [("aware", "unaware", "clear", "unclear")])]
    assert [s.syntactic for s in sections] == [False, True]


def test_questions_before_any_header_go_in_a_section_named_after_the_file(tmp_path):
    sections = read_analogies(write(tmp_path, "mine.txt", b"a b c d\n"))
    assert sections == [AnalogySection("mine", [("a", "b", "c", "d")])]


def test_msr_csv_layout(tmp_path):
    path = write(tmp_path, "msr.csv", b",type,word1,word2,word3,target\n0,JJ_JJR,good,better,rough,rougher\n"
                                      b"1,NN_NNS,cat,cats,dog,dogs\n2,JJ_JJR,big,bigger,small,smaller\n")
    sections = read_analogies(path)
    assert [(s.name, len(s.questions)) for s in sections] == [("JJ_JJR", 2), ("NN_NNS", 1)]
    assert sections[0].questions[1] == ("big", "bigger", "small", "smaller")


@pytest.mark.parametrize("name, body, message", [
    ("q.txt", b": s\na b c\n", r"q.txt, line 2: expected four words 'a b c d'"),
    ("q.csv", b",type,word1,word2,word3\n0,X,a,b,c\n", r"q.csv, line 1: CSV header lacks column target"),
    ("q.csv", b",type,word1,word2,word3,target\n0,X,a,b,c\n", r"q.csv, line 2: expected 6 columns, found 5"),
    ("q.txt", b": only a header\n", r"q.txt: no analogy questions found"),
])
def test_malformed_analogy_files(tmp_path, name, body, message):
    with pytest.raises(FormatError, match=message):
        read_analogies(write(tmp_path, name, body))


def test_real_google_and_msr_files():
    google = read_analogies(registry.path("google"))
    assert len(google) == 14 and sum(len(s.questions) for s in google) == 19544
    assert sum(s.syntactic for s in google) == 9
    if SHARED.is_dir():
        msr = read_analogies(registry.path("msr", mirror=SHARED))
        assert len(msr) == 16 and {len(s.questions) for s in msr} == {500}
