"""`run_model`: the one place that turns an embeddings spec into trained, scored runs.

"bow" is the bag-of-words logistic regression (scikit-learn, no torch; deterministic, so one fit
per fold); anything else is the recurrent classifier, trained once per seed (and fold). `embedkit
classify` and every cell of `embedkit compare` go through here.
"""

from __future__ import annotations

from ..errors import EmbedkitError
from . import bow
from .datasets import ClassificationData


def run_model(data: ClassificationData, config, seeds=(1, 2, 3), *, cv: int | None = None, vectors=None,
              progress: bool = True, keep_models: bool = False, allow_nonfinite: bool = False,
              status=None) -> dict:
    """Train and test the model `config.embeddings` names on `data`.

    Args:
        data: the data set; missing dev/test splits are filled in (`splits.split_data`).
        config: a `ClassifierConfig`; its `embeddings` is "bow" or what `load_embeddings` takes.
        seeds: one recurrent run per seed (ignored by the deterministic baseline).
        cv: K-fold cross-validation instead of the fixed split.
        vectors: already-loaded vectors for `config.embeddings` (else they are read here).
        keep_models: also return the trained classifiers, under "models" (recurrent models only).
        allow_nonfinite: read vectors files holding NaN or infinity as zero vectors.
        status: called with a line of text before a long step that shows no progress bar (the
            baseline's fits).

    Returns:
        `run_seeds`' dict: mean and std of accuracy and macro-F1, the runs, parameters, coverage.

    Raises:
        EmbedkitError: `keep_models` for the baseline; what loading the data or vectors raises.
    """
    if config.embeddings == bow.SPEC:
        if keep_models:
            raise EmbedkitError("saving a model is for the recurrent classifiers, not --embeddings bow")
        return bow.run_bow(data, cv=cv, status=status)
    from . import training  # torch, only for the recurrent models
    from .embeddings import load_embeddings

    config.check()
    vectors = load_embeddings(config, vectors, allow_nonfinite=allow_nonfinite)
    return training.run_seeds(data, config, tuple(seeds), vectors=vectors, progress=progress, cv=cv,
                              keep_models=keep_models)
