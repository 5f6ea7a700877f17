"""The version of embedkit, in one place (read by the package face, the CLI, the registry and trained vectors)."""

__version__ = "0.1.0"
