"""The optimiser of the recurrent classifier and its gradient clipping, sparse gradients included.

Adam (lr `config.lr`) updates every trainable parameter, the embedding at `config.embed_lr` when
that is set. The one-hot model's lookup (V x directions*gates*hidden, 11.9M numbers on SST-2) has
sparse gradients: only the rows of a batch's tokens get one, and `torch.optim.SparseAdam` updates
only those rows (the "lazy" Adam: a row's moments move when its word is seen), so a step costs
the batch, not the vocabulary. Clipping takes the norm over all gradients, sparse ones coalesced.
"""

from __future__ import annotations

import torch
from torch import nn


class Optimizer:
    """Adam for the dense parameters and SparseAdam for sparse-gradient embeddings, stepped together."""

    def __init__(self, model: nn.Module, config):
        sparse = [p for m in model.modules() if isinstance(m, nn.Embedding) and m.sparse
                  for p in m.parameters() if p.requires_grad]
        embedding = getattr(model, "embedding", None)
        special = {id(p) for p in sparse}
        groups, rest = [], []
        for p in model.parameters():
            if not p.requires_grad or id(p) in special:
                continue
            if config.embed_lr is not None and embedding is not None and p is embedding.weight:
                groups.append({"params": [p], "lr": config.embed_lr})
            else:
                rest.append(p)
        self.parameters = [p for p in model.parameters() if p.requires_grad]
        self.optimizers = [torch.optim.Adam([{"params": rest}, *groups], lr=config.lr)] if rest or groups else []
        if sparse:
            lr = config.lr if config.embed_lr is None else config.embed_lr
            self.optimizers.append(torch.optim.SparseAdam(sparse, lr=lr))
        self.sparse = bool(sparse)

    def zero_grad(self) -> None:
        for optimizer in self.optimizers:
            optimizer.zero_grad()

    def clip(self, max_norm: float) -> None:
        """Scale the gradients so that their joint L2 norm is at most `max_norm` (as
        `nn.utils.clip_grad_norm_`, which refuses sparse gradients)."""
        if not self.sparse:
            nn.utils.clip_grad_norm_(self.parameters, max_norm)
            return
        norms = []
        for p in self.parameters:
            if p.grad is None:
                continue
            if p.grad.is_sparse:
                p.grad = p.grad.coalesce()  # repeated rows summed, so the norm is the true one
                norms.append(p.grad.values().norm())
            else:
                norms.append(p.grad.norm())
        if not norms:
            return
        coef = (max_norm / (torch.stack(norms).norm() + 1e-6)).clamp(max=1.0)
        for p in self.parameters:
            if p.grad is not None:
                p.grad.mul_(coef)

    def step(self) -> None:
        for optimizer in self.optimizers:
            optimizer.step()
