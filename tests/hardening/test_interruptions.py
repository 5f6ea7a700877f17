"""Stopped runs leave nothing behind: SIGTERM and SIGHUP stop like Ctrl-C, and the temporary
folders of runs that were killed outright (SIGKILL) are removed by the next run.

The training cases run `embedkit train` in a real subprocess and signal it while it trains.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from embedkit import io, outputs
from embedkit.io import word2vec as w2vfile

from .conftest import invoke, snapshot, unchanged
from .outputs import ROOT, corpus_file, vectors_file

TRAIN = ("--min-count", "1", "--vector-size", "16", "--workers", "1")


class Training:
    """`embedkit train` running in a subprocess; `wait_for(text)` reads its stderr until `text`."""

    def __init__(self, folder, *args):
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen([sys.executable, "-m", "embedkit", "train", *map(str, args)], cwd=folder,
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err = []
        self._reader = threading.Thread(target=lambda: self.err.extend(iter(self.process.stderr.readline, "")),
                                        daemon=True)
        self._reader.start()

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.err):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"never saw {text!r}:\n{''.join(self.err)}")
            time.sleep(0.05)

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code, "".join(self.err)


@pytest.fixture
def long_run(tmp_path):
    """A corpus that takes minutes to train for 5,000 epochs, a temporary folder and an old output."""
    corpus_file(tmp_path / "corpus.txt", sentences=3000, words=300)
    (tmp_path / "tmp").mkdir()
    (tmp_path / "out.vec").write_text("the vectors of yesterday\n")
    return tmp_path


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_during_training_cleans_up(long_run, signum, status):
    before = snapshot(long_run)
    run = Training(long_run, "corpus.txt", "-o", "out.vec", "--tmp-dir", "tmp", "--epochs", "5000", *TRAIN)
    run.wait_for("epoch 1/5000: loss")
    assert [p.name for p in (long_run / "tmp").iterdir()][0].startswith("embedkit-train-")
    run.process.send_signal(signum)
    code, err = run.finish()
    assert code == status, err
    assert "Interrupted: training interrupted after" in err and "nothing was written" in err
    assert "Traceback" not in err
    unchanged(long_run, before)  # the tokenised copy is gone, the old output intact


def test_sigterm_keeps_the_last_checkpoint(long_run):
    run = Training(long_run, "corpus.txt", "-o", "out.ekv", "--tmp-dir", "tmp", "--epochs", "5000",
                   "--checkpoint-every", "1", *TRAIN)
    run.wait_for("checkpoint: out.ekv holds epoch 1")
    run.process.send_signal(signal.SIGTERM)
    code, err = run.finish()
    assert code == 143, err
    assert "; out.ekv holds the checkpoint of epoch" in err
    saved = io.load(long_run / "out.ekv")
    assert saved.meta["complete"] is False and saved.meta["epochs_completed"] >= 1
    assert list((long_run / "tmp").iterdir()) == []
    assert not [p for p in long_run.iterdir() if p.name.startswith(".")]


def test_the_next_run_removes_what_a_killed_run_left(long_run):
    run = Training(long_run, "corpus.txt", "-o", "out.vec", "--tmp-dir", "tmp", "--epochs", "5000", *TRAIN)
    run.wait_for("epoch 1/5000: loss")
    run.process.kill()  # SIGKILL: no handler runs
    run.finish()
    left = list((long_run / "tmp").iterdir())
    assert len(left) == 1 and (left[0] / "ids.int32").exists()  # the corpus as word ids
    corpus_file(long_run / "small.txt")
    result = invoke("train", long_run / "small.txt", "-o", long_run / "small.vec", "--tmp-dir", long_run / "tmp",
                    "--epochs", "1", "-q", *TRAIN)
    assert result.exit_code == 0, result.output
    assert list((long_run / "tmp").iterdir()) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_remove_stale_removes_only_folders_of_dead_processes_here(tmp_path):
    host, dead = socket.gethostname(), _dead_pid()
    owners = {"embedkit-train-dead": f"{host} {dead}", "embedkit-train-running": f"{host} {os.getpid()}",
              "embedkit-train-elsewhere": f"another-machine {dead}", "embedkit-train-garbled": "???",
              "other-dead": f"{host} {dead}"}
    for name, owner in owners.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / outputs.OWNER).write_text(owner)
    (tmp_path / "embedkit-train-older").mkdir()  # no owner file: an older embedkit's; kept
    removed = outputs.remove_stale(tmp_path, "embedkit-train-")
    assert [p.name for p in removed] == ["embedkit-train-dead"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "embedkit-train-elsewhere", "embedkit-train-garbled", "embedkit-train-older", "embedkit-train-running",
        "other-dead"]


def test_scratch_folder_records_its_owner_and_is_removed(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with outputs.scratch_folder("job-", tmp_path) as folder:
            assert (folder / outputs.OWNER).read_text() == f"{socket.gethostname()} {os.getpid()}\n"
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


# -- a stop signal while a command writes (in this process) -----------------------------------------

@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_while_writing_leaves_the_old_output(tmp_cwd, monkeypatch, signum, status):
    vectors_file(tmp_cwd / "v.vec")
    (tmp_cwd / "out.vec").write_text("the vectors of yesterday\n")
    real = w2vfile.write_text

    def stopped_halfway(stream, *args, **kwargs):
        stream.write(b"half of it")
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises here
        real(stream, *args, **kwargs)
    monkeypatch.setattr(w2vfile, "write_text", stopped_halfway)
    before = snapshot(tmp_cwd)
    result = invoke("convert", "v.vec", "out.vec")
    assert result.exit_code == status, result.output
    assert result.output.splitlines()[-1] == "Interrupted."
    unchanged(tmp_cwd, before)


def test_signal_handlers_are_restored_and_ignored_signals_stay_ignored(tmp_cwd, monkeypatch):
    vectors_file(tmp_cwd / "v.vec")
    seen = {}
    real = w2vfile.write_text

    def record(stream, *args, **kwargs):
        seen.update(term=signal.getsignal(signal.SIGTERM), hup=signal.getsignal(signal.SIGHUP))
        real(stream, *args, **kwargs)
    monkeypatch.setattr(w2vfile, "write_text", record)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        term = signal.getsignal(signal.SIGTERM)
        assert invoke("convert", "v.vec", "out.vec").exit_code == 0
        assert seen["hup"] is signal.SIG_IGN and seen["term"] is not term
        assert signal.getsignal(signal.SIGTERM) is term and signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_an_error_while_cleaning_up_is_not_a_second_signal(tmp_cwd, monkeypatch):
    vectors_file(tmp_cwd / "v.vec")

    def full(stream, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(w2vfile, "write_text", full)
    result = invoke("convert", "v.vec", "out.vec")
    assert result.exit_code == 1 and result.output == "Error: out.vec: cannot write: No space left on device\n"
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ["v.vec"]
