"""`Seq2Seq`: an encoder-decoder with or without attention, the model and nothing else.

The encoder (GRU or LSTM, both directions by default) reads the source words into one state per
word, h_1 .. h_S (B, S, D). The decoder writes the target one word at a time: its state s_t reads
the previous word y_{t-1} and the previous context c_{t-1} (the first state and context come from
the encoder's summary, its final states), then a new context c_t is formed and the word is
predicted from [s_t; c_t; y_{t-1}]:

- ``attention="none"`` (Cho et al. 2014): c_t is the encoder's summary, the same at every step:
  the whole sentence must pass through one fixed-size vector;
- ``"additive"`` (the score of Bahdanau et al. 2014): c_t = sum_j a_tj h_j with
  a_t = softmax_j(v . tanh(W s_t + U h_j)), a soft alignment of target word t to the source;
- ``"dot"`` (Luong et al. 2015, their "general" score): a_t = softmax_j(s_t . W h_j).

Both scores are computed from the state that has read y_{t-1} (Luong et al.'s order, with the
previous context fed back as input); Bahdanau et al. score with s_{t-1}, before y_{t-1} is read.

Attention weights are 0 on padding and sum to 1 over the real source words. Ids 0-3 are
``<pad>``, ``<unk>``, ``<s>`` (the decoder's first input) and ``</s>`` (the end of the output).
"""

from __future__ import annotations

from dataclasses import dataclass

from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..errors import EmbedkitError
from .model import CELLS

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]
ATTENTIONS = ("none", "additive", "dot")
STEPS = {"gru": nn.GRUCell, "lstm": nn.LSTMCell}  # the decoder's cell, one step at a time


@dataclass
class Seq2SeqConfig:
    cell: str = "gru"            # "gru" | "lstm", for the encoder and the decoder
    attention: str = "additive"  # "none" | "additive" (Bahdanau) | "dot" (Luong's general score)
    dim: int = 32                # word embedding size, source and target
    hidden: int = 64             # decoder state; also the state of each encoder direction
    bidirectional: bool = True   # the encoder reads both ways (as Bahdanau et al.'s)
    dropout: float = 0.0         # on the embedded words
    epochs: int = 20
    batch_size: int = 32
    lr: float = 3e-3             # Adam
    patience: int = 5            # early stopping on the dev word accuracy of greedy decoding
    max_ratio: float = 2.0       # greedy decoding stops after max_ratio x source length + 2 words
    device: str = "cpu"          # "auto" | "cpu" | "cuda"
    seed: int = 1

    def check(self) -> None:
        if self.cell not in STEPS:
            raise EmbedkitError(f"unknown cell {self.cell!r} for an encoder-decoder; choose gru or lstm")
        if self.attention not in ATTENTIONS:
            raise EmbedkitError(f"unknown attention {self.attention!r}; choose one of {', '.join(ATTENTIONS)}")
        for name in ("dim", "hidden", "epochs", "batch_size", "patience"):
            if getattr(self, name) < 1:
                raise EmbedkitError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 <= self.dropout < 1:
            raise EmbedkitError("dropout must lie in [0, 1)")
        if self.device not in ("auto", "cpu", "cuda"):
            raise EmbedkitError(f"unknown device {self.device!r}; choose auto, cpu or cuda")


