"""The corpus pass at C speed: tokenise, count and integer-encode corpus files in one read.

`scan(files, folder, ...)` gives what `corpus.Corpus` + `Vocab.build` + `engines.native.encode`
give (same tokens, sentences, vocabulary and word ids), from a numba kernel that works on the
UTF-8 bytes: tables read off Python's own `re` and `str.lower` make it follow
`corpus.tokenize` exactly, and the few cases the tables cannot decide alone go to the
reference code (see `_scan`). Memory does not grow with the corpus, only with its vocabulary.
`train.prepare` runs it for corpora of files:

    result = scan(corpus.files, workdir, min_count=5, keep_tokens=True)
    result.vocab                  # corpus.Vocab
    result.corpus                 # engines.native.EncodedCorpus over workdir/*.int32|int64
    unit_reservoir(result.tokens, 2000, 200, rng)   # train.prepare's reservoir, same draws
    write_text(result.tokens, workdir / "tokens.txt", what)   # the tokenised text, for gensim
"""

from ._encode import ScanResult, scan, scan_corpus
from ._tokens import AllTokens, Reservoir, unit_reservoir, write_text

__all__ = ["AllTokens", "Reservoir", "ScanResult", "scan", "scan_corpus", "unit_reservoir", "write_text"]
