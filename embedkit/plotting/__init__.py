"""The plotting wing: pictures of word vectors, chosen, projected, coloured, drawn as PNG/SVG/PDF or HTML.

Three steps, each usable on its own:

- `prepare(vectors, ...) -> Picture`: picks the words (most frequent, a list, the neighbourhoods
  of query words, analogy pairs), projects them with `project` (module `projection`: UMAP, PCA, t-SNE), colours them (k-means
  clusters, neighbourhoods) and writes a title that says what was projected and how.
- `figure.figure(picture)` draws it with matplotlib, labels never overlapping;
  `page.page(picture) -> str` makes the interactive page.
- `plot(vectors, out, ...)` (module `draw`) does both and writes `out` atomically; its extension picks the format.

matplotlib and plotly are imported inside the functions that draw, so `import embedkit` stays fast.

Example:
    >>> from embedkit import plot
    >>> from embedkit.io import resolve
    >>> p = plot(resolve("glove-6b-50d"), "glove.png", top=500, clusters=8)  # doctest: +SKIP
    >>> p.title  # doctest: +SKIP
    'glove-6b-50d: the 500 most frequent words'
"""

from .draw import output_format, plot
from .picture import Picture, parse_pairs, prepare
from .projection import METHODS, project

__all__ = ["METHODS", "Picture", "output_format", "parse_pairs", "plot", "prepare", "project"]
