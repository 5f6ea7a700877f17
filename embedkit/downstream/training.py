"""Training the recurrent classifier: `train_classifier` (through the shared loop `loop.fit`, early
stopping on dev accuracy) and `run_seeds` (one run per seed and fold, their mean and spread)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install
from torch import nn

from .datasets import ClassificationData
from .scores import prediction_scores, summarize
from .splits import evaluation_splits, split_data
from ..vectors import Vectors
from .batches import batches, build_vocab, embedding_matrix, encode, tensors, training_words
from .classifier import TrainedClassifier
from .config import ClassifierConfig
from .devices import resolve_device, seed_everything
from .embeddings import load_embeddings
from .loop import fit
from .model import SequenceClassifier
from .optim import Optimizer


# -- the model -----------------------------------------------------------------------------------


# -- data ------------------------------------------------------------------------------------------


# -- training ------------------------------------------------------------------------------------


def train_classifier(data: ClassificationData, config: ClassifierConfig, *, progress: bool = True,
                     vectors: Vectors | None = None, resample=None) -> TrainedClassifier:
    """Train on `data.train`, stop early on `data.dev` accuracy (best weights restored).

    Missing dev/test splits are filled in by `split_data(data, seed=0)`. `vectors` passes
    already-loaded pretrained vectors (else `config.embeddings` is resolved here). `resample`, for
    generated tasks: called with the epoch number (2, 3, ...), it returns that epoch's training
    split (`LabelledTexts`, encoded with the vocabulary of `data`), so that a model sees fresh
    examples every epoch and cannot pass by memorising a fixed set.

    Returns:
        TrainedClassifier; its `test` attribute is the test split used.
    """
    config.check()
    data = split_data(data, seed=0)  # fills in missing splits; checks every class is in train and test
    vectors = load_embeddings(config, vectors)
    device = resolve_device(config.device)
    seed_everything(config.seed)
    classes = list(data.classes)
    words = build_vocab(data, config, vectors)
    weights, coverage = (embedding_matrix(words, vectors, config.seed, len(training_words(data, config)))
                         if vectors is not None else (None, None))
    index = {w: i for i, w in enumerate(words)}
    train, dev = (encode(s.texts, s.labels, index, classes, config) for s in (data.train, data.dev))
    model = SequenceClassifier(len(words), len(classes), config, weights).to(device)
    cut = train.truncated + dev.truncated
    if config.max_len is not None:
        cut += encode(data.test.texts, None, index, classes, config).truncated
    truncated = {"texts": cut, "of": len(train) + len(dev) + len(data.test), "max_len": config.max_len}
    trained = TrainedClassifier(model, config, classes, words, [], coverage, test=data.test, truncated=truncated)
    optimizer = Optimizer(model, config)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(config.seed)

    def epoch_batches(epoch):
        nonlocal train
        if resample is not None and epoch > 1:
            fresh = resample(epoch)
            train = encode(fresh.texts, fresh.labels, index, classes, config)
        for rows in batches(train, config.batch_size, rng):
            yield tensors(train, rows, device)

    def loss(batch):
        ids, lengths, y = batch
        return loss_fn(model(ids, lengths), y), len(y)

    def dev_accuracy():
        return prediction_scores(dev.labels, trained._logits(dev).argmax(1).numpy())["accuracy"]

    fit(model, optimizer, epochs=config.epochs, patience=config.patience, batches=epoch_batches, loss=loss,
        score=dev_accuracy, metric="dev_accuracy", history=trained.history, progress=progress, name=data.name)
    return trained


def run_seeds(data: ClassificationData, config: ClassifierConfig, seeds=(1, 2, 3), *,
              vectors: Vectors | None = None, progress: bool = True, cv: int | None = None,
              keep_models: bool = False, jobs: int = 1, folds=None) -> dict:
    """Train once per seed (and per fold with `cv=K`), evaluate on test; mean and sample std.

    The data split is fixed (seed 0) across seeds; seeds change initialisation, batch order and
    dropout. With `cv=K` the runs are K folds x seeds (`splits.evaluation_splits`); `folds`
    (0-based) runs only those folds (the compare grid on Spark runs one fold and seed a task).
    With `jobs=N` (N > 1) the runs are trained N at a time, each in a process of its own with as
    many torch threads as this one (`parallel.map_runs`); a run is a function of its seed, so the
    results are the same as with one job.

    Returns:
        {"accuracy_mean", "accuracy_std", "macro_f1_mean", "macro_f1_std", "runs": [{"seed", "fold",
        "accuracy", "macro_f1", "n", "epochs", "best_epoch", "seconds"}], "parameters", "coverage",
        "seconds_per_epoch", "truncated": {"texts", "of", "max_len"} (texts cut to `config.max_len`;
        every fold holds all texts, so it is the same for every run)}, plus "models" (the
        TrainedClassifiers) when `keep_models`.
    """
    vectors = load_embeddings(config, vectors)
    splits = evaluation_splits(data, cv)
    tasks = [(fold, seed) for fold in range(len(splits)) if folds is None or fold in folds for seed in seeds]
    if jobs > 1 and len(tasks) > 1 and not keep_models:
        from .parallel import map_runs

        outcomes = map_runs(splits, config, tasks, vectors, jobs)
    else:
        outcomes = [score_run(splits[fold], replace(config, seed=seed), vectors, progress=progress,
                              keep_model=keep_models) for fold, seed in tasks]
    runs, epoch_seconds = [], []
    for (fold, _), outcome in zip(tasks, outcomes):
        runs.append({"seed": outcome["run"]["seed"], "fold": fold if cv else None, **outcome["run"]})
        epoch_seconds += outcome["epoch_seconds"]
    last = outcomes[-1]
    result = {**summarize(runs), "runs": runs, "parameters": last["parameters"], "coverage": last["coverage"],
              "seconds_per_epoch": float(np.mean(epoch_seconds)), "truncated": last["truncated"]}
    if keep_models:
        result["models"] = [outcome["model"] for outcome in outcomes]
    return result


def score_run(part: ClassificationData, config: ClassifierConfig, vectors: Vectors | None, *,
              progress: bool = False, keep_model: bool = False) -> dict:
    """One run of `run_seeds`: train on `part` with `config` (its seed), evaluate on `part.test`.

    Returns:
        {"run": {"seed", "accuracy", "macro_f1", "n", "epochs", "best_epoch", "seconds"},
        "epoch_seconds", "parameters", "coverage", "truncated"}, plus "model" when `keep_model`.
    """
    trained = train_classifier(part, config, progress=progress, vectors=vectors)
    history = trained.history
    best_epoch = max(history, key=lambda h: h["dev_accuracy"])["epoch"]
    outcome = {"run": {"seed": config.seed, **trained.evaluate(part.test), "epochs": len(history),
                       "best_epoch": best_epoch, "seconds": sum(h["seconds"] for h in history)},
               "epoch_seconds": [h["seconds"] for h in history], "parameters": trained.parameters,
               "coverage": trained.coverage, "truncated": trained.truncated}
    if keep_model:
        outcome["model"] = trained
    return outcome
