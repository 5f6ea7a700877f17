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
