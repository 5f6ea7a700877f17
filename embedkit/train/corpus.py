"""Corpora and vocabularies: stream tokenised sentences from files, count words.

A `Corpus` yields sentences (lists of tokens) from plain, .gz, .bz2 and .xz files and from
folders of them, one sentence per line, never holding more than a chunk of text in memory:
a text8-style file that is one 100 MB line is cut into sentences of at most
`max_sentence_length` tokens, as word2vec does.

A `Vocab` holds the words kept for training (most frequent first), their counts, and the two
distributions skip-gram needs: the keep-probabilities of frequent-word subsampling and the
unigram^0.75 noise distribution of negative sampling.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import warnings
from pathlib import Path
from typing import Iterator, Sequence


from .. import files
from ..errors import EmbedkitError, EmbedkitWarning, FormatError
from ..files import open_binary

# Word characters, with apostrophes and hyphens allowed inside a word: "don't", "state-of-the-art".
TOKEN_PATTERN = re.compile(r"\w+(?:['\u2019\-]\w+)*")

MAX_SENTENCE_LENGTH = 10_000  # gensim's limit too: longer sentences would be truncated by it
CHUNK_CHARS = 1 << 20         # characters read at a time


def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split `text` into tokens: runs of word characters, keeping in-word ' and -."""
    if lowercase:
        text = text.lower()
    return TOKEN_PATTERN.findall(text)


def cut(tokens: list[str], max_sentence_length: int = MAX_SENTENCE_LENGTH) -> list[list[str]]:
    """`tokens` in sentences of at most `max_sentence_length` tokens, as a `Corpus` cuts a line."""
    return [tokens[start:start + max_sentence_length] for start in range(0, len(tokens), max_sentence_length)]


def line_sentences(text: str, lowercase: bool = True, max_sentence_length: int = MAX_SENTENCE_LENGTH) -> list[list[str]]:
    """The sentences one line of a corpus file gives, as `Corpus` reads it: its tokens, cut (`cut`).

    The Spark engine reads files with this, so both read the same sentences.

    Example:
        >>> line_sentences("The cat sat. The end", max_sentence_length=3)
        [['the', 'cat', 'sat'], ['the', 'end']]
    """
    return cut(tokenize(text, lowercase), max_sentence_length)


def corpus_files(source) -> list[Path]:
    """The files a corpus path stands for: the file itself, or every file under a folder.

    Folders are walked recursively in sorted order; hidden files and folders are skipped.
    """
    path = Path(source)
    if not path.exists():
        raise EmbedkitError(f"{path}: no such file or folder")
    if path.is_file():
        return [path]
    files = []
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    if not files:
        raise EmbedkitError(f"{path}: folder holds no files")
    return files


def read_lines(path, chunk_chars: int = CHUNK_CHARS) -> Iterator[tuple[str, bool]]:
    """Yield (text, ends_line) pieces of a file, decoded as `embedkit.files` decodes text.

    The encoding is decided from the first bytes (`files.sniff`): UTF-8, else ISO-8859-1, which
    is said once as an `EmbedkitWarning` ("corpus.txt: not UTF-8, read as Latin-1"). In a UTF-8
    file, later bytes that are not UTF-8 become U+FFFD (never part of a token), said once too.
    Binary data (NUL bytes, a high share of control characters or of bytes that do not decode) is
    refused. Line ends are LF, CRLF or CR.

    Lines come whole unless longer than `chunk_chars`; a longer line is cut at whitespace into
    pieces with ends_line=False, so no line, however long, is held in memory at once.

    Raises:
        FormatError: binary data, or damaged compressed data, naming the file (and the line).
    """
    pending = ""
    for chunk in _decoded(path, chunk_chars):
        pending += chunk
        lines = pending.split("\n")
        pending = lines.pop()
        for line in lines:
            yield line, True
        if len(pending) > chunk_chars:  # a very long line: emit it up to its last whitespace
            cut = max(pending.rfind(" "), pending.rfind("\t"))
            if cut <= 0:
                cut = len(pending)
            yield pending[:cut], False
            pending = pending[cut:]
    if pending:
        yield pending, True