class Seq2Seq(nn.Module):
    """source ids -> encoder states -> decoder with (or without) attention -> target logits."""

    def __init__(self, source_size: int, target_size: int, config: Seq2SeqConfig):
        super().__init__()
        self.config = config
        E, H = config.dim, config.hidden
        D = H * (2 if config.bidirectional else 1)  # width of an encoder state
        self.source_embedding = nn.Embedding(source_size, E, padding_idx=PAD)
        self.target_embedding = nn.Embedding(target_size, E, padding_idx=PAD)
        self.dropout = nn.Dropout(config.dropout)
        self.encoder = CELLS[config.cell](E, H, batch_first=True, bidirectional=config.bidirectional)
        self.bridge = nn.Linear(D, H)  # the decoder's first state from the encoder's summary
        if config.attention != "none":
            self.keys = nn.Linear(D, H, bias=False)  # U h_j (additive), W h_j (dot)
        if config.attention == "additive":
            self.query = nn.Linear(H, H)              # W s_{t-1} + b
            self.score = nn.Linear(H, 1, bias=False)  # v
        self.decoder = STEPS[config.cell](E + D, H)
        self.output = nn.Sequential(nn.Linear(H + D + E, H), nn.Tanh(), nn.Linear(H, target_size))

    def encode(self, source: torch.Tensor, lengths: torch.Tensor):
        """(B, S) ids, (B,) lengths -> memory (B, S, D) (0 on padding), mask (B, S), summary (B, D)."""
        B, S = source.shape
        x = self.dropout(self.source_embedding(source))  # (B, S, E)
        packed = pack_padded_sequence(x, lengths.detach().to("cpu", torch.int64), batch_first=True,
                                      enforce_sorted=False)
        outputs, state = self.encoder(packed)
        h_n = state[0] if isinstance(state, tuple) else state  # (dirs, B, H)
        memory, _ = pad_packed_sequence(outputs, batch_first=True, total_length=S)  # (B, S, D)
        summary = torch.cat(list(h_n), 1)  # (B, D): forward after the last word, backward after the first
        mask = torch.arange(S, device=source.device)[None, :] < lengths[:, None].to(source.device)  # (B, S)
        return memory, mask, summary

    def start(self, summary: torch.Tensor):
        """The decoder's first state from the encoder's summary (B, D): (B, H), or (h, c) for LSTM."""
        h = torch.tanh(self.bridge(summary))  # (B, H)
        return (h, torch.zeros_like(h)) if self.config.cell == "lstm" else h

    def attend(self, s: torch.Tensor, memory, keys, mask):
        """Decoder state (B, H) -> context (B, D) and weights (B, S) (None without attention)."""
        if self.config.attention == "additive":
            scores = self.score(torch.tanh(self.query(s)[:, None, :] + keys)).squeeze(-1)  # (B, S)
        else:
            scores = (keys * s[:, None, :]).sum(-1)  # (B, S)
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), 1)  # (B, S), 0 on padding
        return (weights[:, :, None] * memory).sum(1), weights  # (B, D), (B, S)

    def step(self, previous: torch.Tensor, state, context, memory, keys, mask, summary):
        """One decoder step: the previous word ids (B,) and context (B, D) are read into the state,
        which then attends: -> logits (B, V), new state, new context (B, D), weights (B, S) or None."""
        e = self.dropout(self.target_embedding(previous))  # (B, E)
        state = self.decoder(torch.cat([e, context], 1), state)
        s = state[0] if isinstance(state, tuple) else state  # (B, H)
        if self.config.attention == "none":
            context, weights = summary, None
        else:
            context, weights = self.attend(s, memory, keys, mask)
        return self.output(torch.cat([s, context, e], 1)), state, context, weights

    def _prepare(self, source, lengths):
        memory, mask, summary = self.encode(source, lengths)
        keys = self.keys(memory) if self.config.attention != "none" else None  # (B, S, H)
        return memory, mask, summary, keys

    def forward(self, source: torch.Tensor, lengths: torch.Tensor, target_in: torch.Tensor):
        """Teacher forcing: (B, S) source, (B,) lengths, (B, T) decoder inputs (<s> y_1 .. y_{T-1})
        -> logits (B, T, V) and attention weights (B, T, S) (None without attention)."""
        memory, mask, summary, keys = self._prepare(source, lengths)
        state, context, logits, weights = self.start(summary), summary, [], []
        for t in range(target_in.shape[1]):
            out, state, context, w = self.step(target_in[:, t], state, context, memory, keys, mask, summary)
            logits.append(out)
            weights.append(w)
        return torch.stack(logits, 1), (torch.stack(weights, 1) if weights[0] is not None else None)

    @torch.no_grad()
    def greedy(self, source: torch.Tensor, lengths: torch.Tensor, steps: int):
        """Greedy decoding of up to `steps` words: ids (B, steps) (</s> then padding once a
        sentence has ended) and attention weights (B, steps, S) (None without attention)."""
        memory, mask, summary, keys = self._prepare(source, lengths)
        B = source.shape[0]
        state, context = self.start(summary), summary
        previous = torch.full((B,), BOS, dtype=torch.int64, device=source.device)
        done = torch.zeros(B, dtype=torch.bool, device=source.device)
        out, weights = [], []
        for _ in range(steps):
            logits, state, context, w = self.step(previous, state, context, memory, keys, mask, summary)
            previous = logits.argmax(1).masked_fill(done, PAD)  # (B,)
            out.append(previous)
            weights.append(w)
            done |= previous == EOS
            if bool(done.all()):
                break
        ids = torch.stack(out, 1)
        return ids, (torch.stack(weights, 1) if weights[0] is not None else None)
