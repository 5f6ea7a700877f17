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
