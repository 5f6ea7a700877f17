"""embedkit.plot (module embedkit.plotting.picture): choosing words, colouring them, and the pictures written (PNG, SVG, HTML)."""

import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from embedkit import EmbedkitError, FormatError, UnknownWordError, Vectors, plot
from embedkit.plotting.picture import _nearest
from embedkit.plotting import output_format, parse_pairs, prepare
from embedkit.plotting.figure import figure


def planted(groups=3, size=20, dim=12, seed=0):
    """Tight groups of words around random directions: 'a0'..'a19', 'b0'.., frequency order a0, b0, a1..."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(groups, dim))
    labels = np.tile(np.arange(groups), size)
    matrix = centres[labels] + 0.1 * rng.normal(size=(groups * size, dim))
    words = [f"{'abcdefgh'[g]}{i // groups}" for i, g in enumerate(labels)]
    return Vectors(words, matrix, meta={"source": "planted.txt"}), labels


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# -- choosing and colouring words --------------------------------------------------------------


def test_top_takes_the_most_frequent_words():
    vectors, _ = planted()
    p = prepare(vectors, method="pca", top=7)
    assert p.words == vectors.words[:7]
    assert p.coords.shape == (7, 2)
    assert p.title == "planted.txt: the 7 most frequent words"
    assert "PCA" in p.subtitle


def test_words_keep_their_order_and_drop_repeats():
    vectors, _ = planted()
    p = prepare(vectors, method="pca", words="b3, a0,b3,c9")
    assert p.words == ["b3", "a0", "c9"]
    assert list(p.rank) == [vectors.row(w) for w in p.words]


def test_unknown_word_names_the_word_and_suggests():
    vectors, _ = planted()
    with pytest.raises(UnknownWordError, match=r"'a99' is not in the vocabulary; did you mean"):
        prepare(vectors, method="pca", words="a1,a99")


def test_words_file_with_comments_and_an_unknown_word_on_line_4(tmp_path):
    vectors, _ = planted()
    path = tmp_path / "words.txt"
    path.write_text("# my words\na1\n\nzz  # not there\nb2\n")
    with pytest.raises(FormatError, match=r"words.txt, line 4: word 'zz' is not in the vocabulary"):
        prepare(vectors, method="pca", words_file=path)
    path.write_text("# my words\na1\n\nb2  # a comment\n")
    assert prepare(vectors, method="pca", words_file=path).words == ["a1", "b2"]


def test_neighbours_of_colour_each_neighbourhood():
    vectors, labels = planted()
    p = prepare(vectors, method="pca", neighbors_of="a0,b1", topn=5)
    assert len(p) == 12
    assert p.anchors == ["a0", "b1"]
    assert p.group_names == ["a0 and its 5 nearest", "b1 and its 5 nearest"]
    assert set(p.group) == {0, 1}
    for word, g in zip(p.words, p.group):  # every neighbour comes from its query's planted group
        assert word[0] == "ab"[g]


def test_clusters_recover_planted_groups():
    vectors, labels = planted()
    p = prepare(vectors, method="pca", top=len(vectors), clusters=3)
    assert adjusted_rand_score(labels, p.group) == 1.0
    assert len(p.group_names) == 3 and p.group[0] == 0  # numbered by their most frequent word
    assert "3 k-means clusters" in p.subtitle


def test_clusters_and_neighbourhoods_cannot_both_colour():
    vectors, _ = planted()
    with pytest.raises(EmbedkitError, match="choose one"):
        prepare(vectors, neighbors_of="a0", clusters=2)
    with pytest.raises(EmbedkitError, match="cannot make 99 clusters of 5 words"):
        prepare(vectors, method="pca", top=5, clusters=99)


def test_analogy_defaults_to_pca_and_colours_both_sides():
    vectors, _ = planted()
    p = prepare(vectors, analogy="a0:b0,a1:b1")
    assert p.method == "PCA"
    assert p.arrows == [("a0", "b0"), ("a1", "b1")]
    assert p.group_names == ["from: a0, a1", "to: b0, b1"]
    assert "kept straight by PCA" in p.subtitle
    assert "offsets are not kept" in prepare(vectors, analogy="a0:b0,a1:b1", method="tsne").subtitle


@pytest.mark.parametrize("text", ["man-king", "man:", ":king", "a:b:c"])
def test_bad_analogy_pairs(text):
    with pytest.raises(EmbedkitError, match="analogy pairs are written a:b,c:d"):
        parse_pairs(text)


def test_one_hot_vectors_say_the_layout_means_nothing():
    one_hot = Vectors([f"w{i}" for i in range(20)], sp.identity(20, format="csr"))
    assert "one-hot vectors are all orthogonal" in prepare(one_hot, method="pca").subtitle


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 40), st.integers(1, 8), st.integers(1, 12), st.booleans(), st.integers(0, 2**16))
def test_nearest_matches_brute_force(n, dim, k, sparse, seed):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(n, dim)).round(1)
    vectors = Vectors([f"w{i}" for i in range(n)], sp.csr_matrix(matrix) if sparse else matrix)
    rows = rng.choice(n, size=min(n, 5), replace=False)
    indices, sims = _nearest(vectors, rows, k)
    unit = vectors.unit.toarray() if sparse else vectors.unit
    full = unit[rows] @ unit.T
    full[np.arange(len(rows)), rows] = -np.inf
    expected = -np.sort(-full, axis=1)[:, :min(k, n - 1)]
    np.testing.assert_allclose(sims, expected, atol=1e-5)  # ties may pick other words, same scores
    assert not (indices == rows[:, None]).any()


# -- pictures ----------------------------------------------------------------------------------


def test_png_has_the_requested_size(tmp_path):
    vectors, _ = planted()
    out = tmp_path / "words.png"
    p = plot(vectors, out, method="pca", size=(640, 480), dpi=100)
    assert png_size(out) == (640, 480)
    assert p.labelled > 0 and set(p.timings) >= {"select", "project", "draw", "write"}
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_svg_keeps_words_as_text(tmp_path):
    vectors, _ = planted()
    out = tmp_path / "words.svg"
    plot(vectors, out, method="pca", labels=5)
    root = ET.parse(out).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"a0", "b0", "c0"} <= texts


def test_unknown_extension_is_refused_before_anything_is_written(tmp_path):
    vectors, _ = planted()
    with pytest.raises(EmbedkitError, match=r"use .png, .svg, .pdf or .html"):
        plot(vectors, tmp_path / "words.jpg", method="pca")
    assert output_format("x.HTM") == "html"
    assert not list(tmp_path.iterdir())


def test_a_failed_drawing_leaves_no_file(tmp_path):
    vectors, _ = planted()
    with pytest.raises(EmbedkitError, match="too small"):
        plot(vectors, tmp_path / "words.png", method="pca", size=(50, 50))
    assert not list(tmp_path.iterdir())


def crowded():
    """300 words in a few tight blobs: most labels cannot fit."""
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(300, 2)) * 0.05 + rng.integers(0, 3, size=(300, 1))
    return Vectors([f"word{i}" for i in range(300)], np.hstack([matrix, np.ones((300, 1))]))


def test_labels_never_overlap_and_query_words_are_always_labelled():
    vectors = crowded()
    p = prepare(vectors, method="pca", top=300, neighbors_of="word250", topn=3)
    fig = figure(p, size=(800, 600), dpi=100)
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if t.get_text()]
    assert len(texts) == fig.embedkit_labels
    assert 5 < len(texts) < 300  # some placed, many left out
    assert "word250" in {t.get_text() for t in texts}
    boxes = np.array([t.get_window_extent(renderer).extents for t in texts])  # x0, y0, x1, y1
    overlap = ((boxes[:, None, 0] < boxes[None, :, 2]) & (boxes[:, None, 2] > boxes[None, :, 0])
               & (boxes[:, None, 1] < boxes[None, :, 3]) & (boxes[:, None, 3] > boxes[None, :, 1]))
    np.fill_diagonal(overlap, False)
    assert not overlap.any(), "labels overlap"
    frame = fig.axes[0].get_window_extent(renderer)
    assert (boxes[:, 0] >= frame.x0).all() and (boxes[:, 2] <= frame.x1).all()


def test_labels_limit_counts_the_most_frequent_first():
    vectors, _ = planted()
    fig = figure(prepare(vectors, method="pca", top=60), labels=3, size=(800, 600), dpi=100)
    assert [t.get_text() for t in fig.axes[0].texts if t.get_text()] == ["a0", "b0", "c0"]


def test_long_titles_wrap_inside_the_picture():
    vectors, _ = planted()
    pairs = ",".join(f"a{i}:b{i}" for i in range(15))
    p = prepare(vectors, analogy=pairs)
    fig = figure(p, size=(600, 400), dpi=100)
    renderer = fig.canvas.get_renderer()
    title = fig.texts[0]
    assert "\n" in title.get_text()
    assert title.get_window_extent(renderer).x1 <= 600
    assert title.get_window_extent(renderer).y0 > fig.axes[0].get_window_extent(renderer).y1


# -- the interactive page ----------------------------------------------------------------------


def test_html_page_is_self_contained_with_hover_neighbours(tmp_path):
    vectors, _ = planted()
    out = tmp_path / "words.html"
    p = plot(vectors, out, method="pca", neighbors_of="a0", topn=5)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=", page), "loads a script from elsewhere"
    assert "cdn.plot.ly" not in page.split("<body", 1)[0]
    assert 'id="ek-search"' in page and 'id="ek-word"' in page
    nearest = ", ".join(f"{w} {s:.2f}" for w, s in p.neighbours[0])
    assert len(p.neighbours[0]) == 5 and nearest in page  # the 5 nearest in the original space
    assert len(page) > 1_000_000  # plotly.js is inlined


def test_html_escapes_words_that_look_like_markup(tmp_path):
    vectors = Vectors(["<script>", "a&b", "</script>", "plain"], np.eye(4) + 0.1)
    out = tmp_path / "words.html"
    plot(vectors, out, method="pca")
    page = out.read_text(encoding="utf-8")
    data = page.split('<script id="ek-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in data and '"a&b"' in data  # the data block cannot end early
    assert "&lt;script&gt;" in page  # hover text and labels escape markup
    assert page.count("</html>") == 1
