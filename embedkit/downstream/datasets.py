"""Sentence-classification data sets (MR, SST-2, SST-5, SUBJ, TREC, CR, MPQA, ...) as labelled texts.

`load_classification` takes a registry name (its files found by `embedkit.registry.locate`) or a
path of your own: ``label<TAB>text`` lines, a CSV with a header naming a ``label`` column and a
``text`` or ``sentence`` column, fastText's ``__label__x text`` lines, or a folder holding
``train.*`` and optionally ``dev.*`` (or ``valid.*``) and ``test.*`` files in one of those layouts.

Texts are returned exactly as the files hold them, decoded correctly (UTF-8, else ISO-8859-1: the
original Cornell MR/SUBJ files and TREC's training file are Latin-1); only the line end is removed.
Blank lines carry no text and are skipped (CR has 4, MPQA 3).

Example:
    >>> from embedkit.downstream.datasets import load_classification
    >>> data = load_classification("trec", mirror="../shared/datasets")
    >>> len(data.train), len(data.test), data.classes
    (5452, 500, ['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM'])
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import registry
from ..errors import EmbedkitError, FormatError
from ..files import open_binary, reading
from ..files import decode, read_lines


@dataclass
class LabelledTexts:
    """One split: ``texts[i]`` has class ``labels[i]``."""

    texts: list[str]   # raw sentence strings, decoded correctly
    labels: list[str]  # class names as strings, e.g. "pos"/"neg", "DESC", "0".."4"

    def __post_init__(self):
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.texts)


@dataclass
class ClassificationData:
    """A data set's splits, classes and citation."""

    name: str
    train: LabelledTexts
    dev: LabelledTexts | None   # None when the dataset defines no dev split
    test: LabelledTexts | None  # None when the dataset has no standard split (MR, SUBJ, CR, MPQA)
    classes: list[str]          # sorted, stable
    citation: str


# -- readers of the registry's layouts -----------------------------------------------------------


def read_labelled_lines(files: dict[str, os.PathLike | str]) -> LabelledTexts:
    """One text per line, one file per class (``{"pos": "rt-polarity.pos", ...}``), in that order."""
    texts, labels = [], []
    for label, path in files.items():
        lines = [line.strip() for line in read_lines(path)]
        lines = [line for line in lines if line]
        texts += lines
        labels += [label] * len(lines)
    return LabelledTexts(texts, labels)


def read_label_first(path, labels: dict[str, str] | None = None) -> LabelledTexts:
    """``LABEL text`` lines (the SST files); `labels` renames classes (``{"0": "neg", "1": "pos"}``)."""
    texts, out = [], []
    for number, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        label, _, text = line.strip().partition(" ")
        if not text.strip():
            raise FormatError(path, f"expected 'LABEL text', found {line.strip()[:60]!r}", number)
        if labels is not None and label not in labels:
            raise FormatError(path, f"unknown label {label!r} (expected one of {', '.join(labels)})", number)
        texts.append(text.strip())
        out.append(labels[label] if labels is not None else label)
    return LabelledTexts(texts, out)


def read_trec(path, labels: str = "coarse") -> LabelledTexts:
    """Li and Roth's ``COARSE:fine question`` lines; `labels` is 'coarse' (DESC) or 'fine' (DESC:manner)."""
    if labels not in ("coarse", "fine"):
        raise EmbedkitError(f"trec_labels must be 'coarse' or 'fine', got {labels!r}")
    texts, out = [], []
    for number, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        label, _, text = line.strip().partition(" ")
        coarse, colon, fine = label.partition(":")
        if not colon or not coarse.isupper() or not fine or not text.strip():
            raise FormatError(path, f"expected 'COARSE:fine question', found {line.strip()[:60]!r}", number)
        texts.append(text.strip())
        out.append(coarse if labels == "coarse" else label)
    return LabelledTexts(texts, out)


