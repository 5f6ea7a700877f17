"""Training an encoder-decoder (`train_seq2seq`, through the shared loop `loop.fit`) and the trained
model (`TrainedSeq2Seq`): translate with greedy decoding, read its alignment, score it, save it to a
folder and load it back without unpickling anything.

Sentences are lists of words (a string is split by `sentence_tokens`, lower-cased). Teacher forcing:
the decoder reads ``<s> y_1 .. y_n`` and is trained to write ``y_1 .. y_n </s>`` (cross-entropy
over the target words). The dev score that early stopping follows is the word accuracy of greedy
decoding (`word_accuracy`).
"""

from __future__ import annotations

import io
import json
import warnings
from collections import Counter
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn

from ..errors import EmbedkitError
from .batches import Split, batches
from .devices import resolve_device, seed_everything
from .loop import fit
from .model import count_parameters
from .seq2seq import BOS, EOS, PAD, SPECIALS, UNK, Seq2Seq, Seq2SeqConfig
from .tokenizer import sentence_tokens

FORMAT = "embedkit-seq2seq"


def vocabulary(sentences) -> list[str]:
    """The special tokens, then every word of `sentences` by frequency (ties alphabetical)."""
    counts = Counter(w for words in sentences for w in words)
    return SPECIALS + sorted((w for w in counts if w not in SPECIALS), key=lambda w: (-counts[w], w))


