"""The `embedkit` command line: parses options, calls the library, turns its errors into `Error: ...`.

Nothing here computes anything; every command is a thin layer over a library function. `group`
holds the `embedkit` group and its error handling (`signals`: SIGTERM and SIGHUP), `options` the
options several commands share; each other module holds one group of commands and lists them in
its `COMMANDS`, which are registered here (no command module imports the group).
"""

from . import compare, corpora, downstream, evaluate, experiments, explain, phrases, plot, query, train, vectors
from .group import main

for _module in (train, phrases, vectors, query, plot, evaluate, downstream, compare, experiments, explain, corpora):
    for _command in _module.COMMANDS:
        main.add_command(_command)

__all__ = ["main"]
