"""Pictures of word vectors: choose the words, project them, colour them, draw PNG/SVG/PDF or HTML.

Three steps, each usable on its own:

- `prepare(vectors, ...) -> Picture`: picks the words (most frequent, a list, the neighbourhoods
  of query words, analogy pairs), projects them with `embedkit.project`, colours them (k-means
  clusters, neighbourhoods) and writes a title that says what was projected and how.
- `embedkit.plot_figure.figure(picture)` draws it with matplotlib, labels never overlapping;
  `embedkit.plot_html.page(picture) -> str` makes the interactive page.
- `plot(vectors, out, ...)` does both and writes `out` atomically; its extension picks the format.

matplotlib and plotly are imported inside the functions that draw, so `import embedkit` stays fast.

Example:
    >>> from embedkit import plot
    >>> from embedkit.pretrained import resolve
    >>> p = plot(resolve("glove-6b-50d"), "glove.png", top=500, clusters=8)  # doctest: +SKIP
    >>> p.title  # doctest: +SKIP
    'glove-6b-50d: the 500 most frequent words'
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import EmbedkitError, FormatError, UnknownWordError
from .fsutil import atomic_output, check_output
from .projection import METHODS, project, single_thread_below, umap_neighbours, warm_up
from .vectors import Vectors

FORMATS = ("png", "svg", "pdf", "html")
DEFAULT_TOP = {"png": 1000, "svg": 1000, "pdf": 1000, "html": 3000}
_NAMES = {"umap": "UMAP", "pca": "PCA", "tsne": "t-SNE"}
HOVER_NEIGHBOURS = 5  # nearest words, in the original space, shown when hovering a point


@dataclass
class Picture:
    """What a picture shows: words, where they land, how they are coloured, and its title.

    `group[i]` indexes `group_names`; -1 is "no group" (drawn grey). `rank[i]` is the word's row
    in the source vectors (0 = most frequent), which decides which words get labels first.
    """

    words: list[str]
    coords: np.ndarray                  # (n, 2) float64
    rank: np.ndarray                    # (n,) int64
    group: np.ndarray                   # (n,) int64, -1 = none
    group_names: list[str]
    anchors: list[str]                  # drawn large and always labelled: query and analogy words
    arrows: list[tuple[str, str]]       # analogy offsets, drawn from a to b
    title: str                          # what was projected
    subtitle: str                       # how: method, metric, colours, caveats
    method: str = ""                    # "UMAP", "PCA" or "t-SNE"
    neighbours: list[list[tuple[str, float]]] | None = None  # (n, 5) nearest in the original space
    labelled: int | None = None         # words labelled on the picture, once drawn
    timings: dict[str, float] = field(default_factory=dict)   # seconds per step

    def __len__(self) -> int:
        return len(self.words)


def output_format(path) -> str:
    """'png', 'svg', 'pdf' or 'html' from the file name; raises `EmbedkitError` for others."""
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    if suffix not in FORMATS:
        raise EmbedkitError(f"{path}: cannot tell the picture format from the extension; "
                            f"use .png, .svg, .pdf or .html")
    return suffix


def plot(vectors, out, *, labels: int | None = None, size: tuple[int, int] = (1600, 1200),
         dpi: int = 160, top: int | None = None, **options) -> Picture:
    """Project `vectors` and write the picture to `out` (.png, .svg, .pdf or .html).

    Args:
        vectors: a `Vectors`, a vectors file, or the name "glove-6b-50d".
        out: output path; its extension picks the format. Written atomically.
        labels: label at most this many words, most frequent first (query words always); labels
            that would overlap are left out. Default: every word for pictures, 40 for pages.
        size: (width, height) of the picture in pixels (PNG), or at `dpi` (SVG, PDF).
        dpi: dots per inch: sets how large text is relative to the picture.
        top: how many of the most frequent words to plot when no other selection is given
            (default 1000 for pictures, 3000 for pages).
        **options: passed to `prepare` (method, words, words_file, neighbors_of, topn, clusters,
            analogy, seed, metric, name, timed).

    Returns:
        The `Picture` drawn, with `timings` for each step.
    """
    from .pretrained import resolve

    fmt = output_format(out)
    check_output(out)  # before the vectors load: a bad output costs nothing
    vectors = resolve(vectors)  # a Vectors, a file or the name of pretrained vectors
    if top is None and not any(options.get(k) for k in ("words", "words_file", "neighbors_of", "analogy")):
        top = DEFAULT_TOP[fmt]
    p = prepare(vectors, top=top, neighbours=HOVER_NEIGHBOURS if fmt == "html" else 0, **options)
    start = time.perf_counter()
    if fmt == "html":
        from .plot_html import page

        text = page(p, labels=40 if labels is None else labels)
        p.timings["draw"] = time.perf_counter() - start
        with atomic_output(out) as tmp:
            tmp.write_text(text, encoding="utf-8")
    else:
        from .plot_figure import figure

        fig = figure(p, labels=labels, size=size, dpi=dpi)
        p.labelled = fig.embedkit_labels
        p.timings["draw"] = time.perf_counter() - start
        start = time.perf_counter()
        from matplotlib import rc_context

        # SVG keeps words as text (searchable, editable); PDF embeds TrueType, as journals ask.
        # Drawn into memory, then written: an error while writing the file is then a plain
        # OSError (matplotlib's PDF writer turns one into an AttributeError as it cleans up).
        picture = io.BytesIO()
        with rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
            fig.savefig(picture, format=fmt, dpi=dpi, metadata=_metadata(fmt, p))
        with atomic_output(out) as tmp:
            tmp.write_bytes(picture.getbuffer())
    p.timings["write"] = time.perf_counter() - start
    return p


def _metadata(fmt: str, p: Picture) -> dict:
    if fmt == "png":
        return {"Title": p.title, "Description": p.subtitle, "Software": "embedkit"}
    return {"Title": p.title, "Creator": "embedkit"}


# -- choosing the words and colouring them ---------------------------------------------------


def prepare(vectors: Vectors, *, method: str | None = None, top: int | None = None,
            words=None, words_file=None, neighbors_of=None, topn: int = 10,
            clusters: int | None = None, analogy=None, seed: int | None = 0,
            metric: str = "cosine", neighbours: int = 0, name: str | None = None,
            timed: bool = False) -> Picture:
    """Choose words from `vectors`, project them to 2-D and colour them.

    The plotted words are the union of: the `top` most frequent words; `words` (a list or a
    comma-separated string) and the words of `words_file` (one a line, `#` comments); each word of
    `neighbors_of` with its `topn` nearest neighbours (cosine, whole vocabulary); the words of
    the `analogy` pairs. With nothing chosen, the 1000 most frequent words.

    Args:
        method: "umap", "pca" or "tsne". Default UMAP, or PCA when `analogy` is given: only a
            linear projection keeps the offsets between words straight and parallel.
        clusters: colour by this many k-means clusters of the unit vectors. Otherwise
            `neighbors_of` colours each neighbourhood, and `analogy` the two sides of the pairs.
        analogy: pairs "a:b,c:d" (or [(a, b), ...]) drawn as arrows from a to b.
        seed: random seed for the projection and k-means.
        neighbours: also find each plotted word's this-many nearest words in the original space.
        name: what to call the vectors in the title (default: their source).
        timed: also time importing and JIT-compiling the projection apart from running it.

    Raises:
        EmbedkitError: unknown words (naming the word, and the line for `words_file`), bad pairs,
            or options that contradict each other.
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    if method is None:
        method = "pca" if analogy else "umap"
    if method not in METHODS:
        raise EmbedkitError(f"unknown projection method {method!r}; choose one of {', '.join(METHODS)}")
    if clusters is not None and neighbors_of:
        raise EmbedkitError("clusters and neighbourhoods both colour the points; choose one")
    if clusters is not None and clusters < 1:
        raise EmbedkitError(f"the number of clusters must be at least 1, got {clusters}")
    pairs = parse_pairs(analogy) if analogy else []
    queries = _split(neighbors_of)
    chosen = _split(words) + (_read_words(vectors, words_file) if words_file is not None else [])
    choice = _choose(vectors, top, chosen, queries, topn, pairs, colour_pairs=clusters is None and not queries)
    rank = np.fromiter(choice.rows, dtype=np.int64, count=len(choice.rows))
    picked = vectors.take(rank)
    group = np.array([choice.group_of.get(int(r), -1) for r in rank], dtype=np.int64)
    group_names = choice.group_names
    if clusters is not None:
        group, group_names = _kmeans(picked, rank, clusters, seed)
    timings["select"] = time.perf_counter() - start

    if timed:
        timings.update(warm_up(method, metric=metric))
    start = time.perf_counter()
    coords = project(picked, method, seed=seed, metric=metric)
    timings["project"] = time.perf_counter() - start

    near_words = None
    if neighbours:
        start = time.perf_counter()
        idx, sims = _nearest(vectors, rank, neighbours)
        near_words = [[(vectors.words[j], float(s)) for j, s in zip(ri, rs)] for ri, rs in zip(idx, sims)]
        timings["neighbours"] = time.perf_counter() - start

    title = f"{name or vectors.name}: " + " + ".join(choice.what)
    subtitle = _how(method, metric, len(picked), clusters, bool(queries), pairs, _is_one_hot(vectors))
    anchors = list(dict.fromkeys(queries + [w for pair in pairs for w in pair]))
    return Picture(words=picked.words, coords=coords, rank=rank, group=group,
                   group_names=group_names, anchors=anchors,
                   arrows=pairs, title=title, subtitle=subtitle, method=_NAMES[method],
                   neighbours=near_words, timings=timings)


