"""Facebook fastText's `.bin` model files (`cc.*.300.bin`, `wiki.*.bin`): read and write, no pickle.

The layout, as fastText 0.9 writes it (`FastText::saveModel`; little-endian, as on x86):

    int32 magic 793712314, int32 version (12; 11 is read too: it differs for supervised models only)
    args:  int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
           lrUpdateRate; float64 t
    dictionary: int32 size, nwords, nlabels; int64 ntokens, pruneidx_size (-1: not pruned);
           `size` entries: the word's UTF-8 bytes, NUL, int64 count, int8 type (0 word, 1 label);
           pruneidx_size pairs of int32
    bool quant_input; input matrix: int64 m = nwords + bucket, int64 n = dim, m x n float32
    bool qout;        output matrix: int64 m = nwords, int64 n = dim, m x n float32

Reading parses the header and the dictionary (a numba scan for the entries' ends, one decode for
all the words) and memory-maps both matrices: nothing of the 2M x 300 rows is read until used,
where gensim's `load_facebook_vectors` reads both matrices into memory and composes every word's
vector in Python. A compressed file (gzip, bz2, xz) is decompressed into memory first.
Quantized (`.ftz`) and supervised (classifier) models are refused, as is anything that does not
parse, with a `FormatError` naming the file.

Writing streams: the n-gram rows of a compact `SubwordModel` are expanded to fastText's full
bucket layout a block at a time (`SubwordModel.ngram_block`), so a 2M-bucket file is written
without the 2M x dim matrix in memory.
"""

from __future__ import annotations

import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from numba import njit

from ..errors import EmbedkitError, FormatError
from ..files import compression, open_binary
from ..outputs import atomic_output
from ..subwords import NgramSettings, SubwordModel

MAGIC = 793712314
VERSION = 12
READABLE_VERSIONS = (11, 12)
LOSS = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}     # fastText's loss_name
MODEL = {1: "cbow", 2: "skipgram", 3: "supervised"}   # fastText's model_name
_ARGS = struct.Struct("<12id")
_DICT = struct.Struct("<3i2q")
_MATRIX = struct.Struct("<?2q")                        # the quantization flag, then m and n
_ENTRY_TAIL = 9                                        # int64 count + int8 type after the NUL
WRITE_ROWS = 1 << 16                                   # matrix rows written at a time


@dataclass(frozen=True)
class FastTextArgs:
    """The args block of a .bin file: fastText's option names and codes (`fasttext -h`)."""

    dim: int = 100
    ws: int = 5                # window
    epoch: int = 5
    min_count: int = 5
    neg: int = 5               # negatives
    word_ngrams: int = 1
    loss: int = 2              # 1 hs, 2 ns, 3 softmax, 4 ova
    model: int = 2             # 1 cbow, 2 skipgram, 3 supervised
    bucket: int = 2_000_000
    minn: int = 3
    maxn: int = 6
    lr_update_rate: int = 100
    t: float = 1e-4            # subsampling threshold

    @property
    def ngrams(self) -> NgramSettings:
        """The n-gram settings these args train and compose with (minn 0 acts as 1)."""
        return NgramSettings(max(1, self.minn), self.maxn, self.bucket)


@dataclass
class FastTextFile:
    """What a .bin file holds. The matrices are read-only memory maps of the file."""

    path: Path
    version: int
    args: FastTextArgs
    words: list[str]           # the dictionary, in row order
    counts: np.ndarray         # (V,) int64
    ntokens: int               # corpus tokens the model was trained on
    input_matrix: np.ndarray   # (V + bucket, dim) float32: word rows, then n-gram buckets
    output_matrix: np.ndarray  # (V, dim) float32

    def model(self) -> SubwordModel:
        """The words and input matrix as a `SubwordModel`: a vector for any word."""
        return SubwordModel(self.words, self.input_matrix, self.args.ngrams)


# -- reading --------------------------------------------------------------------------------------

def is_fasttext_bin(path) -> bool:
    """True when the (uncompressed) file starts with fastText's magic number."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return len(head) == 4 and struct.unpack("<i", head)[0] == MAGIC


@njit(cache=True, nogil=True)
def _entry_ends(data, start, count, ends):
    """The offset of each dictionary entry's NUL; returns how many complete entries there are."""
    size = data.shape[0]
    pos = start
    for i in range(count):
        while pos < size and data[pos] != 0:
            pos += 1
        if pos + 1 + _ENTRY_TAIL > size:
            return i
        ends[i] = pos
        pos += 1 + _ENTRY_TAIL
    return count


