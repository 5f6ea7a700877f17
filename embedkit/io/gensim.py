"""gensim pickles (Word2Vec, KeyedVectors .model/.kv): read only, and only when the user trusts the
file (`trust_pickle=True`): unpickling can run any code the file holds."""

from __future__ import annotations

import numpy as np

from ..errors import EmbedkitError
from ..vectors import Vectors
from .detect import Source
from .reading import checked_vectors

_TRAINING = ("vector_size", "window", "min_count", "sg", "hs", "negative", "ns_exponent",
             "sample", "alpha", "min_alpha", "epochs", "seed", "cbow_mean", "max_final_vocab")


def load_gensim(src: Source, trust_pickle: bool) -> Vectors:
    if not trust_pickle:
        raise EmbedkitError(f"{src.name} is a Python pickle (a gensim model or KeyedVectors): "
                            "reading one can run any code it holds. Pass --trust-pickle "
                            "(trust_pickle=True) only if you trust where it came from")
    if src.member:
        raise EmbedkitError(f"{src.name}: extract the gensim pickle from the zip archive first")
    from gensim.models import KeyedVectors
    from gensim.utils import SaveLoad

    try:
        model = SaveLoad.load(str(src.path))  # what Word2Vec.load and KeyedVectors.load call
    except Exception as error:  # noqa: BLE001 - anything a broken pickle raises
        raise EmbedkitError(f"{src.name}: gensim could not read it "
                            f"({type(error).__name__}: {error})") from None
    kv = getattr(model, "wv", model)
    if not isinstance(kv, KeyedVectors):
        raise EmbedkitError(f"{src.name} holds a {type(model).__name__}, not word vectors")
    try:
        counts = np.asarray(kv.expandos["count"], dtype=np.int64) if "count" in kv.expandos else None
    except (TypeError, ValueError):
        counts = None  # some words lack a count
    meta = {"source": src.name, "source_format": "gensim", "gensim_class": type(model).__name__}
    training = {key: getattr(model, key) for key in _TRAINING
                if isinstance(getattr(model, key, None), (bool, int, float, str))}
    if model is not kv and training:
        meta["training"] = training
    matrix = np.asarray(kv.vectors, dtype=np.float32)  # (n, dim)
    return checked_vectors(list(kv.index_to_key), matrix, src.name, meta, counts)


# -- in memory: KeyedVectors <-> Vectors -------------------------------------------------------------


def from_keyed_vectors(model, *, name: str | None = None) -> Vectors:
    """`Vectors` holding the vectors of a gensim `KeyedVectors` (or of a model with `.wv`: Word2Vec,
    FastText), in gensim's order, with its counts when it has them.

    No copy of the matrix: a float32 `kv.vectors` is shared, so changing one changes the other
    (`vectors.take(...)` or `np.array` makes an independent copy). Keys that are not strings (gensim
    allows ints) become their `str()`.

    Args:
        model: a `gensim.models.KeyedVectors`, or a model whose `.wv` is one.
        name: what tables and plots call the vectors (default: "gensim <class>").

    Returns:
        `Vectors`; meta holds name, source_format "gensim", gensim_class, and a model's training
        settings.

    Raises:
        EmbedkitError: `model` holds no KeyedVectors, or its keys and rows disagree.

    Example:
        >>> from gensim.models import KeyedVectors
        >>> kv = KeyedVectors(2)
        >>> kv.add_vectors(["cat", "dog"], np.eye(2, dtype=np.float32))
        >>> Vectors.from_gensim(kv).words
        ['cat', 'dog']
    """
    from gensim.models import KeyedVectors

    kv = getattr(model, "wv", model)
    if not isinstance(kv, KeyedVectors):
        raise EmbedkitError(f"expected gensim KeyedVectors or a model with .wv, got {type(model).__name__}")
    words = [key if isinstance(key, str) else str(key) for key in kv.index_to_key]
    matrix = np.asarray(kv.vectors, dtype=np.float32)  # (n, dim): kv.vectors itself when float32
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise EmbedkitError(f"the KeyedVectors hold {len(words):,} keys but a matrix of shape {matrix.shape}")
    counts = None
    if "count" in kv.expandos and len(kv.expandos["count"]) == len(words):
        counts = np.asarray(kv.expandos["count"], dtype=np.int64)
    meta = {"name": name or f"gensim {type(model).__name__}", "source_format": "gensim",
            "gensim_class": type(model).__name__}
    training = {key: getattr(model, key) for key in _TRAINING
                if isinstance(getattr(model, key, None), (bool, int, float, str))}
    if model is not kv and training:
        meta["training"] = training
    return checked_vectors(words, matrix, meta["name"], meta, counts)


def to_keyed_vectors(vectors: Vectors):
    """A gensim `KeyedVectors` holding `vectors`: same words, same order, counts as the "count" attribute.

    No copy of a dense matrix: `kv.vectors` is `vectors.matrix` (a memory-mapped, read-only one
    stays read-only: gensim's queries work, `add_vectors` needs a copy). Sparse (one-hot) vectors are
    made dense, a copy, refused above 2 GiB.

    Returns:
        gensim.models.KeyedVectors; `kv.most_similar`, `kv.evaluate_word_pairs`, ... work on it.

    Raises:
        ValueError: a sparse matrix too large to make dense.

    Example:
        >>> kv = Vectors(["cat", "dog"], np.eye(2)).to_gensim()
        >>> kv.index_to_key, kv.vector_size
        (['cat', 'dog'], 2)
    """
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vectors.dim, count=0, dtype=np.float32)
    kv.index_to_key = list(vectors.words)
    kv.key_to_index = dict(vectors.index)
    kv.vectors = vectors.dense()  # (n, dim) float32: the matrix itself when dense
    kv.next_index = len(vectors)
    if vectors.counts is not None:
        kv.expandos["count"] = np.asarray(vectors.counts, dtype=np.int64)
    return kv
