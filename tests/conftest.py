"""Shared fixtures: corpora with planted structure and small files."""

from __future__ import annotations

import numpy as np
import pytest


def planted_sentences(groups: int = 4, words_per_group: int = 6, sentences: int = 600,
                      length: tuple[int, int] = (8, 16), seed: int = 0) -> tuple[list[list[str]], list[list[str]]]:
    """Sentences whose words come from one group each: words co-occur only within their group.

    Returns (sentences, groups) where groups[g] lists the words of group g.
    """
    rng = np.random.default_rng(seed)
    vocab = [[f"g{g}w{i}" for i in range(words_per_group)] for g in range(groups)]
    out = []
    for s in range(sentences):
        group = vocab[s % groups]
        n = int(rng.integers(length[0], length[1] + 1))
        out.append([group[i] for i in rng.integers(0, words_per_group, n)])
    return out, vocab


@pytest.fixture
def planted():
    return planted_sentences()


@pytest.fixture
def planted_file(tmp_path, planted):
    sentences, groups = planted
    path = tmp_path / "planted.txt"
    path.write_text("\n".join(" ".join(s) for s in sentences) + "\n", encoding="utf-8")
    return path, groups


@pytest.fixture(scope="session")
def spark():
    """One local[2] SparkSession for every Spark test of the run (starting one takes ~10 s); embedkit's
    commands given --spark-master local[2] reuse it. Skipped, with the reason, where pyspark or a Java
    runtime cannot be had (.ci/run installs both)."""
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install -e '.[spark]'")
    from embedkit import spark as sparking
    from embedkit.errors import EmbedkitError

    try:
        sparking.find_java()
    except EmbedkitError as error:
        pytest.skip(f"no Java runtime for Spark: {error}")
    session = sparking.session("local[2]")
    yield session
    session.stop()


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    """An empty EMBEDKIT_HOME and no EMBEDKIT_MIRROR (modules that fetch data sets use it for every test)."""
    monkeypatch.setenv("EMBEDKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("EMBEDKIT_MIRROR", raising=False)
    return tmp_path / "home"
