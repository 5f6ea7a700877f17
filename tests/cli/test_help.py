"""Every command and subcommand answers --help with an example, and the group's summaries are whole."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from embedkit.cli import main
from embedkit.cli.options import summary


def _walk(group: click.Group, path=()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _walk(command, (*path, name))


COMMANDS = list(_walk(main))


def test_the_walk_finds_groups_and_subcommands():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"train", "query", "corpora fetch", "experiment length", "explain", "compare"} <= names
    assert len(names) >= 25


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for path, _ in COMMANDS:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Example" in result.output, f"embedkit {' '.join(path)} --help has no example"
        assert "embedkit " + path[0] in result.output.split("Example", 1)[1], \
            f"the example of embedkit {' '.join(path)} does not show the command"


GROUPS = [(), *[path for path, command in COMMANDS if isinstance(command, click.Group)]]


def _summaries(path, width: int) -> list[str]:
    """The 'Commands:' rows of `embedkit PATH --help` on a terminal `width` columns wide."""
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    return result.output.split("Commands:\n", 1)[1].rstrip("\n").split("\n")


@pytest.mark.parametrize("path", GROUPS, ids=[" ".join(p) or "embedkit" for p in GROUPS])
def test_group_summaries_are_whole_sentences_on_one_line_of_80_columns(path):
    rows = _summaries(path, 80)
    group = main if not path else dict(COMMANDS)[path]
    assert len(rows) == len(group.commands)  # one line each: no summary wraps at 80 columns
    for row in rows:
        assert len(row) <= 78 and row.endswith(".") and not row.endswith("..."), row


@pytest.mark.parametrize("path", GROUPS, ids=[" ".join(p) or "embedkit" for p in GROUPS])
def test_group_summaries_wrap_rather_than_cut_on_a_narrow_terminal(path):
    rows = _summaries(path, 50)
    text = " ".join(row.strip() for row in rows)
    assert "..." not in text and "\u2026" not in text
    group = main if not path else dict(COMMANDS)[path]
    for name, command in group.commands.items():
        assert summary(command) in " ".join(text.split()), name
