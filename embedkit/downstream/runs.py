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
              status=None, folds=None) -> dict:
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
        folds: with `cv`, run only these folds (0-based; recurrent models); `merge_results` joins
            the results of runs made apart.

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
                              keep_models=keep_models, folds=folds)


def merge_results(results: list[dict]) -> dict:
    """One `run_model` result from results that each hold some of its runs (other seeds or folds).

    The runs are taken in the order given (give them fold by fold, seeds in order within a fold, as
    `run_model` runs them) and summarised as `run_model` summarises them, so the numbers equal those
    of one call with every seed and fold. parameters, coverage and truncated are the last
    result's (the same for every run of one model and data set).

    Example:
        >>> merge_results([run_model(data, config, [1]), run_model(data, config, [2])])  # doctest: +SKIP
    """
    from .scores import summarize

    if len(results) == 1:
        return results[0]
    runs = [run for result in results for run in result["runs"]]
    epochs = sum(run.get("epochs") or 0 for run in runs)
    seconds = sum(run.get("seconds") or 0.0 for run in runs)
    merged = {**results[-1], **summarize(runs), "runs": runs}
    if epochs:
        merged["seconds_per_epoch"] = seconds / epochs
    return merged
