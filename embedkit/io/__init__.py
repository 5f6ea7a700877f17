"""The io wing: read and write word-vector files, every format in and out, always as `Vectors`.

Formats (the names `--format` takes):

=================  ===========================================================  ==============
name               what                                                         written for
=================  ===========================================================  ==============
embedkit           folder NAME.ekv/: vectors.npy (float32, memory-mapped on      .ekv
                   load) or vectors.npz (sparse), vocab.tsv (word TAB count),
                   meta.json (shape, `Vectors.meta`). Safe, fast, complete.
word2vec           text: a line `WORDS DIM`, then `word v1 ... vDIM` per line    .vec .w2v .txt
word2vec-binary    word2vec.c / gensim binary                                   .bin
glove              text without a header (Stanford's files end in .txt: they     .glove
                   are told apart by content, see below)
projector          TensorFlow Embedding Projector: a folder with vectors.tsv     .tsv, a folder
                   and metadata.tsv (or X.tsv beside X_metadata.tsv)
gensim             gensim pickles (.model, .kv): read only, and only with        (never)
                   `trust_pickle=True`, since unpickling can run any code
=================  ===========================================================  ==============

`detect_format` goes by content, never by name (except .tsv): a folder with meta.json is
embedkit, one with vectors.tsv is projector; a file starting with a pickle opcode is gensim; a
first line of exactly two whole numbers is a word2vec header, followed by binary data
(word2vec-binary) or text (word2vec); any other text is GloVe, whose first line gives DIM.

Containers: gzip, bzip2 and xz are read by their magic bytes and written by extension
(`out.vec.gz`). A zip archive holding one file reads as that file; for an archive holding
several (Stanford's glove.6B.zip) name the member: `glove.6B.zip:glove.6B.50d.txt`. All of them
are read through `files.open_binary`, so damaged or truncated data is a `FormatError`.

Vectors holding NaN or infinity are refused by `load` in every format (naming the file and the
line, or the row where the format has no lines), or read as zero vectors with
`allow_nonfinite=True`; `info` counts them instead.

Modules: `detect` (where the bytes are, which format they hold), `reading` (`load`, `info`),
`writing` (`save`, `check_output`), one module per format family (`word2vec`, `word2vec_binary`,
`ekv`, `projector`, `gensim`, `fasttext`), and `pretrained` (`resolve`: a VECTORS argument, a
file or a pretrained name, becomes `Vectors`).
"""

from .detect import EXTENSIONS, FORMATS, UNICODE_ERRORS, WRITE_FORMATS, detect_format, output_format
from .pretrained import PRETRAINED, load_pretrained, resolve
from .reading import info, json_safe, load
from .writing import DENSE_LIMIT, check_output, save

__all__ = ["DENSE_LIMIT", "EXTENSIONS", "FORMATS", "PRETRAINED", "UNICODE_ERRORS", "WRITE_FORMATS", "check_output",
           "detect_format", "info", "json_safe", "load", "load_pretrained", "output_format", "resolve", "save"]
