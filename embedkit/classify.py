"""Recurrent sentence classifiers: embedding -> RNN | LSTM | GRU -> pooling -> dropout -> linear.

Embedding inputs (`ClassifierConfig.embeddings`):

- ``"onehot"``: one-hot vectors over the vocabulary, fixed. A one-hot input times the first RNN
  layer's input weights W_ih (gates*hidden x V, per direction) is a column of W_ih, so the model
  never builds a V x V matrix: an ``nn.Embedding(V, directions*gates*hidden)`` holds exactly those
  columns (learned), and the RNN's own first-layer input weights are fixed identity blocks that
  hand each direction its part. The model is the one-hot model, parameter for parameter:
  `count_parameters` (trainable) equals ``V*directions*gates*hidden`` for the input weights plus
  the recurrent weights, biases, attention and output layer.
- ``"random"``: ``dim``-dimensional vectors learned from scratch.
- a vectors file or a pretrained name (``"glove-6b-50d"``): words missing from the vectors get
  small random vectors (uniform, scaled to the vectors' standard deviation); ``freeze`` keeps all
  vectors fixed, otherwise they are fine-tuned.

Vocabulary: every word of the training split (min count 1), plus, with pretrained vectors, the
dev/test words the vectors have (they are known without training). Index 0 is ``<pad>``, 1 ``<unk>``.
Sequences are packed, so padding never reaches the RNN, and pooling masks it out.

Example:
    >>> from embedkit.datasets import load_classification
    >>> from embedkit.classify import ClassifierConfig, train_classifier
    >>> data = load_classification("mr", mirror="../shared/datasets")
    >>> trained = train_classifier(data, ClassifierConfig(embeddings="glove-6b-50d", bidirectional=True))
    >>> trained.evaluate(trained.test)["accuracy"]  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import io
import json
import random
import sys
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .datasets import ClassificationData, LabelledTexts
from .errors import EmbedkitError
from .scores import prediction_scores, summarize
from .splits import sentence_tokens, split_data
from .vectors import Vectors

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
POOLINGS = ("last", "mean", "max", "attention")
PAD, UNK = 0, 1


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
        if not 0 <= self.dropout < 1 or not 0 <= self.embed_dropout < 1:
            raise EmbedkitError("dropout must lie in [0, 1)")
        if self.embeddings == "onehot" and self.freeze is False:
            raise EmbedkitError("one-hot vectors are fixed by definition (their lookup, the first layer's "
                                "input weights, is learned); drop --finetune")

    def frozen(self) -> bool:
        if self.freeze is not None:
            return self.freeze
        return self.embeddings == "onehot"


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise EmbedkitError("--device cuda: no CUDA device is available (this torch build: "
                            f"{torch.__version__}); use --device cpu")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


# -- the model -----------------------------------------------------------------------------------


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
            self.embedding = nn.Embedding(vocab_size, size, padding_idx=PAD)
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
        if self.onehot:  # fixed identity blocks: direction d reads its own slice of the lookup
            block = GATES[cell] * config.hidden
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                weight = getattr(self.rnn, f"weight_ih_l0{suffix}")
                with torch.no_grad():
                    weight.zero_()
                    weight[:, d * block:(d + 1) * block] = torch.eye(block)
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
        steps = torch.arange(T, device=x.device)
        mask = steps[None, :] < lengths[:, None].to(x.device)  # (B, T) True on real tokens
        backwards = self.config.reverse and not self.config.bidirectional
        if backwards:  # position t reads token length-1-t; padding stays where it is
            flip = torch.where(mask, lengths[:, None].to(x.device) - 1 - steps[None, :], steps[None, :])  # (B, T)
            x = x.gather(1, flip[:, :, None].expand_as(x))
        x = self.embed_dropout(x)
        packed = pack_padded_sequence(x, lengths_cpu, batch_first=True, enforce_sorted=False)
        outputs, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state  # (layers*dirs, B, H)
        h, _ = pad_packed_sequence(outputs, batch_first=True, total_length=T)  # (B, T, H*dirs), 0 on padding
        if backwards:
            h = h.gather(1, flip[:, :, None].expand_as(h))
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


# -- data ------------------------------------------------------------------------------------------


@dataclass
class Split:
    """Encoded texts: `ids[i]` are the token ids of text i, `labels[i]` its class index."""

    ids: list[list[int]]
    labels: np.ndarray  # (n,) int64
    truncated: int = 0  # texts longer than `ClassifierConfig.max_len`, cut to it

    def __len__(self) -> int:
        return len(self.ids)


def build_vocab(data: ClassificationData, config: ClassifierConfig, vectors: Vectors | None) -> list[str]:
    """['<pad>', '<unk>', training words by frequency, then dev/test words the vectors have]."""
    counts = Counter(t for text in data.train.texts for t in sentence_tokens(text, config.lowercase))
    words = ["<pad>", "<unk>"] + [w for w, _ in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))]
    if vectors is not None:
        known, seen = vectors.index, set(words)
        for split in (data.dev, data.test):
            for text in split.texts if split is not None else ():
                for t in sentence_tokens(text, config.lowercase):
                    if t not in seen and t in known:
                        seen.add(t)
                        words.append(t)
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


def embedding_matrix(words: list[str], vectors: Vectors, seed: int) -> tuple[np.ndarray, dict]:
    """(V, E) float32 rows for `words` from `vectors`; missing words: uniform noise scaled to the
    vectors' standard deviation; row 0 (padding) zero. Also the coverage of the training words."""
    rng = np.random.default_rng(seed)
    dim = vectors.matrix.shape[1]
    scale = float(np.std(vectors.matrix[: min(len(vectors.words), 50_000)])) * np.sqrt(3)  # same std as the vectors
    out = rng.uniform(-scale, scale, (len(words), dim)).astype(np.float32)
    out[PAD] = 0
    index, found = vectors.index, 0
    for i, w in enumerate(words[2:], 2):
        row = index.get(w)
        if row is not None:
            out[i] = vectors.matrix[row]
            found += 1
    return out, {"found": found, "vocab": len(words) - 2, "fraction": found / max(1, len(words) - 2)}


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


