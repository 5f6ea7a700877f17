"""The interactive page in headless Chromium: it renders every point offline and its search box works.

Needs Debian's `chromium` (installed by .ci/run); skipped, with the reason, where it is missing or
cannot start. The page runs a search for the word after '#' in its address through the same
form handler the search box uses, so a plain `--dump-dom` shows the outcome in the DOM.
"""

import re
import shutil
import subprocess

import numpy as np
import pytest

from embedkit import Vectors, plot

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND",  # no network at all: the page must not need it
         "--virtual-time-budget=15000"]


def dump_dom(url: str, profile) -> str:
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                            capture_output=True, text=True, timeout=120)
    return result.stdout


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    try:
        dom = dump_dom("data:text/html,<p id=ok>ok</p>", profile)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"{CHROMIUM} does not start: {error}")
    if 'id="ok"' not in dom:
        pytest.skip(f"{CHROMIUM} starts but renders nothing here")
    return lambda url: dump_dom(url, profile)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(60)]
    vectors = Vectors(words, rng.normal(size=(60, 8)))
    out = tmp_path_factory.mktemp("page") / "words.html"
    picture = plot(vectors, out, method="pca", clusters=3)
    return out, picture


def test_page_renders_offline_and_the_search_box_finds_a_word(browser, page):
    out, picture = page
    dom = browser(out.as_uri() + "#w17")
    assert "plotly" in dom and 'id="ek-word"' in dom
    points = len(re.findall(r'<path class="point"', dom))
    # every word, plus rings around w17 and its 5 nearest words (all plotted here)
    assert points == len(picture) + 6, f"{points} points drawn, {len(picture)} + 6 rings expected"
    assert re.search(r'<body[^>]*data-found="w17"', dom)
    nearest = ", ".join(f"{w} {s:.2f}" for w, s in picture.neighbours[17])
    assert f"w17 \u2014 nearest: {nearest}" in dom


def test_search_box_says_when_a_word_is_not_plotted(browser, page):
    out, _ = page
    dom = browser(out.as_uri() + "#nowhere")
    assert "\u201cnowhere\u201d is not among the 60 plotted words" in dom
    assert re.search(r'<body[^>]*data-found=""', dom)


# -- what the page shows -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def topical_page(tmp_path_factory):
    from tests.plotting.test_pictures_speak import STOP, topical

    out = tmp_path_factory.mktemp("topical") / "topics.html"
    picture = plot(topical(), out, method="pca", clusters=3, labels=15)
    return out, picture, STOP


def _body(dom: str) -> dict:
    body = re.search(r"<body([^>]*)>", dom).group(1)
    return {key: value.replace("&quot;", '"') for key, value in re.findall(r'data-([a-z-]+)="([^"]*)"', body)}


def test_labelled_words_are_not_stop_words(browser, topical_page):
    out, picture, stop = topical_page
    dom = browser(out.as_uri())
    labels = [t for t in re.findall(r'<g class="textpoint"[^>]*><text[^>]*>([^<]*)</text>', dom) if t]
    assert len(labels) == 15 and not set(labels) & set(stop)
    legend = re.findall(r'<text class="legendtext"[^>]*>([^<]*)</text>', dom)
    assert len(legend) == 3 and not {w for name in legend for w in name.rstrip(", \u2026").split(", ")} & set(stop)


def test_search_highlights_the_word_and_its_neighbours_with_labels_that_do_not_pile(browser, topical_page):
    import json

    out, picture, _ = topical_page
    dom = browser(out.as_uri() + "#apple")
    body = _body(dom)
    assert body["found"] == "apple"
    near = [w for w, _ in picture.neighbours[picture.words.index("apple")]]
    labels = body["labels"].split(",")
    assert labels[0] == "apple" and set(labels) <= {"apple", *near} and len(labels) >= 4
    annotations = re.findall(r'class="annotation-text"[^>]*>([^<]*)<', dom)
    assert annotations == labels  # each label drawn once, as placed
    boxes = json.loads(body["label-boxes"])
    for i, a in enumerate(boxes):  # no two labels overlap
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    # every plotted word, and a ring on the word and on each of its nearest words
    points = len(re.findall(r'<path class="point"', dom))
    assert points == len(picture) + 1 + len(near)


def test_the_plot_fills_its_frame(browser, topical_page):
    out, _, _ = topical_page
    body = _body(browser(out.as_uri()))
    assert body["frame"] == body["plot"], body  # no empty band under the plot