def read_zipped_documents(path) -> LabelledTexts:
    """A zip of ``<name>/<label>/<file>.txt`` documents (NLTK's movie_reviews), one text per file."""
    texts, labels = [], []
    if not zipfile.is_zipfile(path):
        raise EmbedkitError(f"{path}: not a readable zip archive")
    with reading(path), zipfile.ZipFile(path) as z:
        for member in sorted(z.namelist()):
            parts = member.split("/")
            if len(parts) == 3 and parts[2].endswith(".txt"):
                with reading(f"{path}:{member}"):  # a damaged member: a FormatError naming it
                    text, _ = decode(z.read(member))
                texts.append(text.strip())
                labels.append(parts[1])
    if not texts:
        raise FormatError(path, "no <name>/<label>/<file>.txt documents in the archive")
    return LabelledTexts(texts, labels)


def _by_name(name: str, folder: Path, trec_labels: str) -> tuple[LabelledTexts, LabelledTexts | None,
                                                                   LabelledTexts | None]:
    """(train, dev, test) of a registry dataset whose files lie in `folder`."""
    f = folder.joinpath
    if name == "mr":
        return read_labelled_lines({"pos": f("rt-polarity.pos"), "neg": f("rt-polarity.neg")}), None, None
    if name == "subj":
        return read_labelled_lines({"subjective": f("quote.tok.gt9.5000"),
                                    "objective": f("plot.tok.gt9.5000")}), None, None
    if name in ("cr", "mpqa"):
        stem = "custrev" if name == "cr" else "mpqa"
        return read_labelled_lines({"pos": f(f"{stem}.pos"), "neg": f(f"{stem}.neg")}), None, None
    if name in ("sst2", "sst5"):
        stem, labels = ("binary", {"0": "neg", "1": "pos"}) if name == "sst2" else \
            ("fine", {str(i): str(i) for i in range(5)})
        train, dev, test = (read_label_first(f(f"stsa.{stem}.{split}"), labels) for split in ("train", "dev", "test"))
        return train, dev, test
    if name == "trec":
        return read_trec(f("train_5500.label"), trec_labels), None, read_trec(f("TREC_10.label"), trec_labels)
    if name == "movie-reviews":
        return read_zipped_documents(f("movie_reviews.zip")), None, None
    raise EmbedkitError(f"embedkit has no reader for the classification set {name!r}")


# -- files of your own ---------------------------------------------------------------------------


def read_labelled_file(path) -> LabelledTexts:
    """``label<TAB>text`` lines, a CSV with a header (``label`` and ``text``/``sentence`` columns; a
    TSV with such a header works too), or fastText ``__label__x text`` lines; the layout is detected.

    Raises:
        FormatError: the layout cannot be told, or a line does not follow it (file and line named).
    """
    with open_binary(path) as stream:
        text, _ = decode(stream.read())
    if "\x00" in text:
        raise FormatError(path, "not a text file (it holds NUL bytes)")
    first = next((line for line in text.split("\n") if line.strip()), "")
    if first.startswith("__label__"):
        return _read_fasttext(path, text)
    for delimiter in ("\t", ","):
        try:
            header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter))]
        except csv.Error:  # not a header line of this layout (a stray carriage return, say)
            continue
        if "label" in header and ("text" in header or "sentence" in header):
            return _read_table(path, text, delimiter, header)
    if Path(path).suffix.lower() == ".csv":
        raise FormatError(path, "CSV header must name a 'label' column and a 'text' or 'sentence' "
                                f"column, found {first[:60]!r}", 1)
    if "\t" in first:
        return _read_tab_pairs(path, text)
    raise FormatError(path, "cannot tell the layout: expected 'label<TAB>text' lines, a CSV with a "
                            "'label,text' header, or fastText '__label__x text' lines", 1)


def _lines(text: str):
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            yield number, line


def _read_fasttext(path, text: str) -> LabelledTexts:
    texts, labels = [], []
    for number, line in _lines(text):
        words = line.split()
        tags = [w for w in words if w.startswith("__label__")]
        if len(tags) != 1 or not words[0].startswith("__label__") or len(words) < 2:
            raise FormatError(path, f"expected one '__label__x' then the text, found {line[:60]!r}", number)
        labels.append(words[0][len("__label__"):])
        texts.append(line.strip()[len(words[0]):].strip())
    return LabelledTexts(texts, labels)


