"""Golden outputs: the --json (and --csv) answers of every query and evaluate command on fixed
hand-made vectors, compared with answers recorded in tests/cli/golden/outputs.json.

The vectors plant the structures the commands look for: pairs (x_i, y_i) that differ by one
offset (so analogies have right answers), case variants ('Paris'/'paris', for evaluate's
case-insensitive matching), a zero vector and exact ties. Any change in a query's ranking, a
score, a coverage count or the JSON layout fails this test. Run with EMBEDKIT_UPDATE_GOLDEN=1
to record new answers after a deliberate change (and say why in the commit).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from embedkit import io
from embedkit.cli import main
from embedkit.vectors import Vectors

GOLDEN = Path(__file__).parent / "golden" / "outputs.json"


def _vectors() -> Vectors:
    rng = np.random.default_rng(20261201)
    dim = 12
    offset = rng.normal(size=dim)
    words, rows = [], []
    for i in range(30):
        x = rng.normal(size=dim)
        words += [f"x{i}", f"y{i}"]
        rows += [x, x + offset + 0.3 * rng.normal(size=dim)]
    for i in range(40):
        words.append(f"w{i}")
        rows.append(rng.normal(size=dim))
    words += ["Paris", "paris", "France", "france", "zero", "tie1", "tie2"]
    base = rng.normal(size=dim)
    rows += [base, base + 0.1 * rng.normal(size=dim), base + offset, base + offset,
             np.zeros(dim), rows[0] * 2.0, rows[0] * 3.0]
    return Vectors(words, np.array(rows, dtype=np.float32), counts=np.arange(len(words), 0, -1))


def _files(folder: Path) -> dict[str, Path]:
    vectors = _vectors()
    out = {"vec": folder / "v.vec", "ekv": folder / "v.ekv"}
    io.save(vectors, out["vec"])
    io.save(vectors, out["ekv"])
    rng = np.random.default_rng(7)
    pairs = [f"x{i}\ty{i}\t{9 - i * 0.2:.2f}" for i in range(12)]
    pairs += [f"w{i}\tw{i + 1}\t{float(rng.integers(0, 10))}" for i in range(12)]
    pairs += ["paris\tFRANCE\t8.5", "unknownword\tx1\t3.0", "zero\tx2\t1.0"]
    (folder / "pairs.tsv").write_text("\n".join(pairs) + "\n", encoding="utf-8")
    questions = [": capital-common-countries"]
    questions += [f"x{i} y{i} x{j} y{j}" for i in range(6) for j in range(6, 10)]
    questions += ["paris france x3 y3", "x1 y1 nothere y2"]
    questions += [": gram1-adjective-to-adverb"]
    questions += [f"x{i} y{i} x{j} y{j}" for i in range(20, 24) for j in range(24, 28)]
    questions += ["w1 w2 w3 w4", "tie1 tie2 x5 y5"]
    (folder / "analogies.txt").write_text("\n".join(questions) + "\n", encoding="utf-8")
    onehot = Vectors(vectors.words, np.eye(len(vectors), dtype=np.float32))
    out["onehot"] = folder / "onehot.ekv"
    io.save(Vectors(onehot.words, __import__("scipy.sparse", fromlist=["csr_matrix"]).csr_matrix(onehot.matrix)),
            out["onehot"])
    out["pairs"], out["analogies"] = folder / "pairs.tsv", folder / "analogies.txt"
    return out


def _commands(f: dict[str, Path]) -> dict[str, list[str]]:
    v, e = str(f["vec"]), str(f["ekv"])
    bench = ["-s", str(f["pairs"]), "-a", str(f["analogies"])]
    return {
        "neighbors one": ["neighbors", v, "x0", "--json"],
        "neighbors many": ["neighbors", e, "x0", "y3", "zero", "tie1", "--topn", "5", "--json"],
        "neighbors restrict": ["neighbors", v, "w3", "--restrict", "20", "--topn", "4", "--json"],
        "similarity": ["similarity", v, "x0", "y0", "--json"],
        "similarity zero": ["similarity", v, "zero", "x1", "--json"],
        "analogy add": ["analogy", v, "x0", "y0", "x5", "--json"],
        "analogy mul": ["analogy", e, "x0", "y0", "x5", "--method", "mul", "--topn", "8", "--json"],
        "analogy restrict": ["analogy", v, "x1", "y1", "x2", "--restrict", "30", "--json"],
        "odd-one-out": ["odd-one-out", v, "x0", "tie1", "tie2", "w5", "--json"],
        "evaluate": ["evaluate", v, *bench, "--json"],
        "evaluate two columns": ["evaluate", v, str(f["onehot"]), *bench, "--json"],
        "evaluate 3cosmul": ["evaluate", e, *bench, "--method", "3cosmul", "--json"],
        "evaluate restrict": ["evaluate", v, *bench, "--restrict", "40", "--json"],
        "evaluate all words": ["evaluate", v, *bench, "--restrict", "0", "--json"],
        "evaluate dummy": ["evaluate", v, *bench, "--oov", "dummy", "--json"],
        "evaluate case-sensitive": ["evaluate", v, *bench, "--case-sensitive", "--json"],
        "evaluate csv": ["evaluate", v, str(f["onehot"]), *bench, "--csv"],
        "query prompt": ["query", v, "--topn", "3"],
    }


PROMPT_INPUT = "x0\nx0 - y0 + y1\nsim x0 y0\nodd x0 tie1 tie2 w5\ntopn 2\nw7\n"


def _outputs(tmp_path: Path) -> dict[str, object]:
    files = _files(tmp_path)
    results = {}
    for name, args in _commands(files).items():
        result = CliRunner().invoke(main, args, input=PROMPT_INPUT if args[0] == "query" else None)
        assert result.exit_code == 0, f"{name}: {result.output}"
        text = result.stdout.replace(str(tmp_path), "TMP")
        results[name] = json.loads(text) if "--json" in args else text
    return results


def test_query_and_evaluate_outputs_match_the_golden_record(tmp_path):
    outputs = _outputs(tmp_path)
    if os.environ.get("EMBEDKIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(outputs, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("recorded new golden outputs")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(outputs) == sorted(expected)
    for name in expected:
        assert outputs[name] == expected[name], name
