"""The optimiser of the recurrent classifier and its gradient clipping, sparse gradients included.

Adam (lr `config.lr`) updates every trainable parameter, the embedding at `config.embed_lr` when
that is set. The one-hot model's lookup (V x directions*gates*hidden, 11.9M numbers on SST-2) has
sparse gradients: only the rows of a batch's tokens get one, and `torch.optim.SparseAdam` updates
only those rows (the "lazy" Adam: a row's moments move when its word is seen), so a step costs
the batch, not the vocabulary. Clipping (`loop.clip_gradients`, which `loop.fit` applies) takes
the norm over all gradients, sparse ones coalesced.
"""

from __future__ import annotations

from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn

from .loop import clip_gradients


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
        """Scale the gradients so that their joint L2 norm is at most `max_norm` (`loop.clip_gradients`)."""
        clip_gradients(self.parameters, max_norm)

    def step(self) -> None:
        for optimizer in self.optimizers:
            optimizer.step()
