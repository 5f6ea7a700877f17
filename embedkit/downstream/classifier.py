"""`TrainedClassifier`: a trained model with its vocabulary and classes: predict, evaluate, explain
(attention), save to a folder and load back without unpickling anything."""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import asdict, fields
from pathlib import Path
import numpy as np
from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from .datasets import LabelledTexts
from ..errors import EmbedkitError
from .scores import prediction_scores
from .tokenizer import sentence_tokens
from .batches import Split, batches, encode, tensors
from .config import ClassifierConfig
from .devices import resolve_device
from .model import SequenceClassifier, count_parameters


class TrainedClassifier:
    """A trained `SequenceClassifier` with its vocabulary, classes, config and training history."""

    def __init__(self, model: SequenceClassifier, config: ClassifierConfig, classes: list[str],
                 words: list[str], history: list[dict] | None = None, coverage: dict | None = None, *,
                 test: LabelledTexts | None = None, truncated: dict | None = None):
        self.model, self.config, self.classes, self.words = model, config, classes, words
        self.history = history or []
        self.coverage = coverage
        self.index = {w: i for i, w in enumerate(words)}
        self.test = test  # the test split it was evaluated on, when trained here
        # when trained here: {"texts": texts of train+dev+test cut to max_len, "of": all texts, "max_len"}
        self.truncated = truncated
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
        from ..outputs import atomic_output

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
