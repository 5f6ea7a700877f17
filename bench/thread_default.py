"""The default of `--threads`, by measurement: one classifier epoch with 1..N torch threads, on an
idle machine and while another process holds a core, and the count `pick_threads`' rule picks.

Each measurement is one BiLSTM epoch (train + dev evaluation, random 50-d embeddings, the
classifier's defaults) on CR's fixed split, in a fresh process (torch's thread pool is set once
per process), repeated --repeats times (the median is kept). "loaded": a second process spins on
one core for the whole measurement, as another user's job would. Wall and CPU seconds of each.

    python bench/thread_default.py --mirror ../shared/datasets     # -> bench/results/thread_default.txt

The last line of the output is JSON ({"idle": {threads: s}, "loaded": {...}, "picked": n});
tests/downstream/test_threads.py checks that `DEFAULT_THREADS` is what the rule picks from it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

EPOCH = """
import json, sys, time, torch
threads = int(sys.argv[1])
if threads:
    torch.set_num_threads(threads)
from embedkit.downstream import ClassifierConfig, load_classification, train_classifier
data = load_classification("cr", mirror=sys.argv[2])
cpu = time.process_time()
trained = train_classifier(data, ClassifierConfig(bidirectional=True, epochs=1), progress=False)
print(json.dumps({"threads": torch.get_num_threads(), "seconds": trained.history[0]["seconds"],
                  "cpu": time.process_time() - cpu}))
"""


def measure(threads: int, mirror: str, loaded: bool) -> dict:
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if loaded else None
    try:
        time.sleep(0.5 if loaded else 0)
        out = subprocess.run([sys.executable, "-c", EPOCH, str(threads), mirror], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parents[1])
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count() or 1],
                        help="thread counts to measure (default: 1 and all cores, torch's own default)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from embedkit.downstream.threads import DEFAULT_THREADS, pick_threads

    lines = [f"# python bench/thread_default.py {' '.join(sys.argv[1:])}",
             f"# {os.cpu_count()} cores; one BiLSTM epoch on CR (fixed split, random 50-d, defaults), "
             f"median of {args.repeats}; load average before: {os.getloadavg()[0]:.2f}",
             f"{'condition':<8} {'threads':>7} {'wall s/epoch':>13} {'cpu s':>7}  runs (wall)"]
    measured: dict[str, dict[int, float]] = {"idle": {}, "loaded": {}}
    for condition in ("idle", "loaded"):
        for threads in args.threads:
            runs = [measure(threads, args.mirror, condition == "loaded") for _ in range(args.repeats)]
            wall = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            measured[condition][threads] = wall
            lines.append(f"{condition:<8} {threads:>7} {wall:>13.2f} {cpu:>7.1f}  "
                         + " ".join(f"{r['seconds']:.2f}" for r in runs))
            print(lines[-1], flush=True)
    picked = pick_threads(measured["idle"], measured["loaded"])
    lines.append(f"# the rule (embedkit.downstream.threads.pick_threads) picks {picked}; DEFAULT_THREADS is "
                 f"{DEFAULT_THREADS}")
    lines.append(json.dumps({"idle": measured["idle"], "loaded": measured["loaded"], "picked": picked}))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "thread_default.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-2:]))


if __name__ == "__main__":
    main()
