"""`sentence_tokens`: the tokens of a sentence for classification (words, clitics, punctuation).

Example:
    >>> sentence_tokens("It doesn't work!")
    ['it', 'does', "n't", 'work', '!']
"""

from __future__ import annotations

import re


# Penn-Treebank-style clitics, as in the SST files and in GloVe's vocabulary ("does n't", "it 's").
_CLITIC = re.compile(r"(?<=\w)(n't|'s|'re|'ve|'d|'ll|'m)\b", re.IGNORECASE)


# a clitic, a word (in-word hyphens and apostrophes kept: "re-imagining", "o'brien"), "...", or
# any other single non-space character (punctuation: "!", "?", ",", '"', "(").
_TOKEN = re.compile(r"n't|'(?:s|re|ve|d|ll|m)\b|\w+(?:[-'\u2019]\w+)*|\.\.\.|[^\w\s]", re.IGNORECASE)


def sentence_tokens(text: str, lowercase: bool = True) -> list[str]:
    """Tokens of one sentence for classification: words, clitics ("n't", "'s") and punctuation.

    Unlike `embedkit.train.tokenize` (which keeps only word characters, for training vectors),
    this keeps "!", "?", "..." and the clitics "n't"/"'s" as tokens of their own: they carry
    sentiment, GloVe has vectors for all of them, and the SST/MR files are already split this way
    ("wo n't"), so already-tokenised text comes out unchanged.
    """
    if lowercase:
        text = text.lower()
    text = _CLITIC.sub(r" \1", text.replace("\u2019", "'"))
    return _TOKEN.findall(text)
