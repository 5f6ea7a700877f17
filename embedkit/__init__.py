"""embedkit: train, load, query, look at and evaluate word embeddings."""

from .errors import EmbedkitError, FormatError, UnknownWordError
from .vectors import Vectors

# embedkit.project(...) and embedkit.plot(...) live in modules of other names (projection,
# plotting), so that neither function hides a module. Both modules import umap, scikit-learn,
# matplotlib and plotly only inside functions: `import embedkit` stays fast.
from .plotting import plot
from .projection import project

__version__ = "0.1.0"

__all__ = ["EmbedkitError", "FormatError", "UnknownWordError", "Vectors", "__version__", "plot", "project"]
