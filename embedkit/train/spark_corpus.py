"""The corpus pass on Spark: embedkit's tokenizer on every partition, the words counted across the
cluster, the corpus encoded to word ids.

Spark reads the text (`textFile`: local files, globs, ``hdfs://``, ``s3a://``; gzip and bzip2 by
their names, as Hadoop decides) and every partition becomes one record, kept by Spark (memory,
then disk) so the text is tokenised once:

    (partition, words, counts, ids, lengths)
    words    the partition's distinct tokens, in the order they first appear in it
    counts   (len(words),) int64: how often each occurs in the partition
    ids      (tokens,) int32: the partition's tokens as indices into `words`
    lengths  (sentences,) int64: tokens per sentence

Sentences are `corpus.line_sentences` of each line: the tokenizer and the sentence cutting of
`corpus.Corpus`, so the native engine and Spark read the same sentences. The vocabulary is
`Vocab.from_counter`'s rule: counts summed over the partitions, at least `min_count`, most
frequent first, ties in order of first appearance. Partitions follow the corpus (its files in the
order given, each file's splits in order), so a word first appears where its (partition, index in
`words`) is smallest. `encoded` turns each record into the three arrays of
`engines.native.EncodedCorpus` (final word ids, words outside the vocabulary dropped);
`sentences_frame` gives MLlib the sentences as words.

Example:
    >>> corpus = read(session("local[2]"), ["corpus.txt"], min_count=5)   # doctest: +SKIP
    >>> corpus.vocab.words[:3], corpus.total_words                         # doctest: +SKIP
"""

from __future__ import annotations

import glob
import os
import re
import time
from array import array
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from .. import files
from ..errors import EmbedkitError
from ..spark import StageLines, spark_errors
from .corpus import MAX_SENTENCE_LENGTH, _is_token_lists, corpus_files, cut, line_sentences
from .vocab import Vocab

