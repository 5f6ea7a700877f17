"""`SequenceClassifier`: the model and nothing else (embedding, RNN over packed sequences, pooling,
output layer), and the parameter counts it must match."""

from __future__ import annotations

import numpy as np
from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from ..errors import EmbedkitError
from . import recurrence
from .config import GATES, PAD, ClassifierConfig

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}  # the torch module of each cell


class SequenceClassifier(nn.Module):
    """embedding -> RNN/LSTM/GRU over packed sequences -> pooling -> dropout -> linear."""

    def __init__(self, vocab_size: int, classes: int, config: ClassifierConfig,
                 weights: np.ndarray | None = None):
        super().__init__()
        self.config = config
        cell, directions = config.cell, 2 if config.bidirectional else 1
        self.onehot = config.embeddings == "onehot"
        if self.onehot:  # the columns of the first layer's input weights, one block per direction
            size = directions * GATES[cell] * config.hidden
            # sparse gradients: a batch updates the rows of its own tokens only (`optim.Optimizer`)
            self.embedding = nn.Embedding(vocab_size, size, padding_idx=PAD, sparse=True)
            nn.init.uniform_(self.embedding.weight, -config.hidden ** -0.5, config.hidden ** -0.5)
        else:
            size = config.dim if weights is None else weights.shape[1]
            self.embedding = nn.Embedding(vocab_size, size, padding_idx=PAD)
            if weights is not None:
                self.embedding.weight.data.copy_(torch.from_numpy(weights))
            else:
                nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
            self.embedding.weight.requires_grad_(not config.frozen())
        with torch.no_grad():
            self.embedding.weight[PAD].zero_()
        self.embed_dropout = nn.Dropout(0.0 if self.onehot else config.embed_dropout)
        self.rnn = CELLS[cell](size, config.hidden, num_layers=config.layers, batch_first=True,
                               bidirectional=config.bidirectional,
                               dropout=config.dropout if config.layers > 1 else 0.0)
        if self.onehot:  # fixed identity blocks: direction d reads its own slice of the lookup. They make
            # self.rnn the one-hot model's torch module as it is; `_encode` steps it without them (`recurrence`)
            block = GATES[cell] * config.hidden
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                weight = getattr(self.rnn, f"weight_ih_l0{suffix}")
                with torch.no_grad():
                    weight.zero_()
                    weight[:, d * block:(d + 1) * block] = torch.eye(block)
                weight.requires_grad_(False)
        if config.memory is not None:  # a known short memory: |h - h'| shrinks by `memory` per step (tanh is 1-Lipschitz)
            for name, weight in self.rnn.named_parameters():
                if name.startswith("weight_hh"):
                    with torch.no_grad():
                        weight.copy_(config.memory * torch.eye(config.hidden))
                    weight.requires_grad_(False)
        if cell in ("lstm", "gru") and config.forget_bias:
            # the keeping gate's rows: LSTM gates are ordered (input, forget, cell, output), GRU (reset, update, new);
            # both are rows hidden..2*hidden, and a GRU keeps the old state in proportion to its update gate
            with torch.no_grad():
                for name, bias in self.rnn.named_parameters():
                    if name.startswith("bias_ih"):
                        bias[config.hidden:2 * config.hidden] = config.forget_bias
                    elif name.startswith("bias_hh"):
                        bias[config.hidden:2 * config.hidden] = 0.0
        out = directions * config.hidden
        if config.pooling == "attention":  # additive attention (Bahdanau): v . tanh(W h + b)
            self.attend = nn.Sequential(nn.Linear(out, out), nn.Tanh(), nn.Linear(out, 1, bias=False))
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(out, classes)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) token ids -> (B, T, E) inputs of the RNN (for onehot: the one-hot inputs times W_ih)."""
        return self.embedding(ids)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, T) ids, (B,) true lengths -> (B, C) logits."""
        return self.forward_embedded(self.embed(ids), lengths)

    def forward_embedded(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, T, E) embedded tokens, (B,) lengths -> (B, C) logits."""
        pooled, _ = self._encode(x, lengths)
        return self.output(self.dropout(pooled))  # (B, C)

    def attention_weights(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, T) attention weights over the tokens (0 on padding); pooling="attention" only."""
        if self.config.pooling != "attention":
            raise EmbedkitError("attention weights need a model trained with pooling='attention'")
        return self._encode(self.embed(ids), lengths)[1]

    def _encode(self, x: torch.Tensor, lengths: torch.Tensor):
        """(pooled (B, H*dirs), attention weights (B, T) or None)."""
        B, T, _ = x.shape
        lengths_cpu = lengths.detach().to("cpu", torch.int64)
        mask, flip = recurrence.reversal(lengths.to(x.device), T)  # (B, T): True on real tokens; the reversal
        backwards = self.config.reverse and not self.config.bidirectional
        if backwards:  # position t reads token length-1-t; padding stays where it is
            x = recurrence.reverse(x, flip)
        x = self.embed_dropout(x)
        if self.onehot:  # x holds the first layer's input gates: step the cell without the identity blocks
            h, h_n = recurrence.run(self.rnn, x, lengths_cpu, training=self.training)
        else:
            packed = pack_padded_sequence(x, lengths_cpu, batch_first=True, enforce_sorted=False)
            outputs, state = self.rnn(packed)
            h_n = state[0] if isinstance(state, tuple) else state  # (layers*dirs, B, H)
            h, _ = pad_packed_sequence(outputs, batch_first=True, total_length=T)  # (B, T, H*dirs), 0 on padding
        if backwards:
            h = recurrence.reverse(h, flip)
        weights = None
        pooling = self.config.pooling
        if pooling == "last":  # the true final states: forward at length-1, backward at 0
            pooled = torch.cat([h_n[-2], h_n[-1]], 1) if self.config.bidirectional else h_n[-1]  # (B, H*dirs)
        elif pooling == "mean":
            pooled = h.sum(1) / lengths[:, None].to(h)
        elif pooling == "max":
            pooled = h.masked_fill(~mask[:, :, None], float("-inf")).max(1).values
        else:
            scores = self.attend(h).squeeze(-1).masked_fill(~mask, float("-inf"))  # (B, T)
            weights = torch.softmax(scores, 1)
            pooled = (weights[:, :, None] * h).sum(1)
        return pooled, weights


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of parameters; trainable only by default (frozen embeddings and the one-hot model's
    fixed identity blocks are not parameters of the model being learned)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def onehot_parameter_count(vocab_size: int, classes: int, config: ClassifierConfig) -> int:
    """The parameter count of the one-hot model written out (what `count_parameters` must equal)."""
    g, h, d = GATES[config.cell], config.hidden, 2 if config.bidirectional else 1
    total = d * (g * h * vocab_size + g * h * h + 2 * g * h)                   # layer 1: W_ih (V cols), W_hh, b_ih, b_hh
    total += (config.layers - 1) * d * (g * h * d * h + g * h * h + 2 * g * h)  # further layers
    if config.pooling == "attention":
        total += (d * h) * (d * h) + d * h + d * h
    return total + d * h * classes + classes
