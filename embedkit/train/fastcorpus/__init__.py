"""The corpus pass at C speed: tokenise, count and integer-encode corpus files in one read.

`scan(files, folder, ...)` gives what `corpus.Corpus` + `Vocab.build` + `engines.native.encode`
give (same tokens, sentences, vocabulary and word ids), from a numba kernel that works on the
UTF-8 bytes: tables read off Python's own `re` and `str.lower` make it follow
`corpus.tokenize` exactly, and the few cases the tables cannot decide alone go to the
reference code (see `_scan`). Memory does not grow with the corpus, only with its vocabulary.

    result = scan(corpus.files, workdir, min_count=5)
    result.vocab                  # corpus.Vocab
    result.corpus                 # engines.native.EncodedCorpus over workdir/*.int32|int64
    reservoir_sentences(result, 2000, rng)   # train.prepare's reservoir, for draw_loss_sample
"""

from ._encode import ScanResult, reservoir_indices, reservoir_sentences, scan, scan_corpus

__all__ = ["ScanResult", "reservoir_indices", "reservoir_sentences", "scan", "scan_corpus"]
