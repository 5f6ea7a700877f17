"""The `embedkit` group: every command runs inside it, so that input errors end in one `Error:` line
(exit 1), warnings in `Warning:` lines, and Ctrl-C, SIGTERM and SIGHUP in "Interrupted."."""

from __future__ import annotations

import sys
import warnings

import click

from .._version import __version__
from ..errors import EmbedkitError, EmbedkitWarning
from .options import WholeSummaries
from .signals import interrupted_status, stop_signals


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """`warnings.showwarning` for the CLI: an `EmbedkitWarning` is one line `Warning: ...`."""
    if issubclass(category, EmbedkitWarning):
        click.echo(f"Warning: {message}", err=True)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


_PYTHON_SHOWWARNING = warnings.showwarning


class EmbedkitGroup(WholeSummaries):
    """Runs commands so that input errors end in one line and exit 1, never a traceback; warnings
    about the input (`EmbedkitWarning`) in one line `Warning: ...` each; Ctrl-C, SIGTERM and
    SIGHUP end in "Interrupted." and exit 130 (143, 129)."""

    def invoke(self, ctx):
        with stop_signals():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("default", EmbedkitWarning)
                    warnings.showwarning = _show_warning
                    return super().invoke(ctx)
            except EmbedkitError as error:
                raise click.ClickException(str(error)) from None
            except KeyboardInterrupt:
                click.echo("Interrupted.", err=True)
                sys.exit(interrupted_status())
            except BrokenPipeError:  # `embedkit ... | head`
                sys.stderr.close()
                sys.exit(0)


@click.group(cls=EmbedkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="embedkit")
def main():
    """Train, load, query, look at and evaluate word embeddings."""
