"""Phrase detection as gensim's `Phrases` does it, counted and applied in numba.

One streaming pass counts every word and every *candidate*: two consecutive words that are not
connector words, with the connector words between them (``bank of america`` is the candidate
bank + america with "of" inside). Candidate a ... b is a phrase when its score beats
`threshold`:

    default (Mikolov et al. 2013):  (count(a ... b) - min_count) / (count(a) * count(b)) * table size
    npmi (Bouma 2009):  ln(p(a ... b) / (p(a) p(b))) / -ln p(a ... b), p = count / corpus words,
                        and -inf below min_count

where the table size is the number of distinct words and candidates counted (gensim's
``len(vocab)``). Applying the model walks each sentence left to right and joins a phrase as soon
as one is found, with `delimiter` between its words (``new_york``, ``bank_of_america``); a word
that ends a phrase does not start the next one. `passes` > 1 counts and applies again on the
output, so phrases grow (``new_york_times``).

Memory is bounded as gensim bounds it (`max_vocab_size`): after any sentence that leaves more
than that many entries in the table, the entries counted fewer than `min_reduce` times are
dropped and `min_reduce` rises by one (gensim's `utils.prune_vocab`, which starts at 1). The
table of distinct strings (every word and piece seen, its bytes and its count) is not pruned.

The results equal gensim's, count for count and score for score (tests/train/test_phrases.py):
gensim keys its table by the joined string, so the word ``new_york`` (written by an earlier
pass) and the candidate new + york are one entry; here every key is the sequence of the
pieces its string splits into at the delimiter (first piece, inner pieces interned in a trie,
last piece), which gives the same entries. `frozen` scores as gensim's `FrozenPhrases` (the
model after `freeze()`): a candidate's words are counted by the first and the last piece of
the joined string, which differs from `Phrases` only for words that contain the delimiter.

Speed: everything but reading and writing runs in numba (`words`, `counts`; their tables' layout in `tables`) on the UTF-8 bytes: splitting lines
into words (at the white space Python's ``str.split()`` splits at; lines end at \\n, \\r or
\\r\\n, as Python reads text files), mapping words to ids in a hash table of byte strings,
counting in an open-addressing table, finding the phrases and writing the joined text. Bytes
that are not valid UTF-8 are kept as they are (gensim's LineSentence refuses such files).

Modules: `model` (`PhraseModel`), `files` (`phrase_file`, `phrase_corpus`), `words` and `counts` (the kernels).
"""

from .files import phrase_corpus, phrase_file
from .model import ENGLISH_CONNECTOR_WORDS, SCORINGS, Phrase, PhraseModel, format_phrases

__all__ = ["ENGLISH_CONNECTOR_WORDS", "SCORINGS", "Phrase", "PhraseModel", "format_phrases", "phrase_corpus", "phrase_file"]