@njit(cache=True, nogil=True)
def _unpack_entries(data, start, ends, joined, counts, types):
    """Split the entries ending at `ends`: joined = the words, each followed by NUL; their
    little-endian int64 counts; their type bytes."""
    dst, pos = 0, start
    for i in range(ends.shape[0]):
        end = ends[i]
        for k in range(pos, end + 1):
            joined[dst] = data[k]
            dst += 1
        count = np.uint64(0)
        for k in range(8):
            count |= np.uint64(data[end + 1 + k]) << np.uint64(8 * k)
        counts[i] = np.int64(count)
        types[i] = data[end + 9]
        pos = end + 1 + _ENTRY_TAIL


class _Reader:
    """A cursor over the file's bytes that names the file and the part when they run out."""

    def __init__(self, path: Path, data: np.ndarray):
        self.path, self.data, self.pos = path, data, 0

    def fail(self, message: str):
        raise FormatError(self.path, message)

    def need(self, size: int, what: str) -> int:
        if size < 0 or self.pos + size > self.data.shape[0]:
            self.fail(f"truncated: the file ends inside the {what} "
                      f"(needs {self.pos + size:,} bytes, has {self.data.shape[0]:,})")
        start = self.pos
        self.pos += size
        return start

    def unpack(self, layout: struct.Struct, what: str) -> tuple:
        start = self.need(layout.size, what)
        return layout.unpack(self.data[start:start + layout.size].tobytes())

    def matrix(self, rows: int, dim: int, what: str) -> np.ndarray:
        start = self.need(rows * dim * 4, what)
        return self.data[start:start + rows * dim * 4].view("<f4").reshape(rows, dim)


def read(path) -> FastTextFile:
    """Read a fastText .bin model: header and dictionary parsed, matrices memory-mapped.

    Args:
        path: a .bin file written by fastText (`fasttext skipgram|cbow`, the published
            `cc.*.300.bin` / `wiki.*.bin`), by gensim's `save_facebook_model`, or by `write`;
            gzip/bz2/xz-compressed files are decompressed into memory.

    Returns:
        `FastTextFile`; `.model()` composes vectors for any word.

    Raises:
        EmbedkitError: no such file, or a folder.
        FormatError: not a fastText model, an unsupported version, a quantized (.ftz) or
            supervised model, or a file that is truncated or does not parse.

    Example:
        >>> model = read("cc.en.300.bin").model()          # doctest: +SKIP
        >>> model.vector("unfriendliness").shape           # doctest: +SKIP
        (300,)
    """
    path = Path(path)
    with open_binary(path) as stream:   # says so when the file is missing or a folder
        data = np.frombuffer(stream.read(), np.uint8) if compression(path) else None
    if data is None:
        if path.stat().st_size == 0:
            raise FormatError(path, "empty file, expected a fastText .bin model")
        data = np.asarray(np.memmap(path, dtype=np.uint8, mode="r"))
    reader = _Reader(path, data)
    if data.shape[0] < 8:
        reader.fail(f"truncated: {data.shape[0]} bytes, not a fastText .bin model")
    magic, version = reader.unpack(struct.Struct("<2i"), "header")
    if magic != MAGIC:
        reader.fail(f"not a fastText .bin model (magic number {magic}, expected {MAGIC})")
    if version not in READABLE_VERSIONS:
        reader.fail(f"fastText format version {version} is not supported (versions "
                    f"{', '.join(map(str, READABLE_VERSIONS))} are)")
    args = FastTextArgs(*reader.unpack(_ARGS, "args"))
    _check_args(reader, args)
    words, counts, ntokens = _read_dictionary(reader, args)

    quantized, rows, dim = reader.unpack(_MATRIX, "input matrix header")
    if quantized:
        reader.fail("quantized model (.ftz): not supported; use the full .bin model")
    if (rows, dim) != (len(words) + args.bucket, args.dim):
        reader.fail(f"input matrix is {rows} x {dim}, expected {len(words)} words + {args.bucket} buckets "
                    f"x {args.dim}")
    input_matrix = reader.matrix(rows, dim, "input matrix")
    quantized, rows, dim = reader.unpack(_MATRIX, "output matrix header")
    if quantized:
        reader.fail("quantized output matrix: not supported; use the full .bin model")
    if (rows, dim) != (len(words), args.dim):
        reader.fail(f"output matrix is {rows} x {dim}, expected {len(words)} x {args.dim}")
    output_matrix = reader.matrix(rows, dim, "output matrix")
    if reader.pos != data.shape[0]:
        reader.fail(f"{data.shape[0] - reader.pos:,} unexpected bytes after the output matrix")
    return FastTextFile(path, version, args, words, counts, ntokens, input_matrix, output_matrix)