def _read_table(path, text: str, delimiter: str, header: list[str]) -> LabelledTexts:
    label_at = header.index("label")
    text_at = header.index("text") if "text" in header else header.index("sentence")
    texts, labels = [], []
    quoting = csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    next(reader)
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise FormatError(path, f"expected {len(header)} columns, found {len(row)}", reader.line_num)
            if not row[label_at].strip():
                raise FormatError(path, "empty label", reader.line_num)
            labels.append(row[label_at].strip())
            texts.append(row[text_at].strip())
    except csv.Error as error:
        raise FormatError(path, f"malformed CSV: {error}", reader.line_num) from None
    return LabelledTexts(texts, labels)


def _read_tab_pairs(path, text: str) -> LabelledTexts:
    texts, labels = [], []
    for number, line in _lines(text):
        label, tab, body = line.partition("\t")
        if not tab or not label.strip() or not body.strip():
            raise FormatError(path, f"expected 'label<TAB>text', found {line[:60]!r}", number)
        labels.append(label.strip())
        texts.append(body.strip())
    return LabelledTexts(texts, labels)


def _read_folder(folder: Path):
    found = {}
    for split, stems in (("train", ("train",)), ("dev", ("dev", "valid", "validation")), ("test", ("test",))):
        matches = sorted(p for p in folder.iterdir() if p.is_file() and p.name.split(".")[0] in stems)
        if len(matches) > 1:
            raise EmbedkitError(f"{folder}: several {split} files: {', '.join(p.name for p in matches)}")
        found[split] = read_labelled_file(matches[0]) if matches else None
    if found["train"] is None:
        raise EmbedkitError(f"{folder}: no train.* file (expected train.tsv/.csv/.txt, optionally dev.* and test.*)")
    return found["train"], found["dev"], found["test"]


# -- the one entry point -------------------------------------------------------------------------


def load_classification(name_or_path, *, mirror=None, trec_labels: str = "coarse") -> ClassificationData:
    """A classification data set by registry name (`mr`, `sst2`, `sst5`, `subj`, `trec`, `cr`, `mpqa`,
    `movie-reviews`) or from a file or folder of your own (see the module docstring).

    Args:
        name_or_path: a registry name, or a path (a path wins when a file of that name exists).
        mirror: folder to read registry datasets from (else ``EMBEDKIT_MIRROR``, then the cache).
        trec_labels: 'coarse' (6 classes, ``DESC``) or 'fine' (50 classes, ``DESC:manner``) for TREC.

    Returns:
        ClassificationData: `dev`/`test` are None where the data set defines no such split.
        Labels: MR, CR, MPQA, SST-2 'neg'/'pos'; SUBJ 'objective'/'subjective'; SST-5 '0'..'4'.

    Raises:
        EmbedkitError: unknown name, files missing (the message says how to fetch them), or a
            malformed file (`FormatError`, with file and line).
    """
    spec = os.fspath(name_or_path)
    if os.path.exists(spec):
        path = Path(spec)
        if path.is_dir():
            train, dev, test = _read_folder(path)
        else:
            train, dev, test = read_labelled_file(path), None, None
        name, citation = path.stem if path.is_file() else path.name, ""
    else:
        try:
            entry = registry.get(spec)
        except EmbedkitError:
            known = ", ".join(e.name for e in registry.entries("classification"))
            raise EmbedkitError(f"{spec}: no such file, and not a classification set ({known})") from None
        if entry.kind != "classification":
            raise EmbedkitError(f"{entry.name} is a {entry.kind} dataset, not a classification set")
        train, dev, test = _by_name(entry.name, registry.locate(entry, mirror), trec_labels)
        name, citation = entry.name, entry.citation
    if not train.texts:
        raise EmbedkitError(f"{spec}: no labelled texts found")
    classes = sorted(set(train.labels).union(*(s.labels for s in (dev, test) if s is not None)))
    return ClassificationData(name, train, dev, test, classes, citation)
