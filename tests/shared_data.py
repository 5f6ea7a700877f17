"""The shared data sets beside the project (`SHARED`), and a mark for tests that need them.

Tests that fetch them into embedkit's home take the `isolated_home` fixture (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} not present")

