"""Memory in proportion to the input: a header or a first line that claims far more than the file
holds fails before anything of the claimed size is allocated. (bench/memory_malformed.py measures
the peak RSS of each case in a fresh process; this is the quick check for the suite.)"""

from __future__ import annotations

import io as pyio
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from embedkit import io
from embedkit.io import word2vec as w2vfile
from embedkit.io import word2vec_binary
from embedkit.errors import FormatError
from embedkit.vectors import Vectors

from .conftest import bad_input

# Every reader reads a block of up to BLOCK_BYTES at once (Python allocates the whole request,
# touching only what the file fills); anything beyond that and a few MB is out of proportion.
SLACK = w2vfile.BLOCK_BYTES + (4 << 20)
BENCH = Path(__file__).resolve().parents[2] / "bench" / "memory_malformed.py"


def _peak(function, *args, **kwargs):
    """(peak bytes traced while `function` runs, the FormatError it raised or None)."""
    import pyarrow.csv  # noqa: F401 - imported before measuring: its import is no part of the read

    tracemalloc.start()
    try:
        function(*args, **kwargs)
        error = None
    except FormatError as caught:
        error = caught
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, error


MALFORMED = [
    ("header-claims-2M-dims", b"1 2000000\nw 1.0 2.0\n", "expected a word and 2000000 numbers", 2),
    ("header-claims-1e9-words", b"1000000000 3\na 1 2 3\nb 4 5 6\n", "the header says 1000000000 words", 4),
    ("binary-claims-2e9-dims", b"1 2000000000\na " + b"\0" * 12, "the file ends inside word 1", None),
    ("binary-claims-1e9-words", b"1000000000 3\na " + b"\0" * 12, "the file ends inside word 2", None),
]


@pytest.mark.parametrize("data, message, line", [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_small_file_with_huge_claims_fails_at_once(tmp_path, data, message, line):
    path = tmp_path / "claims.vec"
    path.write_bytes(data)
    peak, error = _peak(io.load, path)
    assert error is not None and message in error.reason and error.line == line
    assert peak < SLACK, f"{peak:,} bytes traced for a {len(data)}-byte file"
    bad_input("info", path, names=[path], contains=[message])


def test_wide_one_line_glove_is_not_parsed_by_pyarrow(tmp_path, monkeypatch):
    """One 140,000-number line (1 MB): pyarrow would spend kilobytes per column (740 MB)."""
    path = tmp_path / "wide.glove"
    path.write_bytes(b"w " + b" ".join([b"0.1234"] * 140_000) + b"\n")
    import pyarrow.csv as csv

    widths = []
    real = csv.read_csv

    def spy(data, *args, convert_options=None, **kwargs):
        widths.append(len(convert_options.column_types))
        return real(data, *args, convert_options=convert_options, **kwargs)

    monkeypatch.setattr(csv, "read_csv", spy)
    peak, error = _peak(io.load, path)
    assert error is None and max(widths, default=0) <= w2vfile.ARROW_MAX_DIM
    assert peak < SLACK + 20 * path.stat().st_size
    assert io.load(path).shape == (1, 140_000)


def test_first_record_is_checked_before_a_fast_path_allocates(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(w2vfile, "_parse_block", lambda *a: calls.append(a) or ([], None))
    path = tmp_path / "v.vec"
    path.write_bytes(b"2 4000\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match="line 2: expected a word and 4000 numbers, found 2"):
        io.load(path)
    assert calls == []


class _CountingStream(pyio.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        return super().read(size)


@pytest.mark.parametrize("binary", [False, True])
def test_header_claiming_more_than_the_file_holds_fails_before_reading_on(binary):
    vectors = Vectors([f"w{i}" for i in range(2000)], np.ones((2000, 4), np.float32))
    raw = pyio.BytesIO()
    (word2vec_binary.write_binary(raw, vectors.words, vectors.matrix) if binary else
     w2vfile.write_text(raw, vectors.words, vectors.matrix, header=True))
    data = raw.getvalue().replace(b"2000 4\n", b"900000000 4\n", 1)
    stream = _CountingStream(data)
    read = word2vec_binary.read_binary if binary else w2vfile.read_text
    kwargs = {} if binary else {"header": True}
    with pytest.raises(FormatError, match=r"the header says 900,000,000 words of 4 .* but the file "
                                          rf"holds {len(data):,}") as caught:
        read(stream, "v", block_bytes=1024, file_bytes=len(data), **kwargs)
    assert caught.value.line == 1
    assert stream.reads <= 3, f"read {stream.reads} blocks of a file it could tell was wrong"


def test_npy_header_claiming_a_huge_matrix_fails_before_allocating(tmp_path):
    path = io.save(Vectors(["a", "b"], np.ones((2, 3))), tmp_path / "v.ekv")
    import json

    meta = json.loads((path / "meta.json").read_text())
    meta["shape"] = [10**12, 50]
    (path / "meta.json").write_text(json.dumps(meta))
    with open(path / "vectors.npy", "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": (10**12, 50)})
        f.write(b"\0" * 24)
    for mmap in (True, False):
        peak, error = _peak(io.load, path, mmap=mmap)
        assert error is not None and "truncated" in error.reason
        assert peak < SLACK


def test_memory_benchmark_script_runs():
    assert subprocess.run([sys.executable, BENCH, "--help"], capture_output=True).returncode == 0
