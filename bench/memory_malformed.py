"""Peak memory of reading malformed input: each case in a fresh process, under 200 MB each.

Builds every malformed file of the hardening cases in a temporary folder (headers and first
lines that claim far more than the file holds, a 140,000-number GloVe line, broken .ekv folders,
damaged compressed corpora and benchmark files, binary data as a corpus, NaN in vectors), runs
the embedkit command a user would (`info`, `train`, `evaluate`) on each in a fresh subprocess, and
reports that child's peak RSS (`ru_maxrss` from `os.wait4`), its wall time, exit status and the
first line of its error. A baseline row reads a small valid file, to show what the interpreter
and imports cost on their own. Exits 1 if a case goes over the limit or ends without one
`Error:` line (where one is expected). Each child runs under an address-space limit (--cap-mb),
so a regression fails its row instead of taking the machine's memory.

    python bench/memory_malformed.py [--limit-mb 200] [--cap-mb 4000] [--only NAME ...]

Not part of the test suite (it starts a few dozen interpreters); tests/hardening/
test_reader_memory.py is the quick in-suite check.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import lzma
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's embedkit

from embedkit import io  # noqa: E402
from embedkit.vectors import Vectors  # noqa: E402

TEXT = b"the cat sat on the mat\nthe dog sat on the log\n"


def _ekv(folder: Path, name: str, change) -> Path:
    path = io.save(Vectors(["a", "b", "c"], np.ones((3, 4), np.float32)), folder / name)
    change(path)
    return path


def _meta(**fields):
    def change(path):
        header = json.loads((path / "meta.json").read_text())
        header.update(fields)
        (path / "meta.json").write_text(json.dumps(header))
    return change


def _npy_claims(shape):
    def change(path):
        _meta(shape=list(shape))(path)
        with open(path / "vectors.npy", "wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": shape})
            f.write(b"\0" * 48)
    return change


def _big_vec_claiming(folder: Path, words: int) -> Path:
    """A 20 MB word2vec text file whose header claims `words` words."""
    path = folder / "big-claims.vec"
    rows = 100_000
    vectors = Vectors([f"w{i}" for i in range(rows)], np.full((rows, 50), 0.125, np.float32))
    io.save(vectors, path)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(f"{rows} 50\n".encode(), f"{words} 50\n".encode(), 1))
    return path


def build(folder: Path) -> list[tuple[str, list[str], bool]]:
    """(name, embedkit arguments, whether an Error: line is expected) for every case."""
    f = folder
    cases: list[tuple[str, list[str], bool]] = []

    def add(name, args, error=True):
        cases.append((name, [str(a) for a in args], error))

    (f / "valid.vec").write_bytes(b"3 2\na 1 2\nb 3 4\nc 5 6\n")
    add("baseline: a valid 3-word file", ["info", f / "valid.vec"], False)
    # vectors files that claim more than they hold
    (f / "wide.glove").write_bytes(b"w " + b" ".join([b"0.1234"] * 140_000) + b"\n")
    add("GloVe, one line of 140,000 numbers (1 MB)", ["info", f / "wide.glove"], False)
    (f / "dims2m.vec").write_bytes(b"1 2000000\nw 1.0 2.0\n")
    add("word2vec header claims 2,000,000 dims (20 bytes)", ["info", f / "dims2m.vec"])
    (f / "dims1e9.vec").write_bytes(b"1 1000000000\na 1 2\n")
    add("word2vec header claims 10^9 dims", ["info", f / "dims1e9.vec"])
    (f / "words1e9.vec").write_bytes(b"1000000000 3\na 1 2 3\nb 4 5 6\n")
    add("word2vec header claims 10^9 words (29 bytes)", ["info", f / "words1e9.vec"])
    add("word2vec header claims 10^9 words (20 MB file)", ["info", _big_vec_claiming(f, 10**9)])
    (f / "words1e9.bin").write_bytes(b"1000000000 3\na " + b"\0" * 12)
    add("binary header claims 10^9 words", ["info", f / "words1e9.bin"])
    (f / "dims2e9.bin").write_bytes(b"1 2000000000\na " + b"\0" * 12)
    add("binary header claims 2*10^9 dims", ["info", f / "dims2e9.bin"])
    (f / "longheader.vec").write_bytes(b"1 " + b"9" * 5000 + b"\na 1\n")
    add("word2vec header of a 5,000-digit number", ["info", f / "longheader.vec"])
    (f / "nan.vec").write_bytes(b"3 2\na 1 2\nb nan 1\nc 1 inf\n")
    add("word2vec with NaN and inf rows", ["neighbors", f / "nan.vec", "a"])
    add(".ekv: vectors.npy claims 10^12 x 50 (mmap)",
        ["info", _ekv(f, "claims.ekv", _npy_claims((10**12, 50)))])
    add(".ekv: vectors.npy claims 10^12 x 50 (convert)",
        ["convert", f / "claims.ekv", f / "out.vec"])
    add(".ekv: vectors.npy holds strings",
        ["info", _ekv(f, "strings.ekv", lambda p: np.save(p / "vectors.npy", np.array([["x"] * 4] * 3)))])
    add(".ekv: meta.json 'meta' is a string", ["info", _ekv(f, "meta.ekv", _meta(meta="abc"))])
    add(".ekv: meta.json 'version' is a string", ["info", _ekv(f, "version.ekv", _meta(version="1"))])
    # damaged compressed input and binary corpora
    raw = gzip.compress(TEXT * 2000)
    (f / "corpus.txt.gz").write_bytes(raw[: len(raw) // 2])
    bad = bytearray(lzma.compress(TEXT * 2000))
    bad[len(bad) // 3:len(bad) // 3 + 8] = b"\xa5" * 8
    (f / "corpus.xz").write_bytes(bytes(bad))
    raw = bz2.compress(TEXT * 2000)
    (f / "corpus.bz2").write_bytes(raw[: len(raw) // 2])
    (f / "random.bin").write_bytes(np.random.default_rng(0).integers(0, 256, 1 << 20, dtype=np.uint8).tobytes())
    train = ["--min-count", "1", "--epochs", "1", "-q", "--tmp-dir", f, "-o", f / "out.vec"]
    add("train: truncated .gz corpus", ["train", f / "corpus.txt.gz", *train])
    add("train: corrupt .xz corpus", ["train", f / "corpus.xz", *train])
    add("train: truncated .bz2 corpus", ["train", f / "corpus.bz2", *train])
    add("train: 1 MB of random bytes", ["train", f / "random.bin", *train])
    raw = gzip.compress(b"the\tcat\t5\nsat\tmat\t3\n" * 2000)
    (f / "pairs.gz").write_bytes(raw[: len(raw) // 2])
    add("evaluate: truncated .gz similarity file", ["evaluate", f / "valid.vec", "-s", f / "pairs.gz"])
    return cases


def measure(args: list[str], cap_mb: int, timeout: float) -> tuple[float, float, int, str]:
    """(peak RSS in MB, seconds, exit status, output) of `embedkit ARGS` in a fresh process.

    The child is reaped with `os.wait4`, which gives that child's own rusage (RUSAGE_CHILDREN
    would give the largest of all children so far)."""
    def limit():
        cap = cap_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "embedkit", *args], stdout=out,
                             stderr=subprocess.STDOUT, preexec_fn=limit, env=env, cwd=ROOT)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.01)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    seconds = time.perf_counter() - start
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return peak_mb, seconds, child.returncode, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit-mb", type=float, default=200, help="Peak RSS allowed per case (MB).")
    parser.add_argument("--cap-mb", type=int, default=4000,
                        help="Address-space limit of each child (MB), so a regression cannot eat the machine.")
    parser.add_argument("--timeout", type=float, default=120, help="Seconds allowed per case.")
    parser.add_argument("--only", nargs="*", default=None, help="Run only the cases whose name holds one of these.")
    args = parser.parse_args()

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; limit {args.limit_mb:.0f} MB "
          f"peak RSS per case, each in a fresh process (address space capped at {args.cap_mb} MB)")
    print()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="embedkit-memory-") as tmp:
        cases = build(Path(tmp))
        if args.only:
            cases = [c for c in cases if any(part in c[0] for part in args.only)]
        width = max(len(name) for name, _, _ in cases)
        print(f"{'case':<{width}}  {'peak RSS':>9}  {'time':>6}  exit  result")
        for name, case_args, error_expected in cases:
            peak, seconds, code, text = measure(case_args, args.cap_mb, args.timeout)
            errors = [line for line in text.splitlines() if line.startswith("Error:")]
            ok = peak <= args.limit_mb and "Traceback" not in text and (
                (code != 0 and len(errors) == 1) if error_expected else code == 0)
            failures += not ok
            shown = errors[0] if errors else ("(no error)" if code == 0 else text.strip().splitlines()[-1:])
            shown = str(shown).replace(tmp + "/", "")
            if len(shown) > 110:
                shown = shown[:107] + "..."
            print(f"{name:<{width}}  {peak:>6.0f} MB  {seconds:>5.2f}s  {code:>4}  "
                  f"{'ok  ' if ok else 'FAIL'} {shown}")
    print()
    print(f"{len(cases) - failures} of {len(cases)} cases under {args.limit_mb:.0f} MB with the expected outcome"
          + ("" if not failures else f"; {failures} FAILED"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
