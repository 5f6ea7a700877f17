"""scikit-learn transformers over word vectors: `MeanEmbedding` turns texts into averaged vectors.

A step of a `Pipeline` like any other, so word vectors become features for any scikit-learn model,
and `GridSearchCV` can tune the vectors' options with the model's:

Example:
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from embedkit.sklearn import MeanEmbedding
    >>> model = make_pipeline(MeanEmbedding("glove-6b-50d"), LogisticRegression())  # doctest: +SKIP
    >>> model.fit(["a fine film", "a dull mess"], ["pos", "neg"]).predict(["fine"])  # doctest: +SKIP
    array(['pos'], dtype='<U3')
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["MeanEmbedding"]


class MeanEmbedding(TransformerMixin, BaseEstimator):
    """Each text becomes the mean of the vectors of its known words (a zero vector when it has none).

    Texts are split by `embedkit.downstream.sentence_tokens` (words, clitics such as "n't", and
    punctuation, as the classifiers of `embedkit classify` see them); words without a vector are
    left out of the mean.

    Parameters follow scikit-learn's conventions: `__init__` only stores them, `fit` reads the
    vectors (`vectors_`) and returns self.

    Args:
        vectors: a `Vectors`, a vectors file or the name of a pretrained set ("glove-6b-50d"),
            read at `fit`. A `Vectors` is shared, never copied, by `sklearn.base.clone`, so a grid
            search does not copy the matrix for each fit.
        lowercase: lower-case the texts first (GloVe's words are lower-case).
        normalize: average unit-length vectors, so that no word weighs more for its norm.

    Attributes:
        vectors_: the `Vectors` read at fit.
        coverage_: the share of the training texts' tokens that have a vector.
        n_features_out_: the dimension of the vectors.

    Example:
        >>> import numpy as np
        >>> from embedkit import Vectors
        >>> words = Vectors(["good", "bad"], np.array([[1.0, 0.0], [0.0, 1.0]]))
        >>> MeanEmbedding(words).fit_transform(["good good good bad", "nothing known"]).tolist()
        [[0.75, 0.25], [0.0, 0.0]]
    """

    def __init__(self, vectors, *, lowercase: bool = True, normalize: bool = False):
        self.vectors = vectors
        self.lowercase = lowercase
        self.normalize = normalize

    def __sklearn_clone__(self):
        """A copy with the same parameters, the vectors themselves included: they are only read."""
        return type(self)(**self.get_params(deep=False))

    def fit(self, X, y=None):
        """Read the vectors (a file or name is read here) and measure the texts' coverage; returns self."""
        from ..io.pretrained import resolve

        texts = _texts(X)
        self.vectors_ = resolve(self.vectors)
        self.n_features_out_ = self.vectors_.dim
        ids, _ = self._ids(texts)
        tokens = sum(len(self._tokens(text)) for text in texts)
        self.coverage_ = len(ids) / tokens if tokens else 0.0
        return self

    def transform(self, X) -> np.ndarray:
        """The mean vector of each text, float32 (n_texts, dim)."""
        check_is_fitted(self, "vectors_")
        texts = _texts(X)
        ids, owner = self._ids(texts)  # (k,) rows of the known tokens, (k,) the text each belongs to
        matrix = self.vectors_.unit if self.normalize else self.vectors_.matrix
        rows = matrix[ids]
        rows = rows.toarray() if hasattr(rows, "toarray") else np.asarray(rows, dtype=np.float32)  # (k, dim)
        out = np.zeros((len(texts), self.vectors_.dim), dtype=np.float64)
        np.add.at(out, owner, rows)
        known = np.bincount(owner, minlength=len(texts))  # (n,)
        out[known > 0] /= known[known > 0, None]
        return out.astype(np.float32)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "vectors_")
        return np.array([f"dim{i}" for i in range(self.vectors_.dim)], dtype=object)

    def _tokens(self, text: str) -> list[str]:
        from ..downstream.tokenizer import sentence_tokens

        return sentence_tokens(text, lowercase=self.lowercase)

    def _ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        index = self.vectors_.index
        ids, owner = [], []
        for n, text in enumerate(texts):
            for token in self._tokens(text):
                row = index.get(token)
                if row is not None:
                    ids.append(row)
                    owner.append(n)
        return np.array(ids, dtype=np.int64), np.array(owner, dtype=np.int64)


def _texts(X) -> list[str]:
    """The texts of `X` (a list, array or Series of strings); a single string is refused, since
    iterating it would make each character a text."""
    if isinstance(X, (str, bytes)):
        raise TypeError("MeanEmbedding takes a list of texts, not one string: wrap it as [text]")
    texts = list(np.asarray(X, dtype=object).ravel()) if hasattr(X, "__array__") else list(X)
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"MeanEmbedding takes texts (str), got a {type(text).__name__}: {text!r:.60}")
    return texts
