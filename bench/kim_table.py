"""The full table: Kim's seven data sets x BiLSTM x {random, embedkit word2vec, GloVe 50d frozen,
GloVe 50d fine-tuned} x 3 seeds (times 10 folds where Kim cross-validates), plus NBSVM-bi, bag of
words and averaged vectors, with the published rows; on the 2-core machine.

It runs as many short invocations under the bench lock (`embedkit compare` on one data set and
one embedding each, into one report folder, resumable), so other benchmarks interleave; each
invocation's wall and CPU seconds are logged. Steps:

    python bench/kim_table.py vectors --corpus ../shared/datasets/corpus --out /tmp/wiki-w2v-50d.ekv
    python bench/kim_table.py cells --w2v /tmp/wiki-w2v-50d.ekv --report /tmp/kim-report   # all invocations
    python bench/kim_table.py cells --w2v ... --report ... --only mr                        # one data set
    python bench/kim_table.py table --w2v ... --report ...     # -> bench/results/kim_table.md (nothing trained)

`--rows` picks some of the rows (a comma list of `compare -e` specs, {w2v} standing for the
embedkit vectors) and `--name` the results file, so a part of the table can be run and written
on its own, e.g. the baselines under Kim's protocol:

    python bench/kim_table.py cells --rows nbsvm,bow,avg:glove-6b-50d --seeds 1 --report /tmp/kim-base
    python bench/kim_table.py table --rows nbsvm,bow,avg:glove-6b-50d --seeds 1 --report /tmp/kim-base \
        --name kim_baselines

The log: bench/results/kim_table.txt (one line per invocation: data set, row, the compare options
beyond the defaults (later lines only), wall s, CPU s of the child processes).
"""

from __future__ import annotations

import argparse
import fcntl
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
LOG = RESULTS / "kim_table.txt"
DATASETS = ["mr", "sst5", "sst2", "subj", "trec", "cr", "mpqa"]
LOCK = "/tmp/embedkit-bench.lock"


def embeddings(w2v: str) -> list[str]:
    """The table's rows, in order (GloVe both ways; the embedkit vectors fine-tuned, as GloVe's best)."""
    return ["random", f"{w2v}@finetuned", "glove-6b-50d@frozen", "glove-6b-50d@finetuned", "nbsvm", "bow",
            "avg:glove-6b-50d", f"avg:{w2v}"]


def run(command: list[str], lock: bool) -> tuple[float, float, int]:
    """Run `command` (holding the bench lock if asked); (wall s, CPU s of the children, exit code)."""
    handle = open(LOCK, "w") if lock else None
    if handle is not None:
        fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        code = subprocess.run(command, cwd=ROOT).returncode
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        if handle is not None:
            handle.close()
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), code


def log(line: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    with LOG.open("a") as stream:
        stream.write(line + "\n")
    print(line, flush=True)


def compare_command(args, datasets: str, specs: list[str], extra=()) -> list[str]:
    return [sys.executable, "-m", "embedkit", "compare", datasets, "-e", ",".join(specs), "--cells", "lstm",
            "--bidirectional", "yes", "--seeds", str(args.seeds), "--jobs", str(args.jobs), "--threads", "1",
            "--mirror", args.mirror, "-o", args.report, "-q", *args.compare_options, *extra]


def vectors(args) -> None:
    command = [sys.executable, "-m", "embedkit", "train", args.corpus, "-o", args.out, "--vector-size",
               str(args.dim), "--window", "5", "--min-count", "5", "--epochs", "5", "--workers", "2", "--seed", "1",
               "-q"]
    wall, cpu, code = run(command, lock=not args.no_lock)
    log(f"{' '.join(command[1:])}\t{wall:.1f} s wall\t{cpu:.1f} s CPU\texit {code}")


def rows(args) -> list[str]:
    """The rows asked for: `--rows` (with {w2v} replaced) or every row of the table."""
    if args.rows is None:
        return embeddings(args.w2v)
    return [spec.replace("{w2v}", args.w2v) for spec in args.rows.split(",") if spec]


def cells(args) -> None:
    for dataset in args.only or DATASETS:
        for spec in rows(args):
            command = compare_command(args, dataset, [spec])
            wall, cpu, code = run(command, lock=not args.no_lock)
            options = " ".join(args.compare_options) or "--cv kim"
            log(f"{dataset}\t{spec}\t{options}\t{wall:.1f} s wall\t{cpu:.1f} s CPU\texit {code}")
            if code != 0:
                sys.exit(code)


def table(args) -> None:
    command = compare_command(args, ",".join(args.only or DATASETS), rows(args), ["--published"])
    wall, cpu, code = run(command, lock=False)
    log(f"table\t{wall:.1f} s wall\t{cpu:.1f} s CPU\texit {code}")
    report = Path(args.report)
    text = (report / "results.md").read_text()
    (RESULTS / f"{args.name}.md").write_text(f"# python bench/kim_table.py table {' '.join(sys.argv[2:])}\n"
                                          f"# = {' '.join(command[1:])}\n\n{text}")
    shutil.copy(report / "results.png", ROOT / "docs" / "img" / f"{args.name.replace('_', '-')}.png")
    for suffix in ("csv", "json"):
        shutil.copy(report / f"results.{suffix}", RESULTS / f"{args.name}.{suffix}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["vectors", "cells", "table"])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "datasets" / "corpus"))
    parser.add_argument("--out", default="/tmp/wiki-w2v-50d.ekv", help="vectors: where to write them")
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--w2v", default="/tmp/wiki-w2v-50d.ekv", help="the embedkit-trained vectors")
    parser.add_argument("--report", default="/tmp/kim-report")
    parser.add_argument("--mirror", default=str(ROOT.parent / "shared" / "datasets"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", choices=DATASETS)
    parser.add_argument("--rows", help="comma list of compare -e specs ({w2v}: the embedkit vectors); "
                                       "default: every row of the table")
    parser.add_argument("--name", default="kim_table", help="table: bench/results/NAME.md/.csv/.json")
    parser.add_argument("--no-lock", action="store_true", help="do not take the bench lock (already held)")
    parser.add_argument("--compare-options", nargs=argparse.REMAINDER, default=[],
                        help="passed on to embedkit compare (last on the line)")
    args = parser.parse_args()
    {"vectors": vectors, "cells": cells, "table": table}[args.step](args)


if __name__ == "__main__":
    main()
