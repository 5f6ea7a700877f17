"""The baselines (bag of words, NBSVM-bi, averaged vectors) under every scikit-learn minor release the
dependency range (scikit-learn>=1.3) allows: each is installed with pip into a folder of its own
(outside the repository), and tests/downstream/test_baselines.py runs against it.

    python bench/sklearn_range.py --target /tmp/sklearn-range     # -> bench/results/sklearn_range.txt

Versions older than 1.4.2 were built against numpy 1.x, so they get numpy<2 (and a scipy of their time).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
VERSIONS = {"1.3.2": ["numpy<2", "scipy<1.14"], "1.4.2": [], "1.5.2": [], "1.6.1": [], "1.7.2": [], "1.8.0": [],
            "1.9.1": []}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", default="/tmp/sklearn-range", help="folder for the installs")
    parser.add_argument("--versions", nargs="*", default=list(VERSIONS))
    args = parser.parse_args()
    lines = [f"# python bench/sklearn_range.py {' '.join(sys.argv[1:])}"]
    for version in args.versions:
        target = Path(args.target) / version
        if not (target / "sklearn").is_dir():
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                            f"scikit-learn=={version}", *VERSIONS.get(version, [])], check=True)
        env = {**os.environ, "PYTHONPATH": str(target)}
        probe = subprocess.run([sys.executable, "-c", "import sklearn, numpy; print(sklearn.__version__, "
                                "numpy.__version__)"], capture_output=True, text=True, env=env, cwd=ROOT)
        tests = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                                "tests/downstream/test_baselines.py"], capture_output=True, text=True, env=env,
                               cwd=ROOT)
        summary = next((line.strip("= ") for line in reversed(tests.stdout.splitlines())
                        if " passed" in line or " failed" in line or " error" in line), "(no summary)")
        lines.append(f"scikit-learn {version}: imported {probe.stdout.strip() or probe.stderr.strip()[-200:]}; "
                     f"tests/downstream/test_baselines.py: {summary} (exit {tests.returncode})")
        print(lines[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sklearn_range.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
