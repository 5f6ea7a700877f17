"""From texts to tensors: the vocabulary, token ids, the embedding matrix from vectors, batches of
similar length, padded tensors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
import numpy as np
from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from .datasets import ClassificationData
from .tokenizer import sentence_tokens
from ..vectors import Vectors
from .config import ClassifierConfig, PAD, UNK


@dataclass
class Split:
    """Encoded texts: `ids[i]` are the token ids of text i, `labels[i]` its class index."""

    ids: list[list[int]]
    labels: np.ndarray  # (n,) int64
    truncated: int = 0  # texts longer than `ClassifierConfig.max_len`, cut to it

    def __len__(self) -> int:
        return len(self.ids)


def training_words(data: ClassificationData, config: ClassifierConfig) -> list[str]:
    """The distinct tokens of the training split, most frequent first (ties in alphabetical order)."""
    counts = Counter(t for text in data.train.texts for t in sentence_tokens(text, config.lowercase))
    return [w for w, _ in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))]


def build_vocab(data: ClassificationData, config: ClassifierConfig, vectors: Vectors | None) -> list[str]:
    """['<pad>', '<unk>', training words by frequency (`training_words`), then dev/test words the
    vectors have].

    Vectors with subwords have a vector for a word outside their vocabulary too (composed from
    its character n-grams): such dev/test words are kept as well.
    """
    words = ["<pad>", "<unk>"] + training_words(data, config)
    if vectors is not None:
        known, seen, unseen = vectors.index, set(words), []
        for split in (data.dev, data.test):
            for text in split.texts if split is not None else ():
                for t in sentence_tokens(text, config.lowercase):
                    if t not in seen:
                        seen.add(t)
                        if t in known:
                            words.append(t)
                        else:
                            unseen.append(t)
        words += vectors.composed(unseen)
    return words


def encode(texts: list[str], labels: list[str] | None, index: dict[str, int], classes: list[str],
           config: ClassifierConfig) -> Split:
    """Token ids per text, cut to `config.max_len` (an empty text becomes one <unk>); labels as class
    indices. The Split counts the texts that were cut."""
    ids, truncated = [], 0
    for text in texts:
        tokens = sentence_tokens(text, config.lowercase)
        if config.max_len is not None and len(tokens) > config.max_len:
            tokens = tokens[:config.max_len]
            truncated += 1
        ids.append([index.get(t, UNK) for t in tokens] or [UNK])
    positions = {c: i for i, c in enumerate(classes)}
    y = np.array([positions.get(label, -1) for label in labels] if labels is not None else [-1] * len(texts),
                 dtype=np.int64)
    return Split(ids, y, truncated)


def embedding_matrix(words: list[str], vectors: Vectors, seed: int,
                     train_words: int | None = None) -> tuple[np.ndarray, dict]:
    """(V, E) float32 rows for `words` from `vectors`; missing words: uniform noise scaled to the
    vectors' standard deviation (vectors with subwords: composed from the word's n-grams); row 0
    (padding) zero.

    Also the coverage of the training words: of the distinct words of the training split (the
    first `train_words` words after ``<pad>`` and ``<unk>``, as `build_vocab` orders them; None:
    every word of `words`), how many the vectors have. The dev/test words `build_vocab` adds are in
    the vectors by construction, so counting them would overstate the coverage.

    Returns:
        (matrix, {"found", "vocab", "fraction"} and, for vectors with subwords, "composed": the
        found training words whose vectors are composed from their character n-grams). "vocab"
        is the number of distinct training words.
    """
    rng = np.random.default_rng(seed)
    dim = vectors.matrix.shape[1]
    scale = float(np.std(vectors.matrix[: min(len(vectors.words), 50_000)])) * np.sqrt(3)  # same std as the vectors
    out = rng.uniform(-scale, scale, (len(words), dim)).astype(np.float32)
    out[PAD] = 0
    index = vectors.index
    counted = len(words) - 2 if train_words is None else train_words
    found = 0
    for i, w in enumerate(words[2:], 2):
        row = index.get(w)
        if row is not None:
            out[i] = vectors.matrix[row]
            found += i - 2 < counted
    coverage = {"found": int(found), "vocab": counted}
    made = vectors.composed(words[2:])
    if getattr(vectors, "subwords", None) is not None:
        where = {w: i for i, w in enumerate(words)}
        if made:
            out[[where[w] for w in made]] = vectors.vectors_of(made)
        composed = sum(where[w] - 2 < counted for w in made)
        coverage.update(found=int(found) + composed, composed=composed)
    coverage["fraction"] = coverage["found"] / max(1, counted)
    return out, coverage


def batches(split: Split, batch_size: int, rng: np.random.Generator | None):
    """Lists of row indices of texts of similar length: sorted by length (ties broken at random),
    cut into batches, batch order shuffled. `rng=None`: in order, no shuffling."""
    lengths = np.array([len(r) for r in split.ids])
    order = rng.permutation(len(split)) if rng is not None else np.arange(len(split))
    order = order[np.argsort(lengths[order], kind="stable")]
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        chunks = [chunks[i] for i in rng.permutation(len(chunks))]
    return chunks


def tensors(split: Split, rows, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(B, T) padded ids, (B,) lengths, (B,) labels for the given rows."""
    seqs = [split.ids[i] for i in rows]
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.int64)
    ids = torch.zeros(len(seqs), int(lengths.max()), dtype=torch.int64)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    return ids.to(device), lengths.to(device), torch.from_numpy(split.labels[rows]).to(device)
