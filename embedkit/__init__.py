"""embedkit: train, load, query, look at and evaluate word embeddings."""

from .errors import EmbedkitError, FormatError, UnknownWordError
from .vectors import Vectors

__version__ = "0.1.0"

__all__ = ["EmbedkitError", "FormatError", "UnknownWordError", "Vectors", "__version__"]