# What Hadoop decompresses, chosen by the file name; embedkit knows gzip and bzip2 by their bytes.
HADOOP_CODECS = {".gz": "gzip", ".bz2": "bz2", ".deflate": "deflate", ".snappy": "snappy", ".lz4": "lz4",
                 ".zst": "zstd"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HADOOP_GLOB = "\\*?[]"


@dataclass
class SparkCorpus:
    """A corpus after the pass on Spark: the records (kept by Spark), the vocabulary, the totals."""

    records: object        # pyspark RDD of the records described above, persisted
    vocab: Vocab
    total_words: int       # tokens, in the vocabulary or not
    sentences: int
    pairable: int          # sentences of two tokens or more
    description: str
    partitions: int
    seconds: float         # wall time of the pass
    context: object        # the SparkContext

    def encoded(self) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        """(partition, ids int32, starts int64, raw_before int64) for each partition, in corpus order,
        computed on the cluster and brought to the driver one partition at a time.

        `ids[starts[s]:starts[s + 1]]` is sentence s of the partition in final word ids;
        `raw_before[s]` counts the partition's tokens before it (those outside the vocabulary too).
        """
        index = self.context.broadcast(dict(zip(self.vocab.words, range(len(self.vocab)))))
        try:
            yield from self.records.map(partial(_encode, index=index)).toLocalIterator(prefetchPartitions=True)
        finally:
            index.unpersist()

    def sentences_frame(self, spark, column: str = "text"):
        """A DataFrame with one row per sentence: `column`, its words in the vocabulary (array<string>)."""
        from pyspark.sql.types import ArrayType, StringType, StructField, StructType

        index = self.context.broadcast(frozenset(self.vocab.words))
        rows = self.records.flatMap(partial(_in_vocabulary, kept=index))
        schema = StructType([StructField(column, ArrayType(StringType(), containsNull=False), nullable=False)])
        return spark.createDataFrame(rows, schema)

    def release(self) -> None:
        """Drop the records Spark keeps."""
        self.records.unpersist()


# -- what the driver checks before Spark reads ---------------------------------------------------


def spark_sources(sources) -> tuple[list[str], str]:
    """The paths Spark is to read for `sources`, and how the metadata names them.

    A path with a scheme (``hdfs://``, ``s3a://``, ``file://``, ...) is passed on as given: Spark
    reads it (globs included) and says what is wrong. A local path is expanded as `Corpus` expands
    it (a glob in sorted order, folders walked in sorted order, hidden files skipped) and every file
    is checked now: readable, compressed the way its name tells Hadoop, UTF-8 text.

    Raises:
        EmbedkitError: a local path that does not exist, matches nothing or cannot be read; xz
            data (Hadoop has no xz codec); compression its name does not say; text that is not
            UTF-8 (Spark would read it otherwise than the native engine); a comma or brace in a
            local name (Hadoop would split or expand it).
        FormatError: binary data or damaged compressed data, naming the file.
    """
    sources = [sources] if isinstance(sources, (str, os.PathLike)) else list(sources)
    if not sources:
        raise EmbedkitError("no corpus given")
    uris, names = [], []
    for source in map(str, sources):
        if _SCHEME.match(source) and not re.match(r"^[A-Za-z]:\\", source):
            uris.append(source)
            names.append(source)
            continue
        matches = sorted(glob.glob(source)) if glob.has_magic(source) else [source]
        if not matches:
            raise EmbedkitError(f"{source}: no file matches")
        for match in matches:
            for path in corpus_files(match):
                check_local_file(path)
                uris.append("file://" + "".join("\\" + c if c in _HADOOP_GLOB else c
                                                for c in str(Path(path).resolve())))
                names.append(str(path))
    description = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
    return uris, description


def check_local_file(path) -> None:
    """Raise unless Spark (Hadoop's text reader) reads the local file `path` as the native engine does."""
    path = Path(path)
    if any(c in str(path.resolve()) for c in ",{}"):
        raise EmbedkitError(f"{path}: Spark reads lists of paths split at commas and expands braces; "
                            "rename the file without , { }")
    try:
        kind = files.compression(path)
    except OSError as error:
        raise EmbedkitError(f"{path}: cannot read: {error.strerror or error}") from None
    suffix = path.suffix.lower()
    if kind == "xz":
        raise EmbedkitError(f"{path}: xz-compressed, which Spark cannot read; decompress it, or recompress it "
                            "with bzip2 (Spark splits .bz2 files across tasks) or gzip")
    named = HADOOP_CODECS.get(suffix)
    if kind is not None and named != kind:
        extension = {"gzip": ".gz", "bz2": ".bz2"}[kind]
        raise EmbedkitError(f"{path}: {kind} data in a file not named {extension}: Spark chooses the "
                            f"decompressor by the name; rename it to {path.name}{extension}")
    if kind is None and named is not None:
        raise EmbedkitError(f"{path}: named {suffix} but not {named} data: Spark would decompress it as {named}")
    with files.open_binary(path) as raw:
        head = raw.read(files.SNIFF_BYTES)
    encoding = files.sniff(head, complete=len(head) < files.SNIFF_BYTES)
    files.check_text(head, path, encoding)
    if encoding == "latin-1":
        raise EmbedkitError(f"{path}: not UTF-8 (the native engine reads it as Latin-1); Spark reads text as "
                            "UTF-8: convert it first (iconv -f latin1 -t utf-8)")


# -- the pass --------------------------------------------------------------------------------------


def read(spark, source, *, lowercase: bool = True, max_sentence_length: int = MAX_SENTENCE_LENGTH,
         min_count: int = 5, max_vocab: int | None = None, say: Callable[[str], None] = print) -> SparkCorpus:
    """Tokenise and count `source` on Spark; see the module's docstring.

    Args:
        spark: a SparkSession (`embedkit.spark.session`).
        source: paths (`spark_sources`) or in-memory sentences (lists of tokens).
        lowercase, max_sentence_length: as for `Corpus`.
        min_count, max_vocab: as for `Vocab.from_counter`.
        say: called with each progress line (one per Spark stage).

    Returns:
        SparkCorpus, its records persisted (call `release` when done).

    Raises:
        EmbedkitError: what `spark_sources` raises; what Spark raises reading the corpus, in one line.
    """
    context = spark.sparkContext
    parallelism = context.defaultParallelism
    if _is_token_lists(source):
        description = f"{len(source)} in-memory sentences"
        pieces = context.parallelize([list(s) for s in source], max(1, min(parallelism, len(source))))
        records = pieces.mapPartitionsWithIndex(partial(_sentence_records, limit=int(max_sentence_length)))
    else:
        uris, description = spark_sources(source)
        lines = context.textFile(",".join(uris), minPartitions=parallelism)
        records = lines.mapPartitionsWithIndex(partial(_line_records, lowercase=bool(lowercase),
                                                       limit=int(max_sentence_length)))
    from pyspark import StorageLevel

    records.persist(StorageLevel.MEMORY_AND_DISK)
    started = time.perf_counter()
    try:
        with StageLines(context, say, "counting words"), spark_errors(f"reading {description} on Spark"):
            kept = (records.flatMap(_word_entries).reduceByKey(_merge, numPartitions=parallelism)
                    .filter(partial(_frequent, min_count=int(min_count))).collect())
            tokens, sentences, pairable, partitions = records.map(_totals).reduce(_add)
    except BaseException:
        records.unpersist()
        raise
    kept.sort(key=lambda entry: (-entry[1][0], entry[1][1], entry[1][2]))  # Vocab.from_counter's order
    if max_vocab is not None:
        kept = kept[:max_vocab]
    vocab = Vocab([w for w, _ in kept], [c[0] for _, c in kept], total_words=tokens, min_count=min_count,
                  max_vocab=max_vocab)
    return SparkCorpus(records, vocab, int(tokens), int(sentences), int(pairable), description, int(partitions),
                       time.perf_counter() - started, context)


# -- executor side: module-level functions, so Spark pickles them by name ---------------------------


def _line_records(partition: int, lines, *, lowercase: bool, limit: int):
    sentences = (s for line in lines for s in line_sentences(line, lowercase, limit))
    return _records(partition, sentences)


def _sentence_records(partition: int, sentences, *, limit: int):
    return _records(partition, (piece for tokens in sentences for piece in cut(tokens, limit)))


def _records(partition: int, sentences):
    local: dict[str, int] = {}
    setdefault = local.setdefault
    ids, lengths = array("i"), array("q")
    for tokens in sentences:
        ids.extend([setdefault(word, len(local)) for word in tokens])
        lengths.append(len(tokens))
    ids = np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, np.int32)
    counts = np.bincount(ids, minlength=len(local)).astype(np.int64)
    lengths = np.frombuffer(lengths, dtype=np.int64) if len(lengths) else np.zeros(0, np.int64)
    yield partition, list(local), counts, ids, lengths


