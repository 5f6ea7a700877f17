"""Runs of `training.run_seeds` trained several at a time, each in a process of its own.

A run is a function of its seed (and fold), so training it in another process gives the same
numbers. The workers are started with the "spawn" method (a fresh interpreter: forking a process
whose torch thread pool has started can hang); each receives the folds, the config and the
vectors once, and gets as many torch threads as the caller has.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
import multiprocessing

from .needs_torch import require_torch

torch = require_torch()  # torch is an extra: a missing one is one line naming the install

_STATE: dict = {}  # in a worker: the folds, config and vectors of the runs it trains


def _start(folds, config, vectors, threads: int) -> None:
    torch.set_num_threads(threads)
    _STATE.update(folds=folds, config=config, vectors=vectors)


def _train(task: tuple[int, int]) -> dict:
    from .training import score_run

    fold, seed = task
    return score_run(_STATE["folds"][fold], replace(_STATE["config"], seed=seed), _STATE["vectors"])


def map_runs(folds, config, tasks: list[tuple[int, int]], vectors, jobs: int) -> list[dict]:
    """`training.score_run` of each (fold, seed) task, `jobs` at a time, in the order of `tasks`."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context, initializer=_start,
                             initargs=(folds, config, vectors, torch.get_num_threads())) as pool:
        return list(pool.map(_train, tasks))
