"""Where and how reproducibly torch runs: the device to train on, and one seed for every generator."""

from __future__ import annotations

import random

import numpy as np
from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install

from ..errors import EmbedkitError


def resolve_device(name: str) -> torch.device:
    """"auto" (CUDA when available, else the CPU), "cpu" or "cuda"; refuses cuda where there is none."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise EmbedkitError("--device cuda: no CUDA device is available (this torch build: "
                            f"{torch.__version__}); use --device cpu")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's and torch's generators, so that a run is a function of its seed."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