@dataclass
class _Choice:
    """The rows to plot (in order), the group of each coloured row, the groups' names, and what
    was chosen, in words, for the title."""

    rows: dict[int, None] = field(default_factory=dict)   # an insertion-ordered set of rows
    group_of: dict[int, int] = field(default_factory=dict)
    group_names: list[str] = field(default_factory=list)
    what: list[str] = field(default_factory=list)


def _choose(vectors: Vectors, top: int | None, chosen: list[str], queries: list[str], topn: int,
            pairs: list[tuple[str, str]], colour_pairs: bool) -> _Choice:
    """The union of the selections `prepare` documents; the 1000 most frequent words if none."""
    choice = _Choice()
    if top:
        choice.rows.update(dict.fromkeys(range(min(top, len(vectors)))))
        choice.what.append(f"the {min(top, len(vectors)):,} most frequent words")
    if chosen:
        choice.rows.update(dict.fromkeys(vectors.rows(chosen).tolist()))
        choice.what.append(f"{len(dict.fromkeys(chosen))} chosen words")
    if queries:
        query_rows = vectors.rows(queries)
        near, sims = _nearest(vectors, query_rows, topn)  # (q, topn)
        best: dict[int, tuple[float, int]] = {}
        for g, (q, row_near, row_sims) in enumerate(zip(query_rows, near, sims)):
            choice.group_names.append(f"{vectors.words[q]} and its {len(row_near)} nearest")
            best[int(q)] = (np.inf, g)
            for r, s in zip(row_near.tolist(), row_sims.tolist()):
                if r not in best or s > best[r][0]:
                    best[r] = (s, g)  # a word near two queries joins the nearer one
        choice.rows.update(dict.fromkeys(int(q) for q in query_rows))
        choice.rows.update(dict.fromkeys(best))
        choice.group_of.update({r: g for r, (_, g) in best.items()})
        choice.what.append(f"{', '.join(queries)} and their {topn} nearest neighbours")
    if pairs:
        a_rows, b_rows = vectors.rows(a for a, _ in pairs), vectors.rows(b for _, b in pairs)
        choice.rows.update(dict.fromkeys(np.column_stack([a_rows, b_rows]).ravel().tolist()))
        choice.what.append("analogy pairs " + ", ".join(f"{a}\u2192{b}" for a, b in pairs))
        if colour_pairs:
            choice.group_names += ["from: " + ", ".join(a for a, _ in pairs),
                                   "to: " + ", ".join(b for _, b in pairs)]
            choice.group_of.update({int(r): 0 for r in a_rows})
            choice.group_of.update({int(r): 1 for r in b_rows})
    if not choice.rows:
        top = min(DEFAULT_TOP["png"], len(vectors))
        choice.rows.update(dict.fromkeys(range(top)))
        choice.what.append(f"the {top:,} most frequent words")
    if not choice.rows:
        raise EmbedkitError("there are no words to plot: the vectors are empty")
    return choice