def _word_entries(record):
    partition, words, counts, _, _ = record
    return [(word, (count, partition, i)) for i, (word, count) in enumerate(zip(words, counts.tolist()))]


def _merge(a, b):
    return (a[0] + b[0], *min(a[1:], b[1:]))


def _frequent(entry, *, min_count: int) -> bool:
    return entry[1][0] >= min_count


def _totals(record):
    lengths = record[4]
    return int(record[2].sum()), len(lengths), int((lengths >= 2).sum()), 1


def _add(a, b):
    return tuple(x + y for x, y in zip(a, b))


def _encode(record, *, index):
    partition, words, _, ids, lengths = record
    known = index.value
    remap = np.fromiter((known.get(word, -1) for word in words), dtype=np.int32, count=len(words))
    final = remap[ids] if ids.size else ids
    keep = final >= 0
    raw_before = np.zeros(lengths.size + 1, np.int64)
    np.cumsum(lengths, out=raw_before[1:])
    kept_before = np.zeros(ids.size + 1, np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return partition, np.ascontiguousarray(final[keep], dtype=np.int32), kept_before[raw_before], raw_before


def _in_vocabulary(record, *, kept):
    _, words, _, ids, lengths = record
    known = kept.value
    words = [word if word in known else None for word in words]
    position = 0
    flat = ids.tolist()
    for length in lengths.tolist():
        sentence = [w for w in (words[i] for i in flat[position:position + length]) if w is not None]
        position += length
        if sentence:
            yield (sentence,)
