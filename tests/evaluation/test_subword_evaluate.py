"""evaluate on vectors with subwords: pairs with a word outside the vocabulary are scored with its
composed vector (not left out), and the coverage says how many were."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner
from scipy.stats import spearmanr

from embedkit import io
from embedkit.cli import main
from tests.io.test_subword_files import make_vectors

PAIRS = [("walk", "talk", 5.0), ("walks", "talked", 3.0), ("walked", "überall", 1.0), ("walking", "walked", 4.0),
         ("Talks", "walk", 2.5), ("walking", "xy", 2.0)]  # 'xy': no trained n-gram, left out


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def expected_rho():
    vectors = make_vectors()
    cosines = []
    for a, b, _ in PAIRS[:5]:
        u, v = vectors.vectors_of([a.lower(), b.lower()])
        cosines.append(u @ v / np.linalg.norm(u) / np.linalg.norm(v))
    return spearmanr([s for *_, s in PAIRS[:5]], cosines).statistic


def test_pairs_with_unseen_words_are_scored_with_composed_vectors(tmp_path):
    io.save(make_vectors(), tmp_path / "v.ekv")
    io.save(make_vectors().head(7), tmp_path / "whole.vec")
    (tmp_path / "pairs.tsv").write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in PAIRS), encoding="utf-8")
    found = json.loads(run("evaluate", tmp_path / "v.ekv", tmp_path / "whole.vec", "-s", tmp_path / "pairs.tsv",
                           "--json"))
    subwords, whole = (found["rows"][0]["scores"][k] for k in ("v.ekv", "whole.vec"))
    assert (subwords["covered"], subwords["total"], subwords["composed"]) == (5, 6, 2)
    assert abs(subwords["value"] - expected_rho()) < 1e-6
    assert (whole["covered"], whole["total"]) == (3, 6) and "composed" not in whole
    table = run("evaluate", tmp_path / "v.ekv", "-s", tmp_path / "pairs.tsv").splitlines()
    assert table[1].split()[2:] == [f"{expected_rho():.3f}", "(5/6,", "2", "composed)"]
    assert table[-1] == ("(..., N composed): N of the covered pairs have a word outside the vocabulary, its "
                         "vector composed from its character n-grams (subwords).")
