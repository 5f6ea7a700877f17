"""The byte-level corpus pass against the reference: Corpus + Vocab + tokens.txt + native.encode."""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedkit.train import corpus as corpus_module
from embedkit.train import Corpus, Vocab, tokenize
from embedkit.train.engines.native import encode
from embedkit.errors import EmbedkitError, FormatError
from embedkit.train.fastcorpus import _scan, _tokens, scan, scan_corpus, unit_reservoir, write_text
from embedkit.train.fastcorpus._unicode import CONNECTOR, SPECIAL, WORD, lower_tables, raw_classes

ROOT = Path(__file__).resolve().parents[2]


def reference_pass(files, folder: Path, *, lowercase=True, min_count=1, max_vocab=None, max_sentence_length=10_000):
    """Today's pass, as train.prepare and native.encode do it."""
    counter: Counter = Counter()
    sentences = 0
    with open(folder / "tokens.txt", "w", encoding="utf-8") as out:
        for sentence in Corpus(files, lowercase=lowercase, max_sentence_length=max_sentence_length):
            counter.update(sentence)
            out.write(" ".join(sentence) + "\n")
            sentences += 1
    vocab = Vocab.from_counter(counter, min_count=min_count, max_vocab=max_vocab, total_words=sum(counter.values()))
    return vocab, encode(folder / "tokens.txt", vocab, folder), sentences


def assert_same_as_reference(files, *, lowercase=True, min_count=1, max_vocab=None, max_sentence_length=10_000):
    with tempfile.TemporaryDirectory() as tmp:
        mine, theirs = Path(tmp, "fast"), Path(tmp, "reference")
        mine.mkdir()
        theirs.mkdir()
        options = dict(lowercase=lowercase, min_count=min_count, max_vocab=max_vocab,
                       max_sentence_length=max_sentence_length)
        result = scan(files, mine, **options)
        vocab, encoded, sentences = reference_pass(files, theirs, **options)
        assert result.vocab.words == vocab.words
        assert result.vocab.counts.tolist() == vocab.counts.tolist()
        assert result.vocab.total_words == vocab.total_words == result.total_words
        assert (result.vocab.min_count, result.vocab.max_vocab) == (vocab.min_count, vocab.max_vocab)
        assert result.sentences == sentences == encoded.sentences
        for name in ("ids", "starts", "raw_before"):
            assert getattr(result.corpus, name).tolist() == getattr(encoded, name).tolist(), name
            assert getattr(result.corpus, name).dtype == getattr(encoded, name).dtype
        return result


def refused(read):
    """`read`, or ("refused", reason, line) when the text is refused as binary: both readers must
    refuse the same texts, for the same reason."""
    def outcome(*args, **kwargs):
        try:
            return read(*args, **kwargs)
        except FormatError as error:
            return ("refused", error.reason, error.line)
    return outcome


