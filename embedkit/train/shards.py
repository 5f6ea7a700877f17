"""Prepared corpora: the corpus tokenised, counted and encoded once (on Spark or here), trained from many times.

`prepare_folder(corpus, out, ...)` writes a folder that `train_skipgram(out, ...)` (`embedkit
train DIR`, the native engine) trains from without reading the text again:

    prepared.json               what it holds: corpus, settings, totals, shards, who prepared it
    vocab.txt                   "word count" per line, most frequent first: line i is word id i
    shards/part-NNNNN.ids.int32, .starts.int64, .raw_before.int64
                                one shard per Spark partition (one for the native pass), each the
                                three arrays of `engines.native.EncodedCorpus` for its sentences,
                                in corpus order, its offsets starting at 0

With ``spark_master`` the pass is `spark_corpus.read` and the shards come to this machine one
partition at a time; without, it is the native corpus pass (`fastcorpus.scan`). Both give the
vocabulary and word ids of `train_skipgram` on the raw corpus, so training the folder with the
same seed and one worker gives the same vectors.

`open_prepared` checks the folder (sizes, offsets, ids within the vocabulary: a damaged shard
is a `FormatError`, never a crash in the kernels) and maps it: one shard is used in place, several
are joined once into the training's scratch folder (4 bytes a token, 16 a sentence).

Example:
    >>> prepare_folder("corpus.txt", "corpus.prepared", min_count=5, spark_master="local[2]")  # doctest: +SKIP
    >>> vectors = train_skipgram("corpus.prepared", SkipGramConfig(workers=1))                  # doctest: +SKIP
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from .._version import __version__
from ..errors import EmbedkitError, FormatError
from ..outputs import atomic_output, check_output
from .corpus import MAX_SENTENCE_LENGTH, corpus_files
from .vocab import Vocab

MANIFEST, VOCABULARY, SHARDS = "prepared.json", "vocab.txt", "shards"
FORMAT = "embedkit-prepared"
SETTINGS = ("lowercase", "min_count", "max_vocab", "max_sentence_length")  # what fixes the vocabulary
ARRAYS = (("ids", "int32", np.int32), ("starts", "int64", np.int64), ("raw_before", "int64", np.int64))


def is_prepared(path) -> bool:
    """Whether `path` is a folder `prepare_folder` wrote (it holds prepared.json of this format)."""
    try:
        manifest = json.loads((Path(path) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def prepare_folder(corpus, out, *, lowercase: bool = True, min_count: int = 5, max_vocab: int | None = None,
                   max_sentence_length: int = MAX_SENTENCE_LENGTH, spark_master: str | None = None,
                   spark: bool = False, cores: int | None = None, say=print) -> dict:
    """Tokenise, count and encode `corpus` into the folder `out`; return its manifest.

    Args:
        corpus: paths; with Spark any path Spark reads (`spark_corpus.spark_sources`), else local
            files and folders.
        out: the folder to write (atomically: complete or not at all; `outputs.check_output`).
        lowercase, min_count, max_vocab, max_sentence_length: as for training.
        spark_master, spark: run the pass on Spark (`embedkit.spark.session(spark_master)`); a
            master implies `spark`. Otherwise the native corpus pass runs here.
        cores: for Spark's default local master, how many cores.
        say: called with each progress line.

    Raises:
        EmbedkitError: a bad output, corpus or master; a corpus without words, or with fewer than
            2 words that pass min-count.
    """
    out = check_output(out, folder="prepared")
    sources = [corpus] if isinstance(corpus, (str, Path)) else list(corpus)
    started = time.perf_counter()
    settings = {"lowercase": bool(lowercase), "min_count": int(min_count), "max_vocab": max_vocab,
                "max_sentence_length": int(max_sentence_length)}
    if spark or spark_master is not None:
        from ..spark import StageLines, check_ready, session, spark_errors
        from .spark_corpus import read, spark_sources

        check_ready(spark_master)
        spark_sources(sources)  # local paths checked before Spark starts
        spark = session(spark_master, cores=cores, say=say)
        context = spark.sparkContext
        found = read(spark, sources, lowercase=lowercase,
                     max_sentence_length=max_sentence_length, min_count=min_count, max_vocab=max_vocab, say=say)
        try:
            _check_vocabulary(found.vocab, found.total_words, found.description, min_count)
            with atomic_output(out, folder="prepared") as tmp:
                (tmp / SHARDS).mkdir(parents=True)
                with StageLines(context, say, "encoding"), spark_errors(f"encoding {found.description} on Spark"):
                    shards = [_write_shard(tmp / SHARDS, f"part-{p:05d}", ids, starts, raw)
                              for p, ids, starts, raw in found.encoded()]
                manifest = _manifest(found.description, f"spark {context.master}", settings, found.vocab, shards,
                                     time.perf_counter() - started)
                _write_description(tmp, manifest, found.vocab)
        finally:
            found.release()
        return manifest
    from .fastcorpus import scan

    paths = [f for s in sources for f in corpus_files(s)]
    description = ", ".join(map(str, paths[:3])) + (" ..." if len(paths) > 3 else "")
    with atomic_output(out, folder="prepared") as tmp:
        (tmp / SHARDS).mkdir(parents=True)
        result = scan(paths, tmp / SHARDS, lowercase=lowercase, min_count=min_count, max_vocab=max_vocab,
                      max_sentence_length=max_sentence_length)
        _check_vocabulary(result.vocab, result.total_words, description, min_count)
        encoded = result.corpus
        shard = {"name": "part-00000", "sentences": encoded.sentences, "tokens": int(encoded.ids.shape[0]),
                 "words": encoded.total_words}
        for name, suffix, _ in ARRAYS:
            (tmp / SHARDS / f"{name}.{suffix}").rename(tmp / SHARDS / f"part-00000.{name}.{suffix}")
        manifest = _manifest(description, "native", settings, result.vocab, [shard], time.perf_counter() - started)
        _write_description(tmp, manifest, result.vocab)
    return manifest


def _check_vocabulary(vocab: Vocab, total: int, description: str, min_count: int) -> None:
    if total == 0:
        raise EmbedkitError(f"{description}: the corpus holds no words")
    if len(vocab) < 2:
        raise EmbedkitError(f"{description}: only {len(vocab)} word(s) occur at least min-count={min_count} "
                            f"times in {total} tokens; lower --min-count or use a larger corpus")


def _write_shard(folder: Path, name: str, ids, starts, raw_before) -> dict:
    for (array_name, suffix, dtype), values in zip(ARRAYS, (ids, starts, raw_before)):
        np.ascontiguousarray(values, dtype=dtype).tofile(folder / f"{name}.{array_name}.{suffix}")
    return {"name": name, "sentences": int(starts.shape[0] - 1), "tokens": int(ids.shape[0]),
            "words": int(raw_before[-1])}


def _manifest(description, prepared_with, settings, vocab: Vocab, shards, seconds) -> dict:
    return {"format": FORMAT, "version": 1, "corpus": description, "prepared_with": prepared_with,
            "embedkit": __version__, "settings": settings, "total_words": int(vocab.total_words),
            "sentences": sum(s["sentences"] for s in shards), "tokens": sum(s["tokens"] for s in shards),
            "vocabulary": len(vocab), "shards": shards, "seconds": round(seconds, 3)}


def _write_description(folder: Path, manifest: dict, vocab: Vocab) -> None:
    with open(folder / VOCABULARY, "w", encoding="utf-8") as out:
        for word, count in zip(vocab.words, vocab.counts.tolist()):
            out.write(f"{word} {count}\n")
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# -- reading ---------------------------------------------------------------------------------------


def read_manifest(folder) -> dict:
    """The manifest of the prepared folder `folder`, checked for the keys training needs."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise FormatError(path, f"not a prepared corpus's manifest: {error}") from None
    needed = ("settings", "total_words", "sentences", "tokens", "vocabulary", "shards", "corpus")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or any(k not in manifest for k in needed):
        raise FormatError(path, f"not a prepared corpus's manifest (needs format {FORMAT!r} and {', '.join(needed)})")
    return manifest


