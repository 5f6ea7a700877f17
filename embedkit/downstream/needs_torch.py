"""PyTorch, the one optional dependency of the recurrent classifiers and the experiments.

Training word vectors, querying, plotting and intrinsic evaluation run without torch, so it is an
extra. Every module that needs it gets it from `require_torch`, which turns a missing torch into
one line naming the exact install: the CPU build from PyTorch's own index, since on Linux PyPI's
`torch` is the CUDA build (several GB of NVIDIA libraries). The same index serves macOS and
Windows, so the line is the same everywhere; with an NVIDIA GPU, PyPI's own torch is the one to
install (docs/install.md).
"""

from __future__ import annotations

from ..errors import EmbedkitError

TORCH_INSTALL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


class TorchMissingError(EmbedkitError, ImportError):
    """torch is not installed (or cannot be imported); the message names the install."""


def torch_missing_message(what: str | None = None) -> str:
    """The one line a user reads when torch is missing.

    Example:
        >>> torch_missing_message("embedkit classify").split(";")[0]
        'embedkit classify needs PyTorch, which is not installed'
    """
    what = what or "this part of embedkit (the recurrent classifiers, the experiments)"
    return f"{what} needs PyTorch, which is not installed; install its CPU build with: {TORCH_INSTALL}"


def require_torch(what: str | None = None):
    """The `torch` module, imported; a `TorchMissingError` naming the install when it is missing.

    Args:
        what: who needs it, for the message ("embedkit classify"); default: this part of
            embedkit (the recurrent classifiers, the experiments).

    Returns:
        The torch module.

    Raises:
        TorchMissingError: torch cannot be imported (an `EmbedkitError` and an `ImportError`).

    Example:
        >>> torch = require_torch()  # doctest: +SKIP
    """
    try:
        import torch
    except ImportError:
        raise TorchMissingError(torch_missing_message(what)) from None
    return torch
