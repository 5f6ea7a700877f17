"""embedkit: train, load, query, look at and evaluate word embeddings."""

from .errors import EmbedkitError, FormatError, UnknownWordError
from .vectors import Vectors

# Functions named like their modules: importing them here makes `embedkit.project` and
# `embedkit.plot` the functions for good (the modules stay importable as embedkit.project etc.).
# Both modules import umap, scikit-learn, matplotlib and plotly only inside functions.
from .project import project  # noqa: E402  (after Vectors, which it uses)
from .plot import plot  # noqa: E402

__version__ = "0.1.0"

__all__ = ["EmbedkitError", "FormatError", "UnknownWordError", "Vectors", "__version__", "plot", "project"]