def conflicts(manifest: dict, config, names) -> list[str]:
    """The options among `names` whose value in `config` differs from the folder's settings."""
    def option(name, value):
        flag = name.replace("_", "-")
        return (f"--{flag}" if value else f"--no-{flag}") if isinstance(value, bool) else f"--{flag} {value}"

    return [f"{option(n, getattr(config, n))} (prepared with {option(n, manifest['settings'][n])})"
            for n in SETTINGS if n in names and getattr(config, n) != manifest["settings"][n]]


def open_prepared(folder, config, scratch: Path):
    """The `PreparedCorpus` of a prepared folder, for the native engine; and `config` with its settings.

    Returns:
        (PreparedCorpus with `encoded` set, config with the folder's vocabulary settings)

    Raises:
        FormatError: a missing or damaged file, naming it.
    """
    from .engines.native import EncodedCorpus
    from .prepare import PreparedCorpus, draw_loss_sample

    folder = Path(folder)
    manifest = read_manifest(folder)
    config = replace(config, **{name: manifest["settings"][name] for name in SETTINGS})
    vocab = _read_vocabulary(folder, manifest)
    arrays = [_shard_arrays(folder, shard, len(vocab)) for shard in manifest["shards"]]
    if len(arrays) == 1:
        encoded = EncodedCorpus(*arrays[0])
        files = [folder / SHARDS / f"{manifest['shards'][0]['name']}.{name}.{suffix}" for name, suffix, _ in ARRAYS]
    else:
        encoded = _joined(arrays, scratch)
        files = [scratch / f"{name}.{suffix}" for name, suffix, _ in ARRAYS]
    if encoded.total_words != manifest["total_words"] or encoded.sentences != manifest["sentences"]:
        raise FormatError(folder / MANIFEST, f"its shards hold {encoded.total_words:,} words in "
                                             f"{encoded.sentences:,} sentences, it says {manifest['total_words']:,} "
                                             f"in {manifest['sentences']:,}")
    rng = np.random.default_rng(config.seed)
    words = vocab.words
    reservoir = [[words[i] for i in unit] for unit in _kept_reservoir(files, encoded.sentences, len(vocab), rng)]
    sample = draw_loss_sample(reservoir, vocab, config, rng)
    description = f"{manifest['corpus']} (prepared in {folder})"
    prepared = PreparedCorpus(scratch, vocab, encoded.total_words, encoded.sentences, sample, description,
                              encoded=encoded)
    return prepared, config