@refused
def fast_sentences(text: str, lowercase=True, max_sentence_length=10_000) -> list[list[str]]:
    """The sentences the byte kernel reads from `text` (every token kept: min_count=1)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "text.txt")
        path.write_bytes(text.encode("utf-8"))
        result = scan(path, tmp, lowercase=lowercase, min_count=1, max_sentence_length=max_sentence_length)
        words, ids, starts = result.vocab.words, result.corpus.ids.tolist(), result.corpus.starts.tolist()
        return [[words[i] for i in ids[a:b]] for a, b in zip(starts, starts[1:])]


@refused
def reference_sentences(text: str, lowercase=True, max_sentence_length=10_000) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "text.txt")
        path.write_bytes(text.encode("utf-8"))
        return list(Corpus(path, lowercase=lowercase, max_sentence_length=max_sentence_length))


# -- the tokenizer ------------------------------------------------------------------------------

TRICKY = list("aZzA09_'\u2019-\u0130i\u0131I\u03a3\u03c3\u03c2\u0391\u03b1 \t\n\r.,:;!?") + [
    "\u0307", "\u0301", "\u0345", "\u00df", "\u01c5", "\u1e9e", "\u2160", "\u00b2", "\u00aa", "\u02b0",
    "\u00ad", "\u200b", "\u2028", "\u0085", "\ufeff", "\u4e2d", "\u6587", "\U0001f600", "\U0001d400",
    "\u0660", "\u0969", "\u2019\u2019", "--", "''", "\r\n", "\u212a", "\u2126", "\u023a", "\u2c65"]

texts = st.one_of(st.text(), st.lists(st.sampled_from(TRICKY)).map("".join),
                  st.lists(st.sampled_from(TRICKY[:30]), min_size=20).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, lowercase=st.booleans())
def test_tokens_equal_corpus_tokenize_on_any_text(text, lowercase):
    assert fast_sentences(text, lowercase) == reference_sentences(text, lowercase)
    line = re.sub(r"[\r\n]", " ", text)
    read = fast_sentences(line, lowercase)
    if not (read and read[0] == "refused"):  # binary-looking text is refused by both readers (checked above)
        assert [t for s in read for t in s] == tokenize(line, lowercase)


@pytest.mark.parametrize("text, tokens", [
    ("Don't stop: state-of-the-art, 'quoted' -dash- end.", ["don't", "stop", "state-of-the-art", "quoted", "dash",
                                                              "end"]),
    ("a--b c'-d e\u2019f g\u2019 \u2019h", ["a", "b", "c", "d", "e\u2019f", "g", "h"]),
    ("\u0130stanbul \u0130-\u0130", ["i", "stanbul", "i", "i"]),          # U+0130 lower-cases to i + U+0307
    ("\u039f\u0394\u039f\u03a3 \u03a3\u0391 \u0391\u03a3.\u0391", ["\u03bf\u03b4\u03bf\u03c2", "\u03c3\u03b1",
                                                                    "\u03b1\u03c3", "\u03b1"]),
    ("Caf\u00e9 \u4e2d\u6587 x\U0001f600y \u2160\u00b2", ["caf\u00e9", "\u4e2d\u6587", "x", "y", "\u2170\u00b2"]),
])
def test_tokens_of_known_cases(text, tokens):
    assert tokenize(text) == tokens
    assert fast_sentences(text) == [tokens]


def test_word_classes_and_lower_case_follow_python():
    classes = raw_classes()
    word = re.compile(r"\w")
    for cp in range(0x110000):
        c = chr(cp)
        expected = CONNECTOR if c in "'\u2019-" else WORD if word.match(c) else None
        if expected is not None:
            assert classes[cp] == expected, hex(cp)
        else:
            assert classes[cp] not in (WORD, CONNECTOR), hex(cp)
    lower, lower_classes = lower_tables()
    for cp in range(0x110000):
        low = chr(cp).lower()
        if cp == 0x3A3 or len(low) != 1:
            assert lower_classes[cp] == SPECIAL, hex(cp)
        else:
            assert lower[cp] == ord(low) and lower_classes[cp] == classes[ord(low)], hex(cp)


def test_greek_and_turkish_runs_go_to_the_reference_tokenizer(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("plain words \u039f\u0394\u039f\u03a3 and x.\u0130y here\n", encoding="utf-8")
    result = assert_same_as_reference([path])
    assert result.reference_runs == 2 and result.reference_files == []
    assert assert_same_as_reference([path], lowercase=False).reference_runs == 0


# -- sentences ----------------------------------------------------------------------------------

def test_lines_end_at_newline_carriage_return_and_crlf_only(tmp_path):
    text = "a b\r\nc\rd\n\n\ne\u2028f\x85g\x0bh\x0ci\x1cj" + " pad" * 10  # few enough control bytes to be text
    assert fast_sentences(text) == reference_sentences(text) == [["a", "b"], ["c"], ["d"],
                                                                 ["e", "f", "g", "h", "i", "j"] + ["pad"] * 10]


@pytest.mark.parametrize("tokens_per_line", [1, 9_999, 10_000, 10_001, 20_000, 25_123])
def test_long_lines_are_cut_every_10000_tokens(tmp_path, tokens_per_line):
    path = tmp_path / "long.txt"
    words = [f"w{i % 313}" for i in range(tokens_per_line)]
    path.write_text(" ".join(words) + "\nshort line\n" + " ".join(words), encoding="utf-8")
    result = assert_same_as_reference([path])
    lengths = np.diff(result.corpus.raw_before).tolist()
    cut = [10_000] * (tokens_per_line // 10_000) + ([tokens_per_line % 10_000] if tokens_per_line % 10_000 else [])
    assert lengths == cut + [2] + cut


def test_a_line_longer_than_a_read_chunk(tmp_path):
    path = tmp_path / "huge.txt"
    words = [f"Word{i % 997}-x{i % 7}" for i in range(150_000)]  # about 1.6M characters on one line
    text = " ".join(words)
    assert len(text) > corpus_module.CHUNK_CHARS
    path.write_text("first line\n" + text + "\nlast\n", encoding="utf-8")
    result = assert_same_as_reference([path])
    assert result.reference_files == []
    assert assert_same_as_reference([path], max_sentence_length=1000).sentences == 1 + 150 + 1


def test_a_run_longer_than_a_read_chunk_is_read_by_the_reference_reader(tmp_path):
    # no space, tab or line end for more than CHUNK_CHARS characters: read_lines cuts inside a word
    path = tmp_path / "run.txt"
    path.write_text("before\n" + "ab," * 400_000 + "x-" * 300_000 + "\nafter\n", encoding="utf-8")
    result = assert_same_as_reference([path])
    assert result.reference_files == [path]


def test_small_max_sentence_length_and_empty_lines(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("\n\na b c d e f g\n\nh\n   \n. , ;\ni j k", encoding="utf-8")
    for n in (1, 2, 3, 7, 8):
        assert_same_as_reference([path], max_sentence_length=n)


# -- encoded corpus and vocabulary ----------------------------------------------------------------

lines = st.lists(st.lists(st.sampled_from(["the", "The", "cat", "sat", "on", "a", "mat", "don't", "x-y", "\u00e9t\u00e9",
                                           "\u0130z", "\u039f\u03a3", "1", "_", "..."]), max_size=30), max_size=40)


@settings(max_examples=60, deadline=None)
@given(lines=lines, min_count=st.integers(1, 4), max_vocab=st.one_of(st.none(), st.integers(1, 6)),
       max_sentence_length=st.integers(1, 12), lowercase=st.booleans())
def test_vocabulary_ids_and_sentences_equal_the_reference(lines, min_count, max_vocab, max_sentence_length, lowercase):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "c.txt")
        path.write_text("\n".join(" ".join(line) for line in lines), encoding="utf-8")
        assert_same_as_reference([path], lowercase=lowercase, min_count=min_count, max_vocab=max_vocab,
                                 max_sentence_length=max_sentence_length)


def test_encoded_shards_decode_back_to_the_tokens(tmp_path, planted_file):
    path, _ = planted_file
    text = path.read_text(encoding="utf-8") + "rare words only once\nthe rare\n"
    path.write_text(text, encoding="utf-8")
    result = scan(path, tmp_path, min_count=2)
    sentences = list(Corpus(path))
    ids, starts, raw_before = result.corpus.ids, result.corpus.starts, result.corpus.raw_before
    assert result.sentences == len(sentences) and raw_before[-1] == result.total_words
    assert ids.dtype == np.int32 and starts.dtype == raw_before.dtype == np.int64
    for s, sentence in enumerate(sentences):
        assert [result.vocab.words[i] for i in ids[starts[s]:starts[s + 1]]] == [w for w in sentence
                                                                                 if w in result.vocab]
        assert raw_before[s + 1] - raw_before[s] == len(sentence)
    assert "once" not in result.vocab and result.vocab.words == Vocab.build(sentences, min_count=2).words
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.int32", "planted.txt", "raw_before.int64",
                                                          "starts.int64"]


def test_ties_keep_first_appearance_across_files_and_max_vocab(tmp_path):
    (tmp_path / "a.txt").write_text("b a c\nc d\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("e a b d\n", encoding="utf-8")
    for max_vocab in (None, 1, 2, 3, 10):
        result = assert_same_as_reference([tmp_path / "a.txt", tmp_path / "b.txt"], max_vocab=max_vocab)
    assert result.vocab.words == ["b", "a", "c", "d", "e"]


@pytest.mark.parametrize("opener, suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"), (lzma.open, ".xz")])
def test_compressed_inputs_give_the_plain_result(tmp_path, opener, suffix, planted_file):
    plain, _ = planted_file
    packed = tmp_path / f"packed{suffix}"
    with opener(packed, "wb") as f:
        f.write(plain.read_bytes())
    folders = tmp_path / "p", tmp_path / "c"
    for folder in folders:
        folder.mkdir()
    a, b = scan(plain, folders[0], min_count=2), scan(packed, folders[1], min_count=2)
    assert a.vocab.words == b.vocab.words and a.vocab.counts.tolist() == b.vocab.counts.tolist()
    for name in ("ids", "starts", "raw_before"):
        assert getattr(a.corpus, name).tolist() == getattr(b.corpus, name).tolist()
    assert_same_as_reference([packed], min_count=2)


def test_invalid_utf8_file_is_taken_back_and_read_by_the_reference_reader(tmp_path):
    good = tmp_path / "1.txt"
    bad = tmp_path / "2.txt"
    after = tmp_path / "3.txt"
    good.write_text("shared words here\nshared\n", encoding="utf-8")
    bad.write_bytes(b"new shared words " * 50 + b"caf\xe9 ok\n\xff\xfe more new\n" + b"tail words\n")
    after.write_text("more words shared new\n", encoding="utf-8")
    result = assert_same_as_reference([good, bad, after])
    assert result.reference_files == [bad]


def test_growth_flushes_and_rollback_with_tiny_buffers(tmp_path, monkeypatch):
    for name, value in (("BLOCK_BYTES", 37), ("OUT_TOKENS", 5), ("OUT_SENTENCES", 4), ("INITIAL_WORDS", 2),
                        ("INITIAL_ARENA", 3), ("FEED_TOKENS", 3)):
        monkeypatch.setattr(_scan, name, value)
    rng = np.random.default_rng(0)
    files = []
    for n in range(4):
        words = [f"w{int(i)}" for i in rng.zipf(1.3, 3000) % 5000]
        text = "\n".join(" ".join(words[i:i + 13]) for i in range(0, len(words), 13))
        path = tmp_path / f"{n}.txt"
        data = text.encode()
        if n == 2:  # invalid UTF-8 near the end: much of the file is counted before the kernel sees it
            data = data[:-50] + b"\xc3\x28" + data[-50:]
        if n == 3:
            data = data.replace(b"w1 ", b"\xce\xa3\xce\x91w1 ")  # runs with capital sigma
        path.write_bytes(data)
        files.append(path)
    result = assert_same_as_reference(files, min_count=2, max_sentence_length=9)
    assert result.reference_files == [files[2]] and result.reference_runs > 0


def test_scan_corpus_and_errors(tmp_path, planted_file):
    path, _ = planted_file
    corpus = Corpus(path, lowercase=False, max_sentence_length=5)
    result = scan_corpus(corpus, tmp_path, min_count=1)
    assert result.sentences == len(list(corpus))
    with pytest.raises(ValueError, match="in-memory sentences"):
        scan_corpus(Corpus([["a", "b"]]), tmp_path)
    with pytest.raises(ValueError, match="max_sentence_length must be at least 1, got 0"):
        scan(path, tmp_path, max_sentence_length=0)
    with pytest.raises(EmbedkitError, match="no such file or folder"):
        scan(tmp_path / "missing.txt", tmp_path)


def test_empty_corpus(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("... ,,, \n\n", encoding="utf-8")
    result = assert_same_as_reference([path])
    assert result.total_words == 0 and len(result.vocab) == 0 and result.corpus.raw_before.tolist() == [0]


# -- the loss sample and the tokenised text ---------------------------------------------------------

def long_lines_file(path: Path, lengths, vocabulary=40, seed=0) -> Path:
    """Lines of the given numbers of tokens, Zipf-like words (some below any min-count)."""
    rng = np.random.default_rng(seed)
    path.write_text("".join(" ".join(f"w{int(i)}" for i in rng.zipf(1.5, n) % vocabulary) + "\n" for n in lengths),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("size, piece", [(10, 200), (600, 200), (5000, 200), (7, 3), (40, 1)])
def test_loss_sample_and_reservoir_equal_the_python_pass(tmp_path, planted_file, monkeypatch, size, piece):
    import embedkit.train.prepare as train
    from embedkit.train import SkipGramConfig

    seen = []
    draw = train.draw_loss_sample
    monkeypatch.setattr(train, "draw_loss_sample", lambda units, *a: seen.append(units) or draw(units, *a))
    path, _ = planted_file
    lengths = [1, 2, 450, 5, 199, 200, 201, 3, 1000] * 3
    text = path.read_text(encoding="utf-8") + long_lines_file(tmp_path / "long.txt", lengths).read_text()
    path.write_text(text + "unique1 g0w1 unique2\n", encoding="utf-8")
    config = SkipGramConfig(min_count=2, seed=7, loss_pairs=500)
    folders = tmp_path / "python", tmp_path / "fast"
    prepared = []
    for folder, fast in zip(folders, (False, True)):
        folder.mkdir()
        prepared.append(train.prepare(Corpus(path), config, folder, reservoir_size=size, piece=piece, fast=fast))
    python, fast = prepared
    vocab = python.vocab
    assert [[w for w in unit if w in vocab] for unit in seen[0]] == seen[1]
    for name in ("inputs", "outputs", "negatives"):
        assert np.array_equal(getattr(fast.loss_sample, name), getattr(python.loss_sample, name))
    assert (fast.total_words, fast.sentences, fast.vocab.words) == (python.total_words, python.sentences, vocab.words)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lengths=st.lists(st.integers(1, 30), max_size=60), size=st.integers(1, 12), piece=st.integers(1, 7),
       chunk=st.sampled_from([None, 1, 2, 5]))
def test_unit_reservoir_is_algorithm_r_over_units(tmp_path_factory, monkeypatch, lengths, size, piece, chunk):
    folder = tmp_path_factory.mktemp("units")
    path = long_lines_file(folder / "c.txt", lengths, vocabulary=6)
    result = scan(path, folder, min_count=2, keep_tokens=True)
    sentences = list(Corpus(path))
    rng = np.random.default_rng(5)
    reservoir, units = [], 0
    for sentence in sentences:  # as train.prepare draws
        for start in range(0, len(sentence), piece):
            units += 1
            unit = [result.vocab.index[w] for w in sentence[start:start + piece] if w in result.vocab]
            if len(reservoir) < size:
                reservoir.append(unit)
            else:
                j = int(rng.integers(0, units))
                if j < size:
                    reservoir[j] = unit
    after = rng.random()
    if chunk is not None:
        monkeypatch.setattr(_tokens, "UNIT_CHUNK", chunk)
        monkeypatch.setattr(_tokens, "SENTENCE_CHUNK", chunk)
    rng = np.random.default_rng(5)
    drawn = unit_reservoir(result.tokens, size, piece, rng)
    assert drawn.units == reservoir and drawn.count == units and rng.random() == after
    assert drawn.pairable == any(len(s) >= 2 for s in sentences)


@pytest.mark.parametrize("chunks", [False, True])
def test_tokenised_text_is_the_python_pass_copy(tmp_path, monkeypatch, chunks):
    path = long_lines_file(tmp_path / "c.txt", [1, 3, 12_000, 4, 1, 250], vocabulary=300)
    path.write_text(path.read_text() + "caf\u00e9 don't \u4e2d\u6587 x\n", encoding="utf-8")
    if chunks:
        for name, value in (("TOKEN_CHUNK", 3), ("SENTENCE_CHUNK", 2), ("TEXT_BYTES", 5)):
            monkeypatch.setattr(_tokens, name, value)
    reference = tmp_path / "reference.txt"
    reference.write_text("".join(" ".join(s) + "\n" for s in Corpus(path)), encoding="utf-8")
    result = scan(path, tmp_path, min_count=3, keep_tokens=True)
    write_text(result.tokens, tmp_path / "tokens.txt", "the text")
    assert (tmp_path / "tokens.txt").read_bytes() == reference.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt", "ids.int32", "raw_before.int64", "reference.txt",
                                                          "starts.int64", "tokens.int32", "tokens.txt"]


def test_bench_corpus_pass_help():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "corpus_pass.py"), "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--parts" in done.stdout


def test_a_broken_compressed_file_is_left_to_the_reference_reader(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("some words\n", encoding="utf-8")
    broken = tmp_path / "b.gz"
    broken.write_bytes(gzip.compress(b"more words here\n" * 1000)[:-20])  # cut short
    with pytest.raises(Exception) as reference:
        list(Corpus([good, broken]))
    with pytest.raises(type(reference.value)) as fast:
        scan([good, broken], tmp_path)
    assert str(fast.value) == str(reference.value)