def parse_pairs(text) -> list[tuple[str, str]]:
    """Analogy pairs from "man:king,woman:queen" (or a list of (a, b)); raises on bad syntax."""
    if not isinstance(text, str):
        return [(str(a), str(b)) for a, b in text]
    pairs = []
    for item in _split(text):
        a, sep, b = item.partition(":")
        if not sep or not a.strip() or not b.strip() or ":" in b:
            raise EmbedkitError(
                f"analogy pairs are written a:b,c:d (e.g. man:king,woman:queen); got {item!r}")
        pairs.append((a.strip(), b.strip()))
    return pairs


def _split(words) -> list[str]:
    if not words:
        return []
    if isinstance(words, str):
        words = words.split(",")
    return [w.strip() for w in words if w.strip()]


def _read_words(vectors: Vectors, path) -> list[str]:
    """Words of a file, one a line; blank lines and `#` comments skipped; checked with line numbers."""
    if not os.path.isfile(path):
        raise EmbedkitError(f"{path}: no such file")
    found = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            word = line.split("#", 1)[0].strip() if not line.startswith("#") else ""
            if not word:
                continue
            try:
                vectors.row(word)
            except UnknownWordError as error:
                raise FormatError(path, str(error), line=number) from None
            found.append(word)
    if not found:
        raise EmbedkitError(f"{path}: no words in the file")
    return found


