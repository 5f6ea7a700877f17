"""The recurrence of an ``nn.RNN``/``nn.LSTM``/``nn.GRU`` run from its first layer's input gates.

The one-hot model looks up each token's first-layer input gates (the columns of W_ih, `model`), so
its RNN's own first-layer input weights are fixed identity blocks. Feeding the lookup through the
torch module would multiply every token by those blocks (a gates*hidden x directions*gates*hidden
GEMM, 8x the recurrent work of a BiLSTM with 100 units). `run` skips them: it reads the module's
recurrent weights and biases and steps the cell itself, both directions in one batched product per
time step. Layers after the first take their input gates from one GEMM over all time steps.

The result is what the module computes on the packed sequence: outputs zero on padding, final
states at each sequence's true end (the reverse direction's at its first token), the same
parameters and the same gradients (tests/downstream/test_recurrence.py).
"""

from __future__ import annotations

from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn

SUFFIXES = ("", "_reverse")


def run(rnn: nn.RNNBase, gates: torch.Tensor, lengths: torch.Tensor, *,
        training: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """The outputs and final hidden states of `rnn` on inputs whose first-layer gates are `gates`.

    Args:
        rnn: the batch-first module whose recurrent weights and biases are used (its first-layer
            input weights are not read: `gates` is the input already multiplied by them); its
            `dropout` acts on each layer's outputs but the last while `training`, as in the module.
        gates: (B, T, directions * gates * hidden), direction 0's block first, b_ih not included.
        lengths: (B,) true lengths, each at least 1; positions from a sequence's length on are padding.

    Returns:
        (outputs (B, T, directions * hidden), zero on padding; h_n (layers * directions, B, hidden)).
    """
    directions = 2 if rnn.bidirectional else 1
    suffixes = SUFFIXES[:directions]
    B, T, _ = gates.shape
    real, flip = reversal(lengths.to(gates.device), T)
    mask = real.T[:, None, :, None]                                           # (T, 1, B, 1)
    finals, outputs = [], None
    for layer in range(rnn.num_layers):
        if layer:
            if rnn.dropout and training:
                outputs = nn.functional.dropout(outputs, rnn.dropout, training=True)
            gates = torch.cat([nn.functional.linear(outputs, getattr(rnn, f"weight_ih_l{layer}{s}"))
                               for s in suffixes], 2)
        per_direction = gates.view(B, T, directions, -1).unbind(2)
        x = torch.stack([per_direction[0]] + [reverse(d, flip) for d in per_direction[1:]], 0)  # (D, B, T, G)

        def stacked(name):  # the directions' parameters of this layer, (D, ...)
            return torch.stack([getattr(rnn, f"{name}_l{layer}{s}") for s in suffixes], 0)

        w_hh = stacked("weight_hh").transpose(1, 2)                           # (D, H, G)
        b_ih, b_hh = stacked("bias_ih")[:, None, :], stacked("bias_hh")[:, None, :]  # (D, 1, G)
        h, h_n = STEPS[rnn.mode](x, w_hh, b_ih, b_hh, mask)                  # (D, B, T, H), (D, B, H)
        outputs = torch.cat([h[0]] + [reverse(d, flip) for d in h[1:]], 2)   # (B, T, D*H)
        finals.append(h_n)
    return outputs, torch.cat(finals, 0)


def reversal(lengths: torch.Tensor, T: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(real, flip), both (B, T): real is True on a sequence's tokens; `reverse` reads position t
    of each sequence from flip[:, t] (length-1-t on its tokens, t itself on padding)."""
    steps = torch.arange(T, device=lengths.device)
    real = steps[None, :] < lengths[:, None]
    return real, torch.where(real, lengths[:, None] - 1 - steps[None, :], steps[None, :])


def reverse(x: torch.Tensor, flip: torch.Tensor) -> torch.Tensor:
    """(B, T, F): each sequence reversed within its true length; padding stays where it is."""
    return x.gather(1, flip[:, :, None].expand_as(x))


def _lstm(x, w_hh, b_ih, b_hh, mask):
    """LSTM steps, gates ordered (input, forget, cell, output) as torch orders them."""
    D, B, T, G = x.shape
    H = G // 4
    h = c = x.new_zeros(D, B, H)
    # each bias added on its own: b_ih + b_hh would hand both the same gradient tensor, which clipping
    # in place would then scale twice; unbind: one backward for all steps (a slice per step copies x)
    xs = (x + b_ih[:, :, None] + b_hh[:, :, None]).unbind(2)
    outputs = []
    for t in range(T):
        g = torch.baddbmm(xs[t], h, w_hh)
        s = torch.sigmoid(g)
        c_new = s[..., H:2 * H] * c + s[..., :H] * torch.tanh(g[..., 2 * H:3 * H])
        h_new = s[..., 3 * H:] * torch.tanh(c_new)
        m = mask[t]
        c, h = torch.where(m, c_new, c), torch.where(m, h_new, h)
        outputs.append(h_new * m)
    return torch.stack(outputs, 2), h


def _gru(x, w_hh, b_ih, b_hh, mask):
    """GRU steps, gates ordered (reset, update, new); the new gate's recurrent part is reset-scaled."""
    D, B, T, G = x.shape
    H = G // 3
    h = x.new_zeros(D, B, H)
    xs = (x + b_ih[:, :, None]).unbind(2)
    outputs = []
    for t in range(T):
        recurrent = torch.baddbmm(b_hh, h, w_hh)
        xt = xs[t]
        rz = torch.sigmoid(xt[..., :2 * H] + recurrent[..., :2 * H])
        n = torch.tanh(xt[..., 2 * H:] + rz[..., :H] * recurrent[..., 2 * H:])
        z = rz[..., H:]
        h_new = n + z * (h - n)
        m = mask[t]
        h = torch.where(m, h_new, h)
        outputs.append(h_new * m)
    return torch.stack(outputs, 2), h


def _tanh_rnn(x, w_hh, b_ih, b_hh, mask):
    """Elman steps with tanh, torch's default nonlinearity."""
    D, B, T, H = x.shape
    h = x.new_zeros(D, B, H)
    # each bias added on its own: b_ih + b_hh would hand both the same gradient tensor, which clipping
    # in place would then scale twice; unbind: one backward for all steps (a slice per step copies x)
    xs = (x + b_ih[:, :, None] + b_hh[:, :, None]).unbind(2)
    outputs = []
    for t in range(T):
        h_new = torch.tanh(torch.baddbmm(xs[t], h, w_hh))
        m = mask[t]
        h = torch.where(m, h_new, h)
        outputs.append(h_new * m)
    return torch.stack(outputs, 2), h


STEPS = {"LSTM": _lstm, "GRU": _gru, "RNN_TANH": _tanh_rnn}