def pad(sequences: list[list[int]], device) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, T) ids padded with <pad>, (B,) lengths."""
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    ids = torch.full((len(sequences), int(lengths.max())), PAD, dtype=torch.int64)
    for i, s in enumerate(sequences):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.int64)
    return ids.to(device), lengths.to(device)


def word_accuracy(predicted: list[list[str]], targets: list[list[str]]) -> float:
    """Share of target positions (and the end of each sentence) predicted right: position i of
    the output against position i of the target, over max(len(output), len(target)) + 1."""
    right = total = 0
    for p, t in zip(predicted, targets):
        right += sum(a == b for a, b in zip(p, t)) + (len(p) == len(t))
        total += max(len(p), len(t)) + 1
    return right / max(1, total)


class TrainedSeq2Seq:
    """A trained `Seq2Seq` with its source and target vocabularies, config and history."""

    def __init__(self, model: Seq2Seq, config: Seq2SeqConfig, source_words: list[str], target_words: list[str],
                 history: list[dict] | None = None, task: str | None = None):
        self.model, self.config = model, config
        self.source_words, self.target_words = source_words, target_words
        self.source_index = {w: i for i, w in enumerate(source_words)}
        self.history = history if history is not None else []
        self.task = task  # the name of what it was trained on, shown by `explain`
        self.parameters = count_parameters(model)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _ids(self, words: list[str]) -> list[int]:
        return [self.source_index.get(w, UNK) for w in words] or [UNK]

    def decode(self, sources: list[list[str]], batch_size: int = 256):
        """Greedy translations of `sources`: (words, weights) per sentence; weights is a
        (output words + 1, source words) array (the last row: where it looked to write </s>), or
        None without attention."""
        self.model.eval()
        encoded = [self._ids(s) for s in sources]
        split = Split(encoded, np.zeros(len(encoded), np.int64))
        out: list = [None] * len(sources)
        for rows in batches(split, batch_size, None):
            ids, lengths = pad([encoded[i] for i in rows], self.device)
            steps = int(self.config.max_ratio * int(lengths.max())) + 2
            tokens, weights = self.model.greedy(ids, lengths, steps)
            tokens = tokens.cpu().numpy()
            for k, i in enumerate(rows):
                row = tokens[k].tolist()
                end = row.index(EOS) if EOS in row else len(row)
                words = [self.target_words[t] for t in row[:end]]
                alignment = None
                if weights is not None:
                    alignment = weights[k, :min(end + 1, len(row)), :len(encoded[i])].cpu().double().numpy()
                out[i] = (words, alignment)
        return out

    def align(self, sources: list[list[str]], targets: list[list[str]]) -> list[np.ndarray]:
        """The attention weights while writing the given `targets` (teacher forcing): per pair a
        (len(target), len(source)) array, row j where the decoder looked to write target word j."""
        if self.config.attention == "none":
            raise EmbedkitError("a model trained without attention has no alignment (attention='none')")
        self.model.eval()
        index = {w: i for i, w in enumerate(self.target_words)}
        out = []
        with torch.no_grad():
            for start in range(0, len(sources), 256):
                chunk = range(start, min(start + 256, len(sources)))
                source, lengths = pad([self._ids(sources[i]) for i in chunk], self.device)
                target_in, _ = pad([[BOS] + [index.get(w, UNK) for w in targets[i]] for i in chunk], self.device)
                _, weights = self.model(source, lengths, target_in)  # (B, T, S)
                for k, i in enumerate(chunk):
                    out.append(weights[k, :len(targets[i]), :len(sources[i])].cpu().double().numpy())
        return out

    def translate(self, sentence: str) -> dict:
        """{"source": words, "translation": words, "alignment": (len(translation) + 1, len(source)) or None}."""
        words = sentence_tokens(sentence) or ["<unk>"]
        translation, alignment = self.decode([words])[0]
        return {"source": words, "translation": translation, "alignment": alignment}

    def evaluate(self, sources: list[list[str]], targets: list[list[str]]) -> dict:
        """{"exact_match", "word_accuracy", "n", "correct": per-sentence exact match (list of bools)}."""
        predicted = [words for words, _ in self.decode(sources)]
        correct = [p == t for p, t in zip(predicted, targets)]
        return {"exact_match": float(np.mean(correct)) if correct else 0.0,
                "word_accuracy": word_accuracy(predicted, targets), "n": len(correct), "correct": correct}

    def save(self, path, *, parents: bool = False) -> None:
        """A folder: config.json (format, config, history, task), source.txt, target.txt,
        weights.pt (the state_dict; read back with torch.load(weights_only=True)). Written
        atomically; `parents`: create missing folders above it."""
        from ..outputs import atomic_output

        if any("\n" in w for w in self.source_words + self.target_words):
            raise EmbedkitError("a vocabulary word holds a line break; cannot save it")
        weights = io.BytesIO()
        torch.save({k: v.cpu() for k, v in self.model.state_dict().items()}, weights)
        with atomic_output(path, folder="seq2seq", parents=parents) as tmp:
            tmp.mkdir()
            meta = {"format": FORMAT, "version": 1, "config": asdict(self.config), "history": self.history,
                    "task": self.task}
            (tmp / "config.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
            (tmp / "source.txt").write_text("\n".join(self.source_words) + "\n", encoding="utf-8")
            (tmp / "target.txt").write_text("\n".join(self.target_words) + "\n", encoding="utf-8")
            (tmp / "weights.pt").write_bytes(weights.getbuffer())

    @classmethod
    def load(cls, path, device: str = "cpu") -> TrainedSeq2Seq:
        """Read a model `save` wrote; the weights only as tensors (never pickled code).

        Args:
            path: the folder `save` wrote.
            device: where to put the model ("cpu", "cuda", "auto").

        Returns:
            TrainedSeq2Seq.

        Raises:
            EmbedkitError: a file is missing or unreadable, or does not hold what `save` writes;
                the message names the file.

        Example:
            >>> model = TrainedSeq2Seq.load("pair.model")  # doctest: +SKIP
        """
        path = Path(path)
        meta_file = path / "config.json"
        meta = json.loads(_read(meta_file)) if meta_file.exists() else None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(meta.get("config"), dict):
            raise EmbedkitError(f"{meta_file}: not a saved encoder-decoder (config.json with format {FORMAT!r} "
                                "and a config, as `embedkit experiment seq2seq --save` writes)")
        source, target = (_read(path / name).split("\n")[:-1] for name in ("source.txt", "target.txt"))
        for name, words in (("source.txt", source), ("target.txt", target)):
            if words[:len(SPECIALS)] != SPECIALS:
                raise EmbedkitError(f"{path / name}: a saved vocabulary starts with {' '.join(SPECIALS)}")
        known = {f.name for f in fields(Seq2SeqConfig)}
        try:
            config = Seq2SeqConfig(**{k: v for k, v in meta["config"].items() if k in known})
            config.check()
            model = Seq2Seq(len(source), len(target), config)
        except (EmbedkitError, TypeError, ValueError) as error:
            raise EmbedkitError(f"{meta_file}: its config does not describe an encoder-decoder ({error})") from None
        weights_file = path / "weights.pt"
        state = _read_state(weights_file)
        expected = model.state_dict()
        wrong = sorted(set(state) ^ set(expected)) or [k for k in expected if state[k].shape != expected[k].shape]
        if wrong:
            raise EmbedkitError(f"{weights_file}: does not fit config.json, source.txt and target.txt "
                                f"({', '.join(wrong[:3])})")
        model.load_state_dict(state)
        model.to(resolve_device(device))
        model.eval()
        return cls(model, config, source, target, meta.get("history"), meta.get("task"))


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EmbedkitError(f"{file}: missing; not a saved encoder-decoder (config.json, source.txt, "
                            "target.txt, weights.pt)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EmbedkitError(f"{file}: cannot read it as UTF-8 text ({error})") from None


def _read_state(file: Path) -> dict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            state = torch.load(file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise EmbedkitError(f"{file}: missing; not a saved encoder-decoder") from None
    except Exception:  # damaged, or more than tensors: embedkit never unpickles objects
        raise EmbedkitError(f"{file}: not a state dict of tensors; embedkit reads only tensors from it, "
                            "never pickled objects") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise EmbedkitError(f"{file}: holds a {type(state).__name__}, not a state dict (names -> tensors)")
    return state


def train_seq2seq(train, dev, config: Seq2SeqConfig, *, resample=None, progress: bool = False,
                  name: str = "seq2seq") -> TrainedSeq2Seq:
    """Train on `train` with teacher forcing; stop early on the word accuracy of greedy decoding of `dev`.

    Args:
        train, dev: objects with `sources` and `targets` (lists of word lists), e.g.
            `experiments.synthetic.TranslationTask`. The vocabularies are the training words.
        config: the model and training settings.
        resample: for generated tasks, `resample(epoch)` (epoch 2, 3, ...) returns that epoch's
            training pairs (with `sources`, `targets`), so the model sees fresh sentences every epoch.
        progress: a progress bar on stderr.
        name: the name of the task (saved with the model).

    Returns:
        TrainedSeq2Seq holding the weights of the best dev epoch.

    Example:
        >>> trained = train_seq2seq(reversal_task(2000), reversal_task(200, seed=1), Seq2SeqConfig())  # doctest: +SKIP
    """
    config.check()
    if not len(train.sources) or not len(dev.sources):
        raise EmbedkitError("an encoder-decoder needs training and dev pairs")
    device = resolve_device(config.device)
    seed_everything(config.seed)
    source_words, target_words = vocabulary(train.sources), vocabulary(train.targets)
    model = Seq2Seq(len(source_words), len(target_words), config).to(device)
    trained = TrainedSeq2Seq(model, config, source_words, target_words, task=name)
    target_index = {w: i for i, w in enumerate(target_words)}
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    rng = np.random.default_rng(config.seed)

    def encode(pairs) -> Split:
        split = Split([trained._ids(s) for s in pairs.sources], np.zeros(len(pairs.sources), np.int64))
        split.targets = [[target_index.get(w, UNK) for w in t] for t in pairs.targets]
        return split

    current = encode(train)

    def epoch_batches(epoch):
        nonlocal current
        if resample is not None and epoch > 1:
            current = encode(resample(epoch))
        for rows in batches(current, config.batch_size, rng):
            source, lengths = pad([current.ids[i] for i in rows], device)
            target_in, _ = pad([[BOS] + current.targets[i] for i in rows], device)
            target_out, _ = pad([current.targets[i] + [EOS] for i in rows], device)
            yield source, lengths, target_in, target_out

    def loss(batch):
        source, lengths, target_in, target_out = batch
        logits, _ = model(source, lengths, target_in)  # (B, T, V)
        return loss_fn(logits.reshape(-1, logits.shape[-1]), target_out.reshape(-1)), len(source)

    def dev_score():
        return word_accuracy([w for w, _ in trained.decode(dev.sources)], dev.targets)

    fit(model, optimizer, epochs=config.epochs, patience=config.patience, batches=epoch_batches, loss=loss,
        score=dev_score, metric="dev_word_accuracy", history=trained.history, progress=progress, name=name)
    return trained
