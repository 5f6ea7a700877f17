"""`prepare(vectors, ...) -> Picture`: which words a picture shows, where they land, their colours
and the title that says what was projected and how."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import EmbedkitError, FormatError, UnknownWordError
from .naming import cluster_names, cluster_order, distinctiveness, informative, label_priority
from .projection import METHODS, project_with_info, single_thread_below, umap_neighbours, warm_up
from ..query.ties import is_one_hot
from ..vectors import Vectors

DEFAULT_TOP = {"png": 1000, "svg": 1000, "pdf": 1000, "html": 3000}  # words plotted when none are chosen
AUTO_CLUSTERS = 10  # clusters="auto": this many for 200 words or more, one per 20 words below, none under 40
_NAMES = {"umap": "UMAP", "pca": "PCA", "tsne": "t-SNE"}


@dataclass
class Picture:
    """What a picture shows: words, where they land, how they are coloured, and its title.

    `group[i]` indexes `group_names`; -1 is "no group" (drawn grey). `rank[i]` is the word's row
    in the source vectors (0 = most frequent). `priority[i]` decides which words get labels first
    (0 first, after the anchors): informative words before stop words and punctuation, spread
    over the clusters (`naming.label_priority`).
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
    priority: np.ndarray | None = None  # (n,) int64, label order; None: by rank
    axes: tuple[str, str] | None = None  # axis titles (PCA: the share of the variance each shows)

    def __len__(self) -> int:
        return len(self.words)

    @property
    def label_order(self) -> np.ndarray:
        """Indices of the words, in the order they are labelled: anchors, then by `priority`."""
        anchor = np.isin(self.words, self.anchors)
        return np.lexsort((self.rank if self.priority is None else self.priority, ~anchor))

    @property
    def equal_aspect(self) -> bool:
        """Arrows are drawn: one unit is as long across as up, so that their angles are true."""
        return bool(self.arrows)


# -- choosing the words and colouring them ---------------------------------------------------


