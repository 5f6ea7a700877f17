"""`ClassifierConfig`: every setting of the recurrent classifier, as a commented dataclass (no torch here)."""

from __future__ import annotations

from dataclasses import dataclass
from ..errors import EmbedkitError


CELLS = ("rnn", "lstm", "gru")


GATES = {"rnn": 1, "lstm": 4, "gru": 3}


POOLINGS = ("last", "mean", "max", "attention")


PAD = 0  # the padding token's row


UNK = 1  # the row of words outside the vocabulary


@dataclass
class ClassifierConfig:
    embeddings: str = "random"     # "onehot" | "random" | a vectors file | a pretrained name ("glove-6b-50d")
                                   # | "given": the `vectors` handed to train_classifier / run_seeds
    freeze: bool | None = None     # None: frozen for onehot, trained for random, fine-tuned for pretrained
    dim: int = 50                  # size of "random" embeddings
    cell: str = "lstm"             # "rnn" | "lstm" | "gru"
    layers: int = 1
    bidirectional: bool = False
    reverse: bool = False          # feed each sentence backwards (a backward-only model); ignored if bidirectional
    pooling: str = "last"          # "last" | "mean" | "max" | "attention"
    forget_bias: float = 0.0       # initial bias of the gate that keeps the state: LSTM forget, GRU update (z);
                                   # 1.0 is the usual remedy for long memories (Gers et al. 2000, Jozefowicz et al. 2015)
    hidden: int = 100              # RNN state size per direction
    dropout: float = 0.5           # before the output layer (and between stacked RNN layers)
    embed_dropout: float = 0.25    # on the embedded tokens (not for onehot, whose lookup is the RNN's input weights)
    epochs: int = 20
    batch_size: int = 50
    lr: float = 1e-3               # Adam
    embed_lr: float | None = None  # Adam's learning rate for trainable embeddings (None: lr)
    patience: int = 3              # early stopping on dev accuracy
    max_len: int | None = None     # keep the first max_len tokens of each text (None: keep all); the CLI's
                                   # default 400 is over 3x the longest sentence of MR/SST/SUBJ/TREC/CR/MPQA
    lowercase: bool = True
    device: str = "auto"           # "auto" | "cpu" | "cuda"
    seed: int = 1

    def check(self) -> None:
        if self.cell not in CELLS:
            raise EmbedkitError(f"unknown cell {self.cell!r}; choose one of {', '.join(CELLS)}")
        if self.pooling not in POOLINGS:
            raise EmbedkitError(f"unknown pooling {self.pooling!r}; choose one of {', '.join(POOLINGS)}")
        if self.device not in ("auto", "cpu", "cuda"):
            raise EmbedkitError(f"unknown device {self.device!r}; choose auto, cpu or cuda")
        for name in ("dim", "layers", "hidden", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise EmbedkitError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_len is not None and self.max_len < 1:
            raise EmbedkitError(f"max_len must be at least 1 (or None: keep every token), got {self.max_len}")
        if self.embed_lr is not None and not self.embed_lr > 0:
            raise EmbedkitError(f"embed_lr must be positive (or None: lr), got {self.embed_lr}")
        if not 0 <= self.dropout < 1 or not 0 <= self.embed_dropout < 1:
            raise EmbedkitError("dropout must lie in [0, 1)")
        if self.embeddings == "onehot" and self.freeze is False:
            raise EmbedkitError("one-hot vectors are fixed by definition (their lookup, the first layer's "
                                "input weights, is learned); drop --finetune")

    def frozen(self) -> bool:
        if self.freeze is not None:
            return self.freeze
        return self.embeddings == "onehot"

