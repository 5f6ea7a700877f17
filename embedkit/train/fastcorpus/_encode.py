"""The corpus pass end to end: files -> vocabulary and the corpus as final word ids.

After the read (`_scan._Pass`), the counts give the vocabulary by `Vocab.from_counter`'s rule
(at least `min_count`, most frequent first, ties in first-appearance order, at most
`max_vocab`), and a remap table from provisional to final ids (-1: not in the vocabulary)
turns the provisional ids into the three files of `engines.native.EncodedCorpus`, streamed in
bounded chunks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import corpus as reference
from ..corpus import MAX_SENTENCE_LENGTH, corpus_files
from ..vocab import Vocab, VocabRules
from ..engines.native import EncodedCorpus
from . import _kernels as k
from ._scan import OUT_TOKENS, WHAT, _Pass, writing
from ._tokens import AllTokens

CHUNK = 1 << 20            # ids written at a time while remapping
SENTENCE_CHUNK = 1 << 16   # sentence ends read, and sentence starts written, at a time


@dataclass
class ScanResult:
    """What one corpus pass gives: the vocabulary and the corpus as word ids."""

    vocab: Vocab
    corpus: EncodedCorpus       # ids.int32, starts.int64, raw_before.int64 in the folder, memory-mapped
    total_words: int            # tokens in the corpus, in the vocabulary or not
    sentences: int
    types: int = 0              # distinct tokens, kept or not: what the pass's memory grows with
    reference_files: list[Path] = field(default_factory=list)  # files read by corpus.Corpus instead
    reference_runs: int = 0     # whitespace-delimited runs tokenised by corpus.tokenize (U+0130, U+03A3)
    read_seconds: float = 0.0   # reading the files (and decompressing them), in a thread of its own
    wait_seconds: float = 0.0   # ... of which the pass waited for (the rest overlapped with scanning)
    scan_seconds: float = 0.0   # tokenising, counting and numbering: the pass, waiting left out
    encode_seconds: float = 0.0  # the vocabulary and the final ids
    cpu_seconds: float = 0.0    # CPU time of the whole pass, the reader thread included
    main_cpu_seconds: float = 0.0  # ... of the calling thread alone: everything but reading
    folder: Path | None = None  # where the three files are (set by scan)
    tokens: AllTokens | None = None  # every token as its type (scan's keep_tokens)


def scan(source, folder, *, lowercase: bool = True, min_count: int = 5, max_vocab: int | None = None,
         max_sentence_length: int = MAX_SENTENCE_LENGTH, rules: VocabRules | None = None,
         keep_tokens: bool = False, what: str = WHAT) -> ScanResult:
    """Read corpus files once: count the words, build the vocabulary, write the corpus as word ids.

    Gives what `Corpus(source, lowercase=..., max_sentence_length=...)` followed by
    `Vocab.build(..., min_count=..., max_vocab=...)` and `engines.native.encode` give, at C speed:
    the same tokens, sentences, vocabulary (words, counts, order) and word ids.

    Args:
        source: a file, a folder (walked as `corpus.corpus_files` walks it) or a list of them;
            plain, gzip, bzip2 or xz.
        folder: an existing folder; receives ids.int32, starts.int64 and raw_before.int64.
        lowercase: lower-case the text before tokenising, as `corpus.tokenize`.
        min_count: keep words seen at least this many times.
        max_vocab: keep at most this many words (the most frequent).
        max_sentence_length: cut lines into sentences of at most this many tokens (>= 1).
        rules: the vocabulary's rules (`vocab.VocabRules`); they replace min_count and max_vocab.
        keep_tokens: keep every token as its type in the folder too (tokens.int32), with the
            words of all types: `ScanResult.tokens`, for the loss sample and the tokenised text.
        what: what the files hold, for the error when one cannot be written.

    Returns:
        ScanResult: vocab, the EncodedCorpus, the totals, and where the time went.

    Raises:
        EmbedkitError: a file or folder does not exist, or a folder holds no files; a file of
            `folder` cannot be written (naming it).
        ValueError: max_sentence_length < 1.

    Example:
        >>> result = scan("corpora/sample.txt", workdir, min_count=1)  # doctest: +SKIP
        >>> result.vocab.words[:3], result.corpus.ids[:5]              # doctest: +SKIP
    """
    if int(max_sentence_length) < 1:
        raise ValueError(f"max_sentence_length must be at least 1, got {max_sentence_length}")
    paths = [source] if isinstance(source, (str, Path)) else list(source)
    files = [f for p in paths for f in corpus_files(p)]
    folder = Path(folder)
    started, cpu, main_cpu = time.perf_counter(), time.process_time(), time.thread_time()
    state = _Pass(folder, lowercase, max_sentence_length, what)
    kept = None
    try:
        for path in files:
            state.add_file(path)
        state.flush()
        read_done = time.perf_counter()
        rules = rules if rules is not None else VocabRules(min_count=min_count, max_vocab=max_vocab)
        vocab, remap = _vocabulary(state, rules)
        with writing(state.prov_path, what):
            state.prov.flush()
        with writing(state.bounds_path, what):
            state.bounds.flush()
        _write_final_ids(state, remap, folder, what)
        if keep_tokens:
            n_ids, used = int(state.state[k.N_IDS]), int(state.state[k.ARENA])
            kept = AllTokens(state.prov_path, state.bounds_path, int(state.bounds_written) - 1,
                             remap[:n_ids].copy(), state.arena[:used].copy(), state.key_off[:n_ids].copy(),
                             state.key_len[:n_ids].copy())
    finally:
        state.close()
        if kept is None:
            state.prov_path.unlink(missing_ok=True)
    encoded = EncodedCorpus(_mapped(folder / "ids.int32", np.int32), _mapped(folder / "starts.int64", np.int64),
                            _mapped(folder / "raw_before.int64", np.int64), folder)
    return ScanResult(vocab, encoded, int(state.state[k.TOTAL]), encoded.sentences,
                      types=int(state.state[k.N_IDS]), reference_files=state.reference_files,
                      reference_runs=state.reference_runs, read_seconds=state.read_seconds,
                      wait_seconds=state.wait_seconds, scan_seconds=read_done - started - state.wait_seconds,
                      encode_seconds=time.perf_counter() - read_done, cpu_seconds=time.process_time() - cpu,
                      main_cpu_seconds=time.thread_time() - main_cpu, folder=folder, tokens=kept)


def scan_corpus(corpus: reference.Corpus, folder, *, min_count: int = 5, max_vocab: int | None = None,
                rules: VocabRules | None = None, keep_tokens: bool = False, what: str = WHAT) -> ScanResult:
    """`scan` of a `corpus.Corpus` of files, with its lowercase and max_sentence_length.

    Args:
        corpus: a Corpus made from files or folders.
        folder, min_count, max_vocab, rules, keep_tokens, what: as for `scan`.

    Returns:
        ScanResult: as `scan`.

    Raises:
        ValueError: the corpus is in-memory sentences, not files.

    Example:
        >>> result = scan_corpus(Corpus("corpora/sample.txt"), workdir, min_count=1)  # doctest: +SKIP
    """
    if corpus.sentences is not None:
        raise ValueError("scan reads files; this corpus is in-memory sentences")
    return scan(corpus.files, folder, lowercase=corpus.lowercase, min_count=min_count, max_vocab=max_vocab,
                max_sentence_length=corpus.max_sentence_length, rules=rules, keep_tokens=keep_tokens, what=what)


def _vocabulary(state: _Pass, rules: VocabRules) -> tuple[Vocab, np.ndarray]:
    """The vocabulary, and the final id of every provisional id (-1 for words left out)."""
    n_ids = int(state.state[k.N_IDS])
    vocab, remap = rules.select(state.counts[:n_ids], state.words, int(state.state[k.TOTAL]))
    return vocab, remap if n_ids else np.full(1, -1, np.int32)


def _write_final_ids(state: _Pass, remap: np.ndarray, folder: Path, what: str) -> None:
    """ids.int32 and starts.int64 from the provisional ids and raw_before.int64, in chunks."""
    prov = np.empty(OUT_TOKENS, np.int32)
    bounds = np.empty(SENTENCE_CHUNK, np.int64)
    out_ids = np.empty(CHUNK, np.int32)
    out_starts = np.empty(SENTENCE_CHUNK, np.int64)
    merge = np.zeros(6, np.int64)
    n_prov = n_bounds = 0
    with open(state.prov_path, "rb") as prov_file, open(state.bounds_path, "rb") as bounds_file, \
            open(folder / "ids.int32", "wb") as ids_file, open(folder / "starts.int64", "wb") as starts_file:
        while True:
            status = k.remap_step(prov, n_prov, remap, bounds, n_bounds, out_ids, out_starts, merge)
            if status == 1:
                n_prov = prov_file.readinto(memoryview(prov).cast("B")) // 4
                merge[0] = 0
                if n_prov == 0:
                    raise RuntimeError("fastcorpus: sentence ends beyond the last token")
            elif status == 2:
                n_bounds = bounds_file.readinto(memoryview(bounds).cast("B")) // 8
                merge[1] = 0
                if n_bounds == 0:
                    break
            elif status == 3:
                with writing(folder / "ids.int32", what):
                    ids_file.write(memoryview(out_ids[:merge[2]]))
                merge[2] = 0
            else:
                with writing(folder / "starts.int64", what):
                    starts_file.write(memoryview(out_starts[:merge[3]]))
                merge[3] = 0
        with writing(folder / "ids.int32", what):
            ids_file.write(memoryview(out_ids[:merge[2]]))
            ids_file.close()
        with writing(folder / "starts.int64", what):
            starts_file.write(memoryview(out_starts[:merge[3]]))
            starts_file.close()


def _mapped(path: Path, dtype) -> np.ndarray:
    if path.stat().st_size == 0:  # np.memmap refuses empty files
        array = np.zeros(0, dtype=dtype)
        array.setflags(write=False)
        return array
    return np.asarray(np.memmap(path, dtype=dtype, mode="r"))
