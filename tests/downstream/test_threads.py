"""The default of --threads is what the rule it states picks from the recorded measurements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedkit.cli.options import threads_option
from embedkit.downstream.threads import DEFAULT_THREADS, pick_threads

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "thread_default.txt"


def _default_of(option) -> int:
    import click

    @click.command()
    @option
    def command(threads):
        pass

    return next(p for p in command.params if p.name == "threads").default


def test_the_default_is_the_rules_pick_from_the_measurements():
    measured = json.loads(RESULTS.read_text().strip().splitlines()[-1])
    idle = {int(k): v for k, v in measured["idle"].items()}
    loaded = {int(k): v for k, v in measured["loaded"].items()}
    assert pick_threads(idle, loaded) == measured["picked"] == DEFAULT_THREADS
    assert _default_of(threads_option) == DEFAULT_THREADS


def test_the_rule_refuses_counts_that_lose_under_load():
    # faster when idle, but slower than one thread while another process holds a core: refused
    assert pick_threads({1: 4.0, 2: 2.0}, {1: 5.0, 2: 5.5}) == 1
    # no slower under load (within 5%) and faster idle: taken
    assert pick_threads({1: 4.0, 2: 2.0}, {1: 5.0, 2: 5.2}) == 2
    # safe but no faster idle (a tie within 5%): the fewer threads
    assert pick_threads({1: 4.0, 2: 3.9, 4: 3.0}, {1: 5.0, 2: 5.0, 4: 9.0}) == 1
    with pytest.raises(ValueError, match="compares with 1 thread under load"):
        pick_threads({2: 1.0}, {2: 1.0})
    with pytest.raises(ValueError, match="the same thread counts"):
        pick_threads({1: 1.0}, {1: 1.0, 2: 1.0})


def test_help_states_the_rule():
    from tests.hardening.conftest import invoke

    text = " ".join(invoke("classify", "--help").output.split())
    assert "CPU threads torch may use; default 1: the fastest count that is never slower than 1 thread " \
           "while another process holds a core (bench/thread_default.py)" in text
