"""The native engine: embedkit's own skip-gram trainer, numba kernels on Python threads.

1. The corpus is in files of the work folder as word ids (int32, out-of-vocabulary words
   dropped), the start of each sentence in them, and the corpus words before each sentence
   (out-of-vocabulary words included, as gensim counts them for progress and learning rate):
   written by the corpus pass (`train.prepare` with `fastcorpus`), or encoded here once from
   the tokenised text (`encode`). The corpus need not fit in memory.
2. Each epoch is cut into pieces of whole sentences (~`PIECE_WORDS` words). `workers` Python
   threads take pieces in order, read each piece's ids from the files (`EncodedCorpus.read`:
   memory holds the pieces being trained, whatever the corpus size) and train them with
   `native_kernels.train_piece`, which runs without the GIL and updates the shared matrices
   Hogwild-style. The main thread reports progress to the monitor and turns Ctrl-C into a
   clean stop after the running pieces.
3. Every piece has its own random stream, seeded from (seed, epoch, piece), and its own
   learning rates, set from its position in the corpus: with `workers=1` a run is a pure
   function of the seed.

The kernels compile once per machine (numba `cache=True`); the time that takes (or loading
them from the cache) is measured before training and reported apart from it.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from pathlib import Path

import numpy as np

from ...outputs import write_error

PIECE_WORDS = 65_536      # corpus words per piece: what a thread takes at a time
ENCODE_BATCH = 1 << 20    # word ids buffered before they are appended to the file
SCAN_CHUNK = 1 << 16      # sentence offsets read at a time to cut pieces and find the longest sentence
_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1


FILES = ("ids.int32", "starts.int64", "raw_before.int64")


class EncodedCorpus:
    """The corpus as word ids: `ids[starts[s]:starts[s + 1]]` is sentence s.

    `raw_before[s]` counts the corpus words before sentence s, out-of-vocabulary ones included;
    raw_before[-1] is the corpus size. All three arrays are read-only (memory maps of the files
    `FILES` in `folder`, when it is given: then `read`, `pieces` and `longest` read the files in
    bounded chunks and leave the maps untouched, so memory does not grow with the corpus).
    """

    def __init__(self, ids: np.ndarray, starts: np.ndarray, raw_before: np.ndarray, folder: Path | None = None):
        self.ids = ids                 # (n_tokens,) int32
        self.starts = starts           # (n_sentences + 1,) int64
        self.raw_before = raw_before   # (n_sentences + 1,) int64
        self.folder = folder

    @property
    def sentences(self) -> int:
        return int(self.starts.shape[0] - 1)

    @property
    def total_words(self) -> int:
        return int(self.raw_before[-1])

    def read(self, first: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sentences first..stop-1 on their own: (ids, starts, raw_before), read-only, with starts
        from 0 and raw_before as in the whole corpus (what `train_piece` takes, first=0)."""
        if self.folder is None:
            starts = self.starts[first:stop + 1]
            ids, raw_before = self.ids[starts[0]:starts[-1]], self.raw_before[first:stop + 1]
        else:
            starts = self._pread("starts.int64", np.int64, first, stop - first + 1)
            raw_before = self._pread("raw_before.int64", np.int64, first, stop - first + 1)
            ids = self._pread("ids.int32", np.int32, int(starts[0]), int(starts[-1] - starts[0]))
        return ids, _read_only(starts - starts[0]), raw_before

    def _pread(self, name: str, dtype, first: int, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize
        fd = os.open(self.folder / name, os.O_RDONLY)
        try:
            data = os.pread(fd, size * count, size * first)
        finally:
            os.close(fd)
        return np.frombuffer(data, dtype)  # read-only, as the memory maps are

    def _chunks(self, name: str):
        """The array `name` (starts or raw_before) in pieces of at most SCAN_CHUNK: (index of the first, values)."""
        array = getattr(self, name.split(".")[0])
        for first in range(0, array.shape[0], SCAN_CHUNK):
            count = min(SCAN_CHUNK, array.shape[0] - first)
            yield first, (array[first:first + count] if self.folder is None
                          else self._pread(name, np.int64, first, count))

    def pieces(self, words: int = PIECE_WORDS) -> list[tuple[int, int]]:
        """Consecutive sentence ranges [first, stop) of about `words` corpus words each."""
        targets = np.arange(0, self.total_words, words)
        bounds = np.zeros(targets.shape[0], np.int64)
        for first, values in self._chunks("raw_before.int64"):  # the last sentence starting <= target
            at = np.searchsorted(targets, values[0])
            bounds[at:] = first + np.searchsorted(values, targets[at:], side="right") - 1
        bounds = np.unique(np.concatenate([[0], bounds, [self.sentences]]))
        return [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]

    def longest(self) -> int:
        """Word ids in the longest sentence."""
        longest, before = 0, None
        for _, values in self._chunks("starts.int64"):
            if before is not None:
                values = np.concatenate([[before], values])
            if values.shape[0] > 1:
                longest = max(longest, int(np.diff(values).max()))
            before = values[-1]
        return longest


def encode(path: Path, vocab, folder: Path) -> EncodedCorpus:
    """Encode the tokenised corpus at `path` (one sentence per line) into memory maps in `folder`.

    Streams: at most about `ENCODE_BATCH` ids and sentence offsets are held before being appended
    to the files.
    """
    index = vocab.index
    ids: list[int] = []
    starts, raws = [0], [0]       # per sentence: tokens kept before it, corpus words before it
    kept = raw = 0
    with open(path, encoding="utf-8") as lines, open(folder / "ids.int32", "wb") as ids_file, \
            open(folder / "starts.int64", "wb") as starts_file, open(folder / "raw_before.int64", "wb") as raws_file:
        for line in lines:
            tokens = line.split()
            known = [i for i in map(index.get, tokens) if i is not None]
            ids.extend(known)
            kept += len(known)
            raw += len(tokens)
            starts.append(kept)
            raws.append(raw)
            if len(ids) + len(starts) >= ENCODE_BATCH:
                _flush(ids, ids_file, np.int32)
                _flush(starts, starts_file, np.int64)
                _flush(raws, raws_file, np.int64)
        _flush(ids, ids_file, np.int32)
        _flush(starts, starts_file, np.int64)
        _flush(raws, raws_file, np.int64)

    def mapped(name, dtype):
        if (folder / name).stat().st_size == 0:  # np.memmap refuses empty files
            return _read_only(np.zeros(0, dtype=dtype))
        return np.asarray(np.memmap(folder / name, dtype=dtype, mode="r"))

    return EncodedCorpus(mapped("ids.int32", np.int32), mapped("starts.int64", np.int64),
                         mapped("raw_before.int64", np.int64), folder)


def word_ids(prepared, monitor) -> EncodedCorpus:
    """The prepared corpus as word ids: the corpus pass's, or `prepared.path` encoded now.

    Tells `monitor` how long encoding took, when it had to (monitor.say, and engine_info's
    encode_seconds where the monitor has one).

    Raises:
        EmbedkitError: an error writing the encoded corpus (a full disk, a file size limit).
    """
    started = time.perf_counter()
    corpus = prepared.encoded
    if corpus is None:
        try:
            corpus = encode(prepared.path, prepared.vocab, prepared.path.parent)
        except OSError as error:  # a full disk or a file size limit in the temporary folder
            raise write_error(prepared.path.parent, error, "the corpus as word ids") from None
        monitor.say(f"native: corpus encoded to word ids in {time.perf_counter() - started:.1f} s")
    if hasattr(monitor, "engine_info"):
        monitor.engine_info.update(encode_seconds=round(time.perf_counter() - started, 3))
    return corpus


def _flush(values: list, file, dtype) -> None:
    np.asarray(values, dtype=dtype).tofile(file)
    values.clear()


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def keep_thresholds(keep_probabilities: np.ndarray) -> np.ndarray:
    """Subsampling keep-probabilities as 32-bit thresholds, uint64; 2^32 means always kept."""
    return np.minimum(np.round(np.asarray(keep_probabilities) * 2.0 ** 32), 2.0 ** 32).astype(np.uint64)


def piece_seed(seed: int, epoch: int, piece: int) -> np.uint64:
    """The seed of one piece's random stream: distinct for every (seed, epoch, piece)."""
    x = (seed * _GOLDEN + (epoch + 1) * 0xBF58476D1CE4E5B9 + (piece + 1) * 0x94D049BB133111EB) & _MASK64
    return np.uint64(x)


def initial_vectors(vocab_size: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """word2vec's start: input vectors uniform in [-0.5/dim, 0.5/dim), output vectors zero."""
    rng = np.random.default_rng(seed)
    w_in = ((rng.random((vocab_size, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim))
    return np.ascontiguousarray(w_in, dtype=np.float32), np.zeros((vocab_size, dim), dtype=np.float32)


class _Kernel:
    """Everything `train_piece` needs besides the piece itself, and one thread's scratch."""

    def __init__(self, corpus: EncodedCorpus, w_in, w_out, keep, alias_threshold, alias_index, config):
        from .native_kernels import sigmoid_table, train_piece

        self.function = train_piece
        self.table = sigmoid_table()
        self.corpus = corpus
        self.w_in, self.w_out = w_in, w_out
        self.keep, self.alias_threshold, self.alias_index = keep, alias_threshold, alias_index
        self.config = config
        self.longest = corpus.longest()

    def scratch(self):
        c = self.config
        block = 2 * c.window
        return (np.empty(max(1, self.longest), dtype=np.int32), np.empty(block, dtype=np.int32),
                np.empty(1 + c.negative, dtype=np.int32),
                np.empty((block, 1 + c.negative), dtype=np.float32),
                np.empty((block, c.vector_size), dtype=np.float32))

    def __call__(self, first, stop, words_before, seed, scratch) -> int:
        c = self.config
        ids, starts, raw_before = self.corpus.read(first, stop)
        return self.function(ids, starts, raw_before, 0, stop - first,
                             self.w_in, self.w_out, self.keep, self.alias_threshold, self.alias_index,
                             self.table, c.window, c.negative, float(c.alpha), float(c.min_alpha),
                             words_before, c.epochs * self.corpus.total_words, seed, *scratch)


def compile_kernels(config) -> tuple[float, str]:
    """Compile the kernels, or load them from numba's cache, by training a 4-word corpus.

    The tiny problem has the types of the real one (read-only memory maps included), so training
    runs the version compiled here. Returns (seconds, how): how is "compiled", "loaded from cache"
    or "already loaded" (by an earlier run in this process).
    """
    from .native_kernels import alias_table, train_piece

    started = time.perf_counter()
    before = len(train_piece.signatures), sum(train_piece.stats.cache_hits.values())
    ids, bounds = _read_only(np.array([0, 1, 0, 1], np.int32)), _read_only(np.array([0, 4], np.int64))
    corpus = EncodedCorpus(ids, bounds, bounds)
    kernel = _Kernel(corpus, *initial_vectors(2, config.vector_size, 0), keep_thresholds(np.ones(2)),
                     *alias_table(np.array([0.5, 0.5])), config)
    kernel(0, 1, 0, piece_seed(0, 0, 0), kernel.scratch())
    after = len(train_piece.signatures), sum(train_piece.stats.cache_hits.values())
    how = "already loaded" if after[0] == before[0] else "loaded from cache" if after[1] > before[1] else "compiled"
    return time.perf_counter() - started, how


def train(prepared, config, monitor):
    from .native_kernels import alias_table

    seconds, how = compile_kernels(config)
    monitor.say(f"native kernels {how} in {seconds:.1f} s")
    if hasattr(monitor, "engine_info"):
        monitor.engine_info.update(compile_seconds=round(seconds, 3), kernels=how)
    corpus = word_ids(prepared, monitor)

    vocab = prepared.vocab
    w_in, w_out = initial_vectors(len(vocab), config.vector_size, config.seed)
    thresholds, aliases = alias_table(vocab.noise_distribution())
    kernel = _Kernel(corpus, w_in, w_out, keep_thresholds(vocab.keep_probabilities(config.sample)),
                     thresholds, aliases, config)
    pieces = corpus.pieces()
    total = corpus.total_words
    if hasattr(monitor, "training_state"):   # what a saved model keeps for continued training
        monitor.training_state["syn1neg"] = w_out
    monitor.start(w_in, w_out)
    for epoch in range(config.epochs):
        _run_epoch(kernel, pieces, epoch, config, monitor, total)
        monitor.end_epoch(epoch, w_in, w_out)
    return w_in, w_out


def _run_epoch(kernel, pieces, epoch, config, monitor, total):
    """Train one epoch on `config.workers` threads; report progress from this (main) thread."""
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "stop": False, "error": None}
    raw_before = kernel.corpus.raw_before

    def work():
        scratch = kernel.scratch()
        try:
            while True:
                with lock:
                    if state["stop"] or state["next"] >= len(pieces):
                        return
                    number = state["next"]
                    state["next"] += 1
                first, stop = pieces[number]
                kernel(first, stop, epoch * total, piece_seed(config.seed, epoch, number), scratch)
                with lock:
                    state["done"] += int(raw_before[stop] - raw_before[first])
        except BaseException as error:  # noqa: BLE001  re-raised in the main thread
            with lock:
                state["error"], state["stop"] = error, True

    threads = [threading.Thread(target=work, name=f"embedkit-native-{i}", daemon=True)
               for i in range(config.workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.25)
                monitor.progress(epoch, state["done"])
        monitor.progress(epoch, state["done"])
    except KeyboardInterrupt:
        with lock:
            state["stop"] = True
        for thread in threads:
            thread.join()
        raise
    if state["error"] is not None:
        raise state["error"]
