"""The light core in a fresh virtual environment: installed without torch, does it train, query, plot
and evaluate, and does `classify` name the install it needs?

1. copies the checkout's tracked files to a temporary folder (the checkout itself is not touched);
2. runs README.md's first command there, word for word, with bash (it makes `.venv` with no system
   site-packages, installs the core with the `[glove]` extra, and runs `embedkit demo`), timed;
3. checks that torch cannot be imported and that no torch, nvidia-* or triton was installed, then
   runs `embedkit train`, `neighbors`, `plot` (UMAP, PNG and HTML), `evaluate` (the benchmarks
   that ship with gensim) and `classify` (random embeddings: needs torch; and bow: does not),
   printing each exit status, wall time, CPU time (the step's processes) and last line of output.

Usage:  python bench/light_core.py [--keep DIR]   (about 5 minutes, most of it pip)
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


def run(args, cwd, env=None, timeout=900) -> tuple[int, float, float, str]:
    """Exit status, wall seconds, CPU seconds (user + system of the finished child processes) and
    output of one command."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    output = (result.stdout + result.stderr).strip()
    return result.returncode, time.perf_counter() - start, cpu, output


def readme_first_command(readme: Path) -> str:
    """The first line of README.md's first bash block: the command a new user types first."""
    block = re.search(r"```bash\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    return block.group(1).splitlines()[0].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="Build in DIR and keep it (default: a temporary folder).")
    args = parser.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="embedkit-light-"))
    base.mkdir(parents=True, exist_ok=True)
    checkout = base / "checkout"
    if checkout.exists():
        shutil.rmtree(checkout)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    venv = checkout / ".venv"
    command = readme_first_command(checkout / "README.md")
    print(f"embedkit light core: README.md's first command in a fresh copy, {base} (Python "
          f"{sys.version.split()[0]})\n  $ {command}\n")
    clean = {key: value for key, value in os.environ.items()
             if key not in ("PYTHONPATH", "EMBEDKIT_MIRROR", "VIRTUAL_ENV")}
    clean["EMBEDKIT_HOME"] = str(base / "home")
    code, seconds, cpu, out = run(["bash", "-c", command], checkout, env=clean, timeout=1800)
    demo = [line for line in out.splitlines() if line.startswith("wrote ")]
    steps = [("README's first command (venv, pip install, demo)", code, seconds, cpu,
              demo[-1] if demo else out.splitlines()[-1] if out else "")]
    python = str(venv / "bin" / "python")
    code, seconds, cpu, out = run([python, "-c", "import torch"], base)
    steps.append(("import torch (must fail)", code, seconds, cpu, out.splitlines()[-1] if out else ""))
    code, _, _, freeze = run([python, "-m", "pip", "freeze"], base)
    heavy = [line for line in freeze.splitlines() if line.lower().startswith(("torch", "nvidia", "triton"))]
    steps.append(("torch, nvidia-*, triton installed (must be none)", len(heavy), 0.0, 0.0, ", ".join(heavy) or "none"))

    work = base / "work"
    work.mkdir(exist_ok=True)
    words = [f"w{i}" for i in range(300)]
    (work / "corpus.txt").write_text("\n".join(" ".join(words[(i * 7 + j * 13) % 300] for j in range(15))
                                               for i in range(6000)) + "\n", encoding="utf-8")
    (work / "set.tsv").write_text("".join(f"{'pos' if i % 2 else 'neg'}\t{'good' if i % 2 else 'bad'} film {i}\n"
                                          for i in range(400)), encoding="utf-8")
    env = dict(clean)
    embedkit = str(venv / "bin" / "embedkit")
    commands = [
        ("embedkit train corpus.txt -o v.ekv", [embedkit, "train", "corpus.txt", "-o", "v.ekv", "-q", "--min-count", "1"]),
        ("embedkit neighbors v.ekv w1", [embedkit, "neighbors", "v.ekv", "w1", "--topn", "3"]),
        ("embedkit plot v.ekv -o v.png (UMAP)", [embedkit, "plot", "v.ekv", "-o", "v.png"]),
        ("embedkit plot v.ekv -o v.html (UMAP, again)", [embedkit, "plot", "v.ekv", "-o", "v.html"]),
        ("embedkit evaluate v.ekv (gensim's benchmarks)", [embedkit, "evaluate", "v.ekv"]),
        ("embedkit classify set.tsv -e bow", [embedkit, "classify", "set.tsv", "--embeddings", "bow"]),
        ("embedkit classify set.tsv -e random (needs torch)", [embedkit, "classify", "set.tsv", "--embeddings", "random"]),
    ]
    for name, command in commands:
        code, seconds, cpu, out = run(command, work, env=env)
        last = out.splitlines()[-1] if out else ""
        steps.append((name, code, seconds, cpu, last))
    width = max(len(name) for name, *_ in steps)
    print(f"{'step':<{width}}  exit  wall s   cpu s  last line")
    for name, code, seconds, cpu, last in steps:
        print(f"{name:<{width}}  {code:>4}  {seconds:6.1f}  {cpu:6.1f}  {last[:160]}")
    expected = f"Error: embedkit classify needs PyTorch, which is not installed; install its CPU build with: {INSTALL}"
    ok = (steps[0][1] == 0 and steps[1][1] != 0 and steps[2][1] == 0
          and all(code == 0 for _, code, *_ in steps[3:-1]) and steps[-1][1] == 1 and steps[-1][4] == expected)
    print(f"\n{'PASS' if ok else 'FAIL'}: README's first command installs the core and runs the demo without "
          f"torch; the core runs without it{', and classify names the CPU install' if ok else ''}.")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