def _decoded(path, chunk_bytes: int) -> Iterator[str]:
    """The text of `path`, a chunk of at most `chunk_bytes` bytes at a time (see `read_lines`)."""
    head = max(chunk_bytes, files.SNIFF_BYTES)
    with open_binary(path) as raw:
        data = raw.read(head)
        encoding = files.sniff(data, complete=len(data) < head)
        files.check_text(data, path, encoding)  # before saying how binary data was "read"
        if encoding == "latin-1":
            warnings.warn(f"{path}: not UTF-8, read as Latin-1 (ISO-8859-1)", EmbedkitWarning,
                          stacklevel=3)
        decoder = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder(
            "utf-8-sig" if encoding == "utf-8" else "latin-1")("replace"), translate=True)
        line, replaced, first = 1, None, True
        while data:
            if not first:  # the first piece was checked above
                files.check_text(data, path, encoding, line=line, whole=len(data) >= 4096)
            first = False
            chunk = decoder.decode(data)
            if encoding == "latin-1":
                yield chunk.replace("\x85", " ")  # NEL, as files.decode reads it
            else:
                bad = chunk.count("\ufffd") - data.count("\ufffd".encode())  # not a real U+FFFD
                if bad > files.CONTROL_SHARE * len(data) and len(data) >= 4096:
                    raise FormatError(path, f"binary data ({bad:,} of {len(data):,} bytes are not "
                                            "UTF-8), not a text file", line=line)
                if bad > 0 and replaced is None:
                    replaced = line + chunk[:chunk.index("\ufffd")].count("\n")
                yield chunk
            line += data.count(b"\n")
            data = raw.read(chunk_bytes)
        yield decoder.decode(b"", final=True)
    if replaced is not None:
        warnings.warn(f"{path}: bytes that are not UTF-8 (the first on line {replaced}) were "
                      "replaced and left out of the tokens", EmbedkitWarning, stacklevel=3)


class Corpus:
    """Sentences of tokens from files, folders, or an in-memory list; iterable many times.

    Parameters
    ----------
    source : path, list of paths, or iterable of token lists
        Files may be plain text or gzip/bzip2/xz compressed (recognised by content).
        A list of lists of strings is used as already-tokenised sentences.
    lowercase : bool
        Lower-case text before tokenising (default True).
    max_sentence_length : int
        Longer lines are cut into sentences of at most this many tokens.
    """

    def __init__(self, source, *, lowercase: bool = True,
                 max_sentence_length: int = MAX_SENTENCE_LENGTH):
        self.lowercase = lowercase
        self.max_sentence_length = int(max_sentence_length)
        self.sentences: Sequence[Sequence[str]] | None = None
        if isinstance(source, (str, os.PathLike)):
            self.files = corpus_files(source)
        elif _is_token_lists(source):
            self.files = []
            self.sentences = source
        else:
            self.files = [f for s in source for f in corpus_files(s)]
        self.description = (", ".join(str(f) for f in self.files[:3]) + (" ..." if len(self.files) > 3 else "")
                            if self.files else f"{len(self.sentences)} in-memory sentences")

    def __iter__(self) -> Iterator[list[str]]:
        if self.sentences is not None:
            for sentence in self.sentences:
                yield from self._cut(list(sentence))
            return
        limit = self.max_sentence_length
        for path in self.files:
            carry: list[str] = []
            for text, ends_line in read_lines(path):
                carry.extend(tokenize(text, self.lowercase))
                while len(carry) >= limit:
                    yield carry[:limit]
                    carry = carry[limit:]
                if ends_line and carry:
                    yield carry
                    carry = []
            if carry:
                yield carry

    def _cut(self, tokens: list[str]) -> Iterator[list[str]]:
        yield from cut(tokens, self.max_sentence_length)


def _is_token_lists(source) -> bool:
    if not isinstance(source, Sequence) or isinstance(source, (str, bytes)):
        return False
    first = next(iter(source), None)
    return first is None or (isinstance(first, Sequence) and not isinstance(first, (str, bytes, os.PathLike)))

