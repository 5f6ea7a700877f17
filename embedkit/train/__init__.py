"""The train wing: word vectors from a corpus.

`train_skipgram(corpus, SkipGramConfig(...)) -> Vectors` (module `skipgram`) runs the pipeline:
`corpus` streams sentences from files, `vocab` counts and keeps words, `prepare` makes the
one pass over the corpus (tokenised copy, vocabulary, the fixed loss sample), an engine of
`engines/` trains (native numba kernels or gensim), and `monitor` draws the progress, measures
the loss after every epoch and writes checkpoints. Beside it: `windows` (the pairs skip-gram
sees), `onehot` (the baseline), `demo`, `phrases` (collocations), `huffman` (hierarchical
softmax's tree) and `fastcorpus` (the corpus pass in numba).
"""

from .config import SkipGramConfig
from .corpus import Corpus, tokenize
from .engines import ENGINES
from .monitor import TrainingInterrupted
from .onehot import onehot
from .skipgram import train_skipgram
from .vocab import Vocab

__all__ = ["ENGINES", "Corpus", "SkipGramConfig", "TrainingInterrupted", "Vocab", "onehot", "tokenize",
           "train_skipgram"]