def prepare(vectors: Vectors, *, method: str | None = None, top: int | None = None,
            words=None, words_file=None, neighbors_of=None, topn: int = 10,
            clusters: int | None = None, analogy=None, seed: int | None = 0,
            metric: str = "cosine", neighbours: int = 0, name: str | None = None,
            timed: bool = False, status=None) -> Picture:
    """Choose words from `vectors`, project them to 2-D and colour them.

    The plotted words are the union of: the `top` most frequent words; `words` (a list or a
    comma-separated string) and the words of `words_file` (one a line, `#` comments); each word of
    `neighbors_of` with its `topn` nearest neighbours (cosine, whole vocabulary); the words of
    the `analogy` pairs. With nothing chosen, the 1000 most frequent words.

    Args:
        method: "umap", "pca" or "tsne". Default UMAP, or PCA when `analogy` is given: only a
            linear projection keeps the offsets between words straight and parallel.
        clusters: colour by this many k-means clusters of the unit vectors, each named by its
            most distinctive words (0 or None: no clusters; "auto": 10 for 200 words or more, one
            per 20 words below, none under 40 nor with `neighbors_of` or `analogy`). Otherwise `neighbors_of` colours
            each neighbourhood, and `analogy` the two sides of the pairs.
        analogy: pairs "a:b,c:d" (or [(a, b), ...]) drawn as arrows from a to b.
        seed: random seed for the projection and k-means.
        neighbours: also find each plotted word's this-many nearest words in the original space.
        name: what to call the vectors in the title (default: their source).
        timed: also time importing and JIT-compiling the projection apart from running it.
        status: called with a line of text before the projection, which shows no progress bar
            (UMAP imports umap-learn and loads or compiles its numba code first).

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
    if clusters == "auto":  # one-hot vectors are all orthogonal: clusters of them mean nothing
        clusters = None if neighbors_of or analogy or is_one_hot(vectors) else "auto"
    else:
        clusters = clusters or None
    if clusters is not None and neighbors_of:
        raise EmbedkitError("clusters and neighbourhoods both colour the points; choose one")
    if clusters is not None and clusters != "auto" and clusters < 1:
        raise EmbedkitError(f"the number of clusters must be at least 1, got {clusters}")
    pairs = parse_pairs(analogy) if analogy else []
    queries = _split(neighbors_of)
    chosen = _split(words) + (_read_words(vectors, words_file) if words_file is not None else [])
    choice = _choose(vectors, top, chosen, queries, topn, pairs, colour_pairs=clusters is None and not queries)
    rank = np.fromiter(choice.rows, dtype=np.int64, count=len(choice.rows))
    picked = vectors.take(rank)
    group = np.array([choice.group_of.get(int(r), -1) for r in rank], dtype=np.int64)
    group_names = choice.group_names
    orders = None
    if clusters == "auto":
        clusters = AUTO_CLUSTERS if len(picked) >= 20 * AUTO_CLUSTERS else len(picked) // 20 or None
        clusters = clusters if clusters and clusters >= 2 else None
    if clusters is not None:
        group, group_names, orders = _kmeans(picked, rank, clusters, seed)
    priority = label_priority(picked.words, rank, orders)
    timings["select"] = time.perf_counter() - start

    if status:
        status(f"{_NAMES[method]} of {len(picked):,} words"
               + (": importing umap-learn and loading its numba code (compiled on the first run only) ..."
                  if method == "umap" else " ..."))
    if timed:
        timings.update(warm_up(method, metric=metric))
    start = time.perf_counter()
    coords, info = project_with_info(picked, method, seed=seed, metric=metric)
    timings["project"] = time.perf_counter() - start
    axes = None
    if "explained_variance" in info:
        axes = tuple(f"PC{i}: {100 * share:.1f}% of the variance" for i, share in
                     enumerate(info["explained_variance"], 1))

    near_words = None
    if neighbours:
        start = time.perf_counter()
        idx, sims = _nearest(vectors, rank, neighbours)
        near_words = [[(vectors.words[j], float(s)) for j, s in zip(ri, rs)] for ri, rs in zip(idx, sims)]
        timings["neighbours"] = time.perf_counter() - start

    title = f"{name or vectors.name}: " + " + ".join(choice.what)
    subtitle = _how(method, metric, len(picked), clusters, bool(queries), pairs, is_one_hot(vectors))
    anchors = list(dict.fromkeys(queries + [w for pair in pairs for w in pair]))
    return Picture(words=picked.words, coords=coords, rank=rank, group=group,
                   group_names=group_names, anchors=anchors,
                   arrows=pairs, title=title, subtitle=subtitle, method=_NAMES[method],
                   neighbours=near_words, timings=timings, priority=priority, axes=axes)


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
    from .. import query

    rows = np.asarray(rows, dtype=np.int64)
    k = max(0, min(k, len(vectors) - 1))
    answers = query.search(vectors, [([int(r)], []) for r in rows], k)
    indices = np.array([found for found, _ in answers], dtype=np.int64).reshape(len(rows), k)
    sims = np.array([scores for _, scores in answers], dtype=np.float32).reshape(len(rows), k)
    return indices, sims


def _kmeans(picked: Vectors, rank: np.ndarray, k: int, seed) -> tuple[np.ndarray, list[str], list[list[int]]]:
    """k-means clusters of the unit vectors, numbered by their most frequent word, each named by its
    most distinctive words (`naming`); with each cluster's members in labelling order."""
    from sklearn.cluster import KMeans

    if k > len(picked):
        raise EmbedkitError(f"cannot make {k} clusters of {len(picked)} words")
    unit = picked.unit
    with single_thread_below(len(picked), 20000):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(unit)
    order = sorted(range(k), key=lambda c: rank[labels == c].min())
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    group = renumber[labels]
    score = distinctiveness(unit, group, k)
    good = informative(picked.words)
    orders = [cluster_order(np.flatnonzero(group == c), rank, score, good) for c in range(k)]
    return group, cluster_names(picked.words, orders), orders


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
