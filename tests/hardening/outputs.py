"""Helpers for the output-safety cases: a user's folder, a read-only folder, a run in a subprocess.

`users_folder` makes the folder a user would be upset to lose. `read_only` makes a folder that
cannot be written in, for real: chmod for an ordinary user; for root, which ignores permission
bits, the immutable attribute (chattr +i), which binds root too. `run_embedkit` runs the command
line in a fresh interpreter, optionally under a file size limit (`ulimit -f`) with SIGXFSZ
ignored, so that writing past it is the OSError EFBIG ("File too large") rather than a kill.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def users_folder(path) -> Path:
    """A folder holding a file of the user's: nothing embedkit may replace."""
    path = Path(path)
    path.mkdir()
    (path / "notes.txt").write_text("three years of notes\n", encoding="utf-8")
    return path


def vectors_file(path, words=("king", "queen", "man", "woman", "paris", "france")) -> Path:
    """A small word2vec text file."""
    lines = [f"{len(words)} 3"] + [f"{w} {i % 3 + 1}.0 {i % 2}.5 -{i}.25" for i, w in enumerate(words)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)


def labelled_file(path, n: int = 60) -> Path:
    """A two-class label<TAB>text file."""
    rows = [f"{'pos' if i % 2 else 'neg'}\t{'great' if i % 2 else 'awful'} film number {i}" for i in range(n)]
    Path(path).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Path(path)


def corpus_file(path, sentences: int = 200, words: int = 30) -> Path:
    """A corpus of `sentences` lines over `words` distinct words."""
    lines = [" ".join(f"w{(i * 7 + j * 3) % words}" for j in range(12)) for i in range(sentences)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)


@contextlib.contextmanager
def read_only(folder):
    """`folder` cannot be written in during the block (created if missing)."""
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        undo = lambda: folder.chmod(0o755)  # noqa: E731
    else:
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if made.returncode != 0:
            pytest.skip("running as root, and chattr +i is not available to make a folder read-only: "
                        + made.stderr.decode(errors="replace").strip())
        undo = lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)  # noqa: E731
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip(f"{folder} stays writable here")
        yield folder
    finally:
        undo()


def _limit(fsize: int | None):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def run_embedkit(*args, cwd, fsize: int | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m embedkit ARGS` in `cwd` with this checkout's code, files limited to `fsize` bytes."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "embedkit", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=_limit(fsize))


def one_error(result: subprocess.CompletedProcess, *names) -> str:
    """Assert the one-line error contract on a finished subprocess; return the Error: line."""
    text = result.stdout + result.stderr
    assert result.returncode not in (0, None), text
    assert "Traceback" not in text, text
    errors = [row for row in text.splitlines() if row.startswith("Error:")]
    assert len(errors) == 1, text
    for name in names:
        assert str(name) in errors[0], f"{name} not named in {errors[0]!r}"
    return errors[0]
