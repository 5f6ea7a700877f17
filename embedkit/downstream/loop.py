"""The training loop every embedkit model shares: epochs of batches, one optimizer step per batch
with gradient clipping (sparse gradients too), a dev score after each epoch, early stopping on it, the best weights
restored, a progress bar.

`fit` knows nothing about the model or the data: the caller hands it the batches of an epoch,
the loss of one batch and the dev score (higher is better). The recurrent classifier
(`training.train_classifier`) and the encoder-decoder (`translator.train_seq2seq`) both train
through it.
"""

from __future__ import annotations

import copy
import sys
import time
from typing import Callable, Iterable

from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn

CLIP = 5.0  # largest gradient norm of a step (the whole model's gradient is scaled down to it)


def fit(model: nn.Module, optimizer: torch.optim.Optimizer, *, epochs: int, patience: int,
        batches: Callable[[int], Iterable], loss: Callable[[object], tuple[torch.Tensor, int]],
        score: Callable[[], float], metric: str = "dev_accuracy", history: list | None = None,
        progress: bool = False, name: str = "", clip: float = CLIP) -> list[dict]:
    """Train `model` for up to `epochs` epochs; stop after `patience` epochs without a better dev score.

    Args:
        model: the module trained (put in train mode for the batches; in eval mode at the end,
            holding the weights of its best epoch).
        optimizer: steps the model's parameters (anything with `zero_grad()` and `step()`, such
            as `optim.Optimizer`, which steps sparse-gradient embeddings with SparseAdam).
        epochs, patience: most epochs; epochs without a new best dev score before stopping.
        batches: `batches(epoch)` yields the epoch's batches (epoch 1, 2, ...), in order.
        loss: `loss(batch)` -> (mean loss of the batch as a tensor, the batch's number of examples).
        score: the dev score after an epoch, higher is better (called in whatever mode it sets).
        metric: the name of the dev score in `history`.
        history: the list the epochs are appended to (a new one if None).
        progress: show a progress bar on stderr, titled `name`.
        clip: the largest gradient norm of a step.

    Returns:
        `history`: one {"epoch", "train_loss", metric, "seconds"} per epoch trained.

    Example:
        >>> fit(model, torch.optim.Adam(model.parameters()), epochs=5, patience=2,
        ...     batches=lambda epoch: data, loss=lambda b: (model.loss(b), len(b)), score=dev)  # doctest: +SKIP
    """
    history = [] if history is None else history
    best, best_state, waited = float("-inf"), None, 0
    bar = progress_bar(epochs, progress, name)
    for epoch in range(1, epochs + 1):
        start, total, seen = time.perf_counter(), 0.0, 0
        model.train()
        for batch in batches(epoch):
            optimizer.zero_grad()
            value, count = loss(batch)
            value.backward()
            clip_gradients(model.parameters(), clip)
            optimizer.step()
            total += value.item() * count
            seen += count
        dev = score()
        history.append({"epoch": epoch, "train_loss": total / max(1, seen), metric: dev,
                        "seconds": time.perf_counter() - start})
        if bar is not None:
            bar.set_postfix(loss=f"{total / max(1, seen):.4f}", dev=f"{dev:.4f}")
            bar.update(1)
        if dev > best:
            best, best_state, waited = dev, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= patience:
                break
    if bar is not None:
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


def clip_gradients(parameters: Iterable[torch.Tensor], max_norm: float) -> None:
    """Scale the gradients so that their joint L2 norm is at most `max_norm`, sparse ones included.

    Dense gradients only: `nn.utils.clip_grad_norm_`. A sparse gradient (an embedding built with
    ``sparse=True``, which `nn.utils.clip_grad_norm_` refuses) is coalesced first, so that rows a
    batch repeats are summed and its norm is the true one.

    Example:
        >>> clip_gradients(model.parameters(), 5.0)  # doctest: +SKIP
    """
    parameters = [p for p in parameters if p.grad is not None]
    if not any(p.grad.is_sparse for p in parameters):
        if parameters:
            nn.utils.clip_grad_norm_(parameters, max_norm)
        return
    norms = []
    for p in parameters:
        if p.grad.is_sparse:
            p.grad = p.grad.coalesce()
            norms.append(p.grad.values().norm())
        else:
            norms.append(p.grad.norm())
    coef = (max_norm / (torch.stack(norms).norm() + 1e-6)).clamp(max=1.0)
    for p in parameters:
        p.grad.mul_(coef)


def progress_bar(epochs: int, enabled: bool, name: str):
    """A tqdm bar over the epochs on stderr, or None when not `enabled`."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=epochs, desc=f"{name} epochs", unit="epoch", file=sys.stderr, leave=False)