def _check_args(reader: _Reader, args: FastTextArgs) -> None:
    if args.model == 3:
        reader.fail("supervised (classifier) model: only word-vector models (cbow, skipgram) are read")
    if args.model not in MODEL or args.loss not in LOSS:
        reader.fail(f"unknown model {args.model} or loss {args.loss} in the args")
    if args.dim < 1 or args.bucket < 0 or args.minn < 0 or args.maxn < 0:
        reader.fail(f"bad args: dim {args.dim}, bucket {args.bucket}, minn {args.minn}, maxn {args.maxn}")


def _read_dictionary(reader: _Reader, args: FastTextArgs) -> tuple[list[str], np.ndarray, int]:
    size, nwords, nlabels, ntokens, pruned = reader.unpack(_DICT, "dictionary header")
    if nlabels:
        reader.fail(f"supervised (classifier) model with {nlabels} labels: only word vectors are read")
    if size < 0 or nwords != size:
        reader.fail(f"bad dictionary header: {size} entries, {nwords} words")
    start = reader.pos
    reader.need(size * (1 + _ENTRY_TAIL), "dictionary")  # the smallest it can be: no allocation past the file
    ends = np.empty(size, dtype=np.int64)
    found = _entry_ends(reader.data, start, size, ends)
    if found < size:
        reader.pos = start
        reader.fail(f"truncated: the file ends inside the dictionary (entry {found + 1:,} of {size:,})")
    stop = int(ends[-1]) + 1 + _ENTRY_TAIL if size else start
    reader.pos = stop
    joined = np.empty(stop - start - size * _ENTRY_TAIL, dtype=np.uint8)
    counts, types = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.uint8)
    _unpack_entries(reader.data, start, ends, joined, counts, types)
    if np.any(types != 0):
        entry = int(np.flatnonzero(types != 0)[0])
        reader.fail(f"dictionary entry {entry + 1} has type {types[entry]}, expected 0 (a word)")
    words = joined.tobytes().decode("utf-8", "backslashreplace").split("\0")[:-1]
    if len(set(words)) != len(words):
        seen = set()
        duplicate = next(w for w in words if w in seen or seen.add(w))
        reader.fail(f"the word {duplicate!r} is in the dictionary twice")
    if pruned > 0:
        reader.need(8 * pruned, "pruned n-gram index")
    if pruned >= 0 and reader.pos + 1 <= reader.data.shape[0] and reader.data[reader.pos] == 0:
        reader.fail("pruned dictionary in a model that is not quantized (fastText refuses it too)")
    return words, counts, int(ntokens)


# -- writing --------------------------------------------------------------------------------------

def write(path, model: SubwordModel, *, counts: Sequence[int] | np.ndarray | None = None,
          output_matrix: np.ndarray | None = None, args: FastTextArgs | None = None,
          ntokens: int | None = None) -> Path:
    """Write `model` as a fastText .bin file (version 12), atomically.

    Args:
        path: the file to write.
        model: words, input matrix and n-gram settings; a compact model's n-gram rows are
            written in fastText's full bucket layout, zeros for the buckets it has no row for.
        counts: each word's corpus count, at least 1 (gensim drops words counted 0); default 1.
        output_matrix: (V, dim) output vectors, needed to continue training; default zeros.
        args: the args block; default fastText's skipgram args with the model's dim, bucket,
            minn and maxn (which always override what `args` says).
        ntokens: corpus tokens; default the sum of `counts`.

    Returns:
        `path`.

    Raises:
        EmbedkitError: a word fastText cannot store (empty, or holding a NUL), counts below 1,
            or an output matrix of the wrong shape.

    Example:
        >>> write("vectors.bin", model, counts=vocab.counts, output_matrix=w_out)  # doctest: +SKIP
    """
    path = Path(path)
    with atomic_output(path) as tmp, open(tmp, "wb") as out:
        write_stream(out, model, counts=counts, output_matrix=output_matrix, args=args, ntokens=ntokens)
    return path


