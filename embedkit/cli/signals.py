"""SIGTERM and SIGHUP stop a command as Ctrl-C does: the program unwinds, temporary files are removed,
nothing is half-written, and the exit status says which signal it was."""

from __future__ import annotations

import contextlib
import signal
import threading


_STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # stop like Ctrl-C: clean up, say so, exit 128 + signal


_stopped_by: list[int] = []            # the stop signal received during this command, if any


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so that it unwinds as Ctrl-C does:
    temporary files are removed and nothing is half-written."""


def _stop(signum, frame):
    if _stopped_by:  # a second signal while cleaning up: let the cleanup finish
        return
    _stopped_by.append(signum)
    raise Stopped(signal.Signals(signum).name)


@contextlib.contextmanager
def stop_signals():
    """Handle the stop signals with `_stop` during a command (in the main thread; a signal the
    caller ignores, as under nohup, stays ignored)."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for name in _STOP_SIGNALS:
            number = getattr(signal, name, None)
            if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
                previous[number] = signal.signal(number, _stop)
    _stopped_by.clear()
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def interrupted_status() -> int:
    """The exit status of a stopped command: 130 for Ctrl-C, 128 + N for signal N (143: SIGTERM)."""
    return 128 + (_stopped_by[0] if _stopped_by else signal.SIGINT)
