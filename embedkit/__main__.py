"""`python -m embedkit` runs the command line."""

from .cli import main

main()
