"""Data and models shared by the experiments: load a data set with fixed splits, encode, probe.

Experiments evaluate on a test split they can see (to bucket sentences by length or by where the
deciding word sits), so data sets without one (MR, SUBJ, CR, MPQA) are split here exactly as the
classifier would split them (`embedkit.downstream.split_data`, seed 0). ``"synthetic"`` names the marker task of `synthetic.py`.
"""

from __future__ import annotations

import numpy as np

from ..downstream.datasets import ClassificationData, LabelledTexts, load_classification
from . import synthetic


def _take(split: LabelledTexts, index) -> LabelledTexts:
    return LabelledTexts([split.texts[i] for i in index], [split.labels[i] for i in index])


def with_splits(data: ClassificationData, seed: int = 0) -> ClassificationData:
    """`data` with dev and test splits: its own, else `embedkit.downstream.split_data` (as the classifier)."""
    from ..downstream.splits import split_data

    return split_data(data, seed=seed)  # fills in only the splits a set lacks


def shrink(data: ClassificationData, train: int, test: int, seed: int = 0) -> ClassificationData:
    """At most `train` training texts and `test` dev/test texts each (seeded), for quick runs."""
    rng = np.random.default_rng(seed)

    def cut(split, size):
        if split is None or len(split) <= size:
            return split
        return _take(split, np.sort(rng.choice(len(split), size, replace=False)))

    return ClassificationData(data.name, cut(data.train, train), cut(data.dev, test), cut(data.test, test),
                              data.classes, data.citation)


def load(dataset: str, *, mirror=None, seed: int = 0, quick: bool = False,
         synthetic_length: int = 40) -> ClassificationData:
    """A classification data set with dev and test splits; ``synthetic``: `synthetic.position_task`."""
    if dataset == "synthetic":
        n = 400 if quick else 2000
        make = synthetic.position_task
        return synthetic.as_data(make(synthetic_length, n, seed=seed), make(synthetic_length, n // 4, seed=seed + 1),
                                 make(synthetic_length, n // 2, seed=seed + 2), "synthetic")
    data = with_splits(load_classification(dataset, mirror=mirror), seed=0)
    return shrink(data, 600, 200, seed) if quick else data


def encode(trained, texts: list[str]):
    """Padded ids (B, T) and lengths (B,) of `texts` for `trained.model` (unknown words: 1)."""
    from ..downstream.batches import encode as encode_texts, tensors

    split = encode_texts(list(texts), None, trained.index, trained.classes, trained.config)
    ids, lengths, _ = tensors(split, np.arange(len(split)), "cpu")
    return ids, lengths


def input_gradient_norms(trained, texts: list[str], labels: list[str]) -> np.ndarray:
    """Norm of d(loss)/d(embedded input) at each position, (B, T) float64 (0 on padding).

    The loss is the mean cross-entropy of the batch; the model is put in eval mode (no dropout).
    """
    from ..downstream.needs_torch import require_torch

    torch = require_torch()

    model = trained.model
    model.eval()
    ids, lengths = encode(trained, texts)
    device = next(model.parameters()).device
    ids, lengths_d = ids.to(device), lengths.to(device)
    target = torch.tensor([trained.classes.index(label) for label in labels], device=device)
    x = model.embed(ids).detach().requires_grad_(True)   # (B, T, E)
    loss = torch.nn.functional.cross_entropy(model.forward_embedded(x, lengths_d), target)
    (grad,) = torch.autograd.grad(loss, x)                # (B, T, E)
    norms = grad.norm(dim=2).double().cpu().numpy()       # (B, T)
    mask = np.arange(norms.shape[1])[None, :] < lengths.numpy()[:, None]
    return norms * mask


def log_odds(split: LabelledTexts, lowercase: bool = True, min_count: int = 3) -> dict[str, float]:
    """Per word, the largest |log-odds| of one class against the rest in `split` (add-one smoothed).

    Words seen fewer than `min_count` times are left out. High values: label-indicative words.
    """
    from collections import Counter

    from ..downstream.tokenizer import sentence_tokens

    counts: dict[str, Counter] = {}
    for text, label in zip(split.texts, split.labels):
        counts.setdefault(label, Counter()).update(sentence_tokens(text, lowercase))
    total = Counter()
    for c in counts.values():
        total.update(c)
    sizes = {label: sum(c.values()) for label, c in counts.items()}
    all_size, vocab = sum(sizes.values()), len(total)
    out = {}
    for word, n in total.items():
        if n < min_count:
            continue
        best = 0.0
        for label, c in counts.items():
            inside = (c[word] + 1) / (sizes[label] + vocab)
            outside = (n - c[word] + 1) / (all_size - sizes[label] + vocab)
            best = max(best, abs(float(np.log(inside / outside))))
        out[word] = best
    return out
