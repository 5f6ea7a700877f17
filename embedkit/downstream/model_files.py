"""Model folders: what the classifier and the encoder-decoder save, written and read one way.

A model folder holds config.json (its format, version and settings), one word list per vocabulary
(a word a line) and weights.pt, the model's state dict. It is written atomically as a folder of
its kind (`outputs.atomic_output`, `outputs.FOLDER_KINDS`), and its weights are read back with
torch.load(weights_only=True): tensors only, never pickled code.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Callable

from ..errors import EmbedkitError
from .needs_torch import require_torch


def save_model_folder(path, kind: str, meta: dict, vocabularies: dict[str, list[str]], model, *,
                      parents: bool = False) -> None:
    """Write the folder `path`: config.json (`meta`), each vocabulary's word list, weights.pt.

    Args:
        path: the folder to write (replaced only if embedkit wrote it, of the same `kind`).
        kind: its kind among `outputs.FOLDER_KINDS` ("classifier", "seq2seq").
        meta: what config.json holds (JSON-serialisable).
        vocabularies: file name -> words, written one a line.
        model: the torch module whose state dict goes to weights.pt (tensors moved to the CPU).
        parents: create missing folders above `path`.

    Raises:
        EmbedkitError: a word holds a line break; what writing raises (`atomic_output`).

    Example:
        >>> save_model_folder("m.model", "classifier", {"format": "embedkit-classifier"},
        ...                   {"vocab.txt": words}, model)  # doctest: +SKIP
    """
    from ..outputs import atomic_output

    torch = require_torch()
    if any("\n" in w for words in vocabularies.values() for w in words):
        raise EmbedkitError("a vocabulary word holds a line break; cannot save it")
    weights = io.BytesIO()  # serialised first, so a failing write is Python's OSError, not torch's
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, weights)
    with atomic_output(path, folder=kind, parents=parents) as tmp:
        tmp.mkdir()
        (tmp / "config.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        for name, words in vocabularies.items():
            (tmp / name).write_text("\n".join(words) + "\n", encoding="utf-8")
        (tmp / "weights.pt").write_bytes(weights.getbuffer())


def read_state(file: Path, missing: Callable[[Path], EmbedkitError], writer: str | None = None) -> dict:
    """weights.pt as a dict of tensors, read with torch.load(weights_only=True).

    Args:
        file: the weights file.
        missing: the error for a file that is not there.
        writer: the command that writes such files, for the message on a damaged one.

    Raises:
        EmbedkitError: missing, unreadable, damaged, holding pickled objects (torch's message,
            which suggests loading them unsafely, is not shown), or not names -> tensors.
    """
    torch = require_torch()
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of files it then refuses
            warnings.simplefilter("ignore")
            state = torch.load(file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise missing(file) from None
    except OSError as error:
        raise EmbedkitError(f"{file}: cannot read it ({error.strerror or error})") from None
    except Exception:  # a damaged file or one holding more than tensors
        written = f" as {writer} writes" if writer else ""
        raise EmbedkitError(f"{file}: not a state dict of tensors{written}; embedkit reads only tensors from it, "
                            "never pickled objects") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise EmbedkitError(f"{file}: holds a {type(state).__name__}, not a state dict (names -> tensors)")
    return state
