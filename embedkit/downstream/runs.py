"""`run_model`: the one place that turns an embeddings spec into trained, scored runs.

The baselines need no torch and are deterministic (one fit per fold): "bow", the bag-of-words
logistic regression; "nbsvm", NBSVM-bi (Wang and Manning 2012); "avg:VECTORS", averaged word
vectors + logistic regression (SentEval's protocol). Anything else is the recurrent classifier,
trained once per seed (and fold). `embedkit classify` and every cell of `embedkit compare` go
through here.
"""

from __future__ import annotations

from ..errors import EmbedkitError
from . import avg, bow, nbsvm
from .datasets import ClassificationData

BASELINES = (bow.SPEC, nbsvm.SPEC)  # with avg.PREFIX + VECTORS: the models without a recurrent network


def is_baseline(spec: str) -> bool:
    """True for the deterministic baselines (bow, nbsvm, avg:VECTORS), which have no seeds or cells."""
    return spec in BASELINES or spec.startswith(avg.PREFIX)


def vectors_source(spec: str) -> str | None:
    """The vectors file or pretrained name a spec reads (None for onehot, random, bow, nbsvm).

    Example:
        >>> vectors_source("avg:glove-6b-50d"), vectors_source("glove-6b-50d"), vectors_source("bow")
        ('glove-6b-50d', 'glove-6b-50d', None)
    """
    if spec.startswith(avg.PREFIX):
        return spec[len(avg.PREFIX):] or None
    return None if spec in ("onehot", "random", *BASELINES) else spec


def label(spec: str) -> str:
    """How tables name a baseline."""
    if spec == bow.SPEC:
        return "bag-of-words logistic regression"
    if spec == nbsvm.SPEC:
        return nbsvm.LABEL
    return avg.label(spec)


def run_model(data: ClassificationData, config, seeds=(1, 2, 3), *, cv: int | None = None, vectors=None,
              progress: bool = True, keep_models: bool = False, allow_nonfinite: bool = False,
              jobs: int = 1, folds=None, status=None) -> dict:
    """Train and test the model `config.embeddings` names on `data`.

    Args:
        data: the data set; missing dev/test splits are filled in (`splits.split_data`).
        config: a `ClassifierConfig`; its `embeddings` is a baseline (`is_baseline`) or what
            `load_embeddings` takes.
        seeds: one recurrent run per seed (ignored by the deterministic baseline).
        cv: K-fold cross-validation instead of the fixed split.
        vectors: already-loaded vectors for `config.embeddings` (for avg:VECTORS, of VECTORS; else
            they are read here).
        keep_models: also return the trained classifiers, under "models" (recurrent models only).
        allow_nonfinite: read vectors files holding NaN or infinity as zero vectors.
        jobs: recurrent runs trained at once, each in a process of its own (the baselines are quick).
        folds: with `cv`, run only these folds (0-based; recurrent models); `merge_results` joins
            the results of runs made apart.
        status: called with a line of text before a long step that shows no progress bar (the
            baseline's fits).

    Returns:
        `run_seeds`' dict: mean and std of accuracy and macro-F1, the runs, parameters, coverage.

    Raises:
        EmbedkitError: `keep_models` for a baseline; "avg:" without vectors; what loading the data or
            vectors raises.
    """
    spec = config.embeddings
    if is_baseline(spec):
        if keep_models:
            raise EmbedkitError(f"saving a model is for the recurrent classifiers, not --embeddings {spec}")
        if spec == bow.SPEC:
            return bow.run_bow(data, cv=cv, lowercase=config.lowercase, status=status)
        if spec == nbsvm.SPEC:
            return nbsvm.run_nbsvm(data, cv=cv, lowercase=config.lowercase)
        source = vectors_source(spec)
        if source is None:
            raise EmbedkitError("--embeddings avg:VECTORS needs the vectors after 'avg:' "
                                "(avg:glove-6b-50d, avg:vectors.vec)")
        if vectors is None:
            from ..io.pretrained import resolve

            vectors = resolve(source, allow_nonfinite=allow_nonfinite)
        from .embeddings import check_vectors

        check_vectors(vectors, source)
        return avg.run_avg(data, vectors, cv=cv, lowercase=config.lowercase)
    from . import training  # torch, only for the recurrent models
    from .embeddings import load_embeddings

    config.check()
    vectors = load_embeddings(config, vectors, allow_nonfinite=allow_nonfinite)
    return training.run_seeds(data, config, tuple(seeds), vectors=vectors, progress=progress, cv=cv,
                              keep_models=keep_models, jobs=jobs, folds=folds)


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
