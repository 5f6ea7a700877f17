"""What every bad-input case must show through the CLI, checked in one place.

`bad_input(args, names=...)` runs the command in CliRunner and asserts the contract: a non-zero
exit, no traceback, exactly one line starting with ``Error:``, and that line naming the file (and
the line number, where one is given). `snapshot(folder)` and `unchanged(folder, before)` check
that a failed command left no output, no temporary file, and an existing output intact.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from embedkit.cli import main


def invoke(*args, input=None, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, catch_exceptions=True)


def bad_input(*args, names=(), line=None, contains=(), input=None, env=None):
    """Run `embedkit ARGS` and assert the one-line error contract; return the Error: line."""
    result = invoke(*args, input=input, env=env)
    text = result.output
    assert result.exit_code not in (0, None), f"exit 0 for {args}:\n{text}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__} escaped for {args}: {result.exception!r}\n{text}")
    assert "Traceback" not in text, text
    errors = [row for row in text.splitlines() if row.startswith("Error:")]
    assert len(errors) == 1, f"expected one Error: line for {args}, got:\n{text}"
    error = errors[0]
    for name in names:
        assert str(name) in error, f"{name!s} not named in {error!r}"
    if line is not None:
        assert f"line {line}" in error, f"line {line} not named in {error!r}"
    for part in contains:
        assert part in error, f"{part!r} not in {error!r}"
    return error


def snapshot(folder) -> dict[str, str]:
    """Every path under `folder` (relative, hidden ones included) with a digest of its bytes."""
    folder = Path(folder)
    out = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder)) + ("/" if path.is_dir() else "")
        out[key] = "" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def unchanged(folder, before: dict[str, str]) -> None:
    """Assert `folder` holds exactly what `snapshot` saw: nothing added, removed or changed."""
    after = snapshot(folder)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert not (added or removed or changed), f"added {added}, removed {removed}, changed {changed}"


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    """Run in an empty temporary folder, so that relative outputs land there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