def write_stream(out, model: SubwordModel, *, counts: Sequence[int] | np.ndarray | None = None,
                 output_matrix: np.ndarray | None = None, args: FastTextArgs | None = None,
                 ntokens: int | None = None) -> None:
    """`write` to an open binary stream (a file, or a gzip/bz2/xz stream `io.save` opened)."""
    vocab, dim = len(model.words), model.dim
    counts = np.ones(vocab, np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    if counts.shape != (vocab,):
        raise EmbedkitError(f"{vocab} words but {counts.shape[0]} counts")
    if vocab and counts.min() < 1:
        raise EmbedkitError(f"word {model.words[int(np.argmin(counts))]!r} has count {counts.min()}; "
                            "a fastText model needs counts of at least 1")
    if output_matrix is not None and output_matrix.shape != (vocab, dim):
        raise EmbedkitError(f"output matrix has shape {output_matrix.shape}, expected {(vocab, dim)}")
    settings = model.settings
    header = asdict(args or FastTextArgs())
    header.update(dim=dim, bucket=settings.bucket, minn=settings.min_n, maxn=settings.max_n)
    dictionary = _dictionary_bytes(model.words, counts)
    out.write(struct.pack("<2i", MAGIC, VERSION))
    out.write(_ARGS.pack(*header.values()))
    out.write(_DICT.pack(vocab, vocab, 0, int(counts.sum() if ntokens is None else ntokens), -1))
    out.write(dictionary)
    out.write(_MATRIX.pack(False, vocab + settings.bucket, dim))
    _write_rows(out, lambda a, b: model.word_matrix[a:b], vocab)
    _write_rows(out, model.ngram_block, settings.bucket)
    out.write(_MATRIX.pack(False, vocab, dim))
    if output_matrix is None:
        _write_rows(out, lambda a, b: np.zeros((b - a, dim), np.float32), vocab)
    else:
        _write_rows(out, lambda a, b: output_matrix[a:b], vocab)


def _dictionary_bytes(words: Sequence[str], counts: np.ndarray) -> bytes:
    """The dictionary entries: each word's bytes, NUL, its int64 count, type 0 (a word)."""
    encoded = [w.encode("utf-8", "surrogatepass") for w in words]
    joined = b"".join(encoded)
    if not all(encoded) or b"\0" in joined:
        word = next(w for w, data in zip(words, encoded) if not data or b"\0" in data)
        raise EmbedkitError(f"word {word!r} cannot be stored in a fastText model (empty or holding NUL)")
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    out = np.zeros(len(joined) + len(words) * (1 + _ENTRY_TAIL), dtype=np.uint8)
    _pack_entries(np.frombuffer(joined, np.uint8), lengths, counts.astype("<i8").view(np.uint8), out)
    return out.tobytes()


@njit(cache=True, nogil=True)
def _pack_entries(joined, lengths, count_bytes, out):
    """out = word 0's bytes, NUL, its 8 count bytes, type 0, word 1's bytes, ... (out starts zeroed)."""
    src = dst = 0
    for w in range(lengths.shape[0]):
        for k in range(lengths[w]):
            out[dst + k] = joined[src + k]
        src += lengths[w]
        dst += lengths[w] + 1
        for k in range(8):
            out[dst + k] = count_bytes[8 * w + k]
        dst += _ENTRY_TAIL


def _write_rows(out, block, rows: int) -> None:
    for first in range(0, rows, WRITE_ROWS):
        out.write(np.ascontiguousarray(block(first, min(rows, first + WRITE_ROWS)), dtype="<f4").data)


# -- as `Vectors` ---------------------------------------------------------------------------------

def read_vectors(path, name: str | None = None):
    """`SubwordVectors` of a .bin model: its words, their composed vectors, counts and n-grams.

    Raises what `read` raises.
    """
    from ..subwords import subword_vectors

    found = read(path)
    meta = {"source": name or str(path), "source_format": "fasttext"}
    return subword_vectors(found.model(), found.counts, meta)


def write_vectors(stream, vectors, path) -> None:
    """Write `SubwordVectors` to `stream` as a .bin model, args from `vectors.meta["config"]`.

    The output vectors are not part of `Vectors`: they are written as zeros (fastText reads the
    file, composes any word's vector, and can continue training only from its own .bin files).

    Raises:
        EmbedkitError: vectors without n-grams (not trained with subwords), naming `path`.
    """
    from ..subwords import SubwordVectors

    if not isinstance(vectors, SubwordVectors):
        raise EmbedkitError(f"{path}: the fasttext format holds vectors with character n-grams; these "
                            "have none (train with --subwords, or write another format)")
    config = vectors.meta.get("config") or {}
    defaults = FastTextArgs()
    args = FastTextArgs(ws=int(config.get("window", defaults.ws)), epoch=int(config.get("epochs", defaults.epoch)),
                        min_count=int(config.get("min_count", defaults.min_count)),
                        neg=int(config.get("negative", defaults.neg)), t=float(config.get("sample", defaults.t)))
    counts = None if vectors.counts is None else np.maximum(vectors.counts, 1)
    ntokens = vectors.meta.get("corpus_words")
    write_stream(stream, vectors.subwords, counts=counts, args=args,
                 ntokens=int(ntokens) if isinstance(ntokens, int) else None)