# -- training ------------------------------------------------------------------------------------


class TrainedClassifier:
    """A trained `SequenceClassifier` with its vocabulary, classes, config and training history."""

    def __init__(self, model: SequenceClassifier, config: ClassifierConfig, classes: list[str],
                 words: list[str], history: list[dict] | None = None, coverage: dict | None = None):
        self.model, self.config, self.classes, self.words = model, config, classes, words
        self.history = history or []
        self.coverage = coverage
        self.index = {w: i for i, w in enumerate(words)}
        self.test: LabelledTexts | None = None  # the test split it was evaluated on, when trained here
        # when trained here: {"texts": texts of train+dev+test cut to max_len, "of": all texts, "max_len"}
        self.truncated: dict | None = None
        self.parameters = count_parameters(model)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _logits(self, split: Split) -> torch.Tensor:
        self.model.eval()
        out = torch.empty(len(split), len(self.classes))
        with torch.no_grad():
            for rows in batches(split, 256, None):
                ids, lengths, _ = tensors(split, rows, self.device)
                out[torch.from_numpy(rows)] = self.model(ids, lengths).float().cpu()
        return out

    def _encode(self, texts, labels=None) -> Split:
        return encode(list(texts), labels, self.index, self.classes, self.config)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """(n, classes) probabilities, columns in the order of `classes`."""
        return torch.softmax(self._logits(self._encode(texts)), 1).numpy()

    def predict(self, texts: list[str]) -> list[str]:
        return [self.classes[i] for i in self._logits(self._encode(texts)).argmax(1).tolist()]

    def evaluate(self, split: LabelledTexts) -> dict:
        """{"accuracy", "macro_f1", "n"} on a labelled split (labels unseen in training count as wrong)."""
        encoded = self._encode(split.texts, split.labels)
        return prediction_scores(encoded.labels, self._logits(encoded).argmax(1).numpy())

    def attention(self, text: str) -> list[tuple[str, float]]:
        """The tokens of `text` with their attention weights (pooling="attention" only)."""
        split = self._encode([text])
        ids, lengths, _ = tensors(split, np.array([0]), self.device)
        self.model.eval()
        with torch.no_grad():
            weights = self.model.attention_weights(ids, lengths)[0].cpu().tolist()
        tokens = sentence_tokens(text, self.config.lowercase)[:self.config.max_len] or ["<unk>"]
        return list(zip(tokens, weights))

    def save(self, path) -> None:
        """A folder: config.json (config, classes, history, coverage), vocab.txt, weights.pt
        (the state_dict; read back with torch.load(weights_only=True)). Written atomically."""
        from .fsutil import atomic_output

        if any("\n" in w for w in self.words):
            raise EmbedkitError("a vocabulary word holds a line break; cannot save it")
        weights = io.BytesIO()  # serialised first, so a failing write is Python's OSError, not torch's
        torch.save({k: v.cpu() for k, v in self.model.state_dict().items()}, weights)
        with atomic_output(path, folder="classifier") as tmp:
            tmp.mkdir()
            meta = {"format": "embedkit-classifier", "version": 1, "config": asdict(self.config),
                    "classes": self.classes, "history": self.history, "coverage": self.coverage}
            (tmp / "config.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
            (tmp / "vocab.txt").write_text("\n".join(self.words) + "\n", encoding="utf-8")
            (tmp / "weights.pt").write_bytes(weights.getbuffer())

    @classmethod
    def load(cls, path, device: str = "cpu") -> TrainedClassifier:
        """Read a classifier `save` wrote; the weights only as tensors (never pickled code).

        Args:
            path: the folder `save` wrote.
            device: where to put the model ("cpu", "cuda", "auto").

        Returns:
            TrainedClassifier (its `test` is None).

        Raises:
            EmbedkitError: a file is missing or unreadable, or does not hold what `save` writes
                (config.json an object with format, config and classes; vocab.txt the words;
                weights.pt a state dict of tensors that fits them); the message names the file.

        Example:
            >>> trained = TrainedClassifier.load("sst2.model")  # doctest: +SKIP
        """
        path = Path(path)
        meta_file, vocab_file, weights_file = path / "config.json", path / "vocab.txt", path / "weights.pt"
        if not any(f.exists() for f in (meta_file, vocab_file, weights_file)):
            raise EmbedkitError(f"{path}: not a saved classifier (a folder holding config.json, vocab.txt "
                                "and weights.pt, as embedkit classify ... --save MODEL writes)")
        meta = _read_meta(meta_file)
        words = _read_text(vocab_file).split("\n")[:-1]
        if len(words) < 2:
            raise EmbedkitError(f"{vocab_file}: {len(words)} words; a saved vocabulary starts with <pad> and <unk>")
        state = _read_state(weights_file)
        embedded = state.get("embedding.weight")
        if embedded is None or embedded.dim() != 2:
            raise EmbedkitError(f"{weights_file}: no 2-D embedding.weight; not the weights of a saved classifier")
        known = {f.name for f in fields(ClassifierConfig)}
        try:
            config = ClassifierConfig(**{k: v for k, v in meta["config"].items() if k in known})
            config.check()
            weights = (None if config.embeddings in ("onehot", "random")
                       else np.zeros((len(words), embedded.shape[1]), np.float32))
            model = SequenceClassifier(len(words), len(meta["classes"]), config, weights)
        except (EmbedkitError, TypeError, ValueError) as error:
            raise EmbedkitError(f"{meta_file}: its config does not describe a classifier ({error})") from None
        _check_state(state, model.state_dict(), weights_file)
        model.load_state_dict(state)
        model.to(resolve_device(device))
        return cls(model, config, meta["classes"], words, meta.get("history"), meta.get("coverage"))


def _missing(file: Path) -> EmbedkitError:
    return EmbedkitError(f"{file}: missing; not a saved classifier (embedkit classify ... --save MODEL "
                         "writes config.json, vocab.txt and weights.pt)")


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _missing(file) from None
    except OSError as error:
        raise EmbedkitError(f"{file}: cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise EmbedkitError(f"{file}: not UTF-8 text; not a saved classifier") from None


def _read_meta(file: Path) -> dict:
    """config.json: an object with format "embedkit-classifier", a `config` object and a `classes` list."""
    try:
        meta = json.loads(_read_text(file))
    except ValueError as error:
        raise EmbedkitError(f"{file}: not JSON ({error})") from None
    if not isinstance(meta, dict):
        raise EmbedkitError(f"{file}: holds a JSON {type(meta).__name__}, not the object a saved classifier has")
    if meta.get("format") != "embedkit-classifier":
        raise EmbedkitError(f"{file}: not a saved classifier (format {meta.get('format')!r}, "
                            "expected 'embedkit-classifier')")
    if "config" not in meta:
        raise EmbedkitError(f"{file}: no 'config' (the classifier settings); not a saved classifier")
    if not isinstance(meta["config"], dict):
        raise EmbedkitError(f"{file}: 'config' must be an object of classifier settings, "
                            f"found a JSON {type(meta['config']).__name__}")
    classes = meta.get("classes")
    if not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes):
        raise EmbedkitError(f"{file}: 'classes' must be a list of class names, found {classes!r:.60}")
    return meta


def _read_state(file: Path) -> dict:
    """weights.pt as a dict of tensors, read with torch.load(weights_only=True)."""
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of files it then refuses
            warnings.simplefilter("ignore")
            state = torch.load(file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise _missing(file) from None
    except OSError as error:
        raise EmbedkitError(f"{file}: cannot read it ({error.strerror or error})") from None
    except Exception:  # a damaged file or one holding more than tensors; its message is not shown
        # (for pickled objects torch suggests loading them unsafely, which embedkit never does)
        raise EmbedkitError(f"{file}: not a state dict of tensors as `classify --save` writes; "
                            "embedkit reads only tensors from it, never pickled objects") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise EmbedkitError(f"{file}: holds a {type(state).__name__}, not a state dict (names -> tensors)")
    return state


def _check_state(state: dict, expected: dict, file: Path) -> None:
    """Every tensor the model has, with its shape, and no other (one line instead of torch's list)."""
    missing = [k for k in expected if k not in state]
    extra = [k for k in state if k not in expected]
    if missing or extra:
        raise EmbedkitError(f"{file}: does not fit config.json and vocab.txt: "
                            + "; ".join(part for part in (f"missing {', '.join(missing[:3])}" if missing else "",
                                                          f"unexpected {', '.join(extra[:3])}" if extra else "")
                                        if part))
    for name, tensor in expected.items():
        if tuple(state[name].shape) != tuple(tensor.shape):
            raise EmbedkitError(f"{file}: {name} has shape {tuple(state[name].shape)}, config.json and vocab.txt "
                                f"need {tuple(tensor.shape)}")


def _load_vectors(config: ClassifierConfig, vectors: Vectors | None, *,
                  allow_nonfinite: bool = False) -> Vectors | None:
    """The vectors `config.embeddings` names (None for onehot/random), checked by `check_vectors`."""
    if config.embeddings in ("onehot", "random"):
        return None
    if vectors is None:
        if config.embeddings == "given":
            raise EmbedkitError("embeddings='given' means the vectors passed in; pass vectors=")
        from .pretrained import resolve

        vectors = resolve(config.embeddings, allow_nonfinite=allow_nonfinite)
    check_vectors(vectors, config.embeddings)
    return vectors


def check_vectors(vectors: Vectors, name: str) -> None:
    """Refuse vectors that cannot initialise an embedding layer.

    Args:
        vectors: what `--embeddings` loaded.
        name: how to call them in the message (the file or pretrained name).

    Raises:
        EmbedkitError: no words, no dimensions, a sparse matrix (one-hot vectors: the one-hot model
            is ``--embeddings onehot``), or a value that is NaN or infinite (names the first word).

    Example:
        >>> check_vectors(Vectors(["a", "b"], np.eye(2)), "v.vec")  # usable: returns None
    """
    if len(vectors) == 0 or vectors.dim == 0:
        raise EmbedkitError(f"{name}: holds {len(vectors)} words x {vectors.dim} dimensions; "
                            "a classifier needs at least one word with a vector")
    if vectors.is_sparse:
        raise EmbedkitError(f"{name}: sparse vectors ({len(vectors):,} words x {vectors.dim:,} dimensions, "
                            "one-hot vectors are stored so) cannot fill an embedding layer; "
                            "for the one-hot model use --embeddings onehot")
    bad = ~np.isfinite(vectors.matrix).all(axis=1)  # (n,) True where a row holds NaN or inf
    if bad.any():
        first = vectors.words[int(np.argmax(bad))]
        raise EmbedkitError(f"{name}: {int(bad.sum()):,} of {len(vectors):,} vectors hold NaN or infinite "
                            f"values (the first: {first!r}); fix or drop them before training on them")


def train_classifier(data: ClassificationData, config: ClassifierConfig, *, progress: bool = True,
                     vectors: Vectors | None = None, resample=None) -> TrainedClassifier:
    """Train on `data.train`, stop early on `data.dev` accuracy (best weights restored).

    Missing dev/test splits are filled in by `split_data(data, seed=0)`. `vectors` passes
    already-loaded pretrained vectors (else `config.embeddings` is resolved here). `resample`, for
    generated tasks: called with the epoch number (2, 3, ...), it returns that epoch's training
    split (`LabelledTexts`, encoded with the vocabulary of `data`), so that a model sees fresh
    examples every epoch and cannot pass by memorising a fixed set.

    Returns:
        TrainedClassifier; its `test` attribute is the test split used.
    """
    config.check()
    data = split_data(data, seed=0)  # fills in missing splits; checks every class is in train and test
    vectors = _load_vectors(config, vectors)
    device = resolve_device(config.device)
    seed_everything(config.seed)
    classes = list(data.classes)
    words = build_vocab(data, config, vectors)
    weights, coverage = embedding_matrix(words, vectors, config.seed) if vectors is not None else (None, None)
    index = {w: i for i, w in enumerate(words)}
    train, dev = (encode(s.texts, s.labels, index, classes, config) for s in (data.train, data.dev))
    model = SequenceClassifier(len(words), len(classes), config, weights).to(device)
    trained = TrainedClassifier(model, config, classes, words, [], coverage)
    trained.test = data.test
    cut = train.truncated + dev.truncated
    if config.max_len is not None:
        cut += encode(data.test.texts, None, index, classes, config).truncated
    trained.truncated = {"texts": cut, "of": len(train) + len(dev) + len(data.test), "max_len": config.max_len}
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=config.lr)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(config.seed)
    best, best_state, waited = -1.0, None, 0
    bar = _progress(config.epochs, progress, data.name)
    for epoch in range(1, config.epochs + 1):
        start, total, seen = time.perf_counter(), 0.0, 0
        if resample is not None and epoch > 1:
            fresh = resample(epoch)
            train = encode(fresh.texts, fresh.labels, index, classes, config)
        model.train()
        for rows in batches(train, config.batch_size, rng):
            ids, lengths, y = tensors(train, rows, device)
            optimizer.zero_grad()
            loss = loss_fn(model(ids, lengths), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item() * len(rows)
            seen += len(rows)
        dev_accuracy = prediction_scores(dev.labels, trained._logits(dev).argmax(1).numpy())["accuracy"]
        seconds = time.perf_counter() - start
        trained.history.append({"epoch": epoch, "train_loss": total / seen, "dev_accuracy": dev_accuracy,
                                "seconds": seconds})
        if bar is not None:
            bar.set_postfix(loss=f"{total / seen:.4f}", dev_acc=f"{dev_accuracy:.4f}")
            bar.update(1)
        if dev_accuracy > best:
            best, best_state, waited = dev_accuracy, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= config.patience:
                break
    if bar is not None:
        bar.close()
    model.load_state_dict(best_state)
    model.eval()
    return trained


def _progress(epochs: int, enabled: bool, name: str):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=epochs, desc=f"{name} epochs", unit="epoch", file=sys.stderr, leave=False)


def run_seeds(data: ClassificationData, config: ClassifierConfig, seeds=(1, 2, 3), *,
              vectors: Vectors | None = None, progress: bool = True, cv: int | None = None,
              keep_models: bool = False) -> dict:
    """Train once per seed (and per fold with `cv=K`), evaluate on test; mean and sample std.

    The data split is fixed (seed 0) across seeds; seeds change initialisation, batch order and
    dropout. With `cv=K` the runs are K folds x seeds (`embedkit.splits.cv_folds`).

    Returns:
        {"accuracy_mean", "accuracy_std", "macro_f1_mean", "macro_f1_std", "runs": [{"seed", "fold",
        "accuracy", "macro_f1", "n", "epochs", "best_epoch", "seconds"}], "parameters", "coverage",
        "seconds_per_epoch", "truncated": {"texts", "of", "max_len"} (texts cut to `config.max_len`;
        every fold holds all texts, so it is the same for every run)}, plus "models" (the
        TrainedClassifiers) when `keep_models`.
    """
    from dataclasses import replace

    from .splits import cv_folds

    vectors = _load_vectors(config, vectors)
    folds = cv_folds(data, cv) if cv else [split_data(data, seed=0)]
    runs, models, epoch_seconds = [], [], []
    parameters = coverage = truncated = None
    for fold, part in enumerate(folds):
        for seed in seeds:
            trained = train_classifier(part, replace(config, seed=seed), progress=progress, vectors=vectors)
            scores = trained.evaluate(part.test)
            history = trained.history
            best_epoch = max(history, key=lambda h: h["dev_accuracy"])["epoch"]
            runs.append({"seed": seed, "fold": fold if cv else None, **scores, "epochs": len(history),
                         "best_epoch": best_epoch, "seconds": sum(h["seconds"] for h in history)})
            epoch_seconds += [h["seconds"] for h in history]
            parameters, coverage, truncated = trained.parameters, trained.coverage, trained.truncated
            if keep_models:
                models.append(trained)
    result = {**summarize(runs), "runs": runs, "parameters": parameters, "coverage": coverage,
              "seconds_per_epoch": float(np.mean(epoch_seconds)), "truncated": truncated}
    if keep_models:
        result["models"] = models
    return result
