"""The `embedkit` command line: parses options, calls the library, turns its errors into `Error: ...`.

Nothing here computes anything; every command is a thin layer over a library function.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import EmbedkitError


class EmbedkitGroup(click.Group):
    """Runs commands so that input errors end in one line and exit 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EmbedkitError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `embedkit ... | head`
            sys.stderr.close()
            sys.exit(0)


@click.group(cls=EmbedkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="embedkit")
def main():
    """Train, load, query, look at and evaluate word embeddings."""
