"""One read of the corpus files: count the words and write the corpus as provisional ids.

Files are read in blocks of bytes; `scan_block` tokenises each block up to its last space, tab
or line end (the rest waits for the next block), so no token is ever cut. Memory holds one
block, the buffers of ids waiting to be appended to the files, and the vocabulary (hash table
and word bytes); nothing grows with the corpus except the vocabulary.

Where the byte tables cannot follow `corpus.tokenize` alone, the reference code does the work:

* a whitespace-delimited run holding U+0130 or U+03A3 while lower-casing: decoded and tokenised
  by `corpus.tokenize` (the tokens the kernel already counted from that run are skipped);
* a file that is not valid UTF-8, holds a run of CHUNK_CHARS bytes or more without space, tab
  or line end (where `corpus.read_lines` may cut a word in two), or fails to read or decompress:
  what the kernel counted of that file is taken back (`_Pass.rollback`), and `corpus.Corpus`
  reads the file instead (and raises whatever it raises for a broken file).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from pathlib import Path

import numpy as np

from .. import corpus as reference
from ...files import _CONTROL
from ...errors import EmbedkitError
from ...files import open_binary
from ...outputs import write_error
from . import _kernels as k
from ._unicode import ascii_tables, lower_tables, raw_classes

BLOCK_BYTES = 1 << 22       # bytes read at a time
AHEAD = 2                   # blocks read ahead
OUT_TOKENS = 1 << 20        # provisional ids buffered before they are appended to their file
OUT_SENTENCES = 1 << 16     # sentence ends buffered likewise
FEED_TOKENS = 1 << 16       # tokens of the reference reader handed to the kernel at a time
INITIAL_WORDS = 1 << 16     # vocabulary room to start with (the hash table has twice the slots)
INITIAL_ARENA = 1 << 20     # bytes of words to start with
PROVISIONAL = "tokens.int32"   # every token's provisional id
WHAT = "the corpus as word ids"  # what the pass writes, for the error when it cannot


@contextlib.contextmanager
def writing(path: Path, what: str):
    """Turn an OSError into the one-line `EmbedkitError` naming `path` (outputs.write_error)."""
    try:
        yield
    except OSError as error:
        raise write_error(path, error, what) from None


class _Fallback(Exception):
    """This file must be read by the reference reader."""


class _BlockReader:
    """The (decompressed) bytes of a file in blocks, read ahead by a helper thread.

    The kernels release the GIL and so do Python's gzip, bz2 and lzma decompressors, so the next
    block is read while this one is scanned. At most `AHEAD` blocks wait in memory; an empty
    block ends the file. Errors of the reader are raised in the thread that iterates.
    """

    def __init__(self, path: Path, size: int):
        self.raw = open_binary(path)
        self.size = size
        self.blocks: queue.Queue = queue.Queue(maxsize=AHEAD)
        self.stop = threading.Event()
        self.read_seconds = self.wait_seconds = 0.0
        self.thread = threading.Thread(target=self._read, name="embedkit-corpus-reader", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                data = self.raw.read(self.size)
                self.read_seconds += time.perf_counter() - started
                self._put(data)
                if not data:
                    return
        except BaseException as error:  # noqa: BLE001  raised again by __iter__
            self._put(error)

    def _put(self, item) -> None:
        while not self.stop.is_set():
            try:
                self.blocks.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def __iter__(self):
        while True:
            started = time.perf_counter()
            item = self.blocks.get()
            self.wait_seconds += time.perf_counter() - started
            if isinstance(item, BaseException):
                if isinstance(item, Exception) and not isinstance(item, EmbedkitError):
                    raise _Fallback from item  # a broken file: the reference reader says what it says
                raise item
            yield item
            if not item:
                return

    def __enter__(self) -> "_BlockReader":
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self.raw.close()


class _Pass:
    """The state of one corpus pass: vocabulary so far, buffers, and the two output files.

    `prov_path` receives every token's provisional id (int32), `bounds_path` 0 and then the
    corpus tokens before the end of each sentence (int64): the `raw_before` of EncodedCorpus.
    An error writing them is an `EmbedkitError` naming the file and saying `what` it holds.
    """

    def __init__(self, folder: Path, lowercase: bool, max_sentence_length: int, what: str = WHAT):
        self.what = what
        self.lowercase = lowercase
        self.max_len = int(max_sentence_length)
        self.run_cap = reference.CHUNK_CHARS
        self.ascii_class, self.ascii_byte = ascii_tables(lowercase)
        if lowercase:
            self.uni_lower, self.uni_class = lower_tables()
        else:
            self.uni_lower, self.uni_class = np.zeros(1, np.int32), raw_classes()
        self.state = np.zeros(k.STATE_SIZE, np.int64)
        self.table = np.full(2 * INITIAL_WORDS, k.EMPTY, np.uint64)
        self.hashes = np.zeros(INITIAL_WORDS, np.uint64)
        self.key_off = np.zeros(INITIAL_WORDS, np.int64)
        self.key_len = np.zeros(INITIAL_WORDS, np.int64)
        self.counts = np.zeros(INITIAL_WORDS, np.int64)
        self.arena = np.zeros(INITIAL_ARENA, np.uint8)
        self.out_ids = np.empty(OUT_TOKENS, np.int32)
        self.out_bounds = np.empty(OUT_SENTENCES, np.int64)
        self.buf = np.empty(self.run_cap + BLOCK_BYTES, np.uint8)
        self.tok = np.empty(2 * self.buf.size, np.uint8)  # a lower-cased word is at most 1.5x longer
        self.prov_path, self.bounds_path = folder / PROVISIONAL, folder / "raw_before.int64"
        with writing(self.prov_path, what):
            self.prov = open(self.prov_path, "w+b")
        with writing(self.bounds_path, what):
            self.bounds = open(self.bounds_path, "w+b")
            self.bounds.write(np.zeros(1, np.int64).tobytes())
        self.tokens_written, self.bounds_written = 0, 1
        self.reference_files: list[Path] = []
        self.reference_runs = 0
        self.read_seconds = 0.0    # spent reading (and decompressing), by the reader thread
        self.wait_seconds = 0.0    # spent waiting for it

    def close(self) -> None:
        with contextlib.suppress(OSError):  # what was not written was reported when it failed
            self.prov.close()
        with contextlib.suppress(OSError):
            self.bounds.close()

    # -- files -----------------------------------------------------------------------------------

    def add_file(self, path: Path) -> None:
        """Count and number the tokens of one file (by the reference reader where needed)."""
        self.flush()
        checkpoint = (int(self.state[k.N_IDS]), int(self.state[k.ARENA]), int(self.state[k.TOTAL]),
                      self.tokens_written, self.bounds_written)
        try:
            self._read_fast(path)
        except _Fallback:
            self.rollback(*checkpoint)
            self.reference_files.append(path)
            self._read_reference(path)

    def _read_fast(self, path: Path) -> None:
        buf = self.buf
        with _BlockReader(path, BLOCK_BYTES) as blocks:
            carry = 0
            for data in blocks:
                if len(data.translate(None, b"\x00" + _CONTROL)) != len(data):
                    raise _Fallback  # NUL or control bytes: the reference decides whether this is text
                end = carry + len(data)
                buf[carry:end] = np.frombuffer(data, np.uint8)
                final = not data
                limit = end if final else k.last_space(buf, end) + 1
                if limit > 0:
                    self._scan(limit, final)
                carry = end - limit
                if carry >= self.run_cap:
                    raise _Fallback
                buf[:carry] = buf[limit:end]
        self.read_seconds += blocks.read_seconds
        self.wait_seconds += blocks.wait_seconds
        self.add_text(b"\n")  # the end of the file ends its last sentence

    def _scan(self, limit: int, final: bool) -> None:
        state = self.state
        state[k.RUN_START] = state[k.RUN_TOKENS] = 0
        pos = 0
        while True:
            status = k.scan_block(self.buf, pos, limit, final, self.lowercase, self.ascii_class, self.ascii_byte,
                                  self.uni_class, self.uni_lower, self.max_len, self.run_cap, self.table,
                                  self.hashes, self.key_off, self.key_len, self.arena, self.counts,
                                  self.out_ids, self.out_bounds, self.tok, state)
            if status == k.DONE:
                return
            if status == k.NEED:
                self.make_room()
                pos = int(state[k.POS])
            elif status == k.SPECIAL_RUN:
                start, stop, counted = (int(v) for v in state[[k.RET_A, k.RET_B, k.RET_K]])
                if stop - start >= self.run_cap:
                    raise _Fallback
                self._reference_run(self.buf[start:stop].tobytes(), counted)
                state[k.RUN_START], state[k.RUN_TOKENS] = stop, 0
                pos = stop
            else:  # INVALID, LONG_RUN
                raise _Fallback

    def _reference_run(self, data: bytes, counted: int) -> None:
        self.reference_runs += 1
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _Fallback from None
        tokens = reference.tokenize(text, self.lowercase)[counted:]
        if tokens:
            self.add_text(" ".join(tokens).encode("utf-8", "surrogatepass"))

    def _read_reference(self, path: Path) -> None:
        lines: list[str] = []
        pending = 0
        for sentence in reference.Corpus(path, lowercase=self.lowercase, max_sentence_length=self.max_len):
            lines.append(" ".join(sentence))
            pending += len(sentence)
            if pending >= FEED_TOKENS:
                self.add_text(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
                lines, pending = [], 0
        if lines:
            self.add_text(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))

    def add_text(self, data: bytes) -> None:
        """Count tokens given as text: separated by one space, a sentence ends at a newline."""
        blob = np.frombuffer(data, np.uint8)
        pos = 0
        while k.add_tokens(blob, pos, self.max_len, self.table, self.hashes, self.key_off, self.key_len,
                           self.arena, self.counts, self.out_ids, self.out_bounds, self.state) == k.NEED:
            self.make_room()
            pos = int(self.state[k.POS])

    # -- room ------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Append the buffered provisional ids and sentence ends to their files."""
        state = self.state
        n_out, n_bounds = int(state[k.N_OUT]), int(state[k.N_BOUNDS])
        with writing(self.prov_path, self.what):
            self.prov.write(memoryview(self.out_ids[:n_out]))
        with writing(self.bounds_path, self.what):
            self.bounds.write(memoryview(self.out_bounds[:n_bounds]))
        self.tokens_written += n_out
        self.bounds_written += n_bounds
        state[k.N_OUT] = state[k.N_BOUNDS] = 0

    def make_room(self) -> None:
        """Flush full buffers and grow whatever the kernel found too small."""
        state = self.state
        n_ids = int(state[k.N_IDS])
        if state[k.N_OUT] >= self.out_ids.size or state[k.N_BOUNDS] + 2 > self.out_bounds.size:
            self.flush()
        if n_ids >= self.hashes.size:
            for name in ("hashes", "key_off", "key_len", "counts"):
                old = getattr(self, name)
                new = np.zeros(2 * old.size, old.dtype)
                new[:n_ids] = old[:n_ids]
                setattr(self, name, new)
        if 2 * (n_ids + 1) > self.table.size:
            self.table = np.full(2 * self.table.size, k.EMPTY, np.uint64)
            k.rehash(self.table, self.hashes, n_ids)
        wanted = int(state[k.ARENA] + state[k.RET_A])
        if wanted > self.arena.size:
            new = np.zeros(max(2 * self.arena.size, wanted), np.uint8)
            new[:self.arena.size] = self.arena
            self.arena = new

    def rollback(self, n_ids: int, arena_used: int, total: int, tokens_written: int, bounds_written: int) -> None:
        """Take back everything counted since the state was (n_ids, arena_used, ...)."""
        self.flush()
        self.prov.seek(4 * tokens_written)
        chunk = np.empty(OUT_TOKENS, np.int32)
        while (got := self.prov.readinto(memoryview(chunk).cast("B")) // 4) > 0:
            k.uncount(chunk[:got], self.counts)
        self.prov.truncate(4 * tokens_written)
        self.prov.seek(0, 2)
        self.bounds.truncate(8 * bounds_written)
        self.bounds.seek(0, 2)
        k.forget(self.table, self.hashes, n_ids, int(self.state[k.N_IDS]))
        state = self.state
        state[k.N_IDS], state[k.ARENA], state[k.TOTAL], state[k.CUR] = n_ids, arena_used, total, 0
        self.tokens_written, self.bounds_written = tokens_written, bounds_written

    # -- the words -------------------------------------------------------------------------------

    def words(self, ids: np.ndarray) -> list[str]:
        """The words with provisional ids `ids`."""
        arena = self.arena[:int(self.state[k.ARENA])].tobytes()
        return [arena[o:o + n].decode("utf-8", "surrogatepass")
                for o, n in zip(self.key_off[ids].tolist(), self.key_len[ids].tolist())]