def _kept_reservoir(files, sentences: int, vocabulary: int, rng) -> list[list[int]]:
    """The loss sample's reservoir over the shards' word ids (`fastcorpus.unit_reservoir`'s draws).

    The shards keep only the words in the vocabulary, so the units are pieces of RESERVOIR_PIECE
    kept words, where the pass over the text cuts RESERVOIR_PIECE corpus tokens: the loss sample
    is drawn the same way from the same sentences, but is not the one training on the text
    draws (the vectors are: the loss sample has its own draws).
    """
    from .fastcorpus import AllTokens, unit_reservoir
    from .prepare import RESERVOIR_PIECE, RESERVOIR_UNITS

    ids, starts, _ = files
    empty = np.zeros(0, np.int64)
    kept = AllTokens(ids, starts, sentences, np.arange(vocabulary, dtype=np.int32), np.zeros(0, np.uint8),
                     empty, empty)
    return unit_reservoir(kept, RESERVOIR_UNITS, RESERVOIR_PIECE, rng).units


def _read_vocabulary(folder: Path, manifest: dict) -> Vocab:
    path = folder / VOCABULARY
    words, counts = [], []
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                word, _, count = line.rstrip("\n").rpartition(" ")
                if not word or not count.isdigit():
                    raise FormatError(path, f"expected 'word count', got {line.strip()[:60]!r}", line=number)
                words.append(word)
                counts.append(int(count))
    except OSError as error:
        raise FormatError(path, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FormatError(path, "not UTF-8") from None
    if len(words) != manifest["vocabulary"]:
        raise FormatError(path, f"{len(words):,} words, {MANIFEST} says {manifest['vocabulary']:,}")
    s = manifest["settings"]
    return Vocab(words, counts, total_words=manifest["total_words"], min_count=s["min_count"],
                 max_vocab=s["max_vocab"])


def _shard_arrays(folder: Path, shard: dict, vocabulary: int):
    from .fastcorpus._encode import _mapped

    arrays = []
    for name, suffix, dtype in ARRAYS:
        path = folder / SHARDS / f"{shard['name']}.{name}.{suffix}"
        expected = (shard["tokens"] if name == "ids" else shard["sentences"] + 1) * np.dtype(dtype).itemsize
        try:
            size = path.stat().st_size
        except OSError as error:
            raise FormatError(path, f"cannot read: {error.strerror or error}") from None
        if size != expected:
            raise FormatError(path, f"{size:,} bytes, {MANIFEST} says {expected:,}")
        arrays.append(_mapped(path, dtype))
    ids, starts, raw = arrays
    where = folder / SHARDS / shard["name"]
    if starts[0] != 0 or raw[0] != 0 or starts[-1] != ids.shape[0] or raw[-1] != shard["words"]:
        raise FormatError(where, "offsets do not match its sizes (damaged shard)")
    if np.any(np.diff(starts) < 0) or np.any(np.diff(raw) < np.diff(starts)):
        raise FormatError(where, "offsets out of order (damaged shard)")
    if ids.shape[0] and (int(ids.min()) < 0 or int(ids.max()) >= vocabulary):
        raise FormatError(where, f"word ids outside the vocabulary of {vocabulary:,} (damaged shard)")
    return ids, starts, raw


def _joined(arrays, scratch: Path):
    """The shards as one EncodedCorpus in `scratch`: their ids one after another, offsets shifted."""
    from .engines.native import EncodedCorpus
    from .fastcorpus._encode import _mapped

    tokens = words = 0
    with open(scratch / "ids.int32", "wb") as ids_file, open(scratch / "starts.int64", "wb") as starts_file, \
            open(scratch / "raw_before.int64", "wb") as raws_file:
        np.zeros(1, np.int64).tofile(starts_file)
        np.zeros(1, np.int64).tofile(raws_file)
        for ids, starts, raw in arrays:
            ids.tofile(ids_file)
            (starts[1:] + tokens).tofile(starts_file)
            (raw[1:] + words).tofile(raws_file)
            tokens += int(ids.shape[0])
            words += int(raw[-1])
    return EncodedCorpus(*(_mapped(scratch / f"{name}.{suffix}", dtype) for name, suffix, dtype in ARRAYS))
