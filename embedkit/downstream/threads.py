"""How many CPU threads torch gets by default, and the rule, applied to measurements, that chose it.

The rule: of the thread counts measured, keep those whose epoch is no slower (within
`TOLERANCE`) than one thread's while another process holds a core, the common case on a shared
machine; of these, take the one with the fastest epoch on an idle machine (ties within
`TOLERANCE`: fewer threads). `bench/thread_default.py` measures both conditions and prints what
the rule picks; `DEFAULT_THREADS` is that pick (a test applies the rule to the recorded
measurements in ``bench/results/thread_default.txt``). No torch here.

Example:
    >>> pick_threads(idle={1: 4.0, 2: 3.6}, loaded={1: 4.2, 2: 57.0})  # 2 threads lose under load
    1
    >>> pick_threads(idle={1: 4.0, 2: 2.2}, loaded={1: 8.0, 2: 8.1})   # they never lose: take them
    2
"""

from __future__ import annotations

DEFAULT_THREADS = 1  # what pick_threads gives for bench/results/thread_default.txt
TOLERANCE = 1.05     # "no slower" and "a tie": within 5%


def pick_threads(idle: dict[int, float], loaded: dict[int, float], tolerance: float = TOLERANCE) -> int:
    """The thread count the rule above picks from measured seconds per epoch.

    Args:
        idle: {threads: seconds per epoch} with no other process running.
        loaded: {threads: seconds per epoch} while another process holds one core; must hold 1.
        tolerance: how much slower still counts as "no slower" (and as a tie).

    Returns:
        The chosen number of threads (1 when no other count is safe under load).

    Raises:
        ValueError: no measurement of 1 thread under load, or a count measured in one condition only.
    """
    if 1 not in loaded:
        raise ValueError("the rule compares with 1 thread under load: measure it")
    if set(idle) != set(loaded):
        raise ValueError(f"measure the same thread counts in both conditions, got {sorted(idle)} and {sorted(loaded)}")
    safe = [t for t in sorted(loaded) if loaded[t] <= tolerance * loaded[1]]
    best = min(safe, key=lambda t: idle[t])
    return min(t for t in safe if idle[t] <= tolerance * idle[best])