def _nearest(vectors: Vectors, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `k` nearest words (cosine, whole vocabulary, self excluded) of each row, best first:
    `most_similar` for each word, batched.

    Returns (indices, similarities), both of shape (len(rows), k).
    """
    from . import query

    rows = np.asarray(rows, dtype=np.int64)
    k = max(0, min(k, len(vectors) - 1))
    answers = query.search(vectors, [([int(r)], []) for r in rows], k)
    indices = np.array([found for found, _ in answers], dtype=np.int64).reshape(len(rows), k)
    sims = np.array([scores for _, scores in answers], dtype=np.float32).reshape(len(rows), k)
    return indices, sims


def _kmeans(picked: Vectors, rank: np.ndarray, k: int, seed) -> tuple[np.ndarray, list[str]]:
    """k-means clusters of the unit vectors, numbered by their most frequent word; named by 3 words."""
    from sklearn.cluster import KMeans

    if k > len(picked):
        raise EmbedkitError(f"cannot make {k} clusters of {len(picked)} words")
    with single_thread_below(len(picked), 20000):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(picked.unit)
    order = sorted(range(k), key=lambda c: rank[labels == c].min())
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    group = renumber[labels]
    names = []
    for c in range(k):
        members = np.flatnonzero(group == c)
        by_rank = members[np.argsort(rank[members])]
        # name a cluster by its most frequent words, preferring words over punctuation
        first = ([i for i in by_rank if any(ch.isalpha() for ch in picked.words[i])] + list(by_rank))[:3]
        first = list(dict.fromkeys(first))[:3]
        names.append(", ".join(picked.words[i] for i in first) + (", \u2026" if len(members) > 3 else ""))
    return group, names


def _is_one_hot(vectors: Vectors) -> bool:
    if vectors.meta.get("kind") == "onehot":
        return True
    return vectors.is_sparse and vectors.matrix.shape[1] >= len(vectors) and \
        bool((np.diff(vectors.matrix.indptr) == 1).all())


def _how(method, metric, n, clusters, neighbourhoods, pairs, one_hot) -> str:
    how = {"umap": f"UMAP ({metric}, {max(2, min(umap_neighbours(n), n - 1))} neighbours)",
           "pca": "PCA of the unit vectors" if metric == "cosine" else "PCA",
           "tsne": f"t-SNE ({metric}, perplexity {min(30.0, (n - 1) / 3):.0f})"}[method]
    parts = [f"{n:,} points by {how}"]
    if clusters is not None:
        parts.append(f"colours: {clusters} k-means clusters of the unit vectors")
    elif neighbourhoods:
        parts.append("colours: nearest neighbours by cosine in the original space")
    if pairs:
        parts.append("arrows: a\u2192b offsets, kept straight by PCA" if method == "pca"
                     else f"arrows: a\u2192b, but {method.upper()} bends space, offsets are not kept")
    if one_hot:
        parts.append("one-hot vectors are all orthogonal: the layout carries no meaning")
    return " \u00b7 ".join(parts)
