"""The compare grid on Spark: every cell, fold and seed of the grid is one Spark task.

`run(pending, ...)` trains the cells `grid.compare` has not got yet. Each cell is one Spark job
(submitted from a thread of its own, so the cells' tasks share the cluster), whose tasks are its
(fold, seed) runs: `runs.run_model` with one seed and one fold, a baseline (bow, nbsvm, avg:VECTORS)
one task for all its folds. The data set and the vectors are broadcast once. When a cell's job ends,
its runs are joined in `run_model`'s order (`runs.merge_results`: the same numbers as training
the cell here) and handed to `finish`, which writes the cell's file at once, so a stopped grid
resumes as it does without Spark.

A task that fails is tried again by Spark (up to `spark.TASK_ATTEMPTS` times); one that
succeeds on a later attempt is said. A cell whose task fails every attempt is said with its
error and returned among the failures: `grid.compare` stops with an error naming them, after the
other cells are saved, so a rerun trains only the failed ones. Nothing is dropped silently.

Example:
    >>> failures = run([(1, cell)], data, (1, 2, 3), None, make_config, {}, master="local[2]",
    ...                echo=print, finish=save)    # doctest: +SKIP
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial
from typing import Callable

from ..errors import EmbedkitError
from .runs import is_baseline

MAX_JOBS = 32    # cells submitted to Spark at once (each a job; their tasks queue for the cores)


def units(cell, seeds, cv) -> list[tuple[int | None, int | None]]:
    """The (fold, seed) tasks of `cell`, in `run_model`'s order: folds outermost, seeds in order.

    A baseline is deterministic and fits all its folds in one task: [(None, None)].
    """
    if is_baseline(cell.embeddings):
        return [(None, None)]
    return [(fold, seed) for fold in (range(cv) if cv else [None]) for seed in seeds]


def run(pending, data, seeds, cv, make_config: Callable, loaded: dict, *, master: str | None,
        echo: Callable[[str], None], finish: Callable, total: int | None = None, task: Callable | None = None,
        threads: int | None = None) -> list[str]:
    """Train the `pending` cells on Spark; call `finish(n, cell, result, attempts)` as each ends.

    Args:
        pending: (n, Cell) pairs: the cells to train and their numbers in the grid.
        data: the ClassificationData (broadcast to the tasks).
        seeds, cv: as for `grid.compare`.
        make_config: Cell -> its ClassifierConfig.
        loaded: embeddings spec -> Vectors already read (broadcast to the tasks that need them).
        master: the Spark master URL (`embedkit.spark.session`).
        echo: called with each progress line.
        finish: called in this thread with the cell's number, the cell, its merged result and
            the attempts of each of its tasks.
        total: cells in the grid, for "[n/total]" (default: the pending ones).
        task: the function each task runs (default `run_task`, one run of `runs.run_model`).
        threads: torch threads per task (default: the driver's torch setting, else 1).

    Returns:
        One line per cell whose job failed, naming it and the error; empty when all finished.

    Raises:
        EmbedkitError: Spark does not start (bad master URL, no Java, ...).
        KeyboardInterrupt: after cancelling the jobs still running.
    """
    from ..spark import session, spark_errors

    if not pending:
        return []
    spark = session(master, say=echo)
    context = spark.sparkContext
    total = total or len(pending)
    threads = threads or _torch_threads()
    data_shared = context.broadcast(data)
    vectors_shared = {spec: context.broadcast(vectors) for spec, vectors in loaded.items()}
    function = task or run_task
    group = f"embedkit-compare-{os.getpid()}-{id(pending)}"

    def train_cell(n, cell):
        work = units(cell, seeds, cv)
        context.setJobGroup(f"{group}-{n}", f"embedkit compare: {cell.label}", interruptOnCancel=True)
        job = context.parallelize(work, len(work)).map(partial(
            function, config=make_config(cell), data=data_shared, vectors=vectors_shared.get(cell.embeddings),
            cv=cv, threads=threads))
        with spark_errors():
            return job.collect()

    failures: list[str] = []
    pool = ThreadPoolExecutor(max_workers=min(len(pending), MAX_JOBS), thread_name_prefix="embedkit-compare")
    try:
        futures = {}
        for n, cell in pending:
            echo(f"[{n}/{total}] {cell.label}: submitted to Spark, {len(units(cell, seeds, cv))} task(s)")
            futures[pool.submit(train_cell, n, cell)] = (n, cell)
        for future in as_completed(futures):
            n, cell = futures[future]
            try:
                done = future.result()
            except EmbedkitError as error:
                failures.append(f"{cell.label}: {error}")
                echo(f"[{n}/{total}] {cell.label}: FAILED after {_attempts()} attempts of a task: {error}")
                continue
            for unit in done:
                if unit["attempt"]:
                    echo(f"[{n}/{total}] {cell.label}: {_unit_name(unit)} failed {unit['attempt']} time(s); "
                         f"Spark retried it and attempt {unit['attempt'] + 1} succeeded")
            from .runs import merge_results

            finish(n, cell, merge_results([unit["result"] for unit in done]),
                   [{"fold": u["fold"], "seed": u["seed"], "attempts": u["attempt"] + 1} for u in done])
    except KeyboardInterrupt:
        context.cancelAllJobs()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        data_shared.unpersist()
        for shared in vectors_shared.values():
            shared.unpersist()
    return failures


def _attempts() -> int:
    from ..spark import TASK_ATTEMPTS

    return TASK_ATTEMPTS


def _unit_name(unit: dict) -> str:
    parts = [f"seed {unit['seed']}" if unit["seed"] is not None else "the fit"]
    if unit["fold"] is not None:
        parts.append(f"fold {unit['fold'] + 1}")
    return ", ".join(parts)


def _torch_threads() -> int:
    try:
        import torch
    except ImportError:
        return 1
    return int(torch.get_num_threads())


def run_task(unit, *, config, data, vectors, cv, threads) -> dict:
    """One task of the grid on an executor: `run_model` for one (fold, seed); with its attempt number."""
    from pyspark import TaskContext

    from .runs import run_model

    fold, seed = unit
    context = TaskContext.get()
    if not is_baseline(config.embeddings):
        from .needs_torch import require_torch

        require_torch("a recurrent cell of the compare grid, on a Spark executor,").set_num_threads(threads)
    result = run_model(data.value, config, [seed] if seed is not None else (), cv=cv,
                       folds=None if fold is None else [fold], vectors=vectors.value if vectors is not None else None,
                       progress=False)
    return {"fold": fold, "seed": seed, "attempt": context.attemptNumber() if context else 0, "result": result}
