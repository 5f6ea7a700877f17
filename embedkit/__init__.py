"""embedkit: train, load, query, look at and evaluate word embeddings."""

from .errors import EmbedkitError, FormatError, UnknownWordError
from .vectors import Vectors

__version__ = "0.1.0"

# `embedkit.evaluate(...)` is the function; its module stays importable as `embedkit.evaluate`.
from .evaluate import EvaluationResult, evaluate  # noqa: E402

__all__ = ["EmbedkitError", "EvaluationResult", "FormatError", "UnknownWordError", "Vectors", "__version__",
           "evaluate"]
