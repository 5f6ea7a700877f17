"""embedkit: train, load, query, look at and evaluate word embeddings."""

__version__ = "0.1.0"

from .errors import EmbedkitError, FormatError, UnknownWordError
from .vectors import Vectors

# The functions embedkit.evaluate, embedkit.project and embedkit.plot live in modules of other
# names (intrinsic, projection, plotting), so that no function hides a module. Those modules
# import scipy.stats, umap, scikit-learn, matplotlib and plotly only inside functions:
# `import embedkit` stays fast.
from .intrinsic import EvaluationResult, evaluate
from .plotting import plot
from .projection import project

__all__ = ["EmbedkitError", "EvaluationResult", "FormatError", "UnknownWordError", "Vectors", "__version__",
           "evaluate", "plot", "project"]
