"""Classification data sets: the registry's layouts, files of your own, and real encodings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from embedkit.downstream.datasets import (
    ClassificationData,
    LabelledTexts,
    load_classification,
    read_label_first,
    read_labelled_lines,
    read_trec,
)
from embedkit.errors import EmbedkitError, FormatError
from tests.shared_data import SHARED, needs_shared

pytestmark = pytest.mark.usefixtures("isolated_home")  # every test: an empty embedkit home



def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- encodings: the original ISO-8859-1 files and NLTK's UTF-8 copies read the same -----------------

POS = ["the film is a charming , ol\u00e9 affair .", "a smart , tender movie \u00e0 la carte ."]
NEG = ["dull , flat and na\u00efve .", "songs   a few misses"]


def test_latin1_and_utf8_copies_of_mr_read_the_same(tmp_path):
    (tmp_path / "utf8").mkdir()
    (tmp_path / "latin1").mkdir()
    for folder, encode in (("utf8", lambda s: s.encode("utf-8")),
                           ("latin1", lambda s: s.replace("songs   a", "songs \x85 a").encode("latin-1"))):
        write(tmp_path / folder / "rt-polarity.pos", b"".join(encode(s) + b"\n" for s in POS))
        write(tmp_path / folder / "rt-polarity.neg", b"".join(encode(s) + b"\n" for s in NEG))
    assert b"\x85" in (tmp_path / "latin1" / "rt-polarity.neg").read_bytes()

    def read(folder):
        return read_labelled_lines({"pos": tmp_path / folder / "rt-polarity.pos",
                                    "neg": tmp_path / folder / "rt-polarity.neg"})
    assert read("utf8") == read("latin1") == LabelledTexts(POS + NEG, ["pos", "pos", "neg", "neg"])


def test_trec_latin1_byte_is_kept(tmp_path):
    path = write(tmp_path / "train.label", b"DESC:manner How did serfdom develop ?\r\n"
                                           b"LOC:city Which city is a sister\xf0city of Los Angeles ?\n")
    assert read_trec(path).labels == ["DESC", "LOC"]
    assert read_trec(path, "fine").labels == ["DESC:manner", "LOC:city"]
    assert read_trec(path).texts[1] == "Which city is a sister\u00f0city of Los Angeles ?"
    with pytest.raises(EmbedkitError, match="trec_labels must be 'coarse' or 'fine'"):
        read_trec(path, "medium")


def test_label_first_lines_and_their_errors(tmp_path):
    path = write(tmp_path / "stsa", b"1 a good film .\n0 bad .\n")
    assert read_label_first(path, {"0": "neg", "1": "pos"}) == LabelledTexts(["a good film .", "bad ."],
                                                                             ["pos", "neg"])
    with pytest.raises(FormatError, match=r"stsa, line 2: unknown label '0'"):
        read_label_first(path, {"1": "pos"})
    with pytest.raises(FormatError, match=r"line 3: expected 'COARSE:fine question'"):
        read_trec(write(tmp_path / "t", b"NUM:date When ?\nHUM:ind Who ?\ndesc what ?\n"))


# -- files and folders of your own ---------------------------------------------------------------


@pytest.mark.parametrize("name, body", [
    ("data.tsv", b"pos\ta fine film\nneg\ta dull, flat film\n"),
    ("data.txt", b"label\ttext\r\npos\ta fine film\r\nneg\ta dull, flat film\r\n"),
    ("glue.tsv", b"sentence\tlabel\na fine film\tpos\na dull, flat film\tneg\n"),
    ("data.csv", b'label,text\npos,a fine film\nneg,"a dull, flat film"\n'),
    ("data2.csv", b'id,sentence,label\n1,a fine film,pos\n2,"a dull, flat film",neg\n'),
    ("data.ft", b"__label__pos a fine film\n\n__label__neg a dull, flat film\n"),
])
def test_own_files_in_every_layout(tmp_path, name, body):
    data = load_classification(write(tmp_path / name, body))
    assert data.train == LabelledTexts(["a fine film", "a dull, flat film"], ["pos", "neg"])
    assert (data.dev, data.test, data.classes, data.name) == (None, None, ["neg", "pos"], Path(name).stem)


@pytest.mark.parametrize("name, body, message", [
    ("a.txt", b"just some text\n", r"a.txt, line 1: cannot tell the layout"),
    ("a.tsv", b"pos\tfine\nneg\n", r"a.tsv, line 2: expected 'label<TAB>text', found 'neg'"),
    ("a.csv", b"label,text\npos,fine,extra\n", r"a.csv, line 2: expected 2 columns, found 3"),
    ("b.csv", b"kind,text\npos,fine\n", r"b.csv, line 1: CSV header must name a 'label' column"),
    ("a.ft", b"__label__pos fine\n__label__a __label__b two labels\n", r"a.ft, line 2: expected one '__label__x'"),
    ("bin.tsv", b"\x8b\x00\x13\rpos\x07\xff\n\x00\x01", r"bin.tsv: not a text file \(it holds NUL bytes\)"),
    ("c.csv", b"label,text\npos,fine\nneg," + b"x" * 200_000 + b"\n", r"c.csv, line 3: malformed CSV: field larger"),
    ("cr.txt", b"just\rsome text\n", r"cr.txt, line 1: cannot tell the layout"),  # the csv module refuses the \r
])
def test_own_files_with_errors(tmp_path, name, body, message):
    with pytest.raises(FormatError, match=message):
        load_classification(write(tmp_path / name, body))


def test_a_folder_with_splits(tmp_path):
    write(tmp_path / "train.tsv", b"a\tone\nb\ttwo\n")
    write(tmp_path / "valid.tsv", b"a\tthree\n")
    write(tmp_path / "test.csv", b"label,text\nc,four\n")
    data = load_classification(tmp_path)
    assert (len(data.train), len(data.dev), len(data.test)) == (2, 1, 1)
    assert data.classes == ["a", "b", "c"]


def test_unknown_names_and_missing_files():
    with pytest.raises(EmbedkitError, match=r"nope: no such file, and not a classification set \(mr, sst2"):
        load_classification("nope")
    with pytest.raises(EmbedkitError, match=r"men is a similarity dataset, not a classification set"):
        load_classification("men")
    with pytest.raises(EmbedkitError, match=r"dataset mr is not on this machine"):
        load_classification("mr")


# -- the real files ------------------------------------------------------------------------------


@needs_shared
def test_real_sets_have_the_documented_sizes_and_classes():
    sizes = {}
    for name in ("mr", "sst2", "sst5", "subj", "trec", "cr", "mpqa"):
        data = load_classification(name, mirror=SHARED)
        assert isinstance(data, ClassificationData) and data.citation
        sizes[name] = (len(data.train), data.dev and len(data.dev), data.test and len(data.test), data.classes)
    assert sizes == {
        "mr": (10662, None, None, ["neg", "pos"]),
        "sst2": (6920, 872, 1821, ["neg", "pos"]),
        "sst5": (8544, 1101, 2210, ["0", "1", "2", "3", "4"]),
        "subj": (10000, None, None, ["objective", "subjective"]),
        "trec": (5452, None, 500, ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]),
        "cr": (3771, None, None, ["neg", "pos"]),      # 2,407 + 1,368 lines, 4 of them blank
        "mpqa": (10603, None, None, ["neg", "pos"]),   # 3,312 + 7,294 lines, 3 of them blank
    }


@needs_shared
def test_real_trec_and_sst2_details():
    trec = load_classification("trec", mirror=SHARED)
    assert trec.train.texts[65] == "Which city has the oldest relationship as a sister\u00f0city with Los Angeles ?"
    assert Counter(trec.train.labels)["DESC"] == 1162 and Counter(trec.test.labels)["NUM"] == 113
    assert len(load_classification("trec", mirror=SHARED, trec_labels="fine").classes) == 50
    sst2 = load_classification("sst2", mirror=SHARED)
    assert Counter(sst2.train.labels) == {"neg": 3310, "pos": 3610}


@needs_shared
def test_real_movie_reviews_read_from_the_zip():
    data = load_classification("movie-reviews", mirror=SHARED)
    assert Counter(data.train.labels) == {"neg": 1000, "pos": 1000}
    assert data.train.texts[0].startswith("plot : two teen couples go to a church party")
