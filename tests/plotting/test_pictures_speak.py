"""Pictures that say something: informative labels, clusters named by their distinctive words, PCA
axes with their share of the variance, equal aspect under arrows, pages coloured by clusters."""

from __future__ import annotations

import re

import numpy as np
import pytest

from embedkit import Vectors, plot
from embedkit.plotting import prepare
from embedkit.plotting.naming import cluster_names, cluster_order, distinctiveness, informative, label_priority

STOP = ["the", "of", "and", "to", "in", "a", "is", "was", ",", ".", "'s", "n't"]


def topical(seed: int = 0) -> Vectors:
    """Stop words first (the most frequent rows, near the middle of everything), then three topics
    of ten words; within a topic, the first words sit closest to its centre."""
    rng = np.random.default_rng(seed)
    topics = {"fruit": ["apple", "pear", "plum", "cherry", "grape", "lemon", "mango", "peach", "melon", "lime"],
              "sport": ["tennis", "soccer", "rugby", "hockey", "golf", "boxing", "rowing", "cricket", "judo", "polo"],
              "music": ["violin", "piano", "cello", "flute", "guitar", "drums", "harp", "oboe", "tuba", "banjo"]}
    centres = {name: rng.normal(size=16) * 3 for name in topics}
    words, rows = list(STOP), [rng.normal(size=16) * 0.3 + sum(centres.values()) / 3 for _ in STOP]
    for name, members in topics.items():
        for i, word in enumerate(members):
            words.append(word)
            rows.append(centres[name] + rng.normal(size=16) * (0.2 + 0.1 * i))
    return Vectors(words, np.array(rows))


def test_informative_words_are_letters_and_not_stop_words():
    assert informative(["the", "of", ",", "n't", "'s", "ca", "1990", "paris", "u.s.", "x-ray", "o'brien"]).tolist() == \
        [False, False, False, False, False, False, False, True, True, True, True]


def test_distinctiveness_is_highest_at_a_cluster_centre():
    unit = np.array([[1, 0], [0.9, 0.436], [0, 1], [0.6, 0.8]], dtype=float)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    score = distinctiveness(unit, np.array([0, 0, 1, 1]), 2)
    assert score[0] > score[1] and score[2] > score[3] and (score[[0, 2]] > 0).all()
    assert distinctiveness(unit, np.zeros(4, dtype=int), 1).tolist() == [0, 0, 0, 0]


def test_cluster_order_puts_informative_distinctive_frequent_words_first():
    words = ["the", "apple", "pear", "zebra"]
    order = cluster_order(np.arange(4), rank=np.arange(4), score=np.array([0.9, 0.5, 0.4, 0.1]),
                          good=informative(words))
    assert order == [1, 2, 3, 0]  # "the" is central but says nothing: last
    assert cluster_names(words, [order, [3]]) == ["apple, pear, zebra, \u2026", "zebra"]


def test_clusters_are_named_by_their_topic_words_not_stop_words():
    p = prepare(topical(), method="pca", top=42, clusters=3, seed=0)
    named = {w for name in p.group_names for w in name.rstrip(", \u2026").split(", ")}
    assert not named & set(STOP)
    fruit = [name for name in p.group_names if "apple" in name or "pear" in name]
    assert len(fruit) == 1 and all(w in "apple pear plum cherry grape lemon mango peach melon lime".split()
                                   for w in fruit[0].rstrip(", \u2026").split(", "))


def test_labels_go_to_informative_words_spread_over_the_clusters():
    p = prepare(topical(), method="pca", top=42, clusters=3, seed=0)
    first = [p.words[i] for i in p.label_order[:9]]
    assert not set(first) & set(STOP)
    assert {int(p.group[p.words.index(w)]) for w in first[:3]} == {0, 1, 2}  # one of each cluster in turn
    last = {p.words[i] for i in p.label_order[-len(STOP):]}
    assert last == set(STOP)
    # without clusters: informative words by frequency, then the rest
    plain = prepare(topical(), method="pca", top=42)
    assert [plain.words[i] for i in plain.label_order[:3]] == ["apple", "pear", "plum"]
    priority = label_priority(["the", "cat", ","], np.arange(3), None)
    assert priority.tolist() == [1, 0, 2]


def test_pca_axes_say_how_much_of_the_variance_they_show():
    p = prepare(topical(), method="pca", top=42)
    assert re.fullmatch(r"PC1: \d+\.\d% of the variance", p.axes[0]) and p.axes[1].startswith("PC2: ")
    first, second = (float(a.split()[1].rstrip("%")) for a in p.axes)
    assert 100 > first >= second > 0
    assert prepare(topical(), method="umap", top=42).axes is None


def test_arrows_get_an_equal_aspect_on_pictures(tmp_path):
    from embedkit.plotting.figure import figure

    p = prepare(topical(), analogy="apple:tennis,pear:soccer")
    assert p.equal_aspect and p.method == "PCA"
    fig = figure(p, size=(1600, 900))
    ax = fig.axes[0]
    box = ax.get_window_extent(fig.canvas.get_renderer())
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert abs((x1 - x0) / box.width - (y1 - y0) / box.height) < 1e-6 * (x1 - x0) / box.width  # units per pixel
    assert ax.get_xlabel().startswith("PC1: ") and ax.get_ylabel().startswith("PC2: ")
    unequal = figure(prepare(topical(), method="pca", top=42), size=(1600, 900)).axes[0]
    assert unequal.get_xlim() != pytest.approx((x0, x1))


def _yaxis(path) -> str:
    """The y axis of the figure the page draws, as its JSON (the layout, not plotly.js)."""
    compact = path.read_text(encoding="utf-8").replace(" ", "")
    figure = compact[compact.index("Plotly.newPlot("):]
    start = end = figure.rindex('"yaxis":{') + len('"yaxis":')  # the layout's, after the template's
    depth = 0
    for end, char in enumerate(figure[start:], start):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            break
    return figure[start:end + 1]


def test_pages_are_coloured_by_named_clusters_unless_told_otherwise(tmp_path):
    vectors = topical()
    p = plot(vectors, tmp_path / "a.html", method="pca")
    assert len(p.group_names) == 2 and "2 k-means clusters" in p.subtitle  # 42 words: one cluster per 20
    grey = plot(vectors, tmp_path / "b.html", method="pca", clusters=0)
    assert grey.group_names == [] and "clusters" not in grey.subtitle
    picture = plot(vectors, tmp_path / "c.png", method="pca")
    assert picture.group_names == []  # pictures stay as asked
    near = plot(vectors, tmp_path / "d.html", neighbors_of="apple", topn=5)
    assert near.group_names == ["apple and its 5 nearest"]


def test_the_page_keeps_arrows_true_and_shows_pca_axes(tmp_path):
    out = tmp_path / "arrows.html"
    plot(topical(), out, analogy="apple:tennis,pear:soccer")
    assert '"scaleanchor":"x"' in _yaxis(out) and '"scaleratio":1' in _yaxis(out)
    assert "PC1:" in out.read_text(encoding="utf-8") and '"text":"PC2:' in _yaxis(out)
    plot(topical(), tmp_path / "plain.html", method="pca")
    assert '"scaleanchor"' not in _yaxis(tmp_path / "plain.html")


def test_page_labels_are_informative_words():
    from embedkit.plotting.page import _spread

    p = prepare(topical(), method="pca", top=42, clusters=3)
    shown = {p.words[i] for i in _spread(p, np.isin(p.words, p.anchors), 12)}
    assert len(shown) >= 6 and not shown & set(STOP)
