"""Every command and subcommand answers --help with an example, and the group's summaries are whole."""

from __future__ import annotations

import click
from click.testing import CliRunner

from embedkit.cli import main


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
