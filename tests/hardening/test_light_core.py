"""The light core without torch: training, vectors, queries, plots and evaluation run; the commands
that need torch stop at once with one line naming the CPU install.

torch is hidden from a fresh interpreter by an import hook that refuses it, as a machine without
torch would (`sys.modules["torch"] = None` would not do: scipy and scikit-learn look for a torch
already imported in sys.modules and trip over the None). bench/light_core.py does the same in a
real virtual environment with no torch installed at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"

CHILD = r"""
import json, sys

class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoTorch())
from click.testing import CliRunner
from embedkit.cli import main

folder = sys.argv[1]
out = {}
for name, args in json.loads(sys.argv[2]).items():
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    out[name] = [result.exit_code, result.output]
out["torch imported"] = "torch" in sys.modules
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("light")
    words = [f"w{i}" for i in range(40)]
    (folder / "corpus.txt").write_text("\n".join(" ".join(words[(i * 7 + j * 3) % 40] for j in range(12))
                                                  for i in range(800)) + "\n", encoding="utf-8")
    (folder / "pairs.txt").write_text("w1\tw2\t5\nw3\tw4\t1\nw5\tw9\t3\n", encoding="utf-8")
    (folder / "sentiment.tsv").write_text("".join(f"{'pos' if i % 2 else 'neg'}\t{'good' if i % 2 else 'bad'} "
                                                  f"film number {i}\n" for i in range(200)), encoding="utf-8")
    v = str(folder / "v.ekv")
    commands = {
        "train": ["train", str(folder / "corpus.txt"), "-o", v, "--min-count", "1", "--epochs", "2", "-q"],
        "neighbors": ["neighbors", v, "w1", "--topn", "3"],
        "plot": ["plot", v, "-o", str(folder / "v.png"), "--method", "pca"],
        "plot page": ["plot", v, "-o", str(folder / "v.html"), "--method", "pca"],
        "evaluate": ["evaluate", v, "-s", str(folder / "pairs.txt")],
        "classify bow": ["classify", str(folder / "sentiment.tsv"), "--embeddings", "bow"],
        "classify": ["classify", str(folder / "sentiment.tsv"), "--embeddings", "random"],
        "compare": ["compare", str(folder / "sentiment.tsv"), "-e", "bow,random", "-o", str(folder / "grid")],
        "experiment": ["experiment", "cells", "--quick", "-o", str(folder / "cells")],
        "seq2seq": ["experiment", "seq2seq", "--quick", "-o", str(folder / "seq2seq")],
        "explain": ["explain", str(folder / "v.ekv"), "a sentence"],
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMBEDKIT_HOME": str(folder / "home")}
    result = subprocess.run([sys.executable, "-c", CHILD, str(folder), json.dumps(commands)], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["train", "neighbors", "plot", "plot page", "evaluate", "classify bow"])
def test_the_core_runs_without_torch(runs, name):
    folder, out = runs
    code, output = out[name]
    assert code == 0, output
    if name == "neighbors":
        assert output.splitlines()[0].split() == ["rank", "word", "cosine"] and len(output.splitlines()) == 4
    if name == "evaluate":
        assert output.startswith("benchmark") and "(3/3)" in output
    if name == "classify bow":
        assert output.startswith("sentiment, bow: test accuracy 100.00")
    assert not out["torch imported"]


@pytest.mark.slow
@pytest.mark.parametrize("name, command", [("classify", "embedkit classify"), ("compare", "embedkit compare -e random"),
                                           ("experiment", "embedkit experiment cells"),
                                           ("seq2seq", "embedkit experiment seq2seq"), ("explain", "embedkit explain")])
def test_commands_that_need_torch_say_the_one_install_line(runs, name, command):
    folder, out = runs
    code, output = out[name]
    assert code == 1
    assert output == f"Error: {command} needs PyTorch, which is not installed; install its CPU build with: {INSTALL}\n"
    assert not any((folder / name).exists() for name in ("grid", "cells", "seq2seq"))  # stopped before writing anything


def test_the_library_says_the_same_line():
    from embedkit.downstream.needs_torch import TORCH_INSTALL, TorchMissingError, torch_missing_message

    assert TORCH_INSTALL == INSTALL
    assert torch_missing_message() == ("this part of embedkit (the recurrent classifiers, the experiments) needs "
                                       f"PyTorch, which is not installed; install its CPU build with: {INSTALL}")
    assert issubclass(TorchMissingError, ImportError)
